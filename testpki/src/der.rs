//! A minimal DER (X.690 Distinguished Encoding Rules) writer.
//!
//! Only what the test PKI needs: every function returns one complete TLV
//! (tag, minimal definite length, value) as a `Vec<u8>`, and constructed
//! values are built by concatenating the encodings of their components.
//! Nothing here parses; the generator never reads DER back.

use crate::Error;

/// Tag class bits (X.690 §8.1.2.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    Universal = 0x00,
    ContextSpecific = 0x80,
}

/// Universal tag numbers used below (X.680 §8.6).
mod tag {
    pub(super) const BOOLEAN: u32 = 1;
    pub(super) const INTEGER: u32 = 2;
    pub(super) const BIT_STRING: u32 = 3;
    pub(super) const OCTET_STRING: u32 = 4;
    pub(super) const NULL: u32 = 5;
    pub(super) const OBJECT_IDENTIFIER: u32 = 6;
    pub(super) const UTF8_STRING: u32 = 12;
    pub(super) const SEQUENCE: u32 = 16;
    pub(super) const SET: u32 = 17;
    pub(super) const PRINTABLE_STRING: u32 = 19;
    pub(super) const IA5_STRING: u32 = 22;
    pub(super) const UTC_TIME: u32 = 23;
    pub(super) const GENERALIZED_TIME: u32 = 24;
    pub(super) const BMP_STRING: u32 = 30;
}

/// Appends base-128 digits of `v`, most significant first, with the
/// continuation bit on every byte but the last (X.690 §8.1.2.4.2, §8.19.2).
fn push_base128(out: &mut Vec<u8>, v: u64) {
    let mut digits = [0u8; 10];
    let mut n = 0;
    let mut rest = v;
    loop {
        // Truncation intended: the low seven bits of `rest`.
        digits[n] = (rest & 0x7f) as u8;
        n += 1;
        rest >>= 7;
        if rest == 0 {
            break;
        }
    }
    for i in (0..n).rev() {
        let more = if i == 0 { 0 } else { 0x80 };
        out.push(digits[i] | more);
    }
}

/// Appends identifier octets: low tag form for numbers below 31, high tag
/// form otherwise (X.690 §8.1.2).
fn push_identifier(out: &mut Vec<u8>, class: Class, constructed: bool, number: u32) {
    let first = class as u8 | if constructed { 0x20 } else { 0x00 };
    if number < 31 {
        // `number < 31` fits in the five low bits.
        out.push(first | number as u8);
    } else {
        out.push(first | 0x1f);
        push_base128(out, u64::from(number));
    }
}

/// Appends the minimal definite length (X.690 §10.1): short form below 128,
/// otherwise 0x80|n followed by n big-endian octets with no leading zero.
pub(crate) fn push_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        // `len < 0x80` fits in one octet.
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let significant = &bytes[skip..];
        // At most size_of::<usize>() octets, far below 127.
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
}

/// Encodes one TLV with an arbitrary identifier.
pub(crate) fn tlv_with(class: Class, constructed: bool, number: u32, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 6);
    push_identifier(&mut out, class, constructed, number);
    push_length(&mut out, value.len());
    out.extend_from_slice(value);
    out
}

fn universal(number: u32, value: &[u8]) -> Vec<u8> {
    tlv_with(Class::Universal, false, number, value)
}

fn universal_constructed(number: u32, value: &[u8]) -> Vec<u8> {
    tlv_with(Class::Universal, true, number, value)
}

/// `BOOLEAN`: DER requires FF for TRUE (X.690 §11.1).
pub(crate) fn boolean(v: bool) -> Vec<u8> {
    universal(tag::BOOLEAN, &[if v { 0xff } else { 0x00 }])
}

/// `NULL` (05 00).
pub(crate) fn null() -> Vec<u8> {
    universal(tag::NULL, &[])
}

