//! OCSP (RFC 6960): requests (CertID with SHA-256 or SHA-1, optional nonce) and responses
//! (signed by the CA or a delegated responder, time window, nonce, status).
//!
//! The core does no I/O: [`build_request`] returns the DER to POST (`application/ocsp-request`)
//! and [`prepare_response`] / [`check_response`] take the DER the responder answered. As for
//! certificates, verification is split so that a synchronous or an asynchronous
//! [`CryptoProvider`] can answer the signature checks:
//!
//! 1. [`prepare_response`] parses strictly (every object passes `der::check_structure`
//!    first), finds the `SingleResponse` about the leaf, decides who signed (the issuing CA, or
//!    a delegated responder certificate carried in the response and issued by that CA), checks
//!    the nonce and the time window, and lists the [`SignatureCheck`]s the answer rests on;
//! 2. [`PreparedOcsp::finish`] takes the providers' answers and returns the
//!    [`RevocationAnswer`].
//!
//! ```text
//! OCSPResponse ::= SEQUENCE {                                   -- RFC 6960 §4.2.1
//!    responseStatus         OCSPResponseStatus,
//!    responseBytes          [0] EXPLICIT ResponseBytes OPTIONAL }
//!
//! OCSPResponseStatus ::= ENUMERATED {
//!     successful            (0),  -- Response has valid confirmations
//!     malformedRequest      (1),  -- Illegal confirmation request
//!     internalError         (2),  -- Internal error in issuer
//!     tryLater              (3),  -- Try again later
//!                                 -- (4) is not used
//!     sigRequired           (5),  -- Must sign the request
//!     unauthorized          (6)   -- Request unauthorized }
//!
//! ResponseBytes ::=       SEQUENCE {
//!     responseType   OBJECT IDENTIFIER,
//!     response       OCTET STRING }
//!
//! BasicOCSPResponse       ::= SEQUENCE {
//!    tbsResponseData      ResponseData,
//!    signatureAlgorithm   AlgorithmIdentifier,
//!    signature            BIT STRING,
//!    certs            [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
//! ```
//!
//! SHA-1 appears here only as a CertID hash and in `ResponderID byKey` (RFC 6960 §4.2.1: "SHA-1
//! hash of responder's public key"), where it identifies, it does not protect. Response
//! signatures go through the same algorithm mapping as certificate signatures
//! (`sha256WithRSAEncryption`, RSASSA-PSS, ECDSA P-256); SHA-1 signatures are refused
//! (`JPKI_ALGORITHM_NOT_ALLOWED`).

use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::RevocationStatus;
use crate::cert::Certificate;
use crate::crypto::{CryptoProvider, SignatureCheck};
use crate::der::{check_structure, tag, Reader, Tlv};
use crate::der::{whole, write_tlv as tlv};
use crate::error::{Error, Result};
use crate::pkix::{algorithm_identifier, extension_parts, signed_data, SignedData};
use crate::revocation::{Reason, RevocationAnswer, RevocationPolicy, SourceKind};
use crate::trust::parse_certificate;
use crate::trust::{TrustAnchor, TrustAnchors};

/// Largest OCSP response accepted. A JPKI answer about one certificate, with a delegated
/// responder certificate, is about 2 KB; 64 KiB bounds the work done on hostile input.
pub const MAX_OCSP_RESPONSE: usize = 64 * 1024;

/// Most certificates read from `BasicOCSPResponse.certs` (one responder certificate is the
/// norm; RFC 6960 §4.2.2.2 needs no chain because the responder is issued by the CA itself).
pub const MAX_RESPONSE_CERTS: usize = 4;

/// Most `SingleResponse`s read from one response (a relying party asks about one certificate;
/// batch answers are allowed but bounded).
pub const MAX_SINGLE_RESPONSES: usize = 256;

/// Clock skew allowed between the responder and the verifier for `thisUpdate` and
/// `producedAt` in the future (OpenSSL's `OCSP_check_validity` callers use 5 minutes too).
pub const CLOCK_SKEW_SECONDS: i64 = 300;

/// Nonce length allowed by RFC 8954 §2.1: `Nonce ::= OCTET STRING(SIZE(1..32))`.
pub const MAX_NONCE_LEN: usize = 32;

/// Most candidate issuing anchors (generations sharing the DN, as in path validation).
const MAX_CANDIDATES: usize = 4;

/// id-sha1 `1.3.14.3.2.26`.
const OID_SHA1: &[u8] = &[0x2B, 0x0E, 0x03, 0x02, 0x1A];
/// id-sha256 `2.16.840.1.101.3.4.2.1`.
const OID_SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
/// id-pkix-ocsp-basic `1.3.6.1.5.5.7.48.1.1`.
const OID_OCSP_BASIC: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01];
/// id-pkix-ocsp-nonce `1.3.6.1.5.5.7.48.1.2`.
const OID_OCSP_NONCE: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02];
/// id-kp-OCSPSigning `1.3.6.1.5.5.7.3.9`.
const OID_KP_OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";

