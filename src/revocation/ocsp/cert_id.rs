//! `CertID` (RFC 6960 §4.1.1): the hash algorithm, the issuer name and key hashes and the
//! serial number by which a request names a certificate and a response answers for it.

use super::*;

/// id-sha1 `1.3.14.3.2.26`.
pub(super) const OID_SHA1: &[u8] = &[0x2B, 0x0E, 0x03, 0x02, 0x1A];

/// id-sha256 `2.16.840.1.101.3.4.2.1`.
pub(super) const OID_SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];

/// The hash of a `CertID` (RFC 6960 §4.1.1). SHA-1 is what most deployed responders were
/// first built for; SHA-256 is preferred where the responder supports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CertIdHash {
    /// id-sha256 (2.16.840.1.101.3.4.2.1).
    Sha256,
    /// id-sha1 (1.3.14.3.2.26): an identifier here, not a signature hash.
    Sha1,
}

impl CertIdHash {
    pub(super) fn oid(self) -> &'static [u8] {
        match self {
            CertIdHash::Sha256 => OID_SHA256,
            CertIdHash::Sha1 => OID_SHA1,
        }
    }

    pub(super) fn from_oid(oid: &[u8]) -> Option<Self> {
        match oid {
            OID_SHA256 => Some(CertIdHash::Sha256),
            OID_SHA1 => Some(CertIdHash::Sha1),
            _ => None,
        }
    }

    pub(super) fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            CertIdHash::Sha256 => Sha256::digest(data).to_vec(),
            CertIdHash::Sha1 => Sha1::digest(data).to_vec(),
        }
    }
}

/// `CertID` content (the SEQUENCE around it is added by the caller).
pub(super) fn encode_cert_id(hash: CertIdHash, issuer_name: &[u8], issuer_key: &[u8], serial: &[u8]) -> Vec<u8> {
    let mut alg = tlv(TAG_OID, hash.oid());
    alg.extend([TAG_NULL, 0x00]);
    let mut id = tlv(tag::SEQUENCE, &alg);
    id.extend(tlv(TAG_OCTET_STRING, &hash.digest(issuer_name)));
    id.extend(tlv(TAG_OCTET_STRING, &hash.digest(issuer_key)));
    let mut int = Vec::with_capacity(serial.len() + 1);
    if serial.first().is_none_or(|b| b & 0x80 != 0) {
        int.push(0x00);
    }
    int.extend_from_slice(serial);
    id.extend(tlv(TAG_INTEGER, &int));
    tlv(tag::SEQUENCE, &id)
}

/// The serial number's magnitude bytes (leading zero octet stripped), from the model.
pub(super) fn serial_magnitude(cert: &Certificate) -> Result<Vec<u8>> {
    let mut bytes = crate::encoding::parse_hex(&cert.serial_number)?;
    while bytes.len() > 1 && bytes.first() == Some(&0) {
        bytes.remove(0);
    }
    Ok(bytes)
}

/// The value of the certificate's `subjectPublicKey` BIT STRING (after the unused-bits octet).
pub(super) fn subject_public_key(spki: &[u8]) -> Result<&[u8]> {
    Ok(crate::crypto::spki::parse(spki)?.key)
}
