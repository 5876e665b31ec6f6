//! cargo-fuzz target: the body is `fuzz/targets/card_client.rs`.
#![no_main]
#[path = "../targets/card_client.rs"]
mod target;
libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
