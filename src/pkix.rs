//! The building blocks of signed PKIX objects, once, for every parser of them: certificates
//! (`src/cert/x509.rs`), CRLs (`src/revocation/crl.rs`), OCSP responses
//! (`src/revocation/ocsp.rs`) and CMS (`src/assertion/cms.rs`) — the signed envelope,
//! `AlgorithmIdentifier`, `Time`, INTEGER and `Extension`, in the manner of rustls-webpki's
//! `signed_data.rs`, `time.rs` and `x509.rs`. Strict DER throughout; `context` (`certificate`,
//! `CRL`, `OCSP response`, `CMS`) starts each error message.

use crate::der::{oid_to_string, tag, Reader, Tlv};
use crate::error::{Error, Result};

fn bad(context: &str, what: &str, at: usize) -> Error {
    Error::malformed(format!("{context}: {what}"), Some(at))
}

/// The three fields every signed PKIX object starts with:
///
/// ```text
/// Certificate       ::= SEQUENCE { tbsCertificate TBSCertificate,          -- RFC 5280 §4.1
///                                  signatureAlgorithm AlgorithmIdentifier,
///                                  signatureValue BIT STRING }
/// CertificateList   ::= SEQUENCE { tbsCertList TBSCertList, … the same }   -- RFC 5280 §5.1
/// BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, … the same, -- RFC 6960 §4.2.1
///                                  certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
/// ```
#[derive(Debug)]
pub(crate) struct SignedData<'a> {
    /// The to-be-signed part, whole (what the signature covers: `whole(der, &tbs)`).
    pub(crate) tbs: Tlv<'a>,
    /// The outer `signatureAlgorithm` (RFC 5280 requires it equal to the one inside `tbs`).
    pub(crate) algorithm: Tlv<'a>,
    /// The signature: the BIT STRING's contents after its unused-bits octet, which must be 0.
    pub(crate) signature: &'a [u8],
}

/// Reads the signed envelope from `r`, the contents of the outer SEQUENCE. What follows the
/// signature (OCSP's `certs`) is left in `r` for the caller, who also calls `r.finish`.
pub(crate) fn signed_data<'a>(r: &mut Reader<'a>, context: &str, tbs_name: &str) -> Result<SignedData<'a>> {
    let tbs = r.expect_tag(tag::SEQUENCE, tbs_name)?;
    let algorithm = r.expect_tag(tag::SEQUENCE, "signatureAlgorithm")?;
    let sig = r.expect_tag(0x03, "signature BIT STRING")?;
    let signature = match sig.value.split_first() {
        Some((0, bits)) => bits,
        _ => return Err(bad(context, "signature BIT STRING has unused bits", sig.value_offset)),
    };
    Ok(SignedData {
        tbs,
        algorithm,
        signature,
    })
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY DEFINED BY
/// algorithm OPTIONAL }` (RFC 5280 §4.1.1.2) → (dotted OID, the parameters' DER if present).
pub(crate) fn algorithm_identifier<'a>(tlv: &Tlv<'a>) -> Result<(String, Option<&'a [u8]>)> {
    let mut r = Reader::new(tlv.value, tlv.value_offset);
    let oid = r.expect_tag(0x06, "AlgorithmIdentifier")?;
    let params = if r.is_empty() {
        None
    } else {
        let start = r.offset() - tlv.value_offset;
        r.read()?;
        tlv.value.get(start..)
    };
    r.finish("AlgorithmIdentifier")?;
    Ok((oid_to_string(oid.value, oid.value_offset)?, params))
}

