//! RC-S380 frames: what travels in one USB bulk transfer (`docs/readers.md` §1.2, addendum §1.2;
//! nfcpy `rcs380.Frame`, Linux `port100_tx_frame_finish` / `port100_rx_frame_is_valid`).
//!
//! ```text
//! extended frame   00 00 FF  FF FF  LEN_lo LEN_hi  LCS  DATA…  DCS  00
//!                  LEN = len(DATA) (u16, little-endian)
//!                  LCS = (256 − (LEN_lo + LEN_hi)) mod 256
//!                  DATA = D6 cc params…  (host → device)  |  D7 cc+1 result…  (device → host)
//!                  DCS = (256 − Σ DATA) mod 256
//! ACK              00 00 FF 00 FF 00   device → host after every command;
//!                                      host → device: soft reset / cancel the command in progress
//! error frame      00 00 FF FF FF      (nfcpy type "err"); also the PN53x-style
//!                  00 00 FF 01 FF 7F 81 00 (nfcpy's tests)
//! ```
//!
//! Every received frame is validated as the kernel does (the addendum: nfcpy skips LCS and DCS):
//! start code, `FF FF`, LEN against the bytes received, LCS, DCS, postamble, `D7`, and — in
//! [`response_to`] — `cc + 1`. Anything else is `JPKI_READER_PROTOCOL` with what was wrong; never a
//! panic.

use crate::error::{Error, Result};

/// The preamble and start code every frame begins with.
pub const START: [u8; 3] = [0x00, 0x00, 0xFF];
/// The ACK frame: the device's "command received", and the host's "cancel" / soft reset.
pub const ACK: [u8; 6] = [0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00];
/// The error frame as nfcpy classifies it (exactly these 5 bytes).
pub const ERROR_FRAME: [u8; 5] = [0x00, 0x00, 0xFF, 0xFF, 0xFF];
/// The PN53x-style error frame (a normal frame whose one DATA byte is `7F`).
pub const ERROR_FRAME_PN53X: [u8; 8] = [0x00, 0x00, 0xFF, 0x01, 0xFF, 0x7F, 0x81, 0x00];
/// DATA\[0\] of a host → device frame.
pub const HOST_TO_DEVICE: u8 = 0xD6;
/// DATA\[0\] of a device → host frame.
pub const DEVICE_TO_HOST: u8 = 0xD7;
/// Bytes around DATA in an extended frame: start (3), `FF FF`, LEN (2), LCS, DCS, postamble.
pub const OVERHEAD: usize = 10;
/// The largest DATA a frame can carry (LEN is a u16).
pub const MAX_DATA: usize = 0xFFFF;

/// A frame received from the device, validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Frame<'a> {
    /// `00 00 FF 00 FF 00`.
    Ack,
    /// The error frame (either form).
    Error,
    /// A response: `D7`, its code (`cc + 1` of the command it answers) and what follows.
    Response {
        /// DATA\[1\]: the command code plus one.
        code: u8,
        /// DATA after `D7 code`.
        payload: &'a [u8],
    },
}

fn bad(what: &str) -> Error {
    Error::ReaderProtocol {
        reason: format!("RC-S380 frame: {what}"),
    }
}

/// `(256 − Σ bytes) mod 256`: the LCS / DCS checksum.
pub fn checksum(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0u8, |sum, b| sum.wrapping_add(*b)).wrapping_neg()
}

/// An extended frame around `DATA = direction code payload…`.
fn encode(direction: u8, code: u8, payload: &[u8]) -> Result<Vec<u8>> {
    let len = payload.len() + 2;
    let len16 = u16::try_from(len).map_err(|_| bad("DATA longer than 65535 bytes"))?;
    let [lo, hi] = len16.to_le_bytes();
    let mut frame = Vec::with_capacity(len + OVERHEAD);
    frame.extend_from_slice(&START);
    frame.extend_from_slice(&[0xFF, 0xFF, lo, hi, checksum(&[lo, hi]), direction, code]);
    frame.extend_from_slice(payload);
    let dcs = checksum(&frame[8..]);
    frame.extend_from_slice(&[dcs, 0x00]);
    Ok(frame)
}

/// The host's frame for command `code` with `params` (`00 00 FF FF FF … D6 code params… DCS 00`).
pub fn encode_command(code: u8, params: &[u8]) -> Result<Vec<u8>> {
    encode(HOST_TO_DEVICE, code, params)
}

