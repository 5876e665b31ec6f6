//! cargo-fuzz target: the body is `fuzz/targets/verify_assertion.rs`.
#![no_main]
#[path = "../targets/verify_assertion.rs"]
mod target;
libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
