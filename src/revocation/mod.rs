//! Revocation: CRLs (parse, verify, compact index), OCSP (requests, responses), and answers
//! from a platform operator's API, behind one shape ([`RevocationAnswer`]) that the verdict's
//! revocation slot is filled from.
//!
//! J-LIS gives revocation data only to approved verifiers and platform operators, as a daily
//! CRL or by OCSP (updated every 15 minutes) — `docs/jpki-facts.md` §4. The core
//! never does network I/O and has no clock: callers pass CRL bytes, OCSP responses and the
//! verification time. Layers as elsewhere: parsing here ([`crl`], [`ocsp`]), policy
//! ([`RevocationPolicy`], the verdict), signatures through the `CryptoProvider`.

use serde::Serialize;

use crate::error::Error;

#[cfg(feature = "revocation")]
pub mod crl;
#[cfg(feature = "revocation")]
pub mod ocsp;

/// `CRLReason ::= ENUMERATED` (RFC 5280 §5.3.1). Value 7 is unused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Reason {
    /// unspecified (0)
    Unspecified,
    /// keyCompromise (1)
    KeyCompromise,
    /// cACompromise (2)
    #[serde(rename = "cACompromise")]
    CaCompromise,
    /// affiliationChanged (3) — for JPKI signature certificates: a change of the 4 basic
    /// information (move, marriage); the holder must renew at their municipality.
    AffiliationChanged,
    /// superseded (4)
    Superseded,
    /// cessationOfOperation (5)
    CessationOfOperation,
    /// certificateHold (6)
    CertificateHold,
    /// removeFromCRL (8)
    #[serde(rename = "removeFromCRL")]
    RemoveFromCrl,
    /// privilegeWithdrawn (9)
    PrivilegeWithdrawn,
    /// aACompromise (10)
    #[serde(rename = "aACompromise")]
    AaCompromise,
}

impl Reason {
    /// The reason for an RFC 5280 code, `None` for 7 and values above 10.
    pub fn from_code(code: u8) -> Option<Reason> {
        Some(match code {
            0 => Reason::Unspecified,
            1 => Reason::KeyCompromise,
            2 => Reason::CaCompromise,
            3 => Reason::AffiliationChanged,
            4 => Reason::Superseded,
            5 => Reason::CessationOfOperation,
            6 => Reason::CertificateHold,
            8 => Reason::RemoveFromCrl,
            9 => Reason::PrivilegeWithdrawn,
            10 => Reason::AaCompromise,
            _ => return None,
        })
    }

    /// The reason an RFC 5280 name denotes (`"affiliationChanged"`, …), as [`Reason::as_str`]
    /// writes it.
    pub fn from_name(name: &str) -> Option<Reason> {
        (0..=10u8).filter_map(Reason::from_code).find(|r| r.as_str() == name)
    }

    /// The RFC 5280 code.
    pub fn code(self) -> u8 {
        match self {
            Reason::Unspecified => 0,
            Reason::KeyCompromise => 1,
            Reason::CaCompromise => 2,
            Reason::AffiliationChanged => 3,
            Reason::Superseded => 4,
            Reason::CessationOfOperation => 5,
            Reason::CertificateHold => 6,
            Reason::RemoveFromCrl => 8,
            Reason::PrivilegeWithdrawn => 9,
            Reason::AaCompromise => 10,
        }
    }

    /// The RFC 5280 name (`affiliationChanged`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Unspecified => "unspecified",
            Reason::KeyCompromise => "keyCompromise",
            Reason::CaCompromise => "cACompromise",
            Reason::AffiliationChanged => "affiliationChanged",
            Reason::Superseded => "superseded",
            Reason::CessationOfOperation => "cessationOfOperation",
            Reason::CertificateHold => "certificateHold",
            Reason::RemoveFromCrl => "removeFromCRL",
            Reason::PrivilegeWithdrawn => "privilegeWithdrawn",
            Reason::AaCompromise => "aACompromise",
        }
    }

    /// What the person should do, in English and Japanese (shown with `JPKI_REVOKED`).
    pub fn advice(self) -> (&'static str, &'static str) {
        match self {
            Reason::AffiliationChanged => (
                "Your name, address, date of birth or sex changed, so this signature certificate was revoked: renew it at your municipality, then try again.",
                "氏名・住所・生年月日・性別のいずれかが変わったため、この署名用電子証明書は失効しています。市区町村窓口で電子証明書を更新してから、もう一度お試しください。",
            ),
            Reason::KeyCompromise | Reason::CaCompromise | Reason::AaCompromise => (
                "This certificate was revoked because its key may be compromised: contact your municipality.",
                "鍵が危殆化した可能性があるため失効しています。市区町村窓口にお問い合わせください。",
            ),
            Reason::CertificateHold => (
                "This certificate is suspended (for example, the card was reported lost): contact your municipality.",
                "この証明書は一時停止されています（カードの紛失届など）。市区町村窓口にお問い合わせください。",
            ),
            _ => (
                "This certificate was revoked: get a new certificate at your municipality.",
                "この電子証明書は失効しています。市区町村窓口で新しい電子証明書の発行を受けてください。",
            ),
        }
    }
}

