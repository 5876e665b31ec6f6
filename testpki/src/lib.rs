//! Deterministic generator of the JPKI-shaped **test** PKI used by
//! jpki-verify's tests and demo.
//!
//! Two self-signed RSA-2048 CAs (`sign-ca`, `auth-ca`) issue, for every
//! [`Persona`], a signature certificate and a user-authentication
//! certificate shaped after J-LIS's real My Number Card profile
//! (keyUsage, critical certificatePolicies, JPKI identity `otherName`s in
//! subjectAltName, issuerAltName, AKI/SKI).
//!
//! Nothing depends on the clock or on OS randomness: each key is drawn from
//! `ChaCha20Rng::from_seed(SHA-256("jpki-verify testpki v1/" + key_name))`,
//! dates are constants and RSASSA-PKCS1-v1_5 signatures are deterministic,
//! so [`generate`] returns byte-identical output on every run.
//!
//! The CAs' CRLs are generated too (current, stale, wrongly signed; see [`crl()`] and
//! [`current_crl_spec`]), and [`large_crl`] writes a million-entry CRL for benchmarks.
//!
//! [`generate_assertions`] builds, from the same keys, signed JWS and CMS
//! assertion fixtures with a `manifest.json` of the expected verification
//! results; [`sign_jws`] signs further JWS on the fly.
//!
//! These keys are published test material. Never trust them in production.

#![forbid(unsafe_code)]

mod assertions;
mod cert;
mod crl;
mod der;
mod keys;
mod oids;
mod personas;
mod readme;

use std::fmt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use assertions::{
    assertion_nonce, generate_assertions, sign_jws, write_assertions_to, ASSERTION_AUDIENCE, ASSERTION_TYP,
};
use cert::{Attribute, SigAlg, Tbs, Text};
pub use crl::{
    crl, crl_issued_at, current_crl_spec, extension, large_crl, large_crl_serial, CrlEntry, CrlSigner, CrlSpec,
    CE_CERTIFICATE_ISSUER, CE_CRL_NUMBER, CE_DELTA_CRL_INDICATOR, CE_INVALIDITY_DATE, CE_ISSUING_DISTRIBUTION_POINT,
    CE_REASON_CODE, CURRENT_NEXT_UPDATE, CURRENT_THIS_UPDATE, STALE_NEXT_UPDATE, STALE_THIS_UPDATE,
};
pub use der::DateTime;
use keys::{KeyType, PrivateKey};
pub use personas::{CertKind, Defect, Identity, Persona, StringKind, PERSONAS};

/// The instant at which every persona with [`Defect::None`] (and the
/// wrong-usage/policy/algorithm personas) is inside its validity period,
/// 2026-06-01T00:00:00Z, as Unix seconds.
pub const VALIDATION_TIME_UNIX: i64 = 1_780_272_000;

/// [`VALIDATION_TIME_UNIX`] in RFC 3339 form.
pub const VALIDATION_TIME_RFC3339: &str = "2026-06-01T00:00:00Z";

/// [`VALIDATION_TIME_UNIX`] as a calendar value.
const VALIDATION_TIME: DateTime = DateTime::new(2026, 6, 1, 0, 0, 0);

/// CA validity start, 2024-01-01T00:00:00Z.
const CA_NOT_BEFORE: DateTime = DateTime::new(2024, 1, 1, 0, 0, 0);
/// CA validity end, 2034-01-01T14:59:59Z.
const CA_NOT_AFTER: DateTime = DateTime::new(2034, 1, 1, 14, 59, 59);

/// One generated output file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// File name relative to the output directory, e.g. `taro-sign.der`.
    pub name: String,
    /// File contents.
    pub bytes: Vec<u8>,
}

