//! `CrlIndex` for JavaScript: build a CRL index (WebCrypto or the Rust provider), save and load
//! it, look serials up, and answer for a certificate. A thin adapter over
//! [`crate::revocation::crl::CrlIndex`]; errors are `JpkiError`s with the stable codes.
//!
//! ```ts
//! const index = await CrlIndex.build(crlBytes, "jlis");      // WebCrypto checks the signature
//! const index = CrlIndex.buildSync(crlBytes, "test");        // jpki-verify/sync: Rust provider
//! const saved = index.toBytes(); const again = CrlIndex.fromBytes(saved);
//! index.lookup("1000001A");          // null | { reason: "affiliationChanged" | null, revokedAt }
//! index.answer(certificate, unixSeconds, { crlMaxAgeSeconds })  // RevocationAnswer or throws
//! ```

use std::rc::Rc;

use wasm_bindgen::prelude::*;

use super::{input_bytes, to_js, to_js_error, webcrypto};
use crate::error::Error;
use crate::revocation::crl::CrlIndex;
use crate::revocation::RevocationPolicy;
use crate::trust::TrustAnchors;

fn anchors(trust: &str) -> Result<&'static TrustAnchors, JsValue> {
    match trust {
        "jlis" => Ok(crate::trust::jlis_static()),
        "test" => Ok(crate::trust::test_static()),
        other => Err(to_js_error(&Error::InvalidOptions {
            reason: format!(
                "trust must be \"jlis\" or \"test\", not {}",
                crate::error::Quoted(other)
            ),
        })),
    }
}

/// A verified CRL's compact index (see the Rust `CrlIndex`).
#[wasm_bindgen(js_name = CrlIndex)]
pub struct JsCrlIndex {
    /// Shared: a `RevocationEvidence` holds the same index without copying it.
    inner: Rc<CrlIndex>,
}

#[wasm_bindgen(js_class = CrlIndex)]
impl JsCrlIndex {
    /// Parses the CRL, checks its signature with WebCrypto against the `trust` anchors
    /// (`"jlis"` or `"test"`) and builds the index.
    #[wasm_bindgen(unchecked_return_type = "Promise<CrlIndex>")]
    pub async fn build(der: Vec<u8>, trust: String) -> Result<JsCrlIndex, JsValue> {
        let prepared = CrlIndex::prepare(&der, anchors(&trust)?).map_err(|e| to_js_error(&e))?;
        drop(der);
        let mut results = Vec::new();
        for check in prepared.checks() {
            let r = webcrypto::verify_check(check).await;
            let ok = r.is_ok();
            results.push(r);
            if ok {
                break;
            }
        }
        let inner = prepared.finish(&results).map_err(|e| to_js_error(&e))?;
        Ok(JsCrlIndex { inner: Rc::new(inner) })
    }

    /// [`JsCrlIndex::build`] with the Rust provider, synchronously (the `jpki-verify/sync` build).
    #[cfg(feature = "rustcrypto")]
    #[wasm_bindgen(js_name = buildSync)]
    pub fn build_sync(der: &[u8], trust: &str) -> Result<JsCrlIndex, JsValue> {
        let inner = CrlIndex::build(der, anchors(trust)?, &crate::crypto::RustCrypto).map_err(|e| to_js_error(&e))?;
        Ok(JsCrlIndex { inner: Rc::new(inner) })
    }

