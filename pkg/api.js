// The public JS API of the default entry: the verify-only build (WebCrypto provider; no Rust
// crypto provider, no card code). The synchronous Rust-provider variants, the card client and
// the virtual card live in "jpki-verify/sync".
export {
  parseCertificate,
  verifyAssertion,
  verifySignature,
  jwsSigningInput,
  sdkVersion,
} from "./dist/web/jpki_verify.js";
