// The "jpki-verify/sync" entry in Node: the full build (Rust provider, card, revocation),
// instantiated synchronously; verifyAssertion / verifySignature answered by node:crypto.
import { readFileSync } from "node:fs";
import {
  initSync,
  verifyAssertionPrepare,
  verifyAssertionPrepareWith,
  verifyAssertionFinish,
  signatureJob,
  RevocationEvidence,
} from "./dist/full/jpki_verify.js";
import { makeVerifyAssertion, makeVerifySignature } from "./node-crypto-driver.js";
import { acceptingRevocation } from "./revocation.js";

initSync({ module: readFileSync(new URL("./dist/full/jpki_verify_bg.wasm", import.meta.url)) });

export * from "./sync-api.js";
// These two shadow sync-api.js's WebCrypto ones (a module's own exports win over `export *`).
/** node:crypto verification; `options.revocation` ({ crls, ocsp, external }) fills the revocation slot. */
export const verifyAssertion = makeVerifyAssertion(
  acceptingRevocation(verifyAssertionPrepare, verifyAssertionPrepareWith, RevocationEvidence),
  verifyAssertionFinish,
);
/** Checks one signature with node:crypto (low level). */
export const verifySignature = makeVerifySignature(signatureJob);