/// Which kind of source answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SourceKind {
    /// A CRL (or a saved index of one) verified against the issuing CA.
    Crl,
    /// An OCSP response verified against the CA or its delegated responder.
    Ocsp,
    /// A platform operator's API answer, passed in by the caller (trusted as configured).
    External,
}

/// What one source says about one certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RevocationAnswer {
    /// good, revoked or unknown (never `unchecked`: that is the absence of an answer).
    pub status: RevocationStatus,
    /// The reason, when revoked and given.
    pub reason: Option<Reason>,
    /// When the certificate was revoked (Unix seconds), when revoked.
    pub revoked_at: Option<i64>,
    /// The kind of source.
    pub kind: SourceKind,
    /// A human-readable name of the source (`crl:<issuer>`, the responder, the operator).
    pub source: String,
    /// When the answer was produced: the CRL's thisUpdate, OCSP thisUpdate, the operator's time.
    pub produced_at: i64,
    /// The CRL's nextUpdate or OCSP nextUpdate, when given.
    pub next_update: Option<i64>,
    /// Which certificate an operator's answer is about (a CRL or OCSP answer is bound to its
    /// certificate by construction). The verification refuses an answer about another
    /// certificate than the leaf.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub about: Option<AnswerAbout>,
}

/// The certificate an operator's answer is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum AnswerAbout {
    /// The certificate's SHA-256 fingerprint (lower-case hex, as `Certificate::sha256_fingerprint`).
    CertificateSha256(String),
    /// Its issuer DN (RFC 4514, as `Certificate::issuer`) and serial number (hex).
    IssuerAndSerial {
        /// The issuer DN.
        issuer: String,
        /// The serial number, hex (leading zeros and case ignored).
        serial_number: String,
    },
}

// Feature `revocation` only, like the operator answers it names: in the small wasm build a
// further caller of `parse_hex` keeps it from being inlined where the build needs it.
#[cfg(feature = "revocation")]
impl AnswerAbout {
    /// From the fields of an answer's JSON form: `certificateSha256`, or `issuer` and
    /// `serialNumber`. `JPKI_INVALID_OPTIONS` when neither is complete.
    pub fn from_fields(sha256: Option<&str>, issuer: Option<&str>, serial_number: Option<&str>) -> Result<Self, Error> {
        let bad = |what: &str| Error::InvalidOptions {
            reason: format!("revocation answer: {what}"),
        };
        match (sha256, issuer, serial_number) {
            (Some(h), None, None) => {
                let bytes = crate::encoding::parse_hex(h).map_err(|_| bad("certificateSha256 must be hex"))?;
                if bytes.len() != 32 {
                    return Err(bad("certificateSha256 must be 32 bytes"));
                }
                Ok(AnswerAbout::CertificateSha256(crate::encoding::hex_lower(&bytes)))
            }
            (None, Some(issuer), Some(serial)) => {
                crate::encoding::parse_hex(serial).map_err(|_| bad("serialNumber must be hex"))?;
                Ok(AnswerAbout::IssuerAndSerial {
                    issuer: issuer.to_owned(),
                    serial_number: serial.to_owned(),
                })
            }
            _ => Err(bad(
                "say which certificate it is about: certificateSha256, or issuer and serialNumber",
            )),
        }
    }

