// The account-opening flow and "see who verified me", as one page with views, so the virtual
// card (whose tries counters live in this page) is the same card from account opening to login.
//
// Nothing here stores or logs a PIN or password: the field is cleared as soon as its value is
// handed to the card client, which sends it to the card only and never retries by itself.

import { applyTexts, getLang, initLang, onLangChange, setLang, t } from "./i18n.js";
import { userMessage } from "./messages.js";
import { listSmartCardReaders, SmartCardTransport, smartCardAvailable } from "./smartcard.js";

// The SDK (wasm) loads in the background, so the page renders at once.
const sdkPromise = import("/pkg/sync.browser.js");

const ASSERTION_LIFETIME_SECONDS = 300;

const FLOWS = {
  open: {
    purpose: "account-opening",
    pin: "sign",
    steps: ["step-consent", "step-reader", "step-pin", "step-review", "step-result"],
  },
  audit: {
    purpose: "login",
    pin: "auth",
    steps: ["step-audit", "step-reader", "step-pin", "step-trail"],
  },
};

const STEP_LABELS = {
  "step-consent": () => "progress.consent",
  "step-reader": () => "progress.reader",
  "step-pin": (flow) => `progress.pin.${FLOWS[flow].pin}`,
  "step-review": () => "progress.review",
  "step-result": () => "progress.result",
  "step-audit": () => "progress.auditIntro",
  "step-trail": () => "progress.trail",
};

const state = {
  config: null,
  view: "open",
  step: null,
  busy: false,
  virtualCards: new Map(), // persona → VirtualCard, for the page's lifetime
  card: null, // the JpkiCard of the current flow
  transport: null, // SmartCardTransport when a real reader is used
  pasori: null, // PasoriReader (WebUSB), kept open for the page's lifetime
  pasoriDevice: null, // its USBDevice
  removal: null, // { token, promise } of the "take your card" watch
  handoff: null, // on the phone: { id, nonce, code } claimed from the first screen
  handoffWatch: null, // on the first screen: { id, nonce, timer }
  readerKind: "virtual",
  tries: null, // number | "verified" | null
  status: null, // i18n key of the status line
  errors: new Map(), // container id → { code, triesLeft, details }
  pending: null, // the signed assertion awaiting "Send"
  result: null, // the server's answer to /v1/assertions
  trail: null, // the server's answer to /v1/audit
};

const $ = (id) => document.getElementById(id);

/** A small element builder: el("p", { class: "x", "data-i18n": "k" }, "text", child…). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const tx = (key, args) => el("span", { "data-i18n": key, "data-i18n-args": args ? JSON.stringify(args) : undefined }, t(key, args));

// ---------------------------------------------------------------- status, errors, busy

function setStatus(key) {
  state.status = key;
  $("status").textContent = key ? t(key) : "";
}

function renderError(id) {
  const box = $(id);
  const err = state.errors.get(id);
  box.replaceChildren();
  if (!err) {
    if (box.hasAttribute("data-hide-empty")) box.hidden = true;
    return;
  }
  box.hidden = false;
  box.append(el("p", { class: "error-text", "data-testid": "error-text" }, userMessage(err.code, getLang())));
  if (typeof err.triesLeft === "number") {
    box.append(el("p", { class: "error-tries", "data-testid": "error-tries" }, t(err.triesLeft === 1 ? "pin.tries.one" : "pin.tries", { n: err.triesLeft })));
  }
  for (const d of err.details ?? []) {
    box.append(el("p", { class: "error-detail" }, `${d.code}: ${userMessage(d.code, getLang())}`));
  }
  box.append(el("p", { class: "error-code" }, `${t("error.code")}: `, el("code", { "data-testid": "error-code" }, err.code)));
}

function showError(id, err) {
  state.errors.set(id, err);
  renderError(id);
  setStatus("status.error");
}

function clearError(id) {
  state.errors.delete(id);
  renderError(id);
}

function clearAllErrors() {
  for (const id of [...state.errors.keys()]) clearError(id);
}

/** A JpkiError-like object for failures that did not come from the SDK. */
function codeError(code, message) {
  const e = new Error(message ?? code);
  e.name = "JpkiError";
  e.code = code;
  return e;
}

function asError(e) {
  if (e && typeof e.code === "string" && e.code.startsWith("JPKI_")) {
    return { code: e.code, triesLeft: typeof e.triesLeft === "number" ? e.triesLeft : undefined };
  }
  return { code: "JPKI_INTERNAL" };
}

