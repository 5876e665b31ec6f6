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
        set.add_pinned("leaf", &taro, &pin, Environment::Test)
            .unwrap_err()
            .code(),
        "JPKI_ANCHOR_INVALID"
    );
    let ca = std::fs::read(repo().join("tests/fixtures/testpki/sign-ca.der")).unwrap();
    let ca_pin = jpki_verify::parse_certificate(&ca).unwrap().sha256_fingerprint;
    assert_eq!(
        set.add_pinned("ca", &ca, &pin, Environment::Test).unwrap_err().code(),
        "JPKI_ANCHOR_PIN_MISMATCH"
    );
    // A test CA is not production because the caller says so (review-security L4).
    assert_eq!(
        set.add_pinned("ca", &ca, &ca_pin, Environment::Production)
            .unwrap_err()
            .code(),
        "JPKI_ANCHOR_INVALID"
    );
    assert_eq!(
        set.add_pinned("ca", &ca, &ca_pin, Environment::Unknown)
            .unwrap_err()
            .code(),
        "JPKI_ANCHOR_INVALID"
    );
    let added = set.add_pinned("my-test-ca", &ca, &ca_pin, Environment::Test).unwrap();
    assert_eq!(
        (
            added.reference.purpose,
            added.reference.source,
            added.reference.environment
        ),
        (Kind::Signature, AnchorSource::Caller, Environment::Test)
    );
}

