//! Trust anchors: the pinned J-LIS CA certificates, the test PKI, and the caller's own.
//!
//! J-LIS runs two single-tier hierarchies, one per purpose, each with three generations that
//! share one DN (docs/jpki-facts.md §2.1, §3):
//!
//! | id | purpose | generation | validity (UTC) |
//! |---|---|---|---|
//! | `jpki-sign-ca-gen1-2015` | signature | 1 | 2015-10-20 → 2025-10-19 (expired; still needed for old signatures) |
//! | `jpki-sign-ca-gen2-2019` | signature | 2 | 2019-09-14 → 2029-09-14 |
//! | `jpki-sign-ca-gen3-2023` | signature | 3 | 2023-07-16 → 2033-07-15 |
//! | `jpki-auth-ca-gen1-2015` | authentication | 1 | 2015-10-20 → 2025-10-19 (expired) |
//! | `jpki-auth-ca-gen2-2019` | authentication | 2 | 2019-09-14 → 2029-09-14 |
//! | `jpki-auth-ca-gen3-2023` | authentication | 3 | 2023-07-16 → 2033-07-15 |
//!
//! The anchors are compiled in as [`TrustAnchor`] records — name, public key, key identifier,
//! validity, SHA-256 pin — not as certificates (`compiled.rs`, generated from the pinned files
//! in `anchors/jlis/`, provenance in `anchors/README.md`), as webpki-roots compiles Mozilla's
//! roots for rustls-webpki. `tests/trust_anchors.rs` regenerates the records from the files
//! with this crate's own certificate parser and fails when a byte differs, checks every pin
//! against `anchors/README.md`, and the files against the reviewed copies in
//! `../shared/vectors/jpki-ca/`. A CA certificate read from a card is never an anchor.
//!
//! The test PKI's two CAs (`embedded/testpki/`) are a separate set, [`TrustAnchors::test_pki`],
//! that a caller must ask for by name.

mod compiled;

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::cert::{parse, Certificate, Environment, Kind};
pub use crate::cert::{AnchorRef, AnchorSource};
use crate::encoding::{hex_lower, parse_hex};
use crate::error::{Error, Result};

/// A compiled-in anchor (`compiled.rs`): the record and its reference, all `'static`.
struct Compiled {
    id: &'static str,
    purpose: Kind,
    generation: Option<u8>,
    subject: &'static str,
    subject_der: &'static [u8],
    spki: &'static [u8],
    key_id: Option<&'static [u8]>,
    not_before: i64,
    not_after: i64,
    crl_sign: bool,
    sha256: &'static str,
}

impl Compiled {
    fn anchor(&'static self, environment: Environment, source: AnchorSource) -> TrustAnchor {
        TrustAnchor {
            reference: AnchorRef {
                id: self.id.to_owned(),
                purpose: self.purpose,
                generation: self.generation,
                environment,
                source,
            },
            subject: Cow::Borrowed(self.subject),
            subject_der: Cow::Borrowed(self.subject_der),
            spki: Cow::Borrowed(self.spki),
            key_id: self.key_id.map(Cow::Borrowed),
            not_before: self.not_before,
            not_after: self.not_after,
            crl_sign: self.crl_sign,
            sha256_fingerprint: Cow::Borrowed(self.sha256),
        }
    }
}

/// One trust anchor as RFC 5280 §6.1.1 (d) defines one — a name and a public key — with what
/// path validation also holds it to, and where it came from.
///
/// ```text
/// (d)  trust anchor information, describing a CA that serves as a trust anchor for the
///      certification path.  The trust anchor information includes:
///      (1)  the trusted issuer name,
///      (2)  the trusted public key algorithm,
///      (3)  the trusted public key, and
///      (4)  optionally, the trusted public key parameters associated with the public key.
/// ```
///
/// Not a certificate: the J-LIS and test anchors are compiled in as these records; a caller's
/// pinned CA certificate is reduced to one by [`TrustAnchors::add_pinned`], which checks that
/// it is a self-signed CA with keyCertSign (so every anchor is one).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TrustAnchor {
    /// Identity and purpose.
    pub reference: AnchorRef,
    /// The subject DN as the certificate model writes it (`C=JP, O=JPKI, …`).
    pub subject: Cow<'static, str>,
    /// The subject `Name`, DER: equal to the `issuer` of every certificate it issued.
    pub subject_der: Cow<'static, [u8]>,
    /// The `SubjectPublicKeyInfo`, DER.
    pub spki: Cow<'static, [u8]>,
    /// The CA certificate's subjectKeyIdentifier, when it has one (J-LIS generations share a
    /// DN and are told apart by it).
    pub key_id: Option<Cow<'static, [u8]>>,
    /// The CA certificate's notBefore (Unix seconds): path validation holds the anchor to it.
    pub not_before: i64,
    /// The CA certificate's notAfter (Unix seconds).
    pub not_after: i64,
    /// Whether the CA certificate allows CRL signing (keyUsage absent, or with cRLSign).
    pub crl_sign: bool,
    /// SHA-256 of the CA certificate's DER, lower-case hex: its pin.
    pub sha256_fingerprint: Cow<'static, str>,
}

