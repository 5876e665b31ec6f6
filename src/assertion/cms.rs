//! CMS SignedData (RFC 5652) carrying the same claims as a JWS assertion, attached or detached.
//!
//! ```text
//! ContentInfo ::= SEQUENCE { contentType id-signedData, content [0] EXPLICIT SignedData }
//! SignedData ::= SEQUENCE {
//!     version CMSVersion, digestAlgorithms SET OF DigestAlgorithmIdentifier,
//!     encapContentInfo EncapsulatedContentInfo,            -- eContent absent when detached
//!     certificates [0] IMPLICIT CertificateSet OPTIONAL,
//!     crls [1] IMPLICIT RevocationInfoChoices OPTIONAL,
//!     signerInfos SET OF SignerInfo }
//! SignerInfo ::= SEQUENCE {
//!     version CMSVersion,
//!     sid SignerIdentifier,                 -- issuerAndSerialNumber | [0] subjectKeyIdentifier
//!     digestAlgorithm DigestAlgorithmIdentifier,
//!     signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
//!     signatureAlgorithm SignatureAlgorithmIdentifier,
//!     signature SignatureValue,
//!     unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
//! ```
//!
//! Profile enforced here: exactly one SignerInfo; signed attributes are **required** and must
//! hold contentType (equal to eContentType, RFC 5652 §11.1) and messageDigest (§11.2); the
//! signature covers the DER of the signed attributes with the SET OF tag (§5.4); the signer's
//! certificate must be in `certificates` (a CA certificate there is ignored — never trusted).
//! The content is the claims JSON.

use sha2::{Digest, Sha256, Sha384, Sha512};

use super::{Claims, Parsed, VerifyOptions};
use crate::crypto::SignatureAlgorithm;
use crate::der::{oid_to_string, tag, Reader, Tlv};
use crate::error::{Error, Result};
use crate::path::certificate_signature_algorithm;
use crate::pkix::algorithm_identifier;
use crate::trust::parse_certificate;

/// Largest CMS object accepted (bytes).
pub const MAX_CMS_SIZE: usize = 64 * 1024;
/// Most certificates read from `certificates`.
pub const MAX_CMS_CERTIFICATES: usize = 4;

const OID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const OID_DATA: &str = "1.2.840.113549.1.7.1";
const OID_CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
const OID_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
const OID_SIGNING_TIME: &str = "1.2.840.113549.1.9.5";
const OID_RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum DigestAlg {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlg {
    fn from_oid(oid: &str) -> Option<Self> {
        Some(match oid {
            "1.3.14.3.2.26" => DigestAlg::Sha1,
            "2.16.840.1.101.3.4.2.1" => DigestAlg::Sha256,
            "2.16.840.1.101.3.4.2.2" => DigestAlg::Sha384,
            "2.16.840.1.101.3.4.2.3" => DigestAlg::Sha512,
            _ => return None,
        })
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            DigestAlg::Sha1 => sha1::Sha1::digest(data).to_vec(),
            DigestAlg::Sha256 => Sha256::digest(data).to_vec(),
            DigestAlg::Sha384 => Sha384::digest(data).to_vec(),
            DigestAlg::Sha512 => Sha512::digest(data).to_vec(),
        }
    }

    fn pkcs1(self) -> SignatureAlgorithm {
        match self {
            DigestAlg::Sha1 => SignatureAlgorithm::RsaPkcs1Sha1,
            DigestAlg::Sha256 => SignatureAlgorithm::RsaPkcs1Sha256,
            DigestAlg::Sha384 => SignatureAlgorithm::RsaPkcs1Sha384,
            DigestAlg::Sha512 => SignatureAlgorithm::RsaPkcs1Sha512,
        }
    }
}

fn malformed(what: &str, at: usize) -> Error {
    Error::malformed(format!("CMS: {what}"), Some(at))
}

fn read_integer_small(tlv: &Tlv<'_>) -> Result<u32> {
    if tlv.tag != 0x02 || tlv.value.is_empty() || tlv.value.len() > 2 {
        return Err(malformed("version is not a small INTEGER", tlv.offset));
    }
    Ok(tlv.value.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)))
}

/// `SigningTime ::= Time` (RFC 5652 §11.3) in the strict forms RFC 5280 §4.1.2.5 allows — the
/// certificate parser's own decoder (ASCII digits and `Z` only; a signer-chosen value must never
/// be able to make the parser panic).
fn parse_time(tlv: &Tlv<'_>) -> Result<i64> {
    crate::pkix::time(tlv, "CMS")
        .map_err(|_| malformed("signingTime is not a valid UTCTime/GeneralizedTime", tlv.offset))
}

