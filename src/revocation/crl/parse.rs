//! `CertificateList` (RFC 5280 §5.1) parsing in one pass: the envelope, `TBSCertList`, the
//! revoked entries packed as they are read, and the CRL and entry extensions. No policy here:
//! `mod.rs` decides what the parsed list means; the structure is quoted in its module docs.

use super::{be_u64, strip_zeros, unusable, LongEntry, MAX_SERIAL_OCTETS, NO_REASON};
use crate::der::{oid_to_string, tag, Reader, Tlv};
use crate::error::{Error, Result};
use crate::pkix::{algorithm_identifier, extension_parts, signed_data, SignedData};
use crate::revocation::Reason;

// Extension OIDs, as OBJECT IDENTIFIER contents octets (compared as bytes: no per-entry
// formatting).
/// id-ce-cRLReasons 2.5.29.21
const OID_REASON_CODE: &[u8] = &[0x55, 0x1D, 0x15];
/// id-ce-invalidityDate 2.5.29.24
const OID_INVALIDITY_DATE: &[u8] = &[0x55, 0x1D, 0x18];
/// id-ce-certificateIssuer 2.5.29.29
const OID_CERTIFICATE_ISSUER: &[u8] = &[0x55, 0x1D, 0x1D];
/// id-ce-cRLNumber 2.5.29.20
const OID_CRL_NUMBER: &[u8] = &[0x55, 0x1D, 0x14];
/// id-ce-deltaCRLIndicator 2.5.29.27
const OID_DELTA_CRL_INDICATOR: &[u8] = &[0x55, 0x1D, 0x1B];
/// id-ce-issuingDistributionPoint 2.5.29.28
const OID_ISSUING_DISTRIBUTION_POINT: &[u8] = &[0x55, 0x1D, 0x1C];
/// id-ce-authorityKeyIdentifier 2.5.29.35
const OID_AUTHORITY_KEY_IDENTIFIER: &[u8] = &[0x55, 0x1D, 0x23];

fn bad(what: &str, at: usize) -> Error {
    Error::malformed(format!("CRL: {what}"), Some(at))
}

/// The parts of a `CertificateList` the index is built from.
pub(super) struct Parsed<'a> {
    pub(super) tbs: &'a [u8],
    pub(super) algorithm_oid: String,
    pub(super) algorithm_params: Option<&'a [u8]>,
    pub(super) signature: &'a [u8],
    pub(super) issuer_der: &'a [u8],
    pub(super) this_update: i64,
    pub(super) next_update: Option<i64>,
    pub(super) aki: Option<&'a [u8]>,
    pub(super) crl_number: Option<String>,
    /// The issuingDistributionPoint's distributionPoint names: the CRL covers only the
    /// certificates that name one of them in cRLDistributionPoints. `None`: it covers all.
    pub(super) scope: Option<Vec<Vec<u8>>>,
    /// `serial << 64 | date << 8 | reason`, unsorted.
    pub(super) short: Vec<u128>,
    pub(super) long: Vec<LongEntry>,
}

/// Parses a whole `CertificateList`.
pub(super) fn parse(der: &[u8]) -> Result<Parsed<'_>> {
    let mut top = Reader::new(der, 0);
    let list = top.expect_tag(tag::SEQUENCE, "CRL: CertificateList")?;
    top.finish("CRL: CertificateList")?;
    let mut c = Reader::new(list.value, list.value_offset);
    let SignedData {
        tbs,
        algorithm: outer_alg,
        signature,
    } = signed_data(&mut c, "CRL", "CRL: tbsCertList")?;
    c.finish("CRL: CertificateList")?;

    let mut t = Reader::new(tbs.value, tbs.value_offset);
    let mut next = t.read()?;
    let v2 = if next.tag == 0x02 {
        if next.value != [1] {
            return Err(bad("version is not v2", next.offset));
        }
        next = t.read()?;
        true
    } else {
        false
    };
    if next.tag != tag::SEQUENCE {
        return Err(bad("tbsCertList.signature AlgorithmIdentifier expected", next.offset));
    }
    if next.value != outer_alg.value {
        return Err(bad(
            "signatureAlgorithm differs from tbsCertList.signature (RFC 5280 §5.1.1.2)",
            outer_alg.offset,
        ));
    }
    let (algorithm_oid, algorithm_params) = algorithm_identifier(&next)?;
    let issuer = t.expect_tag(tag::SEQUENCE, "CRL: issuer")?;
    if issuer.value.is_empty() {
        return Err(bad("issuer is an empty Name (RFC 5280 §5.1.2.3)", issuer.offset));
    }
    let this_update = time(&t.read()?)?;
    let mut next_update = None;
    let mut short = Vec::new();
    let mut long = Vec::new();
    let mut aki = None;
    let mut crl_number = None;
    let mut scope = None;
    let mut field = if t.is_empty() { None } else { Some(t.read()?) };
    if let Some(f) = field.filter(|f| f.tag == 0x17 || f.tag == 0x18) {
        next_update = Some(time(&f)?);
        field = if t.is_empty() { None } else { Some(t.read()?) };
    }
    if let Some(f) = field.filter(|f| f.tag == tag::SEQUENCE) {
        revoked_certificates(&f, v2, &mut short, &mut long)?;
        field = if t.is_empty() { None } else { Some(t.read()?) };
    }
    if let Some(f) = field {
        if f.tag != tag::CONTEXT_0_CONSTRUCTED {
            return Err(bad("unexpected field in tbsCertList", f.offset));
        }
        if !v2 {
            return Err(bad("crlExtensions in a v1 CRL", f.offset));
        }
        let (a, n, s) = crl_extensions(&f)?;
        aki = a;
        crl_number = n;
        scope = s;
    }
    t.finish("CRL: tbsCertList")?;
    if let Some(n) = next_update {
        if n < this_update {
            return Err(bad("nextUpdate is before thisUpdate", tbs.offset));
        }
    }
    Ok(Parsed {
        tbs: &der[tbs.offset..tbs.value_offset + tbs.value.len()],
        algorithm_oid,
        algorithm_params,
        signature,
        issuer_der: &der[issuer.offset..issuer.value_offset + issuer.value.len()],
        this_update,
        next_update,
        aki,
        crl_number,
        scope,
        short,
        long,
    })
}

