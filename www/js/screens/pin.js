// Screen: the PIN or password (tries left shown first; never retried, never stored).

import { $ } from "../dom.js";
import { applyTexts, t } from "../i18n.js";
import { FLOWS, state } from "../state.js";
import { asError, clearError, setBusy, setStatus, showError } from "../status.js";
import { endCardSession, showStep } from "../views.js";
import { signAccountOpening } from "./account-opening.js";
import { loginAndAudit } from "./audit.js";
import { signConsent, withdrawConsent } from "./latest-information.js";
import { loginSession } from "./session.js";
import { dropPasori, placeCard, READER_GONE } from "./place-card.js";
import { showReaderStep } from "./reader.js";

export function renderTries() {
  const node = $("tries-left");
  const n = state.tries;
  if (n === "verified") {
    node.dataset.i18n = "pin.tries.verified";
    delete node.dataset.i18nArgs;
  } else if (typeof n === "number") {
    node.dataset.i18n = n === 1 ? "pin.tries.one" : "pin.tries";
    node.dataset.i18nArgs = JSON.stringify({ n });
  } else {
    node.dataset.i18n = "pin.tries.unknown";
    delete node.dataset.i18nArgs;
  }
  node.textContent = t(node.dataset.i18n, n === null || n === "verified" ? undefined : { n });
  node.classList.toggle("tries-low", typeof n === "number" && n <= 1);
  $("last-try-warning").hidden = n !== 1;
  const blocked = n === 0;
  $("pin-submit").dataset.blocked = blocked ? "true" : "false";
  $("pin-submit").disabled = blocked || state.busy;
  $("pin-input").disabled = blocked || n === "verified";
}

export function configurePinStep() {
  const which = FLOWS[state.view].pin;
  $("h-pin").dataset.i18n = `pin.h.${which}`;
  $("pin-lead").dataset.i18n = `pin.lead.${which}`;
  $("pin-label").dataset.i18n = `pin.label.${which}`;
  $("pin-submit").dataset.i18n = `pin.submit.${which}`;
  const input = $("pin-input");
  input.value = "";
  if (which === "auth") {
    input.setAttribute("inputmode", "numeric");
    input.setAttribute("maxlength", "4");
    input.setAttribute("pattern", "[0-9]{4}");
  } else {
    input.removeAttribute("inputmode");
    input.setAttribute("maxlength", "16");
    input.setAttribute("pattern", "[A-Za-z0-9]{6,16}");
  }
  renderPinHint();
  $("last-try-check").checked = false;
  clearError("pin-error");
  applyTexts($("step-pin"));
}

export function renderPinHint() {
  const hint = $("pin-hint");
  if (state.readerKind === "virtual") {
    hint.dataset.i18n = `pin.testHint.${FLOWS[state.view].pin}`;
    hint.textContent = t(hint.dataset.i18n);
    hint.hidden = false;
  } else {
    delete hint.dataset.i18n;
    hint.textContent = "";
    hint.hidden = true;
  }
}

export async function showPinStep() {
  configurePinStep();
  // The tries left are shown before anything is asked (reading them spends none).
  setStatus("status.tries");
  try {
    state.tries = await state.card.triesLeft(FLOWS[state.view].pin);
    setStatus(null);
  } catch (e) {
    const err = asError(e);
    state.tries = err.code === "JPKI_PIN_BLOCKED" ? 0 : null;
    showStep("step-pin");
    renderTries();
    showError("pin-error", err);
    return;
  }
  showStep("step-pin");
  renderTries();
}

export async function onPinSubmit(ev) {
  ev.preventDefault();
  if (state.busy) return;
  if (!state.card) {
    // The card session ended (an error after the PIN, a card taken away): place it again
    // (PaSoRi) or choose the reader again.
    if (state.readerKind === "pasori" && state.pasori) placeCard();
    else showReaderStep();
    return;
  }
  const which = FLOWS[state.view].pin;
  const input = $("pin-input");
  let value = input.value;
  input.value = ""; // never kept in the page
  clearError("pin-error");
  setBusy(true);
  if (state.readerKind === "pasori") $("card-hold").hidden = false;
  try {
    if (state.tries !== "verified") {
      const allowLastTry = state.tries === 1 && $("last-try-check").checked;
      setStatus("status.verifyPin");
      try {
        await state.card.verifyPin(which, value, allowLastTry);
      } finally {
        value = null;
      }
    }
  } catch (e) {
    const err = asError(e);
    if (err.code === "JPKI_PIN_INCORRECT" && typeof err.triesLeft === "number") state.tries = err.triesLeft;
    if (err.code === "JPKI_PIN_BLOCKED") state.tries = 0;
    $("card-hold").hidden = true;
    if (err.code === "JPKI_READER_UNPLUGGED") dropPasori();
    if (READER_GONE.has(err.code)) {
      // The card left (or the reader): the session is over. If the VERIFY was lost, the try
      // may have counted: the tries are read again when the card is placed, before any PIN.
      await endCardSession();
      state.tries = null;
    }
    if (err.code === "JPKI_PIN_LAST_TRY_GUARD") {
      // Nothing was sent to the card; show what it still says.
      try {
        state.tries = await state.card.triesLeft(which);
      } catch {
        state.tries = 1;
      }
    }
    setBusy(false);
    renderTries();
    showError("pin-error", err);
    if (err.code === "JPKI_PIN_LAST_TRY_GUARD") $("last-try-check").focus();
    else if (!input.disabled) input.focus();
    return;
  }
  $("last-try-check").checked = false;
  try {
    if (state.view === "open") await signAccountOpening();
    else if (state.view === "login") await loginSession();
    else if (state.view === "lbi") await signConsent();
    else if (state.view === "withdraw") await withdrawConsent();
    else await loginAndAudit();
  } catch (e) {
    const err = asError(e);
    if (err.code === "JPKI_READER_UNPLUGGED") dropPasori(); // a replugged reader is a new device
    await endCardSession();
    setBusy(false);
    if (READER_GONE.has(err.code)) {
      state.tries = null; // read again from the card once it is back
      renderTries();
    }
    showError("pin-error", err);
  }
}
