//! X.509 v3 certificate assembly (RFC 5280 §4.1) and the JPKI extensions.

use rsa::pkcs1v15::SigningKey;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use rsa::PrivateKey as RsaKey;
use sha1::Sha1;
use sha2::Sha256;

use crate::der::{self, DateTime};
use crate::keys;
use crate::oids;
use crate::personas::{Identity, StringKind};
use crate::Error;

/// CPS URI carried as the policy qualifier, as in J-LIS certificates.
pub(crate) const CPS_URI: &str = "http://www.jpki.go.jp/cps.html";

/// Organisation name in the issuerAltName directoryName.
pub(crate) const IAN_ORGANIZATION: &str = "公的個人認証サービス";

/// Certificate signature algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SigAlg {
    Sha256WithRsa,
    Sha1WithRsa,
}

impl SigAlg {
    /// Name for the README.
    pub(crate) fn name(self) -> &'static str {
        match self {
            SigAlg::Sha256WithRsa => "sha256WithRSAEncryption",
            SigAlg::Sha1WithRsa => "sha1WithRSAEncryption",
        }
    }

    /// `AlgorithmIdentifier` with the NULL parameters RFC 4055 §5 requires
    /// for the PKCS#1 v1.5 signature algorithms:
    ///
    /// ```text
    /// AlgorithmIdentifier ::= SEQUENCE {
    ///     algorithm   OBJECT IDENTIFIER,  -- sha256WithRSAEncryption / sha1WithRSAEncryption
    ///     parameters  ANY DEFINED BY algorithm OPTIONAL }  -- NULL
    /// ```
    fn algorithm_identifier(self) -> Result<Vec<u8>, Error> {
        let oid = match self {
            SigAlg::Sha256WithRsa => oids::SHA256_WITH_RSA,
            SigAlg::Sha1WithRsa => oids::SHA1_WITH_RSA,
        };
        Ok(der::sequence(&[&der::oid(oid)?, &der::null()]))
    }
}

/// A `DirectoryString` / attribute value with its ASN.1 string type.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Text<'a> {
    Printable(&'a str),
    Utf8(&'a str),
    Bmp(&'a str),
}

impl Text<'_> {
    fn encode(self) -> Result<Vec<u8>, Error> {
        match self {
            Text::Printable(s) => der::printable_string(s),
            Text::Utf8(s) => Ok(der::utf8_string(s)),
            Text::Bmp(s) => der::bmp_string(s),
        }
    }

    fn of_kind(kind: StringKind, s: &str) -> Text<'_> {
        match kind {
            StringKind::Utf8 => Text::Utf8(s),
            StringKind::Bmp => Text::Bmp(s),
            StringKind::Printable => Text::Printable(s),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Text::Printable(s) | Text::Utf8(s) | Text::Bmp(s) => s,
        }
    }
}

/// One attribute of a distinguished name, e.g. `(id-at-countryName, "JP")`.
pub(crate) type Attribute<'a> = (&'static [u64], Text<'a>);

/// Short label of a naming attribute for human-readable DNs.
fn attribute_label(oid: &[u64]) -> &'static str {
    match oid {
        o if o == oids::AT_COUNTRY => "C",
        o if o == oids::AT_ORGANIZATION => "O",
        o if o == oids::AT_ORGANIZATIONAL_UNIT => "OU",
        o if o == oids::AT_LOCALITY => "L",
        o if o == oids::AT_COMMON_NAME => "CN",
        _ => "?",
    }
}