/// Why generation failed. None of these are expected in practice: every
/// input is a constant of this crate.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A value could not be DER-encoded (bad OID, date or string).
    Der(&'static str),
    /// Key generation, key encoding or signing failed.
    Crypto(String),
    /// Writing the output failed.
    Io {
        /// The file or directory being written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Der(what) => write!(f, "DER encoding: {what}"),
            Error::Crypto(what) => write!(f, "crypto: {what}"),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A certificate authority of the test PKI.
struct CaSpec {
    kind: CertKind,
    stem: &'static str,
    ou: &'static str,
    serial: u64,
}

const CAS: [CaSpec; 2] = [
    CaSpec {
        kind: CertKind::Sign,
        stem: "sign-ca",
        ou: "JPKI for digital signature",
        serial: 1,
    },
    CaSpec {
        kind: CertKind::Auth,
        stem: "auth-ca",
        ou: "JPKI for user authentication",
        serial: 2,
    },
];

/// The OU that marks every CA DN as not J-LIS.
const NOT_JLIS_OU: &str = "jpki-verify TEST PKI - not issued by J-LIS";

impl CaSpec {
    /// `C=JP, O=JPKI-TEST, OU=<purpose>, OU=jpki-verify TEST PKI - not issued by J-LIS`.
    fn dn(&self) -> [Attribute<'static>; 4] {
        [
            (oids::AT_COUNTRY, Text::Printable("JP")),
            (oids::AT_ORGANIZATION, Text::Utf8("JPKI-TEST")),
            (oids::AT_ORGANIZATIONAL_UNIT, Text::Utf8(self.ou)),
            (oids::AT_ORGANIZATIONAL_UNIT, Text::Utf8(NOT_JLIS_OU)),
        ]
    }
}

/// An issued CA, kept while its end entities are signed.
struct Ca {
    key: PrivateKey,
    name_der: Vec<u8>,
    key_id: Vec<u8>,
}

/// What the README reports about one certificate.
pub(crate) struct CertSummary {
    pub(crate) stem: String,
    pub(crate) subject: String,
    pub(crate) issuer: String,
    pub(crate) serial: u64,
    pub(crate) not_before: DateTime,
    pub(crate) not_after: DateTime,
    pub(crate) key: String,
    pub(crate) sig_alg: SigAlg,
    pub(crate) key_usage: &'static str,
    pub(crate) policy: Option<&'static [u64]>,
    pub(crate) key_id: Vec<u8>,
}

fn build_ca(spec: &CaSpec, files: &mut Vec<GeneratedFile>) -> Result<(Ca, CertSummary), Error> {
    let key = PrivateKey::derive(spec.stem, KeyType::Rsa(2048))?;
    let rsa = key.as_rsa().ok_or(Error::Crypto("CA key must be RSA".to_string()))?;
    let dn = spec.dn();
    let name_der = cert::name(&dn)?;
    let key_id = key.key_identifier();
    let spki = key.spki()?;
    let tbs = Tbs {
        serial: spec.serial,
        sig_alg: SigAlg::Sha256WithRsa,
        issuer: &name_der,
        not_before: CA_NOT_BEFORE,
        not_after: CA_NOT_AFTER,
        subject: &name_der,
        spki: &spki,
        extensions: vec![
            cert::basic_constraints_ca()?,
            cert::key_usage(&[5, 6])?,
            cert::subject_key_identifier(&key_id)?,
        ],
    };
    let der = tbs.sign(rsa, spec.stem)?;
    files.push(GeneratedFile {
        name: format!("{}.der", spec.stem),
        bytes: der,
    });
    files.push(GeneratedFile {
        name: format!("{}.key.der", spec.stem),
        bytes: key.pkcs8_der()?,
    });
    let summary = CertSummary {
        stem: spec.stem.to_string(),
        subject: cert::display_name(&dn),
        issuer: cert::display_name(&dn),
        serial: spec.serial,
        not_before: CA_NOT_BEFORE,
        not_after: CA_NOT_AFTER,
        key: key.describe(),
        sig_alg: SigAlg::Sha256WithRsa,
        key_usage: "keyCertSign, cRLSign",
        policy: None,
        key_id: key_id.clone(),
    };
    Ok((Ca { key, name_der, key_id }, summary))
}

/// A persona's certificate of `kind` issued again by the same test CA, with the same key and
/// serial, after `edit` has changed its list of DER `Extension`s (build them with
/// [`extension`]): for tests of how the verifier treats extensions no fixture carries (an
/// unknown critical one, cRLDistributionPoints, extendedKeyUsage, basicConstraints cA). The
/// persona's committed key (`<id>-<kind>.key.der`) still signs for it. Not written anywhere.
pub fn persona_variant(
    persona_id: &str,
    kind: CertKind,
    edit: impl FnOnce(&mut Vec<Vec<u8>>),
) -> Result<Vec<u8>, Error> {
    let persona = PERSONAS
        .iter()
        .find(|p| p.id == persona_id)
        .ok_or_else(|| Error::Crypto(format!("no persona {persona_id}")))?;
    let spec = CAS
        .iter()
        .find(|c| c.kind == kind)
        .ok_or_else(|| Error::Crypto("no CA of that kind".to_string()))?;
    let mut scratch = Vec::new();
    let (ca, summary) = build_ca(spec, &mut scratch)?;
    scratch.clear();
    build_end_entity_with(persona, kind, &ca, &summary.subject, &mut scratch, edit)?;
    scratch
        .into_iter()
        .find(|f| f.name == format!("{}.der", persona.file_stem(kind)))
        .map(|f| f.bytes)
        .ok_or_else(|| Error::Crypto("variant not built".to_string()))
}

/// `Extension` DER helpers for [`persona_variant`]: basicConstraints `cA=TRUE`.
pub fn basic_constraints_ca_extension() -> Result<Vec<u8>, Error> {
    cert::basic_constraints_ca()
}

fn build_end_entity(
    persona: &Persona,
    kind: CertKind,
    ca: &Ca,
    ca_dn: &str,
    files: &mut Vec<GeneratedFile>,
) -> Result<CertSummary, Error> {
    build_end_entity_with(persona, kind, ca, ca_dn, files, |_| {})
}

fn build_end_entity_with(
    persona: &Persona,
    kind: CertKind,
    ca: &Ca,
    ca_dn: &str,
    files: &mut Vec<GeneratedFile>,
    edit: impl FnOnce(&mut Vec<Vec<u8>>),
) -> Result<CertSummary, Error> {
    let stem = persona.file_stem(kind);
    let key_type = match persona.defect {
        Defect::Rsa1024 => KeyType::Rsa(1024),
        Defect::EcdsaP256 => KeyType::P256,
        _ => KeyType::Rsa(2048),
    };
    let key = PrivateKey::derive(&stem, key_type)?;
    let sig_alg = match persona.defect {
        Defect::Sha1Signature => SigAlg::Sha1WithRsa,
        _ => SigAlg::Sha256WithRsa,
    };
    let wrong_ku = persona.defect == Defect::WrongKeyUsage;
    let (ku_bits, key_usage): (&[u8], &'static str) = match (kind, wrong_ku) {
        (CertKind::Sign, false) => (&[0, 1], "digitalSignature, nonRepudiation"),
        (CertKind::Sign, true) => (&[0], "digitalSignature"),
        (CertKind::Auth, false) => (&[0], "digitalSignature"),
        (CertKind::Auth, true) => (&[2], "keyEncipherment"),
    };
    let policy = match (kind, persona.defect) {
        (_, Defect::WrongPolicy) => oids::ANY_POLICY,
        (CertKind::Sign, _) => oids::JPKI_TEST_SIGN_POLICY,
        (CertKind::Auth, _) => oids::JPKI_TEST_AUTH_POLICY,
    };

    let cn = persona.common_name(kind);
    let subject_attrs: Vec<Attribute<'_>> = match kind {
        CertKind::Sign => vec![
            (oids::AT_COUNTRY, Text::Printable("JP")),
            (oids::AT_LOCALITY, Text::Utf8("Tokyo-to")),
            (oids::AT_LOCALITY, Text::Utf8("Chiyoda-ku")),
            (oids::AT_COMMON_NAME, Text::Utf8(&cn)),
        ],
        CertKind::Auth => vec![
            (oids::AT_COUNTRY, Text::Printable("JP")),
            (oids::AT_COMMON_NAME, Text::Utf8(&cn)),
        ],
    };
    let subject = cert::name(&subject_attrs)?;
    let key_id = key.key_identifier();
    let spki = key.spki()?;

    let marker = persona.defect.is_smartphone().then_some(oids::TEST_SMARTPHONE_MARKER);
    let mut extensions = vec![
        cert::key_usage(ku_bits)?,
        cert::certificate_policies_with_marker(policy, marker)?,
    ];
    if kind == CertKind::Sign {
        extensions.push(cert::jpki_subject_alt_name(&persona.identity)?);
    }
    extensions.push(cert::issuer_alt_name()?);
    extensions.push(cert::authority_key_identifier(&ca.key_id)?);
    extensions.push(cert::subject_key_identifier(&key_id)?);
    edit(&mut extensions);

    let (not_before, not_after) = persona.validity();
    let serial = u64::from(persona.serial(kind));
    let tbs = Tbs {
        serial,
        sig_alg,
        issuer: &ca.name_der,
        not_before,
        not_after,
        subject: &subject,
        spki: &spki,
        extensions,
    };
    let ca_key = ca.key.as_rsa().ok_or(Error::Crypto("CA key must be RSA".to_string()))?;
    files.push(GeneratedFile {
        name: format!("{stem}.der"),
        bytes: tbs.sign(ca_key, &stem)?,
    });
    files.push(GeneratedFile {
        name: format!("{stem}.key.der"),
        bytes: key.pkcs8_der()?,
    });
    Ok(CertSummary {
        stem,
        subject: cert::display_name(&subject_attrs),
        issuer: ca_dn.to_string(),
        serial,
        not_before,
        not_after,
        key: key.describe(),
        sig_alg,
        key_usage,
        policy: Some(policy),
        key_id,
    })
}

/// Generates the whole test PKI in memory: CA certificates and keys,
/// every persona's certificates and keys, and `README.md`, sorted by name.
///
/// Deterministic: two calls return byte-identical files.
pub fn generate() -> Result<Vec<GeneratedFile>, Error> {
    let mut files = Vec::new();
    let mut ca_summaries = Vec::new();
    let mut ee_summaries = Vec::new();
    for spec in &CAS {
        let (ca, summary) = build_ca(spec, &mut files)?;
        for persona in PERSONAS {
            ee_summaries.push(build_end_entity(persona, spec.kind, &ca, &summary.subject, &mut files)?);
        }
        ca_summaries.push(summary);
    }
    files.extend(crl::fixture_crls()?);
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let hashes: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.name.clone(), hex(&Sha256::digest(&f.bytes))))
        .collect();
    files.push(GeneratedFile {
        name: "README.md".to_string(),
        bytes: readme::render(&ca_summaries, &ee_summaries, &hashes).into_bytes(),
    });
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// Generates the test PKI (see [`generate`]), creates `dir` if needed and
/// writes every file into it, overwriting files of the same name.
pub fn write_to(dir: &Path) -> Result<Vec<GeneratedFile>, Error> {
    write_files(dir, generate()?)
}

