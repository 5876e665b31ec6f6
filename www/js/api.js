// The server API (/v1/challenges, /v1/config, …) and its errors.

import { $ } from "./dom.js";
import { state } from "./state.js";
import { asError, codeError, setStatus, showError } from "./status.js";

export async function api(method, path, body, bearer) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: { ...(body ? { "content-type": "application/json" } : {}), ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
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

export function responseError(r) {
  const code = r.data?.error?.code;
  if (typeof code === "string" && code.startsWith("JPKI_")) return code;
  if (r.status === 404) return "JPKI_NOT_FOUND";
  if (r.status === 401 || r.status === 403) return "JPKI_UNAUTHORIZED";
  if (r.status >= 502) return "JPKI_UNAVAILABLE";
  if (r.status >= 500) return "JPKI_INTERNAL";
  return "JPKI_BAD_REQUEST";
}

export async function newChallenge(purpose) {
  const r = await api("POST", "/v1/challenges", { purpose, audience: location.origin });
  if (r.status !== 201 && r.status !== 200) throw codeError(responseError(r));
  if (typeof r.data?.nonce !== "string") throw codeError("JPKI_INTERNAL");
  return r.data;
}

export async function loadConfig() {
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
