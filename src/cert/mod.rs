//! The JPKI certificate model: parse DER or PEM, classify, extract the 4 basic information.
//!
//! ```text
//! Certificate  ::=  SEQUENCE  {                                   -- RFC 5280 §4.1
//!      tbsCertificate       TBSCertificate,
//!      signatureAlgorithm   AlgorithmIdentifier,
//!      signatureValue       BIT STRING  }
//! ```
//!
//! Parsing runs in two passes. [`crate::der::check_structure`] walks the whole TLV tree with
//! strict DER length rules and a depth bound, so that truncation, trailing bytes and BER-isms
//! are reported with their byte offset. Then x509-parser decodes the RFC 5280 structure, and this
//! module adds what x509-parser does not know: duplicate-extension rejection (RFC 5280 §4.2),
//! the outer/inner signature algorithm check (§4.1.1.2), the JPKI profile (policies, kind,
//! token, environment) and the identity otherNames ([`identity`]).
//!
//! The model never makes a trust decision: `anchor` says which pinned CA the certificate
//! *names* as its issuer (by DN and key identifier); only path validation proves it.

mod identity;
mod pem;
mod profile;

use serde::Serialize;
use sha2::{Digest, Sha256};
use x509_parser::der_parser::asn1_rs::{Any, Class, Tag, ToDer};
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::{FromDer, X509Certificate, X509Name};
use x509_parser::public_key::PublicKey;

pub use identity::{
    DateOfBirth, Era, Identity, OtherAttribute, Sex, OID_ADDRESS, OID_ADDRESS_SUBSTITUTED, OID_DATE_OF_BIRTH, OID_NAME,
    OID_NAME_SUBSTITUTED, OID_SEX, PERSONAL_DATA_ARC,
};
pub use profile::{
    Environment, Kind, Role, Token, POLICY_ARC, POLICY_AUTH, POLICY_AUTH_TEST, POLICY_SIGN, POLICY_SIGN_SMARTPHONE,
    POLICY_SIGN_TEST,
};

use crate::der::{self, hex_upper, Tlv};
use crate::encoding::hex_lower;
use crate::error::{Error, Result};
use crate::time::to_rfc3339;
use crate::trust::AnchorRef;

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

/// Parses one certificate from DER or PEM and labels it against the built-in anchors
/// (J-LIS and the test PKI; labelling is not trust).
///
/// Errors: [`Error::InputTooLarge`] above [`MAX_CERTIFICATE_INPUT`], otherwise
/// [`Error::Malformed`] with the byte offset where it could be located.
pub fn parse_certificate(input: &[u8]) -> Result<Certificate> {
    let mut cert = parse_unlabelled(input)?;
    crate::trust::label(&mut cert);
    Ok(cert)
}

