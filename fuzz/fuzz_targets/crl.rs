//! cargo-fuzz target: the body is `fuzz/targets/crl.rs`.
#![no_main]
#[path = "../targets/crl.rs"]
mod target;
libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
