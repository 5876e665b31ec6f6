//! RC-S380 frames from a hostile device (and host frames for the simulator), ATQBs and the
//! chip's answers: typed errors only.
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/rcs380_frame.rs`) and by the stable replay of
//! the committed corpus (`tests/fuzz_corpus.rs`).
use jpki_verify::reader::rcs380::frame;
use jpki_verify::reader::typeb;

/// One input.
pub(crate) fn run(data: &[u8]) {
    if let Ok(frame::Frame::Response { code, payload }) = frame::decode(data) {
        // What decodes re-encodes to the same bytes.
        assert_eq!(
            frame::encode_response(code.wrapping_sub(1), payload).ok().as_deref(),
            Some(data)
        );
    }
    let _ = frame::decode_command(data);
    let _ = typeb::parse_atqb(data);
}
