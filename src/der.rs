//! A strict, zero-copy DER reader that knows where it is.
//!
//! X.690 §10 (DER) restricts BER to one encoding per value. This reader enforces the parts
//! that matter for locating and rejecting hostile input before any semantic parser sees it:
//!
//! * definite lengths only (no `0x80` indefinite form, X.690 §10.1);
//! * minimal length octets (short form below 128, no leading zero octets, X.690 §10.1);
//! * lengths that fit in the remaining input;
//! * a bounded nesting depth ([`MAX_DEPTH`]).
//!
//! Every error carries the byte offset in the caller's original input, so that
//! `JPKI_MALFORMED` can say *where* a certificate is broken.

use crate::error::{Error, Result};

/// Deepest nesting [`check_structure`] follows. A certificate needs about 10 levels; 64 leaves
/// room for any honest ASN.1 while stopping stack-exhaustion attempts.
pub(crate) const MAX_DEPTH: usize = 64;

/// One tag-length-value element, borrowed from the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tlv<'a> {
    /// The identifier octet (class, constructed bit, tag number ≤ 30).
    pub(crate) tag: u8,
    /// The contents octets.
    pub(crate) value: &'a [u8],
    /// Offset of the identifier octet in the caller's input.
    pub(crate) offset: usize,
    /// Offset of the first contents octet in the caller's input.
    pub(crate) value_offset: usize,
}

impl Tlv<'_> {
    /// Whether the constructed bit (0x20) is set.
    pub(crate) fn is_constructed(&self) -> bool {
        self.tag & 0x20 != 0
    }
}

/// Well-known universal tags used by the parsers.
pub(crate) mod tag {
    pub(crate) const UTF8_STRING: u8 = 0x0C;
    pub(crate) const PRINTABLE_STRING: u8 = 0x13;
    pub(crate) const T61_STRING: u8 = 0x14;
    pub(crate) const IA5_STRING: u8 = 0x16;
    pub(crate) const UNIVERSAL_STRING: u8 = 0x1C;
    pub(crate) const BMP_STRING: u8 = 0x1E;
    pub(crate) const SEQUENCE: u8 = 0x30;
    pub(crate) const CONTEXT_0_CONSTRUCTED: u8 = 0xA0;
}

/// A cursor over a DER-encoded slice that remembers its base offset in the original input.
#[derive(Clone, Debug)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `data`, which starts at byte `base` of the caller's input.
    pub(crate) fn new(data: &'a [u8], base: usize) -> Self {
        Reader { data, pos: 0, base }
    }

    /// Whether every byte has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// Offset of the next unread byte in the caller's input.
    pub(crate) fn offset(&self) -> usize {
        self.base + self.pos
    }

    fn byte(&mut self, what: &str) -> Result<u8> {
        let b = *self
            .data
            .get(self.pos)
            .ok_or_else(|| Error::malformed(format!("{what}: unexpected end of input"), Some(self.offset())))?;
        self.pos += 1;
        Ok(b)
    }

    /// Reads one TLV, enforcing definite, minimal lengths that fit the input.
    pub(crate) fn read(&mut self) -> Result<Tlv<'a>> {
        let start = self.offset();
        let tag = self.byte("DER tag")?;
        if tag & 0x1F == 0x1F {
            // High-tag-number form (X.690 §8.1.2.4): nothing in X.509, JWS or CMS uses it.
            return Err(Error::malformed(
                "DER tag: high tag number form is not accepted",
                Some(start),
            ));
        }
        let len_at = self.offset();
        let first = self.byte("DER length")?;
        let len = if first < 0x80 {
            usize::from(first)
        } else if first == 0x80 {
            return Err(Error::malformed(
                "DER length: indefinite length is not DER",
                Some(len_at),
            ));
        } else {
            let count = usize::from(first & 0x7F);
            if count > 4 {
                return Err(Error::malformed("DER length: more than 4 length octets", Some(len_at)));
            }
            let mut len: usize = 0;
            for _ in 0..count {
                len = (len << 8) | usize::from(self.byte("DER length")?);
            }
            if len < 0x80 || len >> (8 * (count - 1)) == 0 {
                return Err(Error::malformed("DER length: not minimally encoded", Some(len_at)));
            }
            len
        };
        let value_offset = self.offset();
        let remaining = self.data.len() - self.pos;
        if len > remaining {
            return Err(Error::malformed(
                format!("DER length: {len} bytes declared, {remaining} available (truncated)"),
                Some(len_at),
            ));
        }
        let value = &self.data[self.pos..self.pos + len];
        self.pos += len;
        Ok(Tlv {
            tag,
            value,
            offset: start,
            value_offset,
        })
    }

    /// Reads one TLV and requires its tag to be `expected`.
    pub(crate) fn expect_tag(&mut self, expected: u8, what: &str) -> Result<Tlv<'a>> {
        let tlv = self.read()?;
        if tlv.tag != expected {
            return Err(Error::malformed(
                format!("{what}: expected tag 0x{expected:02X}, found 0x{:02X}", tlv.tag),
                Some(tlv.offset),
            ));
        }
        Ok(tlv)
    }

    /// Fails unless every byte was consumed.
    pub(crate) fn finish(&self, what: &str) -> Result<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Error::malformed(format!("{what}: trailing data"), Some(self.offset())))
        }
    }
}

