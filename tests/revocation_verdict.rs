//! The verdict's revocation slot, filled from CRL indexes and platform-operator answers: good,
//! revoked (reason + bilingual advice, always an error), stale or foreign sources (unchecked,
//! with the reason in `warnings`), and the policy switch for unchecked revocation.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use jpki_verify::assertion::{self, Purpose, RevocationStatus, Severity, Trust, Verdict, VerifyOptions};
use jpki_verify::revocation::crl::CrlIndex;
use jpki_verify::revocation::{AnswerAbout, Reason, RevocationAnswer, RevocationSources};
use jpki_verify::trust::TrustAnchors;
use jpki_verify::RustCrypto;

const AUDIENCE: &str = "https://bank.example.jp";
const NONCE: &str = "cmV2b2NhdGlvbi12ZXJkaWN0LXRlc3Qtbm9uY2UtMDAwMDAw";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/testpki")
            .join(name),
    )
    .unwrap()
}

fn b64(bytes: &[u8]) -> String {
    jpki_verify::encoding::encode_base64(bytes, false)
}

/// A JWS made like the card makes it, by `stem` (`taro-sign`, `moved-sign`, …) at `iat`.
fn jws(stem: &str, purpose: &str, iat: i64) -> String {
    let header = format!(
        r#"{{"alg":"RS256","typ":"jpki-assertion+jwt","x5c":["{}"]}}"#,
        b64(&fixture(&format!("{stem}.der")))
    );
    let claims = format!(
        r#"{{"aud":"{AUDIENCE}","nonce":"{NONCE}","iat":{iat},"exp":{},"purpose":"{purpose}"}}"#,
        iat + 300
    );
    jpki_verify_testpki::sign_jws(&header, &claims, &fixture(&format!("{stem}.key.der"))).unwrap()
}

fn crl() -> CrlIndex {
    CrlIndex::build(&fixture("sign-ca.crl"), &TrustAnchors::test_pki(), &RustCrypto).unwrap()
}

fn options(purpose: Purpose, time: i64) -> VerifyOptions {
    let mut o = VerifyOptions::new(AUDIENCE, NONCE, purpose, time);
    o.trust = Trust::Test;
    o
}

fn verify(stem: &str, purpose: Purpose, time: i64, sources: &RevocationSources<'_>) -> Verdict {
    let p = purpose.as_str();
    assertion::verify_with(
        jws(stem, p, time).as_bytes(),
        &options(purpose, time),
        None,
        None,
        sources,
        &RustCrypto,
    )
}

fn codes(v: &[jpki_verify::ErrorReport]) -> Vec<&str> {
    v.iter().map(|e| e.code).collect()
}

#[test]
fn crl_good_and_revoked_with_reason_and_advice() {
    let index = crl();
    let t = index.this_update() + 3600;
    let refs = [&index];
    let sources = RevocationSources::crls(&refs);

    let good = verify("taro-sign", Purpose::AccountOpening, t, &sources);
    assert!(good.valid, "{:?}", good.errors);
    assert_eq!(good.revocation.status, RevocationStatus::Good);
    assert!(
        good.revocation.source.as_deref().unwrap().starts_with("crl:"),
        "{:?}",
        good.revocation
    );
    assert!(good.warnings.is_empty(), "{:?}", good.warnings);

    let moved = verify("moved-sign", Purpose::AccountOpening, t, &sources);
    assert!(!moved.valid);
    assert_eq!(codes(&moved.errors), ["JPKI_REVOKED"]);
    assert_eq!(moved.revocation.status, RevocationStatus::Revoked);
    assert_eq!(moved.revocation.reason.as_deref(), Some("affiliationChanged"));
    let advice = moved.revocation.advice.as_ref().unwrap();
    assert!(
        advice.ja.contains("市区町村") && advice.en.contains("renew"),
        "{advice:?}"
    );
    assert!(moved.identity.is_none(), "no identity on an invalid verdict");

    let lost = verify("lost-sign", Purpose::AccountOpening, t, &sources);
    assert_eq!(codes(&lost.errors), ["JPKI_REVOKED"]);
    assert_eq!(lost.revocation.reason.as_deref(), Some("keyCompromise"));

    // Revoked is an error whatever the unchecked-revocation policy says.
    let mut o = options(Purpose::AccountOpening, t);
    o.revocation_unchecked = Some(Severity::Warning);
    let v = assertion::verify_with(
        jws("moved-sign", "account-opening", t).as_bytes(),
        &o,
        None,
        None,
        &sources,
        &RustCrypto,
    );
    assert_eq!(codes(&v.errors), ["JPKI_REVOKED"]);
}

#[test]
fn stale_or_foreign_sources_leave_revocation_unchecked() {
    let index = crl();
    let refs = [&index];
    let sources = RevocationSources::crls(&refs);
    // Past nextUpdate (and past the 48 h policy): unchecked, an error for account opening.
    let late = index.this_update() + 49 * 3600;
    let v = verify("taro-sign", Purpose::AccountOpening, late, &sources);
    assert_eq!(codes(&v.errors), ["JPKI_REVOCATION_UNCHECKED"]);
    assert_eq!(v.revocation.status, RevocationStatus::Unchecked);
    assert_eq!(codes(&v.warnings), ["JPKI_REVOCATION_STALE"]);

    // A login (authentication certificate) with only the signature CA's CRL: no CRL covers it;
    // unchecked is a warning for login by default.
    let t = index.this_update() + 3600;
    let v = verify("taro-auth", Purpose::Login, t, &sources);
    assert!(v.valid, "{:?}", v.errors);
    assert_eq!(v.revocation.status, RevocationStatus::Unchecked);
    assert_eq!(
        codes(&v.warnings),
        ["JPKI_REVOCATION_SOURCE_INVALID", "JPKI_REVOCATION_UNCHECKED"]
    );

    // Without any source: exactly the previous behaviour.
    let v = verify("taro-sign", Purpose::AccountOpening, t, &RevocationSources::none());
    assert_eq!(codes(&v.errors), ["JPKI_REVOCATION_UNCHECKED"]);
    assert!(v.warnings.is_empty());
}

