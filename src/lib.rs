//! # jpki-verify
//!
//! Relying-party SDK for JPKI (公的個人認証サービス, the My Number Card's certificates):
//! parse and classify JPKI certificates, read the 4 basic information from a signature
//! certificate, and know the pinned J-LIS trust anchors — natively, in wasm (browsers, Node,
//! Deno, Cloudflare workerd) and behind the `jpki-verify` server.
//!
//! | module | what it does |
//! |---|---|
//! | [`cert`] | DER/PEM certificate model: kind, token, environment, identity (基本4情報) |
//! | [`trust`] | the six pinned J-LIS CA certificates, the test PKI, caller anchors |
//! | [`assertion`] | JWS and CMS assertions bound to a challenge → one [`Verdict`] |
//! | [`crypto`] | the `CryptoProvider` trait; RustCrypto (feature `rustcrypto`), ring (feature `ring`) |
//! | [`card`] | APDUs, the JPKI card client, the My Number guard, the virtual card (feature `virtual-card`) |
//! | [`error`] | the one error type; every variant has a stable `JPKI_*` code |
//! | [`time`] | RFC 3339 ⇄ Unix seconds (the core never reads a clock) |
//! | `wasm` | (wasm32 only) the JS API: `parseCertificate`, `verifyAssertion`, `JpkiCard`, `VirtualCard`, WebCrypto provider |
//!
//! ## Limitations (this version)
//! * Signature, path and revocation checks are not part of this release yet; `anchor` and
//!   `caGeneration` in the model *name* the issuing CA by DN and key identifier, they do not
//!   prove it.
//! * Smartphone-certificate OIDs are not published by J-LIS; see `notes` in the model.
//! * My Number is never read or accepted: JPKI certificates do not contain it.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod assertion;
#[cfg(feature = "card")]
pub mod card;
pub mod cert;
pub mod crypto;
mod der;
pub mod encoding;
pub mod error;
pub mod json;
mod path;
mod pkix;
#[cfg(feature = "reader")]
pub mod reader;
pub mod revocation;
pub mod time;
pub mod trust;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use assertion::{verify, Format, Purpose, Verdict, VerifyOptions};
#[cfg(feature = "card")]
pub use card::{JpkiCard, MyNumberGuard, Transport};
#[cfg(feature = "virtual-card")]
pub use card::{VirtualCard, VirtualCardConfig};
pub use cert::{Certificate, DateOfBirth, Environment, Era, Identity, Kind, Role, Sex, Token};
#[cfg(feature = "rustcrypto")]
pub use crypto::RustCrypto;
pub use crypto::{CryptoProvider, SignatureAlgorithm, SignatureCheck};
pub use error::{Error, ErrorReport, Result};
pub use trust::{parse_certificate, AnchorRef, AnchorSource, TrustAnchor, TrustAnchors};
