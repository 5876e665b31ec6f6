//! CRLs: the committed test-PKI CRLs (current, stale, wrong key, other CA), variants built
//! with the test-PKI generator (duplicates, critical extensions, delta and indirect CRLs),
//! malformed input, the saved index, and **interoperability with OpenSSL**: `openssl ca
//! -revoke` / `-gencrl` run by this test on the test CA must give the same revoked set and
//! reasons as `openssl crl -text` shows.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use jpki_verify::revocation::crl::CrlIndex;
use jpki_verify::revocation::{Reason, RevocationPolicy, SourceKind};
use jpki_verify::{parse_certificate, Certificate, RustCrypto, TrustAnchors};
use jpki_verify_testpki::{
    crl, current_crl_spec, extension, large_crl, large_crl_serial, CertKind, CrlEntry, CrlSpec, DateTime,
    CE_CERTIFICATE_ISSUER, CE_DELTA_CRL_INDICATOR, CE_ISSUING_DISTRIBUTION_POINT, VALIDATION_TIME_UNIX,
};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/testpki").join(name)).unwrap()
}

fn cert(name: &str) -> Certificate {
    parse_certificate(&fixture(name)).unwrap()
}

fn build(der: &[u8]) -> jpki_verify::Result<CrlIndex> {
    CrlIndex::build(der, &TrustAnchors::test_pki(), &RustCrypto)
}

fn code(r: jpki_verify::Result<impl std::fmt::Debug>) -> &'static str {
    r.unwrap_err().code()
}

const NOW: i64 = VALIDATION_TIME_UNIX;

fn unix(t: DateTime) -> i64 {
    t.unix_seconds()
}

#[test]
fn current_signature_crl_answers_for_the_personas() {
    let index = build(&fixture("sign-ca.crl")).unwrap();
    assert_eq!(index.anchor_id(), "test-sign-ca");
    assert_eq!(index.issuer(), cert("taro-sign.der").issuer);
    assert_eq!(index.crl_number(), Some("42"));
    assert_eq!(index.len(), 9);
    assert_eq!(index.this_update(), unix(jpki_verify_testpki::CURRENT_THIS_UPDATE));
    assert_eq!(
        index.next_update(),
        Some(unix(jpki_verify_testpki::CURRENT_NEXT_UPDATE))
    );
    assert_eq!(index.crl_sha256_hex().len(), 64);
    let policy = RevocationPolicy::default();

    let moved = index.answer(&cert("moved-sign.der"), NOW, &policy).unwrap();
    assert_eq!(moved.status, jpki_verify::assertion::RevocationStatus::Revoked);
    assert_eq!(moved.reason, Some(Reason::AffiliationChanged));
    assert_eq!(moved.revoked_at, Some(unix(DateTime::new(2026, 5, 20, 1, 0, 0))));
    assert_eq!(moved.kind, SourceKind::Crl);
    assert_eq!(moved.source, "crl:test-sign-ca#42");
    assert_eq!(moved.produced_at, index.this_update());
    assert_eq!(moved.next_update, index.next_update());

    let lost = index.answer(&cert("lost-sign.der"), NOW, &policy).unwrap();
    assert_eq!(lost.reason, Some(Reason::KeyCompromise));
    for good in ["taro-sign.der", "hanako-sign.der", "expired-sign.der", "p256-sign.der"] {
        let a = index.answer(&cert(good), NOW, &policy).unwrap();
        assert_eq!(a.status, jpki_verify::assertion::RevocationStatus::Good, "{good}");
        assert_eq!((a.reason, a.revoked_at), (None, None));
    }

    // Synthetic serials: no reasonCode, every other reason, a sign octet, a 12-octet serial.
    let day = |d: u8, h: u8| unix(DateTime::new(2026, 5, d, h, 0, 0));
    assert_eq!(index.lookup(&[0x0F, 0xFF, 0x00, 0x01]), Some((None, day(1, 2))));
    assert_eq!(
        index.lookup(&[0x0F, 0xFF, 0x00, 0x02]).unwrap().0,
        Some(Reason::Superseded)
    );
    assert_eq!(
        index.lookup(&[0x0F, 0xFF, 0x00, 0x03]).unwrap().0,
        Some(Reason::CessationOfOperation)
    );
    assert_eq!(
        index.lookup(&[0x0F, 0xFF, 0x00, 0x04]).unwrap().0,
        Some(Reason::CertificateHold)
    );
    assert_eq!(
        index.lookup(&[0x0F, 0xFF, 0x00, 0x05]).unwrap().0,
        Some(Reason::PrivilegeWithdrawn)
    );
    assert_eq!(
        index.lookup(&[0x80, 0, 0, 1]),
        Some((Some(Reason::Unspecified), day(5, 6)))
    );
    assert_eq!(index.lookup(&[0, 0x80, 0, 0, 1]), index.lookup(&[0x80, 0, 0, 1]));
    let long = [0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67];
    assert_eq!(index.lookup(&long), Some((Some(Reason::CaCompromise), day(6, 7))));
    assert_eq!(index.lookup(&[0, 0, 0x0F, 0xFF, 0, 1]), Some((None, day(1, 2))));
    assert_eq!(index.lookup(&[0x0F, 0xFF, 0x00, 0x06]), None);
    assert_eq!(index.lookup(&long[1..]), None);
    assert!(index.memory_bytes() < 1024, "{}", index.memory_bytes());
}

