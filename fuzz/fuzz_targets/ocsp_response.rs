//! OCSP responses (RFC 6960) about the test PKI's taro, against the test anchors.
#![no_main]
use jpki_verify::revocation::{ocsp, RevocationPolicy};
use jpki_verify::TrustAnchors;
use std::sync::OnceLock;
fn leaf() -> &'static jpki_verify::Certificate {
    static LEAF: OnceLock<jpki_verify::Certificate> = OnceLock::new();
    LEAF.get_or_init(|| {
        jpki_verify::parse_certificate(include_bytes!("../../embedded/testpki/taro-sign.der")).expect("fixture")
    })
}
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let anchors = TrustAnchors::test_pki();
    let policy = RevocationPolicy::default();
    let _ = ocsp::prepare_response(data, leaf(), &anchors, None, 1_780_272_000, &policy);
    let _ = ocsp::prepare_response(data, leaf(), &anchors, Some(&[7; 16]), 1_780_272_000, &policy);
});
