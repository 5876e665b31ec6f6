//! The findings of the outside security review of main at 181b02f
//! (`../shared/docs/review-security.md`), each as the attack that is now refused, beside a
//! control that the same input without the attack is accepted (so no test passes vacuously).
//! The finding's id (M1, L2, D1 …) names each test; docs/security.md lists them all.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::path::PathBuf;
use std::time::Instant;

use jpki_verify::assertion::{self, Purpose, Severity, Trust};
use jpki_verify::revocation::crl::CrlIndex;
use jpki_verify::revocation::{RevocationPolicy, RevocationSources, RevocationStatus};
use jpki_verify::{parse_certificate, RustCrypto, TrustAnchors, Verdict, VerifyOptions};
use jpki_verify_testpki::{
    basic_constraints_ca_extension, crl, current_crl_spec, extension, persona_variant, CertKind,
    CE_ISSUING_DISTRIBUTION_POINT, VALIDATION_TIME_UNIX as T,
};

mod common;
use common::bytes::base64_standard;

const AUD: &str = "https://bank.example.jp";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures/testpki").join(name)).unwrap()
}

fn options(purpose: Purpose) -> VerifyOptions {
    let mut o = VerifyOptions::new(AUD, &jpki_verify_testpki::assertion_nonce(), purpose, T);
    o.trust = Trust::Test;
    o.revocation_unchecked = Some(Severity::Warning);
    o
}

/// A JWS assertion for `purpose` signed by `key` (a persona's committed key), carrying `leaf`.
fn jws(leaf: &[u8], key: &str, purpose: &str) -> String {
    let header = format!(
        r#"{{"alg":"RS256","typ":"jpki-assertion+jwt","x5c":["{}"]}}"#,
        base64_standard(leaf)
    );
    let nonce = jpki_verify_testpki::assertion_nonce();
    let claims = format!(
        r#"{{"aud":"{AUD}","nonce":"{nonce}","iat":{},"exp":{},"purpose":"{purpose}"}}"#,
        T - 10,
        T + 200
    );
    jpki_verify_testpki::sign_jws(&header, &claims, &fixture(key)).unwrap()
}

fn verify_sign(leaf: &[u8]) -> Verdict {
    let input = jws(leaf, "taro-sign.key.der", "account-opening");
    assertion::verify(
        input.as_bytes(),
        &options(Purpose::AccountOpening),
        None,
        None,
        &RustCrypto,
    )
}

fn verify_sign_with_crls(leaf: &[u8], crls: &[&CrlIndex]) -> Verdict {
    let input = jws(leaf, "taro-sign.key.der", "account-opening");
    let sources = RevocationSources::crls(crls);
    assertion::verify_with(
        input.as_bytes(),
        &options(Purpose::AccountOpening),
        None,
        None,
        &sources,
        &RustCrypto,
    )
}

/// taro's signature certificate, issued again with `edit` applied to its extensions.
fn taro_sign_with(edit: impl FnOnce(&mut Vec<Vec<u8>>)) -> Vec<u8> {
    persona_variant("taro", CertKind::Sign, edit).unwrap()
}

const PRIVATE_OID: &[u64] = &[1, 3, 6, 1, 4, 1, 99_999, 7];

/// DER of `[0] DistributionPointName { fullName [0] { uniformResourceIdentifier [6] uri } }`
/// (the field as both cRLDistributionPoints and issuingDistributionPoint carry it).
fn distribution_point_field(uri: &str) -> Vec<u8> {
    let mut name = vec![0x86, u8::try_from(uri.len()).unwrap()];
    name.extend_from_slice(uri.as_bytes());
    let mut full = vec![0xA0, u8::try_from(name.len()).unwrap()];
    full.extend_from_slice(&name);
    let mut field = vec![0xA0, u8::try_from(full.len()).unwrap()];
    field.extend_from_slice(&full);
    field
}

fn sequence(content: &[u8]) -> Vec<u8> {
    let mut out = vec![0x30, u8::try_from(content.len()).unwrap()];
    out.extend_from_slice(content);
    out
}

/// cRLDistributionPoints naming `uri` (one DistributionPoint).
fn crl_distribution_points(uri: &str) -> Vec<u8> {
    let value = sequence(&sequence(&distribution_point_field(uri)));
    extension(&[2, 5, 29, 31], false, &value).unwrap()
}

/// The signature CA's current CRL as one partition: its issuingDistributionPoint names `uri`.
fn partitioned_crl(uri: &str) -> CrlIndex {
    let mut spec = current_crl_spec(CertKind::Sign);
    let idp = sequence(&distribution_point_field(uri));
    spec.extra_extensions
        .push(extension(CE_ISSUING_DISTRIBUTION_POINT, true, &idp).unwrap());
    CrlIndex::build(&crl(&spec).unwrap(), &TrustAnchors::test_pki(), &RustCrypto).unwrap()
}

