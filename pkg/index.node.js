// Node entry (also Deno and Bun, through the "node" condition). The wasm is instantiated
// synchronously from the file next to this module, so `import { parseCertificate } from
// "jpki-verify"` is ready to use with no await, and the signature checks are answered by
// node:crypto (synchronous, OpenSSL); browsers and workers use WebCrypto. Download size does
// not matter here, speed does: this entry runs on the full build (dist/full, optimised for
// speed, shared with "jpki-verify/sync" — one instance when both are imported), exposing the
// default entry's API.
import { readFileSync } from "node:fs";
import { initSync, verifyAssertionPrepare, verifyAssertionFinish, signatureJob } from "./dist/full/jpki_verify.js";
import { makeVerifyAssertion, makeVerifySignature } from "./node-crypto-driver.js";

initSync({ module: readFileSync(new URL("./dist/full/jpki_verify_bg.wasm", import.meta.url)) });

export {
  parseCertificate,
  jwsSigningInput,
  sdkVersion,
  isValidMyNumber,
  isValidCorporateNumber,
  redactMyNumbers,
} from "./dist/full/jpki_verify.js";
/** Verifies a JPKI assertion (JWS string or CMS bytes) with node:crypto; resolves to a Verdict. */
export const verifyAssertion = makeVerifyAssertion(verifyAssertionPrepare, verifyAssertionFinish);
/** Checks one signature with node:crypto (low level; used by the Wycheproof tests). */
export const verifySignature = makeVerifySignature(signatureJob);
