//! cargo-fuzz target: the body is `fuzz/targets/ocsp_response.rs`.
#![no_main]
#[path = "../targets/ocsp_response.rs"]
mod target;
libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