const TAG_INTEGER: u8 = 0x02;
const TAG_OCTET_STRING: u8 = 0x04;
const TAG_NULL: u8 = 0x05;
const TAG_OID: u8 = 0x06;
const TAG_ENUMERATED: u8 = 0x0A;
const TAG_GENERALIZED_TIME: u8 = 0x18;

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
    fn oid(self) -> &'static [u8] {
        match self {
            CertIdHash::Sha256 => OID_SHA256,
            CertIdHash::Sha1 => OID_SHA1,
        }
    }

    fn from_oid(oid: &[u8]) -> Option<Self> {
        match oid {
            OID_SHA256 => Some(CertIdHash::Sha256),
            OID_SHA1 => Some(CertIdHash::Sha1),
            _ => None,
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            CertIdHash::Sha256 => Sha256::digest(data).to_vec(),
            CertIdHash::Sha1 => Sha1::digest(data).to_vec(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/// The anchors that may have issued `leaf`: subject DN equal to its issuer, and the
/// subjectKeyIdentifier equal to its authorityKeyIdentifier when both are present (J-LIS
/// generations share one DN). `ChainUntrusted` when none, `BudgetExceeded` beyond
/// `MAX_CANDIDATES`.
fn issuer_candidates<'a>(leaf: &Certificate, anchors: &'a TrustAnchors) -> Result<Vec<&'a TrustAnchor>> {
    let candidates: Vec<&TrustAnchor> = anchors
        .iter()
        .filter(|a| a.may_have_issued(leaf))
        .take(MAX_CANDIDATES + 1)
        .collect();
    if candidates.is_empty() {
        return Err(Error::ChainUntrusted {
            reason: format!(
                "issuer {} of the certificate asked about is not a trusted anchor",
                crate::error::Quoted(&leaf.issuer)
            ),
        });
    }
    if candidates.len() > MAX_CANDIDATES {
        return Err(Error::BudgetExceeded {
            what: "too many candidate issuers",
        });
    }
    Ok(candidates)
}

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

/// What OCSP needs of the CA that issued the certificate asked about: a trust anchor's
/// record, or (for [`build_request`]) a CA certificate the caller has.
struct Issuer<'a> {
    subject_der: &'a [u8],
    key_id: Option<&'a [u8]>,
    spki: &'a [u8],
    subject: &'a str,
}

impl<'a> Issuer<'a> {
    fn of_anchor(a: &'a TrustAnchor) -> Self {
        Issuer {
            subject_der: &a.subject_der,
            key_id: a.key_id.as_deref(),
            spki: &a.spki,
            subject: &a.subject,
        }
    }

