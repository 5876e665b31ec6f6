// Public types of the jpki-verify npm package. The model interfaces are generated from the
// Rust crate (src/wasm/mod.rs) into dist/web/jpki_verify.d.ts and re-exported here.
export type {
  Certificate,
  Identity,
  DateOfBirth,
  AnchorRef,
  CertificateKind,
  JpkiError,
  JpkiErrorCode,
} from "./dist/web/jpki_verify.js";
export { parseCertificate, sdkVersion } from "./dist/web/jpki_verify.js";