/// Parses without looking up anchors (used to build the anchors themselves).
pub(crate) fn parse_unlabelled(input: &[u8]) -> Result<Certificate> {
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

/// The outer shape, checked byte-exactly before x509-parser (which is lenient about some tags):
///
/// ```text
/// Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE, signatureValue BIT STRING }
/// TBSCertificate ::= SEQUENCE { version [0] EXPLICIT OPTIONAL, serialNumber INTEGER, signature SEQUENCE, ... }
/// ```
///
/// and `signatureAlgorithm` must be byte-identical to `tbsCertificate.signature` (RFC 5280
/// §4.1.1.2), since only the latter is covered by the CA's signature.
fn check_outer_shape(der: &[u8]) -> Result<()> {
    let mut top = der::Reader::new(der, 0);
    let cert = top.expect(der::tag::SEQUENCE, "Certificate")?;
    let mut c = der::Reader::new(cert.value, cert.value_offset);
    let tbs = c.expect(der::tag::SEQUENCE, "tbsCertificate")?;
    let outer_alg = c.expect(der::tag::SEQUENCE, "signatureAlgorithm")?;
    c.expect(0x03, "signatureValue")?;
    c.finish("Certificate")?;
    let mut t = der::Reader::new(tbs.value, tbs.value_offset);
    let mut first = t.read()?;
    if first.tag == der::tag::CONTEXT_0_CONSTRUCTED {
        first = t.read()?;
    }
    if first.tag != 0x02 {
        return Err(Error::malformed(
            "tbsCertificate: serialNumber INTEGER expected",
            Some(first.offset),
        ));
    }
    let inner_alg = t.expect(der::tag::SEQUENCE, "tbsCertificate.signature")?;
    if inner_alg.value != outer_alg.value {
        return Err(Error::malformed(
            "certificate: signatureAlgorithm differs from tbsCertificate.signature",
            Some(outer_alg.offset),
        ));
    }
    Ok(())
}

fn parse_der(der: Vec<u8>) -> Result<Certificate> {
    der::check_structure(&der, "certificate")?;
    check_outer_shape(&der).map_err(|e| match other_object_kind(&der) {
        Some(kind) => Error::malformed(format!("certificate: this is {kind}, not a certificate"), Some(0)),
        None => e,
    })?;
    let (rest, x509) = X509Certificate::from_der(&der).map_err(|e| match other_object_kind(&der) {
        Some(kind) => Error::malformed(format!("certificate: this is {kind}, not a certificate"), Some(0)),
        None => Error::malformed(format!("certificate: {e}"), None),
    })?;
    if !rest.is_empty() {
        return Err(Error::malformed(
            "certificate: trailing data",
            Some(der.len() - rest.len()),
        ));
    }
    let mut model = build_model(&der, &x509)?;
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
    let top = outer.expect(der::tag::SEQUENCE, "object").ok()?;
    let mut r = der::Reader::new(top.value, top.value_offset);
    let tags: Vec<u8> = core::iter::from_fn(|| r.read().ok().map(|t| t.tag)).take(4).collect();
    match tags.as_slice() {
        [0x02, 0x30, 0x04, ..] => Some("a PKCS#8 private key"),
        [0x30, 0x03] => Some("a SubjectPublicKeyInfo (public key)"),
        [0x02, 0x02, ..] => Some("a PKCS#1 RSA key"),
        _ => None,
    }
}

fn offset_in(outer: &[u8], inner: &[u8]) -> Option<usize> {
    let start = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    (start + inner.len() <= outer.len()).then_some(start)
}

fn build_model(der: &[u8], x: &X509Certificate<'_>) -> Result<Certificate> {
    let tbs = &x.tbs_certificate;
    let mut warnings = Vec::new();

    // RFC 5280 §4.1.1.2: signatureAlgorithm MUST equal tbsCertificate.signature.
    if x.signature_algorithm.algorithm != tbs.signature.algorithm
        || x.signature_algorithm.parameters.as_ref().map(Any::as_bytes)
            != tbs.signature.parameters.as_ref().map(Any::as_bytes)
    {
        return Err(Error::malformed(
            "certificate: signatureAlgorithm differs from tbsCertificate.signature",
            None,
        ));
    }
    if x.signature_value.unused_bits != 0 {
        return Err(Error::malformed("certificate: signatureValue has unused bits", None));
    }

    // Extensions: reject duplicates (RFC 5280 §4.2) and unparsable known ones.
    let mut seen = std::collections::HashSet::new();
    let mut key_usage = None;
    let mut key_usage_critical = false;
    let mut eku = None;
    let mut policies = Vec::new();
    let mut basic_constraints = None;
    let mut ski = None;
    let mut aki = None;
    let mut other_names = Vec::new();
    let mut unknown_critical = Vec::new();
    for ext in tbs.extensions() {
        let oid = ext.oid.to_id_string();
        let at = offset_in(der, ext.value);
        if !seen.insert(oid.clone()) {
            return Err(Error::malformed(format!("extension {oid} appears twice"), at));
        }
        match ext.parsed_extension() {
            ParsedExtension::ParseError { error } => {
                return Err(Error::malformed(format!("extension {oid}: {error}"), at));
            }
            ParsedExtension::KeyUsage(ku) => {
                key_usage = Some(key_usage_names(ku.flags));
                key_usage_critical = ext.critical;
            }
            ParsedExtension::ExtendedKeyUsage(e) => {
                let mut v: Vec<String> = e.other.iter().map(|o| o.to_id_string()).collect();
                for (set, id) in [
                    (e.any, "2.5.29.37.0"),
                    (e.server_auth, "1.3.6.1.5.5.7.3.1"),
                    (e.client_auth, "1.3.6.1.5.5.7.3.2"),
                    (e.code_signing, "1.3.6.1.5.5.7.3.3"),
                    (e.email_protection, "1.3.6.1.5.5.7.3.4"),
                    (e.time_stamping, "1.3.6.1.5.5.7.3.8"),
                    (e.ocsp_signing, "1.3.6.1.5.5.7.3.9"),
                ] {
                    if set {
                        v.push(id.to_owned());
                    }
                }
                eku = Some(v);
            }
            ParsedExtension::CertificatePolicies(ps) => {
                policies = ps.iter().map(|p| p.policy_id.to_id_string()).collect();
            }
            ParsedExtension::BasicConstraints(bc) => {
                basic_constraints = Some(BasicConstraints {
                    ca: bc.ca,
                    path_len: bc.path_len_constraint,
                });
            }
            ParsedExtension::SubjectKeyIdentifier(k) => ski = Some(k.0.to_vec()),
            ParsedExtension::AuthorityKeyIdentifier(a) => aki = a.key_identifier.as_ref().map(|k| k.0.to_vec()),
            ParsedExtension::SubjectAlternativeName(san) => {
                for gn in &san.general_names {
                    if let GeneralName::OtherName(oid, value) = gn {
                        let id = oid.to_id_string();
                        if id.starts_with(PERSONAL_DATA_ARC)
                            && id.as_bytes().get(PERSONAL_DATA_ARC.len()) == Some(&b'.')
                        {
                            other_names.push((id, *value, offset_in(der, value)));
                        }
                    }
                }
            }
            // Understood well enough to be informational; nothing else is processed, so any
            // other critical extension is listed for path validation to reject.
            ParsedExtension::IssuerAlternativeName(_) | ParsedExtension::CRLDistributionPoints(_) => {}
            _ => {
                if ext.critical {
                    unknown_critical.push(oid);
                }
            }
        }
    }

    let (key_algorithm, key_bits) = key_info(&tbs.subject_pki)?;
    let identity = identity::from_other_names(&other_names, &mut warnings)?;

    let is_ca = basic_constraints.is_some_and(|b| b.ca);
    let dn_for_profile = if is_ca { &tbs.subject } else { &tbs.issuer };
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

    let sig_oid = x.signature_algorithm.algorithm.to_id_string();
    let not_before = tbs.validity.not_before.timestamp();
    let not_after = tbs.validity.not_after.timestamp();
    if not_after < not_before {
        warnings.push("notAfter is before notBefore".to_owned());
    }
    let tbs_raw = tbs.as_ref();
    let tbs_start = offset_in(der, tbs_raw).ok_or_else(|| Error::malformed("certificate: tbsCertificate", None))?;
    Ok(Certificate {
        role: if is_ca { Role::Ca } else { Role::EndEntity },
        kind: class.kind,
        token: class.token,
        environment: class.environment,
        version: tbs.version.0 + 1,
        serial_number: serial_hex(tbs.raw_serial()),
        issuer: format_name(&tbs.issuer)?,
        subject: format_name(&tbs.subject)?,
        not_before: to_rfc3339(not_before),
        not_after: to_rfc3339(not_after),
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
            tbs: tbs_start..tbs_start + tbs_raw.len(),
            issuer: tbs.issuer.as_raw().to_vec(),
            subject: tbs.subject.as_raw().to_vec(),
            spki: tbs.subject_pki.raw.to_vec(),
            signature_algorithm_oid: sig_oid,
            signature_algorithm_params: x
                .signature_algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.to_der_vec().ok()),
            signature: x.signature_value.data.to_vec(),
            ski,
            aki,
            not_before,
            not_after,
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

const OID_RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_PRIME256V1: &str = "1.2.840.10045.3.1.7";

fn key_info(spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>) -> Result<(String, u32)> {
    let alg = spki.algorithm.algorithm.to_id_string();
    let bad = |what: &str| Error::malformed(format!("subjectPublicKeyInfo: {what}"), None);
    match alg.as_str() {
        OID_RSA_ENCRYPTION => match spki.parsed() {
            Ok(PublicKey::RSA(rsa)) => {
                let m = rsa.modulus;
                let start = m
                    .iter()
                    .position(|&b| b != 0)
                    .ok_or_else(|| bad("RSA modulus is zero"))?;
                let m = &m[start..];
                let bits = (m.len() - 1) * 8 + (8 - m[0].leading_zeros() as usize);
                Ok((
                    "rsa".to_owned(),
                    u32::try_from(bits).map_err(|_| bad("RSA modulus too large"))?,
                ))
            }
            _ => Err(bad("RSA public key does not parse")),
        },
        OID_EC_PUBLIC_KEY => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string())
                .ok_or_else(|| bad("EC key without a named curve"))?;
            if curve == OID_PRIME256V1 {
                let point = &spki.subject_public_key.data;
                if point.len() != 65 || point[0] != 0x04 {
                    return Err(bad("P-256 point is not an uncompressed 65-byte point"));
                }
                Ok(("ecP256".to_owned(), 256))
            } else {
                Ok((format!("ec:{curve}"), 0))
            }
        }
        other => Ok((other.to_owned(), 0)),
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

fn attribute_text(value: &Any<'_>) -> Option<Result<String>> {
    if value.class() != Class::Universal || value.header.is_constructed() {
        return None;
    }
    let Tag(t) = value.tag();
    let tag = u8::try_from(t).ok()?;
    der::decode_string(&Tlv {
        tag,
        value: value.data,
        offset: 0,
        value_offset: 0,
    })
}

/// Formats a Name in encoding order (`C=JP, O=JPKI, OU=…`), escaping `,` `+` `\` `"` as RFC
/// 4514 does; values that are not strings are shown as `#hex`.
fn format_name(name: &X509Name<'_>) -> Result<String> {
    let mut rdns = Vec::new();
    for rdn in name.iter_rdn() {
        let mut parts = Vec::new();
        for atv in rdn.iter() {
            let oid = atv.attr_type().to_id_string();
            let key = attribute_short_name(&oid).map_or(oid.clone(), str::to_owned);
            let value = match attribute_text(atv.attr_value()) {
                Some(r) => {
                    escape_dn_value(&r.map_err(|e| Error::malformed(format!("Name attribute {oid}: {e}"), None))?)
                }
                None => format!("#{}", hex_upper(atv.attr_value().data)),
            };
            parts.push(format!("{key}={value}"));
        }
        rdns.push(parts.join("+"));
    }
    Ok(rdns.join(", "))
}

fn escape_dn_value(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for (i, c) in v.chars().enumerate() {
        if matches!(c, ',' | '+' | '\\' | '"' | ';' | '<' | '>') || (i == 0 && matches!(c, '#' | ' ')) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn attribute_values(name: &X509Name<'_>, oid: &str) -> Result<Vec<String>> {
    let mut v = Vec::new();
    for atv in name.iter_attributes() {
        if atv.attr_type().to_id_string() == oid {
            if let Some(r) = attribute_text(atv.attr_value()) {
                v.push(r?);
            }
        }
    }
    Ok(v)
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
        assert_eq!(escape_dn_value("a,b"), "a\\,b");
        assert_eq!(escape_dn_value("#x"), "\\#x");
        assert_eq!(escape_dn_value("公的個人認証サービス"), "公的個人認証サービス");
    }

    #[test]
    fn rejects_non_certificates() {
        assert_eq!(parse_certificate(b"").unwrap_err().code(), "JPKI_MALFORMED");
        let e = parse_certificate(b"hello").unwrap_err();
        assert_eq!(e.offset(), Some(0));
        let big = vec![0x30; MAX_CERTIFICATE_INPUT + 1];
        assert_eq!(parse_certificate(&big).unwrap_err().code(), "JPKI_INPUT_TOO_LARGE");
        // A well-formed DER SEQUENCE that is not a certificate.
        let e = parse_certificate(&[0x30, 0x03, 0x02, 0x01, 0x05]).unwrap_err();
        assert_eq!(e.code(), "JPKI_MALFORMED");
    }
}
