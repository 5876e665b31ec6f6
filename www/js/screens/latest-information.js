// Screens: consent to checks of the latest 4 basic information (最新の基本4情報) — the person
// reads the bank's consent text, signs it with the signature certificate, and the bank keeps
// the text and the signature (POST /v1/consents) — and its withdrawal, by a login with the
// authentication certificate (POST /v1/consents/withdrawal).

import { api, newChallenge, responseError } from "../api.js";
import { $, el, tx } from "../dom.js";
import { state } from "../state.js";
import { codeError, setStatus, showError } from "../status.js";
import { showStep, signOnCard } from "../views.js";
import { dataList, formatTime } from "./account-opening.js";
import { kioskMode, kioskReader } from "./place-card.js";
import { showReaderStep } from "./reader.js";

/** Loads the text to show (the server's, so what is signed is what was shown). */
export async function loadConsentText() {
  const box = $("lbi-text");
  box.textContent = "";
  const r = await api("GET", "/v1/consents/text");
  if (r.status !== 200 || typeof r.data?.text !== "string") {
    showError("lbi-error", { code: responseError(r) });
    return;
  }
  state.consentText = r.data;
  box.textContent = r.data.text;
}

export function onLbiContinue(ev) {
  ev.preventDefault();
  if (!$("lbi-check").checked || !state.consentText) {
    $("lbi-error").replaceChildren(el("p", { class: "error-text" }, tx("lbi.required")));
    $("lbi-check").focus();
    return;
  }
  $("lbi-error").replaceChildren();
  if (kioskMode()) kioskReader();
  else showReaderStep();
}

export async function signConsent() {
  const text = state.consentText;
  if (!text) throw codeError("JPKI_INTERNAL");
  setStatus("status.challenge");
  const challenge = await newChallenge("sign");
  const { jws } = await signOnCard(challenge, "sign", {
    application: "consent",
    consentVersion: text.version,
    consentTextSha256: text.sha256,
  });
  setStatus("status.sending");
  const r = await api("POST", "/v1/consents", { assertion: jws });
  if (r.status !== 201 || !r.data?.consentId) throw codeError(responseError(r));
  state.consent = r.data;
  renderConsentDone();
  setStatus("status.done");
  showStep("step-lbi-done");
}

export function renderConsentDone() {
  const body = $("lbi-done-body");
  body.replaceChildren();
  const c = state.consent;
  if (!c) return;
  body.append(el("div", { class: "alert alert-success", "data-testid": "lbi-ok" }, el("p", {}, tx("lbi.done.lead"))));
  body.append(dataList([
    ["lbi.consentId", el("code", {}, c.consentId), "lbi-consent-id"],
    ["lbi.givenAt", formatTime(c.givenAt), "lbi-given-at"],
    ["session.customer", el("code", {}, c.customerId ?? "—"), "lbi-customer"],
  ], "lbi-done"));
  body.append(el("p", { class: "hint" }, tx("lbi.withdraw")));
}

export async function withdrawConsent() {
  setStatus("status.challenge");
  const challenge = await newChallenge("login");
  const { jws } = await signOnCard(challenge, "login");
  setStatus("status.sending");
  const r = await api("POST", "/v1/consents/withdrawal", { assertion: jws });
  if (r.status !== 200 || typeof r.data?.withdrawn !== "number") throw codeError(responseError(r));
  state.withdrawal = r.data;
  renderWithdrawalDone();
  setStatus("status.done");
  showStep("step-withdraw-done");
}

export function renderWithdrawalDone() {
  const body = $("withdraw-done-body");
  body.replaceChildren();
  const w = state.withdrawal;
  if (!w) return;
  const key = w.withdrawn > 0 ? "withdraw.done.lead" : "withdraw.done.none";
  body.append(el("div", { class: "alert alert-success", "data-testid": "withdraw-ok" }, el("p", {}, tx(key))));
  body.append(dataList([
    ["session.customer", el("code", {}, w.customerId ?? "—"), "withdraw-customer"],
    ["withdraw.count", String(w.withdrawn), "withdraw-count"],
  ], "withdraw-done"));
}