/// The complete TLV bytes of `tlv` inside `der` (its offsets are absolute in `der`); empty if
/// `tlv` did not come from `der`.
pub(crate) fn whole<'a>(der: &'a [u8], tlv: &Tlv<'_>) -> &'a [u8] {
    der.get(tlv.offset..tlv.value_offset + tlv.value.len())
        .unwrap_or_default()
}

/// Appends a DER length (X.690 §8.1.3: short form below 128, else the minimal long form).
pub(crate) fn push_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(bytes.get(skip..).unwrap_or_default());
    }
}

/// One DER tag-length-value: `tag`, the minimal length of `content`, `content`.
#[cfg(any(feature = "revocation", test))] // OCSP requests
pub(crate) fn write_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    push_length(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

/// Walks the whole TLV tree of `input` (one top-level element, nothing after it) and checks
/// the DER length rules at every level, descending into constructed elements.
///
/// This is the gate every untrusted DER object passes before a semantic parser sees it: it
/// gives precise offsets for truncation, trailing bytes and BER-isms, and bounds the depth.
pub(crate) fn check_structure(input: &[u8], what: &str) -> Result<()> {
    let mut reader = Reader::new(input, 0);
    let top = reader.read()?;
    if !reader.is_empty() {
        return Err(Error::malformed(
            format!("{what}: trailing data after the DER object"),
            Some(reader.offset()),
        ));
    }
    walk(top, 1)
}

fn walk(tlv: Tlv<'_>, depth: usize) -> Result<()> {
    if !tlv.is_constructed() {
        return Ok(());
    }
    if depth > MAX_DEPTH {
        return Err(Error::malformed(
            format!("DER nesting deeper than {MAX_DEPTH} levels"),
            Some(tlv.offset),
        ));
    }
    let mut inner = Reader::new(tlv.value, tlv.value_offset);
    while !inner.is_empty() {
        walk(inner.read()?, depth + 1)?;
    }
    Ok(())
}

/// Decodes a DirectoryString-like value (X.520 `DirectoryString` plus IA5String) to text.
///
/// ```text
/// DirectoryString ::= CHOICE {
///     teletexString     TeletexString (SIZE (1..MAX)),
///     printableString   PrintableString (SIZE (1..MAX)),
///     universalString   UniversalString (SIZE (1..MAX)),
///     utf8String        UTF8String (SIZE (1..MAX)),
///     bmpString         BMPString (SIZE (1..MAX)) }
/// ```
///
/// The JPKI profile's string types for the SAN identity values are not all confirmed, so
/// every alternative is accepted. TeletexString is read as Latin-1 (what deployed software
/// does in practice). Returns `None` for a tag that is not a string type.
pub(crate) fn decode_string(tlv: &Tlv<'_>) -> Option<Result<String>> {
    let bad = |kind: &str| Error::malformed(format!("{kind} is not valid"), Some(tlv.value_offset));
    Some(match tlv.tag {
        tag::UTF8_STRING => String::from_utf8(tlv.value.to_vec()).map_err(|_| bad("UTF8String")),
        tag::PRINTABLE_STRING => {
            if tlv.value.iter().all(|&b| is_printable(b)) {
                Ok(tlv.value.iter().map(|&b| char::from(b)).collect())
            } else {
                Err(bad("PrintableString"))
            }
        }
        tag::IA5_STRING => {
            if tlv.value.is_ascii() {
                Ok(tlv.value.iter().map(|&b| char::from(b)).collect())
            } else {
                Err(bad("IA5String"))
            }
        }
        tag::T61_STRING => Ok(tlv.value.iter().map(|&b| char::from(b)).collect()),
        tag::BMP_STRING => {
            if !tlv.value.len().is_multiple_of(2) {
                Err(bad("BMPString"))
            } else {
                let units = tlv.value.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
                char::decode_utf16(units)
                    .collect::<core::result::Result<String, _>>()
                    .map_err(|_| bad("BMPString"))
            }
        }
        tag::UNIVERSAL_STRING => {
            if !tlv.value.len().is_multiple_of(4) {
                Err(bad("UniversalString"))
            } else {
                tlv.value
                    .chunks_exact(4)
                    .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                    .collect::<Option<String>>()
                    .ok_or_else(|| bad("UniversalString"))
            }
        }
        _ => return None,
    })
}

/// X.680 §41.4 PrintableString alphabet.
fn is_printable(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b)
}