/// The `revokedCertificates` list: one pass, one packed `u128` per entry (no allocation
/// unless a serial is longer than 8 octets).
///
/// ```text
/// SEQUENCE OF SEQUENCE {
///      userCertificate         CertificateSerialNumber,      -- INTEGER
///      revocationDate          Time,
///      crlEntryExtensions      Extensions OPTIONAL }
/// ```
fn revoked_certificates(list: &Tlv<'_>, v2: bool, short: &mut Vec<u128>, long: &mut Vec<LongEntry>) -> Result<()> {
    if list.value.is_empty() {
        // RFC 5280 §5.1.2.6: absent, not empty, when nothing is revoked.
        return Err(bad("empty revokedCertificates (must be omitted)", list.offset));
    }
    // A typical entry is 35–45 bytes; this guess avoids most regrowth without trusting any
    // count from the input.
    short.reserve(list.value.len() / 40);
    let mut r = Reader::new(list.value, list.value_offset);
    while !r.is_empty() {
        let entry = r.read()?;
        if entry.tag != tag::SEQUENCE {
            return Err(bad("revokedCertificates entry is not a SEQUENCE", entry.offset));
        }
        let mut e = Reader::new(entry.value, entry.value_offset);
        let serial = e.read()?;
        if serial.tag != 0x02 {
            return Err(bad("userCertificate INTEGER expected", serial.offset));
        }
        check_integer(&serial)?;
        let date = time(&e.read()?)?;
        let date = u32::try_from(date).map_err(|_| bad("revocationDate outside 1970–2106", entry.offset))?;
        let reason = if e.is_empty() {
            NO_REASON
        } else {
            let exts = e.expect_tag(tag::SEQUENCE, "CRL: crlEntryExtensions")?;
            if !v2 {
                return Err(bad("crlEntryExtensions in a v1 CRL", exts.offset));
            }
            entry_extensions(&exts)?
        };
        e.finish("CRL: revokedCertificates entry")?;
        let magnitude = strip_zeros(serial.value);
        if magnitude.len() <= 8 {
            short.push((u128::from(be_u64(magnitude)) << 64) | (u128::from(date) << 8) | u128::from(reason));
        } else if magnitude.len() <= MAX_SERIAL_OCTETS {
            long.push(LongEntry {
                serial: magnitude.into(),
                date,
                reason,
            });
        } else {
            return Err(bad("userCertificate longer than 32 octets", serial.offset));
        }
    }
    Ok(())
}

/// X.690 §8.3.2 ([`crate::pkix::check_integer`]).
fn check_integer(tlv: &Tlv<'_>) -> Result<()> {
    crate::pkix::check_integer(tlv, "CRL")
}

/// One `Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue
/// OCTET STRING }` in DER (FALSE omitted, TRUE is 0xFF): `(OID contents, critical, value)`.
fn extension<'a>(tlv: &Tlv<'a>) -> Result<(Tlv<'a>, bool, Tlv<'a>)> {
    extension_parts(tlv, "CRL")
}

