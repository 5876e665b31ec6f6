//! The committed test PKI is exactly what the generator produces today: regenerating gives
//! the same bytes, and the folder holds nothing else.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[test]
fn committed_fixtures_match_a_fresh_run() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/testpki");
    let fresh = jpki_verify_testpki::generate().expect("generator runs");
    let again = jpki_verify_testpki::generate().expect("generator runs twice");
    assert_eq!(fresh.len(), again.len());
    let mut mismatched = Vec::new();
    for (a, b) in fresh.iter().zip(&again) {
        assert_eq!(a.name, b.name);
        assert!(a.bytes == b.bytes, "{} differs between two runs", a.name);
        match std::fs::read(dir.join(&a.name)) {
            Ok(committed) if committed == a.bytes => {}
            _ => mismatched.push(a.name.clone()),
        }
    }
    assert!(
        mismatched.is_empty(),
        "committed fixtures differ from a fresh run (regenerate with `cargo run -p jpki-verify-server -- testpki tests/fixtures/testpki`): {mismatched:?}"
    );
    let generated: BTreeSet<String> = fresh.iter().map(|f| f.name.clone()).collect();
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(on_disk, generated, "stray or missing files in {}", dir.display());
    println!("{} fixture files match a fresh run", generated.len());
}

/// `dir` holds exactly `fresh`, byte for byte.
fn folder_holds_exactly(dir: &Path, fresh: &[jpki_verify_testpki::GeneratedFile]) {
    let mismatched: Vec<&str> = fresh
        .iter()
        .filter(|f| std::fs::read(dir.join(&f.name)).ok().as_deref() != Some(f.bytes.as_slice()))
        .map(|f| f.name.as_str())
        .collect();
    assert!(mismatched.is_empty(), "regenerate with `make testpki`: {mismatched:?}");
    let generated: BTreeSet<String> = fresh.iter().map(|f| f.name.clone()).collect();
    let on_disk: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(on_disk, generated, "stray or missing files in {}", dir.display());
}

#[test]
fn committed_assertion_fixtures_match_a_fresh_run() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/assertions");
    folder_holds_exactly(
        &dir,
        &jpki_verify_testpki::generate_assertions().expect("generator runs"),
    );
}

/// The library compiles in `embedded/testpki/` (never `tests/`): the same bytes as the
/// generator's `embedded_in_sdk` subset, and nothing else (the README is in `embedded/`).
#[test]
fn embedded_files_match_a_fresh_run() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let fresh = jpki_verify_testpki::embedded_in_sdk().expect("generator runs");
    assert_eq!(fresh.len(), 2 + 4 * jpki_verify_testpki::VIRTUAL_CARD_PERSONAS.len());
    folder_holds_exactly(&root.join("embedded/testpki"), &fresh);
    // The virtual card offers exactly these personas.
    let source = std::fs::read_to_string(root.join("src/card/virtual_card.rs")).unwrap();
    for persona in jpki_verify_testpki::VIRTUAL_CARD_PERSONAS {
        assert!(
            source.contains(&format!("persona!(\"{persona}\")")),
            "{persona} missing from the virtual card"
        );
    }
    assert_eq!(
        source.matches("    persona!(\"").count(),
        jpki_verify_testpki::VIRTUAL_CARD_PERSONAS.len()
    );
}
