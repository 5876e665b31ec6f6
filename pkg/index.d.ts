// Public types of the jpki-verify npm package. The interfaces are generated from the Rust
// crate (src/wasm/mod.rs) into dist/web/jpki_verify.d.ts and re-exported here.
export type {
  Certificate,
  Identity,
  DateOfBirth,
  AnchorRef,
  CertificateKind,
  JpkiError,
  JpkiErrorCode,
  Purpose,
  VerifyOptions,
  ExtraAnchor,
  Verdict,
  Claims,
  ErrorReport,
  SignatureAlgorithmName,
} from "./dist/web/jpki_verify.js";
export {
  parseCertificate,
  verifyAssertion,
  verifyAssertionSync,
  verifySignature,
  verifySignatureSync,
  jwsSigningInput,
  sdkVersion,
} from "./dist/web/jpki_verify.js";