/// The single TLV inside an extnValue.
fn inner<'a>(value: &Tlv<'a>) -> Result<Tlv<'a>> {
    let mut r = Reader::new(value.value, value.value_offset);
    let t = r.read()?;
    r.finish("CRL: extnValue")?;
    Ok(t)
}

/// `crlEntryExtensions`: reasonCode and invalidityDate are read; certificateIssuer (indirect
/// CRLs) is refused; other non-critical extensions are ignored, critical ones refused.
///
/// ```text
/// CRLReason ::= ENUMERATED { unspecified (0), keyCompromise (1), cACompromise (2),
///      affiliationChanged (3), superseded (4), cessationOfOperation (5),
///      certificateHold (6), -- value 7 is not used
///      removeFromCRL (8), privilegeWithdrawn (9), aACompromise (10) }   -- RFC 5280 §5.3.1
/// InvalidityDate ::=  GeneralizedTime                                    -- RFC 5280 §5.3.2
/// ```
fn entry_extensions(seq: &Tlv<'_>) -> Result<u8> {
    if seq.value.is_empty() {
        return Err(bad("empty crlEntryExtensions", seq.offset));
    }
    let mut r = Reader::new(seq.value, seq.value_offset);
    let mut reason = NO_REASON;
    let mut seen = 0u8;
    while !r.is_empty() {
        let (oid, critical, value) = extension(&r.read()?)?;
        let bit = match oid.value {
            OID_REASON_CODE => {
                let e = inner(&value)?;
                let code = match (e.tag, e.value) {
                    (0x0A, [c]) => *c,
                    _ => return Err(bad("reasonCode is not a one-octet ENUMERATED", value.value_offset)),
                };
                match Reason::from_code(code) {
                    Some(Reason::RemoveFromCrl) => {
                        return Err(unusable(
                            "removeFromCRL appears only in delta CRLs (RFC 5280 §5.3.1), which are not supported",
                        ))
                    }
                    Some(_) => reason = code,
                    None => return Err(bad("reasonCode value is not defined", e.value_offset)),
                }
                1
            }
            OID_INVALIDITY_DATE => {
                let e = inner(&value)?;
                if e.tag != 0x18 {
                    return Err(bad("invalidityDate is not a GeneralizedTime", e.offset));
                }
                time(&e)?;
                2
            }
            OID_CERTIFICATE_ISSUER => {
                return Err(unusable(
                    "indirect CRL (certificateIssuer entry extension) is not supported",
                ))
            }
            _ if critical => {
                return Err(Error::UnknownCriticalExtension {
                    oid: oid_to_string(oid.value, oid.value_offset)?,
                })
            }
            _ => 0,
        };
        if seen & bit != 0 {
            return Err(bad("entry extension appears twice", oid.offset));
        }
        seen |= bit;
    }
    Ok(reason)
}

/// `crlExtensions [0] EXPLICIT Extensions`: authorityKeyIdentifier and cRLNumber are read,
/// issuingDistributionPoint is checked, deltaCRLIndicator is refused; unknown critical
/// extensions are refused, unknown non-critical ones ignored; duplicates refused.
///
/// ```text
/// AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] KeyIdentifier OPTIONAL,
///      authorityCertIssuer [1] GeneralNames OPTIONAL,
///      authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL }  -- RFC 5280 §5.2.1
/// CRLNumber ::= INTEGER (0..MAX)                                          -- RFC 5280 §5.2.3
/// BaseCRLNumber ::= CRLNumber    -- deltaCRLIndicator                     -- RFC 5280 §5.2.4
/// ```
type CrlExtensions<'a> = (Option<&'a [u8]>, Option<String>, Option<Vec<Vec<u8>>>);