/// Non-negative `INTEGER` from a big-endian magnitude: leading zero octets
/// are stripped, and one 00 is prepended when the high bit would otherwise
/// make the two's-complement value negative (X.690 §8.3.2).
pub(crate) fn integer_unsigned(magnitude: &[u8]) -> Vec<u8> {
    let skip = magnitude.iter().take_while(|b| **b == 0).count();
    let trimmed = &magnitude[skip..];
    let mut value = Vec::with_capacity(trimmed.len() + 1);
    match trimmed.first() {
        None => value.push(0),
        Some(first) if first & 0x80 != 0 => {
            value.push(0);
            value.extend_from_slice(trimmed);
        }
        Some(_) => value.extend_from_slice(trimmed),
    }
    universal(tag::INTEGER, &value)
}

/// Non-negative `INTEGER` from a machine integer.
pub(crate) fn integer_u64(v: u64) -> Vec<u8> {
    integer_unsigned(&v.to_be_bytes())
}

/// `OBJECT IDENTIFIER` from its arcs (X.690 §8.19): the first two arcs are
/// packed as 40·a0 + a1, then every arc in base 128.
pub(crate) fn oid(arcs: &[u64]) -> Result<Vec<u8>, Error> {
    let (first, second, rest) = match arcs {
        [a, b, rest @ ..] => (*a, *b, rest),
        _ => return Err(Error::Der("an OID needs at least two arcs")),
    };
    if first > 2 || (first < 2 && second >= 40) {
        return Err(Error::Der("invalid first OID arcs"));
    }
    let head = (first * 40).checked_add(second).ok_or(Error::Der("OID arc overflow"))?;
    let mut value = Vec::new();
    push_base128(&mut value, head);
    for arc in rest {
        push_base128(&mut value, *arc);
    }
    Ok(universal(tag::OBJECT_IDENTIFIER, &value))
}

/// `BIT STRING` whose content is a whole number of octets (unused bits 0),
/// as for subjectPublicKey and signatureValue.
pub(crate) fn bit_string(bytes: &[u8]) -> Vec<u8> {
    let mut value = Vec::with_capacity(bytes.len() + 1);
    value.push(0);
    value.extend_from_slice(bytes);
    universal(tag::BIT_STRING, &value)
}

/// `BIT STRING` for a NamedBitList such as `KeyUsage`: bit `n` is the n-th
/// bit counted from the most significant bit of the first octet, and DER
/// drops trailing zero bits (X.690 §11.2.2), so `{0, 1}` becomes 03 02 06 C0.
pub(crate) fn named_bits(bits: &[u8]) -> Vec<u8> {
    let highest = bits.iter().copied().max();
    let mut value = vec![0u8];
    if let Some(highest) = highest {
        let octets = usize::from(highest / 8) + 1;
        let mut content = vec![0u8; octets];
        for bit in bits {
            content[usize::from(bit / 8)] |= 0x80 >> (bit % 8);
        }
        // Trailing zero bits after the highest set bit.
        value[0] = 7 - (highest % 8);
        value.extend_from_slice(&content);
    }
    universal(tag::BIT_STRING, &value)
}

/// `OCTET STRING`.
pub(crate) fn octet_string(bytes: &[u8]) -> Vec<u8> {
    universal(tag::OCTET_STRING, bytes)
}

/// `UTF8String`.
pub(crate) fn utf8_string(s: &str) -> Vec<u8> {
    universal(tag::UTF8_STRING, s.as_bytes())
}

/// `PrintableString`: A–Z a–z 0–9 space ' ( ) + , - . / : = ? (X.680 §41.4).
pub(crate) fn printable_string(s: &str) -> Result<Vec<u8>, Error> {
    let ok = s.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b' ' | b'\'' | b'(' | b')' | b'+' | b',' | b'-' | b'.' | b'/' | b':' | b'=' | b'?'
            )
    });
    if !ok {
        return Err(Error::Der("character not allowed in PrintableString"));
    }
    Ok(universal(tag::PRINTABLE_STRING, s.as_bytes()))
}

