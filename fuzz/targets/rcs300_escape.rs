//! RC-S300 escape replies and part-3 data objects from a hostile device.
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/rcs300_escape.rs`) and by the stable replay of
//! the committed corpus (`tests/fuzz_corpus.rs`).
use jpki_verify::reader::rcs300::{escape, tlv};

/// One input.
pub(crate) fn run(data: &[u8]) {
    let _ = escape::decode_reply(data);
    let _ = escape::decode_command(data);
    let _ = tlv::parse(data);
}
