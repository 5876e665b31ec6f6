// The public JS API of the default entry: the verify-only build (WebCrypto provider; no Rust
// crypto provider, no card code). The synchronous Rust-provider variants, the card client and
// the virtual card live in "jpki-verify/sync".
import { verifyAssertionPrepare, verifyAssertionFinish, signatureJob } from "./dist/web/jpki_verify.js";
import { makeVerifyAssertion, makeVerifySignature } from "./webcrypto-driver.js";

export {
  parseCertificate,
  jwsSigningInput,
  sdkVersion,
  isValidMyNumber,
  isValidCorporateNumber,
  redactMyNumbers,
} from "./dist/web/jpki_verify.js";

/** Verifies a JPKI assertion (JWS string or CMS bytes) with WebCrypto; resolves to a Verdict. */
export const verifyAssertion = makeVerifyAssertion(verifyAssertionPrepare, verifyAssertionFinish);
/** Checks one signature with WebCrypto (low level; used by the Wycheproof tests). */
export const verifySignature = makeVerifySignature(signatureJob);
