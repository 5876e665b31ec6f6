//! cargo-fuzz target: the body is `fuzz/targets/rcs380_frame.rs`.
#![no_main]
#[path = "../targets/rcs380_frame.rs"]
mod target;
libfuzzer_sys::fuzz_target!(|data: &[u8]| target::run(data));
