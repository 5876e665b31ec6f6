//! The PC/SC side: a connected card (pcsc-lite through the `pcsc` crate) as a
//! [`jpki_verify::card::Transport`].
//!
//! Each command runs inside one PC/SC transaction, so no other application can slip an APDU
//! between our VERIFY and the signature. When a PIN was (or may have been) verified, the
//! transaction ends with a card reset, which drops the card's security state: a verified PIN
//! never outlives the command.

use std::ffi::{CStr, CString};
use std::future::Future;

use jpki_verify::card::Transport;
use jpki_verify::Error;

use crate::cli::Failure;

fn card_io(what: &str, e: pcsc::Error) -> Error {
    let hint = match e {
        pcsc::Error::NoService | pcsc::Error::ServiceStopped => " (is pcscd running?)",
        pcsc::Error::NoReadersAvailable => " (no smart-card reader is connected)",
        pcsc::Error::NoSmartcard | pcsc::Error::RemovedCard => " (place the card on the reader)",
        _ => "",
    };
    Error::CardIo {
        reason: format!("{what}: {e}{hint}"),
    }
}

/// A card connected in shared mode, and the name of its reader.
pub(crate) struct Connection {
    card: pcsc::Card,
    reader: String,
}

impl Connection {
    /// Connects to the card in the reader named `wanted`, or else in the first reader that
    /// holds a card.
    pub(crate) fn open(wanted: Option<&str>) -> Result<Connection, Error> {
        let ctx = pcsc::Context::establish(pcsc::Scope::User).map_err(|e| card_io("PC/SC", e))?;
        let readers = match ctx.list_readers_owned() {
            Ok(r) => r,
            Err(pcsc::Error::NoReadersAvailable) => Vec::new(),
            Err(e) => return Err(card_io("listing readers", e)),
        };
        let names = || {
            readers
                .iter()
                .map(|r| format!("{:?}", r.to_string_lossy()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if readers.is_empty() {
            return Err(card_io("listing readers", pcsc::Error::NoReadersAvailable));
        }
        let connect = |name: &CStr| ctx.connect(name, pcsc::ShareMode::Shared, pcsc::Protocols::ANY);
        if let Some(wanted) = wanted {
            let name = CString::new(wanted).map_err(|_| Error::CardIo {
                reason: "reader name contains a NUL byte".to_owned(),
            })?;
            if !readers.contains(&name) {
                return Err(Error::CardIo {
                    reason: format!("no reader named {wanted:?} (readers: {})", names()),
                });
            }
            let card = connect(&name).map_err(|e| card_io(&format!("reader {wanted:?}"), e))?;
            return Ok(Connection {
                card,
                reader: wanted.to_owned(),
            });
        }
        for name in &readers {
            match connect(name) {
                Ok(card) => {
                    return Ok(Connection {
                        card,
                        reader: name.to_string_lossy().into_owned(),
                    })
                }
                Err(
                    pcsc::Error::NoSmartcard
                    | pcsc::Error::RemovedCard
                    | pcsc::Error::UnpoweredCard
                    | pcsc::Error::UnresponsiveCard
                    | pcsc::Error::UnsupportedCard
                    | pcsc::Error::ReaderUnavailable,
                ) => continue,
                Err(e) => return Err(card_io(&format!("reader {:?}", name.to_string_lossy()), e)),
            }
        }
        Err(Error::CardIo {
            reason: format!(
                "no card in any reader (readers: {}); place the card on the reader",
                names()
            ),
        })
    }

    /// The reader's name as PC/SC reports it.
    pub(crate) fn reader(&self) -> &str {
        &self.reader
    }

    /// Runs `f` inside one PC/SC transaction. With `reset`, the transaction ends with a card
    /// reset, so a PIN verified in `f` does not stay verified.
    pub(crate) fn transaction<T>(
        &mut self,
        reset: bool,
        f: impl FnOnce(PcscTransport<'_>) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        let tx = self
            .card
            .transaction()
            .map_err(|e| card_io("beginning a transaction", e))?;
        let result = f(PcscTransport {
            card: &tx,
            buffer: vec![0u8; pcsc::MAX_BUFFER_SIZE_EXTENDED],
        });
        let disposition = if reset {
            pcsc::Disposition::ResetCard
        } else {
            pcsc::Disposition::LeaveCard
        };
        if let Err((_, e)) = tx.end(disposition) {
            // The result stands; say so if the card could not be reset (it is reset anyway
            // when it leaves the reader or another application connects with a reset).
            eprintln!("jpki-verify: warning: ending the card transaction: {e}");
        }
        result
    }
}

/// [`Transport`] over a PC/SC card handle (inside a transaction).
pub(crate) struct PcscTransport<'a> {
    card: &'a pcsc::Card,
    buffer: Vec<u8>,
}

impl PcscTransport<'_> {
    fn transmit_now(&mut self, command: &[u8]) -> jpki_verify::Result<Vec<u8>> {
        match self.card.transmit(command, &mut self.buffer) {
            Ok(response) => Ok(response.to_vec()),
            Err(e) => Err(card_io("transmit", e)),
        }
    }
}

impl Transport for PcscTransport<'_> {
    fn transmit(&mut self, command: &[u8]) -> impl Future<Output = jpki_verify::Result<Vec<u8>>> {
        // pcsc-lite's SCardTransmit blocks; the future is ready when it returns.
        std::future::ready(self.transmit_now(command))
    }
}
