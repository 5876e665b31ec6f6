//! The JavaScript API (wasm32 only). A thin adapter: it converts inputs and outputs and turns
//! [`crate::Error`] into a JS `Error` whose `name` is `"JpkiError"` and whose `code` is the
//! stable `JPKI_*` string (`offset` is set when the byte position is known). No verification
//! logic lives here.

use js_sys::{ArrayBuffer, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::Error;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Stable error codes thrown by jpki-verify (see docs/error-codes.md). */
export type JpkiErrorCode =
  | "JPKI_MALFORMED" | "JPKI_INPUT_TOO_LARGE" | "JPKI_UNSUPPORTED_ALGORITHM"
  | "JPKI_ANCHOR_PIN_MISMATCH" | "JPKI_ANCHOR_INVALID";

/** An Error thrown by jpki-verify: `name` is "JpkiError", `code` is stable. */
export interface JpkiError extends Error {
  name: "JpkiError";
  code: JpkiErrorCode;
  /** Byte offset of the problem in the input, when known. */
  offset?: number;
}

export type CertificateKind = "signature" | "authentication" | "unknown";

/** 生年月日 from "EYYYYMMDD"; unknown parts are null. */
export interface DateOfBirth {
  raw: string;
  era: "unknown" | "meiji" | "taisho" | "showa" | "heisei" | "reiwa";
  eraCode: number;
  eraName?: string;
  eraYear?: number;
  year: number | null;
  month: number | null;
  day: number | null;
  /** "YYYY-MM-DD", "YYYY-MM" or "YYYY"; null if the year is unknown. */
  gregorian: string | null;
  complete: boolean;
}

/** The 4 basic information (signature certificates only). */
export interface Identity {
  name: string;
  nameSubstituted: boolean[];
  sex: "male" | "female" | "unknown";
  sexCode: string;
  dateOfBirth: DateOfBirth;
  address: string;
  addressSubstituted: boolean[];
  otherAttributes?: { oid: string; value: string }[];
}

export interface AnchorRef {
  id: string;
  purpose: CertificateKind;
  generation: number | null;
  environment: "production" | "test" | "unknown";
  source: "jlis" | "testPki" | "caller";
}

/** The JPKI certificate model (same JSON as `jpki-verify inspect`). */
export interface Certificate {
  role: "endEntity" | "ca";
  kind: CertificateKind;
  token: "card" | "smartphone" | "unknown";
  environment: "production" | "test" | "unknown";
  version: number;
  serialNumber: string;
  issuer: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  signatureAlgorithm: string;
  signatureAlgorithmOid: string;
  keyAlgorithm: string;
  keyBits: number;
  keyUsage: string[] | null;
  keyUsageCritical: boolean;
  extendedKeyUsage?: string[];
  policies: string[];
  basicConstraints: { ca: boolean; pathLen: number | null } | null;
  subjectKeyIdentifier: string | null;
  authorityKeyIdentifier: string | null;
  sha256Fingerprint: string;
  caGeneration: number | null;
  anchor: AnchorRef | null;
  identity: Identity | null;
  unknownCriticalExtensions?: string[];
  notes: string[];
  warnings: string[];
}
"#;

/// Parses a JPKI certificate (DER bytes as `Uint8Array`/`ArrayBuffer`, or PEM text) into the
/// certificate model. Throws a `JpkiError` with a stable `code` on bad input.
#[wasm_bindgen(js_name = parseCertificate, unchecked_return_type = "Certificate")]
pub fn parse_certificate(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = input_bytes(&input)?;
    let cert = crate::cert::parse_certificate(&bytes).map_err(|e| to_js_error(&e))?;
    to_js(&cert)
}

/// The SDK version (Cargo package version).
#[wasm_bindgen(js_name = sdkVersion)]
pub fn sdk_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Accepts `Uint8Array`, `ArrayBuffer` or a string (PEM); anything else is `JPKI_MALFORMED`.
fn input_bytes(input: &JsValue) -> Result<Vec<u8>, JsValue> {
    if let Some(a) = input.dyn_ref::<Uint8Array>() {
        let len = usize::try_from(a.length()).unwrap_or(usize::MAX);
        if len > crate::cert::MAX_CERTIFICATE_INPUT {
            // Refuse before copying 10 MB into wasm memory.
            return Err(to_js_error(&Error::InputTooLarge {
                len,
                limit: crate::cert::MAX_CERTIFICATE_INPUT,
            }));
        }
        return Ok(a.to_vec());
    }
    if let Some(b) = input.dyn_ref::<ArrayBuffer>() {
        return input_bytes(&Uint8Array::new(b).into());
    }
    if let Some(s) = input.as_string() {
        return Ok(s.into_bytes());
    }
    Err(to_js_error(&Error::malformed(
        "input must be a Uint8Array, an ArrayBuffer or a PEM string",
        None,
    )))
}

/// Serialises to plain JS objects (maps as objects, `None` as `null`).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&ser)
        .map_err(|e| JsValue::from(js_sys::Error::new(&format!("internal: serialisation failed: {e}"))))
}

/// `Error` → JS `Error { name: "JpkiError", code, message, offset? }`.
pub(crate) fn to_js_error(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("JpkiError");
    let _ = Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(e.code()));
    if let Some(offset) = e.offset() {
        let _ = Reflect::set(&err, &JsValue::from_str("offset"), &JsValue::from_f64(offset as f64));
    }
    err.into()
}
