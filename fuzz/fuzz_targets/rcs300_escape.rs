//! RC-S300 escape replies and part-3 data objects from a hostile device.
#![no_main]
use jpki_verify::reader::rcs300::{escape, tlv};
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = escape::decode_reply(data);
    let _ = escape::decode_command(data);
    let _ = tlv::parse(data);
});
