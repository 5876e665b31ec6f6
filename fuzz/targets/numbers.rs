//! The My Number / Corporate Number parsers and the redactor (`jpki_verify::numbers`) on any
//! text. Invariants: nothing panics; the redactor only ever replaces (what is not redacted is
//! the input, byte for byte); after redaction no 12 digits made of whole groups remain, so no
//! typed form of a valid My Number survives; a text that checks as a My Number is redacted to
//! exactly `[REDACTED]` with its surrounding spaces.
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/numbers.rs`) and by the stable replay of the
//! committed corpus (`tests/fuzz_corpus.rs`).

use jpki_verify::numbers::{is_valid_corporate_number, is_valid_my_number, redact_my_numbers, REDACTED};

/// One input.
pub(crate) fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let valid = is_valid_my_number(text);
    let _ = is_valid_corporate_number(text);
    let out = redact_my_numbers(text);
    // Redacting again finds nothing more: no My-Number-shaped stretch is left.
    assert_eq!(
        redact_my_numbers(&out),
        out,
        "redaction left a My Number shape in {text:?}"
    );
    // Everything outside the redactions is the input, in order.
    if !text.contains(REDACTED) {
        let mut rest = text;
        for piece in out.split(REDACTED) {
            let at = rest
                .find(piece)
                .unwrap_or_else(|| panic!("{piece:?} is not in {text:?}"));
            rest = &rest[at + piece.len()..];
        }
    }
    if valid {
        assert_eq!(out.trim_matches(char::is_whitespace), REDACTED, "{text:?}");
    }
}