    fn of_certificate(c: &'a Certificate) -> Self {
        Issuer {
            subject_der: &c.raw.subject,
            key_id: c.raw.ski.as_deref(),
            spki: &c.raw.spki,
            subject: &c.subject,
        }
    }
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

fn request(leaf: &Certificate, issuer: &Issuer<'_>, hash: CertIdHash, nonce: Option<&[u8]>) -> Result<Vec<u8>> {
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

/// `CertID` content (the SEQUENCE around it is added by the caller).
fn encode_cert_id(hash: CertIdHash, issuer_name: &[u8], issuer_key: &[u8], serial: &[u8]) -> Vec<u8> {
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
fn serial_magnitude(cert: &Certificate) -> Result<Vec<u8>> {
    let mut bytes = crate::encoding::parse_hex(&cert.serial_number)?;
    while bytes.len() > 1 && bytes.first() == Some(&0) {
        bytes.remove(0);
    }
    Ok(bytes)
}

/// The value of the certificate's `subjectPublicKey` BIT STRING (after the unused-bits octet).
fn subject_public_key(spki: &[u8]) -> Result<&[u8]> {
    Ok(crate::crypto::spki::parse(spki)?.key)
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/// A parsed, policy-checked OCSP response waiting for its signature checks.
///
/// `checks()[0]` is the response signature (by the CA or the delegated responder); when a
/// delegated responder signed, `checks()[1]` is the CA's signature over the responder
/// certificate.
#[derive(Clone, Debug)]
pub struct PreparedOcsp {
    checks: Vec<SignatureCheck>,
    delegated: bool,
    answer: RevocationAnswer,
}

impl PreparedOcsp {
    /// The signature checks to answer, in order.
    pub fn checks(&self) -> &[SignatureCheck] {
        &self.checks
    }

    /// The answer, given one result per [`checks`](Self::checks) entry, in order.
    ///
    /// Errors: [`Error::RevocationSourceInvalid`] when the responder certificate is not signed
    /// by the CA; [`Error::SignatureInvalid`] (`"OCSP response"`) when the response signature
    /// does not verify; a provider's other errors as they are; [`Error::InvalidOptions`] when
    /// the number of results is wrong.
    pub fn finish(self, results: &[Result<()>]) -> Result<RevocationAnswer> {
        if results.len() != self.checks.len() {
            return Err(Error::InvalidOptions {
                reason: format!(
                    "OCSP: {} signature results given for {} checks",
                    results.len(),
                    self.checks.len()
                ),
            });
        }
        if self.delegated {
            match results.get(1) {
                Some(Ok(())) => {}
                Some(Err(Error::SignatureInvalid { .. })) | None => {
                    return Err(Error::RevocationSourceInvalid {
                        reason: "the OCSP responder certificate is not signed by the certificate's CA".to_owned(),
                    })
                }
                Some(Err(e)) => return Err(e.clone()),
            }
        }
        match results.first() {
            Some(Ok(())) => Ok(self.answer),
            Some(Err(Error::SignatureInvalid { .. })) | None => Err(Error::SignatureInvalid { what: "OCSP response" }),
            Some(Err(e)) => Err(e.clone()),
        }
    }
}

/// [`prepare_response`], the provider's answers, then [`PreparedOcsp::finish`].
pub fn check_response(
    der: &[u8],
    leaf: &Certificate,
    anchors: &TrustAnchors,
    expected_nonce: Option<&[u8]>,
    time: i64,
    policy: &RevocationPolicy,
    provider: &dyn CryptoProvider,
) -> Result<RevocationAnswer> {
    let prepared = prepare_response(der, leaf, anchors, expected_nonce, time, policy)?;
    let results: Vec<Result<()>> = prepared.checks().iter().map(|c| provider.verify(c)).collect();
    prepared.finish(&results)
}

/// Parses and checks an `OCSPResponse` about `leaf`, up to the signature checks.
///
/// ```text
/// ResponseData ::= SEQUENCE {                                   -- RFC 6960 §4.2.1
///    version              [0] EXPLICIT Version DEFAULT v1,
///    responderID              ResponderID,
///    producedAt               GeneralizedTime,
///    responses                SEQUENCE OF SingleResponse,
///    responseExtensions   [1] EXPLICIT Extensions OPTIONAL }
///
/// ResponderID ::= CHOICE {
///    byName   [1] Name,
///    byKey    [2] KeyHash }
///
/// KeyHash ::= OCTET STRING -- SHA-1 hash of responder's public key
///                          -- (excluding the tag and length fields)
///
/// SingleResponse ::= SEQUENCE {
///    certID                       CertID,
///    certStatus                   CertStatus,
///    thisUpdate                   GeneralizedTime,
///    nextUpdate         [0]       EXPLICIT GeneralizedTime OPTIONAL,
///    singleExtensions   [1]       EXPLICIT Extensions OPTIONAL }
///
/// CertStatus ::= CHOICE {
///     good        [0]     IMPLICIT NULL,
///     revoked     [1]     IMPLICIT RevokedInfo,
///     unknown     [2]     IMPLICIT UnknownInfo }
///
/// RevokedInfo ::= SEQUENCE {
///     revocationTime              GeneralizedTime,
///     revocationReason    [0]     EXPLICIT CRLReason OPTIONAL }
/// ```
///
/// (The module is `DEFINITIONS EXPLICIT TAGS`: `byName` is `[1]` around a Name SEQUENCE.)
///
/// In order:
/// * `responseStatus` must be `successful` and the type `id-pkix-ocsp-basic`, else
///   [`Error::RevocationSourceInvalid`];
/// * the issuing anchor of `leaf` is the anchor whose subject DN equals the leaf's issuer and
///   whose subjectKeyIdentifier equals the leaf's authorityKeyIdentifier (generations share
///   the DN); none → [`Error::ChainUntrusted`];
/// * the `SingleResponse` whose CertID (SHA-1 or SHA-256) names that issuer and the leaf's
///   serial; none → [`Error::RevocationSourceInvalid`];
/// * the signer (RFC 6960 §4.2.2.2): the CA itself (`byName` = its subject, or `byKey` = SHA-1
///   of its key), or a certificate in `certs` matching the ResponderID that is issued by that
///   CA (name, key identifier, and — in the checks — its signature), has `id-kp-OCSPSigning`
///   in extendedKeyUsage, `digitalSignature` if keyUsage is present, no unknown critical
///   extension, and is valid at `time`; else [`Error::RevocationSourceInvalid`];
/// * with `expected_nonce`, the response's `id-pkix-ocsp-nonce` must be present and equal,
///   else [`Error::RevocationSourceInvalid`];
/// * `producedAt` and `thisUpdate` ≤ `time` + [`CLOCK_SKEW_SECONDS`], `time` ≤ `nextUpdate`
///   (when present), `time` − `thisUpdate` ≤ `policy.ocsp_max_age_seconds`, else
///   [`Error::RevocationStale`].
///
/// Malformed input is [`Error::Malformed`] with the byte offset; more than
/// [`MAX_OCSP_RESPONSE`] bytes is [`Error::InputTooLarge`].
pub fn prepare_response(
    der: &[u8],
    leaf: &Certificate,
    anchors: &TrustAnchors,
    expected_nonce: Option<&[u8]>,
    time: i64,
    policy: &RevocationPolicy,
) -> Result<PreparedOcsp> {
    if der.len() > MAX_OCSP_RESPONSE {
        return Err(Error::InputTooLarge {
            len: der.len(),
            limit: MAX_OCSP_RESPONSE,
        });
    }
    let basic = parse_envelope(der)?;
    let response = parse_basic(der, &basic)?;

    let candidates = issuer_candidates(leaf, anchors)?;
    let keys: Vec<&[u8]> = candidates
        .iter()
        .map(|a| subject_public_key(&a.spki))
        .collect::<Result<_>>()?;
    let serial = serial_magnitude(leaf)?;
    let mut hashes: Vec<(CertIdHash, Vec<u8>, Vec<Vec<u8>>)> = Vec::with_capacity(2);
    for h in [CertIdHash::Sha256, CertIdHash::Sha1] {
        hashes.push((
            h,
            h.digest(&leaf.raw.issuer),
            keys.iter().map(|k| h.digest(k)).collect(),
        ));
    }

    // The SingleResponse about the leaf, and which anchor it names.
    let mut found: Option<(usize, &SingleResponse<'_>)> = None;
    'outer: for single in &response.singles {
        if single.serial != serial.as_slice() {
            continue;
        }
        let Some((_, name_hash, key_hashes)) = hashes.iter().find(|(h, _, _)| *h == single.hash) else {
            continue;
        };
        if single.name_hash != name_hash.as_slice() {
            continue;
        }
        for (i, kh) in key_hashes.iter().enumerate() {
            if single.key_hash == kh.as_slice() {
                found = Some((i, single));
                break 'outer;
            }
        }
    }
    let Some((ca_index, single)) = found else {
        return Err(Error::RevocationSourceInvalid {
            reason: format!(
                "the OCSP response is not about this certificate (serial {}, issuer {})",
                leaf.serial_number,
                crate::error::Quoted(&leaf.issuer)
            ),
        });
    };
    let (Some(anchor), Some(ca_key)) = (candidates.get(ca_index), keys.get(ca_index)) else {
        return Err(Error::RevocationSourceInvalid {
            reason: "OCSP issuer lookup failed".to_owned(),
        });
    };
    let ca = Issuer::of_anchor(anchor);

    // Who signed.
    let signed_by_ca = match &response.responder {
        ResponderId::ByName(name) => *name == ca.subject_der,
        ResponderId::ByKey(hash) => *hash == Sha1::digest(ca_key).as_slice(),
    };
    let algorithm = crate::path::certificate_signature_algorithm(&response.sig_oid, response.sig_params, false)?;
    let tbs = response.tbs.to_vec();
    let (signer_spki, responder_name, ca_check) = if signed_by_ca {
        (ca.spki.to_vec(), ca.subject.to_owned(), None)
    } else {
        let responder = find_responder(&response, &ca, time)?;
        let cert_algorithm = crate::path::certificate_signature_algorithm(
            &responder.raw.signature_algorithm_oid,
            responder.raw.signature_algorithm_params.as_deref(),
            false,
        )?;
        if cert_algorithm.is_rsa() == is_ec_key(ca.spki)? {
            return Err(Error::RevocationSourceInvalid {
                reason: "the OCSP responder certificate's signature algorithm does not fit the CA's key".to_owned(),
            });
        }
        let tbs = responder.raw.der.get(responder.raw.tbs.clone()).unwrap_or_default();
        let check = SignatureCheck::new(
            cert_algorithm,
            ca.spki.to_vec(),
            tbs.to_vec(),
            responder.raw.signature.clone(),
        );
        (responder.raw.spki.clone(), responder.subject.clone(), Some(check))
    };

    // Nonce (RFC 8954): compared only when the caller sent one.
    if let Some(expected) = expected_nonce {
        match response.nonce {
            None => {
                return Err(Error::RevocationSourceInvalid {
                    reason: "the OCSP response carries no nonce, but the request had one".to_owned(),
                })
            }
            Some(n) if n != expected => {
                return Err(Error::RevocationSourceInvalid {
                    reason: "the OCSP response's nonce is not the request's".to_owned(),
                })
            }
            Some(_) => {}
        }
    }

    // Time window (RFC 6960 §4.2.2.1, §3.2 items 4–5) and the freshness policy.
    let latest = time.saturating_add(CLOCK_SKEW_SECONDS);
    if response.produced_at > latest {
        return Err(Error::RevocationStale {
            reason: format!(
                "OCSP producedAt {} is after the verification time",
                crate::time::to_rfc3339(response.produced_at)
            ),
        });
    }
    if single.this_update > latest {
        return Err(Error::RevocationStale {
            reason: format!(
                "OCSP thisUpdate {} is after the verification time",
                crate::time::to_rfc3339(single.this_update)
            ),
        });
    }
    if let Some(next) = single.next_update {
        if next < single.this_update {
            return Err(Error::RevocationSourceInvalid {
                reason: "OCSP nextUpdate is before thisUpdate".to_owned(),
            });
        }
        if time > next {
            return Err(Error::RevocationStale {
                reason: format!("OCSP nextUpdate {} has passed", crate::time::to_rfc3339(next)),
            });
        }
    }
    let max_age = i64::from(policy.ocsp_max_age_seconds);
    if time.saturating_sub(single.this_update) > max_age {
        return Err(Error::RevocationStale {
            reason: format!(
                "OCSP answer from {} is older than the policy's {max_age} s",
                crate::time::to_rfc3339(single.this_update)
            ),
        });
    }

    // A signature of the wrong family for the signer's key (an ECDSA signature "by" an RSA
    // CA) cannot be the signer's: that is an invalid signature, not an unsupported algorithm.
    if algorithm.is_rsa() == is_ec_key(&signer_spki)? {
        return Err(Error::SignatureInvalid { what: "OCSP response" });
    }
    let mut checks = vec![SignatureCheck::new(
        algorithm,
        signer_spki,
        tbs,
        response.signature.to_vec(),
    )];
    let delegated = ca_check.is_some();
    checks.extend(ca_check);
    let (reason, revoked_at) = match single.status {
        Status::Revoked { at, reason } => (reason, Some(at)),
        _ => (None, None),
    };
    Ok(PreparedOcsp {
        checks,
        delegated,
        answer: RevocationAnswer {
            status: match single.status {
                Status::Good => RevocationStatus::Good,
                Status::Revoked { .. } => RevocationStatus::Revoked,
                Status::Unknown => RevocationStatus::Unknown,
            },
            reason,
            revoked_at,
            kind: SourceKind::Ocsp,
            source: format!("ocsp:{responder_name}"),
            produced_at: single.this_update,
            next_update: single.next_update,
        },
    })
}

/// The delegated responder certificate named by the ResponderID, checked as RFC 6960
/// §4.2.2.2 requires (its signature by the CA is one of the returned checks).
fn find_responder(response: &BasicResponse<'_>, ca: &Issuer<'_>, time: i64) -> Result<Certificate> {
    let invalid = |reason: String| Error::RevocationSourceInvalid { reason };
    let mut chosen = None;
    for raw in &response.certs {
        let cert = parse_certificate(raw)?;
        let matches = match &response.responder {
            ResponderId::ByName(name) => *name == cert.raw.subject.as_slice(),
            ResponderId::ByKey(hash) => *hash == Sha1::digest(subject_public_key(&cert.raw.spki)?).as_slice(),
        };
        if matches {
            chosen = Some(cert);
            break;
        }
    }
    let Some(cert) = chosen else {
        return Err(invalid(
            "the OCSP response is signed neither by the certificate's CA nor by a responder certificate it carries"
                .to_owned(),
        ));
    };
    let name = crate::error::Quoted(&cert.subject);
    let issued_by_ca = cert.raw.issuer == ca.subject_der
        && match (&cert.raw.aki, ca.key_id) {
            (Some(aki), Some(ski)) => aki.as_slice() == ski,
            _ => true,
        };
    if !issued_by_ca {
        return Err(invalid(format!(
            "OCSP responder {name} is not issued by the certificate's CA (RFC 6960 §4.2.2.2)"
        )));
    }
    if !cert
        .extended_key_usage
        .as_ref()
        .is_some_and(|eku| eku.iter().any(|o| o == OID_KP_OCSP_SIGNING))
    {
        return Err(invalid(format!(
            "OCSP responder {name} lacks id-kp-OCSPSigning in extendedKeyUsage"
        )));
    }
    if cert.key_usage.is_some() && !cert.has_key_usage("digitalSignature") {
        return Err(invalid(format!(
            "OCSP responder {name}: keyUsage lacks digitalSignature"
        )));
    }
    if let Some(oid) = cert.unknown_critical_extensions.first() {
        return Err(invalid(format!(
            "OCSP responder {name} has an unknown critical extension {oid}"
        )));
    }
    if time < cert.not_before_unix() || time > cert.not_after_unix() {
        return Err(invalid(format!(
            "OCSP responder {name} is not valid at the verification time ({} to {})",
            cert.not_before, cert.not_after
        )));
    }
    crate::path::check_leaf_key(&cert, 2048)?;
    Ok(cert)
}

/// The parsed `BasicOCSPResponse`, borrowing from the caller's input.
struct BasicResponse<'a> {
    /// `tbsResponseData`, the signed bytes (whole TLV).
    tbs: &'a [u8],
    responder: ResponderId<'a>,
    produced_at: i64,
    singles: Vec<SingleResponse<'a>>,
    /// Contents of the nonce extension's OCTET STRING, when present.
    nonce: Option<&'a [u8]>,
    sig_oid: String,
    sig_params: Option<&'a [u8]>,
    signature: &'a [u8],
    /// Each certificate of `certs`, whole DER.
    certs: Vec<&'a [u8]>,
}

enum ResponderId<'a> {
    /// DER of the Name.
    ByName(&'a [u8]),
    /// SHA-1 of the responder's key.
    ByKey(&'a [u8]),
}

struct SingleResponse<'a> {
    hash: CertIdHash,
    name_hash: &'a [u8],
    key_hash: &'a [u8],
    /// Serial magnitude (leading zero octet stripped).
    serial: &'a [u8],
    status: Status,
    this_update: i64,
    next_update: Option<i64>,
}

#[derive(Clone, Copy)]
enum Status {
    Good,
    Revoked { at: i64, reason: Option<Reason> },
    Unknown,
}

fn bad(what: &str, offset: usize) -> Error {
    Error::malformed(format!("OCSP response: {what}"), Some(offset))
}

/// `OCSPResponse` → the `BasicOCSPResponse` TLV (`response` OCTET STRING contents, absolute
/// offsets).
fn parse_envelope(der: &[u8]) -> Result<Tlv<'_>> {
    if der.is_empty() {
        return Err(bad("empty input", 0));
    }
    check_structure(der, "OCSP response")?;
    let mut top = Reader::new(der, 0);
    let seq = top.expect_tag(tag::SEQUENCE, "OCSPResponse")?;
    let mut r = Reader::new(seq.value, seq.value_offset);
    let status = r.expect_tag(TAG_ENUMERATED, "OCSPResponse responseStatus")?;
    let code = match status.value {
        [b] if *b < 0x80 => *b,
        _ => return Err(bad("responseStatus is not a small ENUMERATED", status.offset)),
    };
    if code != 0 {
        let name = match code {
            1 => "malformedRequest",
            2 => "internalError",
            3 => "tryLater",
            5 => "sigRequired",
            6 => "unauthorized",
            _ => "an undefined status",
        };
        return Err(Error::RevocationSourceInvalid {
            reason: format!("the OCSP responder answered {name} ({code})"),
        });
    }
    let bytes = r.expect_tag(tag::CONTEXT_0_CONSTRUCTED, "OCSPResponse responseBytes")?;
    r.finish("OCSPResponse")?;
    let mut b = Reader::new(bytes.value, bytes.value_offset);
    let rb = b.expect_tag(tag::SEQUENCE, "ResponseBytes")?;
    b.finish("responseBytes")?;
    let mut rb = Reader::new(rb.value, rb.value_offset);
    let kind = rb.expect_tag(TAG_OID, "ResponseBytes responseType")?;
    let response = rb.expect_tag(TAG_OCTET_STRING, "ResponseBytes response")?;
    rb.finish("ResponseBytes")?;
    if kind.value != OID_OCSP_BASIC {
        return Err(Error::RevocationSourceInvalid {
            reason: format!(
                "OCSP response type {} is not id-pkix-ocsp-basic",
                crate::der::oid_to_string(kind.value, kind.value_offset)?
            ),
        });
    }
    // The OCTET STRING is primitive, so the first pass did not look inside it.
    check_structure(response.value, "BasicOCSPResponse").map_err(|e| shift(e, response.value_offset))?;
    let mut inner = Reader::new(response.value, response.value_offset);
    let basic = inner.expect_tag(tag::SEQUENCE, "BasicOCSPResponse")?;
    Ok(basic)
}

/// Moves a Malformed offset from a nested slice to the caller's input.
fn shift(e: Error, base: usize) -> Error {
    match e {
        Error::Malformed { what, offset } => Error::Malformed {
            what,
            offset: offset.map(|o| o + base),
        },
        other => other,
    }
}

fn parse_basic<'a>(der: &'a [u8], basic: &Tlv<'a>) -> Result<BasicResponse<'a>> {
    let mut r = Reader::new(basic.value, basic.value_offset);
    let SignedData {
        tbs,
        algorithm: alg,
        signature,
    } = signed_data(&mut r, "OCSP response", "tbsResponseData")?;
    let mut certs = Vec::new();
    if !r.is_empty() {
        let explicit = r.expect_tag(tag::CONTEXT_0_CONSTRUCTED, "BasicOCSPResponse certs")?;
        let mut e = Reader::new(explicit.value, explicit.value_offset);
        let seq = e.expect_tag(tag::SEQUENCE, "certs")?;
        e.finish("certs")?;
        let mut c = Reader::new(seq.value, seq.value_offset);
        while !c.is_empty() {
            let cert = c.expect_tag(tag::SEQUENCE, "certs Certificate")?;
            if certs.len() == MAX_RESPONSE_CERTS {
                return Err(Error::BudgetExceeded {
                    what: "too many certificates in the OCSP response",
                });
            }
            certs.push(whole(der, &cert));
        }
    }
    r.finish("BasicOCSPResponse")?;
    let (sig_oid, sig_params) = algorithm_identifier(&alg)?;

    let mut t = Reader::new(tbs.value, tbs.value_offset);
    let mut next = t.read()?;
    if next.tag == tag::CONTEXT_0_CONSTRUCTED {
        // DER: a DEFAULT value is omitted (X.690 §11.5), so only a non-v1 version may appear,
        // and RFC 6960 defines only v1.
        return Err(bad("ResponseData version other than the default v1", next.offset));
    }
    let responder = match next.tag {
        0xA1 => {
            let mut n = Reader::new(next.value, next.value_offset);
            let name = n.expect_tag(tag::SEQUENCE, "ResponderID byName")?;
            n.finish("ResponderID byName")?;
            ResponderId::ByName(whole(der, &name))
        }
        0xA2 => {
            let mut k = Reader::new(next.value, next.value_offset);
            let hash = k.expect_tag(TAG_OCTET_STRING, "ResponderID byKey")?;
            k.finish("ResponderID byKey")?;
            if hash.value.len() != 20 {
                return Err(bad("ResponderID byKey is not a SHA-1 hash", hash.offset));
            }
            ResponderId::ByKey(hash.value)
        }
        _ => return Err(bad("ResponderID expected ([1] byName or [2] byKey)", next.offset)),
    };
    next = t.expect_tag(TAG_GENERALIZED_TIME, "producedAt")?;
    let produced_at = crate::pkix::time(&next, "OCSP response")?;
    let list = t.expect_tag(tag::SEQUENCE, "responses")?;
    let mut nonce = None;
    if !t.is_empty() {
        let explicit = t.expect_tag(0xA1, "responseExtensions")?;
        for ext in extensions(&explicit)? {
            if ext.oid == OID_OCSP_NONCE {
                // RFC 8954 §2.1: extnValue is the DER of Nonce ::= OCTET STRING.
                let mut v = Reader::new(ext.value.value, ext.value.value_offset);
                let n = v.expect_tag(TAG_OCTET_STRING, "nonce")?;
                v.finish("nonce")?;
                nonce = Some(n.value);
            } else if ext.critical {
                return Err(Error::RevocationSourceInvalid {
                    reason: format!(
                        "OCSP response has an unknown critical extension {}",
                        crate::der::oid_to_string(ext.oid, 0)?
                    ),
                });
            }
        }
    }
    t.finish("ResponseData")?;

    let mut singles = Vec::new();
    let mut s = Reader::new(list.value, list.value_offset);
    while !s.is_empty() {
        if singles.len() == MAX_SINGLE_RESPONSES {
            return Err(Error::BudgetExceeded {
                what: "too many SingleResponses in the OCSP response",
            });
        }
        let single = s.expect_tag(tag::SEQUENCE, "SingleResponse")?;
        if let Some(parsed) = parse_single(&single)? {
            singles.push(parsed);
        }
    }
    Ok(BasicResponse {
        tbs: whole(der, &tbs),
        responder,
        produced_at,
        singles,
        nonce,
        sig_oid,
        sig_params,
        signature,
        certs,
    })
}

/// One `SingleResponse`; `None` when its CertID uses a hash this SDK does not compute (it
/// cannot be about our certificate as we asked for it).
fn parse_single<'a>(single: &Tlv<'a>) -> Result<Option<SingleResponse<'a>>> {
    let mut r = Reader::new(single.value, single.value_offset);
    let id = r.expect_tag(tag::SEQUENCE, "CertID")?;
    let status_tlv = r.read()?;
    let this = r.expect_tag(TAG_GENERALIZED_TIME, "thisUpdate")?;
    let this_update = crate::pkix::time(&this, "OCSP response")?;
    let mut next_update = None;
    let mut single_exts = None;
    let mut field = if r.is_empty() { None } else { Some(r.read()?) };
    if let Some(t) = field.filter(|t| t.tag == tag::CONTEXT_0_CONSTRUCTED) {
        let mut n = Reader::new(t.value, t.value_offset);
        let time = n.expect_tag(TAG_GENERALIZED_TIME, "nextUpdate")?;
        n.finish("nextUpdate")?;
        next_update = Some(crate::pkix::time(&time, "OCSP response")?);
        field = if r.is_empty() { None } else { Some(r.read()?) };
    }
    if let Some(t) = field {
        if t.tag != 0xA1 {
            return Err(bad("unexpected field in SingleResponse", t.offset));
        }
        single_exts = Some(t);
    }
    r.finish("SingleResponse")?;
    if let Some(explicit) = single_exts {
        for ext in extensions(&explicit)? {
            if ext.critical {
                return Err(Error::RevocationSourceInvalid {
                    reason: format!(
                        "OCSP SingleResponse has an unknown critical extension {}",
                        crate::der::oid_to_string(ext.oid, 0)?
                    ),
                });
            }
        }
    }

