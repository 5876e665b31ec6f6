// Screen: "place your card" on a PaSoRi (WebUSB), and kiosk mode (no chooser, idle reset).

import { $ } from "../dom.js";
import { setLang, t } from "../i18n.js";
import { sdkPromise, state } from "../state.js";
import { asError, clearError, codeError, setStatus, showError } from "../status.js";
import { showStep, startView } from "../views.js";
import { showPinStep } from "./pin.js";
import { showReaderStep } from "./reader.js";

export const params = new URLSearchParams(location.search);

/** Errors after which the card session (or the reader) is gone. */
export const READER_GONE = new Set(["JPKI_CARD_REMOVED", "JPKI_NO_CARD", "JPKI_READER_UNPLUGGED", "JPKI_READER_TIMEOUT", "JPKI_READER_PROTOCOL"]);

export function kioskMode() {
  return state.config?.kiosk?.enabled === true || params.get("kiosk") === "1";
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export let simulated = null; // { persona, usb } when the server offers the reader simulator (demo)

/** navigator.usb, or — when the server runs with --simulated-reader — the byte-exact RC-S380
 * simulator with the chosen persona's virtual card behind a scripted navigator.usb. */
export async function usbApi() {
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

export function pasoriAvailable() {
  return Boolean(navigator.usb) || state.config?.simulatedReader === true;
}

export const watched = new WeakSet();
export function watchUnplug(usb) {
  if (!usb || watched.has(usb) || typeof usb.addEventListener !== "function") return;
  watched.add(usb);
  usb.addEventListener("disconnect", (e) => {
    if (e.device === state.pasoriDevice) dropPasori();
  });
}

export function dropPasori() {
  const reader = state.pasori;
  state.pasori = null;
  state.pasoriDevice = null;
  if (reader) reader.close().catch(() => {});
}

export async function openPasori() {
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
export async function placeCard() {
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

export async function onPlaceRetry() {
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
export function watchRemoval() {
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

export async function stopRemovalWatch() {
  const watch = state.removal;
  state.removal = null;
  $("card-remove").hidden = true;
  if (watch) await watch.promise.catch(() => {});
}

/** Kiosk: the pre-granted PaSoRi without any chooser, straight to "place your card". */
export async function kioskReader() {
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

export let kioskArmed = false;

/** Kiosk mode from `?kiosk=1` (at once) or the server's config (once it has loaded); idempotent. */
export function setupKiosk() {
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
export async function onKioskIdle() {
  state.pending = null;
  state.result = null;
  state.trail = null;
  state.tries = null;
  $("pin-input").value = "";
  for (const id of ["review-body", "precheck", "result-body", "trail-body", "session-body", "lbi-done-body", "withdraw-done-body", "jws"]) $(id).replaceChildren();
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