#[test]
fn authentication_crl_is_for_the_authentication_ca_only() {
    let index = build(&fixture("auth-ca.crl")).unwrap();
    assert_eq!(index.anchor_id(), "test-auth-ca");
    let policy = RevocationPolicy::default();
    let lost = index.answer(&cert("lost-auth.der"), NOW, &policy).unwrap();
    assert_eq!(lost.reason, Some(Reason::KeyCompromise));
    let moved = index.answer(&cert("moved-auth.der"), NOW, &policy).unwrap();
    assert_eq!(moved.status, jpki_verify::assertion::RevocationStatus::Good);
    // The signature CA's certificate asked of the authentication CA's CRL, and vice versa.
    let e = index.answer(&cert("lost-sign.der"), NOW, &policy).unwrap_err();
    assert_eq!(e.code(), "JPKI_REVOCATION_SOURCE_INVALID", "{e}");
    let sign = build(&fixture("sign-ca.crl")).unwrap();
    assert_eq!(
        code(sign.answer(&cert("lost-auth.der"), NOW, &policy)),
        "JPKI_REVOCATION_SOURCE_INVALID"
    );
}

#[test]
fn freshness() {
    let policy = RevocationPolicy::default();
    let stale = build(&fixture("sign-ca-stale.crl")).unwrap();
    assert_eq!(stale.crl_number(), Some("12"));
    let e = stale.answer(&cert("taro-sign.der"), NOW, &policy).unwrap_err();
    assert_eq!(e.code(), "JPKI_REVOCATION_STALE");
    assert!(e.to_string().contains("nextUpdate"), "{e}");
    // Inside the stale CRL's own window it is fine.
    let inside = unix(jpki_verify_testpki::STALE_THIS_UPDATE) + 3600;
    assert!(stale.answer(&cert("taro-sign.der"), inside, &policy).is_ok());

    let current = build(&fixture("sign-ca.crl")).unwrap();
    let taro = cert("taro-sign.der");
    let next = current.next_update().unwrap();
    assert!(current.answer(&taro, next, &policy).is_ok());
    assert_eq!(code(current.answer(&taro, next + 1, &policy)), "JPKI_REVOCATION_STALE");
    // Older than the policy allows, although before nextUpdate.
    let mut strict = RevocationPolicy::default();
    strict.crl_max_age_seconds = 3600;
    let e = current.answer(&taro, NOW, &strict).unwrap_err();
    assert_eq!(e.code(), "JPKI_REVOCATION_STALE");
    assert!(e.to_string().contains("3600 s"), "{e}");
    // Before thisUpdate: small skew accepted, more refused.
    let this = current.this_update();
    assert!(current.answer(&taro, this - 300, &policy).is_ok());
    assert_eq!(
        code(current.answer(&taro, this - 301, &policy)),
        "JPKI_REVOCATION_STALE"
    );
}

