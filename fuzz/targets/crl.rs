//! CRLs against the test anchors, and saved CRL indexes (`CrlIndex::from_bytes`).
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/crl.rs`) and by the stable replay of
//! the committed corpus (`tests/fuzz_corpus.rs`).
use jpki_verify::revocation::crl::CrlIndex;
use jpki_verify::TrustAnchors;

/// One input.
pub(crate) fn run(data: &[u8]) {
    let _ = CrlIndex::prepare(data, &TrustAnchors::test_pki());
    let _ = CrlIndex::from_bytes(data);
}
