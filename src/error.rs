//! The one error type of the SDK.
//!
//! Every variant maps to a **stable code string** (`JPKI_*`), returned by [`Error::code`]. The
//! codes are a contract: the JS package exposes them as `error.code`, the server puts them in
//! `{"error":{"code":…}}`, the command line prints them, and the bilingual table in
//! `docs/error-codes.md` says what a user or an operator should do about each one. Messages
//! ([`core::fmt::Display`]) are English, one line, and never contain a PIN, a key, or a
//! My Number.

use core::fmt;
use std::borrow::Cow;

/// Something the SDK refused or could not do.
///
/// Grouped by kind: malformed input (`Malformed`, `InputTooLarge`), policy
/// rejections of well-formed input (`AnchorPinMismatch`, `NotATrustAnchor`), and unsupported
/// input (`UnsupportedAlgorithm`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The input is not the structure it claims to be: bad DER, bad PEM, bad base64, an
    /// identity field that does not follow the JPKI profile. `what` names the part;
    /// `offset` is the byte offset in the input where the problem was found, when known.
    /// Code `JPKI_MALFORMED`.
    Malformed {
        /// Which part of the input is wrong, e.g. `"DER length"` or `"certificate"`.
        what: Cow<'static, str>,
        /// Byte offset into the caller's input, when the parser could locate the problem.
        offset: Option<usize>,
    },
    /// The input is larger than anything the SDK accepts for that kind of object (a JPKI
    /// certificate is about 1.5 KB; the limit is [`crate::cert::MAX_CERTIFICATE_INPUT`]).
    /// Code `JPKI_INPUT_TOO_LARGE`.
    InputTooLarge {
        /// Size of the input in bytes.
        len: usize,
        /// The limit that applied.
        limit: usize,
    },
    /// An algorithm (signature or public key) the SDK does not implement, named by OID.
    /// Code `JPKI_UNSUPPORTED_ALGORITHM`.
    UnsupportedAlgorithm {
        /// Dotted OID of the algorithm.
        oid: String,
    },
    /// A certificate offered as a trust anchor does not hash to the SHA-256 pin the caller
    /// gave with it. Code `JPKI_ANCHOR_PIN_MISMATCH`.
    AnchorPinMismatch {
        /// The pin the caller expected (hex).
        expected: String,
        /// The SHA-256 of the bytes actually given (hex).
        actual: String,
    },
    /// A certificate offered as a trust anchor cannot be one: it is not a self-signed CA
    /// certificate with basicConstraints `cA` and keyUsage `keyCertSign`.
    /// Code `JPKI_ANCHOR_INVALID`.
    NotATrustAnchor {
        /// Why it was refused.
        reason: String,
    },
    /// An algorithm the SDK implements but the policy does not allow here (SHA-1 where
    /// legacy algorithms are off; `none` / HMAC in a JWS). Code `JPKI_ALGORITHM_NOT_ALLOWED`.
    AlgorithmNotAllowed {
        /// The algorithm's name or OID.
        algorithm: String,
    },
    /// A public key below the policy's minimum (RSA < 2048 bits). Code `JPKI_WEAK_KEY`.
    WeakKey {
        /// Key size found.
        bits: u32,
        /// Minimum the policy requires.
        minimum: u32,
    },
    /// A signature does not verify (the assertion's, or the CA's over the certificate).
    /// Deliberately carries no detail that could serve as an oracle. Code `JPKI_SIGNATURE_INVALID`.
    SignatureInvalid {
        /// Which signature: `"assertion"` or `"certificate"`.
        what: &'static str,
    },
    /// No path from the certificate to a trusted anchor. Code `JPKI_CHAIN_UNTRUSTED`.
    ChainUntrusted {
        /// Why.
        reason: String,
    },
    /// The certificate chains to the test PKI, but the caller did not ask for test anchors.
    /// Code `JPKI_TEST_ANCHOR_REFUSED`.
    TestAnchorRefused,
    /// The certificate (or its CA) had expired at the verification time. Code `JPKI_CERT_EXPIRED`.
    CertExpired {
        /// notAfter (Unix seconds).
        not_after: i64,
        /// The time validity was checked at.
        at: i64,
    },
    /// The certificate (or its CA) was not yet valid. Code `JPKI_CERT_NOT_YET_VALID`.
    CertNotYetValid {
        /// notBefore (Unix seconds).
        not_before: i64,
        /// The time validity was checked at.
        at: i64,
    },
    /// The certificate is the wrong kind for the purpose (an authentication certificate for
    /// account opening, …). Code `JPKI_WRONG_CERTIFICATE_KIND`.
    WrongCertificateKind {
        /// What the purpose needs.
        expected: &'static str,
        /// What the certificate is.
        found: &'static str,
    },
    /// The certificate lacks the JPKI policy the purpose and trust setting require.
    /// Code `JPKI_POLICY_MISMATCH`.
    PolicyMismatch {
        /// The policy OID required.
        expected: String,
    },
    /// The certificate's keyUsage does not allow the purpose. Code `JPKI_KEY_USAGE`.
    KeyUsage {
        /// The bit that is required but absent (or the problem).
        required: &'static str,
    },
    /// A critical extension the SDK does not process. Code `JPKI_UNKNOWN_CRITICAL_EXTENSION`.
    UnknownCriticalExtension {
        /// Its OID.
        oid: String,
    },
    /// The assertion's audience is not the relying party's. Code `JPKI_AUDIENCE_MISMATCH`.
    AudienceMismatch,
    /// The assertion's nonce is not the challenge issued. Code `JPKI_NONCE_MISMATCH`.
    NonceMismatch,
    /// The assertion's `purpose` claim differs from the purpose being verified.
    /// Code `JPKI_PURPOSE_MISMATCH`.
    PurposeMismatch {
        /// Purpose the caller verifies for.
        expected: String,
        /// Purpose the assertion claims.
        found: String,
    },
    /// The assertion is past its `exp` (plus skew). Code `JPKI_ASSERTION_EXPIRED`.
    AssertionExpired {
        /// `exp` claim.
        exp: i64,
        /// Verification time.
        at: i64,
    },
    /// The assertion's `iat` is in the future beyond the allowed skew.
    /// Code `JPKI_ASSERTION_NOT_YET_VALID`.
    AssertionNotYetValid {
        /// `iat` claim.
        iat: i64,
        /// Verification time.
        at: i64,
    },
    /// The certificate has been revoked. Code `JPKI_REVOKED`.
    Revoked {
        /// RFC 5280 reason, when known.
        reason: Option<String>,
    },
    /// Revocation was not checked and the policy requires it. Code `JPKI_REVOCATION_UNCHECKED`.
    RevocationUnchecked,
    /// A revocation source (CRL, OCSP response, saved CRL index) cannot be used: issued by
    /// another CA, not about this certificate, wrong nonce, an unauthorised responder, a
    /// damaged index file. Code `JPKI_REVOCATION_SOURCE_INVALID`.
    RevocationSourceInvalid {
        /// What is wrong.
        reason: String,
    },
    /// A revocation source is outside its validity window or older than the freshness policy
    /// (CRL past `nextUpdate` or older than the allowed age, OCSP answer too old).
    /// Code `JPKI_REVOCATION_STALE`.
    RevocationStale {
        /// What is stale.
        reason: String,
    },
    /// Hostile input exhausted the work budget (too many certificates or signature checks).
    /// Code `JPKI_BUDGET_EXCEEDED`.
    BudgetExceeded {
        /// Which budget.
        what: &'static str,
    },
    /// The assertion's format is not verified by this build: CMS SignedData in a build without
    /// the `cms` feature (the npm package's small default entry for browsers and workers).
    /// Code `JPKI_FORMAT_UNAVAILABLE`.
    FormatUnavailable {
        /// The format ("cms").
        format: &'static str,
    },
    /// A PIN or password was wrong; `tries_left` more attempts remain before the card blocks it.
    /// The PIN itself never appears in the error. Code `JPKI_PIN_INCORRECT`.
    PinIncorrect {
        /// Attempts left.
        tries_left: u8,
    },
    /// The PIN or password is blocked (`63C0` / `6984`); only the municipality can reset it.
    /// Code `JPKI_PIN_BLOCKED`.
    PinBlocked,
    /// Only one try remains and the caller did not pass `allow_last_try`: the PIN was not sent,
    /// so the card cannot be locked by accident. Code `JPKI_PIN_LAST_TRY_GUARD`.
    PinLastTryGuard,
    /// The PIN or password does not have the form the card accepts (4 digits; 6–16 of A–Z 0–9);
    /// it was not sent. Code `JPKI_PIN_FORMAT`.
    PinFormat {
        /// What is wrong (never the PIN).
        reason: &'static str,
    },
    /// The card or reader failed or answered something unexpected (status word, truncated or
    /// oversized data, no card). Code `JPKI_CARD_IO`.
    CardIo {
        /// What happened.
        reason: String,
    },
    /// An APDU that would reach the My Number (the text-input AP's My Number file or the My
    /// Number used as a key, or the card-surface AP's My Number files) was refused before it
    /// reached the reader. Code `JPKI_MYNUMBER_REFUSED`.
    MyNumberRefused,
    /// No card reader was found (none attached, none granted to the page, or the simulator is
    /// not listening). Code `JPKI_READER_NOT_FOUND`.
    #[cfg(feature = "card")]
    ReaderNotFound {
        /// What was looked for.
        reason: String,
    },
    /// The reader is attached but held by another driver (Linux `port100`, the Windows Sony
    /// driver, another tab or program). Code `JPKI_READER_BUSY`.
    #[cfg(feature = "card")]
    ReaderBusy {
        /// Who holds it, as far as is known.
        reason: String,
    },
    /// The reader went away mid-session (unplugged, USB reset, simulator connection closed).
    /// Code `JPKI_READER_UNPLUGGED`.
    #[cfg(feature = "card")]
    ReaderUnplugged,
    /// The reader did not answer a command in time; the command was cancelled (ACK) and the
    /// reader must be re-initialised. Code `JPKI_READER_TIMEOUT`.
    #[cfg(feature = "card")]
    ReaderTimeout {
        /// Which exchange.
        what: &'static str,
    },
    /// The reader or the card's contactless protocol (ISO 14443-4) answered something the
    /// protocol does not allow: a bad frame or checksum, a wrong block number, a card that is
    /// not ISO-DEP. Code `JPKI_READER_PROTOCOL`.
    #[cfg(feature = "card")]
    ReaderProtocol {
        /// What was wrong.
        reason: String,
    },
    /// No card answered in the reader's field before the deadline. Code `JPKI_NO_CARD`.
    #[cfg(feature = "card")]
    NoCard,
    /// The card stopped answering in the middle of an exchange (taken off the reader) and the
    /// protocol's recovery failed. When the lost command was a PIN VERIFY,
    /// `pin_try_may_have_counted` is true: the card may have counted the try, so read the
    /// remaining tries again before asking the person. Code `JPKI_CARD_REMOVED`.
    #[cfg(feature = "card")]
    CardRemoved {
        /// The lost command was a VERIFY: the try may have counted.
        pin_try_may_have_counted: bool,
    },
    /// The caller's options are invalid (missing audience, unknown purpose, …). API misuse, not
    /// untrusted input. Code `JPKI_INVALID_OPTIONS`.
    InvalidOptions {
        /// What is wrong.
        reason: String,
    },
}

