//! RC-S380 chip commands (`docs/readers.md` §1.3, addendum §1.3; nfcpy `rcs380.Chipset`, Linux
//! `port100.c`). One command is one bulk OUT (plus a zero-length packet when the frame fills
//! whole packets) and two bulk IN transfers: the device's ACK, then its response frame
//! `D7 cc+1 …`. One command is in flight at a time (`&mut self`).
//!
//! ```text
//! code  command             request after D6 cc            response after D7 cc+1
//! 00    InSetRF             send_set send_type recv_set recv_type   status
//! 02    InSetProtocol       (id, value) pairs              status
//! 04    InCommRF            timeout (u16 LE, 0.1 ms) data  status (u32 LE) · 1 byte · data
//! 06    SwitchRF            00 off / 01 on                 status
//! 20    GetFirmwareVersion  —                              minor major
//! 22    GetPDDataVersion    —                              minor major
//! 28    GetCommandType      —                              8-byte big-endian mask
//! 2A    SetCommandType      01                             status
//! ```
//!
//! A read that times out cancels the command with the host's ACK (Linux `port100_abort_cmd`:
//! "An ack will cancel the last issued command") before reporting
//! [`ReaderTimeout`](Error::ReaderTimeout).

use super::frame::{self, Frame, ACK};
use crate::error::{Error, Result};
use crate::reader::usb::{BulkDevice, READ_SIZE};
use crate::reader::RfFault;

/// Command codes (nfcpy `Chipset.CMD`).
pub mod command {
    /// InSetRF.
    pub const IN_SET_RF: u8 = 0x00;
    /// InSetProtocol.
    pub const IN_SET_PROTOCOL: u8 = 0x02;
    /// InCommRF.
    pub const IN_COMM_RF: u8 = 0x04;
    /// SwitchRF.
    pub const SWITCH_RF: u8 = 0x06;
    /// GetFirmwareVersion.
    pub const GET_FIRMWARE_VERSION: u8 = 0x20;
    /// GetPDDataVersion.
    pub const GET_PD_DATA_VERSION: u8 = 0x22;
    /// GetCommandType.
    pub const GET_COMMAND_TYPE: u8 = 0x28;
    /// SetCommandType.
    pub const SET_COMMAND_TYPE: u8 = 0x2A;
}

/// InSetRF for 106 kbit/s Type B: `03 07 0F 07`.
pub const RF_106B: [u8; 4] = [0x03, 0x07, 0x0F, 0x07];

/// InSetProtocol defaults, sent before every technology-specific set (`docs/readers.md` §1.3).
pub const PROTOCOL_DEFAULTS: [u8; 38] = [
    0x00, 0x18, 0x01, 0x01, 0x02, 0x01, 0x03, 0x00, 0x04, 0x00, 0x05, 0x00, 0x06, 0x00, 0x07, 0x08, 0x08, 0x00, 0x09,
    0x00, 0x0A, 0x00, 0x0B, 0x00, 0x0C, 0x00, 0x0E, 0x04, 0x0F, 0x00, 0x10, 0x00, 0x11, 0x00, 0x12, 0x00, 0x13, 0x06,
];

/// InSetProtocol for Type B: add/check EOF and SOF, initial guard time 20 (nfcpy's keyword
/// arguments sorted by name, hence the order).
pub const PROTOCOL_TYPE_B: [u8; 10] = [0x0B, 0x01, 0x09, 0x01, 0x0C, 0x01, 0x0A, 0x01, 0x00, 0x14];

/// How long the chip has to ACK a command and to answer one that does no RF.
pub const COMMAND_TIMEOUT_MS: u32 = 1000;

/// Extra time given to the chip beyond an InCommRF's own RF timeout.
pub const IN_COMM_RF_MARGIN_MS: u32 = 500;

/// InCommRF status bits that mean "the bytes were damaged or cut short" (nfcpy
/// `CommunicationError`: PROTOCOL, PARITY, CRC, COLLISION, OVERFLOW, RECEIVE_LENGTH). ISO-DEP
/// recovers from these with R(NAK).
pub const STATUS_TRANSMISSION: u32 = 0x0000_0001 | 0x0000_0002 | 0x0000_0004 | 0x0000_0008 | 0x0000_0010 | 0x8000_0000;

/// InCommRF status bit RECEIVE_TIMEOUT: nothing came back (no card, or a lost block).
pub const STATUS_RECEIVE_TIMEOUT: u32 = 0x0000_0080;

