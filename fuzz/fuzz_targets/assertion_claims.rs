//! cargo-fuzz target: the body is `fuzz/targets/assertion_claims.rs`.
#![no_main]
#[path = "../targets/assertion_claims.rs"]
mod target;
libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
