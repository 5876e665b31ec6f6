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
export {
  parseCertificate,
  jwsSigningInput,
  sdkVersion,
  isValidMyNumber,
  isValidCorporateNumber,
  redactMyNumbers,
} from "./dist/web/jpki_verify.js";
import type { Verdict, VerifyOptions, SignatureAlgorithmName } from "./dist/web/jpki_verify.js";
/**
 * Verifies a JPKI assertion (JWS string or CMS bytes) with the WebCrypto provider. Resolves to
 * a `Verdict`; rejects with a `JpkiError` only for invalid options.
 */
export function verifyAssertion(assertion: string | Uint8Array | ArrayBuffer, options: VerifyOptions): Promise<Verdict>;
/** Checks one signature with WebCrypto (low level; used by the Wycheproof tests). */
export function verifySignature(
  algorithm: SignatureAlgorithmName,
  spki: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean>;
