//! A byte-exact RC-S300 vendor interface (the model the experimental driver was built to:
//! `docs/readers.md` §2.2–2.4): escape messages in, escape replies out, a transparent session, the
//! protocol switch, transparent exchanges handed to the [`Field`] — the same card and faults as
//! the RC-S380 simulator. What the real reader does with Type B is unconfirmed; this is the
//! documented PC/SC 2.0 part 3 behaviour, not a recording.

use super::field::{Endpoints, Field, RadioOutcome};
use super::picc::Picc;
use super::Fault;
use crate::card::Transport;
use crate::error::Result;
use crate::reader::rcs300::{escape, tlv, SWITCH_TYPE_B_LAYER_3, SW_NO_ANSWER};

/// The simulated RC-S300.
#[derive(Debug)]
pub struct Rcs300Simulator<T> {
    field: Field<T>,
    usb: Endpoints,
    session: bool,
    rf_on: bool,
    type_b: bool,
    rf_elapsed_ms: u64,
}

const OK: [u8; 2] = [0x90, 0x00];
const NOT_SUPPORTED: [u8; 2] = [0x6A, 0x81];
const WRONG_STATE: [u8; 2] = [0x69, 0x85];

impl<T: Transport> Rcs300Simulator<T> {
    /// A plugged-in reader with `picc` on it and `fault` armed.
    pub fn new(picc: Picc<T>, fault: Fault) -> Self {
        Rcs300Simulator {
            field: Field::new(picc, fault),
            usb: Endpoints::default(),
            session: false,
            rf_on: false,
            type_b: false,
            rf_elapsed_ms: 0,
        }
    }

    /// Counters so far.
    pub fn counters(&self) -> super::SimCounters {
        self.usb.counters
    }

    /// The card.
    pub fn picc(&mut self) -> &mut Picc<T> {
        self.field.picc()
    }

    /// Places the card on the reader or takes it off.
    pub fn set_card_present(&mut self, present: bool) {
        self.field.set_card_present(present);
    }

    /// Whether a card is on the reader.
    pub fn card_present(&self) -> bool {
        self.field.card_present()
    }

    /// Unplugs the reader.
    pub fn unplug(&mut self) {
        self.usb.unplug();
    }

    /// Plugs it in again: no session, field off, the fault disarmed.
    pub fn replug(&mut self) {
        self.usb.replug();
        self.session = false;
        self.rf_on = false;
        self.type_b = false;
        self.field.replugged();
    }

    /// Whether the reader is plugged in.
    pub fn plugged(&self) -> bool {
        self.usb.plugged()
    }

    /// Simulated radio time (see the RC-S380 simulator).
    pub fn rf_elapsed_ms(&self) -> u64 {
        self.rf_elapsed_ms
    }

    /// One bulk OUT transfer.
    pub fn transfer_out(&mut self, bytes: &[u8]) -> Result<()> {
        self.usb.receive()?;
        let Ok((seq, payload)) = escape::decode_command(bytes) else {
            self.usb.push(escape::encode_reply(0, 0x40, 0x00, &[])?);
            return Ok(());
        };
        let payload = payload.to_vec();
        let answer = self.execute(&payload)?;
        self.usb.push(escape::encode_reply(seq, 0x00, 0x00, &answer)?);
        Ok(())
    }

    /// The next bulk IN transfer, if any.
    pub fn transfer_in(&mut self) -> Result<Option<Vec<u8>>> {
        self.usb.take()
    }

    fn execute(&mut self, payload: &[u8]) -> Result<Vec<u8>> {
        Ok(match payload {
            [0xFF, 0x50, 0x00, 0x00, 0x02, dos @ .., 0x00] => {
                match dos {
                    [0x81, 0x00] => self.session = true,
                    [0x82, 0x00] => {
                        self.session = false;
                        self.type_b = false;
                    }
                    [0x83, 0x00] => {
                        self.rf_on = false;
                        self.type_b = false;
                        self.field.field_off();
                    }
                    [0x84, 0x00] => self.rf_on = true,
                    _ => return Ok(NOT_SUPPORTED.to_vec()),
                }
                OK.to_vec()
            }
            [0xFF, 0x50, 0x00, 0x02, 0x04, a, b, c, d, 0x00] => {
                if !self.session || !self.rf_on {
                    return Ok(WRONG_STATE.to_vec());
                }
                if [*a, *b, *c, *d] != SWITCH_TYPE_B_LAYER_3 {
                    return Ok(NOT_SUPPORTED.to_vec());
                }
                self.type_b = true;
                OK.to_vec()
            }
            [0xFF, 0x50, 0x00, 0x01, 0x00, hi, lo, rest @ ..] => {
                let lc = usize::from(u16::from_be_bytes([*hi, *lo]));
                let Some((dos, [0x00, 0x00, 0x00])) = rest.split_at_checked(lc) else {
                    return Ok(vec![0x67, 0x00]);
                };
                if !self.type_b {
                    return Ok(WRONG_STATE.to_vec());
                }
                let Ok(objects) = tlv::parse(dos) else {
                    return Ok(vec![0x6A, 0x80]);
                };
                let timeout_us = objects
                    .iter()
                    .find(|(t, _)| *t == 0x5F46)
                    .and_then(|(_, v)| <[u8; 4]>::try_from(*v).ok())
                    .map_or(0, u32::from_le_bytes);
                let Some((_, frame)) = objects.iter().find(|(t, _)| *t == 0x95) else {
                    return Ok(vec![0x6A, 0x80]);
                };
                self.usb.counters.rf_exchanges += 1;
                let outcome = self.field.radio(frame);
                if self.field.take_unplug() {
                    self.unplug();
                }
                let mut out = Vec::new();
                match outcome {
                    RadioOutcome::Answer(card) => {
                        self.rf_elapsed_ms += 2;
                        tlv::put(&mut out, 0xC0, &[0x00, 0x90, 0x00])?;
                        tlv::put(&mut out, 0x92, &[0x00])?;
                        tlv::put(&mut out, 0x96, &[0x00, 0x00])?;
                        tlv::put(&mut out, 0x97, &card)?;
                    }
                    RadioOutcome::Silence => {
                        self.rf_elapsed_ms += u64::from(timeout_us / 1000);
                        tlv::put(&mut out, 0xC0, &[0x01, SW_NO_ANSWER[0], SW_NO_ANSWER[1]])?;
                    }
                    RadioOutcome::Damaged => {
                        self.rf_elapsed_ms += 2;
                        tlv::put(&mut out, 0xC0, &[0x01, 0x64, 0x02])?;
                    }
                }
                out.extend_from_slice(&OK);
                out
            }
            _ => NOT_SUPPORTED.to_vec(),
        })
    }
}