/// `C=JP, O=…` rendering of a DN, in encoding order.
pub(crate) fn display_name(attributes: &[Attribute<'_>]) -> String {
    attributes
        .iter()
        .map(|(oid, text)| format!("{}={}", attribute_label(oid), text.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `Name` with one attribute per RDN (RFC 5280 §4.1.2.4):
///
/// ```text
/// Name ::= CHOICE { rdnSequence RDNSequence }
/// RDNSequence ::= SEQUENCE OF RelativeDistinguishedName
/// RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue
/// AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }
/// ```
pub(crate) fn name(attributes: &[Attribute<'_>]) -> Result<Vec<u8>, Error> {
    let mut rdns = Vec::with_capacity(attributes.len());
    for (oid, text) in attributes {
        let atv = der::sequence(&[&der::oid(oid)?, &text.encode()?]);
        rdns.push(der::set(&[&atv]));
    }
    let refs: Vec<&[u8]> = rdns.iter().map(Vec::as_slice).collect();
    Ok(der::sequence(&refs))
}

/// `Extension` (RFC 5280 §4.1):
///
/// ```text
/// Extension ::= SEQUENCE {
///     extnID      OBJECT IDENTIFIER,
///     critical    BOOLEAN DEFAULT FALSE,   -- omitted when FALSE (DER)
///     extnValue   OCTET STRING }
/// ```
pub(crate) fn extension(oid: &[u64], critical: bool, value: &[u8]) -> Result<Vec<u8>, Error> {
    let id = der::oid(oid)?;
    let value = der::octet_string(value);
    Ok(if critical {
        der::sequence(&[&id, &der::boolean(true), &value])
    } else {
        der::sequence(&[&id, &value])
    })
}

/// basicConstraints, critical, for a CA with no path length limit
/// (RFC 5280 §4.2.1.9):
///
/// ```text
/// BasicConstraints ::= SEQUENCE {
///     cA                 BOOLEAN DEFAULT FALSE,   -- TRUE
///     pathLenConstraint  INTEGER (0..MAX) OPTIONAL }  -- absent
/// ```
pub(crate) fn basic_constraints_ca() -> Result<Vec<u8>, Error> {
    extension(oids::CE_BASIC_CONSTRAINTS, true, &der::sequence(&[&der::boolean(true)]))
}

/// keyUsage, critical (RFC 5280 §4.2.1.3); `bits` are the KeyUsage bit
/// numbers:
///
/// ```text
/// KeyUsage ::= BIT STRING {
///     digitalSignature (0), nonRepudiation (1), keyEncipherment (2),
///     dataEncipherment (3), keyAgreement (4), keyCertSign (5),
///     cRLSign (6), encipherOnly (7), decipherOnly (8) }
/// ```
pub(crate) fn key_usage(bits: &[u8]) -> Result<Vec<u8>, Error> {
    extension(oids::CE_KEY_USAGE, true, &der::named_bits(bits))
}

/// subjectKeyIdentifier, non-critical (RFC 5280 §4.2.1.2):
///
/// ```text
/// SubjectKeyIdentifier ::= KeyIdentifier
/// KeyIdentifier ::= OCTET STRING
/// ```
pub(crate) fn subject_key_identifier(key_id: &[u8]) -> Result<Vec<u8>, Error> {
    extension(oids::CE_SUBJECT_KEY_ID, false, &der::octet_string(key_id))
}

/// authorityKeyIdentifier, non-critical, keyIdentifier only (RFC 5280 §4.2.1.1):
///
/// ```text
/// AuthorityKeyIdentifier ::= SEQUENCE {
///     keyIdentifier             [0] KeyIdentifier           OPTIONAL,
///     authorityCertIssuer       [1] GeneralNames            OPTIONAL,
///     authorityCertSerialNumber [2] CertificateSerialNumber OPTIONAL }
/// ```
pub(crate) fn authority_key_identifier(key_id: &[u8]) -> Result<Vec<u8>, Error> {
    extension(
        oids::CE_AUTHORITY_KEY_ID,
        false,
        &der::sequence(&[&der::implicit_primitive(0, key_id)]),
    )
}

/// certificatePolicies, critical as in J-LIS certificates, with one policy
/// and a CPS pointer qualifier (RFC 5280 §4.2.1.4):
///
/// ```text
/// certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation
/// PolicyInformation ::= SEQUENCE {
///     policyIdentifier   CertPolicyId,
///     policyQualifiers   SEQUENCE SIZE (1..MAX) OF PolicyQualifierInfo OPTIONAL }
/// PolicyQualifierInfo ::= SEQUENCE {
///     policyQualifierId  PolicyQualifierId,   -- id-qt-cps
///     qualifier          ANY DEFINED BY policyQualifierId }  -- CPSuri ::= IA5String
/// ```
pub(crate) fn certificate_policies(policy: &[u64]) -> Result<Vec<u8>, Error> {
    certificate_policies_with_marker(policy, None)
}

/// certificatePolicies with the JPKI policy (CPS qualifier) and, for smartphone personas, the
/// test PKI's smartphone marker as a second PolicyInformation without qualifiers.
pub(crate) fn certificate_policies_with_marker(policy: &[u64], marker: Option<&[u64]>) -> Result<Vec<u8>, Error> {
    let qualifier = der::sequence(&[&der::oid(oids::QT_CPS)?, &der::ia5_string(CPS_URI)?]);
    let info = der::sequence(&[&der::oid(policy)?, &der::sequence(&[&qualifier])]);
    let mut infos = vec![info];
    if let Some(m) = marker {
        infos.push(der::sequence(&[&der::oid(m)?]));
    }
    let refs: Vec<&[u8]> = infos.iter().map(Vec::as_slice).collect();
    extension(oids::CE_CERTIFICATE_POLICIES, true, &der::sequence(&refs))
}

/// One JPKI identity attribute as a GeneralName `otherName`:
///
/// ```text
/// GeneralName ::= CHOICE { otherName [0] OtherName, ... }
/// OtherName ::= SEQUENCE {
///     type-id    OBJECT IDENTIFIER,          -- 1.2.392.200149.8.5.5.n
///     value      [0] EXPLICIT ANY DEFINED BY type-id }
/// ```
fn other_name(type_id: &[u64], value: Text<'_>) -> Result<Vec<u8>, Error> {
    Ok(der::implicit_constructed(
        0,
        &[&der::oid(type_id)?, &der::explicit(0, &value.encode()?)],
    ))
}

/// subjectAltName, non-critical, carrying the four basic identity
/// attributes and both substitution-flag strings as six otherNames
/// (RFC 5280 §4.2.1.6; JPKI type-ids 1.2.392.200149.8.5.5.1–6):
///
/// ```text
/// SubjectAltName ::= GeneralNames
/// GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName
/// ```
pub(crate) fn jpki_subject_alt_name(identity: &Identity) -> Result<Vec<u8>, Error> {
    let name_flags = identity.name_flags();
    let address_flags = identity.address_flags();
    let digits = identity.digits_kind;
    let names = [
        other_name(oids::JPKI_NAME, Text::of_kind(identity.name_kind, identity.name))?,
        other_name(oids::JPKI_NAME_FLAGS, Text::of_kind(digits, &name_flags))?,
        other_name(oids::JPKI_SEX, Text::of_kind(digits, identity.sex))?,
        other_name(oids::JPKI_BIRTH_DATE, Text::of_kind(digits, identity.birth_date))?,
        other_name(oids::JPKI_ADDRESS, Text::Utf8(identity.address))?,
        other_name(oids::JPKI_ADDRESS_FLAGS, Text::of_kind(digits, &address_flags))?,
    ];
    let refs: Vec<&[u8]> = names.iter().map(Vec::as_slice).collect();
    extension(oids::CE_SUBJECT_ALT_NAME, false, &der::sequence(&refs))
}

/// The issuerAltName directoryName attributes: `C=JP, O=公的個人認証サービス`.
pub(crate) fn issuer_alt_name_attributes() -> [Attribute<'static>; 2] {
    [
        (oids::AT_COUNTRY, Text::Printable("JP")),
        (oids::AT_ORGANIZATION, Text::Utf8(IAN_ORGANIZATION)),
    ]
}

/// issuerAltName, non-critical, one directoryName (RFC 5280 §4.2.1.7):
///
/// ```text
/// IssuerAltName ::= GeneralNames
/// GeneralName ::= CHOICE { ..., directoryName [4] Name, ... }
///     -- [4] is EXPLICIT because Name is a CHOICE (X.680 §31.2.7)
/// ```
pub(crate) fn issuer_alt_name() -> Result<Vec<u8>, Error> {
    let dn = name(&issuer_alt_name_attributes())?;
    extension(
        oids::CE_ISSUER_ALT_NAME,
        false,
        &der::sequence(&[&der::explicit(4, &dn)]),
    )
}

/// Everything that goes into a `TBSCertificate`.
pub(crate) struct Tbs<'a> {
    pub(crate) serial: u64,
    pub(crate) sig_alg: SigAlg,
    pub(crate) issuer: &'a [u8],
    pub(crate) not_before: DateTime,
    pub(crate) not_after: DateTime,
    pub(crate) subject: &'a [u8],
    pub(crate) spki: &'a [u8],
    pub(crate) extensions: Vec<Vec<u8>>,
}

impl Tbs<'_> {
    /// `TBSCertificate` (RFC 5280 §4.1), version 3, no unique identifiers:
    ///
    /// ```text
    /// TBSCertificate ::= SEQUENCE {
    ///     version         [0] EXPLICIT Version DEFAULT v1,   -- v3(2)
    ///     serialNumber         CertificateSerialNumber,
    ///     signature            AlgorithmIdentifier,
    ///     issuer               Name,
    ///     validity             Validity,
    ///     subject              Name,
    ///     subjectPublicKeyInfo SubjectPublicKeyInfo,
    ///     extensions      [3] EXPLICIT Extensions OPTIONAL }
    /// Validity ::= SEQUENCE { notBefore Time, notAfter Time }
    /// Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension
    /// ```
    fn encode(&self) -> Result<Vec<u8>, Error> {
        let version = der::explicit(0, &der::integer_u64(2));
        let validity = der::sequence(&[&der::time(&self.not_before)?, &der::time(&self.not_after)?]);
        let ext_refs: Vec<&[u8]> = self.extensions.iter().map(Vec::as_slice).collect();
        let extensions = der::explicit(3, &der::sequence(&ext_refs));
        Ok(der::sequence(&[
            &version,
            &der::integer_u64(self.serial),
            &self.sig_alg.algorithm_identifier()?,
            self.issuer,
            &validity,
            self.subject,
            self.spki,
            &extensions,
        ]))
    }

    /// Signs with the issuer's RSA key and returns the `Certificate` DER:
    ///
    /// ```text
    /// Certificate ::= SEQUENCE {
    ///     tbsCertificate       TBSCertificate,
    ///     signatureAlgorithm   AlgorithmIdentifier,
    ///     signatureValue       BIT STRING }
    /// ```
    ///
    /// RSASSA-PKCS1-v1_5 is deterministic; the RNG handed to the signer only
    /// drives RSA blinding, and is itself derived from `blinding_name` so no
    /// OS randomness is touched.
    pub(crate) fn sign(&self, issuer_key: &RsaKey, blinding_name: &str) -> Result<Vec<u8>, Error> {
        let tbs = self.encode()?;
        let mut rng = keys::rng_for(&format!("blinding/{blinding_name}"));
        let signature = match self.sig_alg {
            SigAlg::Sha256WithRsa => SigningKey::<Sha256>::new(issuer_key.clone())
                .try_sign_with_rng(&mut rng, &tbs)
                .map(|s| s.to_vec()),
            SigAlg::Sha1WithRsa => SigningKey::<Sha1>::new(issuer_key.clone())
                .try_sign_with_rng(&mut rng, &tbs)
                .map(|s| s.to_vec()),
        }
        .map_err(|e| Error::Crypto(format!("signing {blinding_name}: {e}")))?;
        Ok(der::sequence(&[
            &tbs,
            &self.sig_alg.algorithm_identifier()?,
            &der::bit_string(&signature),
        ]))
    }
}
