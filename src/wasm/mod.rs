//! The JavaScript API (wasm32 only). A thin adapter: it converts inputs and outputs and turns
//! [`crate::Error`] into a JS `Error` whose `name` is `"JpkiError"` and whose `code` is the
//! stable `JPKI_*` string (`offset` is set when the byte position is known). No verification
//! logic lives here.

#[cfg(feature = "card")]
mod card;
#[cfg(feature = "revocation")]
mod revocation;
mod webcrypto;
#[cfg(feature = "reader")]
mod webusb;

/// The npm package's verify-only build (`make pkg`, `pkg/dist/web`) enables
/// `small-allocator`: lol_alloc's free list (kept sorted by address, neighbours coalesced on
/// free) instead of std's dlmalloc, 3.1 KB gzip less of the default entry (bench/README.md,
/// "Wasm size"). Its constructor is safe; `LockedAllocator` costs a flag test per call in a
/// single-threaded module.
#[cfg(feature = "small-allocator")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

use js_sys::{ArrayBuffer, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::assertion::{self, VerifyOptions};
#[cfg(feature = "rustcrypto")]
use crate::crypto::{CryptoProvider, RustCrypto};
use crate::crypto::{SignatureAlgorithm, SignatureCheck};
use crate::error::Error;
use crate::trust::TrustAnchors;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Stable error codes thrown by jpki-verify (see docs/error-codes.md). */
export type JpkiErrorCode =
  | "JPKI_MALFORMED" | "JPKI_INPUT_TOO_LARGE" | "JPKI_UNSUPPORTED_ALGORITHM"
  | "JPKI_ANCHOR_PIN_MISMATCH" | "JPKI_ANCHOR_INVALID" | "JPKI_ALGORITHM_NOT_ALLOWED"
  | "JPKI_WEAK_KEY" | "JPKI_SIGNATURE_INVALID" | "JPKI_CHAIN_UNTRUSTED" | "JPKI_TEST_ANCHOR_REFUSED"
  | "JPKI_CERT_EXPIRED" | "JPKI_CERT_NOT_YET_VALID" | "JPKI_WRONG_CERTIFICATE_KIND"
  | "JPKI_POLICY_MISMATCH" | "JPKI_KEY_USAGE" | "JPKI_UNKNOWN_CRITICAL_EXTENSION"
  | "JPKI_AUDIENCE_MISMATCH" | "JPKI_NONCE_MISMATCH" | "JPKI_PURPOSE_MISMATCH"
  | "JPKI_ASSERTION_EXPIRED" | "JPKI_ASSERTION_NOT_YET_VALID" | "JPKI_REVOKED"
  | "JPKI_REVOCATION_UNCHECKED" | "JPKI_REVOCATION_SOURCE_INVALID" | "JPKI_REVOCATION_STALE"
  | "JPKI_BUDGET_EXCEEDED" | "JPKI_FORMAT_UNAVAILABLE" | "JPKI_INVALID_OPTIONS"
  | "JPKI_PIN_INCORRECT" | "JPKI_PIN_BLOCKED" | "JPKI_PIN_LAST_TRY_GUARD" | "JPKI_PIN_FORMAT"
  | "JPKI_CARD_IO" | "JPKI_MYNUMBER_REFUSED" | "JPKI_READER_NOT_FOUND" | "JPKI_READER_BUSY"
  | "JPKI_READER_UNPLUGGED" | "JPKI_READER_TIMEOUT" | "JPKI_READER_PROTOCOL" | "JPKI_NO_CARD"
  | "JPKI_CARD_REMOVED";

export type Purpose = "account-opening" | "login" | "sign" | "renewal";

/** A caller-supplied trust anchor, pinned by the SHA-256 of its DER. */
export interface ExtraAnchor {
  id: string;
  certificate: Uint8Array | ArrayBuffer | string;
  sha256: string;
  /** "production" vouches for J-LIS production policies (the certificate's profile must
   *  agree); the default "test" accepts test policies only. */
  environment?: "test" | "production";
}

/** Options of verifyAssertion / verifyAssertionSync (safe defaults where optional). */
export interface VerifyOptions {
  /** Relying party origin; compared exactly with the `aud` claim. */
  audience: string;
  /** The challenge the server issued (base64url of >= 32 random bytes). */
  nonce: string;
  purpose: Purpose;
  /** Verification time: Unix seconds, RFC 3339 string or Date. Default: now. */
  time?: number | string | Date;
  /** "jlis" (default) or "test" (the project's test PKI; never in production). */
  trust?: "jlis" | "test";
  /** Your own pinned anchors, added to `trust`. */
  extraAnchors?: ExtraAnchor[];
  format?: "jws" | "cms";
  /** iat/exp skew in seconds (default 60, max 600). */
  skewSeconds?: number;
  /** Oldest iat and longest exp − iat accepted, seconds (default 600, max 3600). */
  maxAgeSeconds?: number;
  /** Unchecked revocation: "error" (default for account-opening and sign) or "warning". */
  revocationUnchecked?: "error" | "warning";
  allowLegacyAlgorithms?: boolean;
  minRsaBits?: number;
  cmsValidityAt?: "verificationTime" | "signingTime";
  /** The signed content of a detached CMS signature. */
  detachedContent?: Uint8Array | ArrayBuffer | string;
  /** Freshness of revocation sources (defaults: CRL 48 h after thisUpdate, OCSP and operator answers 15 min). */
  revocationPolicy?: RevocationPolicy;
}

/** Oldest revocation evidence accepted, seconds after it was produced (absent members keep their defaults). */
export interface RevocationPolicy {
  crlMaxAgeSeconds?: number;
  ocspMaxAgeSeconds?: number;
  externalMaxAgeSeconds?: number;
}

export interface ErrorReport { code: JpkiErrorCode; message: string; offset?: number }

export interface Claims { aud: string; nonce: string; iat: number; exp: number; purpose: string; txn?: Record<string, unknown> }

/** The verdict's revocation slot. */
export interface Revocation {
  status: "good" | "revoked" | "unchecked" | "unknown";
  /** RFC 5280 reason name when revoked, e.g. "affiliationChanged". */
  reason?: string;
  /** The source that answered: "crl:…", "ocsp:…" or "operator:…". */
  source?: string;
  /** When that source's answer was produced (RFC 3339). */
  checkedAt?: string;
  /** What the person should do, when revoked. */
  advice?: { en: string; ja: string };
}

/** The one verdict: identical from every provider and runtime. */
export interface Verdict {
  valid: boolean;
  format: "jws" | "cms" | null;
  purpose: Purpose;
  certificate: Certificate | null;
  /** Present only when valid. */
  identity: Identity | null;
  anchor: AnchorRef | null;
  claims: Claims | null;
  revocation: Revocation;
  verifiedAt: string;
  errors: ErrorReport[];
  warnings: ErrorReport[];
}

export type SignatureAlgorithmName = "RS256" | "RS384" | "RS512" | "RSA-PKCS1-SHA1" | "PS256" | "ES256" | "ECDSA-P256-SHA256-DER";

/** An Error thrown by jpki-verify: `name` is "JpkiError", `code` is stable. */
export interface JpkiError extends Error {
  name: "JpkiError";
  code: JpkiErrorCode;
  /** Byte offset of the problem in the input, when known. */
  offset?: number;
  /** For JPKI_PIN_INCORRECT: attempts left before the card blocks the PIN. */
  triesLeft?: number;
  /** For JPKI_CARD_REMOVED: the lost command was a PIN VERIFY, so the try may have counted
   * (read the tries left again before asking for the PIN). */
  pinTryMayHaveCounted?: boolean;
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
  /** What `token` rests on. */
  tokenBasis: "certificatePolicy" | "issuer" | "cardLabel" | "certificateAndCardLabel" | "none";
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
    let cert = crate::trust::parse_certificate(&bytes).map_err(|e| to_js_error(&e))?;
    to_js(&cert)
}

/// The SDK version (Cargo package version).
#[wasm_bindgen(js_name = sdkVersion)]
pub fn sdk_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Whether `text` is a My Number (12 digits) with a valid check digit, in any form people type:
/// full-width digits, ASCII and ideographic spaces, `-` `‐` `−` `－` `ー` between digits.
/// Answers only `true`/`false`; nothing is kept.
#[wasm_bindgen(js_name = isValidMyNumber)]
pub fn is_valid_my_number(text: &str) -> bool {
    crate::numbers::is_valid_my_number(text)
}

/// Whether `text` is a Corporate Number (法人番号, 13 digits) with a valid check digit, in the
/// same typed forms.
#[wasm_bindgen(js_name = isValidCorporateNumber)]
pub fn is_valid_corporate_number(text: &str) -> bool {
    crate::numbers::is_valid_corporate_number(text)
}

/// `text` with every stretch that could be a My Number (12 digits in whole groups, any typed
/// form, whatever the check digit) replaced by `[REDACTED]`.
#[wasm_bindgen(js_name = redactMyNumbers)]
pub fn redact_my_numbers(text: &str) -> String {
    crate::numbers::redact_my_numbers(text).into_owned()
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

/// Serialises to plain JS objects: compact JSON text from our writer (the same text
/// serde_json writes for these types), parsed by the engine's `JSON.parse` (one boundary
/// crossing; smaller and faster than building the object field by field from wasm).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let json = crate::json::to_string(value, js_float)
        .map_err(|e| JsValue::from(js_sys::Error::new(&format!("internal: serialisation failed: {e}"))))?;
    js_sys::JSON::parse(&json)
}

/// A finite float as JS writes it (`Number#toString`: shortest round trip, valid JSON).
fn js_float(v: f64, out: &mut String) {
    match js_sys::Number::from(v).to_string_with_radix(10) {
        Ok(s) => out.push_str(&String::from(s)),
        Err(_) => out.push_str("null"),
    }
}

/// `Error` → JS `Error { name: "JpkiError", code, message, offset? }`.
pub(crate) fn to_js_error(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name("JpkiError");
    let _ = Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(e.code()));
    if let Some(t) = e.tries_left() {
        let _ = Reflect::set(&err, &JsValue::from_str("triesLeft"), &JsValue::from_f64(f64::from(t)));
    }
    if let Some(offset) = e.offset() {
        let _ = Reflect::set(&err, &JsValue::from_str("offset"), &JsValue::from_f64(offset as f64));
    }
    #[cfg(feature = "card")]
    if let Error::CardRemoved {
        pin_try_may_have_counted,
    } = e
    {
        let _ = Reflect::set(
            &err,
            &JsValue::from_str("pinTryMayHaveCounted"),
            &JsValue::from_bool(*pin_try_may_have_counted),
        );
    }
    err.into()
}

