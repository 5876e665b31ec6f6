//! ISO/IEC 7816-4 command and response APDUs, **short form only**.
//!
//! ```text
//! command  = CLA INS P1 P2 [Lc data] [Le]          ISO/IEC 7816-4:2020 §5.2 (table 1)
//!   case 1: CLA INS P1 P2                           no data, no answer data
//!   case 2: CLA INS P1 P2 Le                        Le = 01..FF, 00 means 256
//!   case 3: CLA INS P1 P2 Lc data                   Lc = 01..FF
//!   case 4: CLA INS P1 P2 Lc data Le
//! response = [data] SW1 SW2                         §5.6 (status bytes, table 5 / 6)
//! ```
//!
//! Every public JPKI implementation uses short APDUs only (READ BINARY in chunks of at most 256
//! bytes, COMPUTE DIGITAL SIGNATURE with a 51-byte DigestInfo and `Le = 00`), and
//! extended-length support on the card is unconfirmed (docs/jpki-facts.md §1.1), so this codec
//! refuses to *encode* anything longer, and [`Command::parse`] treats an extended-length command
//! (a zero byte where a short Lc would be) as malformed.

use core::fmt;

use crate::error::{Error, Result};

/// Largest data field of a short command APDU (`Lc` is one byte, `01`–`FF`).
pub const MAX_SHORT_LC: usize = 255;
/// Largest `Le` of a short command APDU (encoded as `00`).
pub const MAX_SHORT_LE: u16 = 256;

/// INS bytes used by this module and the guard (ISO/IEC 7816-4:2020 §11, table 4 plus the
/// JPKI-proprietary signature command).
pub mod ins {
    /// SELECT (§11.2.2).
    pub const SELECT: u8 = 0xA4;
    /// READ BINARY, even INS (§11.3.3): P1-P2 is an offset, or `1 0 0 SFI(5)` `offset(8)`.
    pub const READ_BINARY: u8 = 0xB0;
    /// VERIFY, even INS (§11.5.6): `00 20 00 P2 [Lc data]`.
    pub const VERIFY: u8 = 0x20;
    /// GET RESPONSE (§11.7.1): `00 C0 00 00 Le`, fetches the bytes a `61xx` announced.
    pub const GET_RESPONSE: u8 = 0xC0;
    /// COMPUTE DIGITAL SIGNATURE as the JPKI AP implements it with CLA `80`:
    /// `80 2A 00 80 Lc DigestInfo 00` (docs/jpki-facts.md §1.6; ISO/IEC 7816-8 PSO has P1P2 `9E 9A`).
    pub const COMPUTE_DIGITAL_SIGNATURE: u8 = 0x2A;
}

/// A command APDU. Build it with the fields; [`Command::encode`] checks the short-form limits.
///
/// `Debug` never prints the data field of VERIFY / CHANGE REFERENCE DATA / RESET RETRY COUNTER
/// (INS `20`, `21`, `24`, `2C`): those carry PINs.
#[derive(Clone, PartialEq, Eq)]
pub struct Command {
    /// Class byte: `00` interindustry, `80` proprietary (JPKI signature).
    pub cla: u8,
    /// Instruction byte.
    pub ins: u8,
    /// Parameter 1.
    pub p1: u8,
    /// Parameter 2.
    pub p2: u8,
    /// Command data (`Lc` is its length; empty for cases 1 and 2).
    pub data: Vec<u8>,
    /// Expected response length, 1–256 (`None` for cases 1 and 3).
    pub le: Option<u16>,
}

impl Command {
    /// A case-1 command `CLA INS P1 P2` (add `data` / `le` with the builder methods).
    pub fn new(cla: u8, ins: u8, p1: u8, p2: u8) -> Self {
        Command {
            cla,
            ins,
            p1,
            p2,
            data: Vec::new(),
            le: None,
        }
    }

    /// Sets the data field.
    pub fn with_data(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.data = data.into();
        self
    }

    /// Sets `Le` (1–256; 256 is encoded as `00`).
    pub fn with_le(mut self, le: u16) -> Self {
        self.le = Some(le);
        self
    }

    /// Encodes the short APDU: `CLA INS P1 P2 [Lc data] [Le]`, `Lc ≤ 255`, `Le` in 1..=256 with
    /// 256 written as `00` (ISO/IEC 7816-4:2020 §5.2). Anything longer is refused with
    /// [`Error::InvalidOptions`] (extended length is not used with JPKI cards).
    pub fn encode(&self) -> Result<Vec<u8>> {
        if self.data.len() > MAX_SHORT_LC {
            return Err(Error::InvalidOptions {
                reason: format!(
                    "APDU data of {} bytes exceeds the short-APDU limit of {MAX_SHORT_LC}",
                    self.data.len()
                ),
            });
        }
        let mut out = Vec::with_capacity(6 + self.data.len());
        out.extend_from_slice(&[self.cla, self.ins, self.p1, self.p2]);
        if !self.data.is_empty() {
            // Checked above: the length fits one byte.
            out.push(u8::try_from(self.data.len()).unwrap_or(u8::MAX));
            out.extend_from_slice(&self.data);
        }
        if let Some(le) = self.le {
            out.push(encode_le(le)?);
        }
        Ok(out)
    }

