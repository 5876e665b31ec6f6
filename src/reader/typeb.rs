//! ISO/IEC 14443-3 Type B: polling (SENSB_REQ → ATQB) and activation (ATTRIB) at 106 kbit/s
//! (`docs/readers.md` §1.5; nfcpy `Device.sense_ttb` and `Type4BTag.__init__`).
//!
//! ```text
//! SENSB_REQ  05 AFI PARAM           05 00 10: APf, all families, PARAM 10 (as nfcpy)
//! ATQB       50 PUPI(4) APP(4) PROTO(3) [..]
//!            PROTO[0] bit rate capability
//!            PROTO[1] FSCI (high nibble) · protocol type (low; bit 0 = ISO 14443-4 compliant)
//!            PROTO[2] FWI (high nibble) · ADC · FO (NAD/CID support)
//! ATTRIB     1D PUPI(4) param1 param2 param3 param4
//!            00 (TR0/TR1 default, SOF/EOF) · 08 (FSDI 8 = 256 bytes, 106 kbit/s) ·
//!            01 (ISO 14443-4) · 00 (CID 0)
//! answer     MBLI·CID (one byte; the CID nibble must be 0) [higher-layer response]
//! ```
//!
//! FSC = (16, 24, 32, 40, 48, 64, 96, 128, 256)\[FSCI\] (FSCI > 8 is RFU: 8, as nfcpy);
//! FWT = 4096/fc × 2^FWI, fc = 13.56 MHz (FWI 15 is RFU: 4, as nfcpy).

use crate::error::{Error, Result};
use crate::reader::{Initiator, RfFault};

/// SENSB_REQ as nfcpy sends it.
pub const SENSB_REQ: [u8; 3] = [0x05, 0x00, 0x10];

/// The RF timeout for SENSB_REQ and ATTRIB (nfcpy, aruneko): 30 ms.
pub const ACTIVATION_TIMEOUT_MS: u32 = 30;

/// FSDI the readers announce in ATTRIB: 8 = 256 bytes (the RC-S380 receives 290).
pub const FSDI: u8 = 8;

/// FSC for each FSCI (ISO/IEC 14443-4 table; FSCI 0–8).
pub const FSC_TABLE: [usize; 9] = [16, 24, 32, 40, 48, 64, 96, 128, 256];

/// What the card said in its ATQB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Atqb {
    /// The pseudo-unique PICC identifier (not an identity: cards randomise or clone it).
    pub pupi: [u8; 4],
    /// Application data.
    pub application_data: [u8; 4],
    /// The bit-rate capability byte.
    pub bit_rate: u8,
    /// The FSCI the card announced (before clamping).
    pub fsci: u8,
    /// The largest frame the card accepts, CRC included.
    pub fsc: usize,
    /// The protocol type nibble.
    pub protocol_type: u8,
    /// The FWI the card announced (before clamping).
    pub fwi: u8,
    /// The frame waiting time in microseconds.
    pub fwt_us: u32,
}

impl Atqb {
    /// Protocol type bit 0: the card speaks ISO/IEC 14443-4 (ISO-DEP).
    pub fn is_iso_dep(&self) -> bool {
        self.protocol_type & 0x01 != 0
    }
}

/// The frame waiting time for `fwi` in microseconds: 4096 × 2^FWI / 13.56 MHz (FWI > 14 → 4).
pub fn fwt_us(fwi: u8) -> u32 {
    let fwi = if fwi > 14 { 4 } else { fwi };
    let us = ((4096u64 << fwi) * 1_000_000 + 6_780_000) / 13_560_000; // rounded
    u32::try_from(us).unwrap_or(u32::MAX)
}

fn protocol(reason: String) -> Error {
    Error::ReaderProtocol { reason }
}

/// Parses an ATQB (at least 12 bytes beginning `50`; an extended ATQB has a 13th byte).
pub fn parse_atqb(bytes: &[u8]) -> Result<Atqb> {
    let [0x50, p0, p1, p2, p3, a0, a1, a2, a3, bit_rate, fsci_type, fwi_adc_fo, ..] = bytes else {
        return Err(protocol(format!(
            "not an ATQB ({} bytes{})",
            bytes.len(),
            bytes.first().map(|b| format!(", first {b:02X}")).unwrap_or_default()
        )));
    };
    if bytes.len() > 13 {
        return Err(protocol(format!("ATQB of {} bytes (at most 13)", bytes.len())));
    }
    let fsci = fsci_type >> 4;
    let fwi = fwi_adc_fo >> 4;
    Ok(Atqb {
        pupi: [*p0, *p1, *p2, *p3],
        application_data: [*a0, *a1, *a2, *a3],
        bit_rate: *bit_rate,
        fsci,
        fsc: FSC_TABLE[usize::from(fsci.min(8))],
        protocol_type: fsci_type & 0x0F,
        fwi,
        fwt_us: fwt_us(fwi),
    })
}