#[test]
fn control_taro_reissued_without_changes_is_valid() {
    let v = verify_sign(&taro_sign_with(|_| {}));
    assert!(v.valid, "{:?}", v.errors);
}

/// M1: a partitioned CRL answers only for the certificates whose cRLDistributionPoints name
/// its issuingDistributionPoint; it is no "good" for a certificate of another partition or
/// one that names none.
#[test]
fn m1_partitioned_crl_does_not_answer_outside_its_scope() {
    let p1 = "http://crl.example.jp/partition-1.crl";
    let index = partitioned_crl(p1);
    let policy = RevocationPolicy::default();
    let in_scope = parse_certificate(&taro_sign_with(|e| e.push(crl_distribution_points(p1)))).unwrap();
    let other = parse_certificate(&taro_sign_with(|e| {
        e.push(crl_distribution_points("http://crl.example.jp/partition-2.crl"))
    }))
    .unwrap();
    let none = parse_certificate(&fixture("taro-sign.der")).unwrap();
    assert_eq!(
        index.answer(&in_scope, T, &policy).unwrap().status,
        RevocationStatus::Good
    );
    for cert in [&other, &none] {
        let e = index.answer(cert, T, &policy).unwrap_err();
        assert_eq!(e.code(), "JPKI_REVOCATION_SOURCE_INVALID");
        assert!(e.to_string().contains("partition"), "{e}");
    }
    // Through a whole verification: out of scope is "unchecked", not "good".
    let v = verify_sign_with_crls(
        &taro_sign_with(|e| e.push(crl_distribution_points("http://x.example/2"))),
        &[&index],
    );
    assert_eq!(v.revocation.status, RevocationStatus::Unchecked, "{v:?}");
    let v = verify_sign_with_crls(&taro_sign_with(|e| e.push(crl_distribution_points(p1))), &[&index]);
    assert_eq!(v.revocation.status, RevocationStatus::Good, "{:?}", v.warnings);
    // The scope survives a saved index, and an index saved before scopes were recorded is
    // refused rather than trusted as complete.
    let saved = index.to_bytes();
    let loaded = CrlIndex::from_bytes(&saved).unwrap();
    assert!(loaded.answer(&none, T, &policy).is_err());
    assert!(loaded.answer(&in_scope, T, &policy).is_ok());
    let mut v1 = saved[..saved.len() - 32].to_vec();
    v1[8..10].copy_from_slice(&1u16.to_le_bytes());
    let digest = <sha2::Sha256 as sha2::Digest>::digest(&v1);
    v1.extend_from_slice(&digest);
    let e = CrlIndex::from_bytes(&v1).unwrap_err();
    assert!(e.to_string().contains("import the CRL again"), "{e}");
}

/// L1: a CRL index answers only for a leaf whose path was validated to the anchor the CRL was
/// verified under.
#[test]
fn l1_crl_answers_only_under_its_own_anchor() {
    let index = CrlIndex::build(&fixture("sign-ca.crl"), &TrustAnchors::test_pki(), &RustCrypto).unwrap();
    let taro = parse_certificate(&fixture("taro-sign.der")).unwrap();
    let policy = RevocationPolicy::default();
    let mine = CrlIndex::answers_for(&[&index], &taro, Some(index.anchor_id()), T, &policy);
    assert!(mine[0].is_ok(), "{mine:?}");
    let other = CrlIndex::answers_for(&[&index], &taro, Some("jpki-sign-ca-gen2-2014"), T, &policy);
    assert_eq!(other.len(), 1);
    let e = other[0].as_ref().unwrap_err();
    assert!(e.to_string().contains("under the anchor jpki-sign-ca-gen2-2014"), "{e}");
}

/// L2: extendedKeyUsage, when present, must allow the purpose.
#[test]
fn l2_extended_key_usage_is_enforced_when_present() {
    let eku = |oids: &[&[u8]]| {
        let mut content = Vec::new();
        for oid in oids {
            content.push(0x06);
            content.push(u8::try_from(oid.len()).unwrap());
            content.extend_from_slice(oid);
        }
        extension(&[2, 5, 29, 37], false, &sequence(&content)).unwrap()
    };
    const OCSP_SIGNING: &[u8] = &[0x2B, 6, 1, 5, 5, 7, 3, 9];
    const EMAIL_PROTECTION: &[u8] = &[0x2B, 6, 1, 5, 5, 7, 3, 4];
    const ANY_EKU: &[u8] = &[0x55, 0x1D, 0x25, 0x00];
    let v = verify_sign(&taro_sign_with(|e| e.push(eku(&[OCSP_SIGNING]))));
    assert_eq!(v.code(), Some("JPKI_KEY_USAGE"), "{:?}", v.errors);
    for ok in [&[EMAIL_PROTECTION][..], &[OCSP_SIGNING, ANY_EKU][..]] {
        let v = verify_sign(&taro_sign_with(|e| e.push(eku(ok))));
        assert!(v.valid, "{:?}", v.errors);
    }
}