    /// Whether `cert` is the certificate this is about.
    pub fn matches(&self, cert: &crate::cert::Certificate) -> bool {
        match self {
            AnswerAbout::CertificateSha256(h) => *h == cert.sha256_fingerprint,
            AnswerAbout::IssuerAndSerial { issuer, serial_number } => {
                let serial = |s: &str| {
                    crate::encoding::parse_hex(s).map(|b| b.into_iter().skip_while(|&x| x == 0).collect::<Vec<u8>>())
                };
                *issuer == cert.issuer
                    && matches!((serial(serial_number), serial(&cert.serial_number)), (Ok(a), Ok(b)) if a == b)
            }
        }
    }
}

/// The revocation evidence one verification may use. All optional; with none the verdict says
/// `unchecked`. The core does no I/O: the caller fetched these.
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct RevocationSources<'a> {
    /// Verified CRL indexes (any issuers: the one covering the leaf's issuer answers).
    #[cfg(feature = "revocation")]
    pub crls: &'a [&'a crl::CrlIndex],
    /// An OCSP response about the leaf, with the nonce the request carried.
    #[cfg(feature = "revocation")]
    pub ocsp: Option<OcspEvidence<'a>>,
    /// A platform operator's answer (trusted as configured by the caller; must be fresh).
    #[cfg(feature = "revocation")]
    pub external: Option<&'a RevocationAnswer>,
    #[cfg(not(feature = "revocation"))]
    _lifetime: core::marker::PhantomData<&'a ()>,
}

impl<'a> RevocationSources<'a> {
    /// No source: the verdict's revocation slot says `unchecked`.
    pub fn none() -> Self {
        RevocationSources::default()
    }

    /// CRL indexes only.
    #[cfg(feature = "revocation")]
    pub fn crls(crls: &'a [&'a crl::CrlIndex]) -> Self {
        RevocationSources {
            crls,
            ..RevocationSources::default()
        }
    }

    /// These sources plus CRL indexes.
    #[cfg(feature = "revocation")]
    pub fn with_crls(mut self, crls: &'a [&'a crl::CrlIndex]) -> Self {
        self.crls = crls;
        self
    }

    /// These sources plus an OCSP response.
    #[cfg(feature = "revocation")]
    pub fn with_ocsp(mut self, ocsp: OcspEvidence<'a>) -> Self {
        self.ocsp = Some(ocsp);
        self
    }

    /// These sources plus a platform operator's answer.
    #[cfg(feature = "revocation")]
    pub fn with_external(mut self, answer: &'a RevocationAnswer) -> Self {
        self.external = Some(answer);
        self
    }
}

/// An OCSP response and the nonce its request carried (if any).
#[cfg(feature = "revocation")]
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct OcspEvidence<'a> {
    /// DER `OCSPResponse`.
    pub response: &'a [u8],
    /// The request's nonce, to be echoed.
    pub nonce: Option<&'a [u8]>,
}

#[cfg(feature = "revocation")]
impl<'a> OcspEvidence<'a> {
    /// Evidence from a response and the request's nonce.
    pub fn new(response: &'a [u8], nonce: Option<&'a [u8]>) -> Self {
        OcspEvidence { response, nonce }
    }
}

impl RevocationAnswer {
    /// [`RevocationAnswer::external`] from the names an operator's API or a caller's JSON
    /// uses: `status` `good` / `revoked` / `unknown`, `reason` an RFC 5280 name.
    /// `JPKI_INVALID_OPTIONS` for anything else.
    pub fn external_from_names(
        status: &str,
        reason: Option<&str>,
        source: &str,
        produced_at: i64,
        about: AnswerAbout,
    ) -> Result<Self, Error> {
        let bad = |what: String| Error::InvalidOptions {
            reason: format!("revocation answer: {what}"),
        };
        let status = match status {
            "good" => RevocationStatus::Good,
            "revoked" => RevocationStatus::Revoked,
            "unknown" => RevocationStatus::Unknown,
            other => {
                return Err(bad(format!(
                    "status must be good, revoked or unknown, not {}",
                    crate::error::Quoted(other)
                )))
            }
        };
        let reason = reason
            .map(|n| Reason::from_name(n).ok_or_else(|| bad(format!("unknown reason {}", crate::error::Quoted(n)))))
            .transpose()?;
        Ok(RevocationAnswer::external(status, reason, source, produced_at, about))
    }