#[test]
fn wrong_key_other_ca_and_production_anchors_are_refused() {
    let e = build(&fixture("sign-ca-wrongkey.crl")).unwrap_err();
    assert_eq!(e.code(), "JPKI_SIGNATURE_INVALID", "{e}");
    let e = CrlIndex::build(&fixture("sign-ca.crl"), &TrustAnchors::jlis(), &RustCrypto).unwrap_err();
    assert_eq!(e.code(), "JPKI_REVOCATION_SOURCE_INVALID", "{e}");
    // prepare names one check for the one matching anchor; a failed answer is a bad signature.
    let prepared = CrlIndex::prepare(&fixture("sign-ca.crl"), &TrustAnchors::test_pki()).unwrap();
    assert_eq!(prepared.checks().len(), 1);
    let e = prepared
        .finish(&[Err(jpki_verify::Error::SignatureInvalid { what: "CRL" })])
        .unwrap_err();
    assert_eq!(e.code(), "JPKI_SIGNATURE_INVALID");
    let prepared = CrlIndex::prepare(&fixture("sign-ca.crl"), &TrustAnchors::test_pki()).unwrap();
    assert_eq!(code(prepared.finish(&[])), "JPKI_SIGNATURE_INVALID");
}

fn variant(f: impl FnOnce(&mut CrlSpec)) -> Vec<u8> {
    let mut spec = current_crl_spec(CertKind::Sign);
    f(&mut spec);
    crl(&spec).unwrap()
}

#[test]
fn variants_built_by_the_generator() {
    let t = DateTime::new(2026, 5, 10, 0, 0, 0);
    // Duplicates are tolerated: one entry kept (the earliest revocation date).
    let der = variant(|s| {
        s.entries.push(CrlEntry::new(0x0FFF_0002, t, Some(1)));
        s.entries
            .push(CrlEntry::new(0x0FFF_0002, DateTime::new(2026, 4, 1, 0, 0, 0), Some(5)));
    });
    let index = build(&der).unwrap();
    assert_eq!(index.len(), 9);
    assert_eq!(
        index.lookup(&[0x0F, 0xFF, 0, 2]),
        Some((
            Some(Reason::CessationOfOperation),
            unix(DateTime::new(2026, 4, 1, 0, 0, 0))
        ))
    );
    // No entries at all, no AKI, no cRLNumber: still the test CA's (one anchor has the DN).
    let der = variant(|s| {
        s.entries.clear();
        s.authority_key_id = false;
        s.crl_number = None;
    });
    let index = build(&der).unwrap();
    assert!(index.is_empty());
    assert_eq!(index.crl_number(), None);
    let a = index
        .answer(&cert("moved-sign.der"), NOW, &RevocationPolicy::default())
        .unwrap();
    assert_eq!(a.source, "crl:test-sign-ca");
    // Unknown non-critical extensions are ignored; critical ones refused.
    let private = &[1, 3, 6, 1, 4, 1, 99_999, 1][..];
    let der = variant(|s| {
        s.extra_extensions
            .push(extension(private, false, &[0x05, 0x00]).unwrap());
        s.entries[0]
            .extra_extensions
            .push(extension(private, false, &[0x05, 0x00]).unwrap());
    });
    assert_eq!(build(&der).unwrap().len(), 9);
    let der = variant(|s| {
        s.extra_extensions
            .push(extension(private, true, &[0x05, 0x00]).unwrap())
    });
    let e = build(&der).unwrap_err();
    assert_eq!(e.code(), "JPKI_UNKNOWN_CRITICAL_EXTENSION");
    assert!(e.to_string().contains("1.3.6.1.4.1.99999.1"), "{e}");
    let der = variant(|s| {
        s.entries[3]
            .extra_extensions
            .push(extension(private, true, &[0x05, 0x00]).unwrap())
    });
    assert_eq!(code(build(&der)), "JPKI_UNKNOWN_CRITICAL_EXTENSION");
    // Delta and indirect CRLs, CA-only scope.
    let der = variant(|s| {
        s.extra_extensions
            .push(extension(CE_DELTA_CRL_INDICATOR, true, &[0x02, 0x01, 0x29]).unwrap())
    });
    let e = build(&der).unwrap_err();
    assert_eq!(e.code(), "JPKI_REVOCATION_SOURCE_INVALID");
    assert!(e.to_string().contains("delta"), "{e}");
    let idp = |field: u8| extension(CE_ISSUING_DISTRIBUTION_POINT, true, &[0x30, 0x03, field, 0x01, 0xFF]).unwrap();
    for (field, words) in [(0x84, "indirect"), (0x82, "CA certificates"), (0x85, "attribute")] {
        let e = build(&variant(|s| s.extra_extensions.push(idp(field)))).unwrap_err();
        assert_eq!(e.code(), "JPKI_REVOCATION_SOURCE_INVALID");
        assert!(e.to_string().contains(words), "{e}");
    }
    assert_eq!(
        build(&variant(|s| s.extra_extensions.push(idp(0x81)))).unwrap().len(),
        9
    );
    let der = variant(|s| {
        s.entries[0]
            .extra_extensions
            .push(extension(CE_CERTIFICATE_ISSUER, true, &[0x30, 0x00]).unwrap())
    });
    let e = build(&der).unwrap_err();
    assert!(e.to_string().contains("indirect"), "{e}");
    // removeFromCRL belongs to delta CRLs; value 7 is not a reason.
    let der = variant(|s| s.entries[0].reason = Some(8));
    assert_eq!(code(build(&der)), "JPKI_REVOCATION_SOURCE_INVALID");
    let der = variant(|s| s.entries[0].reason = Some(7));
    assert_eq!(code(build(&der)), "JPKI_MALFORMED");
}

