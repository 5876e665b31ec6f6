//! Building an `OCSPRequest` (RFC 6960 §4.1.1), with an optional nonce (RFC 8954).

use super::cert_id::{encode_cert_id, serial_magnitude, subject_public_key};
use super::*;

/// [`build_request`] for `leaf` with its issuer taken from `anchors` (the first candidate;
/// J-LIS leaves name their CA generation by authorityKeyIdentifier, so there is one).
pub fn build_request_for(
    leaf: &Certificate,
    anchors: &TrustAnchors,
    hash: CertIdHash,
    nonce: Option<&[u8]>,
) -> Result<Vec<u8>> {
    let candidates = issuer_candidates(leaf, anchors)?;
    let issuer = candidates.first().ok_or_else(|| Error::ChainUntrusted {
        reason: "no trusted anchor issued this certificate".into(),
    })?;
    request(leaf, &Issuer::of_anchor(issuer), hash, nonce)
}

/// Builds a DER `OCSPRequest` (RFC 6960 §4.1.1) asking about `leaf`, issued by the CA
/// certificate `issuer`, with an optional nonce (RFC 8954).
///
/// ```text
/// OCSPRequest ::= SEQUENCE {
///     tbsRequest                  TBSRequest,
///     optionalSignature   [0]     EXPLICIT Signature OPTIONAL }
///
/// TBSRequest ::= SEQUENCE {
///     version             [0]     EXPLICIT Version DEFAULT v1,
///     requestorName       [1]     EXPLICIT GeneralName OPTIONAL,
///     requestList                 SEQUENCE OF Request,
///     requestExtensions   [2]     EXPLICIT Extensions OPTIONAL }
///
/// Request ::= SEQUENCE {
///     reqCert                     CertID,
///     singleRequestExtensions     [0] EXPLICIT Extensions OPTIONAL }
///
/// CertID ::= SEQUENCE {
///     hashAlgorithm           AlgorithmIdentifier,
///     issuerNameHash          OCTET STRING, -- Hash of issuer's DN
///     issuerKeyHash           OCTET STRING, -- Hash of issuer's public key
///     serialNumber            CertificateSerialNumber }
/// ```
///
/// `issuerNameHash` is the hash of the DER of the issuer's Name (the leaf's `issuer` field),
/// `issuerKeyHash` the hash of the value of the issuer certificate's `subjectPublicKey` BIT
/// STRING (without tag, length and unused-bits octet — what OpenSSL and RFC 6960 §4.1.1 mean).
/// The hash AlgorithmIdentifier carries NULL parameters, as OpenSSL sends it. The request is
/// unsigned. The nonce goes in `requestExtensions` as `id-pkix-ocsp-nonce` whose `extnValue`
/// is the DER of `Nonce ::= OCTET STRING(SIZE(1..32))` (RFC 8954 §2.1).
///
/// Errors: [`Error::InvalidOptions`] when `issuer` is not the leaf's issuer (name or key
/// identifier) or the nonce is empty or longer than 32 bytes; [`Error::Malformed`] /
/// [`Error::UnsupportedAlgorithm`] for an issuer key that cannot be read.
pub fn build_request(
    leaf: &Certificate,
    issuer: &Certificate,
    hash: CertIdHash,
    nonce: Option<&[u8]>,
) -> Result<Vec<u8>> {
    request(leaf, &Issuer::of_certificate(issuer), hash, nonce)
}

pub(super) fn request(
    leaf: &Certificate,
    issuer: &Issuer<'_>,
    hash: CertIdHash,
    nonce: Option<&[u8]>,
) -> Result<Vec<u8>> {
    if leaf.raw.issuer != issuer.subject_der {
        return Err(Error::InvalidOptions {
            reason: "OCSP request: the issuer certificate's subject is not the certificate's issuer".to_owned(),
        });
    }
    if let (Some(aki), Some(ski)) = (&leaf.raw.aki, issuer.key_id) {
        if aki.as_slice() != ski {
            return Err(Error::InvalidOptions {
                reason: "OCSP request: the issuer certificate's key identifier is not the certificate's authorityKeyIdentifier"
                    .to_owned(),
            });
        }
    }
    if let Some(n) = nonce {
        if n.is_empty() || n.len() > MAX_NONCE_LEN {
            return Err(Error::InvalidOptions {
                reason: format!(
                    "OCSP nonce must be 1 to {MAX_NONCE_LEN} bytes (RFC 8954), got {}",
                    n.len()
                ),
            });
        }
    }
    let key = subject_public_key(issuer.spki)?;
    let cert_id = encode_cert_id(hash, &leaf.raw.issuer, key, &serial_magnitude(leaf)?);
    let request = tlv(tag::SEQUENCE, &cert_id);
    let mut tbs = tlv(tag::SEQUENCE, &request);
    if let Some(n) = nonce {
        let mut ext = tlv(TAG_OID, OID_OCSP_NONCE);
        ext.extend(tlv(TAG_OCTET_STRING, &tlv(TAG_OCTET_STRING, n)));
        let extensions = tlv(tag::SEQUENCE, &tlv(tag::SEQUENCE, &ext));
        tbs.extend(tlv(0xA2, &extensions));
    }
    Ok(tlv(tag::SEQUENCE, &tlv(tag::SEQUENCE, &tbs)))
}
