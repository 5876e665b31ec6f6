//! Regression tests for the findings of the internal security review (see the closing note of
//! the verification issue): each test is the reviewer's attack, now refused.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::path::PathBuf;

use jpki_verify::assertion::{self, Purpose, Severity, Trust};
use jpki_verify::{RustCrypto, VerifyOptions};

mod common;
use common::bytes::base64_standard;

const T: i64 = 1_780_272_000;
const AUD: &str = "https://bank.example.jp";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn options(purpose: Purpose) -> VerifyOptions {
    let mut o = VerifyOptions::new(AUD, &jpki_verify_testpki::assertion_nonce(), purpose, T);
    o.trust = Trust::Test;
    o.revocation_unchecked = Some(Severity::Warning);
    o
}

fn jws(claims: &str) -> String {
    let leaf = std::fs::read(root().join("tests/fixtures/testpki/taro-sign.der")).unwrap();
    let key = std::fs::read(root().join("tests/fixtures/testpki/taro-sign.key.der")).unwrap();
    let b64 = base64_standard(&leaf);
    let header = format!(r#"{{"alg":"RS256","typ":"jpki-assertion+jwt","x5c":["{b64}"]}}"#);
    jpki_verify_testpki::sign_jws(&header, claims, &key).unwrap()
}

fn claims(iat: i64, exp: i64, txn: &str) -> String {
    let nonce = jpki_verify_testpki::assertion_nonce();
    format!(r#"{{"aud":"{AUD}","nonce":"{nonce}","iat":{iat},"exp":{exp},"purpose":"account-opening"{txn}}}"#)
}

#[test]
fn control_a_fresh_assertion_is_valid() {
    let v = assertion::verify(
        jws(&claims(T - 10, T + 200, "")).as_bytes(),
        &options(Purpose::AccountOpening),
        None,
        None,
        &RustCrypto,
    );
    assert!(v.valid, "{:?}", v.errors);
}

/// M2: an assertion issued long ago, or valid for years, is expired by policy.
#[test]
fn ancient_or_long_lived_assertions_are_expired() {
    for (iat, exp) in [(0, 9_000_000_000), (T - 7200, T + 200), (T - 10, T + 86_400)] {
        let v = assertion::verify(
            jws(&claims(iat, exp, "")).as_bytes(),
            &options(Purpose::AccountOpening),
            None,
            None,
            &RustCrypto,
        );
        assert_eq!(v.code(), Some("JPKI_ASSERTION_EXPIRED"), "iat {iat} exp {exp}");
    }
}

/// M3: duplicate members inside txn (what the person saw vs what the bank records).
#[test]
fn nested_duplicate_members_are_malformed() {
    let c = claims(T - 10, T + 200, r#","txn":{"amount":1,"amount":1000000}"#);
    let v = assertion::verify(
        jws(&c).as_bytes(),
        &options(Purpose::AccountOpening),
        None,
        None,
        &RustCrypto,
    );
    assert_eq!(v.code(), Some("JPKI_MALFORMED"));
}

/// M1: an invalid verdict does not carry the (attacker-chosen) identity or an anchor label.
#[test]
fn invalid_verdicts_carry_no_identity() {
    let dir = root().join("tests/fixtures/assertions");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    for name in [
        "jws-foreign-ca",
        "jws-same-dn-forged-ca",
        "jws-wrong-nonce",
        "jws-tampered-signature",
    ] {
        let case = manifest["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap();
        let input = std::fs::read(dir.join(case["file"].as_str().unwrap())).unwrap();
        let o = VerifyOptions::from_json_value(&(&case["options"]).into()).unwrap();
        let v = assertion::verify(&input, &o, None, None, &RustCrypto);
        assert!(!v.valid, "{name}");
        let cert = v.certificate.as_ref().expect("technical fields kept");
        assert!(
            v.identity.is_none() && cert.identity.is_none() && cert.anchor.is_none(),
            "{name}"
        );
        assert!(!cert.serial_number.is_empty());
    }
}

/// H1: a signer-chosen signingTime with non-ASCII bytes must not panic the verifier.
#[test]
fn non_ascii_signing_time_is_malformed_not_a_panic() {
    let mut cms = std::fs::read(root().join("tests/fixtures/assertions/cms-attached-taro.p7s")).unwrap();
    let at = cms
        .windows(2)
        .position(|w| w == [0x17, 0x0D])
        .expect("UTCTime signingTime");
    cms[at + 3] = 0xC3;
    cms[at + 4] = 0xA9;
    let mut o = options(Purpose::AccountOpening);
    o.format = Some(jpki_verify::Format::Cms);
    let v = assertion::verify(&cms, &o, None, None, &RustCrypto);
    assert_eq!(v.code(), Some("JPKI_MALFORMED"));
}

/// H2 (partial, the rule): with signing-time validation, a signingTime outside the assertion's
/// own iat–exp window is not believed — the fixture whose signingTime precedes the certificate
/// is still refused, and the same file is valid at the verification time.
#[test]
fn signing_time_validation_cannot_be_used_to_time_travel() {
    let dir = root().join("tests/fixtures/assertions");
    let cms = std::fs::read(dir.join("cms-signing-time-before-cert.p7s")).unwrap();
    let mut o = options(Purpose::AccountOpening);
    o.format = Some(jpki_verify::Format::Cms);
    assert!(assertion::verify(&cms, &o, None, None, &RustCrypto).valid);
    o.cms_validity_at = assertion::ValidityAt::SigningTime;
    assert_eq!(
        assertion::verify(&cms, &o, None, None, &RustCrypto).code(),
        Some("JPKI_CERT_NOT_YET_VALID")
    );
}

/// L4: caller-supplied times with multibyte characters are an error, not a panic.
#[test]
fn rfc3339_with_multibyte_suffix_is_an_error() {
    assert!(jpki_verify::time::parse_rfc3339("2026-06-01T00:00:00ééé").is_err());
    assert!(jpki_verify::time::parse_rfc3339("2026-06-01T00:00:00+０９:00").is_err());
}

/// Card review: ENVELOPE (and any instruction outside the client's allowlist) and application
/// names that are not exactly the JPKI AID can no longer carry a command to the My Number.
#[test]
fn guard_refuses_envelope_and_loose_application_names() {
    use jpki_verify::card::{block_on, MyNumberGuard, Transport};

    struct Recorder(Vec<Vec<u8>>);
    impl Transport for Recorder {
        async fn transmit(&mut self, command: &[u8]) -> jpki_verify::Result<Vec<u8>> {
            self.0.push(command.to_vec());
            Ok(vec![0x90, 0x00])
        }
    }
    let select_jpki: &[u8] = &[
        0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01,
    ];
    let mut guard = MyNumberGuard::new(Recorder(Vec::new()));
    let mut send = |apdu: &[u8]| block_on(guard.transmit(apdu));
    assert!(send(select_jpki).is_ok());
    // ENVELOPE wrapping MANAGE CHANNEL / a text-input SELECT; TERMINATE CARD; GET CHALLENGE.
    for apdu in [
        &[0x00, 0xC2, 0x00, 0x00, 0x04, 0x00, 0x70, 0x00, 0x01][..],
        &[0x00, 0xC3, 0x00, 0x00, 0x04, 0x00, 0x70, 0x00, 0x01],
        &[0x00, 0xFE, 0x00, 0x00],
        &[0x00, 0x84, 0x00, 0x00, 0x08],
        &[0x00, 0x70, 0x00, 0x01],
    ] {
        assert_eq!(send(apdu).unwrap_err().code(), "JPKI_MYNUMBER_REFUSED", "{apdu:02X?}");
    }
    // The text-input AID with a trailing byte: treated as a My Number application.
    let mut long_name = vec![
        0x00, 0xA4, 0x04, 0x0C, 0x0B, 0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08, 0x00,
    ];
    assert!(send(&long_name).is_ok());
    assert_eq!(
        send(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01]).unwrap_err().code(),
        "JPKI_MYNUMBER_REFUSED"
    );
    assert_eq!(
        send(&[0x00, 0xB0, 0x81, 0x00, 0x11]).unwrap_err().code(),
        "JPKI_MYNUMBER_REFUSED"
    );
    long_name.clear();
    let sent = guard.inner().0.len();
    assert_eq!(sent, 2, "only the two SELECTs by name reached the card");
}
