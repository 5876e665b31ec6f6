// Explicit initialisation of the "jpki-verify/sync" build (Rust provider, card, revocation);
// see load.js. The wasm is "jpki-verify/sync/wasm".
import init from "./dist/full/jpki_verify.js";
import * as api from "./sync-api.js";

let ready;

/** Instantiates the full build from `source` and resolves to the "jpki-verify/sync" API. */
export function load(source) {
  ready ??= init({ module_or_path: source }).then(() => api);
  return ready;
}
