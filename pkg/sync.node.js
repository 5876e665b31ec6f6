// The "jpki-verify/sync" entry: the build that also contains the Rust (RustCrypto) provider,
// for verifyAssertionSync / verifySignatureSync. The default entry ships without it (smaller).
// Node entry: instantiate the wasm synchronously from the file next to this module, so that
// `import { parseCertificate } from "jpki-verify"` is ready to use with no await.
import { readFileSync } from "node:fs";
import { initSync } from "./dist/full/jpki_verify.js";

initSync({ module: readFileSync(new URL("./dist/full/jpki_verify_bg.wasm", import.meta.url)) });

export * from "./sync-api.js";
