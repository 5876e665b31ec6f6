//! The JPKI certificate model: parse DER or PEM, classify, extract the 4 basic information.
//!
//! ```text
//! Certificate  ::=  SEQUENCE  {                                   -- RFC 5280 §4.1
//!      tbsCertificate       TBSCertificate,
//!      signatureAlgorithm   AlgorithmIdentifier,
//!      signatureValue       BIT STRING  }
//! ```
//!
//! Parsing runs in two passes. `crate::der::check_structure` walks the whole TLV tree with
//! strict DER length rules and a depth bound, so that truncation, trailing bytes and BER-isms
//! are reported with their byte offset. Then x509-parser decodes the RFC 5280 structure, and this
//! module adds what x509-parser does not know: duplicate-extension rejection (RFC 5280 §4.2),
//! the outer/inner signature algorithm check (§4.1.1.2), the JPKI profile (policies, kind,
//! token, environment) and the identity otherNames (`identity`).
//!
//! The model never makes a trust decision: `anchor` says which pinned CA the certificate
//! *names* as its issuer (by DN and key identifier); only path validation proves it.

mod derive;
mod identity;
mod pem;
mod profile;
pub(crate) mod x509;

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use derive::{prefecture, PREFECTURES};
pub use identity::{
    DateOfBirth, Era, Identity, OtherAttribute, Sex, OID_ADDRESS, OID_ADDRESS_SUBSTITUTED, OID_DATE_OF_BIRTH, OID_NAME,
    OID_NAME_SUBSTITUTED, OID_SEX, PERSONAL_DATA_ARC,
};
pub use profile::{
    Environment, Kind, Role, SmartphoneProfile, Token, TokenBasis, POLICY_ARC, POLICY_AUTH, POLICY_AUTH_TEST,
    POLICY_SIGN, POLICY_SIGN_SMARTPHONE, POLICY_SIGN_TEST, POLICY_SMARTPHONE_TESTPKI,
};
pub use x509::MAX_EXTENSIONS;

use crate::der::{self, hex_upper, Tlv};
use crate::encoding::hex_lower;
use crate::error::{Error, Result};
use crate::time::to_rfc3339;

/// Largest input (DER or PEM) accepted as one certificate. JPKI certificates are 1–2 KB;
/// 64 KiB leaves room for any honest certificate and bounds the work done on hostile input.
pub const MAX_CERTIFICATE_INPUT: usize = 64 * 1024;

/// A parsed certificate: the JSON model (what `jpki-verify inspect` prints and
/// `parseCertificate` returns, camelCase) plus the raw parts later checks need.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Certificate {
    /// End entity or CA.
    pub role: Role,
    /// Signature or authentication certificate (or CA for one of them).
    pub kind: Kind,
    /// Card or smartphone token (end entities only; unconfirmed basis is noted in `notes`).
    pub token: Token,
    /// What `token` rests on: a certificate policy, a configured issuer, the card's token label.
    pub token_basis: TokenBasis,
    /// Production (J-LIS) or test hierarchy.
    pub environment: Environment,
    /// X.509 version (3 for every JPKI certificate).
    pub version: u32,
    /// Serial number (発行番号), upper-case hex of the DER INTEGER's magnitude.
    pub serial_number: String,
    /// Issuer DN, RFC 4514-style in encoding order, e.g. `C=JP, O=JPKI, OU=…`.
    pub issuer: String,
    /// Subject DN, same format.
    pub subject: String,
    /// Start of validity, RFC 3339 UTC.
    pub not_before: String,
    /// End of validity, RFC 3339 UTC.
    pub not_after: String,
    /// Name of the certificate's signature algorithm (e.g. `sha256WithRSAEncryption`).
    pub signature_algorithm: String,
    /// Its OID.
    pub signature_algorithm_oid: String,
    /// `rsa`, `ecP256`, or the key algorithm OID when neither.
    pub key_algorithm: String,
    /// Key size in bits (RSA modulus length; 256 for P-256).
    pub key_bits: u32,
    /// Key usage bits by RFC 5280 name, in bit order; absent when the extension is absent.
    pub key_usage: Option<Vec<&'static str>>,
    /// Whether keyUsage is marked critical.
    pub key_usage_critical: bool,
    /// Extended key usage OIDs, if the extension is present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended_key_usage: Option<Vec<String>>,
    /// Certificate policy OIDs.
    pub policies: Vec<String>,
    /// basicConstraints, if present.
    pub basic_constraints: Option<BasicConstraints>,
    /// subjectKeyIdentifier, upper-case hex.
    pub subject_key_identifier: Option<String>,
    /// authorityKeyIdentifier keyIdentifier, upper-case hex.
    pub authority_key_identifier: Option<String>,
    /// SHA-256 of the DER certificate, lower-case hex.
    pub sha256_fingerprint: String,
    /// Generation of the pinned CA this certificate is (for a CA) or names as its issuer
    /// (for an end entity), when it matches one. `None` for test anchors and unknown issuers.
    pub ca_generation: Option<u8>,
    /// The pinned or test anchor matched (informational; see the module docs).
    pub anchor: Option<AnchorRef>,
    /// The 4 basic information (signature certificates only).
    pub identity: Option<Identity>,
    /// OIDs of critical extensions this SDK does not process (path validation rejects them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_critical_extensions: Vec<String>,
    /// What the classification rests on where a fact is unconfirmed or inferred.
    pub notes: Vec<String>,
    /// Anomalies that did not prevent parsing.
    pub warnings: Vec<String>,
    #[serde(skip)]
    pub(crate) raw: RawParts,
}

