//! Small encoders the assertion fixtures need: base64 (RFC 4648 §4 and §5) and hex through the
//! `base64` and `hex` crates, a JSON writer that keeps key order, and a minimal DER reader for
//! pulling fields out of the generated certificates.

use crate::Error;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;

/// Standard base64 with `=` padding (RFC 4648 §4), as used in `x5c`.
pub(crate) fn base64_standard(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// base64url without padding (RFC 4648 §5, RFC 7515 §2).
pub(crate) fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Lower-case hex.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// A JSON value whose objects keep the order their members were written in. Not serde_json
/// with `preserve_order`: Cargo unifies features across the workspace, so that would reorder
/// the JSON the SDK's and the server's `serde_json::Value`s write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// A string value.
    pub(crate) fn str(s: &str) -> Json {
        Json::Str(s.to_string())
    }

    /// An object from `(key, value)` pairs, in order.
    pub(crate) fn obj<const N: usize>(members: [(&str, Json); N]) -> Json {
        Json::Obj(members.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }

    /// Sets `key` (replacing its value in place, or appending it).
    pub(crate) fn set(&mut self, key: &str, value: Json) {
        if let Json::Obj(members) = self {
            match members.iter_mut().find(|(k, _)| k == key) {
                Some(member) => member.1 = value,
                None => members.push((key.to_string(), value)),
            }
        }
    }

    /// Removes `key` if present.
    pub(crate) fn remove(&mut self, key: &str) {
        if let Json::Obj(members) = self {
            members.retain(|(k, _)| k != key);
        }
    }

    /// Compact serialisation: no whitespace, members in insertion order,
    /// non-ASCII characters written as UTF-8.
    pub(crate) fn compact(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, None, 0);
        out
    }

    /// Pretty serialisation with two-space indentation and a final newline.
    pub(crate) fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, Some(2), 0);
        out.push('\n');
        out
    }

    fn write(&self, out: &mut String, indent: Option<usize>, depth: usize) {
        let newline = |out: &mut String, depth: usize| {
            if let Some(width) = indent {
                out.push('\n');
                out.push_str(&" ".repeat(width * depth));
            }
        };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(i) => out.push_str(&i.to_string()),
            Json::Str(s) => write_string(out, s),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    item.write(out, indent, depth + 1);
                }
                if !items.is_empty() {
                    newline(out, depth);
                }
                out.push(']');
            }
            Json::Obj(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    write_string(out, key);
                    out.push(':');
                    if indent.is_some() {
                        out.push(' ');
                    }
                    value.write(out, indent, depth + 1);
                }
                if !members.is_empty() {
                    newline(out, depth);
                }
                out.push('}');
            }
        }
    }
}

/// A JSON string literal (RFC 8259 §7): `"` and `\` escaped, control
/// characters as short escapes or `\u00XX`.
pub(crate) fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// One TLV split off the front of a buffer: `(whole TLV, value, rest)`.
pub(crate) type Tlv<'a> = (&'a [u8], &'a [u8], &'a [u8]);

/// Splits one DER TLV off the front of `input`: `(whole TLV, value, rest)`.
/// Only definite lengths up to four octets; enough for certificates.
pub(crate) fn read_tlv(input: &[u8]) -> Result<Tlv<'_>, Error> {
    let short = Error::Der("truncated DER");
    let first_len = *input.get(1).ok_or(short)?;
    let (len, header) = if first_len < 0x80 {
        (usize::from(first_len), 2)
    } else {
        let n = usize::from(first_len & 0x7f);
        if n == 0 || n > 4 {
            return Err(Error::Der("unsupported DER length"));
        }
        let bytes = input.get(2..2 + n).ok_or(Error::Der("truncated DER length"))?;
        (bytes.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b)), 2 + n)
    };
    let end = header.checked_add(len).ok_or(Error::Der("DER length overflow"))?;
    let whole = input.get(..end).ok_or(Error::Der("truncated DER value"))?;
    let value = input.get(header..end).ok_or(Error::Der("truncated DER value"))?;
    Ok((whole, value, &input[end..]))
}