/// Names of the InCommRF status bits (nfcpy `CommunicationError`).
const STATUS_NAMES: [(u32, &str); 12] = [
    (0x0000_0001, "PROTOCOL"),
    (0x0000_0002, "PARITY"),
    (0x0000_0004, "CRC"),
    (0x0000_0008, "COLLISION"),
    (0x0000_0010, "OVERFLOW"),
    (0x0000_0040, "TEMPERATURE"),
    (0x0000_0080, "RECEIVE_TIMEOUT"),
    (0x0000_0100, "CRYPTO1"),
    (0x0000_0200, "RFCA"),
    (0x0000_0400, "RF_OFF"),
    (0x0000_0800, "TRANSMIT_TIMEOUT"),
    (0x8000_0000, "RECEIVE_LENGTH"),
];

/// The status byte names of the one-byte-status commands (nfcpy `StatusError`).
const STATUS_BYTE_NAMES: [&str; 8] = [
    "SUCCESS",
    "PARAMETER_ERROR",
    "PB_ERROR",
    "RFCA_ERROR",
    "TEMPERATURE_ERROR",
    "PWD_ERROR",
    "RECEIVE_ERROR",
    "COMMANDTYPE_ERROR",
];

/// The InCommRF timeout field for `ms` milliseconds: `min((ms + 1) × 10, 0xFFFF)` in units of
/// 0.1 ms, 0 staying 0 (nfcpy `in_comm_rf`; its tests: 30 → `36 01`, 1000 → `1A 27`,
/// 100 → `F2 03`, 1 → `14 00`).
pub fn in_comm_rf_timeout(ms: u32) -> [u8; 2] {
    if ms == 0 {
        return [0, 0];
    }
    let units = (u64::from(ms) + 1) * 10;
    u16::try_from(units).unwrap_or(u16::MAX).to_le_bytes()
}

/// The firmware version a chip reports (`11 01` → 1.11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Version {
    /// Major.
    pub major: u8,
    /// Minor (shown in hex, as nfcpy does: `11` → "1.11").
    pub minor: u8,
}

impl core::fmt::Display for Version {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}.{:02x}", self.major, self.minor)
    }
}

/// USB transfers made so far (for `make bench`: transfers per account opening).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TransferCount {
    /// Bulk OUT transfers, zero-length packets included.
    pub out: u64,
    /// Bulk IN transfers that returned data.
    pub r#in: u64,
}

/// An RC-S380 chip behind a [`BulkDevice`].
#[derive(Debug)]
pub struct Chip<D> {
    device: D,
    transfers: TransferCount,
}

fn protocol(reason: String) -> Error {
    Error::ReaderProtocol { reason }
}

impl<D: BulkDevice> Chip<D> {
    /// Wraps `device` (nothing is sent yet; see [`Chip::initialise`]).
    pub fn new(device: D) -> Self {
        Chip {
            device,
            transfers: TransferCount::default(),
        }
    }

    /// The device (for pauses and the clock).
    pub fn device(&mut self) -> &mut D {
        &mut self.device
    }

    /// Gives the device back.
    pub fn into_device(self) -> D {
        self.device
    }

    /// USB transfers made so far.
    pub fn transfers(&self) -> TransferCount {
        self.transfers
    }

