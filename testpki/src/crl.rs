//! Certificate revocation lists of the test PKI (RFC 5280 §5), deterministic like the rest.
//!
//! ```text
//! CertificateList  ::=  SEQUENCE  {
//!      tbsCertList          TBSCertList,
//!      signatureAlgorithm   AlgorithmIdentifier,
//!      signatureValue       BIT STRING  }
//! TBSCertList  ::=  SEQUENCE  {
//!      version                 Version OPTIONAL,      -- v2(1)
//!      signature               AlgorithmIdentifier,
//!      issuer                  Name,
//!      thisUpdate              Time,
//!      nextUpdate              Time OPTIONAL,
//!      revokedCertificates     SEQUENCE OF SEQUENCE  {
//!           userCertificate         CertificateSerialNumber,
//!           revocationDate          Time,
//!           crlEntryExtensions      Extensions OPTIONAL }  OPTIONAL,
//!      crlExtensions           [0]  EXPLICIT Extensions OPTIONAL }
//! ```
//!
//! [`crl`] builds any CRL from a [`CrlSpec`] (tests vary the committed ones: duplicates,
//! critical extensions, delta and indirect CRLs); [`current_crl_spec`] is what the committed
//! `sign-ca.crl` / `auth-ca.crl` contain; [`large_crl`] writes an N-entry CRL of the signature
//! CA fast (1,000,000 entries, ~37 MB, in about a second) for benchmarks.

use std::sync::OnceLock;

use rsa::pkcs1v15::SigningKey;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use rsa::PrivateKey as RsaKey;
use sha2::Sha256;

use crate::der::{self, Class, DateTime};
use crate::keys::{KeyType, PrivateKey};
use crate::{cert, oids, CertKind, Error, GeneratedFile, CAS, PERSONAS};

/// `id-ce-cRLReasons`.
pub const CE_REASON_CODE: &[u64] = &[2, 5, 29, 21];
/// `id-ce-invalidityDate`.
pub const CE_INVALIDITY_DATE: &[u64] = &[2, 5, 29, 24];
/// `id-ce-certificateIssuer` (indirect CRLs).
pub const CE_CERTIFICATE_ISSUER: &[u64] = &[2, 5, 29, 29];
/// `id-ce-cRLNumber`.
pub const CE_CRL_NUMBER: &[u64] = &[2, 5, 29, 20];
/// `id-ce-deltaCRLIndicator`.
pub const CE_DELTA_CRL_INDICATOR: &[u64] = &[2, 5, 29, 27];
/// `id-ce-issuingDistributionPoint`.
pub const CE_ISSUING_DISTRIBUTION_POINT: &[u64] = &[2, 5, 29, 28];

/// thisUpdate of the current CRLs: 2026-05-31T15:00:00Z (midnight in Japan on the day of
/// [`crate::VALIDATION_TIME_RFC3339`]), nine hours before the validation time.
pub const CURRENT_THIS_UPDATE: DateTime = DateTime::new(2026, 5, 31, 15, 0, 0);
/// nextUpdate of the current CRLs: one day later (J-LIS publishes daily).
pub const CURRENT_NEXT_UPDATE: DateTime = DateTime::new(2026, 6, 1, 15, 0, 0);
/// thisUpdate of `sign-ca-stale.crl`: a month before the validation time.
pub const STALE_THIS_UPDATE: DateTime = DateTime::new(2026, 4, 30, 15, 0, 0);
/// nextUpdate of `sign-ca-stale.crl`.
pub const STALE_NEXT_UPDATE: DateTime = DateTime::new(2026, 5, 1, 15, 0, 0);

/// Who signs a CRL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrlSigner {
    /// The CA named as issuer.
    Ca,
    /// Another RSA-2048 key (`<ca>-impostor`), with the CA's name and key identifier: the
    /// signature must not verify.
    Impostor,
}

/// One revoked certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrlEntry {
    /// Serial number, big-endian magnitude (leading zeros are dropped on encoding).
    pub serial: Vec<u8>,
    /// revocationDate.
    pub revoked_at: DateTime,
    /// reasonCode (RFC 5280 §5.3.1), omitted when `None`.
    pub reason: Option<u8>,
    /// invalidityDate (RFC 5280 §5.3.2), omitted when `None`.
    pub invalidity_date: Option<DateTime>,
    /// Further DER `Extension`s appended to crlEntryExtensions (tests).
    pub extra_extensions: Vec<Vec<u8>>,
}

