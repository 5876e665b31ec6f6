// Public types of the jpki-verify npm package (default entry: WebCrypto provider). The
// interfaces are generated from the Rust crate (src/wasm/mod.rs) into dist/*/jpki_verify.d.ts.
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
export { parseCertificate, verifyAssertion, verifySignature, jwsSigningInput, sdkVersion } from "./dist/web/jpki_verify.js";
