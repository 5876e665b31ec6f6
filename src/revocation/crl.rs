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
//! J-LIS publishes one CRL a day per CA (jpki-facts.md §4.2) and it may hold millions of
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

use core::fmt;

use sha2::{Digest, Sha256};

use super::RevocationStatus;
use super::{Reason, RevocationAnswer, RevocationPolicy, SourceKind};
use crate::cert::Certificate;
use crate::crypto::{CryptoProvider, SignatureCheck};
use crate::der::{oid_to_string, tag, Reader, Tlv};
use crate::error::{Error, Result};
use crate::pkix::{algorithm_identifier, extension_parts, signed_data, SignedData};
use crate::trust::{TrustAnchor, TrustAnchors};

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

/// Saved-index magic and format version.
const MAGIC: &[u8; 8] = b"JPKICRLX";
const FORMAT_VERSION: u16 = 1;

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

/// The parts of a `CertificateList` the index is built from.
struct Parsed<'a> {
    tbs: &'a [u8],
    algorithm_oid: String,
    algorithm_params: Option<&'a [u8]>,
    signature: &'a [u8],
    issuer_der: &'a [u8],
    this_update: i64,
    next_update: Option<i64>,
    aki: Option<&'a [u8]>,
    crl_number: Option<String>,
    /// `serial << 64 | date << 8 | reason`, unsorted.
    short: Vec<u128>,
    long: Vec<LongEntry>,
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
    pub fn answers_for(
        indexes: &[&CrlIndex],
        cert: &Certificate,
        time: i64,
        policy: &RevocationPolicy,
    ) -> Vec<Result<RevocationAnswer>> {
        let mut out: Vec<Result<RevocationAnswer>> = indexes
            .iter()
            .map(|index| index.answer(cert, time, policy))
            .filter(|a| !matches!(a, Err(Error::RevocationSourceInvalid { .. })))
            .collect();
        if out.is_empty() && !indexes.is_empty() {
            out.push(Err(Error::RevocationSourceInvalid {
                reason: format!("no CRL given covers the issuer {}", cert.issuer),
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
    /// reason and date; kind [`SourceKind::Crl`], source `crl:<anchor id>#<cRLNumber>`.
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
        let source = match &self.crl_number {
            Some(n) => format!("crl:{}#{n}", self.anchor_id),
            None => format!("crl:{}", self.anchor_id),
        };
        Ok(RevocationAnswer {
            status,
            reason,
            revoked_at,
            kind: SourceKind::Crl,
            source,
            produced_at: self.this_update,
            next_update: self.next_update,
        })
    }

    /// The saved form: magic `JPKICRLX`, format version, the CRL's SHA-256, issuer DN and its
    /// DER, issuer key id, anchor id, thisUpdate, nextUpdate, cRLNumber, entry counts, the
    /// body (serials, dates, reasons, long serials), then the SHA-256 of everything before it.
    /// Integers are little-endian; strings and byte strings are `u32` length + bytes.
    ///
    /// The trailing hash detects damage, not forgery: keep saved indexes where only the
    /// importer can write (anyone who can write the file can also recompute the hash).
    pub fn to_bytes(&self) -> Vec<u8> {
        let body = self.serials.len() * 13 + self.long.iter().map(|e| 6 + e.serial.len()).sum::<usize>();
        let mut out = Vec::with_capacity(256 + self.issuer.len() + self.issuer_der.len() + body);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&self.crl_sha256);
        put_bytes(&mut out, self.issuer.as_bytes());
        put_bytes(&mut out, &self.issuer_der);
        out.push(u8::from(self.key_id.is_some()));
        put_bytes(&mut out, self.key_id.as_deref().unwrap_or_default());
        put_bytes(&mut out, self.anchor_id.as_bytes());
        out.extend_from_slice(&self.this_update.to_le_bytes());
        out.push(u8::from(self.next_update.is_some()));
        out.extend_from_slice(&self.next_update.unwrap_or(0).to_le_bytes());
        out.push(u8::from(self.crl_number.is_some()));
        put_bytes(&mut out, self.crl_number.as_deref().unwrap_or_default().as_bytes());
        out.extend_from_slice(&(self.serials.len() as u64).to_le_bytes());
        out.extend_from_slice(&(self.long.len() as u64).to_le_bytes());
        for s in &self.serials {
            out.extend_from_slice(&s.to_le_bytes());
        }
        for d in &self.dates {
            out.extend_from_slice(&d.to_le_bytes());
        }
        out.extend_from_slice(&self.reasons);
        for e in &self.long {
            out.push(e.serial.len() as u8);
            out.extend_from_slice(&e.serial);
            out.extend_from_slice(&e.date.to_le_bytes());
            out.push(e.reason);
        }
        let digest = Sha256::digest(&out);
        out.extend_from_slice(&digest);
        out
    }

    /// Loads a saved index ([`CrlIndex::to_bytes`]) without re-parsing the CRL: checks the
    /// trailing SHA-256, the format, that serials are strictly increasing and reasons valid.
    /// Any failure is `JPKI_REVOCATION_SOURCE_INVALID`.
    pub fn from_bytes(bytes: &[u8]) -> Result<CrlIndex> {
        let damaged = |what: &str| unusable(format!("saved CRL index: {what}"));
        let split = bytes.len().checked_sub(32).ok_or_else(|| damaged("too short"))?;
        let (content, digest) = bytes.split_at(split);
        if Sha256::digest(content).as_slice() != digest {
            return Err(damaged("SHA-256 does not match (file damaged or truncated)"));
        }
        let mut c = Cursor { data: content, pos: 0 };
        if c.take(8)? != MAGIC {
            return Err(damaged("not a jpki-verify CRL index"));
        }
        if c.u16()? != FORMAT_VERSION {
            return Err(damaged("unsupported format version"));
        }
        let mut crl_sha256 = [0u8; 32];
        crl_sha256.copy_from_slice(c.take(32)?);
        let issuer = c.string()?;
        let issuer_der = c.bytes()?.to_vec();
        let has_key_id = c.flag()?;
        let key_id = c.bytes()?;
        let key_id = has_key_id.then(|| key_id.to_vec());
        let anchor_id = c.string()?;
        let this_update = c.i64()?;
        let has_next = c.flag()?;
        let next = c.i64()?;
        let next_update = has_next.then_some(next);
        let has_number = c.flag()?;
        let number = c.string()?;
        let crl_number = has_number.then_some(number);
        let n = usize::try_from(c.u64()?).map_err(|_| damaged("count"))?;
        let n_long = usize::try_from(c.u64()?).map_err(|_| damaged("count"))?;
        if n.checked_mul(13).is_none_or(|b| b > c.remaining()) || n_long > c.remaining() / 6 {
            return Err(damaged("counts exceed the file"));
        }
        let serials: Vec<u64> = c
            .take(n * 8)?
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
            .collect();
        let dates: Vec<u32> = c
            .take(n * 4)?
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let reasons = c.take(n)?.to_vec();
        if !serials.windows(2).all(|w| w[0] < w[1]) {
            return Err(damaged("serials are not strictly increasing"));
        }
        if !reasons
            .iter()
            .all(|&r| r == NO_REASON || Reason::from_code(r).is_some())
        {
            return Err(damaged("invalid reason code"));
        }
        let mut long = Vec::with_capacity(n_long);
        for _ in 0..n_long {
            let len = usize::from(c.take(1)?[0]);
            let serial: Box<[u8]> = c.take(len)?.into();
            let d = c.take(4)?;
            let date = u32::from_le_bytes([d[0], d[1], d[2], d[3]]);
            let reason = c.take(1)?[0];
            if serial.len() <= 8 || serial[0] == 0 || (reason != NO_REASON && Reason::from_code(reason).is_none()) {
                return Err(damaged("invalid long serial entry"));
            }
            if long
                .last()
                .is_some_and(|p: &LongEntry| cmp_long(&p.serial, &serial) != core::cmp::Ordering::Less)
            {
                return Err(damaged("long serials are not strictly increasing"));
            }
            long.push(LongEntry { serial, date, reason });
        }
        if c.remaining() != 0 {
            return Err(damaged("trailing data"));
        }
        Ok(CrlIndex {
            crl_sha256,
            issuer,
            issuer_der,
            key_id,
            anchor_id,
            this_update,
            next_update,
            crl_number,
            serials,
            dates,
            reasons,
            long,
        })
    }
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

/// A bounds-checked reader over a saved index.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(unusable("saved CRL index: truncated"));
        }
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn u16(&mut self) -> Result<u16> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64> {
        let b = self.take(8)?;
        Ok(u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
    }

    fn i64(&mut self) -> Result<i64> {
        Ok(self.u64()? as i64)
    }

    fn flag(&mut self) -> Result<bool> {
        match self.take(1)?[0] {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(unusable("saved CRL index: bad flag")),
        }
    }

    fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = usize::try_from(self.u32()?).map_err(|_| unusable("saved CRL index: length"))?;
        self.take(n)
    }

    fn string(&mut self) -> Result<String> {
        String::from_utf8(self.bytes()?.to_vec()).map_err(|_| unusable("saved CRL index: text is not UTF-8"))
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

/// Parses a whole `CertificateList`.
fn parse(der: &[u8]) -> Result<Parsed<'_>> {
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
        let (a, n) = crl_extensions(&f)?;
        aki = a;
        crl_number = n;
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
fn crl_extensions<'a>(explicit: &Tlv<'a>) -> Result<(Option<&'a [u8]>, Option<String>)> {
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
            OID_ISSUING_DISTRIBUTION_POINT => issuing_distribution_point(&value)?,
            _ if critical => {
                return Err(Error::UnknownCriticalExtension {
                    oid: oid_to_string(oid.value, oid.value_offset)?,
                })
            }
            _ => {}
        }
    }
    Ok((aki, number))
}

/// Refuses the scopes this index cannot answer for an end-entity certificate.
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
fn issuing_distribution_point(value: &Tlv<'_>) -> Result<()> {
    let s = inner(value)?;
    if s.tag != tag::SEQUENCE {
        return Err(bad("IssuingDistributionPoint SEQUENCE expected", s.offset));
    }
    let mut r = Reader::new(s.value, s.value_offset);
    let mut last = None;
    while !r.is_empty() {
        let f = r.read()?;
        let number = f.tag & 0x1F;
        if last.is_some_and(|l| number <= l) || f.tag & 0xC0 != 0x80 || number > 5 {
            return Err(bad("IssuingDistributionPoint: unexpected field", f.offset));
        }
        last = Some(number);
        let boolean_true = f.value == [0xFF];
        match f.tag {
            0xA0 => {}
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
    Ok(())
}

/// Decimal digits of a non-negative big-endian integer.
fn decimal(bytes: &[u8]) -> String {
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

#[cfg(test)]
mod tests {
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
