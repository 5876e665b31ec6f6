//! A Type B PICC (the card in the simulated reader's field): ISO/IEC 14443-3 Type B
//! activation and the ISO/IEC 14443-4 PICC rules around a card [`Transport`] — the virtual
//! JPKI card.
//!
//! PICC rules followed (ISO/IEC 14443-4 §7.5.4): the block number starts at 1 after ATTRIB;
//! an I-block toggles it before the answer; R(NAK) with the current number → the last block
//! again, with the other number → R(ACK); R(ACK) with the current number → the last block
//! again, with the other number → the next chained block; S(DESELECT) → `C2` and HALT.
//! Responses longer than FSD − 3 are chained.

use crate::card::{block_on, Transport};
use crate::error::Result;
use crate::reader::isodep::{S_DESELECT, S_WTX};
use crate::reader::typeb::FSC_TABLE;

/// How the simulated card presents itself and how slow it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PiccConfig {
    /// The PUPI.
    pub pupi: [u8; 4],
    /// FSCI announced in the ATQB (8 = 256 bytes).
    pub fsci: u8,
    /// FWI announced in the ATQB (8 ≈ 77 ms).
    pub fwi: u8,
    /// Announce ISO 14443-4 compliance (protocol type bit 0). `false`: a card that is not
    /// ISO-DEP.
    pub iso_dep: bool,
    /// S(WTX) requests sent before answering a COMPUTE DIGITAL SIGNATURE (a slow card).
    pub wtx_before_signing: u8,
    /// The WTXM of those requests.
    pub wtxm: u8,
}

impl Default for PiccConfig {
    fn default() -> Self {
        PiccConfig {
            pupi: [0x4A, 0x50, 0x4B, 0x49],
            fsci: 8,
            fwi: 8,
            iso_dep: true,
            wtx_before_signing: 0,
            wtxm: 10,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    Idle,
    Ready,
    Active,
    Halt,
}

/// The card in the field.
#[derive(Debug)]
pub struct Picc<T> {
    card: T,
    config: PiccConfig,
    state: State,
    bn: u8,
    fsd: usize,
    command: Vec<u8>,
    pending: Vec<u8>,
    wtx_left: u8,
    last_block: Vec<u8>,
    apdus: u64,
    pin_verifies: u64,
}

impl<T: Transport> Picc<T> {
    /// `card` behind the contactless interface described by `config`.
    pub fn new(card: T, config: PiccConfig) -> Self {
        Picc {
            card,
            config,
            state: State::Idle,
            bn: 1,
            fsd: 256,
            command: Vec::new(),
            pending: Vec::new(),
            wtx_left: 0,
            last_block: Vec::new(),
            apdus: 0,
            pin_verifies: 0,
        }
    }

    /// The ATQB this card sends.
    pub fn atqb(&self) -> Vec<u8> {
        let [a, b, c, d] = self.config.pupi;
        let protocol = (self.config.fsci << 4) | u8::from(self.config.iso_dep);
        vec![0x50, a, b, c, d, 0, 0, 0, 0, 0x00, protocol, self.config.fwi << 4]
    }

    /// The field went off (or the card left it): back to IDLE, session state lost.
    pub fn reset(&mut self) {
        self.state = State::Idle;
        self.bn = 1;
        self.command.clear();
        self.pending.clear();
        self.wtx_left = 0;
        self.last_block.clear();
    }

    /// APDUs the card has executed.
    pub fn apdus(&self) -> u64 {
        self.apdus
    }

    /// VERIFY commands that carried a PIN (what a "never re-sent" test counts).
    pub fn pin_verifies(&self) -> u64 {
        self.pin_verifies
    }

    /// The card behind the contactless interface.
    pub fn card(&mut self) -> &mut T {
        &mut self.card
    }

    /// One frame from the reader; the card's answer, or `None` when it stays silent.
    pub fn receive(&mut self, frame: &[u8]) -> Option<Vec<u8>> {
        match (&self.state, frame) {
            // SENSB_REQ from IDLE or READY; ALLB_REQ (PARAM bit 08) also wakes a HALTed card.
            (State::Idle | State::Ready, [0x05, _, _, ..]) => {
                self.state = State::Ready;
                Some(self.atqb())
            }
            (State::Halt, [0x05, _, param, ..]) if param & 0x08 != 0 => {
                self.state = State::Ready;
                Some(self.atqb())
            }
            (State::Ready, [0x1D, p0, p1, p2, p3, _, param2, _, param4, ..])
                if [*p0, *p1, *p2, *p3] == self.config.pupi =>
            {
                if !self.config.iso_dep {
                    return None;
                }
                self.fsd = FSC_TABLE[usize::from((param2 & 0x0F).min(8))];
                self.state = State::Active;
                self.bn = 1;
                Some(vec![param4 & 0x0F])
            }
            (State::Active, [pcb, ..]) => self.block(*pcb, frame),
            _ => None,
        }
    }

    fn send(&mut self, block: Vec<u8>) -> Option<Vec<u8>> {
        self.last_block = block.clone();
        Some(block)
    }

    /// The next block of the pending response (chained when it does not fit FSD − 3).
    fn next_response_block(&mut self) -> Option<Vec<u8>> {
        let miu = self.fsd - 3;
        let take = self.pending.len().min(miu);
        let rest = self.pending.split_off(take);
        let chunk = core::mem::replace(&mut self.pending, rest);
        let chaining = if self.pending.is_empty() { 0x00 } else { 0x10 };
        let mut block = vec![0x02 | chaining | self.bn];
        block.extend_from_slice(&chunk);
        self.send(block)
    }

    fn block(&mut self, pcb: u8, frame: &[u8]) -> Option<Vec<u8>> {
        if pcb & 0xEE == 0x02 {
            // I-block: toggle, then chain or execute.
            self.bn ^= 1;
            self.command.extend_from_slice(&frame[1..]);
            if pcb & 0x10 != 0 {
                return self.send(vec![0xA2 | self.bn]);
            }
            let apdu = core::mem::take(&mut self.command);
            self.apdus += 1;
            if crate::reader::card::presents_a_pin(&apdu) {
                self.pin_verifies += 1;
            }
            let signing = apdu.get(1) == Some(&0x2A);
            let response: Result<Vec<u8>> = block_on(self.card.transmit(&apdu));
            self.pending = response.unwrap_or_else(|_| vec![0x6F, 0x00]);
            if signing && self.config.wtx_before_signing > 0 {
                self.wtx_left = self.config.wtx_before_signing - 1;
                return self.send(vec![S_WTX, self.config.wtxm]);
            }
            return self.next_response_block();
        }
        if pcb & 0xEE == 0xA2 {
            let nak = pcb & 0x10 != 0;
            let same = pcb & 0x01 == self.bn;
            return match (nak, same) {
                (_, true) => Some(self.last_block.clone()),
                (true, false) => self.send(vec![0xA2 | self.bn]),
                (false, false) if !self.pending.is_empty() => {
                    self.bn ^= 1;
                    self.next_response_block()
                }
                (false, false) => None,
            };
        }
        if pcb == S_WTX && frame.len() == 2 {
            if self.wtx_left > 0 {
                self.wtx_left -= 1;
                return self.send(vec![S_WTX, self.config.wtxm]);
            }
            return self.next_response_block();
        }
        if pcb == S_DESELECT {
            self.state = State::Halt;
            return Some(vec![S_DESELECT]);
        }
        None
    }
}