/// Dotted form of an OBJECT IDENTIFIER's contents (X.690 §8.19), strict: no leading 0x80
/// padding octets, no arc over 64 bits, not empty.
pub(crate) fn oid_to_string(value: &[u8], offset: usize) -> Result<String> {
    let bad = || Error::malformed("OBJECT IDENTIFIER is not valid", Some(offset));
    if value.is_empty() || value.last().is_some_and(|b| b & 0x80 != 0) {
        return Err(bad());
    }
    // Digits are written by hand (no core::fmt: this runs for every OID of every certificate).
    let mut out = Vec::with_capacity(value.len() * 3 + 2);
    let mut acc: u64 = 0;
    let mut first_octet = true;
    let mut first_arc = true;
    for &b in value {
        if first_octet && b == 0x80 {
            return Err(bad());
        }
        first_octet = false;
        if acc > (u64::MAX >> 7) {
            return Err(bad());
        }
        acc = (acc << 7) | u64::from(b & 0x7F);
        if b & 0x80 == 0 {
            if first_arc {
                let (a, rest) = match acc {
                    0..40 => (0, acc),
                    40..80 => (1, acc - 40),
                    _ => (2, acc - 80),
                };
                push_decimal(&mut out, a);
                out.push(b'.');
                push_decimal(&mut out, rest);
                first_arc = false;
            } else {
                out.push(b'.');
                push_decimal(&mut out, acc);
            }
            acc = 0;
            first_octet = true;
        }
    }
    String::from_utf8(out).map_err(|_| bad())
}

fn push_decimal(out: &mut Vec<u8>, mut v: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Upper-case hex without separators.
pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    hex(bytes, b"0123456789ABCDEF")
}

