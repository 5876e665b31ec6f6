// The views (account opening, audit trail, the bank's login), their steps and the progress bar.

import { $, el, tx } from "./dom.js";
import { stopHandoffWatch } from "./screens/handoff.js";
import { loadConsentText } from "./screens/latest-information.js";
import { dropPasori, READER_GONE, stopRemovalWatch, watchRemoval } from "./screens/place-card.js";
import { ASSERTION_LIFETIME_SECONDS, FLOWS, state, STEP_LABELS } from "./state.js";
import { asError, clearAllErrors, setBusy, setStatus } from "./status.js";

export function renderProgress() {
  const list = $("progress");
  list.replaceChildren();
  const steps = FLOWS[state.view].steps;
  const current = steps.indexOf(["step-place", "step-handoff"].includes(state.step) ? "step-reader" : state.step);
  steps.forEach((id, i) => {
    const li = el("li", {
      class: i < current ? "done" : i === current ? "current" : "",
      "aria-current": i === current ? "step" : undefined,
    });
    li.append(el("span", { class: "progress-num", "aria-hidden": "true" }, String(i + 1)), " ", tx(STEP_LABELS[id](state.view)));
    list.append(li);
  });
}

export function showStep(id) {
  for (const s of document.querySelectorAll("main > .step")) s.hidden = s.id !== id;
  state.step = id;
  renderProgress();
  setBusy(false);
  const heading = $(id).querySelector("h2");
  window.scrollTo(0, 0);
  heading.focus();
}

export function renderNav() {
  for (const a of document.querySelectorAll("[data-view-link]")) {
    if (a.dataset.viewLink === state.view) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

export async function endCardSession() {
  const transport = state.transport;
  state.transport = null;
  if (state.card) {
    try {
      state.card.free();
    } catch {
      // already released
    }
  }
  state.card = null;
  $("card-hold").hidden = true;
  if (transport) await transport.close();
  if (state.pasori) {
    try {
      await state.pasori.releaseCard(); // S(DESELECT), field off: the card forgets the PIN
    } catch (e) {
      if (READER_GONE.has(asError(e).code)) dropPasori();
    }
  }
}

/** The card signs an assertion for `challenge` and `purpose` (with `txn` when given); then the
 * card session ends, and on a PaSoRi the page watches for the card being taken away. */
export async function signOnCard(challenge, purpose, txn) {
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + ASSERTION_LIFETIME_SECONDS;
  setStatus("status.signing");
  const jws = await state.card.makeAssertion({
    audience: location.origin,
    nonce: challenge.nonce,
    purpose,
    iat,
    exp,
    ...(txn ? { txn } : {}),
  });
  await endCardSession(); // the card's part is done
  if (state.readerKind === "pasori") watchRemoval();
  return { jws, iat, exp };
}

export async function startView(view) {
  state.view = FLOWS[view] ? view : "open";
  state.pending = null;
  state.result = null;
  state.trail = null;
  state.session = null;
  state.consent = null;
  state.withdrawal = null;
  state.tries = null;
  clearAllErrors();
  setStatus(null);
  await stopRemovalWatch();
  stopHandoffWatch();
  await endCardSession();
  renderNav();
  if (state.view === "open") {
    $("consent-check").checked = false;
    showStep("step-consent");
  } else if (state.view === "login") {
    showStep("step-login");
  } else if (state.view === "withdraw") {
    showStep("step-withdraw");
  } else if (state.view === "lbi") {
    $("lbi-check").checked = false;
    showStep("step-lbi");
    await loadConsentText();
  } else {
    showStep("step-audit");
  }
}

export function go(view) {
  if (location.hash !== `#${view}`) location.hash = view; // hashchange starts the view
  else startView(view);
}