function setBusy(busy) {
  state.busy = busy;
  const step = state.step ? $(state.step) : null;
  if (!step) return;
  step.setAttribute("aria-busy", busy ? "true" : "false");
  for (const b of step.querySelectorAll("button")) b.disabled = busy || b.dataset.blocked === "true";
}

// ---------------------------------------------------------------- views and steps

function renderProgress() {
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

function showStep(id) {
  for (const s of document.querySelectorAll("main > .step")) s.hidden = s.id !== id;
  state.step = id;
  renderProgress();
  setBusy(false);
  const heading = $(id).querySelector("h2");
  window.scrollTo(0, 0);
  heading.focus();
}

function renderNav() {
  for (const a of document.querySelectorAll("[data-view-link]")) {
    if (a.dataset.viewLink === state.view) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

async function endCardSession() {
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

async function startView(view) {
  state.view = FLOWS[view] ? view : "open";
  state.pending = null;
  state.result = null;
  state.trail = null;
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
  } else {
    showStep("step-audit");
  }
}

function go(view) {
  if (location.hash !== `#${view}`) location.hash = view; // hashchange starts the view
  else startView(view);
}

// ---------------------------------------------------------------- server API

async function api(method, path, body) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: body ? { "content-type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
      cache: "no-store",
      credentials: "same-origin",
    });
  } catch {
    throw codeError("JPKI_UNAVAILABLE");
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  return { status: res.status, ok: res.ok, data };
}

function responseError(r) {
  const code = r.data?.error?.code;
  if (typeof code === "string" && code.startsWith("JPKI_")) return code;
  if (r.status === 404) return "JPKI_NOT_FOUND";
  if (r.status === 401 || r.status === 403) return "JPKI_UNAUTHORIZED";
  if (r.status >= 502) return "JPKI_UNAVAILABLE";
  if (r.status >= 500) return "JPKI_INTERNAL";
  return "JPKI_BAD_REQUEST";
}

async function newChallenge(purpose) {
  const r = await api("POST", "/v1/challenges", { purpose, audience: location.origin });
  if (r.status !== 201 && r.status !== 200) throw codeError(responseError(r));
  if (typeof r.data?.nonce !== "string") throw codeError("JPKI_INTERNAL");
  return r.data;
}

async function loadConfig() {
  setStatus("status.config");
  try {
    const r = await api("GET", "/v1/config");
    if (!r.ok || !r.data) throw codeError(responseError(r));
    state.config = r.data;
    setStatus(null);
  } catch (e) {
    state.config = null;
    showError("global-error", asError(e));
  }
  const trust = state.config?.trust;
  $("test-banner").hidden = trust !== "test";
  const virtualAllowed = trust !== "jlis";
  $("reader-virtual").disabled = !virtualAllowed;
  $("reader-virtual-jlis").hidden = virtualAllowed;
  if (!virtualAllowed) $("reader-virtual").checked = false;
  if (state.config?.version) $("version").textContent = `jpki-verify ${state.config.version}`;
}

// ---------------------------------------------------------------- bytes

function base64(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const base64url = (bytes) => base64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

// ---------------------------------------------------------------- consent

function onConsent(ev) {
  ev.preventDefault();
  if (!$("consent-check").checked) {
    $("consent-error").replaceChildren(el("p", { class: "error-text" }, tx("consent.required")));
    $("consent-check").focus();
    return;
  }
  $("consent-error").replaceChildren();
  setStatus(null);
  if (kioskMode()) {
    kioskReader();
    return;
  }
  showReaderStep();
}

// ---------------------------------------------------------------- reader choice

function readerKind() {
  if ($("reader-smartcard").checked) return "smartcard";
  if ($("reader-pasori").checked) return "pasori";
  return "virtual";
}

function syncReaderFields() {
  const kind = readerKind();
  const simulated = kind === "pasori" && state.config?.simulatedReader === true;
  $("persona-select").disabled = !(kind === "virtual" || simulated) || $("reader-virtual").disabled;
  $("smartcard-reader-field").hidden = kind !== "smartcard";
}

async function refreshReaders() {
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

function showReaderStep() {
  clearError("reader-error");
  // A hand-off is for account opening, from a screen that has not already been handed one.
  $("handoff-offer").hidden = state.view !== "open" || state.handoff !== null;
  syncReaderFields();
  showStep("step-reader");
}

async function onReaderContinue(ev) {
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

// ---------------------------------------------------------------- PaSoRi (WebUSB) and kiosk

const params = new URLSearchParams(location.search);

/** Errors after which the card session (or the reader) is gone. */
const READER_GONE = new Set(["JPKI_CARD_REMOVED", "JPKI_NO_CARD", "JPKI_READER_UNPLUGGED", "JPKI_READER_TIMEOUT", "JPKI_READER_PROTOCOL"]);

function kioskMode() {
  return state.config?.kiosk?.enabled === true || params.get("kiosk") === "1";
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let simulated = null; // { persona, usb } when the server offers the reader simulator (demo)

/** navigator.usb, or — when the server runs with --simulated-reader — the byte-exact RC-S380
 * simulator with the chosen persona's virtual card behind a scripted navigator.usb. */
async function usbApi() {
  if (state.config?.simulatedReader === true) {
    const persona = $("persona-select").value || "taro";
    if (!simulated || simulated.persona !== persona) {
      const { ReaderSimulator, simulatedUsb } = await sdkPromise;
      simulated = { persona, usb: simulatedUsb(new ReaderSimulator({ persona })) };
      watchUnplug(simulated.usb);
    }
    return simulated.usb;
  }
  return navigator.usb;
}

function pasoriAvailable() {
  return Boolean(navigator.usb) || state.config?.simulatedReader === true;
}

const watched = new WeakSet();
function watchUnplug(usb) {
  if (!usb || watched.has(usb) || typeof usb.addEventListener !== "function") return;
  watched.add(usb);
  usb.addEventListener("disconnect", (e) => {
    if (e.device === state.pasoriDevice) dropPasori();
  });
}

function dropPasori() {
  const reader = state.pasori;
  state.pasori = null;
  state.pasoriDevice = null;
  if (reader) reader.close().catch(() => {});
}

async function openPasori() {
  if (state.pasori) return state.pasori;
  const { PasoriReader, findPasori } = await sdkPromise;
  setStatus("status.connect");
  const usb = await usbApi();
  watchUnplug(usb);
  // A kiosk's Chrome policy pre-grants the reader: never show the chooser there.
  const device = await findPasori({ usb, request: !kioskMode() });
  const reader = await PasoriReader.open(device);
  state.pasori = reader;
  state.pasoriDevice = device;
  return reader;
}

/** "Place your card": waits for the card on the PaSoRi, then the PIN step. */
async function placeCard() {
  await stopRemovalWatch();
  clearError("place-error");
  $("place-retry").hidden = true;
  const reader = state.pasori;
  const name = $("place-reader-name");
  name.dataset.i18n = "place.reader";
  name.dataset.i18nArgs = JSON.stringify({ name: reader?.productName ?? "PaSoRi", fw: reader?.firmware ?? "?" });
  name.textContent = t("place.reader", JSON.parse(name.dataset.i18nArgs));
  showStep("step-place");
  setStatus("status.placeCard");
  $("place-cancel").disabled = false;
  try {
    if (!reader) throw codeError("JPKI_READER_UNPLUGGED");
    await reader.connectCard({ pauseMs: 200, deadlineMs: kioskMode() ? 60_000 : 30_000 });
    if (state.step !== "step-place") {
      await reader.releaseCard(); // cancelled meanwhile
      return;
    }
    const { JpkiCard } = await sdkPromise;
    state.card = new JpkiCard(reader);
    await showPinStep();
  } catch (e) {
    const err = asError(e);
    if (err.code === "JPKI_READER_UNPLUGGED" || err.code === "JPKI_READER_BUSY") dropPasori();
    if (state.step !== "step-place") return;
    showError("place-error", err);
    $("place-retry").hidden = false;
  }
}

async function onPlaceRetry() {
  clearError("place-error");
  try {
    await openPasori();
  } catch (e) {
    showError("place-error", asError(e));
    return;
  }
  await placeCard();
}

/** After the card's part: "take your card", until the reader sees it gone. */
function watchRemoval() {
  const reader = state.pasori;
  if (!reader) return;
  const notice = $("card-remove");
  notice.dataset.i18n = "card.remove";
  notice.textContent = t("card.remove");
  notice.hidden = false;
  const token = {};
  const promise = (async () => {
    for (let i = 0; i < 240; i++) {
      await sleep(500);
      if (state.removal?.token !== token) return;
      let present;
      try {
        present = await reader.cardPresent();
      } catch {
        break;
      }
      if (!present) {
        notice.dataset.i18n = "card.removed";
        notice.textContent = t("card.removed");
        await sleep(3000);
        break;
      }
    }
    if (state.removal?.token === token) notice.hidden = true;
  })();
  state.removal = { token, promise };
}

async function stopRemovalWatch() {
  const watch = state.removal;
  state.removal = null;
  $("card-remove").hidden = true;
  if (watch) await watch.promise.catch(() => {});
}

/** Kiosk: the pre-granted PaSoRi without any chooser, straight to "place your card". */
async function kioskReader() {
  $("reader-pasori").checked = true;
  state.readerKind = "pasori";
  try {
    await openPasori();
  } catch (e) {
    showReaderStep();
    showError("reader-error", asError(e));
    return;
  }
  await placeCard();
}

let kioskArmed = false;

/** Kiosk mode from `?kiosk=1` (at once) or the server's config (once it has loaded); idempotent. */
function setupKiosk() {
  if (!kioskMode() || kioskArmed) return;
  kioskArmed = true;
  document.body.classList.add("kiosk");
  // Read at every arming: the server's idleSeconds may arrive after the first.
  const seconds = () => Number(params.get("idle")) || state.config?.kiosk?.idleSeconds || 90;
  let timer = null;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(onKioskIdle, seconds() * 1000);
  };
  for (const type of ["pointerdown", "keydown", "input", "touchstart", "wheel"]) {
    document.addEventListener(type, arm, { capture: true, passive: true });
  }
  arm();
}

/** The kiosk was left alone: nothing of the person stays — PIN field, certificates, the
 * challenge, the data on screen, storage — and the page returns to the start. */
async function onKioskIdle() {
  state.pending = null;
  state.result = null;
  state.trail = null;
  state.tries = null;
  $("pin-input").value = "";
  for (const id of ["review-body", "precheck", "result-body", "trail-body", "jws"]) $(id).replaceChildren();
  $("place-reader-name").textContent = "";
  setLang("ja");
  try {
    sessionStorage.clear();
    localStorage.clear();
  } catch {
    // storage disabled
  }
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  await startView("open");
}

// ---------------------------------------------------------------- hand-off to a phone

const SVG = "http://www.w3.org/2000/svg";

/** The server's QR modules ("0"/"1" rows) as an SVG, built with DOM calls (no markup strings). */
function qrSvg(qr) {
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

function setHandoffStatus(key, args, kind = "") {
  const node = $("handoff-status");
  node.className = `alert ${kind}`;
  node.dataset.i18n = key;
  if (args) node.dataset.i18nArgs = JSON.stringify(args);
  else delete node.dataset.i18nArgs;
  node.textContent = t(key, args);
}

/** First screen: a hand-off bound to a fresh challenge, shown as a QR code (and, on Android
 * Chrome, written to an NFC tag); watched until the phone is done. */
async function onHandoffStart() {
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

async function writeHandoffTag(url) {
  try {
    await new window.NDEFReader().write({ records: [{ recordType: "url", data: url }] });
    setHandoffStatus("handoff.written");
  } catch (e) {
    showError("handoff-error", { code: e?.name === "NotAllowedError" ? "JPKI_UNAUTHORIZED" : "JPKI_INTERNAL" });
  }
}

function stopHandoffWatch() {
  if (state.handoffWatch) clearTimeout(state.handoffWatch.timer);
  state.handoffWatch = null;
}

function watchHandoff(id, nonce) {
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
async function claimHandoff(token) {
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
async function onHandoffScan() {
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

// ---------------------------------------------------------------- PIN / password

function renderTries() {
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

function configurePinStep() {
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

function renderPinHint() {
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

async function showPinStep() {
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

async function onPinSubmit(ev) {
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

// ---------------------------------------------------------------- account opening

async function signAccountOpening() {
  const { verifyAssertion } = await sdkPromise;
  const purpose = "account-opening";
  setStatus("status.challenge");
  // Continued from another screen: answer that screen's challenge (the phone claimed it).
  const challenge = state.handoff ? { nonce: state.handoff.nonce } : await newChallenge(purpose);
  setStatus("status.readAuth");
  const authCertificate = await state.card.readCertificate("auth");
  const authCertificateSha256 = base64url(await sha256(authCertificate));
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + ASSERTION_LIFETIME_SECONDS;
  setStatus("status.signing");
  const jws = await state.card.makeAssertion({
    audience: location.origin,
    nonce: challenge.nonce,
    purpose,
    iat,
    exp,
    txn: { application: purpose, authCertificateSha256 },
  });
  await endCardSession(); // the card's part is done
  if (state.readerKind === "pasori") watchRemoval();
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

const ERA_EN = { meiji: "Meiji", taisho: "Taishō", showa: "Shōwa", heisei: "Heisei", reiwa: "Reiwa" };

function formatDob(dob) {
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

function formatTime(value) {
  if (value === undefined || value === null || value === "") return "—";
  const d = typeof value === "number" ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return new Intl.DateTimeFormat(getLang() === "ja" ? "ja-JP" : "en-GB", {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
  }).format(d);
}

/** Text with the characters J-LIS substituted underlined (flags per character). */
function markedText(text, flags) {
  const chars = Array.from(text ?? "");
  if (!Array.isArray(flags) || flags.length !== chars.length || !flags.some(Boolean)) return document.createTextNode(text ?? "—");
  const span = el("span");
  chars.forEach((c, i) => span.append(flags[i] ? el("mark", { class: "substituted" }, c) : c));
  return span;
}

function hasSubstitution(identity) {
  return [identity?.nameSubstituted, identity?.addressSubstituted].some((f) => Array.isArray(f) && f.some(Boolean));
}

function dataList(rows, testid) {
  const dl = el("dl", { class: "data", "data-testid": testid });
  for (const [key, value, id] of rows) {
    dl.append(el("div", { class: "data-row" }, el("dt", {}, tx(key)), el("dd", { "data-testid": id }, value)));
  }
  return dl;
}

function identityBlock(identity, headingKey, testid) {
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

function certificateBlock(cert) {
  const block = el("section", { class: "card-block", "aria-labelledby": "cert-h" });
  block.append(el("h3", { id: "cert-h" }, tx("review.cert.h")));
  block.append(dataList([
    ["field.serial", cert.serialNumber, "cert-serial"],
    ["field.issuer", cert.issuer, "cert-issuer"],
    ["field.validity", `${formatTime(cert.notBefore)} – ${formatTime(cert.notAfter)}`, "cert-validity"],
  ], "certificate"));
  return block;
}

function foldJws(jws) {
  return jws.match(/.{1,64}/g)?.join("\n") ?? "";
}

function renderReview() {
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

async function onSend() {
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

function renderResult() {
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

// ---------------------------------------------------------------- login and audit trail

async function loginAndAudit() {
  const purpose = "login";
  setStatus("status.challenge");
  const challenge = await newChallenge(purpose);
  const iat = Math.floor(Date.now() / 1000);
  setStatus("status.signing");
  const jws = await state.card.makeAssertion({
    audience: location.origin,
    nonce: challenge.nonce,
    purpose,
    iat,
    exp: iat + ASSERTION_LIFETIME_SECONDS,
  });
  await endCardSession();
  if (state.readerKind === "pasori") watchRemoval();
  setStatus("status.audit");
  const r = await api("POST", "/v1/audit", { assertion: jws });
  if (r.status !== 200 || !r.data) throw codeError(responseError(r));
  state.trail = r.data;
  renderTrail();
  setStatus("status.done");
  showStep("step-trail");
}

function renderTrail() {
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
    rt.append(el("thead", {}, el("tr", {}, el("th", { scope: "col" }, tx("col.recordId")), el("th", { scope: "col" }, tx("col.createdAt")))));
    rt.append(el("tbody", {}, ...records.map((r) => el("tr", {}, el("td", {}, el("code", {}, r.id)), el("td", {}, formatTime(r.createdAt))))));
    sec.append(el("div", { class: "table-wrap" }, rt));
    body.append(sec);
  }
}

const FLOW_PURPOSES = new Set(["account-opening", "login", "sign"]);

// ---------------------------------------------------------------- language

function renderLangToggle() {
  const b = $("lang-toggle");
  const other = getLang() === "ja" ? "en" : "ja";
  b.textContent = other === "en" ? "English" : "日本語";
  b.setAttribute("lang", other);
}

function rerender() {
  renderLangToggle();
  renderProgress();
  if (state.status) setStatus(state.status);
  for (const id of state.errors.keys()) renderError(id);
  renderReview();
  renderResult();
  renderTrail();
}

// ---------------------------------------------------------------- start

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
  window.addEventListener("hashchange", () => {
    const handoff = /^#handoff=([\w-]+)$/.exec(location.hash);
    if (handoff) claimHandoff(handoff[1]).then(() => startView("open"));
    else startView(location.hash === "#audit" ? "audit" : "open");
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
  startView(location.hash === "#audit" ? "audit" : "open");
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