/// `Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }` in the forms RFC 5280
/// §4.1.2.5 and §5.1.2.4 allow — `YYMMDDHHMMSSZ` (years 1950–2049) and `YYYYMMDDHHMMSSZ`,
/// ASCII digits and `Z` only — as Unix seconds, without allocating (a CRL has one per entry).
pub(crate) fn time(tlv: &Tlv<'_>, context: &str) -> Result<i64> {
    use crate::time::{ascii_digits, unix_from_civil};
    let Some((b'Z', digits)) = tlv.value.split_last() else {
        return Err(bad(context, "time must be digits ending in Z", tlv.value_offset));
    };
    if !digits.iter().all(u8::is_ascii_digit) {
        return Err(bad(context, "time must be digits ending in Z", tlv.value_offset));
    }
    let (year, rest) = match (tlv.tag, digits.len()) {
        (0x17, 12) => {
            let yy = i64::from(digits.get(..2).and_then(ascii_digits).unwrap_or(0));
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, digits.get(2..))
        }
        (0x18, 14) => (
            i64::from(digits.get(..4).and_then(ascii_digits).unwrap_or(0)),
            digits.get(4..),
        ),
        (0x17 | 0x18, _) => return Err(bad(context, "time has the wrong length", tlv.offset)),
        _ => return Err(bad(context, "UTCTime or GeneralizedTime expected", tlv.offset)),
    };
    // `rest` is MMDDHHMMSS, all digits (checked above). No leap second: RFC 5280 profiles
    // the time as UTC to the second, 00–59.
    let two = |i: usize| rest.and_then(|r| r.get(i..i + 2)).and_then(ascii_digits).unwrap_or(99);
    let second = two(8);
    unix_from_civil(year, two(0), two(2), two(4), two(6), second)
        .filter(|_| second < 60)
        .ok_or_else(|| bad(context, "time is not a valid date", tlv.value_offset))
}

/// X.690 §8.3.2: an INTEGER has content and no redundant leading 0x00 / 0xFF octet.
pub(crate) fn check_integer(tlv: &Tlv<'_>, context: &str) -> Result<()> {
    match tlv.value {
        [] => Err(bad(context, "empty INTEGER", tlv.offset)),
        [0x00, b, ..] if b & 0x80 == 0 => Err(bad(context, "INTEGER not minimally encoded", tlv.value_offset)),
        [0xFF, b, ..] if b & 0x80 != 0 => Err(bad(context, "INTEGER not minimally encoded", tlv.value_offset)),
        _ => Ok(()),
    }
}

/// `Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE,
/// extnValue OCTET STRING }` (RFC 5280 §4.1): `(extnID, critical, extnValue)`, strictly — a
/// DEFAULT FALSE `critical` must be omitted in DER (X.690 §11.5) and TRUE is 0xFF (§11.1).
/// Shared by certificates, CRLs and OCSP.
pub(crate) fn extension_parts<'a>(ext: &Tlv<'a>, context: &str) -> Result<(Tlv<'a>, bool, Tlv<'a>)> {
    if ext.tag != tag::SEQUENCE {
        return Err(bad(context, "Extension SEQUENCE expected", ext.offset));
    }
    let mut e = Reader::new(ext.value, ext.value_offset);
    let oid = e.expect_tag(0x06, "extnID")?;
    let mut next = e.read()?;
    let critical = if next.tag == 0x01 {
        match next.value {
            [0xFF] => {}
            [0x00] => return Err(bad(context, "critical FALSE must be omitted in DER", next.offset)),
            _ => return Err(bad(context, "BOOLEAN is not DER", next.offset)),
        }
        next = e.read()?;
        true
    } else {
        false
    };
    if next.tag != 0x04 {
        return Err(bad(context, "extnValue OCTET STRING expected", next.offset));
    }
    e.finish("Extension")?;
    Ok((oid, critical, next))
}

/// Most distribution points in a certificate's cRLDistributionPoints, and most names in one
/// DistributionPointName (docs/security.md, "Budgets").
#[cfg(feature = "revocation")]
pub(crate) const MAX_DISTRIBUTION_NAMES: usize = 16;

