// Screens: review what will be sent, send it, and the result of the account opening.

import { api, newChallenge, responseError } from "../api.js";
import { base64, base64url, sha256 } from "../bytes.js";
import { $, el, tx } from "../dom.js";
import { getLang, t } from "../i18n.js";
import { userMessage } from "../messages.js";
import { sdkPromise, state } from "../state.js";
import { asError, setBusy, setStatus } from "../status.js";
import { showStep, signOnCard } from "../views.js";

export async function signAccountOpening() {
  const { verifyAssertion } = await sdkPromise;
  const purpose = "account-opening";
  setStatus("status.challenge");
  // Continued from another screen: answer that screen's challenge (the phone claimed it).
  const challenge = state.handoff ? { nonce: state.handoff.nonce } : await newChallenge(purpose);
  setStatus("status.readAuth");
  const authCertificate = await state.card.readCertificate("auth");
  const authCertificateSha256 = base64url(await sha256(authCertificate));
  const { jws, iat, exp } = await signOnCard(challenge, purpose, { application: purpose, authCertificateSha256 });
  setStatus("status.precheck");
  const verdict = await verifyAssertion(jws, {
    audience: location.origin,
    nonce: challenge.nonce,
    purpose,
    time: iat,
    trust: state.config?.trust === "test" ? "test" : "jlis",
    revocationUnchecked: "warning",
  });
  state.pending = { jws, authCertificate, verdict, challenge, iat, exp };
  document.querySelector("#step-review details").open = false;
  renderReview();
  setStatus(null);
  showStep("step-review");
}

export const ERA_EN = { meiji: "Meiji", taisho: "Taishō", showa: "Shōwa", heisei: "Heisei", reiwa: "Reiwa" };

export function formatDob(dob) {
  if (!dob) return "—";
  const ja = getLang() === "ja";
  if (ja) {
    let s = dob.eraName && dob.eraYear ? `${dob.eraName}${dob.eraYear === 1 ? "元" : dob.eraYear}年` : dob.year ? `${dob.year}年` : "";
    if (dob.month) s += `${dob.month}月`;
    if (dob.day) s += `${dob.day}日`;
    return dob.gregorian ? `${s || "—"}（${dob.gregorian}）` : s || "—";
  }
  if (!dob.gregorian) return "Unknown";
  let s;
  if (dob.year && dob.month && dob.day) {
    s = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })
      .format(new Date(Date.UTC(dob.year, dob.month - 1, dob.day)));
  } else if (dob.year && dob.month) {
    s = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(dob.year, dob.month - 1, 1)));
  } else {
    s = String(dob.year);
  }
  return ERA_EN[dob.era] && dob.eraYear ? `${s} (${ERA_EN[dob.era]} ${dob.eraYear})` : s;
}

export function formatTime(value) {
  if (value === undefined || value === null || value === "") return "—";
  const d = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return new Intl.DateTimeFormat(getLang() === "ja" ? "ja-JP" : "en-GB", {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
  }).format(d);
}

/** Text with the characters J-LIS substituted underlined (flags per character). */
export function markedText(text, flags) {
  const chars = Array.from(text ?? "");
  if (!Array.isArray(flags) || flags.length !== chars.length || !flags.some(Boolean)) return document.createTextNode(text ?? "—");
  const span = el("span");
  chars.forEach((c, i) => span.append(flags[i] ? el("mark", { class: "substituted" }, c) : c));
  return span;
}

export function hasSubstitution(identity) {
  return [identity?.nameSubstituted, identity?.addressSubstituted].some((f) => Array.isArray(f) && f.some(Boolean));
}

export function dataList(rows, testid) {
  const dl = el("dl", { class: "data", "data-testid": testid });
  for (const [key, value, id] of rows) {
    dl.append(el("div", { class: "data-row" }, el("dt", {}, tx(key)), el("dd", { "data-testid": id }, value)));
  }
  return dl;
}

export function identityBlock(identity, headingKey, testid) {
  const block = el("section", { class: "card-block", "aria-labelledby": `${testid}-h` });
  block.append(el("h3", { id: `${testid}-h` }, tx(headingKey)));
  block.append(dataList([
    ["field.name", markedText(identity.name, identity.nameSubstituted), "identity-name"],
    ["field.address", markedText(identity.address, identity.addressSubstituted), "identity-address"],
    ["field.dob", formatDob(identity.dateOfBirth), "identity-dob"],
    ["field.sex", tx(`sex.${identity.sex ?? "unknown"}`), "identity-sex"],
  ], testid));
  if (hasSubstitution(identity)) block.append(el("p", { class: "hint", "data-testid": "substituted-note" }, tx("substituted.note")));
  return block;
}

export function certificateBlock(cert) {
  const block = el("section", { class: "card-block", "aria-labelledby": "cert-h" });
  block.append(el("h3", { id: "cert-h" }, tx("review.cert.h")));
  block.append(dataList([
    ["field.serial", cert.serialNumber, "cert-serial"],
    // Card or smartphone, from the certificate (and the card's token label when read).
    ["field.token", tx(`token.${["card", "smartphone"].includes(cert.token) ? cert.token : "unknown"}`), "cert-token"],
    ["field.issuer", cert.issuer, "cert-issuer"],
    ["field.validity", `${formatTime(cert.notBefore)} – ${formatTime(cert.notAfter)}`, "cert-validity"],
  ], "certificate"));
  return block;
}

export function foldJws(jws) {
  return jws.match(/.{1,64}/g)?.join("\n") ?? "";
}