/// taro's signature certificate, as an operator's answer names it.
fn taro() -> AnswerAbout {
    AnswerAbout::CertificateSha256(
        jpki_verify::parse_certificate(&fixture("taro-sign.der"))
            .unwrap()
            .sha256_fingerprint,
    )
}

trait AboutTaro {
    fn external_about_taro(status: RevocationStatus, reason: Option<Reason>, source: &str, at: i64) -> Self;
}

impl AboutTaro for RevocationAnswer {
    fn external_about_taro(status: RevocationStatus, reason: Option<Reason>, source: &str, at: i64) -> Self {
        RevocationAnswer::external(status, reason, source, at, taro())
    }
}

#[test]
fn platform_operator_answers() {
    let t = 1_780_000_000;
    let fresh = RevocationAnswer::external_about_taro(RevocationStatus::Good, None, "example-pf", t - 60);
    let sources = RevocationSources::none().with_external(&fresh);
    let v = verify("taro-sign", Purpose::AccountOpening, t, &sources);
    assert!(v.valid, "{:?}", v.errors);
    assert_eq!(v.revocation.status, RevocationStatus::Good);
    assert_eq!(v.revocation.source.as_deref(), Some("operator:example-pf"));

    let revoked = RevocationAnswer::external_about_taro(
        RevocationStatus::Revoked,
        Some(Reason::AffiliationChanged),
        "example-pf",
        t - 60,
    );
    let v = verify(
        "taro-sign",
        Purpose::AccountOpening,
        t,
        &RevocationSources::none().with_external(&revoked),
    );
    assert_eq!(codes(&v.errors), ["JPKI_REVOKED"]);
    assert_eq!(v.revocation.reason.as_deref(), Some("affiliationChanged"));

    // Older than 15 minutes: not an answer.
    let old = RevocationAnswer::external_about_taro(RevocationStatus::Good, None, "example-pf", t - 16 * 60);
    let v = verify(
        "taro-sign",
        Purpose::AccountOpening,
        t,
        &RevocationSources::none().with_external(&old),
    );
    assert_eq!(codes(&v.errors), ["JPKI_REVOCATION_UNCHECKED"]);
    assert_eq!(codes(&v.warnings), ["JPKI_REVOCATION_STALE"]);

    // A revoked answer from any fresh source wins over a good one from another.
    let index = crl();
    let refs = [&index];
    let t2 = index.this_update() + 3600;
    let revoked =
        RevocationAnswer::external_about_taro(RevocationStatus::Revoked, Some(Reason::KeyCompromise), "example-pf", t2);
    let v = verify(
        "taro-sign",
        Purpose::AccountOpening,
        t2,
        &RevocationSources::crls(&refs).with_external(&revoked),
    );
    assert_eq!(codes(&v.errors), ["JPKI_REVOKED"]);
    assert_eq!(v.revocation.reason.as_deref(), Some("keyCompromise"));

    // review-security M2: an answer about another certificate is no answer about this one,
    // by fingerprint or by issuer and serial; the same answer about taro by issuer and serial is.
    let hanako = jpki_verify::parse_certificate(&fixture("hanako-sign.der")).unwrap();
    let taro_cert = jpki_verify::parse_certificate(&fixture("taro-sign.der")).unwrap();
    for about in [
        AnswerAbout::CertificateSha256(hanako.sha256_fingerprint.clone()),
        AnswerAbout::from_fields(None, Some(&hanako.issuer), Some(&hanako.serial_number)).unwrap(),
    ] {
        let mixed_up = RevocationAnswer::external(RevocationStatus::Good, None, "example-pf", t - 60, about);
        let v = verify(
            "taro-sign",
            Purpose::AccountOpening,
            t,
            &RevocationSources::none().with_external(&mixed_up),
        );
        assert_eq!(codes(&v.errors), ["JPKI_REVOCATION_UNCHECKED"]);
        assert_eq!(codes(&v.warnings), ["JPKI_REVOCATION_SOURCE_INVALID"]);
        assert_eq!(v.revocation.status, RevocationStatus::Unchecked);
    }
    let by_serial = AnswerAbout::from_fields(
        None,
        Some(&taro_cert.issuer),
        Some(&format!("00{}", taro_cert.serial_number.to_lowercase())),
    )
    .unwrap();
    let right = RevocationAnswer::external(RevocationStatus::Good, None, "example-pf", t - 60, by_serial);
    let v = verify(
        "taro-sign",
        Purpose::AccountOpening,
        t,
        &RevocationSources::none().with_external(&right),
    );
    assert!(v.valid, "{:?}", v.errors);
    // An answer that names no certificate cannot be made from JSON.
    assert_eq!(
        AnswerAbout::from_fields(None, Some("CN=x"), None).unwrap_err().code(),
        "JPKI_INVALID_OPTIONS"
    );
}
