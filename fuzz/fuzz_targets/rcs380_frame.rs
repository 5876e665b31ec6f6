//! RC-S380 frames from a hostile device (and host frames for the simulator), ATQBs and the
//! chip's answers: typed errors only.
#![no_main]
use jpki_verify::reader::rcs380::frame;
use jpki_verify::reader::typeb;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(frame::Frame::Response { code, payload }) = frame::decode(data) {
        // What decodes re-encodes to the same bytes.
        assert_eq!(
            frame::encode_response(code.wrapping_sub(1), payload).ok().as_deref(),
            Some(data)
        );
    }
    let _ = frame::decode_command(data);
    let _ = typeb::parse_atqb(data);
});