/// Parses a CMS SignedData assertion into what the common pipeline needs.
pub(crate) fn parse_for_verification(input: &[u8], detached: Option<&[u8]>, options: &VerifyOptions) -> Result<Parsed> {
    if input.len() > MAX_CMS_SIZE {
        return Err(Error::InputTooLarge {
            len: input.len(),
            limit: MAX_CMS_SIZE,
        });
    }
    crate::der::check_structure(input, "CMS")?;
    let mut top = Reader::new(input, 0);
    let content_info = top.expect_tag(tag::SEQUENCE, "CMS ContentInfo")?;
    let mut ci = Reader::new(content_info.value, content_info.value_offset);
    let ct = ci.expect_tag(0x06, "CMS contentType")?;
    if oid_to_string(ct.value, ct.value_offset)? != OID_SIGNED_DATA {
        return Err(malformed("contentType is not id-signedData", ct.offset));
    }
    let explicit = ci.expect_tag(tag::CONTEXT_0_CONSTRUCTED, "CMS content")?;
    ci.finish("CMS ContentInfo")?;
    let mut ex = Reader::new(explicit.value, explicit.value_offset);
    let signed_data = ex.expect_tag(tag::SEQUENCE, "CMS SignedData")?;
    ex.finish("CMS content")?;

    let mut sd = Reader::new(signed_data.value, signed_data.value_offset);
    let version = read_integer_small(&sd.read()?)?;
    if !matches!(version, 1 | 3) {
        return Err(malformed("SignedData version must be 1 or 3", signed_data.value_offset));
    }
    let digest_algorithms = sd.expect_tag(0x31, "CMS digestAlgorithms")?;
    let encap = sd.expect_tag(tag::SEQUENCE, "CMS encapContentInfo")?;
    let mut next = sd.read()?;
    let mut certificates = Vec::new();
    if next.tag == tag::CONTEXT_0_CONSTRUCTED {
        let mut certs = Reader::new(next.value, next.value_offset);
        while !certs.is_empty() {
            let c = certs.read()?;
            if c.tag == tag::SEQUENCE {
                if certificates.len() == MAX_CMS_CERTIFICATES {
                    return Err(Error::BudgetExceeded {
                        what: "more than 4 certificates in CMS",
                    });
                }
                let start = c.offset;
                let end = c.value_offset + c.value.len();
                certificates.push(&input[start..end]);
            }
        }
        next = sd.read()?;
    }
    if next.tag == 0xA1 {
        next = sd.read()?;
    }
    if next.tag != 0x31 {
        return Err(malformed("signerInfos SET expected", next.offset));
    }
    sd.finish("CMS SignedData")?;
    let mut signers = Reader::new(next.value, next.value_offset);
    let signer = signers.expect_tag(tag::SEQUENCE, "CMS SignerInfo")?;
    if !signers.is_empty() {
        return Err(malformed("exactly one SignerInfo is supported", signers.offset()));
    }

    // encapContentInfo
    let mut e = Reader::new(encap.value, encap.value_offset);
    let ect = e.expect_tag(0x06, "CMS eContentType")?;
    let econtent_type = oid_to_string(ect.value, ect.value_offset)?;
    let attached = if e.is_empty() {
        None
    } else {
        let wrapper = e.expect_tag(tag::CONTEXT_0_CONSTRUCTED, "CMS eContent")?;
        let mut w = Reader::new(wrapper.value, wrapper.value_offset);
        let octets = w.expect_tag(0x04, "CMS eContent OCTET STRING")?;
        w.finish("CMS eContent")?;
        Some(octets.value)
    };
    e.finish("CMS encapContentInfo")?;
    let content: &[u8] = match (attached, detached) {
        (Some(c), None) => c,
        (None, Some(d)) => d,
        (Some(_), Some(_)) => {
            return Err(Error::malformed(
                "CMS: content is attached; do not pass detached content too",
                None,
            ))
        }
        (None, None) => {
            return Err(Error::malformed(
                "CMS: detached signature: the signed content must be supplied",
                None,
            ))
        }
    };

    // SignerInfo
    let mut si = Reader::new(signer.value, signer.value_offset);
    let si_version = read_integer_small(&si.read()?)?;
    let sid = si.read()?;
    let digest_alg = si.expect_tag(tag::SEQUENCE, "CMS digestAlgorithm")?;
    let signed_attrs = si.read()?;
    if signed_attrs.tag != tag::CONTEXT_0_CONSTRUCTED {
        return Err(malformed("signed attributes are required", signed_attrs.offset));
    }
    let sig_alg = si.expect_tag(tag::SEQUENCE, "CMS signatureAlgorithm")?;
    let signature = si.expect_tag(0x04, "CMS signature")?;
    if !si.is_empty() {
        let unsigned = si.read()?;
        if unsigned.tag != 0xA1 {
            return Err(malformed("unexpected field after signature", unsigned.offset));
        }
    }
    si.finish("CMS SignerInfo")?;

    // RFC 5652 §5.1: version is 3 exactly when a SignerInfo is version 3 (no other case
    // applies to id-data content without attribute certificates).
    if version != si_version {
        return Err(malformed(
            "SignedData version disagrees with the SignerInfo version",
            signed_data.value_offset,
        ));
    }
    let (digest_oid, digest_params) = algorithm_identifier(&digest_alg)?;
    // RFC 5754 §2: the SHA-2 AlgorithmIdentifier parameters are absent (or NULL from older
    // implementations); anything else is refused, not ignored (review-security L13).
    if !null_or_absent(digest_params) {
        return Err(malformed(
            "digestAlgorithm parameters must be absent or NULL",
            digest_alg.offset,
        ));
    }
    // digestAlgorithms must list the signer's digest algorithm (and nothing we cannot name).
    let mut listed = Reader::new(digest_algorithms.value, digest_algorithms.value_offset);
    let mut found = false;
    while !listed.is_empty() {
        let a = listed.expect_tag(tag::SEQUENCE, "CMS digestAlgorithms entry")?;
        let (oid, _) = algorithm_identifier(&a)?;
        found |= oid == digest_oid;
    }
    if !found {
        return Err(malformed(
            "digestAlgorithms does not list the signer's digest algorithm",
            digest_algorithms.offset,
        ));
    }
    let digest = DigestAlg::from_oid(&digest_oid).ok_or(Error::UnsupportedAlgorithm { oid: digest_oid })?;
    if digest == DigestAlg::Sha1 && !options.allow_legacy_algorithms {
        return Err(Error::AlgorithmNotAllowed {
            algorithm: "SHA-1".to_owned(),
        });
    }

    // Signed attributes: contentType and messageDigest required, signingTime optional.
    let mut attrs = Reader::new(signed_attrs.value, signed_attrs.value_offset);
    let (mut content_type, mut message_digest, mut signing_time) = (None, None, None);
    while !attrs.is_empty() {
        let attr = attrs.expect_tag(tag::SEQUENCE, "CMS Attribute")?;
        let mut a = Reader::new(attr.value, attr.value_offset);
        let oid = a.expect_tag(0x06, "CMS Attribute type")?;
        let values = a.expect_tag(0x31, "CMS Attribute values")?;
        a.finish("CMS Attribute")?;
        let mut v = Reader::new(values.value, values.value_offset);
        let value = v.read()?;
        if !v.is_empty() {
            return Err(malformed("attribute with more than one value", v.offset()));
        }
        let slot = match oid_to_string(oid.value, oid.value_offset)?.as_str() {
            OID_CONTENT_TYPE => &mut content_type,
            OID_MESSAGE_DIGEST => &mut message_digest,
            OID_SIGNING_TIME => &mut signing_time,
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return Err(malformed("duplicate signed attribute", attr.offset));
        }
    }
    let content_type = content_type.ok_or_else(|| malformed("contentType attribute missing", signed_attrs.offset))?;
    if content_type.tag != 0x06 || oid_to_string(content_type.value, content_type.value_offset)? != econtent_type {
        return Err(malformed(
            "contentType attribute differs from eContentType",
            content_type.offset,
        ));
    }
    if econtent_type != OID_DATA {
        return Err(malformed("eContentType is not id-data", ect.offset));
    }
    let message_digest =
        message_digest.ok_or_else(|| malformed("messageDigest attribute missing", signed_attrs.offset))?;
    if message_digest.tag != 0x04 {
        return Err(malformed("messageDigest is not an OCTET STRING", message_digest.offset));
    }
    let signing_time = signing_time.as_ref().map(parse_time).transpose()?;
    let digest_mismatch = message_digest.value != digest.digest(content).as_slice();

    // Signature algorithm: rsaEncryption (hash from digestAlgorithm) or a combined OID that
    // must agree with digestAlgorithm.
    let (sig_oid, sig_params) = algorithm_identifier(&sig_alg)?;
    let alg = if sig_oid == OID_RSA_ENCRYPTION {
        // RFC 3370 §3.2: rsaEncryption's parameters are NULL (or absent).
        if !null_or_absent(sig_params) {
            return Err(malformed(
                "rsaEncryption parameters must be NULL or absent",
                sig_alg.offset,
            ));
        }
        digest.pkcs1()
    } else {
        let a = certificate_signature_algorithm(&sig_oid, sig_params, options.allow_legacy_algorithms)?;
        let expected = match a {
            SignatureAlgorithm::EcdsaP256Sha256Der | SignatureAlgorithm::RsaPssSha256 => DigestAlg::Sha256,
            other => {
                if other != digest.pkcs1() {
                    return Err(malformed(
                        "signatureAlgorithm disagrees with digestAlgorithm",
                        sig_alg.offset,
                    ));
                }
                digest
            }
        };
        if expected != digest {
            return Err(malformed(
                "signatureAlgorithm disagrees with digestAlgorithm",
                sig_alg.offset,
            ));
        }
        a
    };

    // The signer's certificate.
    let leaf_der = find_signer(&certificates, si_version, &sid)?;
    let claims = Claims::parse(content)?;
    let mut signed = input[signed_attrs.offset..signed_attrs.value_offset + signed_attrs.value.len()].to_vec();
    signed[0] = 0x31; // RFC 5652 §5.4: the signature covers the EXPLICIT SET OF encoding.
    Ok(Parsed {
        alg,
        leaf_der,
        claims,
        signed,
        signature: signature.value.to_vec(),
        signing_time,
        digest_mismatch,
    })
}

