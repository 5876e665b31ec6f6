//! Reader simulators (features `reader` + `virtual-card`): an RC-S380 that speaks the USB bulk
//! protocol byte for byte, with the virtual JPKI card as the card in its field and faults to
//! inject — and an RC-S300 (vendor interface) for the experimental driver. The native tests use [`SimulatedUsb`] (a [`BulkDevice`] with a simulated clock);
//! `jpki-verify reader-sim` serves the same simulator over TCP (`docs/kiosk.md`); the browser
//! tests drive it through a scripted `USBDevice`.
//!
//! ```text
//! SimulatedUsb ── bulk OUT / IN ──▶ Rcs380Simulator ── InCommRF ──▶ Picc ──▶ VirtualCard
//!                                   (frames, ACK, chip state, faults)   (Type B, ISO-DEP)
//! ```

pub mod field;
pub mod picc;
pub mod rcs300;
pub mod rcs380;

use crate::card::{VirtualCard, VirtualCardConfig};
use crate::error::{Error, Result};
use crate::reader::usb::BulkDevice;
pub use picc::{Picc, PiccConfig};
pub use rcs300::Rcs300Simulator;
pub use rcs380::{Rcs380Simulator, SimCounters};

/// A fault to inject (the names are what `jpki-verify reader-sim --fault` takes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// `none`.
    None,
    /// `card-absent`: no card on the reader until one is placed.
    CardAbsent,
    /// `remove-during-read`: the card leaves at the second READ BINARY.
    RemoveDuringRead,
    /// `remove-during-verify`: the card takes a PIN VERIFY (the try counts), then leaves
    /// before answering.
    RemoveDuringVerify,
    /// `remove-during-signing`: the card takes COMPUTE DIGITAL SIGNATURE, then leaves.
    RemoveDuringSigning,
    /// `slow-card`: three S(WTX) (WTXM 10) before each signature.
    SlowCard,
    /// `lost-block`: the card's answer to the third I-block is lost (forces R(NAK)), and the
    /// sixth I-block never reaches the card (forces a retransmission).
    LostBlock,
    /// `crc-error`: the answer to the second I-block arrives with a CRC error.
    CrcError,
    /// `unplug-during-read`: the reader disappears at the second READ BINARY.
    UnplugDuringRead,
    /// `not-iso-dep`: a Type B card that does not speak ISO 14443-4.
    NotIsoDep,
}