impl TrustAnchor {
    /// The record of a parsed CA certificate: a self-signed CA (issuer = subject,
    /// basicConstraints cA, keyUsage keyCertSign) whose purpose its profile tells.
    fn from_certificate(reference: AnchorRef, certificate: &Certificate) -> Result<TrustAnchor> {
        let refuse = |reason: &str| {
            Err(Error::NotATrustAnchor {
                reason: reason.to_owned(),
            })
        };
        if !certificate.basic_constraints.is_some_and(|b| b.ca) {
            return refuse("basicConstraints cA is not TRUE");
        }
        if !certificate.has_key_usage("keyCertSign") {
            return refuse("keyUsage lacks keyCertSign");
        }
        if certificate.raw.issuer != certificate.raw.subject {
            return refuse("issuer differs from subject (JPKI anchors are self-signed roots)");
        }
        if certificate.kind == Kind::Unknown {
            return refuse("cannot tell whether it issues signature or authentication certificates");
        }
        Ok(TrustAnchor {
            reference,
            subject: Cow::Owned(certificate.subject.clone()),
            subject_der: Cow::Owned(certificate.raw.subject.clone()),
            spki: Cow::Owned(certificate.raw.spki.clone()),
            key_id: certificate.raw.ski.clone().map(Cow::Owned),
            not_before: certificate.not_before_unix(),
            not_after: certificate.not_after_unix(),
            crl_sign: certificate.key_usage.as_ref().is_none_or(|k| k.contains(&"cRLSign")),
            sha256_fingerprint: Cow::Owned(certificate.sha256_fingerprint.clone()),
        })
    }

    /// Whether `cert` names this anchor as its issuer: issuer DN equal to the subject and,
    /// when both are present, authorityKeyIdentifier equal to the key identifier.
    pub fn may_have_issued(&self, cert: &Certificate) -> bool {
        self.subject_der.as_ref() == cert.raw.issuer.as_slice()
            && match (&cert.raw.aki, &self.key_id) {
                (Some(aki), Some(ski)) => aki.as_slice() == ski.as_ref(),
                _ => true,
            }
    }
}

/// A set of trust anchors. Build it explicitly: [`TrustAnchors::jlis`] for production,
/// [`TrustAnchors::test_pki`] only when the caller has asked for test anchors, plus any
/// pinned anchors of the caller's own ([`TrustAnchors::add_pinned`]).
#[derive(Clone, Debug, Default)]
pub struct TrustAnchors {
    anchors: Vec<TrustAnchor>,
}

