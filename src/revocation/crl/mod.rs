//! CRLs: `CertificateList` (RFC 5280 §5) parsing, signature verification against the issuing
//! CA, freshness, reason codes, and a compact index that can be saved and loaded.
//!
//! ```text
//! CertificateList  ::=  SEQUENCE  {                                -- RFC 5280 §5.1
//!      tbsCertList          TBSCertList,
//!      signatureAlgorithm   AlgorithmIdentifier,
//!      signatureValue       BIT STRING  }
//!
//! TBSCertList  ::=  SEQUENCE  {
//!      version                 Version OPTIONAL,
//!                                   -- if present, MUST be v2
//!      signature               AlgorithmIdentifier,
//!      issuer                  Name,
//!      thisUpdate              Time,
//!      nextUpdate              Time OPTIONAL,
//!      revokedCertificates     SEQUENCE OF SEQUENCE  {
//!           userCertificate         CertificateSerialNumber,
//!           revocationDate          Time,
//!           crlEntryExtensions      Extensions OPTIONAL
//!                                    -- if present, version MUST be v2
//!                                }  OPTIONAL,
//!      crlExtensions           [0]  EXPLICIT Extensions OPTIONAL
//!                                    -- if present, version MUST be v2
//!                                }
//! ```
//!
//! J-LIS publishes one CRL a day per CA (docs/jpki-facts.md §4.2) and it may hold millions of
//! entries, so the parser makes **one pass** over `revokedCertificates` with no allocation per
//! entry: each entry becomes one packed `u128` (serial, revocation date, reason), the list is
//! sorted once at the end, and the index keeps three flat arrays — serials as `u64`, dates as
//! `u32` Unix seconds, reasons as `u8` (13 bytes per entry) — plus a sorted overflow list for
//! the rare serial longer than 8 octets. Duplicated serials are tolerated; the earliest
//! revocation date is kept.
//!
//! What is refused, and with which code:
//! * input that is not strict DER or not a `CertificateList`: `JPKI_MALFORMED` (with the byte
//!   offset); input above [`MAX_CRL_INPUT`]: `JPKI_INPUT_TOO_LARGE`;
//! * an unknown **critical** CRL or entry extension: `JPKI_UNKNOWN_CRITICAL_EXTENSION`;
//! * delta CRLs (`deltaCRLIndicator`), indirect CRLs (`issuingDistributionPoint.indirectCRL`,
//!   `certificateIssuer` entry extensions) and CRLs whose scope leaves out end-entity
//!   certificates or some reasons: `JPKI_REVOCATION_SOURCE_INVALID`;
//! * a CRL no trust anchor could have issued: `JPKI_REVOCATION_SOURCE_INVALID`; a signature that
//!   does not verify: `JPKI_SIGNATURE_INVALID`.
//!
//! Signatures are checked through the [`CryptoProvider`] like everything else:
//! [`CrlIndex::prepare`] returns the [`SignatureCheck`]s (one per candidate anchor),
//! [`PreparedCrl::finish`] takes the answers. [`CrlIndex::build`] does both with a synchronous
//! provider.
//!
//! Files by role: `parse.rs` reads the `CertificateList` (no policy), this file builds the
//! index and answers from it (the policy: anchors, freshness, reasons), `saved.rs` is the
//! index's saved form.

mod parse;
mod saved;

use core::fmt;

use sha2::{Digest, Sha256};

use super::RevocationStatus;
use super::{Reason, RevocationAnswer, RevocationPolicy, SourceKind};
use crate::cert::Certificate;
use crate::crypto::{CryptoProvider, SignatureCheck};
use crate::error::{Error, Result};
use crate::trust::{TrustAnchor, TrustAnchors};
use parse::parse;

/// Largest CRL accepted, in bytes. A 1,000,000-entry CRL is about 40 MB; 512 MiB leaves room
/// for ten times that while bounding memory (the index needs at most ~16 bytes per 20 input
/// bytes while it is built).
pub const MAX_CRL_INPUT: usize = 512 * 1024 * 1024;

/// Longest serial number accepted, in octets. RFC 5280 §4.1.2.2 limits conforming serials to
/// 20 octets (21 with a sign octet) and asks relying parties to handle those; 32 leaves slack
/// for non-conforming issuers while bounding the overflow list.
const MAX_SERIAL_OCTETS: usize = 32;

/// At most this many anchors (CA generations sharing the CRL's issuer DN) are tried. J-LIS has
/// three generations per purpose; anything beyond 4 is hostile and would multiply the copies of
/// a 40 MB message.
const MAX_CANDIDATE_ANCHORS: usize = 4;

