// Screens: the bank's own login with the authentication certificate (POST /v1/sessions), the
// session it opens, and logout. The session token lives in this page's memory only.

import { api, newChallenge, responseError } from "../api.js";
import { $, el, tx } from "../dom.js";
import { t } from "../i18n.js";
import { state } from "../state.js";
import { codeError, setStatus } from "../status.js";
import { showStep, signOnCard } from "../views.js";
import { dataList, formatTime } from "./account-opening.js";

export async function loginSession() {
  const purpose = "login";
  setStatus("status.challenge");
  const challenge = await newChallenge(purpose);
  const { jws } = await signOnCard(challenge, purpose);
  setStatus("status.session");
  const r = await api("POST", "/v1/sessions", { assertion: jws });
  if (r.status !== 201 || !r.data?.token) throw codeError(responseError(r));
  state.session = { ...r.data, loggedOut: false };
  renderSession();
  setStatus("status.done");
  showStep("step-session");
}

export async function onLogout() {
  const s = state.session;
  if (!s || s.loggedOut) return;
  const r = await api("DELETE", "/v1/sessions/current", undefined, s.token);
  // Ended now, or already over (expired): either way the session is gone.
  state.session = { ...s, token: null, loggedOut: r.status === 204 || r.status === 401 };
  renderSession();
}

export function renderSession() {
  const body = $("session-body");
  body.replaceChildren();
  const s = state.session;
  $("session-logout").hidden = !s || s.loggedOut;
  $("session-lbi").hidden = !s || s.loggedOut;
  const h = $("h-session");
  h.dataset.i18n = s?.loggedOut ? "session.h.out" : "session.h";
  h.textContent = t(h.dataset.i18n);
  if (!s) return;
  if (s.loggedOut) {
    body.append(el("div", { class: "alert alert-success", "data-testid": "session-logged-out" }, el("p", {}, tx("session.loggedOut"))));
    return;
  }
  body.append(el("div", { class: "alert alert-success", "data-testid": "session-ok" }, el("p", {}, tx("session.lead"))));
  body.append(dataList([
    ["session.customer", el("code", {}, s.customerId ?? "—"), "session-customer"],
    ["session.created", formatTime(s.createdAt), "session-created"],
    ["session.expires", formatTime(s.expiresAt), "session-expires"],
    ["field.revocation", tx(`revocation.${s.revocation?.status === "good" ? "good" : "unknown"}`), "session-revocation"],
  ], "session-data"));
  body.append(el("p", { class: "hint" }, tx("session.lifetime")));
}
