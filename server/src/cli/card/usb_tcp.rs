//! `--rcs380 HOST:PORT`: our own RC-S380 driver (`jpki_verify::reader`) over the reader-sim
//! TCP contract (`docs/kiosk.md`: one connection is one plugged-in reader, every USB bulk
//! transfer a 2-byte big-endian length and its bytes), so `jpki-verify card status|read|sign`
//! run over the PaSoRi path exactly as the browser's WebUSB adapter does.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use jpki_verify::card::Transport;
use jpki_verify::reader::rcs380::{Rcs380, Rcs380Policy};
use jpki_verify::reader::usb::BulkDevice;
use jpki_verify::reader::{ContactlessCard, IsoDepPolicy, PollPolicy};
use jpki_verify::{Error, Result};

/// Bulk transfers over TCP, with a buffer so that a read timeout never loses bytes.
pub(crate) struct TcpBulk {
    stream: TcpStream,
    buffer: Vec<u8>,
    start: Instant,
}

impl TcpBulk {
    /// Connects to a reader-sim (or anything that speaks the contract).
    pub(crate) fn connect(address: &str) -> Result<TcpBulk> {
        let stream = TcpStream::connect(address).map_err(|e| Error::ReaderNotFound {
            reason: format!("no reader at {address}: {e}"),
        })?;
        let _ = stream.set_nodelay(true);
        Ok(TcpBulk {
            stream,
            buffer: Vec::new(),
            start: Instant::now(),
        })
    }

    /// Reads until `n` bytes are buffered or `deadline` passes (`false`).
    fn fill(&mut self, n: usize, deadline: Instant) -> Result<bool> {
        let mut chunk = [0u8; 4096];
        while self.buffer.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(false);
            }
            let _ = self.stream.set_read_timeout(Some(left.max(Duration::from_millis(1))));
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(Error::ReaderUnplugged),
                Ok(k) => self.buffer.extend_from_slice(&chunk[..k]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => return Ok(false),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return Err(Error::ReaderUnplugged),
            }
        }
        Ok(true)
    }
}

impl BulkDevice for TcpBulk {
    async fn transfer_out(&mut self, bytes: &[u8]) -> Result<()> {
        let n = u16::try_from(bytes.len()).map_err(|_| Error::ReaderProtocol {
            reason: "a bulk transfer longer than 65535 bytes".to_owned(),
        })?;
        let mut message = n.to_be_bytes().to_vec();
        message.extend_from_slice(bytes);
        self.stream.write_all(&message).map_err(|_| Error::ReaderUnplugged)
    }

    async fn transfer_in(&mut self, max_len: usize, timeout_ms: u32) -> Result<Vec<u8>> {
        let deadline = Instant::now() + Duration::from_millis(u64::from(timeout_ms));
        if !self.fill(2, deadline)? {
            return Err(Error::ReaderTimeout {
                what: "bulk IN transfer",
            });
        }
        let n = usize::from(u16::from_be_bytes([self.buffer[0], self.buffer[1]]));
        // The rest of a transfer that has begun arrives at once; allow a second for it.
        if !self.fill(2 + n, Instant::now() + Duration::from_secs(1))? {
            return Err(Error::ReaderTimeout {
                what: "bulk IN transfer",
            });
        }
        let transfer: Vec<u8> = self.buffer.drain(..2 + n).skip(2).collect();
        if transfer.len() > max_len {
            return Err(Error::ReaderProtocol {
                reason: format!(
                    "a bulk IN transfer of {} bytes (asked for at most {max_len})",
                    transfer.len()
                ),
            });
        }
        Ok(transfer)
    }

    fn max_packet_size(&self) -> usize {
        64
    }

    async fn pause(&mut self, ms: u32) {
        std::thread::sleep(Duration::from_millis(u64::from(ms)));
    }

    fn now_ms(&mut self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

/// A card on an RC-S380 reached over TCP, activated and ready for APDUs.
pub(crate) struct UsbCard {
    card: ContactlessCard<Rcs380<TcpBulk>>,
    /// What `status` prints as the reader.
    pub(crate) description: String,
}

impl UsbCard {
    /// Connects, initialises the reader and waits up to `wait_ms` for a card.
    pub(crate) async fn open(address: &str, wait_ms: u32) -> Result<UsbCard> {
        let reader = Rcs380::open(TcpBulk::connect(address)?, Rcs380Policy::default()).await?;
        let description = format!("Sony RC-S380 at {address} (firmware {})", reader.firmware());
        let poll = PollPolicy {
            pause_ms: 200,
            deadline_ms: wait_ms,
        };
        let card = ContactlessCard::connect(reader, poll, IsoDepPolicy::default()).await?;
        Ok(UsbCard { card, description })
    }

    /// S(DESELECT), field off (the card forgets any verified PIN), ACK.
    pub(crate) async fn close(self) -> Result<()> {
        let reader = self.card.close().await?;
        reader.close().await.map(|_| ())
    }
}

impl Transport for UsbCard {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>> {
        self.card.transmit(command).await
    }
}