/// `BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }`
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BasicConstraints {
    /// cA.
    pub ca: bool,
    /// pathLenConstraint.
    pub path_len: Option<u32>,
}

/// The bytes of a certificate that path validation and signature checks need.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub(crate) struct RawParts {
    pub(crate) der: Vec<u8>,
    /// `tbsCertificate` (the signed bytes), as a range of `der`.
    pub(crate) tbs: core::ops::Range<usize>,
    /// DER of the issuer Name.
    pub(crate) issuer: Vec<u8>,
    /// DER of the subject Name.
    pub(crate) subject: Vec<u8>,
    /// DER of SubjectPublicKeyInfo.
    pub(crate) spki: Vec<u8>,
    /// signatureAlgorithm OID and DER of its parameters (if any).
    pub(crate) signature_algorithm_oid: String,
    pub(crate) signature_algorithm_params: Option<Vec<u8>>,
    /// signatureValue bits.
    pub(crate) signature: Vec<u8>,
    pub(crate) ski: Option<Vec<u8>>,
    pub(crate) aki: Option<Vec<u8>>,
    pub(crate) not_before: i64,
    pub(crate) not_after: i64,
    /// cRLDistributionPoints: for each DistributionPoint, the names of its distributionPoint
    /// (empty when it has none); `None` without the extension. Matched against a CRL's
    /// issuingDistributionPoint (`CrlIndex::answer`; feature `revocation`: without CRLs the
    /// extension is understood and not processed).
    #[cfg(feature = "revocation")]
    pub(crate) crl_distribution_points: Option<Vec<Vec<Vec<u8>>>>,
}

impl Certificate {
    /// The DER encoding as given (after PEM decoding).
    pub fn der(&self) -> &[u8] {
        &self.raw.der
    }

    /// Validity start as Unix seconds.
    pub fn not_before_unix(&self) -> i64 {
        self.raw.not_before
    }

    /// Validity end as Unix seconds.
    pub fn not_after_unix(&self) -> i64 {
        self.raw.not_after
    }

    /// The model as a JSON value (camelCase), as `inspect` prints it.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Whether the key usage extension asserts `bit` (RFC 5280 name, e.g. `nonRepudiation`).
    pub fn has_key_usage(&self, bit: &str) -> bool {
        self.key_usage.as_ref().is_some_and(|k| k.contains(&bit))
    }
}

/// Parses one certificate from DER or PEM into the model, without looking up anchors
/// ([`crate::trust::parse_certificate`] adds the label; the anchors are built with this).
///
/// Errors: [`Error::InputTooLarge`] above [`MAX_CERTIFICATE_INPUT`], otherwise
/// [`Error::Malformed`] with the byte offset where it could be located.
pub fn parse(input: &[u8]) -> Result<Certificate> {
    if input.len() > MAX_CERTIFICATE_INPUT {
        return Err(Error::InputTooLarge {
            len: input.len(),
            limit: MAX_CERTIFICATE_INPUT,
        });
    }
    if input.first() == Some(&der::tag::SEQUENCE) {
        parse_der(input.to_vec())
    } else if pem::looks_like_pem(input) {
        let der = pem::decode_certificate(input)?;
        parse_der(der).map_err(|e| match e {
            // Offsets inside decoded PEM point into the DER, not the text: say so.
            Error::Malformed { what, offset: Some(o) } => {
                Error::malformed(format!("{what} (at DER byte {o} of the PEM body)"), None)
            }
            other => other,
        })
    } else if input.is_empty() {
        Err(Error::malformed("certificate: empty input", Some(0)))
    } else {
        Err(Error::malformed(
            format!(
                "certificate: neither DER (first byte 0x{:02X}, expected 0x30) nor PEM",
                input[0]
            ),
            Some(0),
        ))
    }
}