    /// Loads a saved index (`toBytes`); throws `JPKI_REVOCATION_SOURCE_INVALID` if damaged.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> Result<JsCrlIndex, JsValue> {
        let inner = CrlIndex::from_bytes(bytes).map_err(|e| to_js_error(&e))?;
        Ok(JsCrlIndex { inner: Rc::new(inner) })
    }

    /// The saved form.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Vec<u8> {
        self.inner.to_bytes()
    }

    /// `null`, or `{ reason, revokedAt }` for a serial given in hex (as `serialNumber` in the
    /// certificate model).
    pub fn lookup(&self, serial_hex: &str) -> Result<JsValue, JsValue> {
        let serial = crate::encoding::parse_hex(serial_hex).map_err(|e| to_js_error(&e))?;
        Ok(match self.inner.lookup(&serial) {
            None => JsValue::NULL,
            Some((reason, date)) => {
                let o = js_sys::Object::new();
                let reason = reason.map_or(JsValue::NULL, |r| JsValue::from_str(r.as_str()));
                let _ = js_sys::Reflect::set(&o, &"reason".into(), &reason);
                let _ = js_sys::Reflect::set(&o, &"revokedAt".into(), &JsValue::from_f64(date as f64));
                o.into()
            }
        })
    }

    /// The `RevocationAnswer` about `certificate` (DER bytes or PEM) at `time` (Unix seconds);
    /// `crlMaxAgeSeconds` overrides the default 48 h. Throws `JPKI_REVOCATION_STALE` /
    /// `JPKI_REVOCATION_SOURCE_INVALID` as the Rust method does.
    pub fn answer(
        &self,
        certificate: JsValue,
        time: f64,
        #[wasm_bindgen(js_name = crlMaxAgeSeconds)] crl_max_age_seconds: Option<u32>,
    ) -> Result<JsValue, JsValue> {
        let cert = crate::trust::parse_certificate(&input_bytes(&certificate)?).map_err(|e| to_js_error(&e))?;
        let mut policy = RevocationPolicy::default();
        if let Some(s) = crl_max_age_seconds {
            policy.crl_max_age_seconds = s;
        }
        policy.validate().map_err(|e| to_js_error(&e))?;
        let answer = self
            .inner
            .answer(&cert, time as i64, &policy)
            .map_err(|e| to_js_error(&e))?;
        to_js(&answer)
    }

    /// Issuer DN.
    #[wasm_bindgen(getter)]
    pub fn issuer(&self) -> String {
        self.inner.issuer().to_owned()
    }

    /// Id of the anchor that verified the CRL.
    #[wasm_bindgen(getter, js_name = anchorId)]
    pub fn anchor_id(&self) -> String {
        self.inner.anchor_id().to_owned()
    }

    /// thisUpdate, Unix seconds.
    #[wasm_bindgen(getter, js_name = thisUpdate)]
    pub fn this_update(&self) -> f64 {
        self.inner.this_update() as f64
    }

    /// nextUpdate, Unix seconds.
    #[wasm_bindgen(getter, js_name = nextUpdate)]
    pub fn next_update(&self) -> Option<f64> {
        self.inner.next_update().map(|t| t as f64)
    }

    /// cRLNumber (decimal).
    #[wasm_bindgen(getter, js_name = crlNumber)]
    pub fn crl_number(&self) -> Option<String> {
        self.inner.crl_number().map(str::to_owned)
    }

    /// SHA-256 of the CRL, hex.
    #[wasm_bindgen(getter)]
    pub fn sha256(&self) -> String {
        self.inner.crl_sha256_hex()
    }

    /// Number of revoked serials.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.inner.len()
    }

    /// Bytes of wasm memory the index holds.
    #[wasm_bindgen(getter, js_name = memoryBytes)]
    pub fn memory_bytes(&self) -> usize {
        self.inner.memory_bytes()
    }
}

/// Revocation evidence for one or more verifications: CRL indexes, an OCSP response with the
/// nonce its request carried, a platform operator's answer. Built by the npm package from
/// `options.revocation`; passed to `verifyAssertion…With`.
#[wasm_bindgen(js_name = RevocationEvidence)]
#[derive(Default)]
pub struct JsRevocationEvidence {
    crls: Vec<Rc<CrlIndex>>,
    ocsp: Option<(Vec<u8>, Option<Vec<u8>>)>,
    external: Option<crate::revocation::RevocationAnswer>,
}

#[wasm_bindgen(js_class = RevocationEvidence)]
impl JsRevocationEvidence {
    /// No evidence yet.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsRevocationEvidence {
        JsRevocationEvidence::default()
    }

    /// Adds a CRL index (shared, not copied).
    #[wasm_bindgen(js_name = addCrl)]
    pub fn add_crl(&mut self, index: &JsCrlIndex) {
        self.crls.push(Rc::clone(&index.inner));
    }

    /// Sets the OCSP response (DER) and the nonce its request carried.
    #[wasm_bindgen(js_name = setOcsp)]
    pub fn set_ocsp(&mut self, response: Vec<u8>, nonce: Option<Vec<u8>>) {
        self.ocsp = Some((response, nonce));
    }

    /// Sets a platform operator's answer `{ status: "good"|"revoked"|"unknown", reason?,
    /// source, producedAt }` (reason: an RFC 5280 name such as `"affiliationChanged"`).
    #[wasm_bindgen(js_name = setExternal)]
    pub fn set_external(&mut self, answer: JsValue) -> Result<(), JsValue> {
        let field = |k: &str| js_sys::Reflect::get(&answer, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
        let bad = |what: &str| {
            to_js_error(&Error::InvalidOptions {
                reason: format!("revocation.external: {what}"),
            })
        };
        let status = field("status")
            .as_string()
            .ok_or_else(|| bad("status must be a string"))?;
        let reason = match field("reason") {
            v if v.is_undefined() || v.is_null() => None,
            v => Some(v.as_string().ok_or_else(|| bad("reason must be a string"))?),
        };
        let source = field("source")
            .as_string()
            .ok_or_else(|| bad("source must be a string"))?;
        let produced_at = field("producedAt")
            .as_f64()
            .filter(|n| n.is_finite() && n.fract() == 0.0)
            .ok_or_else(|| bad("producedAt must be Unix seconds"))?;
        let text = |k: &str| field(k).as_string();
        let about = crate::revocation::AnswerAbout::from_fields(
            text("certificateSha256").as_deref(),
            text("issuer").as_deref(),
            text("serialNumber").as_deref(),
        )
        .map_err(|e| to_js_error(&e))?;
        self.external = Some(
            crate::revocation::RevocationAnswer::external_from_names(
                &status,
                reason.as_deref(),
                &source,
                produced_at as i64,
                about,
            )
            .map_err(|e| to_js_error(&e))?,
        );
        Ok(())
    }
}

