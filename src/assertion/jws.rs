//! JWS compact serialisation (RFC 7515 §7.1) as the card makes it in the browser.
//!
//! ```text
//! BASE64URL(UTF8(header)) "." BASE64URL(payload) "." BASE64URL(signature)
//! header  = {"alg":"RS256","typ":"jpki-assertion+jwt","x5c":["<base64 DER leaf>", ...]}
//! payload = {"aud":…,"nonce":…,"iat":…,"exp":…,"purpose":…,"txn":{…}?}
//! ```
//!
//! Parsing is strict: base64url without padding and with canonical trailing bits; header and
//! payload are JSON objects without duplicate member names (RFC 7515 §4 and RFC 8725 §3.11 say
//! duplicates must be rejected or handled safely — we reject); `typ` must be
//! `jpki-assertion+jwt` (explicit typing, RFC 8725 §3.11) so that no other JWT can be replayed as
//! an assertion; `crit` is not supported and is refused; `x5c` entries are standard base64
//! (RFC 7515 §4.1.6). The algorithm is taken from `alg` and then checked against the allow-list
//! and the key type — never the other way round.

use crate::json::{JsonObject, JsonValue as Value};

use crate::encoding::decode_base64_chunks;
use crate::error::{Error, Result};

/// Largest assertion accepted (bytes). A JPKI assertion with its leaf certificate is ~3 KB.
pub const MAX_ASSERTION_SIZE: usize = 64 * 1024;
/// Most certificates accepted in `x5c` (leaf, optionally its CA; anything else is ignored but
/// bounded). More is treated as hostile: `JPKI_BUDGET_EXCEEDED`.
pub const MAX_X5C: usize = 4;
/// The `typ` every assertion must carry.
pub const ASSERTION_TYP: &str = "jpki-assertion+jwt";

/// A parsed compact JWS, before any signature or policy check.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CompactJws {
    /// The `alg` header parameter.
    pub alg: String,
    /// Decoded header object.
    pub header: JsonObject,
    /// Decoded payload bytes.
    pub payload: Vec<u8>,
    /// The ASCII signing input `header.payload` (what the signature covers).
    pub signing_input: String,
    /// Decoded signature bytes.
    pub signature: Vec<u8>,
}

impl CompactJws {
    /// Parses `h.p.s` strictly (see the module docs). Does not look at `typ` or `x5c`.
    pub fn parse(input: &str) -> Result<Self> {
        if input.len() > MAX_ASSERTION_SIZE {
            return Err(Error::InputTooLarge {
                len: input.len(),
                limit: MAX_ASSERTION_SIZE,
            });
        }
        let parts: Vec<&str> = input.split('.').collect();
        if parts.len() != 3 {
            return Err(Error::malformed(
                format!("JWS: expected 3 dot-separated parts, found {}", parts.len()),
                None,
            ));
        }
        let header_at = 0;
        let payload_at = parts[0].len() + 1;
        let signature_at = payload_at + parts[1].len() + 1;
        let header_bytes = decode_base64url(parts[0], header_at, "JWS header")?;
        let payload = decode_base64url(parts[1], payload_at, "JWS payload")?;
        let signature = decode_base64url(parts[2], signature_at, "JWS signature")?;
        let header = parse_object(&header_bytes, "JWS header")?;
        let alg = match header.get("alg") {
            Some(Value::String(a)) => a.clone(),
            Some(_) => return Err(Error::malformed("JWS header: alg is not a string", None)),
            None => return Err(Error::malformed("JWS header: alg is missing", None)),
        };
        if header.contains_key("crit") {
            return Err(Error::malformed(
                "JWS header: crit is not supported (RFC 7515 §4.1.11)",
                None,
            ));
        }
        Ok(CompactJws {
            alg,
            header,
            payload,
            signing_input: input.get(..signature_at - 1).unwrap_or_default().to_owned(),
            signature,
        })
    }

    /// The `x5c` certificates (DER), checked for count and encoding.
    pub fn x5c(&self) -> Result<Vec<Vec<u8>>> {
        let list = match self.header.get("x5c") {
            Some(Value::Array(list)) if !list.is_empty() => list,
            Some(_) => return Err(Error::malformed("JWS header: x5c is not a non-empty array", None)),
            None => return Err(Error::malformed("JWS header: x5c is missing", None)),
        };
        if list.len() > MAX_X5C {
            return Err(Error::BudgetExceeded {
                what: "more than 4 certificates in x5c",
            });
        }
        list.iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => decode_base64_chunks(&[(s.as_bytes(), 0)])
                    .map_err(|e| Error::malformed(format!("JWS header: x5c[{i}]: {e}"), None)),
                _ => Err(Error::malformed(format!("JWS header: x5c[{i}] is not a string"), None)),
            })
            .collect()
    }

    /// Checks `typ`.
    pub fn check_typ(&self) -> Result<()> {
        match self.header.get("typ") {
            Some(Value::String(t)) if t == ASSERTION_TYP => Ok(()),
            Some(Value::String(t)) => Err(Error::malformed(
                format!("JWS header: typ {} is not \"{ASSERTION_TYP}\"", crate::error::Quoted(t)),
                None,
            )),
            _ => Err(Error::malformed(
                format!("JWS header: typ must be \"{ASSERTION_TYP}\""),
                None,
            )),
        }
    }
}

