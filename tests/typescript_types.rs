//! The TypeScript declarations of the npm package (`src/wasm/mod.rs`) against the Rust
//! definitions they describe: the options the core's JSON reader accepts, and the certificate
//! model of every fixture and anchor certificate. (The verdicts are checked in
//! `tests/assertions.rs`, over the whole fixture manifest.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

mod common;

use common::typescript::{wasm_declarations, Type};
use jpki_verify::revocation::RevocationPolicy;
use jpki_verify::{parse_certificate, VerifyOptions};
use std::path::Path;

fn names(ts: &common::typescript::Declarations, interface: &str) -> Vec<String> {
    let mut n: Vec<String> = ts.members(interface).iter().map(|m| m.name.clone()).collect();
    n.sort();
    n
}

/// The `VerifyOptions` interface declares exactly the members the core reads, plus the two
/// JS-only ones (bytes), and `RevocationPolicy` exactly its members.
#[test]
fn options_interface_is_the_core_reader() {
    let ts = wasm_declarations();
    let mut expected: Vec<String> = VerifyOptions::JSON_MEMBERS
        .iter()
        .chain(&["extraAnchors", "detachedContent"])
        .map(|s| (*s).to_owned())
        .collect();
    expected.sort();
    assert_eq!(names(&ts, "VerifyOptions"), expected);
    let mut policy: Vec<String> = RevocationPolicy::JSON_MEMBERS.iter().map(|s| (*s).to_owned()).collect();
    policy.sort();
    assert_eq!(names(&ts, "RevocationPolicy"), policy);
    // Only audience, nonce and purpose are required; time defaults to now in JS.
    let required: Vec<&str> = ts
        .members("VerifyOptions")
        .iter()
        .filter(|m| !m.optional)
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(required, ["audience", "nonce", "purpose"]);
}

/// Options written by the core (every member set) are values of the TypeScript type, and the
/// core reads them back unchanged.
#[test]
fn options_round_trip_through_the_declared_type() {
    let ts = wasm_declarations();
    let json = serde_json::json!({
        "format": "cms", "trust": "test", "audience": "https://bank.example.jp",
        "nonce": "A".repeat(43), "purpose": "sign", "time": 1_780_272_000,
        "skewSeconds": 30, "revocationUnchecked": "warning", "allowLegacyAlgorithms": true,
        "minRsaBits": 3072, "cmsValidityAt": "signingTime", "maxAgeSeconds": 120,
        "revocationPolicy": { "crlMaxAgeSeconds": 3600, "ocspMaxAgeSeconds": 60, "externalMaxAgeSeconds": 30 },
    });
    let options = VerifyOptions::from_json(&json.to_string()).unwrap();
    let written = serde_json::to_value(&options).unwrap();
    assert_eq!(written, json);
    ts.check(&written, "VerifyOptions").unwrap();
    assert_eq!(ts.unseen("RevocationPolicy"), Vec::<String>::new());
    // Each string-literal union of the interface is exactly the set the reader accepts.
    for m in ts.members("VerifyOptions") {
        let alternatives: Vec<&str> = match &m.ty {
            Type::Union(alts) => alts
                .iter()
                .filter_map(|a| match a {
                    Type::Literal(s) => Some(s.as_str()),
                    _ => None,
                })
                .collect(),
            _ => continue,
        };
        if alternatives.is_empty() {
            continue;
        }
        for value in &alternatives {
            let mut o = json.clone();
            o[&m.name] = serde_json::Value::String((*value).to_owned());
            VerifyOptions::from_json(&o.to_string()).unwrap_or_else(|e| panic!("{}={value}: {e}", m.name));
        }
        let mut o = json.clone();
        o[&m.name] = serde_json::Value::String("not-a-choice".into());
        assert!(VerifyOptions::from_json(&o.to_string()).is_err(), "{}", m.name);
    }
}

/// Every certificate model — the test PKI's certificates and the six J-LIS anchors — has the
/// shape of the TypeScript `Certificate`, and every declared member occurs.
#[test]
fn certificate_models_have_the_typescript_shape() {
    let ts = wasm_declarations();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/testpki");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("der") || path.to_string_lossy().contains(".key") {
            continue;
        }
        let Ok(cert) = parse_certificate(&std::fs::read(&path).unwrap()) else {
            continue;
        };
        let model = serde_json::to_value(&cert).unwrap();
        ts.check(&model, "Certificate")
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        checked += 1;
    }
    // The J-LIS CA certificates themselves (the library compiles in records of them).
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("anchors/jlis")).unwrap() {
        let cert = parse_certificate(&std::fs::read(entry.unwrap().path()).unwrap()).unwrap();
        ts.check(&serde_json::to_value(&cert).unwrap(), "Certificate").unwrap();
        checked += 1;
    }
    assert!(checked > 30, "only {checked} certificates checked");
    // No fixture certificate has an extendedKeyUsage, an unknown critical extension or a SAN
    // otherName beyond the 4 basic information (JPKI certificates carry none of them); those
    // members are checked by type when present, not by occurrence.
    assert_eq!(
        ts.unseen("Certificate"),
        ["extendedKeyUsage", "unknownCriticalExtensions"]
    );
    assert_eq!(ts.unseen("Identity"), ["otherAttributes"]);
    for interface in ["DateOfBirth", "AnchorRef"] {
        assert_eq!(
            ts.unseen(interface),
            Vec::<String>::new(),
            "{interface}: declared, never produced"
        );
    }
}

/// The checker itself refuses drift in both directions (so the tests above can fail).
#[test]
fn the_checker_sees_undeclared_missing_and_mistyped_members() {
    let ts = wasm_declarations();
    let good = serde_json::json!({ "code": "JPKI_MALFORMED", "message": "m", "offset": 3 });
    ts.check(&good, "ErrorReport").unwrap();
    let mut extra = good.clone();
    extra["hint"] = "x".into();
    assert!(ts
        .check(&extra, "ErrorReport")
        .unwrap_err()
        .contains("hint is not declared"));
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("message");
    assert!(ts
        .check(&missing, "ErrorReport")
        .unwrap_err()
        .contains("message is declared required"));
    let mut wrong = good;
    wrong["code"] = "JPKI_NO_SUCH_CODE".into();
    assert!(ts.check(&wrong, "ErrorReport").is_err());
}
