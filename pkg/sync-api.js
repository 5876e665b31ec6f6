// The API of the "jpki-verify/sync" entry: everything of the default entry plus the synchronous
// Rust-provider functions. A separate wasm instance (dist/full) from the default entry's.
import {
  verifyAssertionPrepare,
  verifyAssertionPrepareWith,
  verifyAssertionFinish,
  verifyAssertionSync as verifyAssertionSyncPlain,
  verifyAssertionSyncWith,
  signatureJob,
  ocspRequestFor,
  RevocationEvidence,
} from "./dist/full/jpki_verify.js";
import { makeVerifyAssertion, makeVerifySignature } from "./webcrypto-driver.js";
import { acceptingRevocation, makeFetchOcsp } from "./revocation.js";

export {
  parseCertificate,
  verifySignatureSync,
  CrlIndex,
  jwsSigningInput,
  sdkVersion,
  isValidMyNumber,
  isValidCorporateNumber,
  redactMyNumbers,
  JpkiCard,
  VirtualCard,
  PasoriReader,
  ReaderSimulator,
} from "./dist/full/jpki_verify.js";
export { PASORI_FILTERS, findPasori, simulatedPasori, simulatedUsb } from "./webusb.js";

/** Verifies a JPKI assertion (JWS string or CMS bytes) with WebCrypto; resolves to a Verdict. */
/** `options.revocation` ({ crls, ocsp, external }) fills the verdict's revocation slot. */
export const verifyAssertion = makeVerifyAssertion(
  acceptingRevocation(verifyAssertionPrepare, verifyAssertionPrepareWith, RevocationEvidence),
  verifyAssertionFinish,
);
/** The same verification with the Rust provider, synchronously (also takes `options.revocation`). */
export const verifyAssertionSync = acceptingRevocation(verifyAssertionSyncPlain, verifyAssertionSyncWith, RevocationEvidence);
/** Asks an OCSP responder about an assertion's signer with a fetch-like function: `{ response, nonce }`. */
export const fetchOcsp = makeFetchOcsp(ocspRequestFor);
/** Checks one signature with WebCrypto (low level; used by the Wycheproof tests). */
export const verifySignature = makeVerifySignature(signatureJob);