/// The ATTRIB command for a card with `pupi` (`docs/readers.md` §1.5).
pub fn attrib(pupi: [u8; 4]) -> [u8; 9] {
    let [a, b, c, d] = pupi;
    [0x1D, a, b, c, d, 0x00, FSDI, 0x01, 0x00]
}

/// Checks the card's answer to ATTRIB: one byte (MBLI | CID), CID 0, optionally followed by
/// a higher-layer response.
pub fn check_attrib_answer(answer: &[u8]) -> Result<()> {
    match answer.first() {
        Some(b) if b & 0x0F == 0 => Ok(()),
        Some(b) => Err(protocol(format!("ATTRIB answered with CID {} (asked for 0)", b & 0x0F))),
        None => Err(protocol("empty answer to ATTRIB".to_owned())),
    }
}

/// How long to look for a card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollPolicy {
    /// Pause between two SENSB_REQ that got no answer.
    pub pause_ms: u32,
    /// Give up after this long: [`Error::NoCard`].
    pub deadline_ms: u32,
}

impl Default for PollPolicy {
    /// A poll every 200 ms for 30 s (a person taking the card out of a wallet).
    fn default() -> Self {
        PollPolicy {
            pause_ms: 200,
            deadline_ms: 30_000,
        }
    }
}

/// Sends SENSB_REQ until a card answers with an ATQB, pausing between tries, or until the
/// deadline ([`Error::NoCard`]). A damaged answer (two cards, a card moving in) counts as no
/// answer; an answer that is not an ATQB is a protocol error.
pub async fn poll<I: Initiator>(initiator: &mut I, policy: PollPolicy) -> Result<Atqb> {
    let start = initiator.now_ms();
    loop {
        match initiator.exchange(&SENSB_REQ, ACTIVATION_TIMEOUT_MS).await? {
            Ok(answer) => return parse_atqb(&answer),
            Err(RfFault::Timeout | RfFault::Transmission(_)) => {}
        }
        let elapsed = initiator.now_ms().saturating_sub(start);
        if elapsed.saturating_add(u64::from(policy.pause_ms)) >= u64::from(policy.deadline_ms) {
            return Err(Error::NoCard);
        }
        initiator.pause(policy.pause_ms).await;
    }
}

/// ALLB_REQ: SENSB_REQ with PARAM bit `08`, which also wakes a card in HALT (after
/// S(DESELECT)).
pub const ALLB_REQ: [u8; 3] = [0x05, 0x00, 0x08];

/// Whether a card is in the field: one ALLB_REQ. A damaged answer counts as a card (something
/// answered).
pub async fn card_present<I: Initiator>(initiator: &mut I) -> Result<bool> {
    Ok(match initiator.exchange(&ALLB_REQ, ACTIVATION_TIMEOUT_MS).await? {
        Ok(_) | Err(RfFault::Transmission(_)) => true,
        Err(RfFault::Timeout) => false,
    })
}