fn crl_extensions<'a>(explicit: &Tlv<'a>) -> Result<CrlExtensions<'a>> {
    let mut outer = Reader::new(explicit.value, explicit.value_offset);
    let seq = outer.expect_tag(tag::SEQUENCE, "CRL: crlExtensions")?;
    outer.finish("CRL: crlExtensions")?;
    if seq.value.is_empty() {
        return Err(bad("empty crlExtensions", seq.offset));
    }
    let mut r = Reader::new(seq.value, seq.value_offset);
    let mut seen: Vec<&[u8]> = Vec::new();
    let mut aki = None;
    let mut number = None;
    let mut scope = None;
    while !r.is_empty() {
        let (oid, critical, value) = extension(&r.read()?)?;
        if seen.contains(&oid.value) {
            return Err(bad("CRL extension appears twice", oid.offset));
        }
        if seen.len() >= 32 {
            return Err(bad("more than 32 CRL extensions", oid.offset));
        }
        seen.push(oid.value);
        match oid.value {
            OID_AUTHORITY_KEY_IDENTIFIER => {
                let s = inner(&value)?;
                if s.tag != tag::SEQUENCE {
                    return Err(bad("AuthorityKeyIdentifier SEQUENCE expected", s.offset));
                }
                let mut a = Reader::new(s.value, s.value_offset);
                while !a.is_empty() {
                    let f = a.read()?;
                    match f.tag {
                        0x80 if aki.is_none() => aki = Some(f.value),
                        0xA1 | 0x82 => {}
                        _ => return Err(bad("AuthorityKeyIdentifier: unexpected field", f.offset)),
                    }
                }
            }
            OID_CRL_NUMBER => {
                let n = inner(&value)?;
                if n.tag != 0x02 {
                    return Err(bad("cRLNumber INTEGER expected", n.offset));
                }
                check_integer(&n)?;
                if n.value[0] & 0x80 != 0 || n.value.len() > 21 {
                    return Err(bad("cRLNumber is negative or longer than 20 octets", n.offset));
                }
                number = Some(decimal(n.value));
            }
            OID_DELTA_CRL_INDICATOR => {
                return Err(unusable(
                    "delta CRL (deltaCRLIndicator) is not supported: give the complete (base) CRL",
                ))
            }
            OID_ISSUING_DISTRIBUTION_POINT => scope = issuing_distribution_point(&value)?,
            _ if critical => {
                return Err(Error::UnknownCriticalExtension {
                    oid: oid_to_string(oid.value, oid.value_offset)?,
                })
            }
            _ => {}
        }
    }
    Ok((aki, number, scope))
}

/// Refuses the scopes this index cannot answer for an end-entity certificate, and returns the
/// names of the `distributionPoint`, if any: such a CRL is one partition of the issuer's
/// certificates, and answers only for those that name it (RFC 5280 §6.3.3 (b)(2)(i)).
///
/// ```text
/// IssuingDistributionPoint ::= SEQUENCE {                                -- RFC 5280 §5.2.5
///      distributionPoint          [0] DistributionPointName OPTIONAL,
///      onlyContainsUserCerts      [1] BOOLEAN DEFAULT FALSE,
///      onlyContainsCACerts        [2] BOOLEAN DEFAULT FALSE,
///      onlySomeReasons            [3] ReasonFlags OPTIONAL,
///      indirectCRL                [4] BOOLEAN DEFAULT FALSE,
///      onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
/// ```
fn issuing_distribution_point(value: &Tlv<'_>) -> Result<Option<Vec<Vec<u8>>>> {
    let s = inner(value)?;
    if s.tag != tag::SEQUENCE {
        return Err(bad("IssuingDistributionPoint SEQUENCE expected", s.offset));
    }
    let mut r = Reader::new(s.value, s.value_offset);
    let mut last = None;
    let mut names = None;
    while !r.is_empty() {
        let f = r.read()?;
        let number = f.tag & 0x1F;
        if last.is_some_and(|l| number <= l) || f.tag & 0xC0 != 0x80 || number > 5 {
            return Err(bad("IssuingDistributionPoint: unexpected field", f.offset));
        }
        last = Some(number);
        let boolean_true = f.value == [0xFF];
        match f.tag {
            0xA0 => {
                names = Some(crate::pkix::distribution_point_names(
                    &f,
                    "CRL: issuingDistributionPoint",
                )?)
            }
            0x81 if boolean_true => {}
            0x82 if boolean_true => return Err(unusable("the CRL covers only CA certificates")),
            0x83 => return Err(unusable("partitioned CRL (onlySomeReasons) is not supported")),
            0x84 if boolean_true => return Err(unusable("indirect CRL (indirectCRL) is not supported")),
            0x85 if boolean_true => return Err(unusable("the CRL covers only attribute certificates")),
            _ => {
                return Err(bad(
                    "IssuingDistributionPoint: BOOLEAN must be TRUE when present (DER)",
                    f.offset,
                ))
            }
        }
    }
    Ok(names)
}

/// Decimal digits of a non-negative big-endian integer.
pub(super) fn decimal(bytes: &[u8]) -> String {
    let mut n: Vec<u8> = strip_zeros(bytes).to_vec();
    let mut digits = Vec::new();
    while !n.is_empty() {
        let mut rem = 0u16;
        for b in n.iter_mut() {
            let cur = (rem << 8) | u16::from(*b);
            *b = (cur / 10) as u8;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
        let z = n.iter().take_while(|&&b| b == 0).count();
        n.drain(..z);
    }
    if digits.is_empty() {
        digits.push(b'0');
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// `Time` ([`crate::pkix::time`]: allocation-free, it runs once per entry).
fn time(tlv: &Tlv<'_>) -> Result<i64> {
    crate::pkix::time(tlv, "CRL")
}