impl Error {
    /// The stable machine-readable code of this error (`JPKI_*`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::Malformed { .. } => "JPKI_MALFORMED",
            Error::InputTooLarge { .. } => "JPKI_INPUT_TOO_LARGE",
            Error::UnsupportedAlgorithm { .. } => "JPKI_UNSUPPORTED_ALGORITHM",
            Error::AnchorPinMismatch { .. } => "JPKI_ANCHOR_PIN_MISMATCH",
            Error::NotATrustAnchor { .. } => "JPKI_ANCHOR_INVALID",
            Error::AlgorithmNotAllowed { .. } => "JPKI_ALGORITHM_NOT_ALLOWED",
            Error::WeakKey { .. } => "JPKI_WEAK_KEY",
            Error::SignatureInvalid { .. } => "JPKI_SIGNATURE_INVALID",
            Error::ChainUntrusted { .. } => "JPKI_CHAIN_UNTRUSTED",
            Error::TestAnchorRefused => "JPKI_TEST_ANCHOR_REFUSED",
            Error::CertExpired { .. } => "JPKI_CERT_EXPIRED",
            Error::CertNotYetValid { .. } => "JPKI_CERT_NOT_YET_VALID",
            Error::WrongCertificateKind { .. } => "JPKI_WRONG_CERTIFICATE_KIND",
            Error::PolicyMismatch { .. } => "JPKI_POLICY_MISMATCH",
            Error::KeyUsage { .. } => "JPKI_KEY_USAGE",
            Error::UnknownCriticalExtension { .. } => "JPKI_UNKNOWN_CRITICAL_EXTENSION",
            Error::AudienceMismatch => "JPKI_AUDIENCE_MISMATCH",
            Error::NonceMismatch => "JPKI_NONCE_MISMATCH",
            Error::PurposeMismatch { .. } => "JPKI_PURPOSE_MISMATCH",
            Error::AssertionExpired { .. } => "JPKI_ASSERTION_EXPIRED",
            Error::AssertionNotYetValid { .. } => "JPKI_ASSERTION_NOT_YET_VALID",
            Error::Revoked { .. } => "JPKI_REVOKED",
            Error::RevocationUnchecked => "JPKI_REVOCATION_UNCHECKED",
            Error::RevocationSourceInvalid { .. } => "JPKI_REVOCATION_SOURCE_INVALID",
            Error::RevocationStale { .. } => "JPKI_REVOCATION_STALE",
            Error::BudgetExceeded { .. } => "JPKI_BUDGET_EXCEEDED",
            Error::FormatUnavailable { .. } => "JPKI_FORMAT_UNAVAILABLE",
            Error::InvalidOptions { .. } => "JPKI_INVALID_OPTIONS",
            Error::PinIncorrect { .. } => "JPKI_PIN_INCORRECT",
            Error::PinBlocked => "JPKI_PIN_BLOCKED",
            Error::PinLastTryGuard => "JPKI_PIN_LAST_TRY_GUARD",
            Error::PinFormat { .. } => "JPKI_PIN_FORMAT",
            Error::CardIo { .. } => "JPKI_CARD_IO",
            Error::MyNumberRefused => "JPKI_MYNUMBER_REFUSED",
            #[cfg(feature = "card")]
            Error::ReaderNotFound { .. } => "JPKI_READER_NOT_FOUND",
            #[cfg(feature = "card")]
            Error::ReaderBusy { .. } => "JPKI_READER_BUSY",
            #[cfg(feature = "card")]
            Error::ReaderUnplugged => "JPKI_READER_UNPLUGGED",
            #[cfg(feature = "card")]
            Error::ReaderTimeout { .. } => "JPKI_READER_TIMEOUT",
            #[cfg(feature = "card")]
            Error::ReaderProtocol { .. } => "JPKI_READER_PROTOCOL",
            #[cfg(feature = "card")]
            Error::NoCard => "JPKI_NO_CARD",
            #[cfg(feature = "card")]
            Error::CardRemoved { .. } => "JPKI_CARD_REMOVED",
        }
    }

    /// The byte offset of the problem in the caller's input, when there is one.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Error::Malformed { offset, .. } => *offset,
            _ => None,
        }
    }

    /// Tries left, for `JPKI_PIN_INCORRECT`.
    pub fn tries_left(&self) -> Option<u8> {
        match self {
            Error::PinIncorrect { tries_left } => Some(*tries_left),
            _ => None,
        }
    }

    /// Shorthand used by the parsers.
    pub(crate) fn malformed(what: impl Into<Cow<'static, str>>, offset: Option<usize>) -> Self {
        Error::Malformed {
            what: what.into(),
            offset,
        }
    }

    /// The serialisable form `{code, message, offset?}` that the CLI, the server and the
    /// wasm adapter emit.
    pub fn report(&self) -> ErrorReport {
        ErrorReport {
            code: self.code(),
            message: self.to_string(),
            offset: self.offset(),
            tries_left: self.tries_left(),
        }
    }
}