impl TrustAnchors {
    /// No anchors.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The six pinned J-LIS CAs (both purposes, generations 1–3), as compiled in.
    ///
    /// With feature `current-anchors` (the npm package's small browser entry, `dist/web`) only
    /// the four of generations 2 and 3: the generation-1 CAs' validity ended on 2025-10-19, so
    /// every certificate they issued has expired and they can vouch for nothing at a
    /// verification time after that. Re-verifying old evidence at an earlier time is a job for
    /// the full build (`jpki-verify/sync`, the native crate), which keeps all six.
    pub fn jlis() -> Self {
        #[cfg(feature = "current-anchors")]
        let records: Vec<&'static Compiled> = compiled::JLIS.iter().collect();
        #[cfg(not(feature = "current-anchors"))]
        let records: Vec<&'static Compiled> = {
            // Signature CAs first, each purpose by generation (as anchors/README.md lists them).
            let mut all: Vec<&'static Compiled> = compiled::JLIS_GEN1.iter().chain(&compiled::JLIS).collect();
            all.sort_by_key(|c| (c.purpose != Kind::Signature, c.generation));
            all
        };
        let anchors = records
            .into_iter()
            .map(|c| c.anchor(Environment::Production, AnchorSource::Jlis))
            .collect();
        TrustAnchors { anchors }
    }

    /// The test PKI's signature and authentication CAs. **Test only**: accepting these in
    /// production would let anyone with the committed test keys pass as a JPKI holder.
    pub fn test_pki() -> Self {
        Self::compiled(&compiled::TEST_PKI, Environment::Test, AnchorSource::TestPki)
    }

    fn compiled(records: &'static [Compiled], environment: Environment, source: AnchorSource) -> Self {
        let anchors = records.iter().map(|c| c.anchor(environment, source)).collect();
        TrustAnchors { anchors }
    }

    /// Adds a caller-supplied CA certificate (DER or PEM) under `id`, pinned by the SHA-256
    /// of its DER (`sha256_hex`, case-insensitive, `:` separators allowed).
    ///
    /// The certificate must be self-signed in name (issuer = subject), carry basicConstraints
    /// `cA=TRUE` and keyUsage `keyCertSign`. Its purpose is taken from its profile; a
    /// certificate whose purpose cannot be classified is refused.
    ///
    /// `environment` is the caller's decision, not the certificate's: only an anchor added as
    /// [`Environment::Production`] vouches for J-LIS's production policy OIDs, and only when
    /// its own profile says production too (a staging CA that merely calls itself `O=JPKI`
    /// does not become production by its name). [`Environment::Unknown`] is refused.
    pub fn add_pinned(
        &mut self,
        id: &str,
        input: &[u8],
        sha256_hex: &str,
        environment: Environment,
    ) -> Result<&TrustAnchor> {
        let certificate = parse(input)?;
        let expected = hex_lower(&parse_hex(sha256_hex)?);
        let actual = certificate.sha256_fingerprint.clone();
        if expected != actual {
            return Err(Error::AnchorPinMismatch { expected, actual });
        }
        match (environment, certificate.environment) {
            (Environment::Test, _) | (Environment::Production, Environment::Production) => {}
            _ => {
                return Err(Error::NotATrustAnchor {
                    reason: "not a production CA".into(),
                })
            }
        }
        let reference = AnchorRef {
            id: id.to_owned(),
            purpose: certificate.kind,
            generation: None,
            environment,
            source: AnchorSource::Caller,
        };
        self.anchors
            .push(TrustAnchor::from_certificate(reference, &certificate)?);
        let last = self.anchors.len() - 1;
        Ok(&self.anchors[last])
    }

    /// Adds every anchor of `other`.
    pub fn extend(&mut self, other: TrustAnchors) {
        self.anchors.extend(other.anchors);
    }

    /// The anchors, in insertion order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &TrustAnchor> + Clone {
        self.anchors.iter()
    }

    /// Number of anchors.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// The anchor that `cert` *is* (same SHA-256) or *names as its issuer* (issuer DN equals
    /// the anchor's subject and, when both are present, authorityKeyIdentifier equals the
    /// anchor's subjectKeyIdentifier). Several generations share a DN, so without a key
    /// identifier the match is made only when exactly one anchor has that DN.
    ///
    /// This is a lookup, not a trust decision: the signature is checked by path validation.
    pub fn identify(&self, cert: &Certificate) -> Option<&TrustAnchor> {
        identify(self.anchors.iter(), cert)
    }
}

/// [`TrustAnchors::identify`] over any sequence of anchors.
fn identify<'a>(anchors: impl Iterator<Item = &'a TrustAnchor> + Clone, cert: &Certificate) -> Option<&'a TrustAnchor> {
    if let Some(a) = anchors
        .clone()
        .find(|a| a.sha256_fingerprint.as_ref() == cert.sha256_fingerprint.as_str())
    {
        return Some(a);
    }
    let mut same_dn = anchors.filter(|a| a.subject_der.as_ref() == cert.raw.issuer.as_slice());
    match &cert.raw.aki {
        Some(_) => same_dn.find(|a| a.may_have_issued(cert)),
        None => match (same_dn.next(), same_dn.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        },
    }
}

/// The J-LIS set, built once per process.
pub(crate) fn jlis_static() -> &'static TrustAnchors {
    static SET: OnceLock<TrustAnchors> = OnceLock::new();
    SET.get_or_init(TrustAnchors::jlis)
}

