//! The assertion parsers (JWS compact and CMS SignedData) as the server first meets them.
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/assertion_claims.rs`) and by the stable replay of
//! the committed corpus (`tests/fuzz_corpus.rs`).
use jpki_verify::assertion::{unverified_claims, Format};

/// One input.
pub(crate) fn run(data: &[u8]) {
    let _ = unverified_claims(data, None, None);
    let _ = unverified_claims(data, Some(Format::Jws), None);
    let _ = unverified_claims(data, Some(Format::Cms), None);
}