/// The device's frame answering command `command` (`… D7 command+1 payload… DCS 00`), as a
/// simulator sends it.
pub fn encode_response(command: u8, payload: &[u8]) -> Result<Vec<u8>> {
    let code = command
        .checked_add(1)
        .ok_or_else(|| bad("no response code for command FF"))?;
    encode(DEVICE_TO_HOST, code, payload)
}

/// Validates one frame received from the device (one bulk IN transfer: exactly one frame, no
/// trailing bytes).
pub fn decode(bytes: &[u8]) -> Result<Frame<'_>> {
    if bytes == ACK {
        return Ok(Frame::Ack);
    }
    if bytes == ERROR_FRAME || bytes == ERROR_FRAME_PN53X {
        return Ok(Frame::Error);
    }
    match extended_data(bytes)? {
        [DEVICE_TO_HOST, code, payload @ ..] => Ok(Frame::Response { code: *code, payload }),
        [HOST_TO_DEVICE, ..] => Err(bad("a host-to-device frame (D6) came from the device")),
        _ => Err(bad("DATA does not begin with D7 and a response code")),
    }
}

/// The device side of [`encode_command`], for the simulators: validates a host frame the same
/// way and returns its command code and parameters.
pub fn decode_command(bytes: &[u8]) -> Result<(u8, &[u8])> {
    match extended_data(bytes)? {
        [HOST_TO_DEVICE, code, params @ ..] => Ok((*code, params)),
        _ => Err(bad("DATA does not begin with D6 and a command code")),
    }
}

/// DATA of an extended frame, every byte around it checked.
fn extended_data(bytes: &[u8]) -> Result<&[u8]> {
    let Some((start, rest)) = bytes.split_first_chunk::<3>() else {
        return Err(bad("shorter than a start code"));
    };
    if *start != START {
        return Err(bad("no 00 00 FF start code"));
    }
    let Some(([marker_lo, marker_hi, lo, hi, lcs], rest)) = rest.split_first_chunk::<5>() else {
        return Err(bad("truncated header"));
    };
    if [*marker_lo, *marker_hi] != [0xFF, 0xFF] {
        return Err(bad("not an extended frame (no FF FF after the start code)"));
    }
    if checksum(&[*lo, *hi]) != *lcs {
        return Err(bad("LCS does not match LEN"));
    }
    let len = usize::from(u16::from_le_bytes([*lo, *hi]));
    let Some((data, rest)) = rest.split_at_checked(len) else {
        return Err(bad("LEN is longer than the bytes received"));
    };
    let [dcs, postamble] = rest else {
        return Err(bad(if rest.len() < 2 {
            "truncated after DATA (no DCS and postamble)"
        } else {
            "bytes after the postamble"
        }));
    };
    if checksum(data) != *dcs {
        return Err(bad("DCS does not match DATA"));
    }
    if *postamble != 0x00 {
        return Err(bad("postamble is not 00"));
    }
    Ok(data)
}

/// The payload of the device's response to command `command`: the frame must be a response
/// whose code is `command + 1` (an ACK or the error frame here is an error too).
pub fn response_to(command: u8, bytes: &[u8]) -> Result<&[u8]> {
    match decode(bytes)? {
        Frame::Response { code, payload } if Some(code) == command.checked_add(1) => Ok(payload),
        Frame::Response { .. } => Err(bad("the response answers another command (code is not cc+1)")),
        Frame::Ack => Err(bad("an ACK where a response was expected")),
        Frame::Error => Err(bad("the device sent the error frame")),
    }
}

