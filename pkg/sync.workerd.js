// The "jpki-verify/sync" entry: the build that also contains the Rust (RustCrypto) provider,
// for verifyAssertionSync / verifySignatureSync. The default entry ships without it (smaller).
// Cloudflare workerd / worker runtimes: the .wasm is imported as a module (the platform
// compiles it at deploy time; instantiating from bytes at run time is not allowed there).
import wasmModule from "./dist/full/jpki_verify_bg.wasm";
import { initSync } from "./dist/full/jpki_verify.js";

initSync({ module: wasmModule });

export * from "./sync-api.js";