    let status = match status_tlv.tag {
        0x80 if status_tlv.value.is_empty() => Status::Good,
        0x82 if status_tlv.value.is_empty() => Status::Unknown,
        0xA1 => {
            let mut v = Reader::new(status_tlv.value, status_tlv.value_offset);
            let at = v.expect_tag(TAG_GENERALIZED_TIME, "revocationTime")?;
            let at = crate::pkix::time(&at, "OCSP response")?;
            let mut reason = None;
            if !v.is_empty() {
                let explicit = v.expect_tag(tag::CONTEXT_0_CONSTRUCTED, "revocationReason")?;
                let mut e = Reader::new(explicit.value, explicit.value_offset);
                let code = e.expect_tag(TAG_ENUMERATED, "CRLReason")?;
                e.finish("revocationReason")?;
                reason = Some(match code.value {
                    [b] => {
                        Reason::from_code(*b).ok_or_else(|| bad("CRLReason value is not defined", code.value_offset))?
                    }
                    _ => return Err(bad("CRLReason is not one octet", code.offset)),
                });
            }
            v.finish("RevokedInfo")?;
            Status::Revoked { at, reason }
        }
        0x80 | 0x82 => return Err(bad("good/unknown CertStatus with contents", status_tlv.offset)),
        _ => {
            return Err(bad(
                "CertStatus expected ([0] good, [1] revoked, [2] unknown)",
                status_tlv.offset,
            ))
        }
    };

