//! The strict JSON reader through the verification options (duplicate names, depth, numbers,
//! escapes), as the wasm adapter and the CLI read them.
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/options_json.rs`) and by the stable replay of
//! the committed corpus (`tests/fuzz_corpus.rs`).

/// One input.
pub(crate) fn run(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = jpki_verify::VerifyOptions::from_json(text);
    }
}