/// The zero-length-packet rule: a bulk OUT transfer whose length is a multiple of the
/// endpoint's `wMaxPacketSize` must be followed by a zero-length packet, or the device waits
/// for more (nfcpy `USB.write`; the kernel sets `URB_ZERO_PACKET`).
pub fn needs_zero_length_packet(frame_len: usize, max_packet_size: usize) -> bool {
    max_packet_size > 0 && frame_len > 0 && frame_len.is_multiple_of(max_packet_size)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect()
    }

    /// Every host frame of docs/readers.md §1.4; the ✓ rows match real-hardware nfcpy traces
    /// (marioninc/webusb-felica demo.html), the others follow the same checksum rules.
    #[test]
    fn host_frames_of_readers_md_1_4() {
        let rows: [(u8, &str, &str); 11] = [
            (0x2A, "01", "00 00 FF FF FF 03 00 FD D6 2A 01 FF 00"), // ✓ SetCommandType 1
            (0x20, "", "00 00 FF FF FF 02 00 FE D6 20 0A 00"),      // ✓ GetFirmwareVersion
            (0x22, "", "00 00 FF FF FF 02 00 FE D6 22 08 00"),      // ✓ GetPDDataVersion
            (0x06, "00", "00 00 FF FF FF 03 00 FD D6 06 00 24 00"), // ✓ SwitchRF off
            (0x06, "01", "00 00 FF FF FF 03 00 FD D6 06 01 23 00"), // SwitchRF on
            (0x00, "03 07 0F 07", "00 00 FF FF FF 06 00 FA D6 00 03 07 0F 07 0A 00"), // InSetRF 106B
            (
                0x02,
                "00 18 01 01 02 01 03 00 04 00 05 00 06 00 07 08 08 00 09 00 0A 00 0B 00 0C 00 0E 04 0F 00 10 00 11 00 12 00 13 06",
                "00 00 FF FF FF 28 00 D8 D6 02 00 18 01 01 02 01 03 00 04 00 05 00 06 00 07 08 08 00 09 00 0A 00 0B 00 0C 00 0E 04 0F 00 10 00 11 00 12 00 13 06 4B 00",
            ), // ✓ InSetProtocol defaults
            (
                0x02,
                "0B 01 09 01 0C 01 0A 01 00 14",
                "00 00 FF FF FF 0C 00 F4 D6 02 0B 01 09 01 0C 01 0A 01 00 14 E6 00",
            ), // InSetProtocol Type B
            (0x04, "36 01 05 00 10", "00 00 FF FF FF 07 00 F9 D6 04 36 01 05 00 10 DA 00"), // InCommRF SENSB_REQ
            (
                0x04,
                "36 01 1D 11 22 33 44 00 08 01 00",
                "00 00 FF FF FF 0D 00 F3 D6 04 36 01 1D 11 22 33 44 00 08 01 00 1F 00",
            ), // InCommRF ATTRIB
            (
                0x04,
                "D6 60 02 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01",
                "00 00 FF FF FF 14 00 EC D6 04 D6 60 02 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01 B3 00",
            ), // InCommRF I-block + SELECT JPKI AP
        ];
        for (code, params, frame) in rows {
            assert_eq!(
                encode_command(code, &hex(params)).unwrap(),
                hex(frame),
                "command {code:02X}"
            );
        }
    }

    /// The device frames of docs/readers.md §1.4 (✓: real-hardware traces).
    #[test]
    fn device_frames_of_readers_md_1_4() {
        let fw = hex("00 00 FF FF FF 04 00 FC D7 21 11 01 F6 00");
        assert_eq!(
            decode(&fw).unwrap(),
            Frame::Response {
                code: 0x21,
                payload: &[0x11, 0x01]
            }
        );
        assert_eq!(response_to(0x20, &fw).unwrap(), [0x11, 0x01]);
        assert_eq!(encode_response(0x20, &[0x11, 0x01]).unwrap(), fw);
        assert_eq!(
            response_to(0x2A, &hex("00 00 FF FF FF 03 00 FD D7 2B 00 FE 00")).unwrap(),
            [0x00]
        );
        assert_eq!(
            response_to(0x06, &hex("00 00 FF FF FF 03 00 FD D7 07 00 22 00")).unwrap(),
            [0x00]
        );
        assert_eq!(decode(&ACK).unwrap(), Frame::Ack);
        assert_eq!(decode(&ERROR_FRAME).unwrap(), Frame::Error);
        assert_eq!(decode(&ERROR_FRAME_PN53X).unwrap(), Frame::Error);
    }

    fn reason(r: Result<impl core::fmt::Debug>) -> String {
        let e = r.unwrap_err();
        assert_eq!(e.code(), "JPKI_READER_PROTOCOL");
        e.to_string()
    }

    #[test]
    fn every_check_has_its_error() {
        let good = hex("00 00 FF FF FF 04 00 FC D7 21 11 01 F6 00");
        let with = |i: usize, v: u8| {
            let mut f = good.clone();
            f[i] = v;
            f
        };
        assert!(reason(decode(&[])).contains("shorter than a start code"));
        assert!(reason(decode(&with(2, 0xFE))).contains("start code"));
        assert!(reason(decode(&with(3, 0x04))).contains("not an extended frame"));
        assert!(reason(decode(&with(7, 0xFB))).contains("LCS"));
        assert!(reason(decode(&with(5, 0x05))).contains("LCS"));
        assert!(reason(decode(&with(10, 0x12))).contains("DCS"));
        assert!(reason(decode(&with(13, 0x01))).contains("postamble"));
        assert!(reason(decode(&good[..good.len() - 1])).contains("truncated after DATA"));
        let mut long = good.clone();
        long.push(0);
        assert!(reason(decode(&long)).contains("after the postamble"));
        // LEN 7 and LCS consistent, but only 6 bytes follow the header.
        let mut short = hex("00 00 FF FF FF 07 00 F9 D7 21 11 01 F6 00");
        assert!(reason(decode(&short)).contains("LEN is longer"));
        short.truncate(6);
        assert!(reason(decode(&short)).contains("truncated header"));
        // A host frame echoed back, and a response to another command.
        assert!(reason(decode(&encode_command(0x20, &[]).unwrap())).contains("D6"));
        assert!(reason(response_to(0x22, &good)).contains("cc+1"));
        assert!(reason(response_to(0x20, &ACK)).contains("ACK"));
        assert!(reason(response_to(0x20, &ERROR_FRAME)).contains("error frame"));
        // DATA of one byte: no response code.
        let one = encode(DEVICE_TO_HOST, 0, &[]).unwrap();
        let mut one_byte = one[..8].to_vec();
        one_byte[5] = 1;
        one_byte[7] = checksum(&[1, 0]);
        one_byte.extend_from_slice(&[DEVICE_TO_HOST, checksum(&[DEVICE_TO_HOST]), 0]);
        assert!(reason(decode(&one_byte)).contains("does not begin with D7"));
    }

    #[test]
    fn host_frames_decode_for_the_simulator() {
        let frame = encode_command(0x04, &[0x36, 0x01, 0x05, 0x00, 0x10]).unwrap();
        assert_eq!(
            decode_command(&frame).unwrap(),
            (0x04, &[0x36, 0x01, 0x05, 0x00, 0x10][..])
        );
        assert!(decode_command(&encode_response(0x04, &[]).unwrap()).is_err());
        assert!(decode_command(&ACK).is_err());
    }

    #[test]
    fn lengths_up_to_the_limit() {
        let big = vec![0xA5u8; MAX_DATA - 2];
        let frame = encode_response(0x04, &big).unwrap();
        assert_eq!(frame.len(), MAX_DATA + OVERHEAD);
        assert_eq!(response_to(0x04, &frame).unwrap(), big.as_slice());
        assert!(reason(encode_command(0x04, &[0; MAX_DATA - 1])).contains("65535"));
        assert!(reason(encode_response(0xFF, &[])).contains("FF"));
    }

    #[test]
    fn zero_length_packet_rule() {
        assert!(needs_zero_length_packet(64, 64));
        assert!(needs_zero_length_packet(128, 64));
        assert!(!needs_zero_length_packet(63, 64));
        assert!(!needs_zero_length_packet(0, 64));
        assert!(!needs_zero_length_packet(64, 0));
        // The ZLP case of nfcpy's own test: a 64-byte frame on a 64-byte endpoint.
        let frame = encode_command(0x04, &[0u8; 52]).unwrap();
        assert_eq!(frame.len(), 64);
        assert!(needs_zero_length_packet(frame.len(), 64));
    }

    /// Hostile bytes: every prefix and every single-bit flip of valid frames, and pseudo-random
    /// buffers, decode to a typed error or to a frame that re-encodes to the same bytes — never
    /// a panic.
    #[test]
    fn truncations_flips_and_noise_never_panic() {
        let frames = [
            hex("00 00 FF FF FF 04 00 FC D7 21 11 01 F6 00"),
            encode_response(0x04, &[0, 0, 0, 0, 0x08, 0x50, 1, 2, 3, 4]).unwrap(),
            ACK.to_vec(),
            ERROR_FRAME_PN53X.to_vec(),
        ];
        let check = |bytes: &[u8]| {
            if let Ok(Frame::Response { code, payload }) = decode(bytes) {
                assert_eq!(encode(DEVICE_TO_HOST, code, payload).unwrap(), bytes);
            }
        };
        for f in &frames {
            for n in 0..=f.len() {
                check(&f[..n]);
            }
            for i in 0..f.len() * 8 {
                let mut g = f.clone();
                g[i / 8] ^= 0x80 >> (i % 8);
                check(&g);
            }
        }
        let mut seed = 0x9E37_79B9u32;
        for len in 0..600 {
            let noise: Vec<u8> = (0..len % 40)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    seed as u8
                })
                .collect();
            let mut framed = START.to_vec();
            framed.extend_from_slice(&noise);
            check(&noise);
            check(&framed);
        }
    }
}