    async fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.device.transfer_out(bytes).await?;
        self.transfers.out += 1;
        if frame::needs_zero_length_packet(bytes.len(), self.device.max_packet_size()) {
            self.device.transfer_out(&[]).await?;
            self.transfers.out += 1;
        }
        Ok(())
    }

    async fn read(&mut self, timeout_ms: u32, what: &'static str) -> Result<Vec<u8>> {
        match self.device.transfer_in(READ_SIZE, timeout_ms).await {
            Ok(bytes) => {
                self.transfers.r#in += 1;
                Ok(bytes)
            }
            Err(Error::ReaderTimeout { .. }) => {
                // Cancel the command in the chip; if even that fails, the timeout is still the
                // news (the adapter re-initialises the reader).
                let _ = self.write(&ACK).await;
                Err(Error::ReaderTimeout { what })
            }
            Err(e) => Err(e),
        }
    }

    /// Sends the host's ACK: soft reset, cancels the command in progress.
    pub async fn cancel(&mut self) -> Result<()> {
        self.write(&ACK).await
    }

    /// Sends command `code` with `params` and returns the response payload (after
    /// `D7 code+1`), waiting up to `timeout_ms` for the response after the ACK.
    pub async fn command(&mut self, code: u8, params: &[u8], timeout_ms: u32) -> Result<Vec<u8>> {
        let request = frame::encode_command(code, params)?;
        self.write(&request).await?;
        let ack = self.read(COMMAND_TIMEOUT_MS, "the reader's ACK").await?;
        match frame::decode(&ack)? {
            Frame::Ack => {}
            Frame::Error => return Err(protocol(format!("the reader refused command {code:02X} (error frame)"))),
            _ => return Err(protocol(format!("no ACK for command {code:02X}"))),
        }
        let response = self.read(timeout_ms, "the reader's response").await?;
        frame::response_to(code, &response).map(<[u8]>::to_vec)
    }

    /// A command whose response is one status byte that must be `00` SUCCESS.
    async fn status_command(&mut self, code: u8, params: &[u8]) -> Result<()> {
        let response = self.command(code, params, COMMAND_TIMEOUT_MS).await?;
        match response.as_slice() {
            [0] => Ok(()),
            [status] => Err(protocol(format!(
                "command {code:02X} failed with status {status:02X} {}",
                STATUS_BYTE_NAMES.get(usize::from(*status)).unwrap_or(&"(unknown)")
            ))),
            _ => Err(protocol(format!(
                "command {code:02X}: {} status bytes, not 1",
                response.len()
            ))),
        }
    }

    /// GetCommandType: the bit mask of supported command types.
    pub async fn get_command_type(&mut self) -> Result<u64> {
        let response = self.command(command::GET_COMMAND_TYPE, &[], COMMAND_TIMEOUT_MS).await?;
        let mask: [u8; 8] = response
            .as_slice()
            .try_into()
            .map_err(|_| protocol(format!("GetCommandType: {} bytes, not 8", response.len())))?;
        Ok(u64::from_be_bytes(mask))
    }

    /// SetCommandType.
    pub async fn set_command_type(&mut self, command_type: u8) -> Result<()> {
        self.status_command(command::SET_COMMAND_TYPE, &[command_type]).await
    }

    async fn version(&mut self, code: u8, name: &str) -> Result<Version> {
        let response = self.command(code, &[], COMMAND_TIMEOUT_MS).await?;
        match response.as_slice() {
            [minor, major] => Ok(Version {
                major: *major,
                minor: *minor,
            }),
            _ => Err(protocol(format!("{name}: {} bytes, not 2", response.len()))),
        }
    }

    /// GetFirmwareVersion.
    pub async fn firmware_version(&mut self) -> Result<Version> {
        self.version(command::GET_FIRMWARE_VERSION, "GetFirmwareVersion").await
    }

    /// GetPDDataVersion.
    pub async fn pd_data_version(&mut self) -> Result<Version> {
        self.version(command::GET_PD_DATA_VERSION, "GetPDDataVersion").await
    }

    /// SwitchRF: the RF field on or off.
    pub async fn switch_rf(&mut self, on: bool) -> Result<()> {
        self.status_command(command::SWITCH_RF, &[u8::from(on)]).await
    }

    /// InSetRF with the four settings bytes (e.g. [`RF_106B`]).
    pub async fn in_set_rf(&mut self, settings: [u8; 4]) -> Result<()> {
        self.status_command(command::IN_SET_RF, &settings).await
    }

    /// InSetProtocol with `(id, value)` pairs.
    pub async fn in_set_protocol(&mut self, pairs: &[u8]) -> Result<()> {
        if !pairs.len().is_multiple_of(2) {
            return Err(protocol("InSetProtocol needs (id, value) pairs".to_owned()));
        }
        self.status_command(command::IN_SET_PROTOCOL, pairs).await
    }

    /// The three commands that configure 106 kbit/s Type B: InSetRF, the protocol defaults,
    /// the Type B set (nfcpy sends them before every exchange; `docs/readers.md` §1.6).
    pub async fn configure_type_b(&mut self) -> Result<()> {
        self.in_set_rf(RF_106B).await?;
        self.in_set_protocol(&PROTOCOL_DEFAULTS).await?;
        self.in_set_protocol(&PROTOCOL_TYPE_B).await
    }

    /// InCommRF: sends `data` to the card (the chip adds the CRC) and returns what the card
    /// answered within `timeout_ms`, or the fault the chip reported. Status bits other than
    /// the transmission faults and RECEIVE_TIMEOUT (temperature, RF off, transmit timeout …)
    /// are reader failures: [`Error::ReaderProtocol`].
    pub async fn in_comm_rf(&mut self, data: &[u8], timeout_ms: u32) -> Result<core::result::Result<Vec<u8>, RfFault>> {
        let mut params = in_comm_rf_timeout(timeout_ms).to_vec();
        params.extend_from_slice(data);
        let wait = timeout_ms.saturating_add(IN_COMM_RF_MARGIN_MS);
        let response = self.command(command::IN_COMM_RF, &params, wait).await?;
        let Some((status, rest)) = response.split_first_chunk::<4>() else {
            return Err(protocol(format!("InCommRF: {} bytes, no status", response.len())));
        };
        let status = u32::from_le_bytes(*status);
        if status == 0 {
            let Some((_, received)) = rest.split_first() else {
                return Err(protocol("InCommRF: status OK but no data".to_owned()));
            };
            return Ok(Ok(received.to_vec()));
        }
        if status & !(STATUS_TRANSMISSION | STATUS_RECEIVE_TIMEOUT) != 0 {
            return Err(protocol(format!("InCommRF failed: {}", status_names(status))));
        }
        if status & STATUS_TRANSMISSION != 0 {
            return Ok(Err(RfFault::Transmission(status)));
        }
        Ok(Err(RfFault::Timeout))
    }

    /// Start-up (`docs/readers.md` §1.5, recommended sequence): ACK (soft reset), drain what an
    /// earlier session left (reads of 10 ms until one times out, at most 8), GetCommandType
    /// (type 1 must be supported), SetCommandType 1, GetFirmwareVersion, SwitchRF off.
    pub async fn initialise(&mut self) -> Result<Version> {
        self.write(&ACK).await?;
        for _ in 0..8 {
            match self.device.transfer_in(READ_SIZE, 10).await {
                Ok(_) => self.transfers.r#in += 1,
                Err(Error::ReaderTimeout { .. }) => break,
                Err(e) => return Err(e),
            }
        }
        let types = self.get_command_type().await?;
        if types & 0b10 == 0 {
            return Err(protocol(format!(
                "the chip does not support command type 1 (mask {types:016X}); not an RC-S380?"
            )));
        }
        self.set_command_type(1).await?;
        let version = self.firmware_version().await?;
        self.switch_rf(false).await?;
        Ok(version)
    }

    /// Field off and ACK (nfcpy `Chipset.close`, `docs/readers.md` §1.7).
    pub async fn close(&mut self) -> Result<()> {
        let off = self.switch_rf(false).await;
        self.write(&ACK).await?;
        off
    }
}

