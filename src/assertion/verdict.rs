//! What a verification returns: the [`Verdict`] (the same in Rust, JS and the server) and the
//! [`Claims`] it carries.

use serde::Serialize;

use super::{jws, Format, Purpose};
use crate::cert::{Certificate, Identity};
use crate::error::{Error, ErrorReport, Result};
use crate::json::JsonValue as Value;
use crate::revocation::Revocation;
use crate::trust::AnchorRef;

/// The claims of an assertion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Claims {
    /// Relying party origin.
    pub aud: String,
    /// The challenge.
    pub nonce: String,
    /// Issued at (Unix seconds).
    pub iat: i64,
    /// Expires (Unix seconds).
    pub exp: i64,
    /// Purpose claimed.
    pub purpose: String,
    /// Transaction details the person agreed to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub txn: Option<Value>,
}

impl Claims {
    /// Reads the claims object (strict: no duplicate names, right JSON types).
    pub fn parse(bytes: &[u8]) -> Result<Claims> {
        let obj = jws::parse_object(bytes, "claims")?;
        let string = |k: &str| match obj.get(k) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(Error::malformed(format!("claims: {k} is not a string"), None)),
            None => Err(Error::malformed(format!("claims: {k} is missing"), None)),
        };
        let int = |k: &str| match obj.get(k) {
            Some(Value::Number(n)) => n
                .as_i64()
                .ok_or_else(|| Error::malformed(format!("claims: {k} is not an integer"), None)),
            Some(_) => Err(Error::malformed(format!("claims: {k} is not a number"), None)),
            None => Err(Error::malformed(format!("claims: {k} is missing"), None)),
        };
        let purpose = string("purpose")?;
        if Purpose::parse(&purpose).is_none() {
            return Err(Error::malformed(
                format!("claims: unknown purpose {}", crate::error::Quoted(&purpose)),
                None,
            ));
        }
        let txn = match obj.get("txn") {
            None => None,
            Some(v @ Value::Object(_)) => Some(v.clone()),
            Some(_) => return Err(Error::malformed("claims: txn is not an object", None)),
        };
        Ok(Claims {
            aud: string("aud")?,
            nonce: string("nonce")?,
            iat: int("iat")?,
            exp: int("exp")?,
            purpose,
            txn,
        })
    }
}

/// The one verdict type: the same in Rust, JS and the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Verdict {
    /// True only when no error is present.
    pub valid: bool,
    /// The assertion encoding.
    pub format: Option<Format>,
    /// The purpose verified for.
    pub purpose: Purpose,
    /// The signer's certificate, when it could be parsed (not proof of anything unless `valid`).
    pub certificate: Option<Certificate>,
    /// The 4 basic information — present only when `valid` and the certificate carries it.
    pub identity: Option<Identity>,
    /// The anchor the path was validated to.
    pub anchor: Option<AnchorRef>,
    /// The claims, when they could be parsed.
    pub claims: Option<Claims>,
    /// Revocation status.
    pub revocation: Revocation,
    /// Verification time used (RFC 3339).
    pub verified_at: String,
    /// Errors, first failure first. Empty iff `valid`.
    pub errors: Vec<ErrorReport>,
    /// Warnings (e.g. unchecked revocation where policy allows it).
    pub warnings: Vec<ErrorReport>,
}

impl Verdict {
    /// The first error's code, if any.
    pub fn code(&self) -> Option<&'static str> {
        self.errors.first().map(|e| e.code)
    }
}
