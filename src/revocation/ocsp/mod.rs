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
//!
//! Files by role, as RustCrypto's `x509-ocsp` splits them: `request.rs` builds requests,
//! `response.rs` parses responses (no policy), `cert_id.rs` is the `CertID` both use, and this
//! file decides what a response is worth (issuer, signer, time window, nonce, freshness).

mod cert_id;
mod request;
mod response;

pub use cert_id::CertIdHash;
pub use request::{build_request, build_request_for};

use cert_id::{serial_magnitude, subject_public_key};
use response::{parse_basic, parse_envelope, BasicResponse, ResponderId, SingleResponse, Status};

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

/// id-pkix-ocsp-nonce `1.3.6.1.5.5.7.48.1.2`.
const OID_OCSP_NONCE: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02];
/// id-kp-OCSPSigning `1.3.6.1.5.5.7.3.9`.
const OID_KP_OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";

const TAG_INTEGER: u8 = 0x02;

const TAG_OCTET_STRING: u8 = 0x04;

const TAG_NULL: u8 = 0x05;

const TAG_OID: u8 = 0x06;

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
            about: None,
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