    /// A platform operator's answer: `status` good/revoked/unknown, `source` its name,
    /// `produced_at` when the operator produced it (Unix seconds), `about` the certificate it
    /// is about (a verification refuses it for any other leaf).
    pub fn external(
        status: RevocationStatus,
        reason: Option<Reason>,
        source: &str,
        produced_at: i64,
        about: AnswerAbout,
    ) -> Self {
        RevocationAnswer {
            about: Some(about),
            status,
            reason,
            revoked_at: None,
            kind: SourceKind::External,
            source: format!("operator:{source}"),
            produced_at,
            next_update: None,
        }
    }
}

/// Freshness policy (explicit data with safe defaults).
///
/// JSON form (camelCase, the `revocationPolicy` option): read by
/// [`RevocationPolicy::from_json_value`] (`src/assertion/options.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RevocationPolicy {
    /// Oldest CRL accepted: seconds after its thisUpdate (default 48 h; J-LIS publishes daily).
    pub crl_max_age_seconds: u32,
    /// Oldest OCSP answer accepted: seconds after its thisUpdate (default 15 min, J-LIS's
    /// OCSP update interval).
    pub ocsp_max_age_seconds: u32,
    /// Oldest platform-operator answer accepted, seconds (default 15 min).
    pub external_max_age_seconds: u32,
}

/// Most `crlMaxAgeSeconds`: 7 days (J-LIS publishes daily; a week-old list is already lax).
pub const MAX_CRL_MAX_AGE_SECONDS: u32 = 7 * 86_400;
/// Most `ocspMaxAgeSeconds` and `externalMaxAgeSeconds`: 1 day.
pub const MAX_ANSWER_MAX_AGE_SECONDS: u32 = 86_400;

impl RevocationPolicy {
    /// Bounds the freshness windows (review-security L3: a policy of 136 years accepted any
    /// stale CRL): `crlMaxAgeSeconds` ≤ 7 days, the OCSP and operator windows ≤ 1 day.
    /// `JPKI_INVALID_OPTIONS` otherwise.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |what: &str| {
            Err(Error::InvalidOptions {
                reason: format!("revocationPolicy: {what}"),
            })
        };
        if self.crl_max_age_seconds > MAX_CRL_MAX_AGE_SECONDS {
            return bad("crlMaxAgeSeconds above 7 days (604800)");
        }
        if self.ocsp_max_age_seconds > MAX_ANSWER_MAX_AGE_SECONDS {
            return bad("ocspMaxAgeSeconds above 1 day (86400)");
        }
        if self.external_max_age_seconds > MAX_ANSWER_MAX_AGE_SECONDS {
            return bad("externalMaxAgeSeconds above 1 day (86400)");
        }
        Ok(())
    }
}

fn default_crl_max_age() -> u32 {
    48 * 3600
}

fn default_ocsp_max_age() -> u32 {
    15 * 60
}

impl Default for RevocationPolicy {
    fn default() -> Self {
        RevocationPolicy {
            crl_max_age_seconds: default_crl_max_age(),
            ocsp_max_age_seconds: default_ocsp_max_age(),
            external_max_age_seconds: default_ocsp_max_age(),
        }
    }
}

/// Revocation status slot of a verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum RevocationStatus {
    /// A fresh source said good.
    Good,
    /// Revoked.
    Revoked,
    /// No revocation source was consulted.
    Unchecked,
    /// A source answered "unknown".
    Unknown,
}

/// Revocation part of a verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Revocation {
    /// Status.
    pub status: RevocationStatus,
    /// RFC 5280 reason, if revoked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The source consulted (CRL, OCSP, platform operator).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// When the source's answer was produced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<String>,
    /// What the person should do, when revoked (English and Japanese).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub advice: Option<Advice>,
}

/// Advice for the person in both languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Advice {
    /// English.
    pub en: &'static str,
    /// Japanese.
    pub ja: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_codes_round_trip() {
        for code in 0..=12u8 {
            match Reason::from_code(code) {
                Some(r) => assert_eq!(r.code(), code),
                None => assert!(code == 7 || code > 10),
            }
        }
        assert_eq!(Reason::AffiliationChanged.as_str(), "affiliationChanged");
        assert!(Reason::AffiliationChanged.advice().1.contains("市区町村"));
    }
}
