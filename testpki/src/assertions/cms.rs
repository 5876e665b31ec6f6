//! CMS `SignedData` (RFC 5652) with one RSA signer, in DER.

use sha2::{Digest, Sha256};

use super::encode::tbs_fields;
use super::sign::SigningKey;
use crate::der::{self, DateTime};
use crate::Error;

/// `id-signedData`.
const ID_SIGNED_DATA: &[u64] = &[1, 2, 840, 113_549, 1, 7, 2];
/// `id-data`.
pub(crate) const ID_DATA: &[u64] = &[1, 2, 840, 113_549, 1, 7, 1];
/// `id-ct-TSTInfo` (RFC 3161), only used to make a contentType attribute
/// disagree with `eContentType`.
pub(crate) const ID_CT_TST_INFO: &[u64] = &[1, 2, 840, 113_549, 1, 9, 16, 1, 4];
/// `id-contentType` attribute.
const ID_CONTENT_TYPE: &[u64] = &[1, 2, 840, 113_549, 1, 9, 3];
/// `id-messageDigest` attribute.
const ID_MESSAGE_DIGEST: &[u64] = &[1, 2, 840, 113_549, 1, 9, 4];
/// `id-signingTime` attribute.
const ID_SIGNING_TIME: &[u64] = &[1, 2, 840, 113_549, 1, 9, 5];
/// `id-sha256` (NIST).
const ID_SHA256: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 1];

/// How the `SignerInfo` names its certificate.
pub(crate) enum Sid {
    /// Version 1, `issuerAndSerialNumber` copied from the certificate.
    IssuerAndSerial,
    /// Version 3, `[0] subjectKeyIdentifier` with this key identifier.
    SubjectKeyIdentifier(Vec<u8>),
}

/// Everything that varies between the CMS fixtures.
pub(crate) struct CmsSpec<'a> {
    /// The encapsulated content (eContent, or the detached content).
    pub(crate) content: &'a [u8],
    /// What `messageDigest` hashes; `None` means `content`. Differs only to
    /// simulate content tampered after signing.
    pub(crate) digested: Option<&'a [u8]>,
    /// Leave eContent out (detached signature).
    pub(crate) detached: bool,
    /// Certificates for the `certificates` field; empty omits the field.
    pub(crate) certificates: Vec<&'a [u8]>,
    /// The signer's certificate (for `sid`).
    pub(crate) signer_cert: &'a [u8],
    /// The signer's key (RSA).
    pub(crate) key: &'a SigningKey,
    /// `sid` choice.
    pub(crate) sid: Sid,
    /// The `signingTime` attribute.
    pub(crate) signing_time: DateTime,
    /// Whether `signedAttrs` is present at all.
    pub(crate) signed_attrs: bool,
    /// The value of the `contentType` attribute (normally `id-data`).
    pub(crate) content_type_attr: &'static [u64],
    /// Flip one bit of the signature value after signing.
    pub(crate) corrupt_signature: bool,
    /// The digest AlgorithmIdentifier DER (in digestAlgorithms and the SignerInfo); `None`:
    /// sha256 without parameters. (The messageDigest is SHA-256 whatever this says.)
    pub(crate) digest_algorithm: Option<Vec<u8>>,
    /// The SignerInfo's signatureAlgorithm DER; `None`: rsaEncryption with NULL.
    pub(crate) signature_algorithm: Option<Vec<u8>>,
    /// How many copies of the SignerInfo signerInfos holds (normally 1).
    pub(crate) signer_infos: usize,
}

/// An AlgorithmIdentifier DER of `oid` with `params` (DER, or none).
pub(crate) fn algorithm(oid: &[u64], params: Option<&[u8]>) -> Result<Vec<u8>, Error> {
    let oid = der::oid(oid)?;
    Ok(match params {
        Some(p) => der::sequence(&[&oid, p]),
        None => der::sequence(&[&oid]),
    })
}

/// `AlgorithmIdentifier { id-sha256 }` with absent parameters (RFC 5754 §2).
fn sha256_algorithm() -> Result<Vec<u8>, Error> {
    Ok(der::sequence(&[&der::oid(ID_SHA256)?]))
}

/// `Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }`.
fn attribute(oid: &[u64], value: &[u8]) -> Result<Vec<u8>, Error> {
    Ok(der::sequence(&[&der::oid(oid)?, &der::set(&[value])]))
}