/// `IA5String` (ASCII).
pub(crate) fn ia5_string(s: &str) -> Result<Vec<u8>, Error> {
    if !s.is_ascii() {
        return Err(Error::Der("non-ASCII character in IA5String"));
    }
    Ok(universal(tag::IA5_STRING, s.as_bytes()))
}

/// `BMPString`: UCS-2 big-endian, so only Basic Multilingual Plane
/// characters are representable.
pub(crate) fn bmp_string(s: &str) -> Result<Vec<u8>, Error> {
    let mut value = Vec::with_capacity(s.len() * 2);
    for c in s.chars() {
        let code = u32::from(c);
        let unit = u16::try_from(code).map_err(|_| Error::Der("character outside the BMP in BMPString"))?;
        value.extend_from_slice(&unit.to_be_bytes());
    }
    Ok(universal(tag::BMP_STRING, &value))
}

/// `SEQUENCE` of already-encoded components.
pub(crate) fn sequence(components: &[&[u8]]) -> Vec<u8> {
    universal_constructed(tag::SEQUENCE, &components.concat())
}

/// `SET` of already-encoded components. DER sorts SET OF elements; every
/// SET written by this crate has exactly one element, so the caller's order
/// is kept.
pub(crate) fn set(components: &[&[u8]]) -> Vec<u8> {
    universal_constructed(tag::SET, &components.concat())
}

/// `[n] EXPLICIT`: a constructed context tag wrapping a complete encoding.
pub(crate) fn explicit(number: u32, inner: &[u8]) -> Vec<u8> {
    tlv_with(Class::ContextSpecific, true, number, inner)
}

/// `[n] IMPLICIT` on a primitive type: the context tag replaces the
/// universal one and `contents` are the value octets only.
pub(crate) fn implicit_primitive(number: u32, contents: &[u8]) -> Vec<u8> {
    tlv_with(Class::ContextSpecific, false, number, contents)
}

/// `[n] IMPLICIT` on a constructed type (e.g. `otherName [0] IMPLICIT
/// OtherName`): `contents` are the concatenated component encodings.
pub(crate) fn implicit_constructed(number: u32, contents: &[&[u8]]) -> Vec<u8> {
    tlv_with(Class::ContextSpecific, true, number, &contents.concat())
}

/// A calendar instant in UTC, written as constants (no clock is ever read).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime {
    /// Gregorian year.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of month, 1–31.
    pub day: u8,
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute, 0–59.
    pub minute: u8,
    /// Second, 0–59 (no leap seconds).
    pub second: u8,
}