/// The compiled-in anchors, which file each record is made from, and its pin (J-LIS's
/// published SHA-256, as in `anchors/README.md`; the test PKI's are whatever its files hash
/// to, since `jpki-verify testpki` makes them).
/// (set, file, purpose, J-LIS generation, published pin)
type CompiledRow = (&'static str, &'static str, Kind, Option<u8>, Option<&'static str>);

const COMPILED: [CompiledRow; 8] = [
    (
        "JLIS_GEN1",
        "anchors/jlis/jpki-sign-ca-gen1-2015.cer",
        Kind::Signature,
        Some(1),
        Some("19645405a1fe14377434bd55957628ac4038557c542403a2243f21c706fc9355"),
    ),
    (
        "JLIS",
        "anchors/jlis/jpki-sign-ca-gen2-2019.cer",
        Kind::Signature,
        Some(2),
        Some("79679c33e4cc9319440f1ad120a597ff1844e2ef217063adb176966fd5e6fbeb"),
    ),
    (
        "JLIS",
        "anchors/jlis/jpki-sign-ca-gen3-2023.cer",
        Kind::Signature,
        Some(3),
        Some("d227f6cde11d35c5252178f106f843d24651944975413b539fa2fb68dbfa365f"),
    ),
    (
        "JLIS_GEN1",
        "anchors/jlis/jpki-auth-ca-gen1-2015.cer",
        Kind::Authentication,
        Some(1),
        Some("4dcfc4ca0aaf9fb2a3081b3f0c991c320b3acc008667a341eeaec5af1d58ca7d"),
    ),
    (
        "JLIS",
        "anchors/jlis/jpki-auth-ca-gen2-2019.cer",
        Kind::Authentication,
        Some(2),
        Some("0d98de47fc11b7f67126874b7028b6026a803d2638d6edfe53176953961fade6"),
    ),
    (
        "JLIS",
        "anchors/jlis/jpki-auth-ca-gen3-2023.cer",
        Kind::Authentication,
        Some(3),
        Some("64114f29620c24ed2631d46476a040e7ee740d956089c00b036a6a8118c322b5"),
    ),
    ("TEST_PKI", "embedded/testpki/sign-ca.der", Kind::Signature, None, None),
    (
        "TEST_PKI",
        "embedded/testpki/auth-ca.der",
        Kind::Authentication,
        None,
        None,
    ),
];

/// `src/trust/compiled.rs` is exactly what this crate's parser makes of the pinned files, so
/// the records can be audited against the certificates (and regenerated after a reviewed pin
/// change: `JPKI_REGENERATE_ANCHORS=1 cargo test --test trust_anchors`).
#[test]
fn compiled_records_are_the_pinned_certificates() {
    use sha2::{Digest, Sha256};
    use std::fmt::Write;
    let bytes = |out: &mut String, b: &[u8]| {
        out.push_str("b\"");
        for (i, x) in b.iter().enumerate() {
            if i > 0 && i % 32 == 0 {
                out.push_str("\\\n          ");
            }
            write!(out, "\\x{x:02x}").unwrap();
        }
        out.push('"');
    };
    let mut out = String::from(
        "//! Generated by `JPKI_REGENERATE_ANCHORS=1 cargo test --test trust_anchors` from the pinned\n\
         //! certificate files named below (`tests/trust_anchors.rs` fails when a byte differs). Do\n\
         //! not edit: a pin changes only with its file, `anchors/README.md` and a reviewed commit.\n\n\
         use super::Compiled;\nuse crate::cert::Kind;\n",
    );
    let mut from_files = Vec::new();
    for set in ["JLIS_GEN1", "JLIS", "TEST_PKI"] {
        let rows: Vec<_> = COMPILED.iter().filter(|r| r.0 == set).collect();
        if set == "JLIS_GEN1" {
            // Expired on 2025-10-19: feature `current-anchors` (the small wasm entry) leaves it out.
            out.push_str("\n#[cfg_attr(feature = \"current-anchors\", allow(dead_code))]");
        }
        write!(out, "\npub(super) static {set}: [Compiled; {}] = [\n", rows.len()).unwrap();
        for (_, file, purpose, generation, pin) in rows {
            let der = std::fs::read(repo().join(file)).unwrap();
            let sha = Sha256::digest(&der)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>();
            if let Some(pin) = pin {
                assert_eq!(&sha, pin, "{file} does not hash to its pin");
            }
            let id = std::path::Path::new(file).file_stem().unwrap().to_string_lossy();
            let id = if set == "TEST_PKI" {
                format!("test-{id}")
            } else {
                id.into_owned()
            };
            let mut scratch = TrustAnchors::empty();
            let a = scratch
                .add_pinned(
                    &id,
                    &der,
                    &sha,
                    if set == "TEST_PKI" {
                        Environment::Test
                    } else {
                        Environment::Production
                    },
                )
                .unwrap();
            assert_eq!(a.reference.purpose, *purpose, "{file}");
            write!(out, "    // {file}\n    Compiled {{\n        id: {id:?},\n        purpose: Kind::{purpose:?},\n        generation: {generation:?},\n        subject: {:?},\n        subject_der: ", a.subject).unwrap();
            bytes(&mut out, &a.subject_der);
            out.push_str(",\n        spki: ");
            bytes(&mut out, &a.spki);
            out.push_str(",\n        key_id: ");
            match &a.key_id {
                Some(k) => {
                    out.push_str("Some(");
                    bytes(&mut out, k);
                    out.push(')');
                }
                None => out.push_str("None"),
            }
            write!(
                out,
                ",\n        not_before: {},\n        not_after: {},\n        crl_sign: {},\n        sha256: {:?},\n    }},\n",
                a.not_before, a.not_after, a.crl_sign, a.sha256_fingerprint
            )
            .unwrap();
            from_files.push((*file, a.clone()));
        }
        out.push_str("];\n");
    }
    let path = repo().join("src/trust/compiled.rs");
    if std::env::var_os("JPKI_REGENERATE_ANCHORS").is_some() {
        std::fs::write(&path, &out).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap();
    assert!(
        committed == out,
        "src/trust/compiled.rs is not what the pinned files give; after a reviewed change run \
         JPKI_REGENERATE_ANCHORS=1 cargo test --test trust_anchors"
    );
    // And what the library builds from them is the same record, reference included.
    let built: Vec<_> = TrustAnchors::jlis()
        .iter()
        .chain(TrustAnchors::test_pki().iter())
        .cloned()
        .collect();
    assert_eq!(built.len(), COMPILED.len());
    for (a, (_, file, purpose, generation, _)) in built.iter().zip(COMPILED.iter()) {
        let mine = &from_files.iter().find(|(f, _)| f == file).unwrap().1;
        assert_eq!(
            (a.reference.purpose, a.reference.generation),
            (*purpose, *generation),
            "{file}"
        );
        let mut same = mine.clone();
        same.reference = a.reference.clone();
        assert_eq!(a, &same, "{file}");
        // Labelling a parsed anchor certificate finds its own record.
        let cert = jpki_verify::parse_certificate(&std::fs::read(repo().join(file)).unwrap()).unwrap();
        assert_eq!(cert.anchor.as_ref(), Some(&a.reference), "{file}");
        assert_eq!(a.sha256_fingerprint, cert.sha256_fingerprint, "{file}");
    }
}
