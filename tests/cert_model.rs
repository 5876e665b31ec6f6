//! The certificate model on every test-PKI fixture and every J-LIS anchor.
//!
//! This one file runs twice: natively (`cargo test --test cert_model`) and in headless
//! Chromium (`wasm-pack test --headless --chrome -- --test cert_model`), so the same
//! assertions hold for the native and the wasm build. Fixtures are compiled in with
//! `include_bytes!` because the browser has no file system.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use jpki_verify::{parse_certificate, Certificate, Environment, Era, Kind, Role, Sex, Token};

macro_rules! fixture {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/testpki/", $name)) as &[u8],
        )
    };
}

macro_rules! anchor {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/anchors/jlis/", $name)) as &[u8],
        )
    };
}

/// Every certificate in the test PKI.
const TEST_PKI: &[(&str, &[u8])] = &[
    fixture!("sign-ca.der"),
    fixture!("auth-ca.der"),
    fixture!("taro-sign.der"),
    fixture!("taro-auth.der"),
    fixture!("hanako-sign.der"),
    fixture!("hanako-auth.der"),
    fixture!("fumi-sign.der"),
    fixture!("fumi-auth.der"),
    fixture!("kaoru-sign.der"),
    fixture!("kaoru-auth.der"),
    fixture!("ichiro-sign.der"),
    fixture!("ichiro-auth.der"),
    fixture!("rei-sign.der"),
    fixture!("rei-auth.der"),
    fixture!("expired-sign.der"),
    fixture!("expired-auth.der"),
    fixture!("notyet-sign.der"),
    fixture!("notyet-auth.der"),
    fixture!("wrongku-sign.der"),
    fixture!("wrongku-auth.der"),
    fixture!("wrongpolicy-sign.der"),
    fixture!("wrongpolicy-auth.der"),
    fixture!("sha1-sign.der"),
    fixture!("sha1-auth.der"),
    fixture!("rsa1024-sign.der"),
    fixture!("rsa1024-auth.der"),
    fixture!("p256-sign.der"),
    fixture!("p256-auth.der"),
];

const JLIS: &[(&str, &[u8])] = &[
    anchor!("jpki-sign-ca-gen1-2015.cer"),
    anchor!("jpki-sign-ca-gen2-2019.cer"),
    anchor!("jpki-sign-ca-gen3-2023.cer"),
    anchor!("jpki-auth-ca-gen1-2015.cer"),
    anchor!("jpki-auth-ca-gen2-2019.cer"),
    anchor!("jpki-auth-ca-gen3-2023.cer"),
];

