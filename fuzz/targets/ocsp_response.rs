//! OCSP responses (RFC 6960) about the test PKI's taro, against the test anchors, at the test
//! PKI's validation time and at the time the seeds (`seeds/ocsp_response/`, `openssl ocsp`'s
//! answers, made by `tests/revocation_ocsp.rs`) were made, when they were fresh.
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/ocsp_response.rs`) and by the stable replay of
//! the committed corpus (`tests/fuzz_corpus.rs`).
use jpki_verify::revocation::{ocsp, RevocationPolicy};
use jpki_verify::TrustAnchors;
use std::sync::OnceLock;
fn leaf() -> &'static jpki_verify::Certificate {
    static LEAF: OnceLock<jpki_verify::Certificate> = OnceLock::new();
    LEAF.get_or_init(|| {
        jpki_verify::parse_certificate(include_bytes!("../../embedded/testpki/taro-sign.der")).expect("fixture")
    })
}
/// When the committed seeds were made (printed by their generator).
const SEEDS_MADE_AT: i64 = 1_796_603_657;

/// One input.
pub(crate) fn run(data: &[u8]) {
    let anchors = TrustAnchors::test_pki();
    let policy = RevocationPolicy::default();
    for time in [1_780_272_000, SEEDS_MADE_AT] {
        let _ = ocsp::prepare_response(data, leaf(), &anchors, None, time, &policy);
        let _ = ocsp::prepare_response(data, leaf(), &anchors, Some(&[7; 16]), time, &policy);
    }
}