#[test]
fn hundred_thousand_entries() {
    let der = large_crl(100_000).unwrap();
    let index = build(&der).unwrap();
    assert_eq!(index.len(), 100_002);
    assert!(index.memory_bytes() <= 16 * index.len(), "{}", index.memory_bytes());
    for i in [0u64, 1, 7, 8, 99_999] {
        let (reason, _) = index.lookup(&large_crl_serial(i).to_be_bytes()).unwrap();
        assert_eq!(reason.is_none(), i % 8 == 7, "{i}");
    }
    assert_eq!(index.lookup(&(large_crl_serial(5) + 1).to_be_bytes()), None);
    let a = index
        .answer(&cert("moved-sign.der"), NOW, &RevocationPolicy::default())
        .unwrap();
    assert_eq!(a.reason, Some(Reason::AffiliationChanged));
    let saved = index.to_bytes();
    // The same index, but marked as loaded from its saved form (its answers say `crl-index:`).
    assert_eq!(CrlIndex::from_bytes(&saved).unwrap().to_bytes(), saved);
}

#[test]
fn saved_index_round_trip_and_damage() {
    let index = build(&fixture("sign-ca.crl")).unwrap();
    let saved = index.to_bytes();
    assert_eq!(&saved[..8], b"JPKICRLX");
    let loaded = CrlIndex::from_bytes(&saved).unwrap();
    assert_eq!(loaded.to_bytes(), saved);
    assert_ne!(loaded, index, "a loaded index is marked as such");
    let policy = RevocationPolicy::default();
    for name in ["moved-sign.der", "lost-sign.der", "taro-sign.der"] {
        let mut from_saved = loaded.answer(&cert(name), NOW, &policy).unwrap();
        let verified = index.answer(&cert(name), NOW, &policy).unwrap();
        assert_eq!(from_saved.source, verified.source.replacen("crl:", "crl-index:", 1));
        from_saved.source = verified.source.clone();
        assert_eq!(from_saved, verified);
    }
    assert_eq!(loaded.crl_sha256_hex(), index.crl_sha256_hex());
    // Every single-byte corruption and every truncation is refused.
    for i in 0..saved.len() {
        let mut bad = saved.clone();
        bad[i] ^= 0x01;
        assert_eq!(
            code(CrlIndex::from_bytes(&bad)),
            "JPKI_REVOCATION_SOURCE_INVALID",
            "byte {i}"
        );
        assert_eq!(
            code(CrlIndex::from_bytes(&saved[..i])),
            "JPKI_REVOCATION_SOURCE_INVALID",
            "length {i}"
        );
    }
}

/// Re-encodes the outer SEQUENCE's length of `der` (a CertificateList) for `len`.
fn with_outer_length(der: &[u8], header: &[u8]) -> Vec<u8> {
    let old_header = 2 + usize::from(der[1] & 0x7F);
    let mut out = header.to_vec();
    out.extend_from_slice(&der[old_header..]);
    out
}

