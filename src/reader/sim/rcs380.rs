//! A byte-exact RC-S380 as its USB bulk endpoints show it: bulk OUT transfers in, bulk IN
//! transfers out, with a [`Picc`] in the field and faults to inject.
//!
//! What it checks of the host (as the chip would refuse it): every frame's start code, LEN,
//! LCS, DCS and postamble (a bad frame is answered with the error frame `00 00 FF FF FF`),
//! command type 1 set before RF commands, InSetRF 106B and the Type B protocol set before an
//! InCommRF (otherwise status PROTOCOL). A host ACK cancels what is pending. An unknown command
//! is answered with the error frame.

use super::field::{Endpoints, Field, RadioOutcome};
use super::picc::Picc;
use super::Fault;
use crate::card::Transport;
use crate::error::Result;
use crate::reader::rcs380::chip::{command, RF_106B};
use crate::reader::rcs380::frame::{self, ACK, ERROR_FRAME};

/// Firmware version the simulator reports (`11 01` = 1.11, as in the real traces).
pub const FIRMWARE: [u8; 2] = [0x11, 0x01];

/// What happened, for tests and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SimCounters {
    /// Bulk OUT transfers received (zero-length packets included).
    pub out: u64,
    /// Bulk IN transfers delivered.
    pub r#in: u64,
    /// InCommRF commands.
    pub rf_exchanges: u64,
    /// Host ACKs (cancels / resets).
    pub cancels: u64,
}

/// The simulated reader.
#[derive(Debug)]
pub struct Rcs380Simulator<T> {
    field: Field<T>,
    usb: Endpoints,
    command_type: u8,
    rf: Option<[u8; 4]>,
    type_b_protocol: bool,
    field_on: bool,
    last_rf_timeout_ms: u32,
    rf_elapsed_ms: u64,
}

impl<T: Transport> Rcs380Simulator<T> {
    /// A plugged-in reader with `picc` on it and `fault` armed.
    pub fn new(picc: Picc<T>, fault: Fault) -> Self {
        Rcs380Simulator {
            field: Field::new(picc, fault),
            usb: Endpoints::default(),
            command_type: 0,
            rf: None,
            type_b_protocol: false,
            field_on: false,
            last_rf_timeout_ms: 0,
            rf_elapsed_ms: 0,
        }
    }

    /// Counters so far.
    pub fn counters(&self) -> SimCounters {
        self.usb.counters
    }

    /// The card in the field.
    pub fn picc(&mut self) -> &mut Picc<T> {
        self.field.picc()
    }

    /// Puts the card on the reader or takes it off.
    pub fn set_card_present(&mut self, present: bool) {
        self.field.set_card_present(present);
    }

    /// Whether a card is on the reader.
    pub fn card_present(&self) -> bool {
        self.field.card_present()
    }

    /// Unplugs the reader: every transfer fails with [`Error::ReaderUnplugged`](crate::Error::ReaderUnplugged) until
    /// [`Rcs380Simulator::replug`].
    pub fn unplug(&mut self) {
        self.usb.unplug();
    }

    /// Plugs the reader in again: a freshly powered chip (command type 0, field off), the card
    /// still on it, the fault disarmed.
    pub fn replug(&mut self) {
        self.usb.replug();
        self.command_type = 0;
        self.rf = None;
        self.type_b_protocol = false;
        self.field_on = false;
        self.field.replugged();
    }

    /// Whether the reader is plugged in.
    pub fn plugged(&self) -> bool {
        self.usb.plugged()
    }

    /// Simulated time spent on the radio: an InCommRF the card left unanswered costs its whole
    /// timeout, an answered one 2 ms.
    pub fn rf_elapsed_ms(&self) -> u64 {
        self.rf_elapsed_ms
    }

    /// One bulk OUT transfer from the host.
    pub fn transfer_out(&mut self, bytes: &[u8]) -> Result<()> {
        self.usb.receive()?;
        if bytes.is_empty() {
            return Ok(()); // a zero-length packet ends a transfer of whole packets
        }
        if bytes == ACK {
            self.usb.counters.cancels += 1;
            self.usb.cancel();
            return Ok(());
        }
        let Ok((code, params)) = frame::decode_command(bytes) else {
            self.usb.push(ERROR_FRAME.to_vec());
            return Ok(());
        };
        let params = params.to_vec();
        let Some(payload) = self.execute(code, &params)? else {
            self.usb.push(ERROR_FRAME.to_vec());
            return Ok(());
        };
        self.usb.push(ACK.to_vec());
        self.usb.push(frame::encode_response(code, &payload)?);
        Ok(())
    }

    /// The next bulk IN transfer the device has ready, if any.
    pub fn transfer_in(&mut self) -> Result<Option<Vec<u8>>> {
        self.usb.take()
    }

    fn execute(&mut self, code: u8, params: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(Some(match (code, params) {
            (command::GET_COMMAND_TYPE, []) => vec![0, 0, 0, 0, 0, 0, 0, 0x03],
            (command::SET_COMMAND_TYPE, [t]) if *t <= 1 => {
                self.command_type = *t;
                vec![0x00]
            }
            (command::SET_COMMAND_TYPE, _) => vec![0x01],
            (command::GET_FIRMWARE_VERSION, [] | [_]) => FIRMWARE.to_vec(),
            (command::GET_PD_DATA_VERSION, []) => vec![0x00, 0x01],
            _ if self.command_type != 1 => vec![0x07], // COMMANDTYPE_ERROR
            (command::SWITCH_RF, [on @ (0 | 1)]) => {
                self.field_on = *on == 1;
                if !self.field_on {
                    self.rf = None;
                    self.type_b_protocol = false;
                    self.field.field_off();
                }
                vec![0x00]
            }
            (command::IN_SET_RF, [a, b, c, d]) => {
                self.rf = Some([*a, *b, *c, *d]);
                self.field_on = true;
                vec![0x00]
            }
            (command::IN_SET_PROTOCOL, pairs) if pairs.len().is_multiple_of(2) => {
                // The Type B set turns on SOF/EOF (ids 09–0C = 1).
                if pairs.chunks(2).any(|p| p == [0x09, 0x01]) {
                    self.type_b_protocol = true;
                } else if pairs.chunks(2).any(|p| p == [0x09, 0x00]) {
                    self.type_b_protocol = false;
                }
                vec![0x00]
            }
            (command::IN_COMM_RF, [lo, hi, data @ ..]) => {
                let units = u32::from(u16::from_le_bytes([*lo, *hi]));
                self.last_rf_timeout_ms = units / 10;
                self.usb.counters.rf_exchanges += 1;
                if self.rf != Some(RF_106B) || !self.type_b_protocol {
                    vec![0x01, 0, 0, 0] // PROTOCOL: not configured for Type B
                } else {
                    let outcome = self.field.radio(data);
                    if self.field.take_unplug() {
                        self.unplug();
                    }
                    match outcome {
                        RadioOutcome::Answer(answer) => {
                            self.rf_elapsed_ms += 2;
                            [&[0, 0, 0, 0, 0x08][..], &answer].concat()
                        }
                        RadioOutcome::Silence => {
                            self.rf_elapsed_ms += u64::from(self.last_rf_timeout_ms);
                            vec![0x80, 0, 0, 0]
                        }
                        RadioOutcome::Damaged => {
                            self.rf_elapsed_ms += 2;
                            vec![0x04, 0, 0, 0]
                        }
                    }
                }
            }
            _ => return Ok(None),
        }))
    }
}
