//! The card layer: APDU codec, transports, the My Number guard, the JPKI application client
//! and (feature `virtual-card`) a software card with the test PKI's keys.
//!
//! ```text
//! JpkiCard  (client.rs: SELECT / READ BINARY / VERIFY / COMPUTE DIGITAL SIGNATURE, assertions)
//!    │  transmit_command: 61xx → GET RESPONSE, 6Cxx → re-send with Le (≤ 8 rounds)
//! MyNumberGuard  (guard.rs: refuses every APDU that could reach the My Number)
//!    │
//! impl Transport  (PC/SC, WebUSB bridge, VirtualCard …)
//! ```
//!
//! The layout and byte values follow `docs/jpki-facts.md` §1 (collected from OpenSC, jpki/myna,
//! siketyan/jpki-rs, soltia48/myna-card and others; J-LIS does not publish the card
//! specification). Status words and APDU structure follow ISO/IEC 7816-4.
//!
//! ```
//! # #[cfg(feature = "virtual-card")]
//! # fn main() -> jpki_verify::Result<()> {
//! use jpki_verify::card::{block_on, CertificateFile, JpkiCard, PinRef, PinStatus, VirtualCard, VirtualCardConfig};
//!
//! let mut card = JpkiCard::new(VirtualCard::new(VirtualCardConfig::default())?);
//! let cert = block_on(card.read_certificate(CertificateFile::AuthCertificate))?;
//! assert_eq!(cert[0], 0x30);
//! assert_eq!(block_on(card.tries_left(PinRef::Auth))?, PinStatus::TriesLeft(3));
//! block_on(card.verify_pin(PinRef::Auth, "1234", false))?;
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "virtual-card"))]
//! # fn main() {}
//! ```

pub mod apdu;
pub mod client;
pub mod guard;
pub mod transport;
#[cfg(feature = "virtual-card")]
pub mod virtual_card;

pub use apdu::{Command, Response, StatusWord};
pub use client::{AssertionRequest, CertificateFile, JpkiCard, KeyRef, PinRef, PinStatus, Token};
pub use guard::{MyNumberGuard, SelectedApplication};
pub use transport::{block_on, transmit_command, Transport};
#[cfg(feature = "virtual-card")]
pub use virtual_card::{VirtualCard, VirtualCardConfig, VirtualToken};
