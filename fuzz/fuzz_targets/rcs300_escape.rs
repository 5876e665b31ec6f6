//! cargo-fuzz target: the body is `fuzz/targets/rcs300_escape.rs`.
#![no_main]
#[path = "../targets/rcs300_escape.rs"]
mod target;
libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
