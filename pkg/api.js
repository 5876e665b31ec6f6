// The public JS API, re-exported by every entry point after the wasm is instantiated.
export {
  parseCertificate,
  verifyAssertion,
  verifyAssertionSync,
  verifySignature,
  verifySignatureSync,
  jwsSigningInput,
  sdkVersion,
} from "./dist/web/jpki_verify.js";