/// The names of a `[0] DistributionPointName` field (its contents are the CHOICE, explicit as
/// a tagged CHOICE always is), each as the DER of one name, for matching a CRL's scope to a
/// certificate (RFC 5280 §6.3.3 (b)(2)(i): "one of the names in the IDP matches one of the
/// names in the DP"):
///
/// ```text
/// DistributionPointName ::= CHOICE {                                       -- RFC 5280 §4.2.1.13
///      fullName                [0]     GeneralNames,
///      nameRelativeToCRLIssuer [1]     RelativeDistinguishedName }
/// ```
///
/// `fullName` gives each GeneralName; `nameRelativeToCRLIssuer` gives itself, whole, as one
/// name (it then matches only the same bytes).
#[cfg(feature = "revocation")]
pub(crate) fn distribution_point_names(field: &Tlv<'_>, context: &str) -> Result<Vec<Vec<u8>>> {
    let mut r = Reader::new(field.value, field.value_offset);
    let choice = r.read()?;
    r.finish("DistributionPointName")?;
    let whole = |t: &Tlv<'_>| {
        let mut out = vec![t.tag];
        crate::der::push_length(&mut out, t.value.len());
        out.extend_from_slice(t.value);
        out
    };
    match choice.tag {
        0xA0 => {
            let mut names = Reader::new(choice.value, choice.value_offset);
            let mut out = Vec::new();
            while !names.is_empty() {
                let name = names.read()?;
                if out.len() == MAX_DISTRIBUTION_NAMES {
                    return Err(bad(context, "more than 16 distribution point names", name.offset));
                }
                out.push(whole(&name));
            }
            if out.is_empty() {
                return Err(bad(context, "empty fullName", choice.offset));
            }
            Ok(out)
        }
        0xA1 => Ok(vec![whole(&choice)]),
        _ => Err(bad(context, "DistributionPointName: unexpected choice", choice.offset)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(tag: u8, v: &[u8]) -> Tlv<'_> {
        Tlv {
            tag,
            value: v,
            offset: 0,
            value_offset: 2,
        }
    }

    #[test]
    fn times_in_both_forms_and_their_refusals() {
        assert_eq!(time(&t(0x17, b"491231235959Z"), "x").unwrap(), 2_524_607_999);
        assert_eq!(time(&t(0x17, b"500101000000Z"), "x").unwrap(), -631_152_000);
        assert_eq!(time(&t(0x18, b"20260601000000Z"), "x").unwrap(), 1_780_272_000);
        assert_eq!(time(&t(0x17, b"260601000000Z"), "x").unwrap(), 1_780_272_000);
        assert_eq!(time(&t(0x18, b"20240229120000Z"), "x").unwrap(), 1_709_208_000);
        for (tag, v) in [
            (0x17, &b"260601000000"[..]),
            (0x17, b"2606010000000"),
            (0x17, b"26060100000+Z"),
            (0x18, b"2026060100000Z"),
            (0x17, b"260230000000Z"),
            (0x17, b"261301000000Z"),
            (0x17, b"260601240000Z"),
            (0x17, b"\xff\xff0601000000Z"),
            (0x17, b"2606010000Z"),
            (0x17, b"260601000000+0900"),
            (0x18, b"20260601000000.5Z"),
            (0x17, b"26060100000AZ"),
            (0x17, b"260601000060Z"),
            (0x17, b"260601000000z"),
            (0x04, b"260601000000Z"),
        ] {
            assert_eq!(time(&t(tag, v), "x").unwrap_err().code(), "JPKI_MALFORMED", "{v:?}");
        }
    }

    #[test]
    fn integers_must_be_minimal() {
        assert!(check_integer(&t(0x02, &[0x00, 0x80]), "x").is_ok());
        assert!(check_integer(&t(0x02, &[0x7F]), "x").is_ok());
        for v in [&[][..], &[0x00, 0x7F], &[0xFF, 0x80]] {
            assert!(check_integer(&t(0x02, v), "x").is_err(), "{v:?}");
        }
    }

    #[test]
    fn tlv_lengths_are_minimal() {
        assert_eq!(crate::der::write_tlv(0x04, &[1, 2]), [0x04, 2, 1, 2]);
        let long = crate::der::write_tlv(0x04, &[0; 200]);
        assert_eq!(long[..3], [0x04, 0x81, 200]);
        let longer = crate::der::write_tlv(0x04, &[0; 300]);
        assert_eq!(longer[..4], [0x04, 0x82, 0x01, 0x2C]);
    }
}
