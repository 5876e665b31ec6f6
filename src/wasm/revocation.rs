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
    inner: CrlIndex,
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
        Ok(JsCrlIndex { inner })
    }

    /// [`JsCrlIndex::build`] with the Rust provider, synchronously (the `jpki-verify/sync` build).
    #[cfg(feature = "rustcrypto")]
    #[wasm_bindgen(js_name = buildSync)]
    pub fn build_sync(der: &[u8], trust: &str) -> Result<JsCrlIndex, JsValue> {
        let inner = CrlIndex::build(der, anchors(trust)?, &crate::crypto::RustCrypto).map_err(|e| to_js_error(&e))?;
        Ok(JsCrlIndex { inner })
    }

    /// Loads a saved index (`toBytes`); throws `JPKI_REVOCATION_SOURCE_INVALID` if damaged.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> Result<JsCrlIndex, JsValue> {
        let inner = CrlIndex::from_bytes(bytes).map_err(|e| to_js_error(&e))?;
        Ok(JsCrlIndex { inner })
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
        let cert = crate::cert::parse_certificate(&input_bytes(&certificate)?).map_err(|e| to_js_error(&e))?;
        let mut policy = RevocationPolicy::default();
        if let Some(s) = crl_max_age_seconds {
            policy.crl_max_age_seconds = s;
        }
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