/// How far before its thisUpdate a CRL is still accepted (clock skew between the CA and us).
pub const THIS_UPDATE_SKEW_SECONDS: i64 = 300;

/// `reasons[i]` when the entry carries no reasonCode.
const NO_REASON: u8 = 0xFF;

fn unusable(reason: impl Into<String>) -> Error {
    Error::RevocationSourceInvalid { reason: reason.into() }
}

/// A serial longer than 8 octets (after leading zero octets are dropped).
#[derive(Clone, Debug, PartialEq, Eq)]
struct LongEntry {
    serial: Box<[u8]>,
    date: u32,
    reason: u8,
}

/// A verified CRL reduced to what revocation checks need: who issued it, when, and a sorted
/// index of the revoked serial numbers with their reasons and dates.
#[derive(Clone, PartialEq, Eq)]
pub struct CrlIndex {
    crl_sha256: [u8; 32],
    /// RFC 4514-style issuer DN (the anchor's subject, which equals the CRL's issuer).
    issuer: String,
    /// DER of the issuer Name, compared byte for byte with a certificate's issuer.
    issuer_der: Vec<u8>,
    /// The CRL's authorityKeyIdentifier, else the anchor's subjectKeyIdentifier.
    key_id: Option<Vec<u8>>,
    anchor_id: String,
    this_update: i64,
    next_update: Option<i64>,
    crl_number: Option<String>,
    /// The issuingDistributionPoint's names (a partitioned CRL): it answers only for
    /// certificates whose cRLDistributionPoints name one of them. `None`: the complete CRL.
    scope: Option<Vec<Vec<u8>>>,
    /// Loaded from a saved index ([`CrlIndex::from_bytes`]): its CRL's signature was checked by
    /// whoever saved it, not here, and its answers say so (`crl-index:` sources; review L11).
    from_saved: bool,
    /// Sorted, distinct serials of at most 8 octets (big-endian magnitude as `u64`).
    serials: Vec<u64>,
    /// revocationDate of `serials[i]`, Unix seconds.
    dates: Vec<u32>,
    /// RFC 5280 reason code of `serials[i]`, or [`NO_REASON`].
    reasons: Vec<u8>,
    /// Longer serials, sorted by (length, bytes), distinct.
    long: Vec<LongEntry>,
}

impl fmt::Debug for CrlIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CrlIndex")
            .field("issuer", &self.issuer)
            .field("anchor_id", &self.anchor_id)
            .field("this_update", &self.this_update)
            .field("next_update", &self.next_update)
            .field("crl_number", &self.crl_number)
            .field("entries", &self.len())
            .finish_non_exhaustive()
    }
}

/// A parsed CRL waiting for the answers to its signature checks (see [`CrlIndex::prepare`]).
pub struct PreparedCrl {
    /// The index, complete but for the anchor fields.
    index: CrlIndex,
    /// AKI of the CRL, if any.
    aki: Option<Vec<u8>>,
    /// The candidate anchors, one per check: (id, subject DN string, SKI).
    candidates: Vec<(String, String, Option<Vec<u8>>)>,
    checks: Vec<SignatureCheck>,
}

impl fmt::Debug for PreparedCrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedCrl")
            .field("index", &self.index)
            .field("candidates", &self.candidates.len())
            .finish_non_exhaustive()
    }
}

impl PreparedCrl {
    /// The signature checks to answer, one per candidate anchor (usually one).
    pub fn checks(&self) -> &[SignatureCheck] {
        &self.checks
    }

    /// Finishes with one answer per check (in order): the first candidate whose signature
    /// verifies becomes the CRL's anchor. A missing answer counts as a failure.
    ///
    /// Errors: `JPKI_SIGNATURE_INVALID` when no candidate's signature verifies; the first
    /// other error (an unusable key, an unsupported algorithm) when one was reported.
    pub fn finish(self, results: &[Result<()>]) -> Result<CrlIndex> {
        let mut first_other: Option<Error> = None;
        for (i, candidate) in self.candidates.iter().enumerate() {
            match results.get(i) {
                Some(Ok(())) => {
                    let (id, subject, ski) = candidate.clone();
                    let mut index = self.index;
                    index.anchor_id = id;
                    index.issuer = subject;
                    index.key_id = self.aki.or(ski);
                    return Ok(index);
                }
                Some(Err(Error::SignatureInvalid { .. })) | None => {}
                Some(Err(e)) => {
                    if first_other.is_none() {
                        first_other = Some(e.clone());
                    }
                }
            }
        }
        Err(first_other.unwrap_or(Error::SignatureInvalid { what: "CRL" }))
    }
}

