//! Whole verifications (JWS and CMS: structure, path validation to the test anchors, signatures
//! through RustCrypto, the claims) of arbitrary bytes, as `POST /v1/assertions` runs them.
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/verify_assertion.rs`) and by the stable replay of
//! the committed corpus (`tests/fuzz_corpus.rs`).
use jpki_verify::assertion::{Severity, Trust};
use jpki_verify::{Purpose, RustCrypto, VerifyOptions};

/// One input.
pub(crate) fn run(data: &[u8]) {
    let mut options = VerifyOptions::new(
        "https://bank.example",
        &"A".repeat(43),
        Purpose::AccountOpening,
        1_780_272_000,
    );
    options.trust = Trust::Test;
    options.revocation_unchecked = Some(Severity::Warning);
    let verdict = jpki_verify::verify(data, &options, None, None, &RustCrypto);
    // A verdict is valid only without errors, and never hands out identity when invalid.
    assert_eq!(verdict.valid, verdict.errors.is_empty());
    assert!(verdict.valid || verdict.identity.is_none());
}
