//! The Sony RC-S300 (NFC Port-400, USB 054C:0DC8 / 0DC9) over its **vendor interface**
//! (interface 1, class `FF`; the CCID interface 0 is a protected class in WebUSB) — **experimental**.
//!
//! Type B and ISO-DEP over this interface are **unconfirmed on hardware** (`docs/readers.md` §2.4,
//! addendum §2.4: no public code has read a My Number Card this way). This driver follows the
//! documented PC/SC 2.0 part 3 commands in Sony's `FF 50` form: a transparent session, the
//! protocol switched to ISO 14443 B **layer 3** (the reader adds and checks the CRC), and
//! everything above — SENSB_REQ, ATTRIB, ISO-DEP — done by the host with the same
//! [`typeb`](crate::reader::typeb) and [`isodep`](crate::reader::isodep) code as the RC-S380.
//! It is proved against the RC-S300 simulator only. **The supported RC-S300 path is PC/SC**
//! (pcscd + libccid ≥ 1.4.35, `jpki-verify card … --reader`).
//!
//! ```text
//! start      FF 50 00 00 02 82 00 00 (end) · 81 00 (start) · 83 00 (RF off) · 84 00 (RF on)
//! switch     FF 50 00 02 04 8F 02 01 03 00          ISO 14443 B (01), layer 3 (03)
//! exchange   FF 50 00 01 00 Lc(2) 90 02 00 1C · 5F 46 04 t(µs, LE) · 95 82 len(2) frame · 00 00 00
//! answer     C0 03 e SW1 SW2 · … · 97 LL card bytes · 90 00
//! ```
//!
//! An answer's generic status `C0` with SW `64 01` is taken as "no answer from the card" and any
//! other non-zero status as a transmission error (PC/SC part 3 error words; the RC-S300's exact
//! words for Type B are unconfirmed).

pub mod escape;
pub mod tlv;

use crate::error::{Error, Result};
use crate::reader::usb::{BulkDevice, READ_SIZE};
use crate::reader::{Initiator, RfFault};
use escape::{ReplyStatus, SLOT_BUSY};

/// USB product ids of the RC-S300/S and RC-S300/P.
pub const PRODUCT_IDS: [u16; 2] = [0x0DC8, 0x0DC9];

/// Manage-session data objects.
pub mod session {
    /// Start a transparent session.
    pub const START: [u8; 2] = [0x81, 0x00];
    /// End the transparent session.
    pub const END: [u8; 2] = [0x82, 0x00];
    /// RF field off.
    pub const RF_OFF: [u8; 2] = [0x83, 0x00];
    /// RF field on.
    pub const RF_ON: [u8; 2] = [0x84, 0x00];
}

/// Switch protocol: ISO 14443 B, layer 3.
pub const SWITCH_TYPE_B_LAYER_3: [u8; 4] = [0x8F, 0x02, 0x01, 0x03];

/// Transceive flags for Type B: the reader appends and discards the CRC (felica-rs).
pub const TYPE_B_FLAGS: [u8; 2] = [0x00, 0x1C];

/// SW of the generic status meaning "no answer from the card" (PC/SC part 3).
pub const SW_NO_ANSWER: [u8; 2] = [0x64, 0x01];

/// Time-extension replies accepted for one command before the reader is taken to be stuck.
pub const MAX_TIME_EXTENSIONS: u32 = 64;

/// How long the reader has to answer a command that does no RF, ms.
pub const COMMAND_TIMEOUT_MS: u32 = 1000;

/// An RC-S300 in a transparent session, configured for Type B layer 3 (experimental).
#[derive(Debug)]
pub struct Rcs300<D> {
    device: D,
    seq: u8,
    rf_on: bool,
    transfers: crate::reader::rcs380::TransferCount,
}

fn protocol(reason: String) -> Error {
    Error::ReaderProtocol { reason }
}