/// Verifies a JPKI assertion with the WebCrypto provider, the checks driven from Rust (one
/// future per check). The npm package's `verifyAssertion` is the JS driver over
/// [`verify_assertion_prepare`] / [`verify_assertion_finish`] instead (`pkg/webcrypto-driver.js`:
/// fewer boundary crossings, no Rust futures in the module); this one is kept for the Rust
/// browser tests and gives the same verdicts. Rejects with a `JpkiError` only for invalid
/// options.
pub async fn verify_assertion(assertion: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let (input, options, extra, detached) = read_verify_args(&assertion, &options)?;
    let prepared = assertion::prepare(&input, &options, extra.as_ref(), detached.as_deref());
    // All checks at once (Promise.all): WebCrypto works off the main thread, so the CA's and the
    // holder's signatures are checked concurrently; the verdict still reads them in order.
    let promises = js_sys::Array::new();
    for check in prepared.checks() {
        let check = check.clone();
        promises.push(&wasm_bindgen_futures::future_to_promise(async move {
            Ok(JsValue::from_bool(webcrypto::verify_check(&check).await.is_ok()))
        }));
    }
    let answers = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::all(&promises)).await?;
    to_js(&prepared.finish(&answers_to_results(&answers)))
}

/// JS answers (`true` = the signature verified) → one result per check; anything but `true`
/// is a failed signature, and so is a missing answer (`Prepared::finish`).
fn answers_to_results(answers: &JsValue) -> Vec<crate::error::Result<()>> {
    let Some(answers) = answers.dyn_ref::<js_sys::Array>() else {
        return Vec::new();
    };
    answers
        .iter()
        .map(|ok| {
            if ok.as_bool() == Some(true) {
                Ok(())
            } else {
                Err(Error::SignatureInvalid { what: "signature" })
            }
        })
        .collect()
}

