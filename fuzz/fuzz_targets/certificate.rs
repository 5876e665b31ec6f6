//! cargo-fuzz target: the body is `fuzz/targets/certificate.rs`.
#![no_main]
#[path = "../targets/certificate.rs"]
mod target;
libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