    let mut c = Reader::new(id.value, id.value_offset);
    let alg = c.expect_tag(tag::SEQUENCE, "CertID hashAlgorithm")?;
    let name_hash = c.expect_tag(TAG_OCTET_STRING, "CertID issuerNameHash")?;
    let key_hash = c.expect_tag(TAG_OCTET_STRING, "CertID issuerKeyHash")?;
    let serial = c.expect_tag(TAG_INTEGER, "CertID serialNumber")?;
    c.finish("CertID")?;
    let mut a = Reader::new(alg.value, alg.value_offset);
    let oid = a.expect_tag(TAG_OID, "CertID hash OID")?;
    if !a.is_empty() {
        let null = a.read()?;
        if null.tag != TAG_NULL || !null.value.is_empty() {
            return Err(bad("CertID hash parameters other than NULL", null.offset));
        }
    }
    a.finish("CertID hashAlgorithm")?;
    let serial = match serial.value {
        [] => return Err(bad("empty serialNumber", serial.offset)),
        [0x00, b, ..] if b & 0x80 == 0 => return Err(bad("serialNumber not minimally encoded", serial.value_offset)),
        [0xFF, b, ..] if b & 0x80 != 0 => return Err(bad("serialNumber not minimally encoded", serial.value_offset)),
        [0x00, rest @ ..] if !rest.is_empty() => rest,
        v => v,
    };
    let Some(hash) = CertIdHash::from_oid(oid.value) else {
        return Ok(None);
    };
    Ok(Some(SingleResponse {
        hash,
        name_hash: name_hash.value,
        key_hash: key_hash.value,
        serial,
        status,
        this_update,
        next_update,
    }))
}