impl CrlIndex {
    /// Parses the CRL (strict DER, one pass, bounded work) and finds the anchor(s) that may
    /// have issued it: subject DN equal to the CRL's issuer (byte for byte) and, when the CRL
    /// has an authorityKeyIdentifier, subjectKeyIdentifier equal to it — this selects among
    /// CA generations that share a DN. Anchors whose keyUsage lacks `cRLSign` are skipped.
    /// Returns the signature check(s) to answer.
    pub fn prepare(der: &[u8], anchors: &TrustAnchors) -> Result<PreparedCrl> {
        if der.len() > MAX_CRL_INPUT {
            return Err(Error::InputTooLarge {
                len: der.len(),
                limit: MAX_CRL_INPUT,
            });
        }
        let parsed = parse(der)?;
        let algorithm =
            crate::path::certificate_signature_algorithm(&parsed.algorithm_oid, parsed.algorithm_params, false)?;
        let candidates: Vec<&TrustAnchor> = anchors
            .iter()
            .filter(|a| {
                a.subject_der.as_ref() == parsed.issuer_der
                    && match (parsed.aki, &a.key_id) {
                        (Some(aki), Some(ski)) => aki == ski.as_ref(),
                        _ => true,
                    }
                    && a.crl_sign
            })
            .take(MAX_CANDIDATE_ANCHORS + 1)
            .collect();
        if candidates.is_empty() {
            return Err(unusable(
                "no trust anchor has the CRL's issuer name (and key identifier) with cRLSign",
            ));
        }
        if candidates.len() > MAX_CANDIDATE_ANCHORS {
            return Err(Error::BudgetExceeded {
                what: "CRL issuer candidates",
            });
        }
        let checks = candidates
            .iter()
            .map(|a| {
                SignatureCheck::new(
                    algorithm,
                    a.spki.to_vec(),
                    parsed.tbs.to_vec(),
                    parsed.signature.to_vec(),
                )
            })
            .collect();
        let candidates = candidates
            .iter()
            .map(|a| {
                (
                    a.reference.id.clone(),
                    a.subject.to_string(),
                    a.key_id.as_deref().map(<[u8]>::to_vec),
                )
            })
            .collect();
        let (serials, dates, reasons) = finish_short(parsed.short);
        let mut long = parsed.long;
        long.sort_unstable_by(|a, b| cmp_long(&a.serial, &b.serial).then(a.date.cmp(&b.date)));
        long.dedup_by(|later, first| later.serial == first.serial);
        long.shrink_to_fit();
        let index = CrlIndex {
            crl_sha256: Sha256::digest(der).into(),
            issuer: String::new(),
            issuer_der: parsed.issuer_der.to_vec(),
            key_id: None,
            anchor_id: String::new(),
            this_update: parsed.this_update,
            next_update: parsed.next_update,
            crl_number: parsed.crl_number,
            scope: parsed.scope,
            from_saved: false,
            serials,
            dates,
            reasons,
            long,
        };
        Ok(PreparedCrl {
            index,
            aki: parsed.aki.map(<[u8]>::to_vec),
            candidates,
            checks,
        })
    }

    /// [`CrlIndex::prepare`], the checks answered with `provider`, then [`PreparedCrl::finish`].
    pub fn build(der: &[u8], anchors: &TrustAnchors, provider: &dyn CryptoProvider) -> Result<CrlIndex> {
        let prepared = Self::prepare(der, anchors)?;
        let mut results = Vec::with_capacity(prepared.checks.len());
        for check in &prepared.checks {
            let r = provider.verify(check);
            let ok = r.is_ok();
            results.push(r);
            if ok {
                break;
            }
        }
        prepared.finish(&results)
    }

    /// Issuer DN (RFC 4514-style, encoding order), as in [`Certificate::issuer`].
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Id of the trust anchor whose key verified the CRL.
    pub fn anchor_id(&self) -> &str {
        &self.anchor_id
    }

    /// thisUpdate, Unix seconds.
    pub fn this_update(&self) -> i64 {
        self.this_update
    }

    /// nextUpdate, Unix seconds, when the CRL has one.
    pub fn next_update(&self) -> Option<i64> {
        self.next_update
    }

    /// cRLNumber in decimal, when the CRL has one.
    pub fn crl_number(&self) -> Option<&str> {
        self.crl_number.as_deref()
    }

    /// SHA-256 of the CRL's DER, lower-case hex.
    pub fn crl_sha256_hex(&self) -> String {
        crate::encoding::hex_lower(&self.crl_sha256)
    }