/// The fields of a certificate's `TBSCertificate` this module needs, each
/// as a complete TLV.
pub(crate) struct TbsFields<'a> {
    /// `serialNumber` INTEGER.
    pub(crate) serial: &'a [u8],
    /// `issuer` Name.
    pub(crate) issuer: &'a [u8],
    /// `subjectPublicKeyInfo`.
    pub(crate) spki: &'a [u8],
}

/// Reads `serialNumber`, `issuer` and `subjectPublicKeyInfo` out of a
/// certificate (RFC 5280 §4.1; version `[0]` is required, as every
/// certificate of the test PKI is v3).
pub(crate) fn tbs_fields(cert: &[u8]) -> Result<TbsFields<'_>, Error> {
    let (_, certificate, _) = read_tlv(cert)?;
    let (_, tbs, _) = read_tlv(certificate)?;
    let (version, _, rest) = read_tlv(tbs)?;
    if version.first() != Some(&0xa0) {
        return Err(Error::Der("certificate without an explicit version"));
    }
    let (serial, _, rest) = read_tlv(rest)?;
    let (_signature, _, rest) = read_tlv(rest)?;
    let (issuer, _, rest) = read_tlv(rest)?;
    let (_validity, _, rest) = read_tlv(rest)?;
    let (_subject, _, rest) = read_tlv(rest)?;
    let (spki, _, _) = read_tlv(rest)?;
    Ok(TbsFields { serial, issuer, spki })
}

/// The contents of the `subjectPublicKey` BIT STRING of a
/// `SubjectPublicKeyInfo` TLV, without the unused-bits octet.
pub(crate) fn subject_public_key(spki: &[u8]) -> Result<&[u8], Error> {
    let (_, fields, _) = read_tlv(spki)?;
    let (_algorithm, _, rest) = read_tlv(fields)?;
    let (_, bits, _) = read_tlv(rest)?;
    match bits.split_first() {
        Some((0, key)) => Ok(key),
        _ => Err(Error::Der("subjectPublicKey with unused bits")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn base64_vectors() {
        // RFC 4648 §10.
        for (input, std) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64_standard(input.as_bytes()), std);
            assert_eq!(base64url(input.as_bytes()), std.trim_end_matches('='));
        }
        assert_eq!(base64_standard(&[0xfb, 0xff]), "+/8=");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn json_writer() {
        let mut v = Json::obj([
            ("b", Json::Int(-1)),
            ("a", Json::str("\"x\"\\\n\u{1}山")),
            ("c", Json::Arr(vec![Json::Null, Json::Bool(true)])),
            ("d", Json::Obj(vec![])),
        ]);
        assert_eq!(
            v.compact(),
            r#"{"b":-1,"a":"\"x\"\\\n\u0001山","c":[null,true],"d":{}}"#
        );
        v.set("b", Json::Int(2));
        v.remove("c");
        v.set("e", Json::Arr(vec![]));
        assert_eq!(
            v.pretty(),
            "{\n  \"b\": 2,\n  \"a\": \"\\\"x\\\"\\\\\\n\\u0001山\",\n  \"d\": {},\n  \"e\": []\n}\n"
        );
    }

    #[test]
    fn tlv_reader() {
        let (whole, value, rest) = read_tlv(&[0x04, 0x01, 0xaa, 0x05, 0x00]).unwrap();
        assert_eq!(
            (whole, value, rest),
            (&[0x04, 0x01, 0xaa][..], &[0xaa][..], &[0x05, 0x00][..])
        );
        let long = crate::der::octet_string(&[7; 300]);
        let (whole, value, rest) = read_tlv(&long).unwrap();
        assert_eq!((whole.len(), value.len(), rest.len()), (304, 300, 0));
        assert!(read_tlv(&[0x04, 0x02, 0x00]).is_err());
        assert!(read_tlv(&[0x04]).is_err());
    }
}