fn parse_der(der: Vec<u8>) -> Result<Certificate> {
    der::check_structure(&der, "certificate")?;
    let parsed = x509::parse(&der).map_err(|e| match other_object_kind(&der) {
        Some(kind) => Error::malformed(format!("certificate: this is {kind}, not a certificate"), Some(0)),
        None => e,
    })?;
    let mut model = build_model(&der, &parsed)?;
    model.raw.der = der.clone();
    Ok(model)
}

/// Recognises the DER objects most often passed by mistake, to say what they are.
///
/// ```text
/// PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm AlgorithmIdentifier,
///                               privateKey OCTET STRING, ... }                 -- RFC 5208
/// SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier,
///                                     subjectPublicKey BIT STRING }            -- RFC 5280
/// ```
fn other_object_kind(der: &[u8]) -> Option<&'static str> {
    let mut outer = der::Reader::new(der, 0);
    let top = outer.expect_tag(der::tag::SEQUENCE, "object").ok()?;
    let mut r = der::Reader::new(top.value, top.value_offset);
    let tags: Vec<u8> = core::iter::from_fn(|| r.read().ok().map(|t| t.tag)).take(4).collect();
    match tags.as_slice() {
        [0x02, 0x30, 0x04, ..] => Some("a PKCS#8 private key"),
        [0x30, 0x03] => Some("a SubjectPublicKeyInfo (public key)"),
        [0x02, 0x02, ..] => Some("a PKCS#1 RSA key"),
        _ => None,
    }
}

/// Extension OIDs (RFC 5280 §4.2.1).
const EXT_KEY_USAGE: &str = "2.5.29.15";
const EXT_BASIC_CONSTRAINTS: &str = "2.5.29.19";
const EXT_CERTIFICATE_POLICIES: &str = "2.5.29.32";
const EXT_SUBJECT_KEY_ID: &str = "2.5.29.14";
const EXT_AUTHORITY_KEY_ID: &str = "2.5.29.35";
const EXT_SUBJECT_ALT_NAME: &str = "2.5.29.17";
const EXT_ISSUER_ALT_NAME: &str = "2.5.29.18";
const EXT_CRL_DISTRIBUTION_POINTS: &str = "2.5.29.31";
const EXT_EXTENDED_KEY_USAGE: &str = "2.5.29.37";

fn ext_err(oid: &str, e: Error) -> Error {
    match e {
        Error::Malformed { what, offset } => Error::malformed(format!("extension {oid}: {what}"), offset),
        other => other,
    }
}

/// `KeyUsage ::= BIT STRING` → bit flags (bit 0 = digitalSignature), DER unused bits zero.
fn parse_key_usage(value: &[u8], at: usize) -> Result<u16> {
    let mut r = der::Reader::new(value, at);
    let bits = r.expect_tag(0x03, "KeyUsage")?;
    r.finish("KeyUsage")?;
    let (unused, bytes) = bits
        .value
        .split_first()
        .ok_or_else(|| Error::malformed("KeyUsage: empty BIT STRING", Some(bits.offset)))?;
    if *unused > 7 || (bytes.is_empty() && *unused != 0) || bytes.len() > 2 {
        return Err(Error::malformed("KeyUsage: bad BIT STRING", Some(bits.offset)));
    }
    if let Some(last) = bytes.last() {
        if last & ((1u8 << unused) - 1) != 0 {
            return Err(Error::malformed(
                "KeyUsage: unused bits are not zero",
                Some(bits.offset),
            ));
        }
    }
    let mut flags = 0u16;
    for i in 0..bytes.len() * 8 {
        if bytes[i / 8] & (0x80 >> (i % 8)) != 0 {
            flags |= 1 << i;
        }
    }
    Ok(flags)
}