export function renderReview() {
  const p = state.pending;
  const body = $("review-body");
  const pre = $("precheck");
  body.replaceChildren();
  pre.replaceChildren();
  if (!p) return;
  const v = p.verdict;
  // Nothing invalid is offered for sending.
  $("review-send").hidden = !v.valid;
  $("review-lead").hidden = !v.valid;
  if (v.valid) {
    const box = el("div", { class: "alert alert-success", "data-testid": "precheck-ok" });
    box.append(el("h3", {}, tx("review.precheck")), el("p", {}, tx("review.precheck.ok")));
    if (v.warnings?.some((w) => w.code === "JPKI_REVOCATION_UNCHECKED")) box.append(el("p", { class: "hint" }, tx("review.revocation")));
    pre.append(box);
  } else {
    const code = v.errors?.[0]?.code ?? "JPKI_INTERNAL";
    const box = el("div", { class: "alert alert-error", role: "alert", "data-testid": "precheck-failed" });
    box.append(
      el("h3", {}, tx("review.precheck")),
      el("p", {}, tx("review.precheck.ng")),
      el("p", { class: "error-text" }, userMessage(code, getLang())),
      el("p", { class: "error-code" }, `${t("error.code")}: `, el("code", { "data-testid": "error-code" }, code)),
    );
    pre.append(box);
  }
  if (v.identity) body.append(identityBlock(v.identity, "review.identity.h", "review-identity"));
  if (v.certificate) body.append(certificateBlock(v.certificate));
  const claims = v.claims ?? { aud: location.origin, purpose: "account-opening", iat: p.iat, exp: p.exp };
  const signed = el("section", { class: "card-block", "aria-labelledby": "claims-h" });
  signed.append(el("h3", { id: "claims-h" }, tx("review.claims.h")));
  signed.append(dataList([
    ["field.audience", claims.aud, "claims-aud"],
    ["field.purpose", tx(`purpose.${claims.purpose}`), "claims-purpose"],
    ["field.signedAt", formatTime(claims.iat), "claims-iat"],
    ["field.expires", formatTime(claims.exp), "claims-exp"],
  ], "claims"));
  body.append(signed);
  $("jws").textContent = foldJws(p.jws);
}

export async function onSend() {
  const p = state.pending;
  if (state.busy || !p || !p.verdict.valid) return;
  setBusy(true);
  setStatus("status.sending");
  let r;
  try {
    r = await api("POST", "/v1/assertions", {
      assertion: p.jws,
      format: "jws",
      authenticationCertificate: base64(p.authCertificate),
      ...(state.handoff ? { handoff: state.handoff.id } : {}),
    });
  } catch (e) {
    r = { status: 0, ok: false, data: null, error: asError(e).code };
  }
  state.pending = null; // a challenge is single use: never offer to send it twice
  if (state.handoff) {
    state.handoff = null; // its challenge is spent
    $("handoff-banner").hidden = true;
  }
  if (r.status === 200 && r.data?.verdict) {
    state.result = { ok: true, ...r.data };
  } else {
    state.result = {
      ok: false,
      code: r.error ?? responseError(r),
      verdict: r.data?.verdict ?? null,
    };
  }
  renderResult();
  setStatus(state.result.ok ? "status.done" : "status.error");
  showStep("step-result");
}

export function renderResult() {
  const res = state.result;
  const body = $("result-body");
  body.replaceChildren();
  if (!res) return;
  const h = $("h-result");
  h.dataset.i18n = res.ok ? "result.h.ok" : "result.h.ng";
  h.textContent = t(h.dataset.i18n);
  if (!res.ok) {
    const box = el("div", { class: "alert alert-error", "data-testid": "result-error" });
    box.append(el("p", { class: "error-text" }, userMessage(res.code, getLang())));
    for (const e of res.verdict?.errors ?? []) {
      if (e.code !== res.code) box.append(el("p", { class: "error-detail" }, `${e.code}: ${userMessage(e.code, getLang())}`));
    }
    box.append(el("p", { class: "error-code" }, `${t("error.code")}: `, el("code", { "data-testid": "error-code" }, res.code)));
    body.append(box);
    return;
  }
  const v = res.verdict;
  body.append(el("div", { class: "alert alert-success", "data-testid": "result-ok" }, el("p", {}, tx("result.lead.ok"))));
  body.append(dataList([
    ["field.recordId", el("code", {}, res.recordId ?? "—"), "record-id"],
    ["field.eventId", el("code", {}, res.eventId ?? "—"), "event-id"],
    ["field.verifiedAt", formatTime(v.verifiedAt), "verified-at"],
  ], "result-ids"));
  if (v.identity) body.append(identityBlock(v.identity, "result.verified.h", "result-identity"));
  if (v.certificate) body.append(certificateBlock(v.certificate));
  const status = v.revocation?.status ?? "unknown";
  const rev = el("section", { class: "card-block", "aria-labelledby": "rev-h" });
  rev.append(el("h3", { id: "rev-h" }, tx("field.revocation")));
  rev.append(el("p", { "data-testid": "revocation-status", class: `revocation revocation-${status}` }, tx(`revocation.${status}`)));
  if (v.revocation?.source) {
    rev.append(el("p", { class: "hint", "data-testid": "revocation-source" },
      tx("field.revocationSource"),
      `: ${v.revocation.source}` + (v.revocation.checkedAt ? ` (${formatTime(v.revocation.checkedAt)})` : "")));
  }
  if (status === "unchecked" || state.config?.revocation === "unchecked-allowed") {
    rev.append(el("p", { class: "alert alert-warning", "data-testid": "revocation-note" }, tx("result.revocation.note")));
  }
  body.append(rev);
}
