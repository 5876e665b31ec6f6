//! The Sony RC-S380 (NFC Port-100 chip), layer by layer (`docs/readers.md` §1): [`frame`] (what one
//! bulk transfer carries), [`chip`] (the chip's commands), and [`Rcs380`], the chip as an
//! [`Initiator`] for 106 kbit/s Type B.

pub mod chip;
pub mod frame;

use crate::error::Result;
use crate::reader::usb::BulkDevice;
use crate::reader::{Initiator, RfFault};
pub use chip::{Chip, TransferCount, Version};

/// USB vendor id of Sony.
pub const VENDOR_ID: u16 = 0x054C;
/// USB product ids of the RC-S380/S (business) and RC-S380/P (consumer).
pub const PRODUCT_IDS: [u16; 2] = [0x06C1, 0x06C3];

/// How the reader is driven.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rcs380Policy {
    /// Re-send InSetRF and both InSetProtocol sets before every InCommRF, as nfcpy and
    /// aruneko do (three extra commands a block). `docs/readers.md` §1.6: keep it until a hardware
    /// test shows it can go. `false` sends them once after the field was switched off.
    pub configure_before_each_exchange: bool,
}

impl Default for Rcs380Policy {
    /// As nfcpy: configure before every exchange.
    fn default() -> Self {
        Rcs380Policy {
            configure_before_each_exchange: true,
        }
    }
}

/// An initialised RC-S380, ready to talk 106 kbit/s Type B.
#[derive(Debug)]
pub struct Rcs380<D> {
    chip: Chip<D>,
    firmware: Version,
    policy: Rcs380Policy,
    configured: bool,
}

impl<D: BulkDevice> Rcs380<D> {
    /// Initialises the reader behind `device` (`docs/readers.md` §1.5: ACK, drain, command type 1,
    /// firmware version, field off).
    pub async fn open(device: D, policy: Rcs380Policy) -> Result<Self> {
        let mut chip = Chip::new(device);
        let firmware = chip.initialise().await?;
        Ok(Rcs380 {
            chip,
            firmware,
            policy,
            configured: false,
        })
    }

    /// Initialises the chip again (after a timeout or a protocol error: the watchdog's
    /// re-initialisation).
    pub async fn reinitialise(&mut self) -> Result<()> {
        self.configured = false;
        self.firmware = self.chip.initialise().await?;
        Ok(())
    }

    /// The firmware version the chip reported.
    pub fn firmware(&self) -> Version {
        self.firmware
    }

    /// USB transfers made so far.
    pub fn transfers(&self) -> TransferCount {
        self.chip.transfers()
    }

    /// The USB device underneath.
    pub fn device_mut(&mut self) -> &mut D {
        self.chip.device()
    }

    /// The device back without a word to the reader (it may be gone).
    pub fn into_device(self) -> D {
        self.chip.into_device()
    }

    /// Field off, ACK, and the device back (`docs/readers.md` §1.7).
    pub async fn close(mut self) -> Result<D> {
        self.chip.close().await?;
        Ok(self.chip.into_device())
    }
}

impl<D: BulkDevice> Initiator for Rcs380<D> {
    async fn exchange(&mut self, frame: &[u8], timeout_ms: u32) -> Result<core::result::Result<Vec<u8>, RfFault>> {
        if self.policy.configure_before_each_exchange || !self.configured {
            self.chip.configure_type_b().await?;
            self.configured = true;
        }
        self.chip.in_comm_rf(frame, timeout_ms).await
    }

    async fn pause(&mut self, ms: u32) {
        self.chip.device().pause(ms).await;
    }

    fn now_ms(&mut self) -> u64 {
        self.chip.device().now_ms()
    }

    async fn field_off(&mut self) -> Result<()> {
        self.configured = false;
        self.chip.switch_rf(false).await
    }
}