/// `BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }`
fn parse_basic_constraints(value: &[u8], at: usize) -> Result<BasicConstraints> {
    let mut top = der::Reader::new(value, at);
    let seq = top.expect_tag(der::tag::SEQUENCE, "BasicConstraints")?;
    top.finish("BasicConstraints")?;
    let mut r = der::Reader::new(seq.value, seq.value_offset);
    let mut bc = BasicConstraints {
        ca: false,
        path_len: None,
    };
    while !r.is_empty() {
        let f = r.read()?;
        match (f.tag, f.value) {
            (0x01, [0xFF]) if !bc.ca && bc.path_len.is_none() => bc.ca = true,
            (0x01, _) => {
                return Err(Error::malformed(
                    "BasicConstraints: cA must be TRUE when present (DER)",
                    Some(f.offset),
                ))
            }
            (0x02, v) if bc.path_len.is_none() && !v.is_empty() && v.len() <= 4 && v[0] & 0x80 == 0 => {
                bc.path_len = Some(v.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b)));
            }
            _ => return Err(Error::malformed("BasicConstraints: unexpected field", Some(f.offset))),
        }
    }
    Ok(bc)
}

/// `SEQUENCE OF OBJECT IDENTIFIER`-like lists: certificatePolicies (first field of each
/// PolicyInformation) and extKeyUsage.
/// Most entries of certificatePolicies or extKeyUsage (JPKI certificates list one or two): the
/// duplicate check is a scan, so the cap keeps a parse linear (docs/security.md, "Budgets").
pub const MAX_OIDS_PER_LIST: usize = 32;

fn parse_oid_list(value: &[u8], at: usize, nested: bool, what: &str) -> Result<Vec<String>> {
    let mut top = der::Reader::new(value, at);
    let seq = top.expect_tag(der::tag::SEQUENCE, what)?;
    top.finish(what)?;
    let mut r = der::Reader::new(seq.value, seq.value_offset);
    let mut out = Vec::new();
    while !r.is_empty() {
        let oid = if nested {
            let info = r.expect_tag(der::tag::SEQUENCE, what)?;
            let mut i = der::Reader::new(info.value, info.value_offset);
            let oid = i.expect_tag(0x06, what)?;
            if !i.is_empty() {
                i.expect_tag(der::tag::SEQUENCE, "policyQualifiers")?;
            }
            i.finish(what)?;
            oid
        } else {
            r.expect_tag(0x06, what)?
        };
        if out.len() == MAX_OIDS_PER_LIST {
            return Err(Error::malformed(
                "more than 32 policy or extKeyUsage entries",
                Some(oid.offset),
            ));
        }
        let id = der::oid_to_string(oid.value, oid.value_offset)?;
        if out.contains(&id) {
            return Err(Error::malformed(format!("{what}: {id} listed twice"), Some(oid.offset)));
        }
        out.push(id);
    }
    if out.is_empty() {
        return Err(Error::malformed(format!("{what}: empty"), Some(seq.offset)));
    }
    Ok(out)
}

/// ```text
/// CRLDistributionPoints ::= SEQUENCE SIZE (1..MAX) OF DistributionPoint  -- RFC 5280 §4.2.1.13
/// DistributionPoint ::= SEQUENCE {
///      distributionPoint       [0]     DistributionPointName OPTIONAL,
///      reasons                 [1]     ReasonFlags OPTIONAL,
///      cRLIssuer               [2]     GeneralNames OPTIONAL }
/// ```
/// → for each point, the names of its distributionPoint ([`crate::pkix::distribution_point_names`]).
#[cfg(feature = "revocation")]
fn parse_crl_distribution_points(value: &[u8], at: usize) -> Result<Vec<Vec<Vec<u8>>>> {
    let what = "CRLDistributionPoints";
    let mut top = der::Reader::new(value, at);
    let seq = top.expect_tag(der::tag::SEQUENCE, what)?;
    top.finish(what)?;
    let mut r = der::Reader::new(seq.value, seq.value_offset);
    let mut out = Vec::new();
    while !r.is_empty() {
        let point = r.expect_tag(der::tag::SEQUENCE, "DistributionPoint")?;
        if out.len() == crate::pkix::MAX_DISTRIBUTION_NAMES {
            return Err(Error::malformed(
                format!("{what}: more than 16 points"),
                Some(point.offset),
            ));
        }
        let mut p = der::Reader::new(point.value, point.value_offset);
        let mut names = Vec::new();
        let mut last = None;
        while !p.is_empty() {
            let field = p.read()?;
            let number = field.tag & 0x1F;
            if last.is_some_and(|l| number <= l) || number > 2 || field.tag & 0xC0 != 0x80 {
                return Err(Error::malformed(
                    format!("{what}: unexpected field"),
                    Some(field.offset),
                ));
            }
            last = Some(number);
            if field.tag == der::tag::CONTEXT_0_CONSTRUCTED {
                names = crate::pkix::distribution_point_names(&field, what)?;
            }
        }
        if last.is_none() {
            return Err(Error::malformed(
                format!("{what}: empty DistributionPoint"),
                Some(point.offset),
            ));
        }
        out.push(names);
    }
    if out.is_empty() {
        return Err(Error::malformed(format!("{what}: empty"), Some(seq.offset)));
    }
    Ok(out)
}