impl CmsSpec<'_> {
    /// `ContentInfo` DER:
    ///
    /// ```text
    /// ContentInfo ::= SEQUENCE { contentType id-signedData, content [0] EXPLICIT SignedData }
    /// SignedData ::= SEQUENCE {
    ///     version CMSVersion,                               -- 1, or 3 with an SKI sid
    ///     digestAlgorithms SET OF DigestAlgorithmIdentifier, -- { sha256 }
    ///     encapContentInfo EncapsulatedContentInfo,
    ///     certificates [0] IMPLICIT CertificateSet OPTIONAL,
    ///     signerInfos SET OF SignerInfo }
    /// EncapsulatedContentInfo ::= SEQUENCE {
    ///     eContentType ContentType,                         -- id-data
    ///     eContent [0] EXPLICIT OCTET STRING OPTIONAL }      -- absent when detached
    /// SignerInfo ::= SEQUENCE {
    ///     version CMSVersion, sid SignerIdentifier, digestAlgorithm,
    ///     signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
    ///     signatureAlgorithm,                               -- rsaEncryption, NULL
    ///     signature OCTET STRING }
    /// ```
    pub(crate) fn encode(&self) -> Result<Vec<u8>, Error> {
        let (version, sid) = match &self.sid {
            Sid::IssuerAndSerial => {
                let fields = tbs_fields(self.signer_cert)?;
                (1, der::sequence(&[fields.issuer, fields.serial]))
            }
            Sid::SubjectKeyIdentifier(ski) => (3, der::implicit_primitive(0, ski)),
        };

        let (signed_attrs, signature) = if self.signed_attrs {
            let digest = Sha256::digest(self.digested.unwrap_or(self.content));
            let mut attrs = [
                attribute(ID_CONTENT_TYPE, &der::oid(self.content_type_attr)?)?,
                attribute(ID_SIGNING_TIME, &der::time(&self.signing_time)?)?,
                attribute(ID_MESSAGE_DIGEST, &der::octet_string(&digest))?,
            ];
            // DER SET OF: ascending order of the encodings (X.690 §11.6).
            attrs.sort();
            let refs: Vec<&[u8]> = attrs.iter().map(Vec::as_slice).collect();
            // RFC 5652 §5.4: the signature covers the EXPLICIT SET OF encoding.
            let signature = self.key.rs256(&der::set(&refs))?;
            (Some(der::implicit_constructed(0, &refs)), signature)
        } else {
            // Without signedAttrs the signature covers the content itself.
            (None, self.key.rs256(self.digested.unwrap_or(self.content))?)
        };
        let mut signature = signature;
        if self.corrupt_signature {
            let middle = signature.len() / 2;
            if let Some(byte) = signature.get_mut(middle) {
                *byte ^= 0x01;
            }
        }

        let rsa_encryption = match &self.signature_algorithm {
            Some(a) => a.clone(),
            None => der::sequence(&[&der::oid(crate::oids::RSA_ENCRYPTION)?, &der::null()]),
        };
        let version_tlv = der::integer_u64(version);
        let digest_alg = match &self.digest_algorithm {
            Some(a) => a.clone(),
            None => sha256_algorithm()?,
        };
        let signature_tlv = der::octet_string(&signature);
        let mut signer_info: Vec<&[u8]> = vec![&version_tlv, &sid, &digest_alg];
        if let Some(attrs) = &signed_attrs {
            signer_info.push(attrs);
        }
        signer_info.push(&rsa_encryption);
        signer_info.push(&signature_tlv);
        let signer_info = der::sequence(&signer_info);

        let id_data = der::oid(ID_DATA)?;
        let encap = if self.detached {
            der::sequence(&[&id_data])
        } else {
            der::sequence(&[&id_data, &der::explicit(0, &der::octet_string(self.content))])
        };
        let digest_algorithms = der::set(&[&digest_alg]);
        // DER SET OF ordering for the CertificateSet, too.
        let mut certs = self.certificates.clone();
        certs.sort_unstable();
        let certificates = der::implicit_constructed(0, &certs);
        let copies: Vec<&[u8]> = (0..self.signer_infos).map(|_| signer_info.as_slice()).collect();
        let signer_infos = der::set(&copies);
        let mut signed_data: Vec<&[u8]> = vec![&version_tlv, &digest_algorithms, &encap];
        if !self.certificates.is_empty() {
            signed_data.push(&certificates);
        }
        signed_data.push(&signer_infos);
        let signed_data = der::sequence(&signed_data);
        Ok(der::sequence(&[
            &der::oid(ID_SIGNED_DATA)?,
            &der::explicit(0, &signed_data),
        ]))
    }
}