impl DateTime {
    /// Builds a `DateTime` from its fields (checked when encoded).
    pub const fn new(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Self {
        Self {
            year,
            month,
            day,
            hour,
            minute,
            second,
        }
    }

    fn is_leap(year: u16) -> bool {
        (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
    }

    fn days_in_month(year: u16, month: u8) -> u8 {
        match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if Self::is_leap(year) => 29,
            2 => 28,
            _ => 0,
        }
    }

    fn check(&self) -> Result<(), Error> {
        let valid = (1..=9999).contains(&self.year)
            && (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= Self::days_in_month(self.year, self.month)
            && self.hour < 24
            && self.minute < 60
            && self.second < 60;
        if valid {
            Ok(())
        } else {
            Err(Error::Der("invalid calendar date"))
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z (proleptic Gregorian calendar,
    /// days-from-civil algorithm).
    pub fn unix_seconds(&self) -> i64 {
        let month = i64::from(self.month);
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month_index = (month + 9) % 12; // March = 0
        let day_of_year = (153 * month_index + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        let days = era * 146_097 + day_of_era - 719_468;
        days * 86_400 + i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second)
    }

    /// The calendar instant of `unix` seconds (civil-from-days, the inverse of
    /// [`DateTime::unix_seconds`]); years outside 1–9999 are clamped (and refused when encoded).
    pub fn from_unix(unix: i64) -> Self {
        let days = unix.div_euclid(86_400);
        let secs = unix.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_index = (5 * day_of_year + 2) / 153; // March = 0
        let day = day_of_year - (153 * month_index + 2) / 5 + 1;
        let month = if month_index < 10 {
            month_index + 3
        } else {
            month_index - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        // Every narrowing below is in range: month 1–12, day 1–31, h/m/s < 60.
        let small = |v: i64| u8::try_from(v).unwrap_or(0);
        Self {
            year: u16::try_from(year.clamp(0, 9999)).unwrap_or(0),
            month: small(month),
            day: small(day),
            hour: small(secs / 3600),
            minute: small(secs % 3600 / 60),
            second: small(secs % 60),
        }
    }

    /// RFC 3339 form, e.g. `2026-06-01T00:00:00Z`.
    pub fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// RFC 5280 §4.1.2.5 `Time ::= CHOICE { utcTime UTCTime, generalTime
/// GeneralizedTime }`: UTCTime `YYMMDDHHMMSSZ` for 1950–2049, otherwise
/// GeneralizedTime `YYYYMMDDHHMMSSZ`.
pub(crate) fn time(t: &DateTime) -> Result<Vec<u8>, Error> {
    t.check()?;
    let tail = format!("{:02}{:02}{:02}{:02}{:02}Z", t.month, t.day, t.hour, t.minute, t.second);
    if (1950..2050).contains(&t.year) {
        let text = format!("{:02}{tail}", t.year % 100);
        Ok(universal(tag::UTC_TIME, text.as_bytes()))
    } else {
        let text = format!("{:04}{tail}", t.year);
        Ok(universal(tag::GENERALIZED_TIME, text.as_bytes()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn from_unix_inverts_unix_seconds() {
        for t in [
            0,
            951_782_400,
            1_780_272_000,
            1_795_740_000,
            4_102_444_799,
            1_709_164_800,
        ] {
            assert_eq!(DateTime::from_unix(t).unix_seconds(), t, "{t}");
        }
        assert_eq!(DateTime::from_unix(1_709_164_800).rfc3339(), "2024-02-29T00:00:00Z");
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn oid_sha256_with_rsa() {
        let enc = oid(&[1, 2, 840, 113_549, 1, 1, 11]).unwrap();
        assert_eq!(hex(&enc), "06 09 2A 86 48 86 F7 0D 01 01 0B");
    }

    #[test]
    fn oid_jpki_and_joint_iso() {
        let enc = oid(&[1, 2, 392, 200_149, 8, 5, 5, 1]).unwrap();
        assert_eq!(hex(&enc), "06 0A 2A 83 08 8C 9B 55 08 05 05 01");
        assert_eq!(hex(&oid(&[2, 5, 29, 32, 0]).unwrap()), "06 04 55 1D 20 00");
        // 2.999 packs to 1079 = 0x88 0x37.
        assert_eq!(hex(&oid(&[2, 999, 3]).unwrap()), "06 03 88 37 03");
        assert!(oid(&[1]).is_err());
        assert!(oid(&[1, 40]).is_err());
        assert!(oid(&[3, 1]).is_err());
    }

    #[test]
    fn integers() {
        assert_eq!(hex(&integer_u64(0)), "02 01 00");
        assert_eq!(hex(&integer_u64(127)), "02 01 7F");
        assert_eq!(hex(&integer_u64(128)), "02 02 00 80");
        assert_eq!(hex(&integer_u64(256)), "02 02 01 00");
        assert_eq!(hex(&integer_u64(0x1000_0000)), "02 04 10 00 00 00");
        assert_eq!(hex(&integer_unsigned(&[0, 0, 0xff])), "02 02 00 FF");
        assert_eq!(hex(&integer_unsigned(&[])), "02 01 00");
    }

    #[test]
    fn lengths() {
        assert_eq!(&octet_string(&[0; 127])[..2], &[0x04, 0x7f]);
        assert_eq!(&octet_string(&[0; 128])[..3], &[0x04, 0x81, 0x80]);
        assert_eq!(&octet_string(&[0; 255])[..3], &[0x04, 0x81, 0xff]);
        assert_eq!(&octet_string(&[0; 256])[..4], &[0x04, 0x82, 0x01, 0x00]);
        assert_eq!(octet_string(&[0; 70_000])[..5], [0x04, 0x83, 0x01, 0x11, 0x70]);
    }

    #[test]
    fn simple_types() {
        assert_eq!(hex(&boolean(true)), "01 01 FF");
        assert_eq!(hex(&boolean(false)), "01 01 00");
        assert_eq!(hex(&null()), "05 00");
        assert_eq!(hex(&bit_string(&[0xab])), "03 02 00 AB");
        assert_eq!(hex(&utf8_string("JP")), "0C 02 4A 50");
        assert_eq!(hex(&printable_string("JP").unwrap()), "13 02 4A 50");
        assert!(printable_string("a@b").is_err());
        assert!(printable_string("山").is_err());
        assert_eq!(hex(&ia5_string("a@b").unwrap()), "16 03 61 40 62");
        assert_eq!(hex(&bmp_string("ふA").unwrap()), "1E 04 30 75 00 41");
        assert!(bmp_string("\u{20BB7}").is_err());
        assert_eq!(hex(&sequence(&[&null(), &null()])), "30 04 05 00 05 00");
        assert_eq!(hex(&set(&[&null()])), "31 02 05 00");
        assert_eq!(hex(&explicit(0, &integer_u64(2))), "A0 03 02 01 02");
        assert_eq!(hex(&implicit_primitive(0, &[1, 2])), "80 02 01 02");
        assert_eq!(hex(&implicit_constructed(4, &[&null()])), "A4 02 05 00");
        assert_eq!(hex(&explicit(31, &null())), "BF 1F 02 05 00");
    }

    #[test]
    fn key_usage_bits() {
        assert_eq!(hex(&named_bits(&[5, 6])), "03 02 01 06");
        assert_eq!(hex(&named_bits(&[0, 1])), "03 02 06 C0");
        assert_eq!(hex(&named_bits(&[0])), "03 02 07 80");
        assert_eq!(hex(&named_bits(&[2])), "03 02 05 20");
        assert_eq!(hex(&named_bits(&[8])), "03 03 07 00 80");
        assert_eq!(hex(&named_bits(&[])), "03 01 00");
    }

    #[test]
    fn times() {
        let t = DateTime::new(2025, 4, 1, 0, 0, 0);
        assert_eq!(time(&t).unwrap(), b"\x17\x0d250401000000Z".to_vec());
        let t = DateTime::new(2030, 2, 16, 14, 59, 59);
        assert_eq!(time(&t).unwrap(), b"\x17\x0d300216145959Z".to_vec());
        let t = DateTime::new(2050, 1, 1, 0, 0, 0);
        assert_eq!(time(&t).unwrap(), b"\x18\x0f20500101000000Z".to_vec());
        let t = DateTime::new(1949, 12, 31, 23, 59, 59);
        assert_eq!(time(&t).unwrap(), b"\x18\x0f19491231235959Z".to_vec());
        assert!(time(&DateTime::new(2025, 2, 29, 0, 0, 0)).is_err());
        assert!(time(&DateTime::new(2024, 2, 29, 0, 0, 0)).is_ok());
        assert!(time(&DateTime::new(2024, 13, 1, 0, 0, 0)).is_err());
        assert!(time(&DateTime::new(2024, 1, 1, 24, 0, 0)).is_err());
    }

    #[test]
    fn unix_seconds() {
        assert_eq!(DateTime::new(1970, 1, 1, 0, 0, 0).unix_seconds(), 0);
        assert_eq!(DateTime::new(2000, 3, 1, 0, 0, 0).unix_seconds(), 951_868_800);
        assert_eq!(DateTime::new(2026, 6, 1, 0, 0, 0).unix_seconds(), 1_780_272_000);
        assert_eq!(DateTime::new(1969, 12, 31, 23, 59, 59).unix_seconds(), -1);
    }
}