fn write_files(dir: &Path, files: Vec<GeneratedFile>) -> Result<Vec<GeneratedFile>, Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for file in &files {
        let path = dir.join(&file.name);
        std::fs::write(&path, &file.bytes).map_err(|source| Error::Io { path, source })?;
    }
    Ok(files)
}

/// The personas whose keys the SDK's virtual card holds (`VirtualCard`, `card::VirtualCard`).
pub const VIRTUAL_CARD_PERSONAS: [&str; 7] = ["taro", "hanako", "expired", "moved", "movednew", "android", "iphone"];

/// The generated files the SDK compiles in (`embedded/testpki/` of the jpki-verify crate): the
/// two test CAs (its TEST anchors, `TrustAnchors::test_pki`) and the certificates and keys of
/// [`VIRTUAL_CARD_PERSONAS`]. A subset of [`generate`], byte for byte, so the crate's packaged
/// tarball needs nothing from `tests/`.
pub fn embedded_in_sdk() -> Result<Vec<GeneratedFile>, Error> {
    let wanted = |name: &str| {
        matches!(name, "sign-ca.der" | "auth-ca.der")
            || VIRTUAL_CARD_PERSONAS.iter().any(|p| {
                ["-sign.der", "-sign.key.der", "-auth.der", "-auth.key.der"]
                    .iter()
                    .any(|suffix| name.strip_prefix(p) == Some(suffix))
            })
    };
    Ok(generate()?.into_iter().filter(|f| wanted(&f.name)).collect())
}

/// Writes [`embedded_in_sdk`] into `dir` (the crate's `embedded/testpki/`).
pub fn write_embedded_to(dir: &Path) -> Result<Vec<GeneratedFile>, Error> {
    write_files(dir, embedded_in_sdk()?)
}

/// Upper-case hex without separators.
pub(crate) fn hex(bytes: &[u8]) -> String {
    hex::encode_upper(bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
