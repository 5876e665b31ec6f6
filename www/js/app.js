// The account-opening flow, "see who verified me" and the bank's login, as one page with views, so the virtual
// card (whose tries counters live in this page) is the same card from account opening to login.
//
// Nothing here stores or logs a PIN or password: the field is cleared as soon as its value is
// handed to the card client, which sends it to the card only and never retries by itself.

import { loadConfig } from "./api.js";
import { $ } from "./dom.js";
import { getLang, initLang, onLangChange, setLang } from "./i18n.js";
import { renderLangToggle, rerender } from "./language.js";
import { onSend } from "./screens/account-opening.js";
import { onConsent } from "./screens/consent.js";
import { claimHandoff, onHandoffScan, onHandoffStart, stopHandoffWatch } from "./screens/handoff.js";
import { onPinSubmit } from "./screens/pin.js";
import { onLbiContinue } from "./screens/latest-information.js";
import { onLogout } from "./screens/session.js";
import { kioskMode, kioskReader, onPlaceRetry, pasoriAvailable, setupKiosk, watchUnplug } from "./screens/place-card.js";
import { onReaderContinue, readerKind, refreshReaders, showReaderStep, syncReaderFields } from "./screens/reader.js";
import { smartCardAvailable } from "./smartcard.js";
import { sdkPromise, state } from "./state.js";
import { showError } from "./status.js";
import { endCardSession, go, startView } from "./views.js";

/** The view the address names: #audit, #login, #lbi, #withdraw, else account opening. */
function viewOfHash() {
  return { "#audit": "audit", "#login": "login", "#lbi": "lbi", "#withdraw": "withdraw" }[location.hash] ?? "open";
}

function init() {
  initLang();
  renderLangToggle();
  onLangChange(rerender);
  $("lang-toggle").addEventListener("click", () => setLang(getLang() === "ja" ? "en" : "ja"));
  $("form-consent").addEventListener("submit", onConsent);
  $("form-reader").addEventListener("submit", onReaderContinue);
  $("reader-back").addEventListener("click", () => startView(state.view));
  for (const r of document.querySelectorAll('input[name="reader"]')) {
    r.addEventListener("change", () => {
      syncReaderFields();
      if (readerKind() === "smartcard") refreshReaders();
    });
  }
  $("form-pin").addEventListener("submit", onPinSubmit);
  $("pin-back").addEventListener("click", async () => {
    await endCardSession();
    showReaderStep();
  });
  $("review-send").addEventListener("click", onSend);
  $("review-cancel").addEventListener("click", () => startView("open"));
  $("result-restart").addEventListener("click", () => go("open"));
  $("result-audit").addEventListener("click", () => go("audit"));
  $("audit-continue").addEventListener("click", () => (kioskMode() ? kioskReader() : showReaderStep()));
  $("place-cancel").addEventListener("click", async () => {
    await endCardSession();
    if (kioskMode()) startView(state.view);
    else showReaderStep();
  });
  $("place-retry").addEventListener("click", onPlaceRetry);
  $("handoff-start").addEventListener("click", onHandoffStart);
  $("handoff-scan").addEventListener("click", onHandoffScan);
  $("handoff-scan").hidden = typeof window.NDEFReader !== "function";
  $("handoff-cancel").addEventListener("click", () => {
    stopHandoffWatch();
    showReaderStep();
  });
  $("trail-restart").addEventListener("click", () => go("open"));
  $("login-continue").addEventListener("click", () => (kioskMode() ? kioskReader() : showReaderStep()));
  $("session-logout").addEventListener("click", onLogout);
  $("session-restart").addEventListener("click", () => go("open"));
  $("session-lbi").addEventListener("click", () => go("lbi"));
  $("form-lbi").addEventListener("submit", onLbiContinue);
  $("lbi-restart").addEventListener("click", () => go("open"));
  $("lbi-check").addEventListener("change", () => $("lbi-error").replaceChildren());
  $("lbi-withdraw").addEventListener("click", () => go("withdraw"));
  $("withdraw-continue").addEventListener("click", () => (kioskMode() ? kioskReader() : showReaderStep()));
  $("withdraw-restart").addEventListener("click", () => go("open"));
  window.addEventListener("hashchange", () => {
    const handoff = /^#handoff=([\w-]+)$/.exec(location.hash);
    if (handoff) claimHandoff(handoff[1]).then(() => startView("open"));
    else startView(viewOfHash());
  });

  if (smartCardAvailable()) {
    $("reader-smartcard").disabled = false;
    $("reader-smartcard-unavailable").hidden = true;
  }
  const enablePasori = () => {
    const ok = pasoriAvailable();
    $("reader-pasori").disabled = !ok;
    $("reader-pasori-unavailable").hidden = ok;
    if (navigator.usb) watchUnplug(navigator.usb);
  };
  enablePasori();
  syncReaderFields();
  setupKiosk();
  const handoff = /^#handoff=([\w-]+)$/.exec(location.hash);
  if (handoff) claimHandoff(handoff[1]);
  startView(viewOfHash());
  loadConfig().then(() => {
    enablePasori();
    syncReaderFields();
    setupKiosk();
  });
  sdkPromise.catch(() => {
    showError("global-error", { code: "JPKI_INTERNAL" });
  });
}

init();