/// A verification waiting for its signature answers (see [`verify_assertion_prepare`]).
#[wasm_bindgen]
pub struct PendingVerification {
    prepared: assertion::Prepared,
}

/// Internal (the JS WebCrypto driver of the npm package): parses and plans a verification
/// (everything but the signature checks) and returns `{ pending, jobs }`, one job per
/// signature check (see `webcrypto::js_job`). Throws a `JpkiError` for invalid options.
#[wasm_bindgen(js_name = verifyAssertionPrepare, skip_typescript)]
pub fn verify_assertion_prepare(assertion: JsValue, options: JsValue) -> Result<js_sys::Array, JsValue> {
    let (input, options, extra, detached) = read_verify_args(&assertion, &options)?;
    let prepared = assertion::prepare(&input, &options, extra.as_ref(), detached.as_deref());
    let jobs: js_sys::Array = prepared.checks().iter().map(webcrypto::js_job).collect();
    let out = js_sys::Array::new_with_length(2);
    out.set(0, PendingVerification { prepared }.into());
    out.set(1, jobs.into());
    Ok(out)
}

/// Internal (the JS WebCrypto driver): the verdict from one answer per job (`true` when the
/// signature verified; anything else, or a missing answer, is a failed signature). Borrows
/// `pending` (the driver frees it): the driver may render the all-true verdict while the
/// signatures are being checked and finish again from the real answers if any is not `true`.
#[wasm_bindgen(js_name = verifyAssertionFinish, skip_typescript)]
pub fn verify_assertion_finish(pending: &PendingVerification, answers: JsValue) -> Result<JsValue, JsValue> {
    to_js(&pending.prepared.finish_ref(&answers_to_results(&answers)))
}