/// `PROTOCOL|CRC` style names of InCommRF status bits.
pub fn status_names(status: u32) -> String {
    let names: Vec<&str> = STATUS_NAMES
        .iter()
        .filter(|(bit, _)| status & bit != 0)
        .map(|(_, name)| *name)
        .collect();
    let known: u32 = STATUS_NAMES.iter().map(|(bit, _)| bit).fold(0, |a, b| a | b);
    if status & !known != 0 {
        format!("{} (status {status:08X})", names.join("|"))
    } else {
        format!("{} ({status:08X})", names.join("|"))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::card::block_on;
    use crate::reader::tests::Script;

    #[test]
    fn timeout_field_matches_nfcpy() {
        assert_eq!(in_comm_rf_timeout(30), [0x36, 0x01]);
        assert_eq!(in_comm_rf_timeout(1000), [0x1A, 0x27]);
        assert_eq!(in_comm_rf_timeout(100), [0xF2, 0x03]);
        assert_eq!(in_comm_rf_timeout(1), [0x14, 0x00]);
        assert_eq!(in_comm_rf_timeout(0), [0x00, 0x00]);
        assert_eq!(in_comm_rf_timeout(80), [0x2A, 0x03]);
        assert_eq!(in_comm_rf_timeout(10_000), [0xFF, 0xFF]);
        assert_eq!(in_comm_rf_timeout(u32::MAX), [0xFF, 0xFF]);
    }

    fn rsp(code: u8, payload: &[u8]) -> Vec<u8> {
        frame::encode_response(code, payload).unwrap()
    }

    #[test]
    fn initialise_sends_the_recommended_sequence() {
        let mut script = Script::new(64);
        script.reads = vec![
            Err(Error::ReaderTimeout { what: "drain" }),
            Ok(ACK.to_vec()),
            Ok(rsp(0x28, &[0, 0, 0, 0, 0, 0, 0, 3])),
            Ok(ACK.to_vec()),
            Ok(rsp(0x2A, &[0])),
            Ok(ACK.to_vec()),
            Ok(rsp(0x20, &[0x11, 0x01])),
            Ok(ACK.to_vec()),
            Ok(rsp(0x06, &[0])),
        ]
        .into();
        let mut chip = Chip::new(&mut script);
        let version = block_on(chip.initialise()).unwrap();
        assert_eq!(version.to_string(), "1.11");
        assert_eq!(chip.transfers(), TransferCount { out: 5, r#in: 8 });
        let hex: Vec<String> = script.written.iter().map(|w| crate::encoding::hex_lower(w)).collect();
        assert_eq!(
            hex,
            [
                "0000ff00ff00",
                "0000ffffff0200fed6280200",
                "0000ffffff0300fdd62a01ff00",
                "0000ffffff0200fed6200a00",
                "0000ffffff0300fdd606002400",
            ]
        );
    }

    #[test]
    fn in_comm_rf_status_bits() {
        let cases: [(&[u8], &str); 5] = [
            (&[0, 0, 0, 0, 0x08, 0x50, 1], "ok"),
            (&[0x80, 0, 0, 0], "timeout"),
            (&[0x04, 0, 0, 0], "crc"),
            (&[0x00, 0x04, 0, 0], "rf off"),
            (&[0, 0], "short"),
        ];
        for (payload, what) in cases {
            let mut script = Script::new(64);
            script.reads = vec![Ok(ACK.to_vec()), Ok(rsp(0x04, payload))].into();
            let r = block_on(Chip::new(&mut script).in_comm_rf(&[0x05, 0x00, 0x10], 30));
            match what {
                "ok" => assert_eq!(r.unwrap(), Ok(vec![0x50, 1])),
                "timeout" => assert_eq!(r.unwrap(), Err(RfFault::Timeout)),
                "crc" => assert_eq!(r.unwrap(), Err(RfFault::Transmission(4))),
                "rf off" => assert!(r.unwrap_err().to_string().contains("RF_OFF"), "{what}"),
                _ => assert_eq!(r.unwrap_err().code(), "JPKI_READER_PROTOCOL"),
            }
            // The §1.4 frame for SENSB_REQ with 30 ms.
            assert_eq!(
                crate::encoding::hex_lower(&script.written[0]),
                "0000ffffff0700f9d6043601050010da00"
            );
        }
    }

    #[test]
    fn a_silent_reader_is_cancelled_with_an_ack() {
        let mut script = Script::new(64);
        script.reads = vec![Ok(ACK.to_vec()), Err(Error::ReaderTimeout { what: "sim" })].into();
        let r = block_on(Chip::new(&mut script).switch_rf(false));
        assert_eq!(
            r,
            Err(Error::ReaderTimeout {
                what: "the reader's response"
            })
        );
        assert_eq!(script.written.last().unwrap(), &ACK.to_vec());
    }

    #[test]
    fn refusals_and_wrong_answers_are_typed() {
        let cases: [(Vec<u8>, &str); 4] = [
            (frame::ERROR_FRAME.to_vec(), "error frame"),
            (rsp(0x06, &[0]), "no ACK"),
            (ACK.to_vec(), "ACK"),
            (rsp(0x00, &[1]), "PARAMETER_ERROR"),
        ];
        for (i, (second, want)) in cases.into_iter().enumerate() {
            let mut script = Script::new(64);
            script.reads = if i < 2 {
                vec![Ok(second)].into()
            } else {
                vec![Ok(ACK.to_vec()), Ok(second)].into()
            };
            let e = block_on(Chip::new(&mut script).in_set_rf(RF_106B)).unwrap_err();
            assert_eq!(e.code(), "JPKI_READER_PROTOCOL");
            assert!(e.to_string().contains(want), "{e} / {want}");
        }
    }

    #[test]
    fn zero_length_packet_after_a_full_packet() {
        let mut script = Script::new(16);
        script.reads = vec![Ok(ACK.to_vec()), Ok(rsp(0x02, &[0]))].into();
        // 6 pairs: DATA = 2 + 12 = 14 bytes, frame = 24 bytes: not a multiple of 16.
        block_on(Chip::new(&mut script).in_set_protocol(&[0; 12])).unwrap();
        assert_eq!(script.written.len(), 1);
        let mut script = Script::new(16);
        script.reads = vec![Ok(ACK.to_vec()), Ok(rsp(0x02, &[0]))].into();
        // 10 pairs + 2 = 22 DATA bytes → a 32-byte frame: two full packets, then a ZLP.
        let mut chip = Chip::new(&mut script);
        block_on(chip.in_set_protocol(&[0; 20])).unwrap();
        assert_eq!(chip.transfers().out, 2);
        assert_eq!(script.written[1], Vec::<u8>::new());
    }

    #[test]
    fn status_names_read_well() {
        assert_eq!(status_names(0x84), "CRC|RECEIVE_TIMEOUT (00000084)");
        assert!(status_names(0x0002_0000).contains("status 00020000"));
    }
}
