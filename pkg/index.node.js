// Node entry: instantiate the wasm synchronously from the file next to this module, so that
// `import { parseCertificate } from "jpki-verify"` is ready to use with no await. The signature
// checks are answered by node:crypto (synchronous, OpenSSL); browsers and workers use WebCrypto.
import { readFileSync } from "node:fs";
import { initSync, verifyAssertionPrepare, verifyAssertionFinish, signatureJob } from "./dist/web/jpki_verify.js";
import { makeVerifyAssertion, makeVerifySignature } from "./node-crypto-driver.js";

initSync({ module: readFileSync(new URL("./dist/web/jpki_verify_bg.wasm", import.meta.url)) });

export * from "./api.js";
// These two shadow api.js's WebCrypto ones (a module's own exports win over `export *`).
/** Verifies a JPKI assertion (JWS string or CMS bytes) with node:crypto; resolves to a Verdict. */
export const verifyAssertion = makeVerifyAssertion(verifyAssertionPrepare, verifyAssertionFinish);
/** Checks one signature with node:crypto (low level; used by the Wycheproof tests). */
export const verifySignature = makeVerifySignature(signatureJob);
