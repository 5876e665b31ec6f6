//! Card readers the SDK drives itself, below the card [`Transport`](crate::card::Transport)
//! (feature `reader`): the Sony RC-S380 (NFC Port-100, USB 054C:06C1 / 06C3) spoken to over USB
//! bulk transfers — from a browser through WebUSB, natively through a USB library, or in tests
//! through a byte-exact simulator. One layer a module, each testable natively with no USB, no
//! clock (deadlines and pauses go through [`usb::BulkDevice`]) and no `unsafe`:
//!
//! ```text
//! ContactlessCard      isodep.rs + card.rs: impl card::Transport (the JPKI client runs on it)
//!    │  ISO 14443-4: I/R/S blocks, chaining from FSC/FSD, S(WTX), R(NAK)/R(ACK) recovery
//! typeb                SENSB_REQ / ATQB, ATTRIB, polling with a pause and a deadline
//!    │  impl Initiator: one ISO 14443 frame out, the card's frame back
//! rcs380::Rcs380       rcs380/mod.rs: the chip configured for 106 kbit/s Type B
//! rcs380::chip         InSetRF, InSetProtocol, InCommRF, SwitchRF, versions, command types
//! rcs380::frame        extended frames, LEN/LCS/DCS, ACK (both ways), the error frame, ZLP rule
//! rcs300               EXPERIMENTAL: the RC-S300 vendor interface (escape messages, FF 50
//!                      transparent session, Type B layer 3); PC/SC is its supported path
//! usb::BulkDevice      transfer_out / transfer_in / pause / now_ms (WebUSB, libusb, simulator)
//! ```
//!
//! With `virtual-card`, [`sim`] is a byte-exact RC-S380 with the virtual JPKI card in its field
//! and faults to inject.
//!
//! The byte-level facts are in `docs/readers.md` §1 and its addendum
//! `docs/readers-webusb.md` §1 (nfcpy `src/nfc/clf/rcs380.py` and `src/nfc/tag/tt4.py`, Linux
//! `drivers/nfc/port100.c`); where the two differ the addendum wins. Nothing here reaches the
//! My Number: the APDUs still pass the card layer's [`MyNumberGuard`](crate::card::MyNumberGuard).

use core::future::Future;

use crate::error::Result;

pub mod card;
pub mod isodep;
pub mod rcs300;
pub mod rcs380;
#[cfg(feature = "virtual-card")]
pub mod sim;
pub mod typeb;
pub mod usb;

pub use card::ContactlessCard;
pub use isodep::{IsoDep, IsoDepPolicy};
pub use rcs380::Rcs380;
pub use typeb::{Atqb, PollPolicy};
pub use usb::BulkDevice;

/// Why a reader got no usable answer from the card for one frame. ISO-DEP recovers from both
/// (R(NAK) / R(ACK)); during polling a [`RfFault::Timeout`] means "no card".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RfFault {
    /// Nothing came back within the frame waiting time (RC-S380 status RECEIVE_TIMEOUT).
    Timeout,
    /// Something came back damaged (CRC, parity, protocol, collision, overflow, length); the
    /// reader's status bits.
    Transmission(u32),
}

/// The radio side of a reader: one ISO/IEC 14443 frame to the card (the reader adds the CRC)
/// and the card's frame back.
pub trait Initiator {
    /// Sends `frame` and waits up to `timeout_ms` for the card's answer.
    fn exchange(
        &mut self,
        frame: &[u8],
        timeout_ms: u32,
    ) -> impl Future<Output = Result<core::result::Result<Vec<u8>, RfFault>>>;

    /// Waits `ms` milliseconds.
    fn pause(&mut self, ms: u32) -> impl Future<Output = ()>;

    /// A monotonic clock in milliseconds, from the device seam.
    fn now_ms(&mut self) -> u64;

    /// Switches the RF field off and leaves the reader idle.
    fn field_off(&mut self) -> impl Future<Output = Result<()>>;
}

impl<T: Initiator + ?Sized> Initiator for &mut T {
    fn exchange(
        &mut self,
        frame: &[u8],
        timeout_ms: u32,
    ) -> impl Future<Output = Result<core::result::Result<Vec<u8>, RfFault>>> {
        (**self).exchange(frame, timeout_ms)
    }
    fn pause(&mut self, ms: u32) -> impl Future<Output = ()> {
        (**self).pause(ms)
    }
    fn now_ms(&mut self) -> u64 {
        (**self).now_ms()
    }
    fn field_off(&mut self) -> impl Future<Output = Result<()>> {
        (**self).field_off()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    //! Scripted seams for the unit tests of each layer.

    use std::collections::VecDeque;

    use super::*;
    use crate::error::Error;

    /// A [`BulkDevice`] that records what is written and answers reads from a script; a
    /// virtual clock advances by the pauses and by the timeouts of reads it has no answer for.
    pub(crate) struct Script {
        pub(crate) reads: VecDeque<Result<Vec<u8>>>,
        pub(crate) written: Vec<Vec<u8>>,
        pub(crate) max_packet: usize,
        pub(crate) clock: u64,
    }

    impl Script {
        pub(crate) fn new(max_packet: usize) -> Self {
            Script {
                reads: VecDeque::new(),
                written: Vec::new(),
                max_packet,
                clock: 0,
            }
        }
    }

    impl BulkDevice for Script {
        async fn transfer_out(&mut self, bytes: &[u8]) -> Result<()> {
            self.written.push(bytes.to_vec());
            Ok(())
        }
        async fn transfer_in(&mut self, _max_len: usize, timeout_ms: u32) -> Result<Vec<u8>> {
            self.reads.pop_front().unwrap_or_else(|| {
                self.clock += u64::from(timeout_ms);
                Err(Error::ReaderTimeout { what: "script" })
            })
        }
        fn max_packet_size(&self) -> usize {
            self.max_packet
        }
        async fn pause(&mut self, ms: u32) {
            self.clock += u64::from(ms);
        }
        fn now_ms(&mut self) -> u64 {
            self.clock
        }
    }

    /// An [`Initiator`] that records frames (with their timeouts) and answers from a script.
    pub(crate) struct Radio {
        pub(crate) answers: VecDeque<core::result::Result<Vec<u8>, RfFault>>,
        pub(crate) sent: Vec<(Vec<u8>, u32)>,
        pub(crate) clock: u64,
        pub(crate) field_on: bool,
    }

    impl Radio {
        pub(crate) fn new(answers: Vec<core::result::Result<Vec<u8>, RfFault>>) -> Self {
            Radio {
                answers: answers.into(),
                sent: Vec::new(),
                clock: 0,
                field_on: true,
            }
        }
    }

    impl Initiator for Radio {
        async fn exchange(&mut self, frame: &[u8], timeout_ms: u32) -> Result<core::result::Result<Vec<u8>, RfFault>> {
            self.sent.push((frame.to_vec(), timeout_ms));
            self.clock += u64::from(timeout_ms.min(5));
            Ok(self.answers.pop_front().unwrap_or(Err(RfFault::Timeout)))
        }
        async fn pause(&mut self, ms: u32) {
            self.clock += u64::from(ms);
        }
        fn now_ms(&mut self) -> u64 {
            self.clock
        }
        async fn field_off(&mut self) -> Result<()> {
            self.field_on = false;
            Ok(())
        }
    }
}
