// Screen: choosing the reader (virtual card, PaSoRi over WebUSB, Web Smart Card).

import { $, el } from "../dom.js";
import { t } from "../i18n.js";
import { listSmartCardReaders, SmartCardTransport } from "../smartcard.js";
import { sdkPromise, state } from "../state.js";
import { asError, clearError, codeError, setBusy, setStatus, showError } from "../status.js";
import { endCardSession, showStep } from "../views.js";
import { showPinStep } from "./pin.js";
import { openPasori, placeCard, simulated } from "./place-card.js";

export function readerKind() {
  if ($("reader-smartcard").checked) return "smartcard";
  if ($("reader-pasori").checked) return "pasori";
  return "virtual";
}

export function syncReaderFields() {
  const kind = readerKind();
  const simulated = kind === "pasori" && state.config?.simulatedReader === true;
  $("persona-select").disabled = !(kind === "virtual" || simulated) || $("reader-virtual").disabled;
  $("smartcard-reader-field").hidden = kind !== "smartcard";
}

export async function refreshReaders() {
  const select = $("smartcard-reader");
  setStatus("status.readers");
  try {
    const readers = await listSmartCardReaders();
    select.replaceChildren(...readers.map((r) => el("option", { value: r }, r)));
    if (readers.length === 0) select.append(el("option", { value: "", "data-i18n": "reader.smartcard.none" }, t("reader.smartcard.none")));
    setStatus(null);
  } catch (e) {
    showError("reader-error", asError(e));
  }
}

export function showReaderStep() {
  clearError("reader-error");
  // A hand-off is for account opening, from a screen that has not already been handed one.
  $("handoff-offer").hidden = state.view !== "open" || state.handoff !== null;
  syncReaderFields();
  showStep("step-reader");
}

export async function onReaderContinue(ev) {
  ev.preventDefault();
  if (state.busy) return;
  clearError("reader-error");
  setBusy(true);
  try {
    await endCardSession();
    const { JpkiCard, VirtualCard } = await sdkPromise;
    state.readerKind = readerKind();
    if (state.readerKind === "virtual") {
      if ($("reader-virtual").disabled) throw codeError("JPKI_TEST_ANCHOR_REFUSED");
      const persona = $("persona-select").value;
      let vc = state.virtualCards.get(persona);
      if (!vc) {
        vc = new VirtualCard({ persona });
        state.virtualCards.set(persona, vc);
      }
      // A new session, as when a card is put on the reader: no PIN stays verified from an
      // earlier flow; the tries counters are the card's and carry over.
      vc.powerOff();
      vc.powerOn();
      state.card = new JpkiCard(vc);
    } else if (state.readerKind === "pasori") {
      await openPasori();
      setBusy(false);
      await placeCard();
      return;
    } else {
      setStatus("status.connect");
      state.transport = await SmartCardTransport.open($("smartcard-reader").value || undefined);
      state.card = new JpkiCard(state.transport);
    }
    await showPinStep();
  } catch (e) {
    setBusy(false);
    showError("reader-error", asError(e));
  }
}