impl JsRevocationEvidence {
    /// Prepares a verification with this evidence.
    fn prepare(&self, assertion: &JsValue, options: &JsValue) -> Result<crate::assertion::Prepared, JsValue> {
        let (input, options, extra, detached) = super::read_verify_args(assertion, options)?;
        let crls: Vec<&CrlIndex> = self.crls.iter().map(|c| &**c).collect();
        let mut sources = crate::revocation::RevocationSources::crls(&crls);
        if let Some((response, nonce)) = &self.ocsp {
            sources = sources.with_ocsp(crate::revocation::OcspEvidence::new(response, nonce.as_deref()));
        }
        if let Some(e) = &self.external {
            sources = sources.with_external(e);
        }
        Ok(crate::assertion::prepare_with(
            &input,
            &options,
            extra.as_ref(),
            detached.as_deref(),
            &sources,
        ))
    }
}

/// Internal (the JS WebCrypto driver): [`super::verify_assertion_prepare`] with revocation
/// evidence.
#[wasm_bindgen(js_name = verifyAssertionPrepareWith, skip_typescript)]
#[allow(unreachable_pub)] // exported to JS by wasm-bindgen
pub fn verify_assertion_prepare_with(
    assertion: JsValue,
    options: JsValue,
    evidence: &JsRevocationEvidence,
) -> Result<js_sys::Array, JsValue> {
    let prepared = evidence.prepare(&assertion, &options)?;
    let jobs: js_sys::Array = prepared.checks().iter().map(webcrypto::js_job).collect();
    let out = js_sys::Array::new_with_length(2);
    out.set(0, super::PendingVerification { prepared }.into());
    out.set(1, jobs.into());
    Ok(out)
}

/// Internal (the npm package's `verifyAssertionSync` with `options.revocation`).
#[cfg(feature = "rustcrypto")]
#[wasm_bindgen(js_name = verifyAssertionSyncWith, skip_typescript)]
#[allow(unreachable_pub)] // exported to JS by wasm-bindgen
pub fn verify_assertion_sync_with(
    assertion: JsValue,
    options: JsValue,
    evidence: &JsRevocationEvidence,
) -> Result<JsValue, JsValue> {
    use crate::crypto::CryptoProvider;
    let prepared = evidence.prepare(&assertion, &options)?;
    let results: Vec<_> = prepared
        .checks()
        .iter()
        .map(|c| crate::crypto::RustCrypto.verify(c))
        .collect();
    to_js(&prepared.finish(&results))
}

/// The DER OCSP request for the signer of `assertion` (read without verification), with a
/// SHA-256 CertID and `nonce` (1–32 bytes), to POST to the responder: `{ request, nonce }`.
/// The leaf's issuer must be one of the `trust` anchors.
#[wasm_bindgen(js_name = ocspRequestFor, skip_typescript)]
#[allow(unreachable_pub)] // exported to JS by wasm-bindgen
pub fn ocsp_request_for(assertion: JsValue, trust: &str, nonce: Vec<u8>) -> Result<Vec<u8>, JsValue> {
    let input = input_bytes(&assertion)?;
    let leaf = crate::assertion::unverified_leaf(&input, None, None).map_err(|e| to_js_error(&e))?;
    let leaf = crate::trust::parse_certificate(&leaf).map_err(|e| to_js_error(&e))?;
    crate::revocation::ocsp::build_request_for(
        &leaf,
        anchors(trust)?,
        crate::revocation::ocsp::CertIdHash::Sha256,
        Some(&nonce),
    )
    .map_err(|e| to_js_error(&e))
}