fn get(name: &str) -> Certificate {
    let (_, der) = TEST_PKI
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no fixture {name}"));
    parse_certificate(der).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn flags(s: &str) -> Vec<bool> {
    s.chars().map(|c| c == '1').collect()
}

#[test]
fn every_fixture_parses() {
    for (name, der) in TEST_PKI {
        let c = parse_certificate(der).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(c.version, 3, "{name}");
        assert_eq!(c.environment, Environment::Test, "{name}");
        assert!(c.issuer.contains("O=JPKI-TEST"), "{name}: {}", c.issuer);
        let expected_kind = if name.starts_with("sign") || name.ends_with("-sign.der") {
            Kind::Signature
        } else {
            Kind::Authentication
        };
        assert_eq!(c.kind, expected_kind, "{name}");
        assert_eq!(c.der(), *der);
    }
}

#[test]
fn taro_signature_certificate() {
    let c = get("taro-sign.der");
    assert_eq!(
        (c.role, c.kind, c.token, c.environment),
        (Role::EndEntity, Kind::Signature, Token::Card, Environment::Test)
    );
    assert_eq!(
        c.key_usage.as_deref(),
        Some(&["digitalSignature", "nonRepudiation"][..])
    );
    assert!(c.key_usage_critical);
    assert_eq!(c.policies, ["1.2.392.200149.8.5.1.0.20"]);
    assert_eq!((c.key_algorithm.as_str(), c.key_bits), ("rsa", 2048));
    assert_eq!(c.signature_algorithm, "sha256WithRSAEncryption");
    assert_eq!(c.not_before, "2025-04-01T00:00:00Z");
    assert_eq!(c.not_after, "2030-02-16T14:59:59Z");
    assert!(
        c.subject.starts_with("C=JP, L=Tokyo-to, L=Chiyoda-ku, CN=TEST"),
        "{}",
        c.subject
    );
    assert!(!c.subject.contains("山田"), "the CN is opaque, never the name");
    let anchor = c.anchor.as_ref().expect("names the test signature CA");
    assert_eq!(
        (anchor.id.as_str(), anchor.purpose, c.ca_generation),
        ("test-sign-ca", Kind::Signature, None)
    );

    let id = c.identity.as_ref().expect("signature certificate carries identity");
    assert_eq!(id.name, "山田\u{3000}太郎");
    assert_eq!(id.name_substituted, flags("00000"));
    assert_eq!((id.sex, id.sex_code.as_str()), (Sex::Male, "1"));
    let dob = &id.date_of_birth;
    assert_eq!(
        (dob.era, dob.era_code, dob.era_name, dob.era_year),
        (Era::Showa, 3, Some("昭和"), Some(60))
    );
    assert_eq!(
        (dob.year, dob.month, dob.day, dob.gregorian.as_deref(), dob.complete),
        (Some(1985), Some(4), Some(12), Some("1985-04-12"), true)
    );
    assert_eq!(id.address, "東京都千代田区霞が関二丁目１番２号");
    assert_eq!(id.address_substituted.len(), id.address.chars().count());
    assert!(!id.has_substitutions());
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn authentication_certificate_yields_no_identity() {
    for name in ["taro-auth.der", "hanako-auth.der", "fumi-auth.der"] {
        let c = get(name);
        assert_eq!(c.kind, Kind::Authentication, "{name}");
        assert_eq!(c.identity, None, "{name}");
        assert_eq!(c.key_usage.as_deref(), Some(&["digitalSignature"][..]), "{name}");
        assert_eq!(c.policies, ["1.2.392.200149.8.5.1.0.30"], "{name}");
        assert_eq!(c.anchor.as_ref().map(|a| a.id.as_str()), Some("test-auth-ca"), "{name}");
        assert!(
            c.notes.iter().any(|n| n.contains("unconfirmed")),
            "test auth policy is inferred: {:?}",
            c.notes
        );
    }
}

#[test]
fn substituted_kanji_and_leap_day() {
    let id = get("hanako-sign.der").identity.expect("identity");
    assert_eq!(id.name, "高橋\u{3000}花子");
    assert_eq!(id.name_substituted, flags("10000"));
    assert_eq!(id.sex, Sex::Female);
    assert_eq!(id.date_of_birth.gregorian.as_deref(), Some("1992-02-29"));
    assert_eq!(
        (id.date_of_birth.era, id.date_of_birth.era_year),
        (Era::Heisei, Some(4))
    );
    let ume = id.address.chars().position(|c| c == '梅').expect("梅 in address");
    let expected: Vec<bool> = (0..id.address.chars().count()).map(|i| i == ume).collect();
    assert_eq!(id.address_substituted, expected);
    assert!(id.has_substitutions());
}

#[test]
fn partial_birth_dates() {
    let fumi = get("fumi-sign.der").identity.expect("identity");
    assert_eq!(fumi.name, "佐藤\u{3000}ふみ", "BMPString name decodes");
    let d = &fumi.date_of_birth;
    assert_eq!(
        (d.era, d.year, d.month, d.day, d.gregorian.as_deref(), d.complete),
        (Era::Meiji, Some(1910), None, None, Some("1910"), false)
    );
    assert_eq!(d.era_year, Some(43));

    let kaoru = get("kaoru-sign.der")
        .identity
        .expect("identity (PrintableString digits)");
    let d = &kaoru.date_of_birth;
    assert_eq!((d.era, d.era_name, d.era_year), (Era::Unknown, None, None));
    assert_eq!(
        (d.year, d.month, d.day, d.gregorian.as_deref()),
        (Some(1945), Some(8), None, Some("1945-08"))
    );
    assert_eq!((kaoru.sex, kaoru.sex_code.as_str()), (Sex::Unknown, "3"));
}

#[test]
fn eras_taisho_and_reiwa_and_long_address() {
    let ichiro = get("ichiro-sign.der").identity.expect("identity");
    assert_eq!(
        (ichiro.date_of_birth.era, ichiro.date_of_birth.era_year),
        (Era::Taisho, Some(14))
    );
    assert_eq!(ichiro.address.chars().count(), 200);
    assert_eq!(ichiro.address_substituted.len(), 200);
    let rei = get("rei-sign.der").identity.expect("identity");
    assert_eq!(
        (
            rei.date_of_birth.era,
            rei.date_of_birth.era_year,
            rei.date_of_birth.gregorian.as_deref()
        ),
        (Era::Reiwa, Some(1), Some("2019-05-01"))
    );
}

#[test]
fn every_sex_code() {
    let sexes: Vec<Sex> = ["taro-sign.der", "hanako-sign.der", "kaoru-sign.der"]
        .iter()
        .map(|n| get(n).identity.expect("identity").sex)
        .collect();
    assert_eq!(sexes, [Sex::Male, Sex::Female, Sex::Unknown]);
}

#[test]
fn edge_case_personas_parse_and_show_their_defect() {
    let expired = get("expired-sign.der");
    assert_eq!(
        (expired.not_before.as_str(), expired.not_after.as_str()),
        ("2019-04-01T00:00:00Z", "2024-03-31T14:59:59Z")
    );
    assert_eq!(get("notyet-auth.der").not_before, "2026-12-01T00:00:00Z");

    let wrongku = get("wrongku-sign.der");
    assert_eq!(wrongku.kind, Kind::Signature, "kind comes from the policy");
    assert!(!wrongku.has_key_usage("nonRepudiation"));
    assert_eq!(
        get("wrongku-auth.der").key_usage.as_deref(),
        Some(&["keyEncipherment"][..])
    );

    for name in ["wrongpolicy-sign.der", "wrongpolicy-auth.der"] {
        let c = get(name);
        assert_eq!(c.policies, ["2.5.29.32.0"], "{name}");
        assert_eq!(c.token, Token::Unknown, "{name}");
        assert!(c.notes.iter().any(|n| n.contains("inferred")), "{name}: {:?}", c.notes);
    }
    assert!(get("wrongpolicy-sign.der").identity.is_some());

    assert_eq!(get("sha1-sign.der").signature_algorithm, "sha1WithRSAEncryption");
    assert_eq!(get("sha1-auth.der").signature_algorithm_oid, "1.2.840.113549.1.1.5");
    assert_eq!(
        (
            get("rsa1024-sign.der").key_algorithm.as_str(),
            get("rsa1024-auth.der").key_bits
        ),
        ("rsa", 1024)
    );
    let p = get("p256-sign.der");
    assert_eq!((p.key_algorithm.as_str(), p.key_bits), ("ecP256", 256));
    assert_eq!(p.signature_algorithm, "sha256WithRSAEncryption");
}

#[test]
fn test_cas() {
    for (name, kind, id) in [
        ("sign-ca.der", Kind::Signature, "test-sign-ca"),
        ("auth-ca.der", Kind::Authentication, "test-auth-ca"),
    ] {
        let c = get(name);
        assert_eq!(
            (c.role, c.kind, c.environment),
            (Role::Ca, kind, Environment::Test),
            "{name}"
        );
        assert_eq!(c.issuer, c.subject);
        assert!(c.subject.contains("TEST"));
        assert_eq!(c.anchor.as_ref().map(|a| a.id.as_str()), Some(id));
        assert_eq!(c.key_usage.as_deref(), Some(&["keyCertSign", "cRLSign"][..]));
    }
}

#[test]
fn jlis_anchors_generation_and_purpose() {
    let expected = [
        (
            "jpki-sign-ca-gen1-2015.cer",
            Kind::Signature,
            1,
            "01",
            "2015-10-20T02:40:28Z",
            "2025-10-19T14:59:59Z",
        ),
        (
            "jpki-sign-ca-gen2-2019.cer",
            Kind::Signature,
            2,
            "0132C4AB",
            "2019-09-14T23:41:56Z",
            "2029-09-14T14:59:59Z",
        ),
        (
            "jpki-sign-ca-gen3-2023.cer",
            Kind::Signature,
            3,
            "067C6A21",
            "2023-07-16T00:50:27Z",
            "2033-07-15T14:59:59Z",
        ),
        (
            "jpki-auth-ca-gen1-2015.cer",
            Kind::Authentication,
            1,
            "01",
            "2015-10-20T03:08:13Z",
            "2025-10-19T14:59:59Z",
        ),
        (
            "jpki-auth-ca-gen2-2019.cer",
            Kind::Authentication,
            2,
            "0133C349",
            "2019-09-14T23:41:59Z",
            "2029-09-14T14:59:59Z",
        ),
        (
            "jpki-auth-ca-gen3-2023.cer",
            Kind::Authentication,
            3,
            "06D18006",
            "2023-07-16T01:01:04Z",
            "2033-07-15T14:59:59Z",
        ),
    ];
    for ((name, der), (ename, kind, generation, serial, nb, na)) in JLIS.iter().zip(expected) {
        assert_eq!(*name, ename);
        let c = parse_certificate(der).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            (c.role, c.kind, c.environment, c.token),
            (Role::Ca, kind, Environment::Production, Token::Unknown),
            "{name}"
        );
        assert_eq!(c.ca_generation, Some(generation), "{name}");
        let a = c.anchor.as_ref().expect("pinned");
        assert_eq!((a.id.as_str(), a.purpose), (name.trim_end_matches(".cer"), kind));
        assert_eq!(c.serial_number, serial, "{name}");
        assert_eq!((c.not_before.as_str(), c.not_after.as_str()), (nb, na), "{name}");
        assert_eq!((c.key_algorithm.as_str(), c.key_bits), ("rsa", 2048));
        assert_eq!(c.signature_algorithm, "sha256WithRSAEncryption");
        let ou = if kind == Kind::Signature {
            "OU=JPKI for digital signature"
        } else {
            "OU=JPKI for user authentication"
        };
        assert_eq!(
            c.subject,
            format!("C=JP, O=JPKI, {ou}, OU=Japan Agency for Local Authority Information Systems")
        );
        assert_eq!(c.identity, None);
        assert!(c.basic_constraints.is_some_and(|b| b.ca));
    }
}

#[test]
fn json_shape_is_camel_case() {
    let json = get("taro-sign.der").to_json();
    for key in [
        "kind",
        "token",
        "environment",
        "serialNumber",
        "notBefore",
        "notAfter",
        "caGeneration",
        "keyAlgorithm",
        "keyBits",
        "keyUsage",
        "policies",
        "identity",
        "sha256Fingerprint",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    let id = &json["identity"];
    assert_eq!(id["sex"], "male");
    assert_eq!(id["dateOfBirth"]["era"], "showa");
    assert_eq!(id["dateOfBirth"]["gregorian"], "1985-04-12");
    assert_eq!(id["nameSubstituted"][0], false);
    assert_eq!(json["kind"], "signature");
    assert!(json.get("raw").is_none(), "internal parts are not serialised");
}