/// Hex over `digits` (no core::fmt: fingerprints and serials are formatted on every parse).
pub(crate) fn hex(bytes: &[u8], digits: &[u8; 16]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(digits[usize::from(b >> 4)]));
        s.push(char::from(digits[usize::from(b & 15)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_short_and_long_lengths() {
        let mut r = Reader::new(&[0x04, 0x01, 0xAA, 0x04, 0x81, 0x80], 0);
        let t = r.read().unwrap();
        assert_eq!((t.tag, t.value, t.value_offset), (0x04, &[0xAA][..], 2));
        // 0x81 0x80 = 128 bytes declared, none available.
        let e = r.read().unwrap_err();
        assert_eq!(e.offset(), Some(4));
        assert!(e.to_string().contains("truncated"));
    }

    #[test]
    fn rejects_ber_lengths() {
        assert!(Reader::new(&[0x30, 0x80, 0, 0], 0)
            .read()
            .unwrap_err()
            .to_string()
            .contains("indefinite"));
        // 0x81 0x05: long form for a length that fits the short form.
        let e = Reader::new(&[0x04, 0x81, 0x05, 1, 2, 3, 4, 5], 0).read().unwrap_err();
        assert!(e.to_string().contains("minimally"));
        // 0x82 0x00 0x80: leading zero length octet.
        let mut v = vec![0x04, 0x82, 0x00, 0x80];
        v.extend([0u8; 128]);
        assert!(Reader::new(&v, 0).read().unwrap_err().to_string().contains("minimally"));
        assert!(Reader::new(&[0x1F, 0x81, 0x00], 0).read().is_err());
    }

    #[test]
    fn structure_check_finds_nested_truncation_and_trailing_data() {
        // SEQUENCE { SEQUENCE { OCTET STRING (declares 5, has 1) } }
        let e = check_structure(&[0x30, 0x05, 0x30, 0x03, 0x04, 0x05, 0xAA], "x").unwrap_err();
        assert_eq!(e.offset(), Some(5));
        let e = check_structure(&[0x05, 0x00, 0xFF], "x").unwrap_err();
        assert_eq!(e.offset(), Some(2));
        assert!(e.to_string().contains("trailing"));
        check_structure(&[0x30, 0x03, 0x02, 0x01, 0x05], "x").unwrap();
    }

    #[test]
    fn structure_check_bounds_depth() {
        let mut v: Vec<u8> = vec![0x05, 0x00];
        for _ in 0..100 {
            let len = v.len();
            let mut outer = vec![0x30];
            if len < 128 {
                outer.push(len as u8);
            } else if len < 256 {
                outer.extend([0x81, len as u8]);
            } else {
                outer.extend([0x82, (len >> 8) as u8, len as u8]);
            }
            outer.extend(v);
            v = outer;
        }
        assert!(check_structure(&v, "x").unwrap_err().to_string().contains("nesting"));
    }

    #[test]
    fn oids() {
        assert_eq!(
            oid_to_string(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B], 0).unwrap(),
            "1.2.840.113549.1.1.11"
        );
        assert_eq!(oid_to_string(&[0x55, 0x1D, 0x20, 0x00], 0).unwrap(), "2.5.29.32.0");
        assert_eq!(oid_to_string(&[0x88, 0x37, 0x01], 0).unwrap(), "2.999.1");
        assert!(oid_to_string(&[], 0).is_err());
        assert!(oid_to_string(&[0x2A, 0x86], 0).is_err());
        assert!(oid_to_string(&[0x2A, 0x80, 0x01], 0).is_err());
    }

    #[test]
    fn decodes_every_directory_string() {
        let s = |tag, v: &[u8]| {
            decode_string(&Tlv {
                tag,
                value: v,
                offset: 0,
                value_offset: 2,
            })
            .unwrap()
        };
        assert_eq!(s(tag::UTF8_STRING, "山田".as_bytes()).unwrap(), "山田");
        assert_eq!(s(tag::PRINTABLE_STRING, b"319850412").unwrap(), "319850412");
        assert!(s(tag::PRINTABLE_STRING, b"a@b").is_err());
        assert_eq!(s(tag::BMP_STRING, &[0x5C, 0x71, 0x75, 0x30]).unwrap(), "山田");
        assert!(s(tag::BMP_STRING, &[0x5C]).is_err());
        assert_eq!(s(tag::UNIVERSAL_STRING, &[0, 0, 0x5C, 0x71]).unwrap(), "山");
        assert!(s(tag::UTF8_STRING, &[0xFF]).is_err());
        assert!(decode_string(&Tlv {
            tag: 0x04,
            value: b"",
            offset: 0,
            value_offset: 0
        })
        .is_none());
    }

    /// Property tests (review-security M8): every length is written in the minimal form and
    /// read back; every INTEGER content is accepted exactly when it is minimal.
    #[cfg(not(target_arch = "wasm32"))] // proptest is a native dev-dependency
    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn lengths_round_trip(len in 0usize..70_000, tag in prop::sample::select(vec![0x04u8, 0x30, 0x31, 0xA0])) {
                let mut der = vec![tag];
                push_length(&mut der, len);
                let header = der.len();
                der.resize(header + len, 0xAB);
                let mut r = Reader::new(&der, 0);
                let t = r.read().unwrap();
                prop_assert_eq!((t.tag, t.value.len(), t.value_offset), (tag, len, header));
                prop_assert!(r.is_empty());
                // One byte short: refused, with the offset of the length.
                let mut short = Reader::new(&der[..der.len() - usize::from(len > 0)], 0);
                prop_assert_eq!(short.read().is_ok(), len == 0);
            }

            #[test]
            fn integers_are_accepted_exactly_when_minimal(n in any::<i64>(), pad in 0usize..3) {
                // Two's complement, minimal: drop leading 0x00/0xFF octets that only repeat the sign.
                let full = n.to_be_bytes();
                let mut start = 0;
                while start < 7 && ((full[start] == 0 && full[start + 1] & 0x80 == 0) || (full[start] == 0xFF && full[start + 1] & 0x80 != 0)) {
                    start += 1;
                }
                let mut content = vec![if n < 0 { 0xFF } else { 0x00 }; pad];
                content.extend_from_slice(&full[start..]);
                let tlv = Tlv { tag: 0x02, value: &content, offset: 0, value_offset: 2 };
                prop_assert_eq!(crate::pkix::check_integer(&tlv, "test").is_ok(), pad == 0);
            }
        }
    }
}