fn parse_octet_string(value: &[u8], at: usize, what: &str) -> Result<Vec<u8>> {
    let mut r = der::Reader::new(value, at);
    let o = r.expect_tag(0x04, what)?;
    r.finish(what)?;
    Ok(o.value.to_vec())
}

/// `AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] KeyIdentifier OPTIONAL, ... }`
fn parse_aki(value: &[u8], at: usize) -> Result<Option<Vec<u8>>> {
    let mut top = der::Reader::new(value, at);
    let seq = top.expect_tag(der::tag::SEQUENCE, "AuthorityKeyIdentifier")?;
    top.finish("AuthorityKeyIdentifier")?;
    let mut r = der::Reader::new(seq.value, seq.value_offset);
    let mut key_id = None;
    while !r.is_empty() {
        let f = r.read()?;
        match f.tag {
            0x80 if key_id.is_none() => key_id = Some(f.value.to_vec()),
            0xA1 | 0x82 => {}
            _ => {
                return Err(Error::malformed(
                    "AuthorityKeyIdentifier: unexpected field",
                    Some(f.offset),
                ))
            }
        }
    }
    Ok(key_id)
}

/// SubjectAltName otherNames under the JPKI personal-data arc, as `(OID, raw "[0] value",
/// offset)`; other GeneralName forms are accepted and ignored.
/// `(OID, raw value, offset)` of each personal-data otherName.
type OtherNames<'a> = Vec<(String, &'a [u8], Option<usize>)>;

fn parse_san_other_names(value: &[u8], at: usize) -> Result<OtherNames<'_>> {
    let mut top = der::Reader::new(value, at);
    let seq = top.expect_tag(der::tag::SEQUENCE, "SubjectAltName")?;
    top.finish("SubjectAltName")?;
    let mut r = der::Reader::new(seq.value, seq.value_offset);
    let mut out = Vec::new();
    while !r.is_empty() {
        let gn = r.read()?;
        if gn.tag != der::tag::CONTEXT_0_CONSTRUCTED {
            continue;
        }
        let mut o = der::Reader::new(gn.value, gn.value_offset);
        let oid = o.expect_tag(0x06, "otherName type-id")?;
        let id = der::oid_to_string(oid.value, oid.value_offset)?;
        let rest_at = o.offset();
        let rest = &gn.value[rest_at - gn.value_offset..];
        if id.starts_with(PERSONAL_DATA_ARC) && id.as_bytes().get(PERSONAL_DATA_ARC.len()) == Some(&b'.') {
            out.push((id, rest, Some(rest_at)));
        }
    }
    Ok(out)
}

