//! `parse_certificate` on arbitrary bytes: a typed error or a model, never a panic.
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/certificate.rs`) and by the stable replay of
//! the committed corpus (`tests/fuzz_corpus.rs`).

/// One input.
pub(crate) fn run(data: &[u8]) {
    let _ = jpki_verify::parse_certificate(data);
}
