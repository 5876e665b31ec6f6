//! Path validation for the JPKI profile: one end-entity certificate and one self-signed J-LIS
//! CA (J-LIS runs single-tier hierarchies; docs/jpki-facts.md §2.1).
//!
//! Validation is split in two so that the same policy runs with a synchronous or an
//! asynchronous crypto provider:
//!
//! 1. [`plan`] selects candidate anchors — the trusted anchors whose subject DN equals the
//!    leaf's issuer and, when the leaf has an authorityKeyIdentifier, whose
//!    subjectKeyIdentifier equals it (the three generations of each J-LIS CA share one DN) —
//!    and emits one [`SignatureCheck`] per candidate for the CA's signature over the leaf's
//!    `tbsCertificate`. Nothing that needs crypto is decided here.
//! 2. [`evaluate`] takes the providers' answers and applies, in this order: a candidate's
//!    signature verifies (else `JPKI_CHAIN_UNTRUSTED`); validity of leaf and CA at the chosen
//!    time; leaf key algorithm and size; unknown critical extensions; then the purpose rules —
//!    certificate kind, keyUsage, certificate policy.
//!
//! RFC 5280 §6.1 reduced to what a two-certificate JPKI path needs: no name constraints or
//! policy mapping exist in the J-LIS hierarchy. The budget ([`MAX_CANDIDATES`]) bounds the
//! signature checks a hostile certificate can cause (compare rustls-webpki's `Budget`, which
//! caps signature checks at 100 for general paths; a JPKI path needs at most 3, one per
//! generation sharing the DN).

use crate::cert::{Certificate, Environment, Kind, POLICY_AUTH, POLICY_AUTH_TEST, POLICY_SIGN, POLICY_SIGN_TEST};
use crate::crypto::{SignatureAlgorithm, SignatureCheck};
use crate::error::{Error, Result};
use crate::trust::{AnchorSource, TrustAnchor, TrustAnchors};

/// Most candidate anchors (and so CA signature checks) for one leaf.
pub(crate) const MAX_CANDIDATES: usize = 4;

/// Policy inputs of path validation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PathPolicy {
    /// The certificate kind the purpose needs.
    pub(crate) required_kind: Kind,
    /// Time (Unix seconds) at which both certificates must be valid.
    pub(crate) time: i64,
    /// Minimum RSA modulus size.
    pub(crate) min_rsa_bits: u32,
    /// Whether SHA-1 certificate signatures are accepted (legacy only).
    pub(crate) allow_sha1: bool,
    /// A second time at which both certificates must also be valid (CMS signing-time
    /// validation whose signingTime is not credible: see `assertion::plan`).
    pub(crate) also_at: Option<i64>,
}

/// What [`plan`] decided before any crypto.
#[derive(Debug)]
pub(crate) struct PathPlan {
    /// `(index into the trusted anchors, index into the check list)`.
    candidates: Vec<(usize, usize)>,
    /// An error that needs no crypto and comes first (untrusted issuer, SHA-1, …).
    early: Option<Error>,
}

/// Maps a certificate's signatureAlgorithm to a check algorithm (RFC 4055 §5, RFC 5758 §3.2).
pub(crate) fn certificate_signature_algorithm(
    oid: &str,
    params: Option<&[u8]>,
    allow_sha1: bool,
) -> Result<SignatureAlgorithm> {
    let null_or_absent = matches!(params, None | Some([0x05, 0x00]));
    let alg = match oid {
        "1.2.840.113549.1.1.5" => {
            if !allow_sha1 {
                return Err(Error::AlgorithmNotAllowed {
                    algorithm: "sha1WithRSAEncryption".to_owned(),
                });
            }
            SignatureAlgorithm::RsaPkcs1Sha1
        }
        "1.2.840.113549.1.1.11" => SignatureAlgorithm::RsaPkcs1Sha256,
        "1.2.840.113549.1.1.12" => SignatureAlgorithm::RsaPkcs1Sha384,
        "1.2.840.113549.1.1.13" => SignatureAlgorithm::RsaPkcs1Sha512,
        "1.2.840.10045.4.3.2" => {
            // RFC 5758 §3.2: the parameters field MUST be absent.
            if params.is_some() {
                return Err(Error::malformed("ecdsa-with-SHA256 with parameters", None));
            }
            return Ok(SignatureAlgorithm::EcdsaP256Sha256Der);
        }
        "1.2.840.113549.1.1.10" => {
            if !params.is_some_and(crate::crypto::spki::is_pss_sha256_params) {
                return Err(Error::UnsupportedAlgorithm {
                    oid: "RSASSA-PSS with parameters other than SHA-256/MGF1-SHA-256/salt 32".to_owned(),
                });
            }
            return Ok(SignatureAlgorithm::RsaPssSha256);
        }
        other => return Err(Error::UnsupportedAlgorithm { oid: other.to_owned() }),
    };
    if !null_or_absent {
        return Err(Error::malformed(
            "RSA PKCS#1 v1.5 signature algorithm with non-NULL parameters",
            None,
        ));
    }
    Ok(alg)
}