fn build_model(der: &[u8], x: &x509::X509<'_>) -> Result<Certificate> {
    let mut warnings = Vec::new();
    let mut key_usage = None;
    let mut key_usage_critical = false;
    let mut eku = None;
    let mut policies = Vec::new();
    let mut basic_constraints = None;
    let mut ski = None;
    let mut aki = None;
    let mut other_names = Vec::new();
    let mut unknown_critical = Vec::new();
    #[cfg(feature = "revocation")]
    let mut crl_dps = None;
    for ext in &x.extensions {
        let (v, at, oid) = (ext.value, ext.value_offset, ext.oid.as_str());
        let r: Result<()> = (|| {
            match oid {
                EXT_KEY_USAGE => {
                    key_usage = Some(key_usage_names(parse_key_usage(v, at)?));
                    key_usage_critical = ext.critical;
                }
                EXT_EXTENDED_KEY_USAGE => eku = Some(parse_oid_list(v, at, false, "ExtKeyUsage")?),
                EXT_CERTIFICATE_POLICIES => policies = parse_oid_list(v, at, true, "CertificatePolicies")?,
                EXT_BASIC_CONSTRAINTS => basic_constraints = Some(parse_basic_constraints(v, at)?),
                EXT_SUBJECT_KEY_ID => ski = Some(parse_octet_string(v, at, "SubjectKeyIdentifier")?),
                EXT_AUTHORITY_KEY_ID => aki = parse_aki(v, at)?,
                EXT_SUBJECT_ALT_NAME => other_names = parse_san_other_names(v, at)?,
                #[cfg(feature = "revocation")]
                EXT_CRL_DISTRIBUTION_POINTS => crl_dps = Some(parse_crl_distribution_points(v, at)?),
                #[cfg(not(feature = "revocation"))]
                EXT_CRL_DISTRIBUTION_POINTS => {}
                // Informational: understood, not processed.
                EXT_ISSUER_ALT_NAME => {}
                _ => {
                    if ext.critical {
                        unknown_critical.push(ext.oid.clone());
                    }
                }
            }
            Ok(())
        })();
        r.map_err(|e| ext_err(oid, e))?;
    }

    let (key_algorithm, key_bits) = key_info(x.spki)?;
    let identity = identity::from_other_names(&other_names, &mut warnings)?;

    let is_ca = basic_constraints.is_some_and(|b| b.ca);
    let dn_for_profile = if is_ca {
        &x.subject_attributes
    } else {
        &x.issuer_attributes
    };
    let ku = key_usage.clone().unwrap_or_default();
    let class = profile::classify(&profile::Facts {
        is_ca,
        policies: &policies,
        non_repudiation: ku.contains(&"nonRepudiation"),
        digital_signature: ku.contains(&"digitalSignature"),
        has_identity: identity.is_some(),
        organization: attribute_values(dn_for_profile, "2.5.4.10")?,
        organizational_units: attribute_values(dn_for_profile, "2.5.4.11")?,
    });
    let identity = match (class.kind, identity) {
        (Kind::Signature, id) => {
            if id.is_none() && !is_ca {
                warnings.push("signature certificate without the JPKI identity attributes".to_owned());
            }
            id
        }
        (_, Some(_)) => {
            warnings.push(
                "identity attributes ignored: only a signature certificate carries the 4 basic information".to_owned(),
            );
            None
        }
        (_, None) => None,
    };
    if x.not_after < x.not_before {
        warnings.push("notAfter is before notBefore".to_owned());
    }
    if x.serial.first().is_some_and(|b| b & 0x80 != 0) {
        warnings.push("serialNumber is negative (RFC 5280 §4.1.2.2 requires a positive integer)".to_owned());
    }
    let sig_oid = x.signature_algorithm.clone();
    Ok(Certificate {
        role: if is_ca { Role::Ca } else { Role::EndEntity },
        kind: class.kind,
        token: class.token,
        token_basis: class.token_basis,
        environment: class.environment,
        version: x.version,
        serial_number: serial_hex(x.serial),
        issuer: format_name(&x.issuer_attributes, &x.issuer_rdn_sizes)?,
        subject: format_name(&x.subject_attributes, &x.subject_rdn_sizes)?,
        not_before: to_rfc3339(x.not_before),
        not_after: to_rfc3339(x.not_after),
        signature_algorithm: signature_algorithm_name(&sig_oid).unwrap_or(&sig_oid).to_owned(),
        signature_algorithm_oid: sig_oid.clone(),
        key_algorithm,
        key_bits,
        key_usage,
        key_usage_critical,
        extended_key_usage: eku,
        policies,
        basic_constraints,
        subject_key_identifier: ski.as_deref().map(hex_upper),
        authority_key_identifier: aki.as_deref().map(hex_upper),
        sha256_fingerprint: hex_lower(&Sha256::digest(der)),
        ca_generation: None,
        anchor: None,
        identity,
        unknown_critical_extensions: unknown_critical,
        notes: class.notes,
        warnings,
        raw: RawParts {
            der: Vec::new(),
            tbs: x.tbs_offset..x.tbs_offset + x.tbs.len(),
            issuer: x.issuer.to_vec(),
            subject: x.subject.to_vec(),
            spki: x.spki.to_vec(),
            signature_algorithm_oid: sig_oid,
            signature_algorithm_params: x.signature_params.map(<[u8]>::to_vec),
            signature: x.signature.to_vec(),
            ski,
            aki,
            not_before: x.not_before,
            not_after: x.not_after,
            #[cfg(feature = "revocation")]
            crl_distribution_points: crl_dps,
        },
    })
}