    /// Parses a short command APDU by the four cases of ISO/IEC 7816-4:2020 §5.2 (4 bytes: case
    /// 1; 5: case 2; `5 + Lc`: case 3; `6 + Lc`: case 4, with `Le = 00` meaning 256). `None` for
    /// anything else, including the extended-length form (`00` where a short Lc would be).
    pub fn parse(bytes: &[u8]) -> Option<Command> {
        parse_short(bytes).map(|v| Command {
            cla: v.cla,
            ins: v.ins,
            p1: v.p1,
            p2: v.p2,
            data: v.data.to_vec(),
            le: v.le,
        })
    }
}

/// `Le` byte of a short APDU: 1..=255 as is, 256 as `00`.
fn encode_le(le: u16) -> Result<u8> {
    match le {
        256 => Ok(0),
        1..=255 => Ok(u8::try_from(le).unwrap_or(0)),
        _ => Err(Error::InvalidOptions {
            reason: format!("Le {le} is outside the short-APDU range 1..=256"),
        }),
    }
}

/// Whether this INS carries reference data (a PIN or password) in its data field.
pub(crate) fn carries_secret(ins: u8) -> bool {
    matches!(ins, 0x20 | 0x21 | 0x24 | 0x2C)
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Command({:02X} {:02X} {:02X} {:02X}",
            self.cla, self.ins, self.p1, self.p2
        )?;
        if !self.data.is_empty() {
            if carries_secret(self.ins) {
                write!(f, " Lc={} <redacted>", self.data.len())?;
            } else {
                write!(f, " Lc={} data=", self.data.len())?;
                for b in &self.data {
                    write!(f, "{b:02X}")?;
                }
            }
        }
        if let Some(le) = self.le {
            write!(f, " Le={le}")?;
        }
        write!(f, ")")
    }
}

/// A borrowed view of a parsed short command APDU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ApduView<'a> {
    pub(crate) cla: u8,
    pub(crate) ins: u8,
    pub(crate) p1: u8,
    pub(crate) p2: u8,
    pub(crate) data: &'a [u8],
    pub(crate) le: Option<u16>,
}

/// Parses a short command APDU by the four cases of ISO/IEC 7816-4:2020 §5.2:
///
/// ```text
/// 4 bytes                 case 1
/// 5 bytes                 case 2, Le = b5 (00 = 256)
/// 5 + Lc bytes, Lc = b5   case 3 (Lc ≠ 00)
/// 6 + Lc bytes, Lc = b5   case 4, Le = last byte (00 = 256)
/// ```
///
/// `b5 = 00` followed by more bytes is the extended-length form and is not accepted; neither is
/// any length that fits no case.
pub(crate) fn parse_short(bytes: &[u8]) -> Option<ApduView<'_>> {
    let (&[cla, ins, p1, p2], body) = bytes.split_first_chunk::<4>()?;
    let le_of = |b: u8| if b == 0 { 256 } else { u16::from(b) };
    let (data, le): (&[u8], Option<u16>) = match body {
        [] => (&[], None),
        [le] => (&[], Some(le_of(*le))),
        [0, ..] => return None,
        [lc, rest @ ..] => {
            let lc = usize::from(*lc);
            if rest.len() == lc {
                (rest, None)
            } else if rest.len() == lc + 1 {
                let (data, le) = rest.split_at(lc);
                (data, le.first().map(|b| le_of(*b)))
            } else {
                return None;
            }
        }
    };
    Some(ApduView {
        cla,
        ins,
        p1,
        p2,
        data,
        le,
    })
}

/// A status word `SW1 SW2` (ISO/IEC 7816-4:2020 §5.6, tables 5 and 6), with the values a JPKI
/// client meets named.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusWord(pub u16);

