//! The RF field of a simulated reader: the card in it (or not), and the faults a reader
//! simulator injects between the reader's radio and the card — shared by the RC-S380 and the
//! RC-S300 simulators, so a fault means the same thing on both.

use super::picc::Picc;
use super::Fault;
use crate::card::Transport;

/// What came back over the air for one frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RadioOutcome {
    /// The card's frame.
    Answer(Vec<u8>),
    /// Nothing (no card, or a lost frame).
    Silence,
    /// A frame with a CRC error.
    Damaged,
}

/// The card on the reader and the armed fault.
#[derive(Debug)]
pub struct Field<T> {
    picc: Picc<T>,
    fault: Fault,
    card_present: bool,
    unplug_now: bool,
    i_blocks: u64,
    read_binaries: u64,
    fault_spent: bool,
}

impl<T: Transport> Field<T> {
    /// `picc` on the reader (absent with [`Fault::CardAbsent`]), `fault` armed.
    pub fn new(picc: Picc<T>, fault: Fault) -> Self {
        Field {
            card_present: fault != Fault::CardAbsent,
            picc,
            fault,
            unplug_now: false,
            i_blocks: 0,
            read_binaries: 0,
            fault_spent: false,
        }
    }

    /// The card.
    pub fn picc(&mut self) -> &mut Picc<T> {
        &mut self.picc
    }

    /// Places the card on the reader or takes it off (off: its session state is lost).
    pub fn set_card_present(&mut self, present: bool) {
        if !present {
            self.picc.reset();
        }
        self.card_present = present;
    }

    /// Whether a card is on the reader.
    pub fn card_present(&self) -> bool {
        self.card_present
    }

    /// The field went off: the card loses its session.
    pub fn field_off(&mut self) {
        self.picc.reset();
    }

    /// After a replug: the card still there, its session lost, the fault disarmed.
    pub fn replugged(&mut self) {
        self.picc.reset();
        self.fault_spent = true;
        self.fault = Fault::None;
        self.unplug_now = false;
    }

    /// True once when a fault has just pulled the reader out (the device must go away).
    pub fn take_unplug(&mut self) -> bool {
        core::mem::take(&mut self.unplug_now)
    }

    /// The card's side of one frame, with the armed fault applied.
    pub fn radio(&mut self, data: &[u8]) -> RadioOutcome {
        if !self.card_present {
            return RadioOutcome::Silence;
        }
        let i_block = data.first().is_some_and(|pcb| pcb & 0xEE == 0x02);
        let ins = if i_block { data.get(2).copied() } else { None };
        if i_block {
            self.i_blocks += 1;
        }
        if ins == Some(0xB0) {
            self.read_binaries += 1;
        }
        let armed = !self.fault_spent;
        match self.fault {
            Fault::RemoveDuringRead if armed && ins == Some(0xB0) && self.read_binaries == 2 => {
                self.fault_spent = true;
                self.set_card_present(false);
                return RadioOutcome::Silence;
            }
            Fault::UnplugDuringRead if armed && ins == Some(0xB0) && self.read_binaries == 2 => {
                self.fault_spent = true;
                self.unplug_now = true;
                return RadioOutcome::Silence;
            }
            // The card takes the command, then leaves before answering.
            Fault::RemoveDuringSigning if armed && ins == Some(0x2A) => {
                let _ = self.picc.receive(data);
                self.fault_spent = true;
                self.set_card_present(false);
                return RadioOutcome::Silence;
            }
            Fault::RemoveDuringVerify if armed && ins == Some(0x20) && data.len() > 6 => {
                let _ = self.picc.receive(data);
                self.fault_spent = true;
                self.set_card_present(false);
                return RadioOutcome::Silence;
            }
            // The card's answer is lost on the way back: the host must send R(NAK).
            Fault::LostBlock if armed && i_block && self.i_blocks == 3 => {
                let _ = self.picc.receive(data);
                return RadioOutcome::Silence;
            }
            // The host's block is lost on the way in: the card never sees it.
            Fault::LostBlock if armed && i_block && self.i_blocks == 6 => {
                self.fault_spent = true;
                return RadioOutcome::Silence;
            }
            Fault::CrcError if armed && i_block && self.i_blocks == 2 => {
                self.fault_spent = true;
                let _ = self.picc.receive(data);
                return RadioOutcome::Damaged;
            }
            _ => {}
        }
        match self.picc.receive(data) {
            Some(answer) => RadioOutcome::Answer(answer),
            None => RadioOutcome::Silence,
        }
    }
}

/// A simulated device's USB side, shared by both simulators: the IN transfers it has ready,
/// whether it is plugged in, and the counters.
#[derive(Debug)]
pub struct Endpoints {
    queue: std::collections::VecDeque<Vec<u8>>,
    plugged: bool,
    /// Transfers and commands so far.
    pub counters: super::SimCounters,
}

impl Default for Endpoints {
    fn default() -> Self {
        Endpoints {
            queue: Default::default(),
            plugged: true,
            counters: Default::default(),
        }
    }
}

impl Endpoints {
    /// A bulk OUT transfer arrives: counted, or [`ReaderUnplugged`](crate::Error::ReaderUnplugged).
    pub fn receive(&mut self) -> crate::error::Result<()> {
        if !self.plugged {
            return Err(crate::error::Error::ReaderUnplugged);
        }
        self.counters.out += 1;
        Ok(())
    }

    /// Makes `bytes` the next IN transfer.
    pub fn push(&mut self, bytes: Vec<u8>) {
        self.queue.push_back(bytes);
    }

    /// Drops every IN transfer not yet taken (a host ACK cancels them).
    pub fn cancel(&mut self) {
        self.queue.clear();
    }

    /// The next IN transfer, if any, or [`ReaderUnplugged`](crate::Error::ReaderUnplugged).
    pub fn take(&mut self) -> crate::error::Result<Option<Vec<u8>>> {
        if !self.plugged {
            return Err(crate::error::Error::ReaderUnplugged);
        }
        let next = self.queue.pop_front();
        if next.is_some() {
            self.counters.r#in += 1;
        }
        Ok(next)
    }

    /// Pulled out: nothing pending survives.
    pub fn unplug(&mut self) {
        self.plugged = false;
        self.queue.clear();
    }

    /// Plugged in again.
    pub fn replug(&mut self) {
        self.plugged = true;
    }

    /// Whether it is plugged in.
    pub fn plugged(&self) -> bool {
        self.plugged
    }
}