/// RFC 5280 §4.2.1.3 KeyUsage bit names, bit 0 first.
const KEY_USAGE_NAMES: [&str; 9] = [
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly",
];

fn key_usage_names(flags: u16) -> Vec<&'static str> {
    KEY_USAGE_NAMES
        .iter()
        .enumerate()
        .filter(|(i, _)| flags & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect()
}

/// Names of the signature algorithms this SDK knows (RFC 4055, RFC 5758, RFC 3279).
pub(crate) fn signature_algorithm_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.4.3.2" => "ecdsaWithSHA256",
        "1.2.840.10045.4.3.3" => "ecdsaWithSHA384",
        _ => return None,
    })
}

/// `(keyAlgorithm, keyBits)`: `rsa` with the modulus length (RFC 8017 `RSAPublicKey ::=
/// SEQUENCE { modulus INTEGER, publicExponent INTEGER }`), `ecP256` with 256, otherwise the
/// algorithm OID (or `ec:<curve>`) and 0 — unknown keys are reported, not refused, here.
fn key_info(spki: &[u8]) -> Result<(String, u32)> {
    use crate::crypto::spki::{parse, KeyKind};
    match parse(spki) {
        Ok(p) => match p.kind {
            KeyKind::Rsa | KeyKind::RsaPss { .. } => {
                let mut r = der::Reader::new(p.key, 0);
                let seq = r.expect_tag(der::tag::SEQUENCE, "RSAPublicKey")?;
                r.finish("RSAPublicKey")?;
                let mut k = der::Reader::new(seq.value, seq.value_offset);
                let n = k.expect_tag(0x02, "RSA modulus")?;
                let e = k.expect_tag(0x02, "RSA publicExponent")?;
                k.finish("RSAPublicKey")?;
                if e.value.is_empty() || n.value.first().is_some_and(|b| b & 0x80 != 0) {
                    return Err(Error::malformed(
                        "RSA public key is not a positive modulus",
                        Some(n.offset),
                    ));
                }
                let m = n.value;
                let start = m
                    .iter()
                    .position(|&b| b != 0)
                    .ok_or_else(|| Error::malformed("RSA modulus is zero", Some(n.offset)))?;
                let m = &m[start..];
                let bits = (m.len() - 1) * 8 + (8 - m[0].leading_zeros() as usize);
                let name = if matches!(p.kind, KeyKind::Rsa) {
                    "rsa"
                } else {
                    "rsaPss"
                };
                Ok((name.to_owned(), u32::try_from(bits).unwrap_or(0)))
            }
            KeyKind::EcP256 => {
                if p.key.len() != 65 || p.key[0] != 0x04 {
                    return Err(Error::malformed(
                        "P-256 point is not an uncompressed 65-byte point",
                        None,
                    ));
                }
                Ok(("ecP256".to_owned(), 256))
            }
        },
        Err(Error::UnsupportedAlgorithm { oid }) => {
            let oid = if oid.starts_with("1.2.840.10045.3.") || oid.starts_with("1.3.132.") {
                format!("ec:{oid}")
            } else {
                oid
            };
            Ok((oid, 0))
        }
        Err(e) => Err(match e {
            Error::Malformed { what, offset } => Error::malformed(format!("subjectPublicKeyInfo: {what}"), offset),
            other => other,
        }),
    }
}

/// Serial as upper-case hex of the INTEGER's magnitude (a leading 0x00 sign octet dropped).
fn serial_hex(raw: &[u8]) -> String {
    let trimmed = match raw {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => raw,
    };
    hex_upper(trimmed)
}

/// Short names for the attribute types that appear in JPKI and common DNs (RFC 4514 §3).
fn attribute_short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.5" => "SERIALNUMBER",
        "2.5.4.9" => "STREET",
        "0.9.2342.19200300.100.1.25" => "DC",
        "1.2.840.113549.1.9.1" => "emailAddress",
        _ => return None,
    })
}

fn attribute_text(value: &Tlv<'_>) -> Option<Result<String>> {
    der::decode_string(value)
}

