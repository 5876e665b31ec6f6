// The public JS API of the default entry (WebCrypto provider; the small wasm build without the
// Rust crypto provider). The synchronous Rust-provider variants live in "jpki-verify/sync".
export {
  parseCertificate,
  verifyAssertion,
  verifySignature,
  jwsSigningInput,
  sdkVersion,
  JpkiCard,
} from "./dist/web/jpki_verify.js";