#[test]
fn malformed_crls_give_typed_errors_never_a_panic() {
    let anchors = TrustAnchors::test_pki();
    let good = fixture("sign-ca.crl");
    // Truncated at every byte.
    for n in 0..good.len() {
        let e = CrlIndex::prepare(&good[..n], &anchors).unwrap_err();
        assert_eq!(e.code(), "JPKI_MALFORMED", "truncated at {n}: {e}");
    }
    // Every byte flipped: an error or, where the flip is harmless to the structure, a check
    // that then fails; never a panic.
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0xFF;
        if let Ok(prepared) = CrlIndex::prepare(&bad, &anchors) {
            assert!(prepared
                .finish(&[Err(jpki_verify::Error::SignatureInvalid { what: "CRL" })])
                .is_err());
        }
    }
    // Trailing data, wrong outer tag, huge declared lengths.
    let mut trailing = good.clone();
    trailing.push(0);
    assert_eq!(code(CrlIndex::prepare(&trailing, &anchors)), "JPKI_MALFORMED");
    let mut set = good.clone();
    set[0] = 0x31;
    assert_eq!(code(CrlIndex::prepare(&set, &anchors)), "JPKI_MALFORMED");
    let huge = with_outer_length(&good, &[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xF0]);
    let e = CrlIndex::prepare(&huge, &anchors).unwrap_err();
    assert!(e.to_string().contains("truncated"), "{e}");
    // A revokedCertificates list that claims 4 GB inside a small CRL.
    let mut list = vec![0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF];
    list.extend_from_slice(&[0x30, 0x03, 0x02, 0x01, 0x01]);
    assert_eq!(code(CrlIndex::prepare(&list, &anchors)), "JPKI_MALFORMED");
    assert_eq!(code(CrlIndex::prepare(&[], &anchors)), "JPKI_MALFORMED");
    // A certificate is not a CRL.
    assert_eq!(
        code(CrlIndex::prepare(&fixture("taro-sign.der"), &anchors)),
        "JPKI_MALFORMED"
    );
}

// ------------------------------------------------------------------ OpenSSL interoperability

fn run(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `serial (upper-case hex) → reason name` from `openssl crl -text`.
fn openssl_revoked(text: &str) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if let Some(s) = line.strip_prefix("Serial Number: ") {
            current = Some(s.to_ascii_uppercase());
            out.insert(s.to_ascii_uppercase(), None);
        } else if line == "X509v3 CRL Reason Code:" {
            let reason = lines.next().unwrap().to_owned();
            out.insert(current.clone().unwrap(), Some(reason));
        }
    }
    out
}

/// OpenSSL's display name of a reason (`crypto/x509/v3_enum.c`).
fn openssl_reason_name(r: Reason) -> &'static str {
    match r {
        Reason::Unspecified => "Unspecified",
        Reason::KeyCompromise => "Key Compromise",
        Reason::CaCompromise => "CA Compromise",
        Reason::AffiliationChanged => "Affiliation Changed",
        Reason::Superseded => "Superseded",
        Reason::CessationOfOperation => "Cessation Of Operation",
        Reason::CertificateHold => "Certificate Hold",
        Reason::RemoveFromCrl => "Remove From CRL",
        Reason::PrivilegeWithdrawn => "Privilege Withdrawn",
        Reason::AaCompromise => "AA Compromise",
        _ => "?",
    }
}