/// Test honesty 3: a leaf with an unknown critical extension, and a CA certificate as leaf.
#[test]
fn unknown_critical_extension_and_ca_as_leaf_are_refused() {
    let v = verify_sign(&taro_sign_with(|e| {
        e.push(extension(PRIVATE_OID, true, &[0x05, 0x00]).unwrap())
    }));
    assert_eq!(v.code(), Some("JPKI_UNKNOWN_CRITICAL_EXTENSION"), "{:?}", v.errors);
    let v = verify_sign(&taro_sign_with(|e| {
        e.push(extension(PRIVATE_OID, false, &[0x05, 0x00]).unwrap())
    }));
    assert!(v.valid, "a non-critical unknown extension is ignored: {:?}", v.errors);
    let v = verify_sign(&taro_sign_with(|e| e.push(basic_constraints_ca_extension().unwrap())));
    assert_eq!(v.code(), Some("JPKI_WRONG_CERTIFICATE_KIND"), "{:?}", v.errors);
}

/// `n` distinct non-critical private extensions.
fn private_extensions(n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| extension(&[1, 3, 6, 1, 4, 1, 99_999, 100, i as u64], false, &[0x05, 0x00]).unwrap())
        .collect()
}

/// D1: at most 32 extensions, and at most 32 certificatePolicies or extKeyUsage entries —
/// at the boundary accepted, one past refused; and a certificate of thousands of extensions
/// costs no more than linear time (by ratio, not absolute time).
#[test]
fn d1_extension_and_oid_list_budgets() {
    let with_extensions = |total: usize| {
        taro_sign_with(|e| {
            let existing = e.len();
            e.extend(private_extensions(total - existing));
        })
    };
    assert!(parse_certificate(&with_extensions(32)).is_ok());
    let e = parse_certificate(&with_extensions(33)).unwrap_err();
    assert!(e.to_string().contains("more than 32 extensions"), "{e}");
    let policies = |n: usize| {
        taro_sign_with(|e| {
            // Replace certificatePolicies (the second extension) with one of n entries, the
            // test policy last so the certificate stays valid.
            let mut content = Vec::new();
            for i in 0..n - 1 {
                let info = sequence(&[&[0x06, 0x09, 0x2B, 6, 1, 4, 1, 0x86, 0x8D, 0x1F, i as u8][..]].concat());
                content.extend_from_slice(&info);
            }
            let test_policy = jpki_verify::cert::POLICY_SIGN_TEST;
            let oid = oid_der(test_policy);
            content.extend_from_slice(&sequence(&oid));
            e[1] = extension(&[2, 5, 29, 32], false, &long_sequence(&content)).unwrap();
        })
    };
    assert!(verify_sign(&policies(32)).valid);
    let e = parse_certificate(&policies(33)).unwrap_err();
    assert!(
        e.to_string().contains("more than 32 policy or extKeyUsage entries"),
        "{e}"
    );

    // Linear: 4,000 extensions cost no more than ~10x of 400 (the cap stops the scan early;
    // without it the duplicate check made this quadratic, ~100x).
    let big = with_extensions_raw(4_000);
    let small = with_extensions_raw(400);
    let time = |der: &[u8]| {
        let start = Instant::now();
        for _ in 0..20 {
            let _ = parse_certificate(der);
        }
        start.elapsed().as_secs_f64()
    };
    let (t_small, t_big) = (time(&small), time(&big));
    let ratio = t_big / t_small;
    println!("4,000 vs 400 extensions: {ratio:.1}x");
    assert!(ratio < 30.0, "{ratio}");
}

/// taro's certificate with `n` extensions spliced in unsigned (the budget refuses it before any
/// signature matters; signing 4,000 extensions would only slow the test).
fn with_extensions_raw(n: usize) -> Vec<u8> {
    taro_sign_with(|e| e.extend(private_extensions(n)))
}

