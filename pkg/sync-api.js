// The API of the "jpki-verify/sync" entry: everything of the default entry plus the synchronous
// Rust-provider functions. A separate wasm instance (dist/full) from the default entry's.
import { verifyAssertionPrepare, verifyAssertionFinish, signatureJob } from "./dist/full/jpki_verify.js";
import { makeVerifyAssertion, makeVerifySignature } from "./webcrypto-driver.js";

export {
  parseCertificate,
  verifyAssertionSync,
  verifySignatureSync,
  jwsSigningInput,
  sdkVersion,
  JpkiCard,
  VirtualCard,
} from "./dist/full/jpki_verify.js";

/** Verifies a JPKI assertion (JWS string or CMS bytes) with WebCrypto; resolves to a Verdict. */
export const verifyAssertion = makeVerifyAssertion(verifyAssertionPrepare, verifyAssertionFinish);
/** Checks one signature with WebCrypto (low level; used by the Wycheproof tests). */
export const verifySignature = makeVerifySignature(signatureJob);
