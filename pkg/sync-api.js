// The API of the "jpki-verify/sync" entry: everything of the default entry plus the synchronous
// Rust-provider functions. A separate wasm instance (dist/full) from the default entry's.
export {
  parseCertificate,
  verifyAssertion,
  verifyAssertionSync,
  verifySignature,
  verifySignatureSync,
  jwsSigningInput,
  sdkVersion,
  JpkiCard,
  VirtualCard,
} from "./dist/full/jpki_verify.js";
