//! The assertion parsers (JWS compact and CMS SignedData) as the server first meets them.
#![no_main]
use jpki_verify::assertion::{unverified_claims, Format};
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = unverified_claims(data, None, None);
    let _ = unverified_claims(data, Some(Format::Jws), None);
    let _ = unverified_claims(data, Some(Format::Cms), None);
});
