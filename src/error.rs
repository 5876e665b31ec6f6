//! The one error type of the SDK.
//!
//! Every variant maps to a **stable code string** (`JPKI_*`), returned by [`Error::code`]. The
//! codes are a contract: the JS package exposes them as `error.code`, the server puts them in
//! `{"error":{"code":…}}`, the command line prints them, and the bilingual table in
//! `docs/error-codes.md` says what a user or an operator should do about each one. Messages
//! ([`core::fmt::Display`]) are English, one line, and never contain a PIN, a key, or a
//! My Number.

use core::fmt;

/// Something the SDK refused or could not do.
///
/// Grouped as the style guide asks: malformed input (`Malformed`, `InputTooLarge`), policy
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
        what: String,
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
        }
    }

    /// The byte offset of the problem in the caller's input, when there is one.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Error::Malformed { offset, .. } => *offset,
            _ => None,
        }
    }

    /// Shorthand used by the parsers.
    pub(crate) fn malformed(what: impl Into<String>, offset: Option<usize>) -> Self {
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
        }
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
