// Cloudflare workerd / worker runtimes: the .wasm is imported as a module (the platform
// compiles it at deploy time; instantiating from bytes at run time is not allowed there).
import wasmModule from "./dist/web/jpki_verify_bg.wasm";
import { initSync } from "./dist/web/jpki_verify.js";

initSync({ module: wasmModule });

export * from "./api.js";
