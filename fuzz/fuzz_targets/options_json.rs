//! cargo-fuzz target: the body is `fuzz/targets/options_json.rs`.
#![no_main]
#[path = "../targets/options_json.rs"]
mod target;
libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