/// Internal (the JS WebCrypto driver's `verifySignature`): the job for one signature check,
/// or `null` when it cannot succeed. Throws a `JpkiError` for an unknown algorithm name.
#[wasm_bindgen(js_name = signatureJob, skip_typescript)]
pub fn signature_job(
    algorithm: String,
    spki: Vec<u8>,
    message: Vec<u8>,
    signature: Vec<u8>,
) -> Result<JsValue, JsValue> {
    let check = SignatureCheck::new(algorithm_from_name(&algorithm)?, spki, message, signature);
    Ok(webcrypto::js_job(&check))
}

/// The same verification with the Rust (RustCrypto) provider, synchronously.
#[cfg(feature = "rustcrypto")]
#[wasm_bindgen(js_name = verifyAssertionSync, unchecked_return_type = "Verdict")]
pub fn verify_assertion_sync(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer")] assertion: JsValue,
    #[wasm_bindgen(unchecked_param_type = "VerifyOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let (input, options, extra, detached) = read_verify_args(&assertion, &options)?;
    let verdict = assertion::verify(&input, &options, extra.as_ref(), detached.as_deref(), &RustCrypto);
    to_js(&verdict)
}

/// Checks one signature with WebCrypto, driven from Rust (the npm package's `verifySignature`
/// is the JS driver over [`signature_job`]).
pub async fn verify_signature(
    algorithm: String,
    spki: Vec<u8>,
    message: Vec<u8>,
    signature: Vec<u8>,
) -> Result<JsValue, JsValue> {
    let check = SignatureCheck::new(algorithm_from_name(&algorithm)?, spki, message, signature);
    Ok(JsValue::from_bool(webcrypto::verify_check(&check).await.is_ok()))
}

/// Checks one signature with the Rust provider (low level; used by the Wycheproof tests).
#[cfg(feature = "rustcrypto")]
#[wasm_bindgen(js_name = verifySignatureSync)]
pub fn verify_signature_sync(
    #[wasm_bindgen(unchecked_param_type = "SignatureAlgorithmName")] algorithm: String,
    spki: Vec<u8>,
    message: Vec<u8>,
    signature: Vec<u8>,
) -> Result<bool, JsValue> {
    let check = SignatureCheck::new(algorithm_from_name(&algorithm)?, spki, message, signature);
    Ok(RustCrypto.verify(&check).is_ok())
}

/// The bytes a card must sign for a JWS: `{ signingInput, digestInfo }` where `digestInfo` is
/// the 51-byte SHA-256 DigestInfo of the ASCII signing input.
#[wasm_bindgen(js_name = jwsSigningInput, unchecked_return_type = "{ signingInput: string; digestInfo: Uint8Array }")]
pub fn jws_signing_input(header_json: &str, claims_json: &str) -> JsValue {
    let input = assertion::jws_signing_input(header_json, claims_json);
    let digest_info = assertion::digest_info_sha256(input.as_bytes());
    let o = js_sys::Object::new();
    let _ = Reflect::set(&o, &"signingInput".into(), &JsValue::from_str(&input));
    let _ = Reflect::set(&o, &"digestInfo".into(), &Uint8Array::from(&digest_info[..]).into());
    o.into()
}

fn algorithm_from_name(name: &str) -> Result<SignatureAlgorithm, JsValue> {
    Ok(match name {
        "RS256" => SignatureAlgorithm::RsaPkcs1Sha256,
        "RS384" => SignatureAlgorithm::RsaPkcs1Sha384,
        "RS512" => SignatureAlgorithm::RsaPkcs1Sha512,
        "RSA-PKCS1-SHA1" => SignatureAlgorithm::RsaPkcs1Sha1,
        "PS256" => SignatureAlgorithm::RsaPssSha256,
        "ES256" => SignatureAlgorithm::EcdsaP256Sha256Raw,
        "ECDSA-P256-SHA256-DER" => SignatureAlgorithm::EcdsaP256Sha256Der,
        other => {
            return Err(to_js_error(&Error::InvalidOptions {
                reason: format!("unknown signature algorithm {}", crate::error::Quoted(other)),
            }))
        }
    })
}

