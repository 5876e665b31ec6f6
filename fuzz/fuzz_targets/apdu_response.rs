//! cargo-fuzz target: the body is `fuzz/targets/apdu_response.rs`.
#![no_main]
#[path = "../targets/apdu_response.rs"]
mod target;
libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