impl Fault {
    /// Every fault with its name.
    pub const ALL: [(&'static str, Fault); 10] = [
        ("none", Fault::None),
        ("card-absent", Fault::CardAbsent),
        ("remove-during-read", Fault::RemoveDuringRead),
        ("remove-during-verify", Fault::RemoveDuringVerify),
        ("remove-during-signing", Fault::RemoveDuringSigning),
        ("slow-card", Fault::SlowCard),
        ("lost-block", Fault::LostBlock),
        ("crc-error", Fault::CrcError),
        ("unplug-during-read", Fault::UnplugDuringRead),
        ("not-iso-dep", Fault::NotIsoDep),
    ];

    /// The fault called `name`.
    pub fn from_name(name: &str) -> Result<Fault> {
        Fault::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
            .ok_or_else(|| Error::InvalidOptions {
                reason: format!(
                    "unknown fault {name:?} (one of {})",
                    Fault::ALL.map(|(n, _)| n).join(", ")
                ),
            })
    }
}

/// An RC-S380 simulator with the virtual card of `config` on it and `fault` armed.
pub fn virtual_rcs380<S: AsRef<str>>(
    config: VirtualCardConfig<S>,
    fault: Fault,
) -> Result<Rcs380Simulator<VirtualCard>> {
    let card = VirtualCard::new(config)?;
    let picc_config = PiccConfig {
        iso_dep: fault != Fault::NotIsoDep,
        wtx_before_signing: if fault == Fault::SlowCard { 3 } else { 0 },
        ..PiccConfig::default()
    };
    Ok(Rcs380Simulator::new(Picc::new(card, picc_config), fault))
}

/// An RC-S300 simulator (experimental driver's model) with the virtual card of `config`.
pub fn virtual_rcs300<S: AsRef<str>>(
    config: VirtualCardConfig<S>,
    fault: Fault,
) -> Result<Rcs300Simulator<VirtualCard>> {
    let card = VirtualCard::new(config)?;
    let picc_config = PiccConfig {
        iso_dep: fault != Fault::NotIsoDep,
        wtx_before_signing: if fault == Fault::SlowCard { 3 } else { 0 },
        ..PiccConfig::default()
    };
    Ok(Rcs300Simulator::new(Picc::new(card, picc_config), fault))
}

/// A simulated USB device: bulk OUT in, bulk IN out (both reader simulators).
pub trait UsbSimulator {
    /// One bulk OUT transfer.
    fn sim_transfer_out(&mut self, bytes: &[u8]) -> Result<()>;
    /// The next bulk IN transfer, if ready.
    fn sim_transfer_in(&mut self) -> Result<Option<Vec<u8>>>;
    /// Simulated radio time so far, ms.
    fn sim_rf_elapsed_ms(&self) -> u64;
    /// Transfers and commands so far.
    fn sim_counters(&self) -> SimCounters;
    /// APDUs the card executed.
    fn sim_apdus(&mut self) -> u64;
    /// VERIFY commands that carried a PIN.
    fn sim_pin_verifies(&mut self) -> u64;
    /// Places the card on the reader or takes it off.
    fn sim_set_card_present(&mut self, present: bool);
    /// Whether a card is on the reader.
    fn sim_card_present(&self) -> bool;
    /// Unplugs the reader.
    fn sim_unplug(&mut self);
    /// Plugs it in again.
    fn sim_replug(&mut self);
    /// Whether it is plugged in.
    fn sim_plugged(&self) -> bool;
}

/// Both simulators expose the same methods under the same names.
macro_rules! usb_simulator {
    ($sim:ident) => {
        impl<T: crate::card::Transport> UsbSimulator for $sim<T> {
            fn sim_transfer_out(&mut self, bytes: &[u8]) -> Result<()> {
                self.transfer_out(bytes)
            }
            fn sim_transfer_in(&mut self) -> Result<Option<Vec<u8>>> {
                self.transfer_in()
            }
            fn sim_rf_elapsed_ms(&self) -> u64 {
                self.rf_elapsed_ms()
            }
            fn sim_counters(&self) -> SimCounters {
                self.counters()
            }
            fn sim_apdus(&mut self) -> u64 {
                self.picc().apdus()
            }
            fn sim_pin_verifies(&mut self) -> u64 {
                self.picc().pin_verifies()
            }
            fn sim_set_card_present(&mut self, present: bool) {
                self.set_card_present(present)
            }
            fn sim_card_present(&self) -> bool {
                self.card_present()
            }
            fn sim_unplug(&mut self) {
                self.unplug()
            }
            fn sim_replug(&mut self) {
                self.replug()
            }
            fn sim_plugged(&self) -> bool {
                self.plugged()
            }
        }
    };
}

usb_simulator!(Rcs380Simulator);
usb_simulator!(Rcs300Simulator);

/// A [`Rcs380Simulator`] as a [`BulkDevice`], in-process, with a simulated clock: a read with
/// nothing ready advances the clock by its timeout and fails with
/// [`Error::ReaderTimeout`]; pauses advance it too. Deterministic, so tests of deadlines and
/// timeouts take no real time.
#[derive(Debug)]
pub struct SimulatedUsb<S> {
    /// The simulator (to place or remove the card, unplug, read counters).
    pub sim: S,
    clock_ms: u64,
}

impl<S: UsbSimulator> SimulatedUsb<S> {
    /// Plugs `sim` in.
    pub fn new(sim: S) -> Self {
        SimulatedUsb { sim, clock_ms: 0 }
    }

    /// The simulated clock: pauses, reads that timed out, and the radio's time.
    pub fn clock_ms(&self) -> u64 {
        self.clock_ms + self.sim.sim_rf_elapsed_ms()
    }
}

impl<S: UsbSimulator> BulkDevice for SimulatedUsb<S> {
    async fn transfer_out(&mut self, bytes: &[u8]) -> Result<()> {
        self.sim.sim_transfer_out(bytes)
    }

    async fn transfer_in(&mut self, _max_len: usize, timeout_ms: u32) -> Result<Vec<u8>> {
        match self.sim.sim_transfer_in()? {
            Some(bytes) => Ok(bytes),
            None => {
                self.clock_ms += u64::from(timeout_ms);
                Err(Error::ReaderTimeout { what: "simulated read" })
            }
        }
    }

    fn max_packet_size(&self) -> usize {
        64
    }

    async fn pause(&mut self, ms: u32) {
        self.clock_ms += u64::from(ms);
    }

    fn now_ms(&mut self) -> u64 {
        self.clock_ms()
    }
}