/// Selects candidate anchors and appends their signature checks to `checks`.
pub(crate) fn plan(
    leaf: &Certificate,
    trusted: &TrustAnchors,
    refused_test: Option<&TrustAnchors>,
    policy: &PathPolicy,
    checks: &mut Vec<SignatureCheck>,
) -> PathPlan {
    let matches = |a: &TrustAnchor| a.may_have_issued(leaf);
    let candidates: Vec<usize> = trusted
        .iter()
        .enumerate()
        .filter(|(_, a)| matches(a))
        .map(|(i, _)| i)
        .collect();
    let fail = |e: Error| PathPlan {
        candidates: Vec::new(),
        early: Some(e),
    };
    if candidates.is_empty() {
        if refused_test.is_some_and(|t| t.iter().any(matches)) {
            return fail(Error::TestAnchorRefused);
        }
        return fail(Error::ChainUntrusted {
            reason: format!("issuer {} is not a trusted anchor", crate::error::Quoted(&leaf.issuer)),
        });
    }
    if candidates.len() > MAX_CANDIDATES {
        return fail(Error::BudgetExceeded {
            what: "too many candidate issuers",
        });
    }
    let algorithm = match certificate_signature_algorithm(
        &leaf.raw.signature_algorithm_oid,
        leaf.raw.signature_algorithm_params.as_deref(),
        policy.allow_sha1,
    ) {
        Ok(a) => a,
        Err(e) => return fail(e),
    };
    let tbs = leaf.raw.der.get(leaf.raw.tbs.clone()).unwrap_or_default().to_vec();
    let mut planned = Vec::with_capacity(candidates.len());
    for i in candidates {
        let Some(anchor) = trusted.iter().nth(i) else { continue };
        planned.push((i, checks.len()));
        checks.push(SignatureCheck::new(
            algorithm,
            anchor.spki.to_vec(),
            tbs.clone(),
            leaf.raw.signature.clone(),
        ));
    }
    PathPlan {
        candidates: planned,
        early: None,
    }
}

/// Validates `cert` alone — not as the signer of an assertion — to `anchors` for a `kind`
/// at `time` (Unix seconds), with the same rules as an assertion's path (RSA ≥ 2048, no
/// SHA-1): for a certificate a relying party is asked to link or store, such as the
/// authentication certificate an account holder binds at account opening. Returns the anchor.
///
/// Native only, for relying-party backends: in the wasm build a second caller of `plan` and
/// `evaluate` keeps them from being inlined into the verification and costs the small entry
/// 1 KB.
#[cfg(not(target_arch = "wasm32"))]
pub fn validate_certificate(
    cert: &Certificate,
    anchors: &TrustAnchors,
    kind: Kind,
    time: i64,
    provider: &dyn crate::crypto::CryptoProvider,
) -> Result<crate::cert::AnchorRef> {
    let policy = PathPolicy {
        required_kind: kind,
        time,
        min_rsa_bits: 2048,
        allow_sha1: false,
        also_at: None,
    };
    let mut checks = Vec::new();
    let planned = plan(cert, anchors, None, &policy, &mut checks);
    let results: Vec<Result<()>> = checks.iter().map(|c| provider.verify(c)).collect();
    evaluate(&planned, &results, cert, anchors, &policy).map(|a| a.reference.clone())
}

/// Applies the path and purpose rules given the providers' answers; returns the anchor.
pub(crate) fn evaluate<'a>(
    plan: &PathPlan,
    results: &[Result<()>],
    leaf: &Certificate,
    trusted: &'a TrustAnchors,
    policy: &PathPolicy,
) -> Result<&'a TrustAnchor> {
    if let Some(e) = &plan.early {
        return Err(e.clone());
    }
    let anchor = plan
        .candidates
        .iter()
        .find(|(_, check)| matches!(results.get(*check), Some(Ok(()))))
        .and_then(|(i, _)| trusted.iter().nth(*i))
        .ok_or_else(|| Error::ChainUntrusted {
            reason: "no candidate CA's signature over the certificate verifies".to_owned(),
        })?;
    // Every anchor is a self-signed CA with keyCertSign (`TrustAnchor` records are made only
    // from such certificates); both it and the leaf must be valid at each time asked about.
    for at in core::iter::once(policy.time).chain(policy.also_at) {
        for (not_before, not_after) in [
            (leaf.not_before_unix(), leaf.not_after_unix()),
            (anchor.not_before, anchor.not_after),
        ] {
            if at < not_before {
                return Err(Error::CertNotYetValid { not_before, at });
            }
            if at > not_after {
                return Err(Error::CertExpired { not_after, at });
            }
        }
    }
    check_leaf_key(leaf, policy.min_rsa_bits)?;
    if let Some(oid) = leaf.unknown_critical_extensions.first() {
        return Err(Error::UnknownCriticalExtension { oid: oid.clone() });
    }
    check_purpose(leaf, anchor, policy.required_kind)?;
    Ok(anchor)
}