impl CrlEntry {
    /// An entry for a `u64` serial.
    pub fn new(serial: u64, revoked_at: DateTime, reason: Option<u8>) -> Self {
        CrlEntry {
            serial: serial.to_be_bytes().to_vec(),
            revoked_at,
            reason,
            invalidity_date: None,
            extra_extensions: Vec::new(),
        }
    }
}

/// Everything a CRL is made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrlSpec {
    /// Which CA's CRL (`sign-ca` or `auth-ca`).
    pub ca: CertKind,
    /// thisUpdate.
    pub this_update: DateTime,
    /// nextUpdate.
    pub next_update: Option<DateTime>,
    /// cRLNumber.
    pub crl_number: Option<u64>,
    /// Whether to include authorityKeyIdentifier (the CA's key id).
    pub authority_key_id: bool,
    /// Who signs.
    pub signer: CrlSigner,
    /// The revoked certificates, in encoding order.
    pub entries: Vec<CrlEntry>,
    /// Further DER `Extension`s appended to crlExtensions (tests).
    pub extra_extensions: Vec<Vec<u8>>,
}

fn persona_serial(id: &str, kind: CertKind) -> u64 {
    PERSONAS
        .iter()
        .find(|p| p.id == id)
        .map_or(0, |p| u64::from(p.serial(kind)))
}

/// The CA's current CRL (the entries of [`current_crl_spec`]) issued an hour before `now`
/// (Unix seconds) with nextUpdate a day after that: for a server running on the real clock
/// (the demo, `jpki-verify testpki --current-crls`, backend tests). The caller reads the clock.
pub fn crl_issued_at(ca: CertKind, now: i64) -> Result<Vec<u8>, Error> {
    let mut spec = current_crl_spec(ca);
    spec.this_update = DateTime::from_unix(now - 3600);
    spec.next_update = Some(DateTime::from_unix(now + 23 * 3600));
    crl(&spec)
}

/// The committed current CRL of a CA (`sign-ca.crl`, `auth-ca.crl`).
///
/// Signature CA: `moved` (affiliationChanged — the holder moved, the 4 basic information
/// changed), `lost` (keyCompromise, with an invalidityDate), and synthetic serials that are not
/// persona certificates, one per other reason (none, superseded, cessationOfOperation,
/// certificateHold, privilegeWithdrawn, cACompromise), one with its high bit set (encoded with a
/// 0x00 sign octet) and one 12-octet serial; deliberately not in serial order.
/// Authentication CA: `lost` (keyCompromise) only — a move does not revoke the authentication
/// certificate.
pub fn current_crl_spec(ca: CertKind) -> CrlSpec {
    let day = |d: u8, h: u8| DateTime::new(2026, 5, d, h, 0, 0);
    let entries = match ca {
        CertKind::Sign => vec![
            CrlEntry::new(0x0FFF_0004, day(3, 1), Some(6)),
            CrlEntry::new(persona_serial("moved", CertKind::Sign), day(20, 1), Some(3)),
            CrlEntry::new(0x0FFF_0001, day(1, 2), None),
            CrlEntry {
                invalidity_date: Some(day(24, 0)),
                ..CrlEntry::new(persona_serial("lost", CertKind::Sign), day(25, 3), Some(1))
            },
            CrlEntry::new(0x0FFF_0002, day(1, 3), Some(4)),
            CrlEntry::new(0x0FFF_0003, day(2, 4), Some(5)),
            CrlEntry::new(0x0FFF_0005, day(4, 5), Some(9)),
            CrlEntry::new(0x8000_0001, day(5, 6), Some(0)),
            CrlEntry {
                serial: vec![0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0x01, 0x23, 0x45, 0x67],
                ..CrlEntry::new(0, day(6, 7), Some(2))
            },
        ],
        CertKind::Auth => vec![CrlEntry::new(
            persona_serial("lost", CertKind::Auth),
            day(25, 3),
            Some(1),
        )],
    };
    CrlSpec {
        ca,
        this_update: CURRENT_THIS_UPDATE,
        next_update: Some(CURRENT_NEXT_UPDATE),
        crl_number: Some(42),
        authority_key_id: true,
        signer: CrlSigner::Ca,
        entries,
        extra_extensions: Vec::new(),
    }
}