    /// Number of distinct revoked serials.
    pub fn len(&self) -> usize {
        self.serials.len() + self.long.len()
    }

    /// Whether no certificate is revoked.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Heap and inline bytes held by the index.
    pub fn memory_bytes(&self) -> usize {
        core::mem::size_of::<Self>()
            + self.serials.capacity() * 8
            + self.dates.capacity() * 4
            + self.reasons.capacity()
            + self.long.capacity() * core::mem::size_of::<LongEntry>()
            + self.long.iter().map(|e| e.serial.len()).sum::<usize>()
            + self.issuer.capacity()
            + self.issuer_der.capacity()
            + self.key_id.as_ref().map_or(0, Vec::capacity)
            + self.anchor_id.capacity()
            + self.crl_number.as_ref().map_or(0, String::capacity)
            + self.scope.iter().flatten().map(Vec::capacity).sum::<usize>()
    }

    /// Raw lookup by serial number: the DER INTEGER's contents (or its magnitude), leading
    /// zero octets ignored. `Some((reason, revocationDate))` when listed.
    pub fn lookup(&self, serial: &[u8]) -> Option<(Option<Reason>, i64)> {
        let serial = strip_zeros(serial);
        let (reason, date) = if serial.len() <= 8 {
            let key = be_u64(serial);
            let i = self.serials.binary_search(&key).ok()?;
            (self.reasons[i], self.dates[i])
        } else {
            let i = self.long.binary_search_by(|e| cmp_long(&e.serial, serial)).ok()?;
            (self.long[i].reason, self.long[i].date)
        };
        Some((Reason::from_code(reason), i64::from(date)))
    }

    /// The answers of every index in `indexes` that covers `cert`'s issuer (an index of another
    /// CA is not about it and says nothing); when none does, one `RevocationSourceInvalid`
    /// naming the issuer. Stale covering indexes give their `RevocationStale` among the
    /// answers, so a fresh one still counts.
    ///
    /// `anchor` is the id of the trust anchor `cert`'s path was validated to, when known: an
    /// index verified under another anchor is then not about it either, even with the same
    /// issuer DN (J-LIS CA generations share their DNs; a leaf without authorityKeyIdentifier
    /// could otherwise be answered by another generation's CRL).
    pub fn answers_for(
        indexes: &[&CrlIndex],
        cert: &Certificate,
        anchor: Option<&str>,
        time: i64,
        policy: &RevocationPolicy,
    ) -> Vec<Result<RevocationAnswer>> {
        let mut out: Vec<Result<RevocationAnswer>> = indexes
            .iter()
            .filter(|index| anchor.is_none_or(|a| a == index.anchor_id))
            .map(|index| index.answer(cert, time, policy))
            .filter(|a| !matches!(a, Err(Error::RevocationSourceInvalid { .. })))
            .collect();
        if out.is_empty() && !indexes.is_empty() {
            out.push(Err(Error::RevocationSourceInvalid {
                reason: match anchor {
                    Some(a) => format!("no CRL given covers the issuer {} under the anchor {a}", cert.issuer),
                    None => format!("no CRL given covers the issuer {}", cert.issuer),
                },
            }));
        }
        out
    }