impl<D: BulkDevice> Rcs300<D> {
    /// Starts the transparent session (end, start, RF off, 30 ms, RF on, 21 ms) and switches
    /// to ISO 14443 B layer 3.
    pub async fn open(device: D) -> Result<Self> {
        let mut reader = Rcs300 {
            device,
            seq: 0,
            rf_on: false,
            transfers: Default::default(),
        };
        reader.initialise().await?;
        Ok(reader)
    }

    /// The start-up sequence again (after a timeout or a protocol error).
    pub async fn initialise(&mut self) -> Result<()> {
        self.manage(&session::END).await?;
        self.manage(&session::START).await?;
        self.manage(&session::RF_OFF).await?;
        self.device.pause(30).await;
        self.field_on().await
    }

    /// RF on (21 ms to settle) and the protocol switched to Type B layer 3.
    async fn field_on(&mut self) -> Result<()> {
        self.manage(&session::RF_ON).await?;
        self.device.pause(21).await;
        let [a, b, c, d] = SWITCH_TYPE_B_LAYER_3;
        self.command(&[0xFF, 0x50, 0x00, 0x02, 0x04, a, b, c, d, 0x00], COMMAND_TIMEOUT_MS)
            .await?;
        self.rf_on = true;
        Ok(())
    }

    /// USB transfers so far.
    pub fn transfers(&self) -> crate::reader::rcs380::TransferCount {
        self.transfers
    }

    /// The device underneath.
    pub fn device_mut(&mut self) -> &mut D {
        &mut self.device
    }

    /// The device back.
    pub fn into_device(self) -> D {
        self.device
    }

    /// RF off and the session ended.
    pub async fn close(mut self) -> Result<D> {
        let off = self.manage(&session::RF_OFF).await;
        self.manage(&session::END).await?;
        off.map(|_| self.device)
    }

    async fn manage(&mut self, dos: &[u8; 2]) -> Result<Vec<u8>> {
        let payload = [0xFF, 0x50, 0x00, 0x00, 0x02, dos[0], dos[1], 0x00];
        self.command(&payload, COMMAND_TIMEOUT_MS).await
    }

    /// One escape command; the reply payload without its final `90 00`. A slot-busy answer is
    /// retried (3 times, 50 ms apart); time extensions are waited for, at most
    /// [`MAX_TIME_EXTENSIONS`] of them.
    pub async fn command(&mut self, payload: &[u8], timeout_ms: u32) -> Result<Vec<u8>> {
        for _busy in 0..4 {
            self.seq = self.seq.wrapping_add(1);
            let frame = escape::encode_command(self.seq, payload)?;
            self.device.transfer_out(&frame).await?;
            self.transfers.out += 1;
            let mut stale = 0;
            let mut extensions = 0u32;
            loop {
                let bytes = self.device.transfer_in(READ_SIZE, timeout_ms).await?;
                self.transfers.r#in += 1;
                let reply = escape::decode_reply(&bytes)?;
                if reply.seq != self.seq {
                    stale += 1;
                    if stale > 2 {
                        return Err(protocol("RC-S300: replies to other commands".to_owned()));
                    }
                    continue;
                }
                match reply.status {
                    ReplyStatus::TimeExtension => {
                        extensions += 1;
                        if extensions > MAX_TIME_EXTENSIONS {
                            return Err(Error::ReaderTimeout {
                                what: "the RC-S300 kept asking for more time",
                            });
                        }
                        continue;
                    }
                    ReplyStatus::Failed(SLOT_BUSY) => break,
                    ReplyStatus::Failed(e) => {
                        return Err(protocol(format!("RC-S300 refused the command (bError {e:02X})")))
                    }
                    ReplyStatus::Success => {
                        return match reply.payload {
                            [body @ .., 0x90, 0x00] => Ok(body.to_vec()),
                            [.., a, b] => Err(protocol(format!("RC-S300 answered SW {a:02X}{b:02X}"))),
                            _ => Err(protocol("RC-S300 answer without a status word".to_owned())),
                        };
                    }
                }
            }
            self.device.pause(50).await;
        }
        Err(Error::ReaderTimeout {
            what: "the RC-S300 stayed busy",
        })
    }
}

