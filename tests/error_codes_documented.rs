//! Every stable code the SDK can emit is documented, in Japanese and English, in
//! `docs/error-codes.md` (one table row per code), and the TypeScript `JpkiErrorCode` union
//! lists it.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::collections::BTreeSet;

fn codes_in(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("\"JPKI_") {
        let rest = &text[i + 1..];
        let end = rest.find('"').unwrap();
        out.insert(rest[..end].to_owned());
    }
    out
}

#[test]
fn every_code_has_a_bilingual_row_and_a_typescript_name() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let error_rs = std::fs::read_to_string(root.join("src/error.rs")).unwrap();
    let body = &error_rs[error_rs.find("pub fn code(&self)").unwrap()..error_rs.find("pub fn offset(&self)").unwrap()];
    let codes = codes_in(body);
    assert!(codes.len() >= 25, "{codes:?}");
    let docs = std::fs::read_to_string(root.join("docs/error-codes.md")).unwrap();
    let ts = std::fs::read_to_string(root.join("src/wasm/mod.rs")).unwrap();
    for code in &codes {
        let row = docs
            .lines()
            .find(|l| l.starts_with(&format!("| `{code}` |")))
            .unwrap_or_else(|| panic!("{code} has no row"));
        assert!(
            row.chars()
                .any(|c| ('\u{3040}'..='\u{30ff}').contains(&c) || ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{code}: no Japanese text"
        );
        assert_eq!(
            row.matches(" | ").count(),
            4,
            "{code}: code, en, ja, user, operator columns"
        );
        assert!(
            ts.contains(&format!("\"{code}\"")),
            "{code} missing from the TypeScript JpkiErrorCode union"
        );
    }
}