    /// The answer about `cert` at `time` (Unix seconds).
    ///
    /// Errors: `JPKI_REVOCATION_SOURCE_INVALID` if this CRL is not from `cert`'s issuer (the
    /// issuer Name bytes differ, or both key identifiers are known and differ);
    /// `JPKI_REVOCATION_STALE` if `time` is past nextUpdate, more than
    /// `policy.crl_max_age_seconds` after thisUpdate, or more than
    /// [`THIS_UPDATE_SKEW_SECONDS`] before thisUpdate. Otherwise good, or revoked with the
    /// reason and date; kind [`SourceKind::Crl`], source `crl:<anchor id>#<cRLNumber>`
    /// (`crl-index:…` for an index loaded with [`CrlIndex::from_bytes`]).
    pub fn answer(&self, cert: &Certificate, time: i64, policy: &RevocationPolicy) -> Result<RevocationAnswer> {
        if cert.raw.issuer != self.issuer_der {
            return Err(unusable(format!(
                "the CRL of {} does not cover certificates issued by {}",
                self.issuer, cert.issuer
            )));
        }
        if let (Some(aki), Some(key_id)) = (&cert.raw.aki, &self.key_id) {
            if aki != key_id {
                return Err(unusable(
                    "the CRL was issued by another key (CA generation) than the certificate's issuer",
                ));
            }
        }
        if let Some(scope) = &self.scope {
            let named = cert.raw.crl_distribution_points.iter().flatten().flatten();
            if !named.into_iter().any(|name| scope.contains(name)) {
                return Err(unusable(
                    "the CRL is one partition (issuingDistributionPoint) and the certificate's \
                     cRLDistributionPoints do not name it",
                ));
            }
        }
        let at = crate::time::to_rfc3339;
        if let Some(next) = self.next_update {
            if time > next {
                return Err(Error::RevocationStale {
                    reason: format!("CRL nextUpdate {} is before {}", at(next), at(time)),
                });
            }
        }
        if time.saturating_sub(self.this_update) > i64::from(policy.crl_max_age_seconds) {
            return Err(Error::RevocationStale {
                reason: format!(
                    "CRL thisUpdate {} is more than {} s before {}",
                    at(self.this_update),
                    policy.crl_max_age_seconds,
                    at(time)
                ),
            });
        }
        if time < self.this_update.saturating_sub(THIS_UPDATE_SKEW_SECONDS) {
            return Err(Error::RevocationStale {
                reason: format!("CRL thisUpdate {} is after {}", at(self.this_update), at(time)),
            });
        }
        let serial = crate::encoding::parse_hex(&cert.serial_number)?;
        let (status, reason, revoked_at) = match self.lookup(&serial) {
            Some((reason, date)) => (RevocationStatus::Revoked, reason, Some(date)),
            None => (RevocationStatus::Good, None, None),
        };
        let kind = if self.from_saved { "crl-index" } else { "crl" };
        let source = match &self.crl_number {
            Some(n) => format!("{kind}:{}#{n}", self.anchor_id),
            None => format!("{kind}:{}", self.anchor_id),
        };
        Ok(RevocationAnswer {
            status,
            reason,
            revoked_at,
            kind: SourceKind::Crl,
            source,
            produced_at: self.this_update,
            next_update: self.next_update,
            about: None,
        })
    }
}

/// Sorts the packed entries, drops duplicate serials (keeping the earliest date) and splits
/// them into the three arrays.
fn finish_short(mut packed: Vec<u128>) -> (Vec<u64>, Vec<u32>, Vec<u8>) {
    if !packed.windows(2).all(|w| w[0] <= w[1]) {
        packed.sort_unstable();
    }
    packed.dedup_by_key(|p| (*p >> 64) as u64);
    let mut serials = Vec::with_capacity(packed.len());
    let mut dates = Vec::with_capacity(packed.len());
    let mut reasons = Vec::with_capacity(packed.len());
    for p in packed {
        serials.push((p >> 64) as u64);
        dates.push((p >> 8) as u32);
        reasons.push(p as u8);
    }
    (serials, dates, reasons)
}

fn strip_zeros(serial: &[u8]) -> &[u8] {
    let n = serial.iter().take_while(|&&b| b == 0).count();
    &serial[n..]
}

/// Big-endian bytes (at most 8) as a `u64`.
fn be_u64(b: &[u8]) -> u64 {
    b.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x))
}

/// Order of magnitudes without leading zeros: shorter is smaller, then bytewise.
fn cmp_long(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::parse::decimal;
    use super::*;

    #[test]
    fn decimal_numbers() {
        assert_eq!(decimal(&[0]), "0");
        assert_eq!(decimal(&[0x01, 0x00]), "256");
        assert_eq!(decimal(&[0xFF; 8]), u64::MAX.to_string());
        assert_eq!(decimal(&[0x01, 0, 0, 0, 0, 0, 0, 0, 0]), "18446744073709551616");
    }

    #[test]
    fn packing_sorts_and_keeps_the_earliest_duplicate() {
        let p = |s: u64, d: u32, r: u8| (u128::from(s) << 64) | (u128::from(d) << 8) | u128::from(r);
        let (s, d, r) = finish_short(vec![p(5, 10, 1), p(2, 7, 3), p(5, 3, 4), p(u64::MAX, 1, NO_REASON)]);
        assert_eq!(s, vec![2, 5, u64::MAX]);
        assert_eq!(d, vec![7, 3, 1]);
        assert_eq!(r, vec![3, 4, NO_REASON]);
    }

    #[test]
    fn long_serials_order_by_magnitude() {
        use core::cmp::Ordering::*;
        assert_eq!(cmp_long(&[1, 0, 0], &[0xFF, 0xFF]), Greater);
        assert_eq!(cmp_long(&[1, 2], &[1, 3]), Less);
        assert_eq!(strip_zeros(&[0, 0, 5]), &[5]);
        assert_eq!(be_u64(&[1, 0]), 256);
    }
}
