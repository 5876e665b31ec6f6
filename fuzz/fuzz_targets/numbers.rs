//! cargo-fuzz target: the body is `fuzz/targets/numbers.rs`.
#![no_main]
#[path = "../targets/numbers.rs"]
mod target;
libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