type VerifyArgs = (Vec<u8>, VerifyOptions, Option<TrustAnchors>, Option<Vec<u8>>);

fn invalid(reason: impl Into<String>) -> JsValue {
    to_js_error(&Error::InvalidOptions { reason: reason.into() })
}

/// Reads `(assertion, options)` from JS: the bytes of the assertion and the options.
///
/// The options have one definition, the core's JSON form ([`VerifyOptions::from_json`], strict:
/// unknown names refused so that a typo cannot weaken a check). The JS-only members are taken
/// out first — `extraAnchors` and `detachedContent` carry bytes, `time` may be a `Date` or
/// absent (now: the adapter reads the clock, the core never does) — and the rest crosses as
/// the engine's `JSON.stringify` of it.
fn read_verify_args(assertion: &JsValue, options: &JsValue) -> Result<VerifyArgs, JsValue> {
    let input = if let Some(s) = assertion.as_string() {
        s.into_bytes()
    } else if let Some(a) = assertion.dyn_ref::<Uint8Array>() {
        let len = usize::try_from(a.length()).unwrap_or(usize::MAX);
        if len > 1024 * 1024 {
            // Far above any limit; the core reports JPKI_INPUT_TOO_LARGE without copying it all.
            a.subarray(0, 1024 * 1024 + 1).to_vec()
        } else {
            a.to_vec()
        }
    } else if let Some(b) = assertion.dyn_ref::<ArrayBuffer>() {
        Uint8Array::new(b).to_vec()
    } else {
        return Err(invalid("assertion must be a string, Uint8Array or ArrayBuffer"));
    };
    if !options.is_object() || js_sys::Array::is_array(options) {
        return Err(invalid("options must be an object"));
    }
    let rest = js_sys::Object::assign(&js_sys::Object::new(), options.unchecked_ref());
    let take = |k: &str| {
        let key = JsValue::from_str(k);
        let v = Reflect::get(&rest, &key).unwrap_or(JsValue::UNDEFINED);
        let _ = Reflect::delete_property(&rest, &key);
        v
    };
    let (extra, detached, time) = (take("extraAnchors"), take("detachedContent"), take("time"));
    let seconds = if time.is_null() || time.is_undefined() {
        JsValue::from_f64((js_sys::Date::now() / 1000.0).floor())
    } else if let Some(d) = time.dyn_ref::<js_sys::Date>() {
        let ms = d.get_time();
        if !ms.is_finite() {
            return Err(invalid("time is an invalid Date"));
        }
        JsValue::from_f64((ms / 1000.0).floor())
    } else {
        time
    };
    let _ = Reflect::set(&rest, &JsValue::from_str("time"), &seconds);
    let json = js_sys::JSON::stringify(&rest)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| invalid("options must be JSON data (no BigInt, no cycles)"))?;
    let parsed = VerifyOptions::from_json(&json).map_err(|e| to_js_error(&e))?;
    let extra = if extra.is_undefined() || extra.is_null() {
        None
    } else {
        let list: js_sys::Array = extra.dyn_into().map_err(|_| invalid("extraAnchors must be an array"))?;
        let mut anchors = TrustAnchors::empty();
        for item in list.iter() {
            let get = |k: &str| Reflect::get(&item, &k.into()).unwrap_or(JsValue::UNDEFINED);
            let id = get("id")
                .as_string()
                .ok_or_else(|| invalid("extraAnchors[].id must be a string"))?;
            let sha = get("sha256")
                .as_string()
                .ok_or_else(|| invalid("extraAnchors[].sha256 must be a string"))?;
            let der = input_bytes(&get("certificate"))?;
            // Production only when asked for by name; anything else is the stricter test.
            let environment = if get("environment") == JsValue::from_str("production") {
                crate::cert::Environment::Production
            } else {
                crate::cert::Environment::Test
            };
            anchors
                .add_pinned(&id, &der, &sha, environment)
                .map_err(|e| to_js_error(&e))?;
        }
        Some(anchors)
    };
    let detached = if detached.is_undefined() || detached.is_null() {
        None
    } else {
        Some(input_bytes(&detached)?)
    };
    Ok((input, parsed, extra, detached))
}
