//! The assertion fixture manifest in headless Chromium (`wasm-pack test --headless --chrome`),
//! through the JS-facing functions: `verifyAssertion` (WebCrypto provider, async) and
//! `verifyAssertionSync` (Rust provider). Every case must give the manifest's verdict and code.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

include!(concat!(env!("OUT_DIR"), "/assertion_fixtures.rs"));

fn file(name: &str) -> &'static [u8] {
    ASSERTION_FIXTURES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| *b)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

struct Case {
    name: String,
    input: JsValue,
    options: JsValue,
    valid: bool,
    code: Option<String>,
    /// Cases with revocation evidence run in `manifest_with_revocation_in_chromium`.
    revocation: bool,
}

fn cases() -> Vec<Case> {
    let manifest: serde_json::Value = serde_json::from_slice(file("manifest.json")).unwrap();
    manifest["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let bytes = file(c["file"].as_str().unwrap());
            let input: JsValue = if c["format"] == "jws" {
                JsValue::from_str(std::str::from_utf8(bytes).unwrap())
            } else {
                Uint8Array::from(bytes).into()
            };
            let options = js_sys::JSON::parse(&c["options"].to_string()).unwrap();
            if let Some(d) = c.get("detachedContent").and_then(|d| d.as_str()) {
                Reflect::set(&options, &"detachedContent".into(), &Uint8Array::from(file(d)).into()).unwrap();
            }
            Case {
                name: c["name"].as_str().unwrap().to_owned(),
                input,
                options,
                valid: c["expect"]["valid"].as_bool().unwrap(),
                code: c["expect"]["code"].as_str().map(str::to_owned),
                revocation: c.get("revocation").is_some(),
            }
        })
        .collect()
}

fn outcome(verdict: &JsValue) -> (bool, Option<String>) {
    let valid = Reflect::get(verdict, &"valid".into()).unwrap().as_bool().unwrap();
    let errors = Reflect::get(verdict, &"errors".into()).unwrap();
    let first = Reflect::get(&errors, &0.into()).unwrap();
    let code = if first.is_undefined() {
        None
    } else {
        Reflect::get(&first, &"code".into()).unwrap().as_string()
    };
    (valid, code)
}

#[test]
async fn manifest_with_webcrypto_in_chromium() {
    let cases = cases();
    let mut failed = Vec::new();
    for c in cases.iter().filter(|c| !c.revocation) {
        let v = jpki_verify::wasm::verify_assertion(c.input.clone(), c.options.clone())
            .await
            .unwrap();
        if outcome(&v) != (c.valid, c.code.clone()) {
            failed.push(format!("{}: got {:?}", c.name, outcome(&v)));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(cases.len() >= 40);
}

#[cfg(feature = "rustcrypto")]
#[test]
fn manifest_with_rust_provider_in_chromium() {
    let cases = cases();
    let mut failed = Vec::new();
    for c in cases.iter().filter(|c| !c.revocation) {
        let v = jpki_verify::wasm::verify_assertion_sync(c.input.clone(), c.options.clone()).unwrap();
        if outcome(&v) != (c.valid, c.code.clone()) {
            failed.push(format!("{}: got {:?}", c.name, outcome(&v)));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}

#[cfg(feature = "rustcrypto")]
#[test]
fn invalid_options_throw_a_coded_error() {
    let err = jpki_verify::wasm::verify_assertion_sync(
        JsValue::from_str("x"),
        js_sys::JSON::parse(r#"{"audience":"a"}"#).unwrap(),
    )
    .unwrap_err();
    assert_eq!(
        Reflect::get(&err, &"code".into()).unwrap().as_string().as_deref(),
        Some("JPKI_INVALID_OPTIONS")
    );
}

/// The manifest's revocation cases in Chromium: CRL indexes built in wasm, the verification's
/// signature checks (CA, holder) answered by the browser's WebCrypto, and the same with the
/// Rust provider; the verdict's revocation slot must be the expected one.
#[cfg(feature = "revocation")]
#[test]
async fn manifest_with_revocation_in_chromium() {
    use jpki_verify::assertion::{self, VerifyOptions};
    use jpki_verify::revocation::crl::CrlIndex;
    use jpki_verify::revocation::{RevocationAnswer, RevocationSources};
    use jpki_verify::trust::TrustAnchors;

    let manifest: serde_json::Value = serde_json::from_slice(file("manifest.json")).unwrap();
    let mut ran = 0;
    let mut failed = Vec::new();
    for c in manifest["cases"].as_array().unwrap() {
        let Some(r) = c.get("revocation") else { continue };
        let name = c["name"].as_str().unwrap();
        let indexes: Vec<CrlIndex> = r["crls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                CrlIndex::build(
                    file(f.as_str().unwrap()),
                    &TrustAnchors::test_pki(),
                    &jpki_verify::RustCrypto,
                )
                .unwrap()
            })
            .collect();
        let refs: Vec<&CrlIndex> = indexes.iter().collect();
        let external = r.get("external").map(|e| {
            RevocationAnswer::external_from_names(
                e["status"].as_str().unwrap(),
                e["reason"].as_str(),
                e["source"].as_str().unwrap(),
                e["producedAt"].as_i64().unwrap(),
                jpki_verify::revocation::AnswerAbout::from_fields(
                    e["certificateSha256"].as_str(),
                    e["issuer"].as_str(),
                    e["serialNumber"].as_str(),
                )
                .unwrap(),
            )
            .unwrap()
        });
        let mut sources = RevocationSources::crls(&refs);
        if let Some(e) = &external {
            sources = sources.with_external(e);
        }
        let options = VerifyOptions::from_json(&c["options"].to_string()).unwrap();
        let input = file(c["file"].as_str().unwrap());
        // WebCrypto answers the checks.
        let prepared = assertion::prepare_with(input, &options, None, None, &sources);
        let mut results = Vec::new();
        for check in prepared.checks() {
            let ok = jpki_verify::wasm::verify_signature(
                check.algorithm.name().to_owned(),
                check.spki.clone(),
                check.message.clone(),
                check.signature.clone(),
            )
            .await
            .unwrap()
            .as_bool()
                == Some(true);
            results.push(if ok {
                Ok(())
            } else {
                Err(jpki_verify::Error::SignatureInvalid { what: "signature" })
            });
        }
        let webcrypto = prepared.finish(&results);
        let rust = assertion::verify_with(input, &options, None, None, &sources, &jpki_verify::RustCrypto);
        let want = &c["expect"];
        for (provider, v) in [("webcrypto", &webcrypto), ("rust", &rust)] {
            let status = serde_json::to_value(v.revocation.status).unwrap();
            if v.valid != want["valid"].as_bool().unwrap()
                || v.code() != want["code"].as_str()
                || status != want["revocation"]["status"]
                || v.revocation.reason.as_deref() != want["revocation"]["reason"].as_str()
            {
                failed.push(format!("{name} ({provider}): {:?} {:?}", v.errors, v.revocation));
            }
        }
        ran += 1;
    }
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(ran >= 5, "{ran} revocation cases");
}
