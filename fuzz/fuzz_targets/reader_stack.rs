//! cargo-fuzz target: the body is `fuzz/targets/reader_stack.rs`.
#![no_main]
#[path = "../targets/reader_stack.rs"]
mod target;
libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