/// The leaf's key must be RSA ≥ `min_rsa_bits` or P-256.
pub(crate) fn check_leaf_key(leaf: &Certificate, min_rsa_bits: u32) -> Result<()> {
    match leaf.key_algorithm.as_str() {
        "rsa" if leaf.key_bits < min_rsa_bits => Err(Error::WeakKey {
            bits: leaf.key_bits,
            minimum: min_rsa_bits,
        }),
        "rsa" | "ecP256" => Ok(()),
        other => Err(Error::UnsupportedAlgorithm { oid: other.to_owned() }),
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Signature => "signature",
        Kind::Authentication => "authentication",
        _ => "unknown",
    }
}

/// `anyExtendedKeyUsage` (RFC 5280 §4.2.1.12).
const ANY_EXTENDED_KEY_USAGE: &str = "2.5.29.37.0";

/// Kind, keyUsage and policy for the purpose. Test policies are accepted only under test
/// anchors, production policies only under production anchors.
fn check_purpose(leaf: &Certificate, anchor: &TrustAnchor, required: Kind) -> Result<()> {
    if leaf.basic_constraints.is_some_and(|b| b.ca) {
        return Err(Error::WrongCertificateKind {
            expected: kind_name(required),
            found: "CA",
        });
    }
    if leaf.kind != required {
        return Err(Error::WrongCertificateKind {
            expected: kind_name(required),
            found: kind_name(leaf.kind),
        });
    }
    // A certificate of the right kind must also come from the CA of that kind.
    if anchor.reference.purpose != required {
        return Err(Error::ChainUntrusted {
            reason: format!(
                "anchor {} issues {} certificates",
                anchor.reference.id,
                kind_name(anchor.reference.purpose)
            ),
        });
    }
    let (bit, production, test) = match required {
        Kind::Signature => ("nonRepudiation", POLICY_SIGN, POLICY_SIGN_TEST),
        _ => ("digitalSignature", POLICY_AUTH, POLICY_AUTH_TEST),
    };
    if !leaf.has_key_usage(bit) {
        return Err(Error::KeyUsage { required: bit });
    }
    // extendedKeyUsage, when present, must allow the purpose (RFC 5280 §4.2.1.12: "the
    // certificate MUST only be used for one of the purposes indicated"). JPKI certificates are
    // not known to carry it (docs/jpki-facts.md: none reported); a leaf that lists only, say,
    // OCSPSigning is refused.
    // Allowed: anyExtendedKeyUsage; for signatures emailProtection (…3.4) or documentSigning
    // (RFC 9336, …3.36); for authentication clientAuth (…3.2).
    if let Some(eku) = &leaf.extended_key_usage {
        let allowed = |oid: &str| match oid {
            "1.3.6.1.5.5.7.3.4" | "1.3.6.1.5.5.7.3.36" => required == Kind::Signature,
            "1.3.6.1.5.5.7.3.2" => required == Kind::Authentication,
            _ => oid == ANY_EXTENDED_KEY_USAGE,
        };
        if !eku.iter().any(|oid| allowed(oid)) {
            return Err(Error::KeyUsage {
                required: "an extendedKeyUsage for this purpose",
            });
        }
    }
    // Production JPKI policies only under production anchors (J-LIS's, or a caller-pinned CA
    // that is itself a JPKI production CA); test policies only under test anchors. A
    // caller-pinned CA of unknown environment can never vouch for a JPKI policy.
    let expected = match (anchor.reference.source, anchor.reference.environment) {
        (AnchorSource::TestPki, _) | (_, Environment::Test) => test,
        (_, Environment::Production) => production,
        _ => {
            return Err(Error::PolicyMismatch {
                expected: format!("{production} (under a JPKI production anchor)"),
            })
        }
    };
    if !leaf.policies.iter().any(|p| p == expected) {
        return Err(Error::PolicyMismatch {
            expected: expected.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_algorithm_mapping() {
        let null = Some(&[0x05, 0x00][..]);
        assert_eq!(
            certificate_signature_algorithm("1.2.840.113549.1.1.11", null, false).unwrap(),
            SignatureAlgorithm::RsaPkcs1Sha256
        );
        assert_eq!(
            certificate_signature_algorithm("1.2.840.113549.1.1.5", null, false)
                .unwrap_err()
                .code(),
            "JPKI_ALGORITHM_NOT_ALLOWED"
        );
        assert!(certificate_signature_algorithm("1.2.840.113549.1.1.5", null, true).is_ok());
        assert!(certificate_signature_algorithm("1.2.840.113549.1.1.11", Some(&[0x02, 0x01, 0x00]), false).is_err());
        assert!(certificate_signature_algorithm("1.2.840.10045.4.3.2", None, false).is_ok());
        assert_eq!(
            certificate_signature_algorithm(
                "1.2.840.113549.1.1.10",
                Some(&[
                    0x30, 0x30, 0xa0, 0x0d, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                    0x01, 0xa1, 0x1a, 0x30, 0x18, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08,
                    0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0xa2, 0x03, 0x02,
                    0x01, 0x20,
                ]),
                false
            )
            .unwrap(),
            SignatureAlgorithm::RsaPssSha256
        );
        assert_eq!(
            certificate_signature_algorithm("1.3.101.112", None, false)
                .unwrap_err()
                .code(),
            "JPKI_UNSUPPORTED_ALGORITHM"
        );
    }
}
