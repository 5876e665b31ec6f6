//! CRLs against the test anchors, and saved CRL indexes (`CrlIndex::from_bytes`).
#![no_main]
use jpki_verify::revocation::crl::CrlIndex;
use jpki_verify::TrustAnchors;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = CrlIndex::prepare(data, &TrustAnchors::test_pki());
    let _ = CrlIndex::from_bytes(data);
});
