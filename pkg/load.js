// Explicit initialisation, for bundlers and hosts that cannot follow
// `new URL("./dist/…wasm", import.meta.url)` (esbuild, Rollup without an asset plugin, a CDN
// that serves the .wasm from elsewhere):
//
//   import { load } from "jpki-verify/load";
//   import wasmUrl from "jpki-verify/wasm";          // the bundler's asset URL, or bytes
//   const jpki = await load(wasmUrl);                 // URL | string | Response | bytes | Module
//   const verdict = await jpki.verifyAssertion(jws, options);
//
// `load` resolves to the same API as the "jpki-verify" entry, so nothing can be called before
// the wasm is ready. It instantiates once; later calls return the first instance.
import init from "./dist/web/jpki_verify.js";
import * as api from "./api.js";

let ready;

/** Instantiates the default (WebCrypto) build from `source` and resolves to its API. */
export function load(source) {
  ready ??= init({ module_or_path: source }).then(() => api);
  return ready;
}