/// AlgorithmIdentifier parameters that are absent or an ASN.1 NULL (`05 00`).
fn null_or_absent(params: Option<&[u8]>) -> bool {
    matches!(params, None | Some([0x05, 0x00]))
}

/// Finds the certificate named by `sid` (RFC 5652 §5.3: version 1 ⇒ issuerAndSerialNumber,
/// version 3 ⇒ subjectKeyIdentifier).
fn find_signer(certificates: &[&[u8]], version: u32, sid: &Tlv<'_>) -> Result<Vec<u8>> {
    let by_ski = match (version, sid.tag) {
        (1, tag::SEQUENCE) => false,
        (3, 0x80) => true,
        _ => return Err(malformed("SignerInfo version and sid form disagree", sid.offset)),
    };
    let (issuer, serial) = if by_ski {
        (None, None)
    } else {
        let mut r = Reader::new(sid.value, sid.value_offset);
        let name = r.expect_tag(tag::SEQUENCE, "CMS issuerAndSerialNumber issuer")?;
        let serial = r.expect_tag(0x02, "CMS issuerAndSerialNumber serial")?;
        r.finish("CMS issuerAndSerialNumber")?;
        let name_der =
            &sid.value[name.offset - sid.value_offset..name.value_offset - sid.value_offset + name.value.len()];
        (Some(name_der), Some(serial.value))
    };
    for der in certificates {
        let Ok(cert) = parse_certificate(der) else { continue };
        let hit = if by_ski {
            cert.raw.ski.as_deref() == Some(sid.value)
        } else {
            Some(cert.raw.issuer.as_slice()) == issuer && serial_matches(&cert, serial)
        };
        if hit {
            return Ok(der.to_vec());
        }
    }
    Err(Error::malformed(
        "CMS: the signer's certificate is not in the certificates field",
        Some(sid.offset),
    ))
}

