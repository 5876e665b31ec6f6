//! A strict, zero-copy X.509 v3 certificate parser (RFC 5280 §4.1) on [`crate::der::Reader`].
//!
//! ```text
//! Certificate  ::=  SEQUENCE  {
//!      tbsCertificate       TBSCertificate,
//!      signatureAlgorithm   AlgorithmIdentifier,
//!      signatureValue       BIT STRING  }
//!
//! TBSCertificate  ::=  SEQUENCE  {
//!      version         [0]  EXPLICIT Version DEFAULT v1,
//!      serialNumber         CertificateSerialNumber,
//!      signature            AlgorithmIdentifier,
//!      issuer               Name,
//!      validity             Validity,
//!      subject              Name,
//!      subjectPublicKeyInfo SubjectPublicKeyInfo,
//!      issuerUniqueID  [1]  IMPLICIT UniqueIdentifier OPTIONAL,
//!      subjectUniqueID [2]  IMPLICIT UniqueIdentifier OPTIONAL,
//!      extensions      [3]  EXPLICIT Extensions OPTIONAL }
//!
//! Extension  ::=  SEQUENCE  { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE,
//!                             extnValue OCTET STRING }
//! ```
//!
//! Written for this SDK instead of using x509-parser: every tag is checked exactly (x509-parser
//! accepted a SET where `signatureAlgorithm` must be a SEQUENCE — found by our bit-flip test),
//! DER's BOOLEAN and default-value rules are enforced, errors carry byte offsets, and the wasm
//! build loses ~100 KB. x509-parser stays as a test-only oracle (`tests/x509_oracle.rs`).

use crate::der::{oid_to_string, tag, whole, Reader, Tlv};
use crate::error::{Error, Result};
use crate::pkix::{algorithm_identifier, check_integer, extension_parts, signed_data, time, SignedData};

/// A Name's attributes in encoding order: `(type OID, value TLV)`.
pub(crate) type Attributes<'a> = Vec<(String, Tlv<'a>)>;

/// One parsed certificate, borrowing the input.
pub(crate) struct X509<'a> {
    /// The whole `tbsCertificate` TLV (what the CA signed).
    pub(crate) tbs: &'a [u8],
    pub(crate) tbs_offset: usize,
    /// X.509 version number (1, 2 or 3).
    pub(crate) version: u32,
    /// serialNumber contents (two's complement, as encoded).
    pub(crate) serial: &'a [u8],
    pub(crate) signature_algorithm: String,
    /// Full DER of the AlgorithmIdentifier parameters, if present.
    pub(crate) signature_params: Option<&'a [u8]>,
    /// Full DER of the issuer Name.
    pub(crate) issuer: &'a [u8],
    pub(crate) issuer_attributes: Attributes<'a>,
    /// `(number of RDNs, attribute count per RDN)` for formatting multi-valued RDNs.
    pub(crate) issuer_rdn_sizes: Vec<usize>,
    pub(crate) subject: &'a [u8],
    pub(crate) subject_attributes: Attributes<'a>,
    pub(crate) subject_rdn_sizes: Vec<usize>,
    pub(crate) not_before: i64,
    pub(crate) not_after: i64,
    /// Full DER of SubjectPublicKeyInfo.
    pub(crate) spki: &'a [u8],
    pub(crate) extensions: Vec<Extension<'a>>,
    /// signatureValue bits (the unused-bits octet removed; it must be 0).
    pub(crate) signature: &'a [u8],
}

/// One extension.
#[derive(Debug)]
pub(crate) struct Extension<'a> {
    pub(crate) oid: String,
    pub(crate) critical: bool,
    /// extnValue contents (the DER of the extension's own type).
    pub(crate) value: &'a [u8],
    pub(crate) value_offset: usize,
}

fn bad(what: &str, at: usize) -> Error {
    Error::malformed(format!("certificate: {what}"), Some(at))
}

/// Parses one certificate that fills `der` exactly.
pub(crate) fn parse(der: &[u8]) -> Result<X509<'_>> {
    let mut top = Reader::new(der, 0);
    let cert = top.expect_tag(tag::SEQUENCE, "Certificate")?;
    top.finish("Certificate")?;
    let mut c = Reader::new(cert.value, cert.value_offset);
    let SignedData {
        tbs,
        algorithm: outer_alg,
        signature,
    } = signed_data(&mut c, "certificate", "tbsCertificate")?;
    c.finish("Certificate")?;

    let mut t = Reader::new(tbs.value, tbs.value_offset);
    let mut next = t.read()?;
    let version = if next.tag == tag::CONTEXT_0_CONSTRUCTED {
        let mut v = Reader::new(next.value, next.value_offset);
        let int = v.expect_tag(0x02, "version")?;
        v.finish("version")?;
        let value = match int.value {
            [0] => return Err(bad("version v1 must be omitted in DER (DEFAULT)", int.offset)),
            [1] => 2,
            [2] => 3,
            _ => return Err(bad("version is not v2 or v3", int.offset)),
        };
        next = t.read()?;
        value
    } else {
        1
    };
    if next.tag != 0x02 || next.value.is_empty() {
        return Err(bad("serialNumber INTEGER expected", next.offset));
    }
    check_integer(&next, "certificate")?;
    if next.value.len() > 21 {
        return Err(bad(
            "serialNumber longer than 20 octets (RFC 5280 §4.1.2.2)",
            next.offset,
        ));
    }
    let serial = next.value;
    let inner_alg = t.expect_tag(tag::SEQUENCE, "tbsCertificate.signature")?;
    if inner_alg.value != outer_alg.value {
        return Err(bad(
            "signatureAlgorithm differs from tbsCertificate.signature (RFC 5280 §4.1.1.2)",
            outer_alg.offset,
        ));
    }
    let (signature_algorithm, signature_params) = algorithm_identifier(&inner_alg)?;
    let issuer = t.expect_tag(tag::SEQUENCE, "issuer")?;
    let (issuer_attributes, issuer_rdn_sizes) = name_attributes(&issuer)?;
    let validity = t.expect_tag(tag::SEQUENCE, "validity")?;
    let mut v = Reader::new(validity.value, validity.value_offset);
    let not_before = time(&v.read()?, "certificate")?;
    let not_after = time(&v.read()?, "certificate")?;
    v.finish("validity")?;
    let subject = t.expect_tag(tag::SEQUENCE, "subject")?;
    let (subject_attributes, subject_rdn_sizes) = name_attributes(&subject)?;
    let spki = t.expect_tag(tag::SEQUENCE, "subjectPublicKeyInfo")?;
    let mut extensions = Vec::new();
    while !t.is_empty() {
        let field = t.read()?;
        match field.tag {
            0x81 | 0x82 if version >= 2 && extensions.is_empty() => {}
            0xA3 if version == 3 && extensions.is_empty() => {
                extensions = parse_extensions(&field)?;
            }
            _ => return Err(bad("unexpected field in tbsCertificate", field.offset)),
        }
    }
    Ok(X509 {
        tbs: whole(der, &tbs),
        tbs_offset: tbs.offset,
        version,
        serial,
        signature_algorithm,
        signature_params,
        issuer: whole(der, &issuer),
        issuer_attributes,
        issuer_rdn_sizes,
        subject: whole(der, &subject),
        subject_attributes,
        subject_rdn_sizes,
        not_before,
        not_after,
        spki: whole(der, &spki),
        extensions,
        signature,
    })
}

