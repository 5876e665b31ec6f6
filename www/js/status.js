// The status line, error boxes and the busy state.

import { $, el } from "./dom.js";
import { getLang, t } from "./i18n.js";
import { userMessage } from "./messages.js";
import { state } from "./state.js";

export function setStatus(key) {
  state.status = key;
  $("status").textContent = key ? t(key) : "";
}

export function renderError(id) {
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

export function showError(id, err) {
  state.errors.set(id, err);
  renderError(id);
  setStatus("status.error");
}

export function clearError(id) {
  state.errors.delete(id);
  renderError(id);
}

export function clearAllErrors() {
  for (const id of [...state.errors.keys()]) clearError(id);
}

/** A JpkiError-like object for failures that did not come from the SDK. */
export function codeError(code, message) {
  const e = new Error(message ?? code);
  e.name = "JpkiError";
  e.code = code;
  return e;
}

export function asError(e) {
  if (e && typeof e.code === "string" && e.code.startsWith("JPKI_")) {
    return { code: e.code, triesLeft: typeof e.triesLeft === "number" ? e.triesLeft : undefined };
  }
  return { code: "JPKI_INTERNAL" };
}

export function setBusy(busy) {
  state.busy = busy;
  const step = state.step ? $(state.step) : null;
  if (!step) return;
  step.setAttribute("aria-busy", busy ? "true" : "false");
  for (const b of step.querySelectorAll("button")) b.disabled = busy || b.dataset.blocked === "true";
}
