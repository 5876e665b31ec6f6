//! The one seam between the reader drivers and a USB device: bulk transfers, a wait, and a
//! clock reading, all supplied by the caller. A browser implements it over WebUSB
//! (`USBDevice.transferOut` / `transferIn`), a native program over a USB library, the tests
//! over the byte-exact simulators ([`crate::reader::sim`]) and `jpki-verify reader-sim` clients
//! over TCP. The drivers themselves have no clock: every deadline is computed from
//! [`BulkDevice::now_ms`] and every pause goes through [`BulkDevice::pause`].
//!
//! The shape follows nfcpy's transport seam (`write(frame)`, `read(timeout)`, `close()`;
//! `docs/readers-webusb.md` §5) and WebUSB's (`transferOut(ep, data)`, `transferIn(ep, length)`).

use core::future::Future;

use crate::error::Result;

/// Bytes the drivers ask for in one bulk IN transfer: nfcpy reads 300, the kernel allows a
/// payload of 1001; the largest RC-S380 response the drivers provoke is an InCommRF answer of
/// about 270 bytes (FSD 256), so 512 leaves room (`docs/readers.md` §1.1).
pub const READ_SIZE: usize = 512;

/// A USB device seen as its bulk endpoints (one bulk IN, one bulk OUT), or anything that
/// behaves like one.
///
/// Errors: an implementation reports a missing device as
/// [`ReaderNotFound`](crate::Error::ReaderNotFound), a device held by another driver as
/// [`ReaderBusy`](crate::Error::ReaderBusy), a device that went away as
/// [`ReaderUnplugged`](crate::Error::ReaderUnplugged) and a read that saw nothing before its
/// timeout as [`ReaderTimeout`](crate::Error::ReaderTimeout).
pub trait BulkDevice {
    /// One bulk OUT transfer of exactly `bytes` (an empty slice is a zero-length packet).
    fn transfer_out(&mut self, bytes: &[u8]) -> impl Future<Output = Result<()>>;

    /// One bulk IN transfer of at most `max_len` bytes. Resolves with what the device sent, or
    /// with [`ReaderTimeout`](crate::Error::ReaderTimeout) when nothing arrived within
    /// `timeout_ms` milliseconds (WebUSB has no transfer timeout: the adapter's watchdog
    /// aborts the pending transfer; `docs/readers.md` §1.2).
    fn transfer_in(&mut self, max_len: usize, timeout_ms: u32) -> impl Future<Output = Result<Vec<u8>>>;

    /// `wMaxPacketSize` of the bulk OUT endpoint, for the zero-length-packet rule (64 on a
    /// full-speed device).
    fn max_packet_size(&self) -> usize;

    /// Waits `ms` milliseconds (the pause between polls).
    fn pause(&mut self, ms: u32) -> impl Future<Output = ()>;

    /// A monotonic clock in milliseconds (any origin), for deadlines.
    fn now_ms(&mut self) -> u64;
}

impl<T: BulkDevice + ?Sized> BulkDevice for &mut T {
    fn transfer_out(&mut self, bytes: &[u8]) -> impl Future<Output = Result<()>> {
        (**self).transfer_out(bytes)
    }
    fn transfer_in(&mut self, max_len: usize, timeout_ms: u32) -> impl Future<Output = Result<Vec<u8>>> {
        (**self).transfer_in(max_len, timeout_ms)
    }
    fn max_packet_size(&self) -> usize {
        (**self).max_packet_size()
    }
    fn pause(&mut self, ms: u32) -> impl Future<Output = ()> {
        (**self).pause(ms)
    }
    fn now_ms(&mut self) -> u64 {
        (**self).now_ms()
    }
}