/// `Name ::= SEQUENCE OF RelativeDistinguishedName`, `RDN ::= SET SIZE (1..MAX) OF
/// AttributeTypeAndValue`, `AttributeTypeAndValue ::= SEQUENCE { type OID, value ANY }`.
fn name_attributes<'a>(name: &Tlv<'a>) -> Result<(Attributes<'a>, Vec<usize>)> {
    let mut attrs = Vec::new();
    let mut sizes = Vec::new();
    let mut rdns = Reader::new(name.value, name.value_offset);
    while !rdns.is_empty() {
        let rdn = rdns.expect_tag(0x31, "RelativeDistinguishedName")?;
        let mut set = Reader::new(rdn.value, rdn.value_offset);
        let mut n = 0;
        while !set.is_empty() {
            let atv = set.expect_tag(tag::SEQUENCE, "AttributeTypeAndValue")?;
            let mut a = Reader::new(atv.value, atv.value_offset);
            let oid = a.expect_tag(0x06, "attribute type")?;
            let value = a.read()?;
            a.finish("AttributeTypeAndValue")?;
            attrs.push((oid_to_string(oid.value, oid.value_offset)?, value));
            n += 1;
        }
        if n == 0 {
            return Err(bad("empty RelativeDistinguishedName", rdn.offset));
        }
        sizes.push(n);
    }
    Ok((attrs, sizes))
}

/// Most extensions a certificate may carry (JPKI certificates carry 6 to 9; CRLs are capped at
/// the same number).
pub const MAX_EXTENSIONS: usize = 32;

/// `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension`, inside `[3] EXPLICIT`. DER: a FALSE
/// `critical` must be omitted (X.690 §11.5) and TRUE is `0xFF` (§11.1); duplicates are refused
/// (RFC 5280 §4.2). At most [`MAX_EXTENSIONS`] (docs/security.md, "Budgets"): the duplicate
/// check is a scan, so the cap keeps a parse linear in the input.
fn parse_extensions<'a>(explicit: &Tlv<'a>) -> Result<Vec<Extension<'a>>> {
    let mut outer = Reader::new(explicit.value, explicit.value_offset);
    let seq = outer.expect_tag(tag::SEQUENCE, "extensions")?;
    outer.finish("extensions")?;
    let mut r = Reader::new(seq.value, seq.value_offset);
    let mut out: Vec<Extension<'a>> = Vec::new();
    while !r.is_empty() {
        let ext = r.expect_tag(tag::SEQUENCE, "Extension")?;
        if out.len() == MAX_EXTENSIONS {
            return Err(bad("more than 32 extensions", ext.offset));
        }
        let (oid, critical, next) = extension_parts(&ext, "certificate")?;
        let oid = oid_to_string(oid.value, oid.value_offset)?;
        if out.iter().any(|x| x.oid == oid) {
            return Err(bad(&format!("extension {oid} appears twice"), ext.offset));
        }
        crate::der::check_structure(next.value, "extnValue")
            .map_err(|_| bad(&format!("extension {oid}: value is not DER"), next.value_offset))?;
        out.push(Extension {
            oid,
            critical,
            value: next.value,
            value_offset: next.value_offset,
        });
    }
    if out.is_empty() {
        return Err(bad("empty extensions", seq.offset));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_rules() {
        // [3] { SEQUENCE { SEQUENCE { OID 2.5.29.15, BOOLEAN FALSE, OCTET STRING {03 02 07 80} } } }
        let with_false = [
            0xA3, 0x11, 0x30, 0x0F, 0x30, 0x0D, 0x06, 0x03, 0x55, 0x1D, 0x0F, 0x01, 0x01, 0x00, 0x04, 0x03, 0x03, 0x01,
            0x00,
        ];
        let mut r = Reader::new(&with_false, 0);
        let tlv = r.read().unwrap();
        assert!(parse_extensions(&tlv).unwrap_err().to_string().contains("FALSE"));
    }
}