/// The stem of a CA (`sign-ca`, `auth-ca`).
fn ca_stem(kind: CertKind) -> &'static str {
    CAS.iter().find(|c| c.kind == kind).map_or("sign-ca", |c| c.stem)
}

/// The CA's (or its impostor's) RSA key, derived once per process (key generation is the slow
/// part of building a CRL).
fn signing_key(kind: CertKind, signer: CrlSigner) -> Result<&'static RsaKey, Error> {
    static KEYS: [OnceLock<Result<RsaKey, String>>; 4] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let slot = match (kind, signer) {
        (CertKind::Sign, CrlSigner::Ca) => 0,
        (CertKind::Auth, CrlSigner::Ca) => 1,
        (CertKind::Sign, CrlSigner::Impostor) => 2,
        (CertKind::Auth, CrlSigner::Impostor) => 3,
    };
    let name = match signer {
        CrlSigner::Ca => ca_stem(kind).to_string(),
        CrlSigner::Impostor => format!("{}-impostor", ca_stem(kind)),
    };
    KEYS[slot]
        .get_or_init(|| {
            PrivateKey::derive(&name, KeyType::Rsa(2048))
                .map_err(|e| e.to_string())?
                .as_rsa()
                .cloned()
                .ok_or_else(|| "CA key must be RSA".to_string())
        })
        .as_ref()
        .map_err(|e| Error::Crypto(e.clone()))
}

/// The CA's Name DER and key identifier.
fn ca_identity(kind: CertKind) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let spec = CAS.iter().find(|c| c.kind == kind).ok_or(Error::Der("unknown CA"))?;
    let name = cert::name(&spec.dn())?;
    let key = PrivateKey::Rsa(Box::new(signing_key(kind, CrlSigner::Ca)?.clone()));
    Ok((name, key.key_identifier()))
}

/// A DER `Extension`, for [`CrlSpec::extra_extensions`] and [`CrlEntry::extra_extensions`].
pub fn extension(oid: &[u64], critical: bool, value: &[u8]) -> Result<Vec<u8>, Error> {
    cert::extension(oid, critical, value)
}

/// `GeneralizedTime` `YYYYMMDDHHMMSSZ` (invalidityDate is always GeneralizedTime).
fn generalized_time(t: &DateTime) -> Vec<u8> {
    let text = format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}Z",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    );
    der::tlv_with(Class::Universal, false, 24, text.as_bytes())
}

/// `ENUMERATED` of a small value.
fn enumerated(v: u8) -> Vec<u8> {
    der::tlv_with(Class::Universal, false, 10, &[v])
}

fn entry_der(e: &CrlEntry) -> Result<Vec<u8>, Error> {
    let mut exts = Vec::new();
    if let Some(r) = e.reason {
        exts.push(extension(CE_REASON_CODE, false, &enumerated(r))?);
    }
    if let Some(d) = &e.invalidity_date {
        exts.push(extension(CE_INVALIDITY_DATE, false, &generalized_time(d))?);
    }
    exts.extend(e.extra_extensions.iter().cloned());
    let serial = der::integer_unsigned(&e.serial);
    let date = der::time(&e.revoked_at)?;
    Ok(if exts.is_empty() {
        der::sequence(&[&serial, &date])
    } else {
        let refs: Vec<&[u8]> = exts.iter().map(Vec::as_slice).collect();
        der::sequence(&[&serial, &date, &der::sequence(&refs)])
    })
}

fn sha256_with_rsa() -> Result<Vec<u8>, Error> {
    Ok(der::sequence(&[&der::oid(oids::SHA256_WITH_RSA)?, &der::null()]))
}

/// Signs `tbs` and wraps it into a `CertificateList`.
fn sign_list(tbs: &[u8], kind: CertKind, signer: CrlSigner) -> Result<Vec<u8>, Error> {
    let key = signing_key(kind, signer)?;
    let mut rng = crate::keys::rng_for(&format!("blinding/{}-crl", ca_stem(kind)));
    let signature = SigningKey::<Sha256>::new(key.clone())
        .try_sign_with_rng(&mut rng, tbs)
        .map_err(|e| Error::Crypto(format!("signing a CRL: {e}")))?
        .to_vec();
    Ok(der::sequence(&[tbs, &sha256_with_rsa()?, &der::bit_string(&signature)]))
}

