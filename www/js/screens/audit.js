// Screens: login with the authentication certificate and the audit trail.

import { api, newChallenge, responseError } from "../api.js";
import { $, el, tx } from "../dom.js";
import { t } from "../i18n.js";
import { state } from "../state.js";
import { codeError, setStatus } from "../status.js";
import { showStep, signOnCard } from "../views.js";
import { dataList, formatTime } from "./account-opening.js";

export async function loginAndAudit() {
  const purpose = "login";
  setStatus("status.challenge");
  const challenge = await newChallenge(purpose);
  const { jws } = await signOnCard(challenge, purpose);
  setStatus("status.audit");
  const r = await api("POST", "/v1/audit", { assertion: jws });
  if (r.status !== 200 || !r.data) throw codeError(responseError(r));
  state.trail = r.data;
  renderTrail();
  setStatus("status.done");
  showStep("step-trail");
}

export function renderTrail() {
  const body = $("trail-body");
  body.replaceChildren();
  const tr = state.trail;
  if (!tr) return;
  if (tr.subject) {
    body.append(dataList([["trail.subject", el("code", {}, tr.subject), "audit-subject"]], "audit-subject-list"));
  }
  const events = Array.isArray(tr.events) ? tr.events : [];
  const wrap = el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-labelledby": "trail-caption" });
  const table = el("table", { "data-testid": "audit-table" });
  table.append(el("caption", { id: "trail-caption" }, tx("trail.caption")));
  // The server says which of the person's certificates an event was about, when it knows.
  const withCert = events.some((e) => e.certificate === "signature" || e.certificate === "authentication");
  const cols = ["col.at", "col.purpose", "col.outcome", "col.audience", "col.record"];
  if (withCert) cols.splice(2, 0, "col.certificate");
  const head = el("tr", {}, ...cols.map((k) => el("th", { scope: "col" }, tx(k))));
  table.append(el("thead", {}, head));
  const tbody = el("tbody");
  if (events.length === 0) {
    tbody.append(el("tr", {}, el("td", { colspan: String(cols.length), "data-testid": "audit-empty" }, tx("trail.empty"))));
  }
  for (const e of events) {
    const outcome = el("td", { class: `outcome outcome-${e.outcome}` }, tx(e.outcome === "valid" ? "outcome.valid" : "outcome.invalid"));
    if (e.code) outcome.append(" ", el("code", {}, e.code));
    tbody.append(el("tr", { "data-testid": "audit-row", "data-purpose": e.purpose, "data-outcome": e.outcome },
      el("td", {}, formatTime(e.at)),
      el("td", {}, FLOW_PURPOSES.has(e.purpose) ? tx(`purpose.${e.purpose}`) : String(e.purpose ?? "—")),
      withCert ? el("td", {}, e.certificate === "signature" || e.certificate === "authentication" ? tx(`certificate.${e.certificate}`) : "—") : null,
      outcome,
      el("td", {}, e.audience ?? "—"),
      el("td", {}, e.recordId ? el("code", {}, e.recordId) : "—"),
    ));
  }
  table.append(tbody);
  wrap.append(table);
  body.append(wrap);

  const records = Array.isArray(tr.records) ? tr.records : [];
  if (records.length) {
    const sec = el("section", { class: "card-block", "aria-labelledby": "records-h" });
    sec.append(el("h3", { id: "records-h" }, tx("trail.records.h")));
    const rt = el("table", { "data-testid": "records-table" });
    rt.append(el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, tx("col.recordId")),
      el("th", { scope: "col" }, tx("col.purpose")),
      el("th", { scope: "col" }, tx("col.kept")),
      el("th", { scope: "col" }, tx("col.createdAt")))));
    rt.append(el("tbody", {}, ...records.map((r) => el("tr", { "data-testid": "record-row" },
      el("td", {}, el("code", {}, r.id)),
      el("td", {}, RECORD_PURPOSES.has(r.purpose) ? tx(`purpose.${r.purpose}`) : "—"),
      el("td", { "data-testid": "record-kept" }, keptText(r.kept)),
      el("td", {}, formatTime(r.createdAt))))));
    sec.append(el("div", { class: "table-wrap" }, rt));
    body.append(sec);
  }
}

export const FLOW_PURPOSES = new Set(["account-opening", "login", "sign", "renewal"]);
const RECORD_PURPOSES = new Set(["account-opening", "renewal"]);
const CLAIMS = new Set(["name", "dateOfBirth", "sex", "address", "evidence", "prefecture"]);

/** What the bank's claims policy kept of a record, in the page's language ("—" when unknown). */
export function keptText(kept) {
  const claims = Array.isArray(kept?.claims) ? kept.claims : [];
  const names = claims.map((c) => {
    const age = /^ageOver(\d{1,3})$/.exec(String(c));
    if (age) return t("claim.ageOver").replace("{n}", age[1]);
    return CLAIMS.has(c) ? t(`claim.${c}`) : null;
  }).filter(Boolean);
  return names.length ? names.join(t("list.separator")) : "—";
}