/// Strict base64url (RFC 4648 §5) without padding; offsets are into the compact string.
pub(crate) fn decode_base64url(part: &str, offset: usize, what: &str) -> Result<Vec<u8>> {
    crate::encoding::decode_base64url_nopad(part.as_bytes(), offset).map_err(|e| match e {
        Error::Malformed { what: w, offset } => Error::malformed(format!("{what}: {w}"), offset),
        other => other,
    })
}

/// Base64url without padding.
pub fn encode_base64url(bytes: &[u8]) -> String {
    crate::encoding::encode_base64(bytes, true)
}

/// Parses a UTF-8 JSON object with no duplicate member names at any depth and at most
/// [`crate::json::MAX_DEPTH`] levels of nesting (RFC 8259 §4 leaves duplicates to the parser;
/// two parsers picking different values of `txn.amount` would let what the person saw and what
/// the bank records differ). Errors name the byte offset in the decoded JSON.
pub(crate) fn parse_object(bytes: &[u8], what: &str) -> Result<JsonObject> {
    match crate::json::parse(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::malformed(format!("{what}: not a JSON object"), None)),
        Err(e) => Err(Error::malformed(format!("{what}: not a JSON object ({e})"), None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jws(h: &str, p: &str, s: &[u8]) -> String {
        format!(
            "{}.{}.{}",
            encode_base64url(h.as_bytes()),
            encode_base64url(p.as_bytes()),
            encode_base64url(s)
        )
    }

    #[test]
    fn parses_and_keeps_signing_input() {
        let s = jws(
            r#"{"alg":"RS256","typ":"jpki-assertion+jwt","x5c":["MAMCAQU="]}"#,
            "{}",
            &[1, 2, 3],
        );
        let j = CompactJws::parse(&s).unwrap();
        assert_eq!(j.alg, "RS256");
        assert_eq!(j.signature, [1, 2, 3]);
        assert_eq!(j.signing_input, s[..s.rfind('.').unwrap()]);
        assert_eq!(j.x5c().unwrap(), [vec![0x30, 3, 2, 1, 5]]);
        j.check_typ().unwrap();
    }

    #[test]
    fn strictness() {
        let h = encode_base64url(br#"{"alg":"RS256"}"#);
        assert!(CompactJws::parse(&format!("{h}.e30")).is_err(), "two parts");
        assert!(CompactJws::parse(&format!("{h}.e30=.AA")).is_err(), "padding");
        assert!(CompactJws::parse(&format!("{h}.e30.A+")).is_err(), "std alphabet");
        assert!(CompactJws::parse(&format!("{h}.e30.AB")).is_err(), "non-canonical bits");
        let dup = jws(r#"{"alg":"none","alg":"RS256"}"#, "{}", b"");
        assert!(CompactJws::parse(&dup).unwrap_err().to_string().contains("duplicate"));
        let crit = jws(r#"{"alg":"RS256","crit":["x"]}"#, "{}", b"");
        assert!(CompactJws::parse(&crit).is_err());
        let arr = jws(r#"["alg"]"#, "{}", b"");
        assert!(CompactJws::parse(&arr).is_err());
        let big = "a".repeat(MAX_ASSERTION_SIZE + 1);
        assert_eq!(CompactJws::parse(&big).unwrap_err().code(), "JPKI_INPUT_TOO_LARGE");
    }

    #[test]
    fn nested_duplicates_and_depth_are_refused() {
        assert!(parse_object(br#"{"txn":{"amount":1,"amount":1000000}}"#, "c").is_err());
        assert!(parse_object(br#"{"a":[{"b":1,"b":2}]}"#, "c").is_err());
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(40), "]".repeat(40));
        assert!(parse_object(deep.as_bytes(), "c")
            .unwrap_err()
            .to_string()
            .contains("deeply"));
        assert!(parse_object(br#"{"a":{"b":[1,{"c":null}]}}"#, "c").is_ok());
    }

    #[test]
    fn x5c_budget_and_typ() {
        let many = format!(r#"{{"alg":"RS256","x5c":[{}]}}"#, [r#""MAMCAQU=""#; 5].join(","));
        let j = CompactJws::parse(&jws(&many, "{}", b"x")).unwrap();
        assert_eq!(j.x5c().unwrap_err().code(), "JPKI_BUDGET_EXCEEDED");
        assert!(j.check_typ().is_err());
    }

    #[test]
    fn base64url_round_trip() {
        for n in 0..20u8 {
            let v: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(decode_base64url(&encode_base64url(&v), 0, "x").unwrap(), v);
        }
    }
}