/// Activates the card found by [`poll`]: refuses a card that is not ISO-DEP, sends ATTRIB and
/// checks the answer. A card that does not answer ATTRIB has left the field.
pub async fn activate<I: Initiator>(initiator: &mut I, atqb: &Atqb) -> Result<()> {
    if !atqb.is_iso_dep() {
        return Err(protocol(format!(
            "the card is not ISO 14443-4 (protocol type {:X}); a My Number Card is",
            atqb.protocol_type
        )));
    }
    match initiator.exchange(&attrib(atqb.pupi), ACTIVATION_TIMEOUT_MS).await? {
        Ok(answer) => check_attrib_answer(&answer),
        Err(_) => Err(Error::CardRemoved {
            pin_try_may_have_counted: false,
        }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::card::block_on;
    use crate::reader::tests::Radio;

    /// nfcpy's test ATQB (addendum §1.4): FSCI 8 → 256, FWI 8 → 77.329 ms.
    const NFCPY_ATQB: [u8; 12] = [0x50, 0xE8, 0x25, 0x3E, 0xEC, 0, 0, 0, 0x11, 0x00, 0x81, 0x85];

    #[test]
    fn parses_nfcpys_atqb() {
        let a = parse_atqb(&NFCPY_ATQB).unwrap();
        assert_eq!(a.pupi, [0xE8, 0x25, 0x3E, 0xEC]);
        assert_eq!(a.fsc, 256);
        assert!(a.is_iso_dep());
        assert_eq!(a.fwi, 8);
        assert_eq!(a.fwt_us, 77_329);
        assert_eq!(attrib(a.pupi), [0x1D, 0xE8, 0x25, 0x3E, 0xEC, 0x00, 0x08, 0x01, 0x00]);
    }

    /// nfcpy `test_init_T4B`: FWI 0 … 14 → 0.000302 … 4.949031 s.
    #[test]
    fn fwt_table() {
        assert_eq!(fwt_us(0), 302);
        assert_eq!(fwt_us(14), 4_949_031);
        assert_eq!(fwt_us(15), fwt_us(4));
        let mut a = NFCPY_ATQB;
        a[10] = 0xF1;
        assert_eq!(parse_atqb(&a).unwrap().fsc, 256);
        a[10] = 0x01;
        assert_eq!(parse_atqb(&a).unwrap().fsc, 16);
    }

    #[test]
    fn not_an_atqb() {
        for bad in [&[][..], &[0x50; 11][..], &[0x51; 12][..], &[0x50; 14][..]] {
            assert_eq!(
                parse_atqb(bad).unwrap_err().code(),
                "JPKI_READER_PROTOCOL",
                "{bad:02X?}"
            );
        }
        assert!(check_attrib_answer(&[0x01]).is_err());
        assert!(check_attrib_answer(&[]).is_err());
        assert!(check_attrib_answer(&[0x10, 0x90, 0x00]).is_ok());
    }

    #[test]
    fn polls_with_pauses_until_the_deadline() {
        let mut radio = Radio::new(vec![]);
        let policy = PollPolicy {
            pause_ms: 100,
            deadline_ms: 1000,
        };
        assert_eq!(block_on(poll(&mut radio, policy)), Err(Error::NoCard));
        // 5 ms (the scripted radio's cost of a silent 30 ms exchange) + 100 ms a round: 10.
        assert_eq!(radio.sent.len(), 10);
        assert!(radio.sent.iter().all(|(f, t)| f == &SENSB_REQ && *t == 30));
        assert!(radio.clock < 1000);
    }

    #[test]
    fn a_card_arriving_then_activated() {
        let mut radio = Radio::new(vec![
            Err(RfFault::Timeout),
            Err(RfFault::Transmission(0x08)),
            Ok(NFCPY_ATQB.to_vec()),
            Ok(vec![0x00]),
        ]);
        let atqb = block_on(poll(&mut radio, PollPolicy::default())).unwrap();
        block_on(activate(&mut radio, &atqb)).unwrap();
        assert_eq!(radio.sent.len(), 4);
        assert_eq!(radio.sent[3].0, attrib(atqb.pupi));
    }

    #[test]
    fn presence() {
        let mut radio = Radio::new(vec![Ok(NFCPY_ATQB.to_vec()), Err(RfFault::Transmission(4))]);
        assert!(block_on(card_present(&mut radio)).unwrap());
        assert!(block_on(card_present(&mut radio)).unwrap());
        assert!(!block_on(card_present(&mut radio)).unwrap());
        assert!(radio.sent.iter().all(|(f, _)| f == &ALLB_REQ));
    }

    #[test]
    fn a_card_that_is_not_iso_dep_or_leaves() {
        let mut a = NFCPY_ATQB;
        a[10] = 0x80;
        let mut radio = Radio::new(vec![]);
        let e = block_on(activate(&mut radio, &parse_atqb(&a).unwrap())).unwrap_err();
        assert!(e.to_string().contains("not ISO 14443-4"), "{e}");
        assert!(radio.sent.is_empty());
        let e = block_on(activate(&mut radio, &parse_atqb(&NFCPY_ATQB).unwrap())).unwrap_err();
        assert_eq!(e.code(), "JPKI_CARD_REMOVED");
    }
}