fn serial_matches(cert: &crate::cert::Certificate, serial: Option<&[u8]>) -> bool {
    let Some(s) = serial else { return false };
    let trimmed = match s {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => s,
    };
    crate::der::hex_upper(trimmed) == cert.serial_number
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        let utc = Tlv {
            tag: 0x17,
            value: b"260601000000Z",
            offset: 0,
            value_offset: 2,
        };
        assert_eq!(parse_time(&utc).unwrap(), 1_780_272_000);
        let gen = Tlv {
            tag: 0x18,
            value: b"20260601000000Z",
            offset: 0,
            value_offset: 2,
        };
        assert_eq!(parse_time(&gen).unwrap(), 1_780_272_000);
        let bad = Tlv {
            tag: 0x17,
            value: b"2606010000Z",
            offset: 0,
            value_offset: 2,
        };
        assert!(parse_time(&bad).is_err());
    }

    #[test]
    fn garbage_is_malformed() {
        let o = VerifyOptions::new("a", &"n".repeat(43), super::super::Purpose::Sign, 0);
        for input in [&[0x30, 0x00][..], &[0x30, 0x03, 0x06, 0x01, 0x00], &[0x31, 0x00]] {
            assert!(parse_for_verification(input, None, &o).is_err());
        }
    }
}
