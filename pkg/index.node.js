// Node entry: instantiate the wasm synchronously from the file next to this module, so that
// `import { parseCertificate } from "jpki-verify"` is ready to use with no await.
import { readFileSync } from "node:fs";
import { initSync } from "./dist/web/jpki_verify.js";

initSync({ module: readFileSync(new URL("./dist/web/jpki_verify_bg.wasm", import.meta.url)) });

export * from "./api.js";
