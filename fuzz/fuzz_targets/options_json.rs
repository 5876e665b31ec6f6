//! The strict JSON reader through the verification options (duplicate names, depth, numbers,
//! escapes), as the wasm adapter and the CLI read them.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = jpki_verify::VerifyOptions::from_json(text);
    }
});
