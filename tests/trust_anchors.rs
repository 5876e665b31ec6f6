//! The compiled-in J-LIS anchors: the repository copies are byte-identical to the reviewed
//! copies in `../shared/vectors/jpki-ca/`, and their SHA-256 values are the pins listed in
//! `anchors/README.md` (cross-checked against J-LIS's published fingerprints, see there).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use jpki_verify::{AnchorSource, Environment, Kind, TrustAnchors};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn six_jlis_anchors_with_pins() {
    let set = TrustAnchors::jlis();
    let ids: Vec<_> = set
        .iter()
        .map(|a| (a.reference.id.as_str(), a.reference.purpose, a.reference.generation))
        .collect();
    assert_eq!(
        ids,
        [
            ("jpki-sign-ca-gen1-2015", Kind::Signature, Some(1)),
            ("jpki-sign-ca-gen2-2019", Kind::Signature, Some(2)),
            ("jpki-sign-ca-gen3-2023", Kind::Signature, Some(3)),
            ("jpki-auth-ca-gen1-2015", Kind::Authentication, Some(1)),
            ("jpki-auth-ca-gen2-2019", Kind::Authentication, Some(2)),
            ("jpki-auth-ca-gen3-2023", Kind::Authentication, Some(3)),
        ]
    );
    let readme = std::fs::read_to_string(repo().join("anchors/README.md")).unwrap();
    for a in set.iter() {
        assert_eq!(a.reference.source, AnchorSource::Jlis);
        assert_eq!(a.reference.environment, Environment::Production);
        // The README lists each pin in colon-separated upper-case form, as J-LIS prints them.
        let colon: Vec<String> = a
            .certificate
            .sha256_fingerprint
            .as_bytes()
            .chunks(2)
            .map(|c| String::from_utf8_lossy(c).to_uppercase())
            .collect();
        assert!(
            readme.contains(&colon.join(":")),
            "README lacks the pin of {}",
            a.reference.id
        );
    }
}

#[test]
fn repository_copies_match_shared_vectors() {
    let shared = repo().join("../shared/vectors/jpki-ca");
    // CI and every developer machine have ../shared beside the clone; without it this check
    // cannot run, which is a failure, not a skip.
    assert!(
        shared.is_dir(),
        "{} not present: the pins cannot be cross-checked",
        shared.display()
    );
    let mut compared = 0;
    for entry in std::fs::read_dir(repo().join("anchors/jlis")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        let ours = std::fs::read(&path).unwrap();
        let theirs = std::fs::read(shared.join(name)).unwrap();
        assert_eq!(ours, theirs, "{}", name.to_string_lossy());
        compared += 1;
    }
    assert_eq!(compared, 6);
}

#[test]
fn test_anchors_are_a_separate_explicit_set() {
    let jlis = TrustAnchors::jlis();
    assert!(jlis.iter().all(|a| a.reference.environment == Environment::Production));
    let test = TrustAnchors::test_pki();
    assert_eq!(test.len(), 2);
    assert!(test
        .iter()
        .all(|a| a.reference.source == AnchorSource::TestPki && a.reference.environment == Environment::Test));
    assert!(TrustAnchors::empty().is_empty());
}

#[test]
fn identify_selects_the_generation_by_key_identifier() {
    let set = TrustAnchors::test_pki();
    let taro =
        jpki_verify::parse_certificate(&std::fs::read(repo().join("tests/fixtures/testpki/taro-sign.der")).unwrap())
            .unwrap();
    assert_eq!(
        set.identify(&taro).map(|a| a.reference.id.as_str()),
        Some("test-sign-ca")
    );
    assert!(
        TrustAnchors::jlis().identify(&taro).is_none(),
        "a test certificate never names a J-LIS anchor"
    );
}

#[test]
fn caller_anchor_is_refused_unless_it_is_a_pinned_ca() {
    let mut set = TrustAnchors::empty();
    let taro = std::fs::read(repo().join("tests/fixtures/testpki/taro-sign.der")).unwrap();
    let pin = jpki_verify::parse_certificate(&taro).unwrap().sha256_fingerprint;
    assert_eq!(
        set.add_pinned("leaf", &taro, &pin).unwrap_err().code(),
        "JPKI_ANCHOR_INVALID"
    );
    let ca = std::fs::read(repo().join("tests/fixtures/testpki/sign-ca.der")).unwrap();
    let ca_pin = jpki_verify::parse_certificate(&ca).unwrap().sha256_fingerprint;
    assert_eq!(
        set.add_pinned("ca", &ca, &pin).unwrap_err().code(),
        "JPKI_ANCHOR_PIN_MISMATCH"
    );
    let added = set.add_pinned("my-test-ca", &ca, &ca_pin).unwrap();
    assert_eq!(
        (added.reference.purpose, added.reference.source),
        (Kind::Signature, AnchorSource::Caller)
    );
}
