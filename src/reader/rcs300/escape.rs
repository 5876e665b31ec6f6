//! The RC-S300's vendor-interface envelope: CCID-style escape messages (`docs/readers.md` §2.2,
//! addendum §2.2; felica-rs `pcsc/ccid.rs`, marimelon `RCS300Packet.ts`).
//!
//! ```text
//! PC_to_RDR_Escape  6B LEN(4, LE) 00(slot) SEQ 00 00 00 payload…
//! RDR_to_PC_Escape  83 LEN(4, LE) slot SEQ bStatus bError bRFU payload…
//!                   bStatus >> 6: 0 success · 1 failed (bError E0 = slot busy) · 2 time extension
//! ```
//!
//! One command is one bulk OUT and one bulk IN transfer (no ACK frames, unlike the RC-S380).

use crate::error::{Error, Result};

/// PC_to_RDR_Escape.
pub const PC_TO_RDR_ESCAPE: u8 = 0x6B;
/// RDR_to_PC_Escape.
pub const RDR_TO_PC_ESCAPE: u8 = 0x83;
/// Header bytes before the payload.
pub const HEADER: usize = 10;
/// bError for "slot busy" (retry later).
pub const SLOT_BUSY: u8 = 0xE0;

fn bad(what: String) -> Error {
    Error::ReaderProtocol {
        reason: format!("RC-S300 escape: {what}"),
    }
}

fn header(kind: u8, seq: u8, payload: &[u8], status: u8, error: u8) -> Result<Vec<u8>> {
    let len = u32::try_from(payload.len()).map_err(|_| bad("payload too long".to_owned()))?;
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.push(kind);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&[0x00, seq, status, error, 0x00]);
    out.extend_from_slice(payload);
    Ok(out)
}

/// The host's escape message carrying `payload`.
pub fn encode_command(seq: u8, payload: &[u8]) -> Result<Vec<u8>> {
    header(PC_TO_RDR_ESCAPE, seq, payload, 0, 0)
}

/// The reader's answer (for the simulator).
pub fn encode_reply(seq: u8, status: u8, error: u8, payload: &[u8]) -> Result<Vec<u8>> {
    header(RDR_TO_PC_ESCAPE, seq, payload, status, error)
}

/// What the reader said about a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyStatus {
    /// The payload is the answer.
    Success,
    /// The command failed; `SLOT_BUSY` means "try again".
    Failed(u8),
    /// The reader needs more time: keep reading.
    TimeExtension,
}

/// A validated reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reply<'a> {
    /// The sequence number it answers.
    pub seq: u8,
    /// Success, failure or time extension.
    pub status: ReplyStatus,
    /// The payload.
    pub payload: &'a [u8],
}

fn split(kind: u8, bytes: &[u8]) -> Result<(u8, u8, u8, &[u8])> {
    let Some((head, payload)) = bytes.split_first_chunk::<HEADER>() else {
        return Err(bad(format!("{} bytes, shorter than the header", bytes.len())));
    };
    if head[0] != kind {
        return Err(bad(format!("message type {:02X}, expected {kind:02X}", head[0])));
    }
    let len = u32::from_le_bytes([head[1], head[2], head[3], head[4]]);
    if usize::try_from(len).ok() != Some(payload.len()) {
        return Err(bad(format!("LEN {len} but {} payload bytes", payload.len())));
    }
    if head[5] != 0 {
        return Err(bad(format!("slot {}", head[5])));
    }
    Ok((head[6], head[7], head[8], payload))
}

/// Validates one reply transfer.
pub fn decode_reply(bytes: &[u8]) -> Result<Reply<'_>> {
    let (seq, status, error, payload) = split(RDR_TO_PC_ESCAPE, bytes)?;
    let status = match status >> 6 {
        0 => ReplyStatus::Success,
        1 => ReplyStatus::Failed(error),
        2 => ReplyStatus::TimeExtension,
        _ => return Err(bad(format!("bStatus {status:02X}"))),
    };
    Ok(Reply { seq, status, payload })
}

/// The simulator's side: a host escape message's sequence number and payload.
pub fn decode_command(bytes: &[u8]) -> Result<(u8, &[u8])> {
    let (seq, _, _, payload) = split(PC_TO_RDR_ESCAPE, bytes)?;
    Ok((seq, payload))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// docs/readers.md §2.3: the FeliCa polling sequence's first frame, byte for byte.
    #[test]
    fn frames_of_readers_md() {
        let end = encode_command(1, &[0xFF, 0x50, 0x00, 0x00, 0x02, 0x82, 0x00, 0x00]).unwrap();
        assert_eq!(
            end,
            [0x6B, 0x08, 0, 0, 0, 0x00, 0x01, 0, 0, 0, 0xFF, 0x50, 0x00, 0x00, 0x02, 0x82, 0x00, 0x00]
        );
        assert_eq!(decode_command(&end).unwrap(), (1, &end[10..]));
        let reply = encode_reply(1, 0x00, 0x00, &[0x90, 0x00]).unwrap();
        assert_eq!(decode_reply(&reply).unwrap().payload, [0x90, 0x00]);
        let busy = encode_reply(2, 0x40, SLOT_BUSY, &[]).unwrap();
        assert_eq!(decode_reply(&busy).unwrap().status, ReplyStatus::Failed(SLOT_BUSY));
        let wait = encode_reply(2, 0x80, 0x01, &[]).unwrap();
        assert_eq!(decode_reply(&wait).unwrap().status, ReplyStatus::TimeExtension);
    }

    #[test]
    fn hostile_replies_are_typed_errors() {
        let good = encode_reply(3, 0, 0, &[1, 2, 3, 0x90, 0x00]).unwrap();
        for n in 0..good.len() {
            assert_eq!(decode_reply(&good[..n]).unwrap_err().code(), "JPKI_READER_PROTOCOL");
        }
        for i in 0..HEADER {
            for bit in 0..8 {
                let mut g = good.clone();
                g[i] ^= 1 << bit;
                let _ = decode_reply(&g); // never panics
            }
        }
        let mut wrong = good.clone();
        wrong[0] = 0x80;
        assert!(decode_reply(&wrong).is_err());
        wrong = good.clone();
        wrong[7] = 0xC0;
        assert!(decode_reply(&wrong).is_err());
    }
}