fn long_sequence(content: &[u8]) -> Vec<u8> {
    let mut out = vec![0x30];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend_from_slice(&[0x81, len as u8]);
    } else {
        out.extend_from_slice(&[0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}

fn oid_der(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
    let mut body = vec![u8::try_from(arcs[0] * 40 + arcs[1]).unwrap()];
    for &arc in &arcs[2..] {
        let mut bytes = vec![(arc & 0x7F) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            bytes.push(0x80 | (rest & 0x7F) as u8);
            rest >>= 7;
        }
        bytes.reverse();
        body.extend_from_slice(&bytes);
    }
    let mut out = vec![0x06, u8::try_from(body.len()).unwrap()];
    out.extend_from_slice(&body);
    out
}

/// L3: freshness windows are bounded — at the boundary accepted, one second past refused.
#[test]
fn l3_revocation_policy_windows_are_bounded() {
    let mut o = options(Purpose::AccountOpening);
    o.revocation_policy.crl_max_age_seconds = 7 * 86_400;
    o.revocation_policy.ocsp_max_age_seconds = 86_400;
    o.revocation_policy.external_max_age_seconds = 86_400;
    assert!(o.validate().is_ok());
    let leaf = fixture("taro-sign.der");
    let input = jws(&leaf, "taro-sign.key.der", "account-opening");
    for field in 0..3 {
        let mut past = o.clone();
        match field {
            0 => past.revocation_policy.crl_max_age_seconds += 1,
            1 => past.revocation_policy.ocsp_max_age_seconds += 1,
            _ => past.revocation_policy.external_max_age_seconds += 1,
        }
        assert_eq!(past.validate().unwrap_err().code(), "JPKI_INVALID_OPTIONS");
        let v = assertion::verify(input.as_bytes(), &past, None, None, &RustCrypto);
        assert_eq!(v.code(), Some("JPKI_INVALID_OPTIONS"), "{field}");
    }
}

/// L11: an index loaded from its saved form (whose CRL signature this process did not check)
/// answers as `crl-index:`, never as a verified `crl:`.
#[test]
fn l11_saved_indexes_are_marked_in_their_answers() {
    let built = CrlIndex::build(&fixture("sign-ca.crl"), &TrustAnchors::test_pki(), &RustCrypto).unwrap();
    let loaded = CrlIndex::from_bytes(&built.to_bytes()).unwrap();
    let taro = parse_certificate(&fixture("taro-sign.der")).unwrap();
    let policy = RevocationPolicy::default();
    assert!(built.answer(&taro, T, &policy).unwrap().source.starts_with("crl:"));
    assert!(loaded
        .answer(&taro, T, &policy)
        .unwrap()
        .source
        .starts_with("crl-index:"));
}

mod properties {
    //! Property tests (review-security M8) on the public API: base64url round trips and
    //! canonical form; a CRL of any serials, built, saved and loaded, answers for each.
    use super::*;
    use jpki_verify::encoding::{decode_base64url_nopad, encode_base64};
    use jpki_verify_testpki::{CrlEntry, DateTime};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn base64url_round_trips(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let text = encode_base64(&bytes, true);
            prop_assert!(!text.contains('=') && !text.contains('+') && !text.contains('/'));
            prop_assert_eq!(decode_base64url_nopad(text.as_bytes(), 0).unwrap(), bytes);
        }

        #[test]
        fn base64url_decodes_only_its_canonical_form(text in "[A-Za-z0-9_=+/-]{0,12}") {
            if let Ok(bytes) = decode_base64url_nopad(text.as_bytes(), 0) {
                prop_assert_eq!(encode_base64(&bytes, true), text);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn crl_index_round_trip(
            short in prop::collection::btree_set(1u64..u64::MAX, 0..40),
            long in prop::collection::btree_set(prop::collection::vec(1u8..=255, 9..20), 0..5),
            reasons in prop::collection::vec(prop::option::of(prop::sample::select(vec![0u8, 1, 3, 4, 5, 6, 9, 10])), 45),
        ) {
            let mut spec = current_crl_spec(CertKind::Sign);
            spec.entries.clear();
            let at = DateTime::new(2026, 5, 1, 0, 0, 0);
            let serials: Vec<Vec<u8>> = short
                .iter()
                .map(|s| s.to_be_bytes().iter().copied().skip_while(|&b| b == 0).collect())
                .chain(long.iter().cloned())
                .collect();
            for (i, serial) in serials.iter().enumerate() {
                let mut e = CrlEntry::new(0, at, reasons[i % reasons.len()]);
                e.serial = serial.clone();
                spec.entries.push(e);
            }
            let index = CrlIndex::build(&crl(&spec).unwrap(), &TrustAnchors::test_pki(), &RustCrypto).unwrap();
            let loaded = CrlIndex::from_bytes(&index.to_bytes()).unwrap();
            prop_assert_eq!(loaded.len(), serials.len());
            for serial in &serials {
                let found = loaded.lookup(serial);
                prop_assert!(found.is_some(), "{:02X?}", serial);
                prop_assert_eq!(found, index.lookup(serial));
            }
            prop_assert_eq!(loaded.lookup(&[0x7F; 21]), None);
        }
    }
}
