// Screen: handing the session to a phone (QR code, NFC tag).

import { api, newChallenge, responseError } from "../api.js";
import { $ } from "../dom.js";
import { t } from "../i18n.js";
import { FLOWS, state } from "../state.js";
import { asError, clearError, codeError, setBusy, setStatus, showError } from "../status.js";
import { endCardSession, showStep } from "../views.js";
import { formatTime } from "./account-opening.js";
import { showReaderStep } from "./reader.js";

export const SVG = "http://www.w3.org/2000/svg";

/** The server's QR modules ("0"/"1" rows) as an SVG, built with DOM calls (no markup strings). */
export function qrSvg(qr) {
  const svg = document.createElementNS(SVG, "svg");
  const quiet = 4;
  const n = qr.size + 2 * quiet;
  svg.setAttribute("viewBox", `0 0 ${n} ${n}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("shape-rendering", "crispEdges");
  const bg = document.createElementNS(SVG, "rect");
  bg.setAttribute("width", String(n));
  bg.setAttribute("height", String(n));
  bg.setAttribute("fill", "#fff");
  svg.append(bg);
  let d = "";
  qr.rows.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) if (row[x] === "1") d += `M${x + quiet} ${y + quiet}h1v1h-1z`;
  });
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000");
  svg.append(path);
  return svg;
}

export function setHandoffStatus(key, args, kind = "") {
  const node = $("handoff-status");
  node.className = `alert ${kind}`;
  node.dataset.i18n = key;
  if (args) node.dataset.i18nArgs = JSON.stringify(args);
  else delete node.dataset.i18nArgs;
  node.textContent = t(key, args);
}

/** First screen: a hand-off bound to a fresh challenge, shown as a QR code (and, on Android
 * Chrome, written to an NFC tag); watched until the phone is done. */
export async function onHandoffStart() {
  if (state.busy) return;
  clearError("reader-error");
  setBusy(true);
  try {
    await endCardSession();
    setStatus("status.challenge");
    const challenge = await newChallenge(FLOWS[state.view].purpose);
    const r = await api("POST", "/v1/handoffs", { nonce: challenge.nonce });
    if (r.status !== 201 || !r.data) throw codeError(responseError(r));
    const h = r.data;
    $("handoff-qr").replaceChildren(h.qr ? qrSvg(h.qr) : "");
    $("handoff-qr").firstChild?.setAttribute?.("aria-label", h.url);
    $("handoff-code").textContent = h.code;
    $("handoff-url").textContent = h.url;
    const exp = $("handoff-expires");
    exp.dataset.i18n = "handoff.expires";
    exp.dataset.i18nArgs = JSON.stringify({ at: formatTime(h.expiresAt) });
    exp.textContent = t("handoff.expires", { at: formatTime(h.expiresAt) });
    $("handoff-write").hidden = typeof window.NDEFReader !== "function";
    $("handoff-write").onclick = () => writeHandoffTag(h.url);
    clearError("handoff-error");
    setHandoffStatus("handoff.waiting");
    setStatus(null);
    showStep("step-handoff");
    watchHandoff(h.handoffId, challenge.nonce);
  } catch (e) {
    setBusy(false);
    showError("reader-error", asError(e));
  }
}

export async function writeHandoffTag(url) {
  try {
    await new window.NDEFReader().write({ records: [{ recordType: "url", data: url }] });
    setHandoffStatus("handoff.written");
  } catch (e) {
    showError("handoff-error", { code: e?.name === "NotAllowedError" ? "JPKI_UNAUTHORIZED" : "JPKI_INTERNAL" });
  }
}

export function stopHandoffWatch() {
  if (state.handoffWatch) clearTimeout(state.handoffWatch.timer);
  state.handoffWatch = null;
}

export function watchHandoff(id, nonce) {
  stopHandoffWatch();
  const watch = { id, nonce, timer: null };
  state.handoffWatch = watch;
  const tick = async () => {
    if (state.handoffWatch !== watch) return;
    const r = await api("GET", `/v1/handoffs/${encodeURIComponent(id)}?nonce=${encodeURIComponent(nonce)}`).catch(() => null);
    if (state.handoffWatch !== watch) return;
    const st = r?.data?.status;
    if (st === "done") {
      if (r.data.outcome === "valid") setHandoffStatus("handoff.done", { record: r.data.recordId ?? "—" }, "alert-success");
      else setHandoffStatus("handoff.failed", { code: r.data.outcome ?? "JPKI_INTERNAL" }, "alert-error");
      stopHandoffWatch();
      return;
    }
    if (st === "expired") {
      setHandoffStatus("handoff.expired", null, "alert-warning");
      stopHandoffWatch();
      return;
    }
    if (st === "claimed") setHandoffStatus("handoff.claimed");
    watch.timer = setTimeout(tick, 1500);
  };
  watch.timer = setTimeout(tick, 500);
}

/** On the phone: the page was opened from the first screen's QR code or NFC tag. */
export async function claimHandoff(token) {
  // The token leaves the address bar and history at once (single use anyway).
  history.replaceState(null, "", location.pathname + location.search);
  const r = await api("POST", "/v1/handoffs/claim", { token });
  if (r.status !== 200 || !r.data) {
    showError("global-error", { code: responseError(r) });
    return;
  }
  state.handoff = { id: r.data.handoffId, nonce: r.data.nonce, code: r.data.code };
  const banner = $("handoff-banner");
  banner.dataset.i18n = "handoff.banner";
  banner.dataset.i18nArgs = JSON.stringify({ code: r.data.code });
  banner.textContent = t("handoff.banner", { code: r.data.code });
  banner.hidden = false;
}

/** On the phone (Android Chrome): read the kiosk's NFC tag and follow its URL record. */
export async function onHandoffScan() {
  try {
    const reader = new window.NDEFReader();
    reader.onreading = (event) => {
      for (const record of event.message.records) {
        if (record.recordType !== "url" || !record.data) continue;
        const url = new URL(new TextDecoder().decode(record.data));
        if (url.origin !== location.origin) continue; // only this bank's hand-offs
        const m = /^#handoff=([\w-]+)$/.exec(url.hash);
        if (m) {
          // Consent was given on this page already: straight to the reader.
          claimHandoff(m[1]).then(() => {
            if (state.handoff) showReaderStep();
          });
          return;
        }
      }
    };
    await reader.scan();
  } catch (e) {
    showError("reader-error", { code: e?.name === "NotAllowedError" ? "JPKI_UNAUTHORIZED" : "JPKI_INTERNAL" });
  }
}