/// Formats a Name in encoding order (`C=JP, O=JPKI, OU=…`), escaping `,` `+` `\` `"` as RFC
/// 4514 does; values that are not strings are shown as `#hex`. Multi-valued RDNs join with `+`.
fn format_name(attributes: &[(String, Tlv<'_>)], rdn_sizes: &[usize]) -> Result<String> {
    let mut out = String::new();
    let mut it = attributes.iter();
    for (r, &n) in rdn_sizes.iter().enumerate() {
        if r > 0 {
            out.push_str(", ");
        }
        for (i, (oid, value)) in it.by_ref().take(n).enumerate() {
            if i > 0 {
                out.push('+');
            }
            out.push_str(attribute_short_name(oid).unwrap_or(oid));
            out.push('=');
            match attribute_text(value) {
                Some(r) => escape_dn_value(
                    &mut out,
                    &r.map_err(|e| match e {
                        Error::Malformed { what, offset } => {
                            Error::malformed(format!("Name attribute {oid}: {what}"), offset)
                        }
                        other => other,
                    })?,
                ),
                None => {
                    out.push('#');
                    out.push_str(&hex_upper(value.value));
                }
            }
        }
    }
    Ok(out)
}

fn escape_dn_value(out: &mut String, v: &str) {
    for (i, c) in v.chars().enumerate() {
        if matches!(c, ',' | '+' | '\\' | '"' | ';' | '<' | '>') || (i == 0 && matches!(c, '#' | ' ')) {
            out.push('\\');
        }
        out.push(c);
    }
}

fn attribute_values(attributes: &[(String, Tlv<'_>)], oid: &str) -> Result<Vec<String>> {
    let mut v = Vec::new();
    for (id, value) in attributes {
        if id == oid {
            if let Some(r) = attribute_text(value) {
                v.push(r?);
            }
        }
    }
    Ok(v)
}

/// A short reference to an anchor, as it appears in the certificate model and in verdicts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AnchorRef {
    /// Stable id, e.g. `jpki-sign-ca-gen3-2023`, `test-sign-ca`, or the caller's label.
    pub id: String,
    /// Which end-entity certificates it issues.
    pub purpose: Kind,
    /// J-LIS generation (1–3), `None` for test and caller anchors.
    pub generation: Option<u8>,
    /// Production or test.
    pub environment: Environment,
    /// Where it came from.
    pub source: AnchorSource,
}

/// Where a trust anchor came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum AnchorSource {
    /// Compiled in and pinned: a J-LIS production CA.
    Jlis,
    /// The project's test PKI (explicit opt-in only).
    TestPki,
    /// Added by the caller with a pin.
    Caller,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_usage_bit_order() {
        // 03 02 06 C0: digitalSignature (bit 0) + nonRepudiation (bit 1); x509-parser stores bit i at 1 << i.
        assert_eq!(key_usage_names(0b11), ["digitalSignature", "nonRepudiation"]);
        assert_eq!(key_usage_names(0b110_0000), ["keyCertSign", "cRLSign"]);
    }

    #[test]
    fn serial_drops_sign_octet_only() {
        assert_eq!(serial_hex(&[0x00, 0x80]), "80");
        assert_eq!(serial_hex(&[0x01, 0x32, 0xC4, 0xAB]), "0132C4AB");
        assert_eq!(serial_hex(&[0x00]), "00");
    }

    #[test]
    fn dn_escaping() {
        let escape_dn_value = |v: &str| {
            let mut out = String::new();
            super::escape_dn_value(&mut out, v);
            out
        };
        assert_eq!(escape_dn_value("a,b"), "a\\,b");
        assert_eq!(escape_dn_value("#x"), "\\#x");
        assert_eq!(escape_dn_value("公的個人認証サービス"), "公的個人認証サービス");
    }

    #[test]
    fn rejects_non_certificates() {
        assert_eq!(parse(b"").unwrap_err().code(), "JPKI_MALFORMED");
        let e = parse(b"hello").unwrap_err();
        assert_eq!(e.offset(), Some(0));
        let big = vec![0x30; MAX_CERTIFICATE_INPUT + 1];
        assert_eq!(parse(&big).unwrap_err().code(), "JPKI_INPUT_TOO_LARGE");
        // A well-formed DER SEQUENCE that is not a certificate.
        let e = parse(&[0x30, 0x03, 0x02, 0x01, 0x05]).unwrap_err();
        assert_eq!(e.code(), "JPKI_MALFORMED");
    }
}