struct Ext<'a> {
    oid: &'a [u8],
    critical: bool,
    /// The `extnValue` OCTET STRING.
    value: Tlv<'a>,
}

/// `[n] EXPLICIT Extensions`, `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension`,
/// `Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`
/// (RFC 5280 §4.1); duplicates are refused.
fn extensions<'a>(explicit: &Tlv<'a>) -> Result<Vec<Ext<'a>>> {
    let mut outer = Reader::new(explicit.value, explicit.value_offset);
    let seq = outer.expect_tag(tag::SEQUENCE, "Extensions")?;
    outer.finish("Extensions")?;
    let mut r = Reader::new(seq.value, seq.value_offset);
    let mut out: Vec<Ext<'a>> = Vec::new();
    while !r.is_empty() {
        let ext = r.expect_tag(tag::SEQUENCE, "Extension")?;
        let (oid, critical, next) = extension_parts(&ext, "OCSP")?;
        if out.iter().any(|x| x.oid == oid.value) {
            return Err(bad("an extension appears twice", ext.offset));
        }
        out.push(Ext {
            oid: oid.value,
            critical,
            value: next,
        });
    }
    if out.is_empty() {
        return Err(bad("empty Extensions", seq.offset));
    }
    Ok(out)
}

/// Whether an SPKI holds a P-256 key (else RSA; other keys are `UnsupportedAlgorithm`).
fn is_ec_key(spki: &[u8]) -> Result<bool> {
    Ok(crate::crypto::spki::parse(spki)?.kind == crate::crypto::spki::KeyKind::EcP256)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_oids_round_trip() {
        for h in [CertIdHash::Sha1, CertIdHash::Sha256] {
            assert_eq!(CertIdHash::from_oid(h.oid()), Some(h));
        }
        assert_eq!(CertIdHash::Sha1.digest(b"").len(), 20);
        assert_eq!(CertIdHash::Sha256.digest(b"").len(), 32);
    }
}