impl StatusWord {
    /// `9000` normal processing.
    pub const SUCCESS: StatusWord = StatusWord(0x9000);
    /// `6282` end of file reached before reading Le bytes.
    pub const END_OF_FILE: StatusWord = StatusWord(0x6282);
    /// `63C0` verification failed, no try left: the reference data is now blocked (the answer
    /// of the attempt that exhausts the counter, and of the no-data query on a blocked PIN).
    pub const PIN_BLOCKED_NOW: StatusWord = StatusWord(0x63C0);
    /// `6700` wrong length (Lc or Le).
    pub const WRONG_LENGTH: StatusWord = StatusWord(0x6700);
    /// `6881` logical channel not supported.
    pub const CHANNEL_NOT_SUPPORTED: StatusWord = StatusWord(0x6881);
    /// `6882` secure messaging not supported.
    pub const SM_NOT_SUPPORTED: StatusWord = StatusWord(0x6882);
    /// `6981` command incompatible with file structure.
    pub const INCOMPATIBLE_FILE: StatusWord = StatusWord(0x6981);
    /// `6982` security status not satisfied (PIN not verified).
    pub const SECURITY_STATUS_NOT_SATISFIED: StatusWord = StatusWord(0x6982);
    /// `6983` authentication method blocked.
    pub const AUTH_METHOD_BLOCKED: StatusWord = StatusWord(0x6983);
    /// `6984` reference data not usable — on JPKI cards: the PIN is blocked (every attempt
    /// after the one that blocked it; docs/jpki-facts.md §1.5).
    pub const REFERENCE_DATA_NOT_USABLE: StatusWord = StatusWord(0x6984);
    /// `6985` conditions of use not satisfied.
    pub const CONDITIONS_NOT_SATISFIED: StatusWord = StatusWord(0x6985);
    /// `6986` command not allowed (no current EF).
    pub const NO_CURRENT_EF: StatusWord = StatusWord(0x6986);
    /// `6A80` incorrect parameters in the data field.
    pub const INCORRECT_DATA: StatusWord = StatusWord(0x6A80);
    /// `6A82` file or application not found.
    pub const FILE_NOT_FOUND: StatusWord = StatusWord(0x6A82);
    /// `6A86` incorrect parameters P1-P2.
    pub const INCORRECT_P1P2: StatusWord = StatusWord(0x6A86);
    /// `6A88` referenced data or reference data not found.
    pub const REFERENCE_NOT_FOUND: StatusWord = StatusWord(0x6A88);
    /// `6B00` wrong parameters P1-P2 (offset outside the EF).
    pub const WRONG_P1P2: StatusWord = StatusWord(0x6B00);
    /// `6D00` instruction code not supported or invalid.
    pub const INS_NOT_SUPPORTED: StatusWord = StatusWord(0x6D00);
    /// `6E00` class not supported.
    pub const CLA_NOT_SUPPORTED: StatusWord = StatusWord(0x6E00);
    /// `6F00` no precise diagnosis.
    pub const NO_PRECISE_DIAGNOSIS: StatusWord = StatusWord(0x6F00);

    /// From the two status bytes.
    pub fn new(sw1: u8, sw2: u8) -> Self {
        StatusWord(u16::from_be_bytes([sw1, sw2]))
    }

    /// SW1.
    pub fn sw1(self) -> u8 {
        self.0.to_be_bytes()[0]
    }

    /// SW2.
    pub fn sw2(self) -> u8 {
        self.0.to_be_bytes()[1]
    }

    /// `9000`.
    pub fn is_success(self) -> bool {
        self == Self::SUCCESS
    }

    /// `61xx`: `xx` more bytes are available with GET RESPONSE (`00` = 256).
    pub fn bytes_available(self) -> Option<u16> {
        (self.sw1() == 0x61).then(|| if self.sw2() == 0 { 256 } else { u16::from(self.sw2()) })
    }

    /// `6Cxx`: wrong Le, re-send with `Le = xx` (`00` = 256).
    pub fn correct_le(self) -> Option<u16> {
        (self.sw1() == 0x6C).then(|| if self.sw2() == 0 { 256 } else { u16::from(self.sw2()) })
    }

    /// `63Cx`: the verification counter (`x` tries left; `63C0` = none left).
    pub fn counter(self) -> Option<u8> {
        (self.0 & 0xFFF0 == 0x63C0).then(|| self.sw2() & 0x0F)
    }

    /// A short English meaning (ISO/IEC 7816-4 table 6), for error messages.
    pub fn meaning(self) -> &'static str {
        match self.0 {
            0x9000 => "success",
            0x6282 => "end of file reached before Le bytes",
            0x63C0..=0x63CF => "verification failed",
            0x6300 => "verification failed, no information given",
            0x6581 => "memory failure",
            0x6700 => "wrong length",
            0x6881 => "logical channel not supported",
            0x6882 => "secure messaging not supported",
            0x6981 => "command incompatible with file structure",
            0x6982 => "security status not satisfied",
            0x6983 => "authentication method blocked",
            0x6984 => "reference data not usable (blocked)",
            0x6985 => "conditions of use not satisfied",
            0x6986 => "command not allowed (no current EF)",
            0x6A80 => "incorrect data field",
            0x6A81 => "function not supported",
            0x6A82 => "file or application not found",
            0x6A86 => "incorrect P1-P2",
            0x6A88 => "referenced data not found",
            0x6B00 => "wrong P1-P2 (offset outside the file)",
            0x6D00 => "instruction not supported",
            0x6E00 => "class not supported",
            0x6F00 => "no precise diagnosis",
            _ if self.sw1() == 0x61 => "more response bytes available",
            _ if self.sw1() == 0x6C => "wrong Le",
            _ => "unexpected status",
        }
    }
}