/// The transparent-exchange payload for `frame` with a timeout of `timeout_ms`.
pub fn exchange_payload(frame: &[u8], timeout_ms: u32) -> Result<Vec<u8>> {
    let mut dos = Vec::with_capacity(frame.len() + 20);
    tlv::put(&mut dos, 0x90, &TYPE_B_FLAGS)?;
    tlv::put(&mut dos, 0x5F46, &timeout_ms.saturating_mul(1000).to_le_bytes())?;
    let len = u16::try_from(frame.len()).map_err(|_| protocol("frame longer than 65535 bytes".to_owned()))?;
    dos.extend_from_slice(&[0x95, 0x82]);
    dos.extend_from_slice(&len.to_be_bytes());
    dos.extend_from_slice(frame);
    let lc = u16::try_from(dos.len()).map_err(|_| protocol("exchange too long".to_owned()))?;
    let mut payload = vec![0xFF, 0x50, 0x00, 0x01, 0x00];
    payload.extend_from_slice(&lc.to_be_bytes());
    payload.extend_from_slice(&dos);
    payload.extend_from_slice(&[0x00, 0x00, 0x00]);
    Ok(payload)
}

impl<D: BulkDevice> Initiator for Rcs300<D> {
    async fn exchange(&mut self, frame: &[u8], timeout_ms: u32) -> Result<core::result::Result<Vec<u8>, RfFault>> {
        if !self.rf_on {
            self.field_on().await?;
        }
        let payload = exchange_payload(frame, timeout_ms)?;
        let body = self
            .command(&payload, timeout_ms.saturating_add(COMMAND_TIMEOUT_MS))
            .await?;
        let mut status = None;
        let mut card = None;
        for (tag, value) in tlv::parse(&body)? {
            match tag {
                0xC0 => status = Some(value),
                0x97 => card = Some(value),
                _ => {}
            }
        }
        match status {
            Some([0x00, ..]) | None => {}
            Some([_, a, b]) if [*a, *b] == SW_NO_ANSWER => return Ok(Err(RfFault::Timeout)),
            Some([_, a, b]) => return Ok(Err(RfFault::Transmission(u32::from(u16::from_be_bytes([*a, *b]))))),
            Some(_) => return Err(protocol("RC-S300: malformed status data object".to_owned())),
        }
        Ok(card.map(<[u8]>::to_vec).ok_or(RfFault::Timeout))
    }

    async fn pause(&mut self, ms: u32) {
        self.device.pause(ms).await;
    }

    fn now_ms(&mut self) -> u64 {
        self.device.now_ms()
    }

    async fn field_off(&mut self) -> Result<()> {
        self.rf_on = false;
        self.manage(&session::RF_OFF).await.map(|_| ())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::card::block_on;
    use crate::reader::tests::Script;

    /// A reader that answers every command with "time extension" ends in a typed timeout.
    #[test]
    fn endless_time_extensions_end() {
        let mut script = Script::new(64);
        script.reads = (0..200).map(|_| escape::encode_reply(1, 0x80, 0x01, &[])).collect();
        let mut reader = Rcs300 {
            device: &mut script,
            seq: 0,
            rf_on: false,
            transfers: Default::default(),
        };
        let e = block_on(reader.command(&[0xFF, 0x56, 0x00, 0x00], 100)).unwrap_err();
        assert_eq!(
            e,
            Error::ReaderTimeout {
                what: "the RC-S300 kept asking for more time"
            }
        );
    }

    /// Slot busy is retried, then reported.
    #[test]
    fn a_busy_slot_is_retried_then_reported() {
        let mut script = Script::new(64);
        script.reads = (1..=4)
            .map(|seq| escape::encode_reply(seq, 0x40, SLOT_BUSY, &[]))
            .collect();
        let mut reader = Rcs300 {
            device: &mut script,
            seq: 0,
            rf_on: false,
            transfers: Default::default(),
        };
        assert_eq!(
            block_on(reader.command(&[0xFF, 0x56, 0x00, 0x00], 100))
                .unwrap_err()
                .code(),
            "JPKI_READER_TIMEOUT"
        );
        assert_eq!(script.written.len(), 4);
    }
}
