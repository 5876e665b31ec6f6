// "jpki-verify/load": the default API behind an explicit wasm initialisation.
export type * from "./index.js";

/** Where the wasm comes from: a URL (string, URL, Request), a fetch Response (or its promise), the bytes, or a compiled module. */
export type WasmSource =
  | string
  | URL
  | Request
  | Response
  | PromiseLike<Response>
  | BufferSource
  | WebAssembly.Module;

/** Instantiates the wasm once and resolves to the API of the "jpki-verify" entry. */
export function load(source: WasmSource): Promise<typeof import("./index.js")>;
