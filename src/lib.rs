//! # jpki-verify
//!
//! Relying-party SDK for JPKI (公的個人認証サービス, the My Number Card's certificates): parse
//! JPKI certificates and read the 4 basic information from a signature certificate, validate
//! the path to the pinned J-LIS CAs, verify assertions (JWS RS256/ES256 with `x5c`, CMS
//! SignedData) bound to a server challenge, check revocation (CRL, OCSP or a platform operator's
//! answer), and speak the card's JPKI application protocol — natively, in wasm (browsers, Node,
//! Deno, Cloudflare workerd) and behind the `jpki-verify` server. The layers and the path of one
//! verification are in `docs/architecture.md`.
//!
//! | module | what it does |
//! |---|---|
//! | [`cert`] | DER/PEM certificate model: kind, token, environment, identity (基本4情報), JPKI profile |
//! | [`trust`] | the six pinned J-LIS CAs and the test PKI as compiled records, caller anchors, labelling |
//! | [`assertion`] | JWS and CMS assertions bound to a challenge → one [`Verdict`]; options; what a card signs |
//! | [`revocation`] | CRLs (parse, verified index, saved form), OCSP (request, response), operator answers, freshness policy |
//! | [`crypto`] | the `CryptoProvider` trait; RustCrypto (feature `rustcrypto`), ring (feature `ring`) |
//! | [`card`] | APDUs, the JPKI card client, the PIN and My Number guards, the virtual card (feature `virtual-card`) |
//! | `reader` | (feature `reader`) the PaSoRi driver stack below the card `Transport`, and its simulators |
//! | [`json`] | the strict JSON reader and its value type (`Claims::txn`) |
//! | [`numbers`] | My Number / Corporate Number check digits, the forms people type, log redaction |
//! | [`encoding`] | strict base64 / base64url and hex |
//! | [`error`] | the one error type; every variant has a stable `JPKI_*` code |
//! | [`time`] | RFC 3339 ⇄ Unix seconds (the core never reads a clock) |
//! | `wasm` | (wasm32 only) the JS API: `parseCertificate`, `verifyAssertion`, `JpkiCard`, `VirtualCard`, WebCrypto jobs, WebUSB |
//!
//! ## Limitations (this version)
//! * `anchor` and `caGeneration` in a certificate parsed on its own *name* the issuing CA by DN
//!   and key identifier; only a verdict's `anchor` (after path validation) is proof.
//! * Smartphone-certificate OIDs are not published by J-LIS; see `notes` in the model.
//! * The RC-S300 over its vendor interface is experimental (Type B there is unconfirmed on
//!   hardware); PC/SC is its supported path.
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
pub mod numbers;
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
#[cfg(not(target_arch = "wasm32"))]
pub use path::validate_certificate;
pub use trust::{parse_certificate, AnchorRef, AnchorSource, TrustAnchor, TrustAnchors};