#[test]
fn openssl_ca_gencrl_gives_the_same_revoked_set() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("crl-openssl-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fixtures = repo().join("tests/fixtures/testpki");
    let f = |n: &str| fixtures.join(n).to_string_lossy().into_owned();
    run(
        &dir,
        &["x509", "-inform", "DER", "-in", &f("sign-ca.der"), "-out", "ca.pem"],
    );
    run(
        &dir,
        &["pkey", "-inform", "DER", "-in", &f("sign-ca.key.der"), "-out", "ca.key"],
    );
    let cnf = std::fs::read_to_string(repo().join("tests/revocation_crl/openssl-ca.cnf")).unwrap();
    std::fs::write(dir.join("ca.cnf"), cnf.replace("DIR", &dir.to_string_lossy())).unwrap();
    std::fs::write(dir.join("index.txt"), "").unwrap();
    std::fs::write(dir.join("crlnumber"), "1000\n").unwrap();

    let revocations: &[(&str, &[&str])] = &[
        ("moved-sign", &["-crl_reason", "affiliationChanged"]),
        ("lost-sign", &["-crl_reason", "keyCompromise"]),
        ("hanako-sign", &["-crl_reason", "superseded"]),
        ("fumi-sign", &["-crl_reason", "cessationOfOperation"]),
        ("kaoru-sign", &["-crl_hold", "holdInstructionReject"]),
        ("ichiro-sign", &["-crl_reason", "unspecified"]),
        ("rei-sign", &["-crl_CA_compromise", "20260501000000Z"]),
        ("expired-sign", &["-crl_compromise", "20260401000000Z"]),
        ("wrongku-sign", &[]),
    ];
    for (stem, how) in revocations {
        let pem = format!("{stem}.pem");
        run(
            &dir,
            &[
                "x509",
                "-inform",
                "DER",
                "-in",
                &f(&format!("{stem}.der")),
                "-out",
                &pem,
            ],
        );
        let mut args = vec!["ca", "-config", "ca.cnf", "-revoke", &pem];
        args.extend_from_slice(how);
        run(&dir, &args);
    }
    run(&dir, &["ca", "-config", "ca.cnf", "-gencrl", "-out", "crl.pem"]);
    run(&dir, &["crl", "-in", "crl.pem", "-outform", "DER", "-out", "crl.der"]);
    let text = run(&dir, &["crl", "-in", "crl.pem", "-noout", "-text"]);
    let theirs = openssl_revoked(&text);
    assert_eq!(theirs.len(), revocations.len(), "{text}");

    let der = std::fs::read(dir.join("crl.der")).unwrap();
    let index = build(&der).unwrap();
    assert_eq!(index.anchor_id(), "test-sign-ca");
    assert_eq!(index.crl_number(), Some("4096"), "crlnumber file 1000 is hex");
    assert_eq!(index.len(), theirs.len());
    for (serial, reason) in &theirs {
        let bytes: Vec<u8> = (0..serial.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&serial[i..i + 2], 16).unwrap())
            .collect();
        let (ours, _) = index.lookup(&bytes).unwrap_or_else(|| panic!("{serial} missing"));
        assert_eq!(ours.map(openssl_reason_name), reason.as_deref(), "{serial}");
    }
    // And through the certificates, at a time inside this CRL's window.
    let at = index.this_update() + 60;
    let policy = RevocationPolicy::default();
    let moved = index.answer(&cert("moved-sign.der"), at, &policy).unwrap();
    assert_eq!(moved.reason, Some(Reason::AffiliationChanged));
    assert_eq!(moved.source, "crl:test-sign-ca#4096");
    let taro = index.answer(&cert("taro-sign.der"), at, &policy).unwrap();
    assert_eq!(taro.status, jpki_verify::assertion::RevocationStatus::Good);
    // Our committed CRLs verify with OpenSSL too (the other direction).
    for name in ["sign-ca.crl", "sign-ca-stale.crl"] {
        let out = Command::new("openssl")
            .args(["crl", "-inform", "DER", "-in", &f(name), "-CAfile", "ca.pem", "-noout"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&out.stderr).contains("verify OK"), "{name}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Review-security §D / issue 14: a CRL's cost grows linearly with its entries — a million
/// entries, parsed, verified and indexed, costs about ten times a hundred thousand (by ratio;
/// the signature check is the same for both and only flattens the ratio).
#[test]
fn a_million_entries_cost_about_ten_times_a_hundred_thousand() {
    let small = large_crl(100_000).unwrap();
    let big = large_crl(1_000_000).unwrap();
    let time = |der: &[u8], reps: u32| {
        let start = std::time::Instant::now();
        for _ in 0..reps {
            build(der).unwrap();
        }
        start.elapsed().as_secs_f64() / f64::from(reps)
    };
    let _warm = time(&small, 1);
    let ratio = time(&big, 2) / time(&small, 4);
    println!("1,000,000 vs 100,000 CRL entries: {ratio:.1}x");
    assert!(ratio < 20.0, "{ratio}");
    assert_eq!(build(&big).unwrap().len(), 1_000_002);
}