/// The test PKI set, built once per process.
pub(crate) fn test_static() -> &'static TrustAnchors {
    static SET: OnceLock<TrustAnchors> = OnceLock::new();
    SET.get_or_init(TrustAnchors::test_pki)
}

/// J-LIS and test anchors together, used only to *label* parsed certificates.
fn labelling_anchors() -> impl Iterator<Item = &'static TrustAnchor> + Clone {
    jlis_static().iter().chain(test_static().iter())
}

/// Parses one certificate from DER or PEM and labels it against the built-in anchors
/// (J-LIS and the test PKI; labelling is not trust): [`crate::cert::parse`], then its
/// `anchor` and `caGeneration` from the compiled-in records.
///
/// Errors: [`Error::InputTooLarge`] above [`crate::cert::MAX_CERTIFICATE_INPUT`], otherwise
/// [`Error::Malformed`] with the byte offset where it could be located.
pub fn parse_certificate(input: &[u8]) -> Result<Certificate> {
    let mut cert = parse(input)?;
    label(&mut cert);
    Ok(cert)
}

/// Fills `anchor` and `caGeneration` of a freshly parsed certificate.
fn label(cert: &mut Certificate) {
    if let Some(a) = identify(labelling_anchors(), cert) {
        cert.ca_generation = a.reference.generation;
        cert.anchor = Some(a.reference.clone());
    } else if cert.raw.aki.is_none()
        && labelling_anchors()
            .filter(|a| a.subject_der.as_ref() == cert.raw.issuer.as_slice())
            .count()
            > 1
    {
        cert.notes.push("issuer DN is shared by several CA generations and the certificate has no authorityKeyIdentifier: generation unknown until the signature is checked".to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_jlis_records_with_their_purpose() {
        let set = TrustAnchors::jlis();
        assert_eq!(set.len(), 6);
        for a in set.iter() {
            assert_eq!(a.reference.environment, Environment::Production, "{}", a.reference.id);
            assert!(a.key_id.is_some() && a.crl_sign, "{}", a.reference.id);
            assert_eq!(a.sha256_fingerprint.len(), 64);
        }
        // tests/trust_anchors.rs regenerates every record from its pinned file.
    }

    #[test]
    fn current_anchors_leave_out_the_expired_generation() {
        let set = TrustAnchors::jlis();
        let generations: Vec<Option<u8>> = set.iter().map(|a| a.reference.generation).collect();
        if cfg!(feature = "current-anchors") {
            assert_eq!(generations, [Some(2), Some(3), Some(2), Some(3)]);
        } else {
            assert_eq!(generations, [Some(1), Some(2), Some(3), Some(1), Some(2), Some(3)]);
        }
        // Generation 1 expired: it can vouch for nothing after 2025-10-19T14:59:59Z.
        assert!(compiled::JLIS_GEN1.iter().all(|c| c.not_after == 1_760_885_999));
    }

    #[test]
    fn caller_anchor_needs_matching_pin_and_ca() {
        let der = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/anchors/jlis/jpki-sign-ca-gen3-2023.cer"
        ))
        .unwrap();
        let mut set = TrustAnchors::empty();
        let e = set
            .add_pinned("x", &der, &"00".repeat(32), Environment::Production)
            .unwrap_err();
        assert_eq!(e.code(), "JPKI_ANCHOR_PIN_MISMATCH");
        let pin = compiled::JLIS[1].sha256;
        let pin_with_colons: String = pin
            .as_bytes()
            .chunks(2)
            .map(|c| String::from_utf8_lossy(c).to_uppercase())
            .collect::<Vec<_>>()
            .join(":");
        let a = set
            .add_pinned("mine", &der, &pin_with_colons, Environment::Production)
            .unwrap();
        assert_eq!(
            (a.reference.purpose, a.reference.source),
            (Kind::Signature, AnchorSource::Caller)
        );
        // The caller's record of a J-LIS certificate is the compiled one but for the reference.
        let mut compiled = TrustAnchors::jlis().iter().nth(2).unwrap().clone(); // sign gen 3
        compiled.reference = a.reference.clone();
        assert_eq!(&compiled, a);
        let leaf = parse_certificate(&der).unwrap();
        assert!(a.may_have_issued(&leaf));
    }
}
