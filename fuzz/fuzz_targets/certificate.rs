//! `parse_certificate` on arbitrary bytes: a typed error or a model, never a panic.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = jpki_verify::parse_certificate(data);
});