/// The `[0] EXPLICIT` crlExtensions: authorityKeyIdentifier, cRLNumber, then the extras.
fn crl_extensions(spec: &CrlSpec, key_id: &[u8]) -> Result<Option<Vec<u8>>, Error> {
    let mut exts = Vec::new();
    if spec.authority_key_id {
        exts.push(cert::authority_key_identifier(key_id)?);
    }
    if let Some(n) = spec.crl_number {
        exts.push(extension(CE_CRL_NUMBER, false, &der::integer_u64(n))?);
    }
    exts.extend(spec.extra_extensions.iter().cloned());
    if exts.is_empty() {
        return Ok(None);
    }
    let refs: Vec<&[u8]> = exts.iter().map(Vec::as_slice).collect();
    Ok(Some(der::explicit(0, &der::sequence(&refs))))
}

/// Builds and signs a CRL (version v2, sha256WithRSAEncryption).
pub fn crl(spec: &CrlSpec) -> Result<Vec<u8>, Error> {
    let (name, key_id) = ca_identity(spec.ca)?;
    let mut parts: Vec<Vec<u8>> = vec![
        der::integer_u64(1),
        sha256_with_rsa()?,
        name,
        der::time(&spec.this_update)?,
    ];
    if let Some(n) = &spec.next_update {
        parts.push(der::time(n)?);
    }
    if !spec.entries.is_empty() {
        let entries = spec.entries.iter().map(entry_der).collect::<Result<Vec<_>, _>>()?;
        let refs: Vec<&[u8]> = entries.iter().map(Vec::as_slice).collect();
        parts.push(der::sequence(&refs));
    }
    if let Some(exts) = crl_extensions(spec, &key_id)? {
        parts.push(exts);
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    sign_list(&der::sequence(&refs), spec.ca, spec.signer)
}

/// Serial of entry `i` of [`large_crl`]: `0x2000_0000 + 3·i` (4 octets up to i ≈ 358 M, never
/// a persona's serial).
pub fn large_crl_serial(i: u64) -> u64 {
    0x2000_0000 + 3 * i
}

/// A current CRL of the signature CA with `n` entries, written directly into one buffer
/// (no per-entry allocation): serials [`large_crl_serial`]`(i)` in increasing order plus the
/// `moved` and `lost` personas, revocation dates spread over the previous year, a reasonCode
/// on 7 entries in 8 (cycling through the RFC 5280 codes except removeFromCRL), thisUpdate
/// and nextUpdate as [`current_crl_spec`]. About 37 bytes per entry.
pub fn large_crl(n: u64) -> Result<Vec<u8>, Error> {
    const REASONS: [u8; 9] = [1, 3, 4, 5, 0, 6, 9, 2, 10];
    let base = DateTime::new(2025, 6, 1, 0, 0, 0).unix_seconds();
    let mut body = Vec::with_capacity(usize::try_from(n).unwrap_or(0).saturating_mul(37) + 64);
    let mut push_entry = |serial: u64, date: i64, reason: Option<u8>| {
        let serial = serial.to_be_bytes();
        let skip = serial.iter().take_while(|b| **b == 0).count().min(7);
        let sign = usize::from(serial[skip] & 0x80 != 0);
        let serial_len = 8 - skip + sign;
        let ext: &[u8] = &[
            0x30, 0x0C, 0x30, 0x0A, 0x06, 0x03, 0x55, 0x1D, 0x15, 0x04, 0x03, 0x0A, 0x01,
        ];
        let len = 2 + serial_len + 15 + if reason.is_some() { ext.len() + 1 } else { 0 };
        body.push(0x30);
        der::push_length(&mut body, len);
        body.extend_from_slice(&[0x02, serial_len as u8]);
        if sign == 1 {
            body.push(0);
        }
        body.extend_from_slice(&serial[skip..]);
        body.extend_from_slice(&utc_time(date));
        if let Some(r) = reason {
            body.extend_from_slice(ext);
            body.push(r);
        }
    };
    push_entry(persona_serial("lost", CertKind::Sign), base, Some(1));
    push_entry(persona_serial("moved", CertKind::Sign), base, Some(3));
    for i in 0..n {
        let reason = (i % 8 != 7).then(|| REASONS[(i % 9) as usize]);
        push_entry(large_crl_serial(i), base + ((i * 31) % (365 * 86_400)) as i64, reason);
    }
    let (name, key_id) = ca_identity(CertKind::Sign)?;
    let spec = CrlSpec {
        entries: Vec::new(),
        ..current_crl_spec(CertKind::Sign)
    };
    let head: Vec<Vec<u8>> = vec![
        der::integer_u64(1),
        sha256_with_rsa()?,
        name,
        der::time(&spec.this_update)?,
        der::time(&CURRENT_NEXT_UPDATE)?,
    ];
    let exts = crl_extensions(&spec, &key_id)?.unwrap_or_default();
    let head_len: usize = head.iter().map(Vec::len).sum();
    let mut list_header = vec![0x30];
    der::push_length(&mut list_header, body.len());
    let tbs_len = head_len + list_header.len() + body.len() + exts.len();
    let mut tbs = Vec::with_capacity(tbs_len + 8);
    tbs.push(0x30);
    der::push_length(&mut tbs, tbs_len);
    for h in &head {
        tbs.extend_from_slice(h);
    }
    tbs.extend_from_slice(&list_header);
    tbs.extend_from_slice(&body);
    drop(body);
    tbs.extend_from_slice(&exts);
    sign_list(&tbs, CertKind::Sign, CrlSigner::Ca)
}

/// `UTCTime` TLV of a Unix time in 1950–2049 (H. Hinnant's civil-from-days; no formatting).
fn utc_time(unix: i64) -> [u8; 15] {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let mut out = [0x17, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, b'Z'];
    for (i, v) in [y % 100, m, d, secs / 3600, (secs / 60) % 60, secs % 60]
        .into_iter()
        .enumerate()
    {
        out[2 + 2 * i] = b'0' + (v / 10) as u8;
        out[3 + 2 * i] = b'0' + (v % 10) as u8;
    }
    out
}

/// The committed CRL fixtures.
pub(crate) fn fixture_crls() -> Result<Vec<GeneratedFile>, Error> {
    let sign = current_crl_spec(CertKind::Sign);
    let stale = CrlSpec {
        this_update: STALE_THIS_UPDATE,
        next_update: Some(STALE_NEXT_UPDATE),
        crl_number: Some(12),
        ..sign.clone()
    };
    let wrong = CrlSpec {
        signer: CrlSigner::Impostor,
        ..sign.clone()
    };
    Ok(vec![
        GeneratedFile {
            name: "sign-ca.crl".into(),
            bytes: crl(&sign)?,
        },
        GeneratedFile {
            name: "sign-ca-stale.crl".into(),
            bytes: crl(&stale)?,
        },
        GeneratedFile {
            name: "sign-ca-wrongkey.crl".into(),
            bytes: crl(&wrong)?,
        },
        GeneratedFile {
            name: "auth-ca.crl".into(),
            bytes: crl(&current_crl_spec(CertKind::Auth))?,
        },
    ])
}

/// README lines describing the CRL fixtures.
pub(crate) const FIXTURE_DESCRIPTIONS: &[(&str, &str)] = &[
    ("sign-ca.crl", "current CRL of `sign-ca` (thisUpdate 2026-05-31T15:00:00Z, nextUpdate 2026-06-01T15:00:00Z, cRLNumber 42, authorityKeyIdentifier): `moved-sign` affiliationChanged, `lost-sign` keyCompromise (with invalidityDate) and synthetic serials 0x0FFF0001–0x0FFF0005, 0x80000001 and a 12-octet serial covering the other reasons; entries not in serial order"),
    ("sign-ca-stale.crl", "the same entries, thisUpdate 2026-04-30T15:00:00Z, nextUpdate 2026-05-01T15:00:00Z, cRLNumber 12: stale at the validation time"),
    ("sign-ca-wrongkey.crl", "the same as `sign-ca.crl` but signed by another key (`sign-ca-impostor`) under `sign-ca`'s name and key identifier: the signature must not verify"),
    ("auth-ca.crl", "current CRL of `auth-ca`: `lost-auth` keyCompromise (a move does not revoke the authentication certificate)"),
];