impl From<crate::time::InvalidTime> for Error {
    fn from(e: crate::time::InvalidTime) -> Self {
        Error::malformed(format!("RFC 3339 time {}", Quoted(&e.text)), None)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Malformed { what, offset: Some(at) } => write!(f, "malformed input: {what} at byte {at}"),
            Error::Malformed { what, offset: None } => write!(f, "malformed input: {what}"),
            Error::InputTooLarge { len, limit } => {
                write!(f, "input of {len} bytes exceeds the limit of {limit} bytes")
            }
            Error::UnsupportedAlgorithm { oid } => write!(f, "unsupported algorithm {oid}"),
            Error::AnchorPinMismatch { expected, actual } => {
                write!(f, "trust anchor SHA-256 {actual} does not match the pinned {expected}")
            }
            Error::NotATrustAnchor { reason } => {
                write!(f, "certificate cannot be a trust anchor: {reason}")
            }
            Error::AlgorithmNotAllowed { algorithm } => write!(f, "algorithm {algorithm} is not allowed by policy"),
            Error::WeakKey { bits, minimum } => {
                write!(f, "{bits}-bit key is below the policy minimum of {minimum} bits")
            }
            Error::SignatureInvalid { what } => write!(f, "the {what} signature does not verify"),
            Error::ChainUntrusted { reason } => write!(f, "certificate does not chain to a trusted anchor: {reason}"),
            Error::TestAnchorRefused => write!(
                f,
                "certificate chains to the test PKI, which is accepted only when test anchors are requested"
            ),
            Error::CertExpired { not_after, at } => write!(
                f,
                "certificate expired at {} (checked at {})",
                crate::time::to_rfc3339(*not_after),
                crate::time::to_rfc3339(*at)
            ),
            Error::CertNotYetValid { not_before, at } => write!(
                f,
                "certificate is valid only from {} (checked at {})",
                crate::time::to_rfc3339(*not_before),
                crate::time::to_rfc3339(*at)
            ),
            Error::WrongCertificateKind { expected, found } => {
                write!(
                    f,
                    "this purpose needs a {expected} certificate, got a {found} certificate"
                )
            }
            Error::PolicyMismatch { expected } => {
                write!(f, "certificate lacks the required certificate policy {expected}")
            }
            Error::KeyUsage { required } => write!(f, "certificate keyUsage lacks {required}"),
            Error::UnknownCriticalExtension { oid } => write!(f, "unknown critical extension {oid}"),
            Error::AudienceMismatch => write!(f, "assertion audience does not match this relying party"),
            Error::NonceMismatch => write!(f, "assertion nonce does not match the challenge"),
            Error::PurposeMismatch { expected, found } => {
                write!(
                    f,
                    "assertion purpose is {}, expected {}",
                    Quoted(found),
                    Quoted(expected)
                )
            }
            Error::AssertionExpired { exp, at } => write!(
                f,
                "assertion expired at {} (checked at {})",
                crate::time::to_rfc3339(*exp),
                crate::time::to_rfc3339(*at)
            ),
            Error::AssertionNotYetValid { iat, at } => write!(
                f,
                "assertion issued in the future at {} (checked at {})",
                crate::time::to_rfc3339(*iat),
                crate::time::to_rfc3339(*at)
            ),
            Error::Revoked { reason: Some(r) } => write!(f, "certificate is revoked ({r})"),
            Error::Revoked { reason: None } => write!(f, "certificate is revoked"),
            Error::RevocationUnchecked => write!(f, "revocation status was not checked and the policy requires it"),
            Error::RevocationSourceInvalid { reason } => write!(f, "revocation source unusable: {reason}"),
            Error::RevocationStale { reason } => write!(f, "revocation source is stale: {reason}"),
            Error::BudgetExceeded { what } => write!(f, "work budget exceeded: {what}"),
            Error::FormatUnavailable { format } => write!(
                f,
                "{format} assertions are not verified by this build (the small browser entry verifies JWS); use \"jpki-verify/sync\""
            ),
            Error::InvalidOptions { reason } => write!(f, "invalid options: {reason}"),
            Error::PinIncorrect { tries_left } => write!(f, "incorrect PIN or password; {tries_left} tries left"),
            Error::PinBlocked => write!(f, "the PIN or password is blocked; reset it at your municipality"),
            Error::PinLastTryGuard => write!(
                f,
                "only one try is left; the PIN was not sent (pass allowLastTry to use the last try)"
            ),
            Error::PinFormat { reason } => write!(f, "PIN or password not sent: {reason}"),
            Error::CardIo { reason } => write!(f, "card I/O: {reason}"),
            Error::MyNumberRefused => write!(f, "refused: this command would reach the My Number"),
            #[cfg(feature = "card")]
            Error::ReaderNotFound { reason } => write!(f, "no card reader: {reason}"),
            #[cfg(feature = "card")]
            Error::ReaderBusy { reason } => write!(f, "the card reader is held by another driver: {reason}"),
            #[cfg(feature = "card")]
            Error::ReaderUnplugged => write!(f, "the card reader was unplugged"),
            #[cfg(feature = "card")]
            Error::ReaderTimeout { what } => write!(f, "the card reader did not answer in time ({what}); the command was cancelled"),
            #[cfg(feature = "card")]
            Error::ReaderProtocol { reason } => write!(f, "reader protocol error: {reason}"),
            #[cfg(feature = "card")]
            Error::NoCard => write!(f, "no card on the reader"),
            #[cfg(feature = "card")]
            Error::CardRemoved { pin_try_may_have_counted: false } => write!(f, "the card was removed during the exchange"),
            #[cfg(feature = "card")]
            Error::CardRemoved { pin_try_may_have_counted: true } => write!(
                f,
                "the card was removed while checking the PIN; the try may have counted, so the remaining tries are read again before the PIN is asked for"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// The wire form of an [`Error`]: what `jpki-verify inspect` prints on failure, what the
/// server returns under `"error"`, and the properties of the JS `Error` the wasm adapter throws.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ErrorReport {
    /// Stable code, e.g. `JPKI_MALFORMED`.
    pub code: &'static str,
    /// One-line English message.
    pub message: String,
    /// Byte offset into the input, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
    /// Tries left, for `JPKI_PIN_INCORRECT`.
    #[serde(rename = "triesLeft", skip_serializing_if = "Option::is_none")]
    pub tries_left: Option<u8>,
}

/// Shows a string in double quotes for a message, with `"`, `\\` and characters that could
/// break or disguise a one-line message (controls, line/paragraph separators, bidi and
/// zero-width format characters, BOM) escaped as `\\u{…}`. Used instead of `{:?}` so that
/// messages about attacker-chosen text need neither core's Debug escaping nor its Unicode
/// tables (wasm size).
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\u{0}'..='\u{1f}'
                | '\u{7f}'..='\u{9f}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{feff}' => write!(f, "\\u{{{:x}}}", u32::from(c))?,
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

/// Result alias used across the crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_prefixed() {
        let all = [
            Error::malformed("x", Some(3)),
            Error::InputTooLarge { len: 2, limit: 1 },
            Error::UnsupportedAlgorithm { oid: "1.2".into() },
            Error::AnchorPinMismatch {
                expected: "aa".into(),
                actual: "bb".into(),
            },
            Error::NotATrustAnchor { reason: "r".into() },
        ];
        let codes: Vec<_> = all.iter().map(Error::code).collect();
        assert_eq!(
            codes,
            [
                "JPKI_MALFORMED",
                "JPKI_INPUT_TOO_LARGE",
                "JPKI_UNSUPPORTED_ALGORITHM",
                "JPKI_ANCHOR_PIN_MISMATCH",
                "JPKI_ANCHOR_INVALID"
            ]
        );
        for e in &all {
            let msg = e.to_string();
            assert!(!msg.contains('\n'), "one-line message: {msg}");
        }
    }

    #[test]
    fn report_carries_offset() {
        let r = Error::malformed("DER length", Some(17)).report();
        assert_eq!(r.code, "JPKI_MALFORMED");
        assert_eq!(r.offset, Some(17));
        assert_eq!(r.message, "malformed input: DER length at byte 17");
    }
}