impl fmt::Display for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X} ({})", self.0, self.meaning())
    }
}

impl fmt::Debug for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StatusWord({:04X})", self.0)
    }
}

/// A response APDU: `[data] SW1 SW2` (ISO/IEC 7816-4:2020 §5.2, §5.6).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Response {
    /// Response data (possibly empty).
    pub data: Vec<u8>,
    /// SW1.
    pub sw1: u8,
    /// SW2.
    pub sw2: u8,
}

impl Response {
    /// Splits `data ‖ SW1 SW2`. Fewer than 2 bytes is not a response: [`Error::CardIo`].
    pub fn parse(bytes: &[u8]) -> Result<Response> {
        match bytes.split_last_chunk::<2>() {
            Some((data, &[sw1, sw2])) => Ok(Response {
                data: data.to_vec(),
                sw1,
                sw2,
            }),
            None => Err(Error::CardIo {
                reason: format!(
                    "the card answered {} byte(s); a response APDU has at least the 2 status bytes",
                    bytes.len()
                ),
            }),
        }
    }

    /// The status word.
    pub fn status(&self) -> StatusWord {
        StatusWord::new(self.sw1, self.sw2)
    }

    /// `9000`.
    pub fn is_success(&self) -> bool {
        self.status().is_success()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_the_four_cases() {
        assert_eq!(Command::new(0, 0x20, 0, 0x80).encode().unwrap(), [0, 0x20, 0, 0x80]);
        assert_eq!(
            Command::new(0, 0xB0, 0, 0).with_le(256).encode().unwrap(),
            [0, 0xB0, 0, 0, 0]
        );
        assert_eq!(
            Command::new(0, 0xA4, 2, 0x0C).with_data([0, 6]).encode().unwrap(),
            [0, 0xA4, 2, 0x0C, 2, 0, 6]
        );
        assert_eq!(
            Command::new(0x80, 0x2A, 0, 0x80)
                .with_data([1, 2])
                .with_le(256)
                .encode()
                .unwrap(),
            [0x80, 0x2A, 0, 0x80, 2, 1, 2, 0]
        );
        assert!(Command::new(0, 0, 0, 0).with_data(vec![0; 256]).encode().is_err());
        assert!(Command::new(0, 0, 0, 0).with_le(0).encode().is_err());
        assert!(Command::new(0, 0, 0, 0).with_le(257).encode().is_err());
    }

    #[test]
    fn parses_short_and_refuses_extended() {
        for c in [
            Command::new(0, 0x20, 0, 0x80),
            Command::new(0, 0xB0, 0, 0).with_le(256),
            Command::new(0, 0xA4, 2, 0x0C).with_data([0, 6]),
            Command::new(0x80, 0x2A, 0, 0x80).with_data(vec![7; 255]).with_le(256),
        ] {
            assert_eq!(Command::parse(&c.encode().unwrap()).unwrap(), c);
        }
        assert!(parse_short(&[0, 0xA4, 2, 0x0C, 0, 0, 2, 0, 1]).is_none());
        assert!(parse_short(&[0, 0xA4, 2]).is_none());
        assert!(parse_short(&[0, 0xA4, 2, 0x0C, 3, 0, 1]).is_none());
    }

    #[test]
    fn responses_and_status_words() {
        assert!(Response::parse(&[]).is_err());
        assert!(Response::parse(&[0x90]).is_err());
        let r = Response::parse(&[1, 2, 0x63, 0xC2]).unwrap();
        assert_eq!((r.data.as_slice(), r.status().counter()), (&[1u8, 2][..], Some(2)));
        assert_eq!(StatusWord(0x6100).bytes_available(), Some(256));
        assert_eq!(StatusWord(0x6C10).correct_le(), Some(16));
        assert_eq!(StatusWord(0x6A82).to_string(), "6A82 (file or application not found)");
    }

    #[test]
    fn debug_redacts_pins() {
        let c = Command::new(0, 0x20, 0, 0x80).with_data(*b"1234");
        assert!(!format!("{c:?}").contains("31323334"));
    }
}
