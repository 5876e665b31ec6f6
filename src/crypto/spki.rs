//! SubjectPublicKeyInfo inspection shared by the providers.
//!
//! ```text
//! SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
//! rsaEncryption          1.2.840.113549.1.1.1   parameters NULL            (RFC 3279 §2.3.1)
//! id-RSASSA-PSS          1.2.840.113549.1.1.10  parameters absent or
//!                                               RSASSA-PSS-params           (RFC 4055 §1.2)
//! id-ecPublicKey         1.2.840.10045.2.1      parameters namedCurve OID  (RFC 5480 §2.1.1)
//! ```

use crate::der::{oid_to_string, tag, Reader};
use crate::error::{Error, Result};

pub(crate) const OID_RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
pub(crate) const OID_RSASSA_PSS: &str = "1.2.840.113549.1.1.10";
pub(crate) const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
pub(crate) const OID_PRIME256V1: &str = "1.2.840.10045.3.1.7";

/// DER of RSASSA-PSS-params {SHA-256 (NULL params), MGF1(SHA-256), saltLength 32}: test vector.
#[cfg(all(test, feature = "rustcrypto", not(target_arch = "wasm32")))] // rustcrypto.rs tests
pub(crate) const PSS_SHA256_PARAMS: &[u8] = &[
    0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
    0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d, 0x06, 0x09,
    0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20,
];

/// Whether `params` (DER) is `RSASSA-PSS-params` for SHA-256, MGF1-SHA-256, salt 32 and the
/// default trailer (RFC 4055 §3.1), accepting hash identifiers with NULL or absent parameters
/// (§2.1: implementations MUST accept both).
///
/// ```text
/// RSASSA-PSS-params ::= SEQUENCE {
///     hashAlgorithm      [0] HashAlgorithm DEFAULT sha1,
///     maskGenAlgorithm   [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
///     saltLength         [2] INTEGER DEFAULT 20,
///     trailerField       [3] TrailerField DEFAULT trailerFieldBC }
/// ```
pub(crate) fn is_pss_sha256_params(params: &[u8]) -> bool {
    fn sha256_alg(r: &mut Reader<'_>) -> Option<()> {
        let alg = r.expect_tag(tag::SEQUENCE, "hash").ok()?;
        let mut a = Reader::new(alg.value, alg.value_offset);
        let oid = a.expect_tag(0x06, "hash oid").ok()?;
        if oid.value != [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01] {
            return None;
        }
        if !a.is_empty() {
            let null = a.read().ok()?;
            if null.tag != 0x05 || !null.value.is_empty() {
                return None;
            }
        }
        a.finish("hash").ok()
    }
    fn inner(params: &[u8]) -> Option<()> {
        let mut top = Reader::new(params, 0);
        let seq = top.expect_tag(tag::SEQUENCE, "pss").ok()?;
        top.finish("pss").ok()?;
        let mut r = Reader::new(seq.value, seq.value_offset);
        let h = r.expect_tag(0xA0, "hash").ok()?;
        sha256_alg(&mut Reader::new(h.value, h.value_offset))?;
        let m = r.expect_tag(0xA1, "mgf").ok()?;
        let mut mr = Reader::new(m.value, m.value_offset);
        let mgf = mr.expect_tag(tag::SEQUENCE, "mgf").ok()?;
        mr.finish("mgf").ok()?;
        let mut g = Reader::new(mgf.value, mgf.value_offset);
        let mgf_oid = g.expect_tag(0x06, "mgf oid").ok()?;
        if mgf_oid.value != [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08] {
            return None;
        }
        sha256_alg(&mut g)?;
        g.finish("mgf").ok()?;
        let salt = r.expect_tag(0xA2, "salt").ok()?;
        if salt.value != [0x02, 0x01, 0x20] {
            return None;
        }
        if !r.is_empty() {
            let trailer = r.expect_tag(0xA3, "trailer").ok()?;
            if trailer.value != [0x02, 0x01, 0x01] {
                return None;
            }
        }
        r.finish("pss").ok()
    }
    inner(params).is_some()
}

/// What a key is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// rsaEncryption.
    Rsa,
    /// id-RSASSA-PSS; `restricted` when parameters are present (they must be ours).
    RsaPss { restricted: bool },
    /// P-256.
    EcP256,
}

impl KeyKind {
    /// For messages (what `{:?}` printed before).
    pub(crate) fn name(&self) -> &'static str {
        match self {
            KeyKind::Rsa => "Rsa",
            KeyKind::RsaPss { restricted: false } => "RsaPss { restricted: false }",
            KeyKind::RsaPss { restricted: true } => "RsaPss { restricted: true }",
            KeyKind::EcP256 => "EcP256",
        }
    }
}

/// A parsed SPKI: its kind and the subjectPublicKey bits.
pub(crate) struct Spki<'a> {
    pub(crate) kind: KeyKind,
    pub(crate) key: &'a [u8],
}

/// Parses an SPKI strictly; unknown algorithms and curves are `UnsupportedAlgorithm`.
pub(crate) fn parse(spki: &[u8]) -> Result<Spki<'_>> {
    crate::der::check_structure(spki, "SubjectPublicKeyInfo")?;
    let mut top = Reader::new(spki, 0);
    let seq = top.expect_tag(tag::SEQUENCE, "SubjectPublicKeyInfo")?;
    let mut r = Reader::new(seq.value, seq.value_offset);
    let alg = r.expect_tag(tag::SEQUENCE, "SPKI algorithm")?;
    let bits = r.expect_tag(0x03, "SPKI subjectPublicKey")?;
    r.finish("SubjectPublicKeyInfo")?;
    let mut a = Reader::new(alg.value, alg.value_offset);
    let oid = a.expect_tag(0x06, "SPKI algorithm OID")?;
    let params = if a.is_empty() {
        None
    } else {
        let p = a.read()?;
        Some(&alg.value[p.offset - alg.value_offset..])
    };
    a.finish("SPKI algorithm")?;
    let oid = oid_to_string(oid.value, oid.value_offset)?;
    let kind = match (oid.as_str(), params) {
        (OID_RSA_ENCRYPTION, Some([0x05, 0x00])) => KeyKind::Rsa,
        (OID_RSASSA_PSS, None) => KeyKind::RsaPss { restricted: false },
        (OID_RSASSA_PSS, Some(p)) if is_pss_sha256_params(p) => KeyKind::RsaPss { restricted: true },
        (OID_RSASSA_PSS, Some(_)) => {
            return Err(Error::UnsupportedAlgorithm {
                oid: "RSASSA-PSS key with parameters other than SHA-256/MGF1-SHA-256/32".to_owned(),
            })
        }
        (OID_EC_PUBLIC_KEY, Some(p)) => {
            let mut pr = Reader::new(p, 0);
            let curve = pr.expect_tag(0x06, "EC namedCurve")?;
            if oid_to_string(curve.value, 0)? != OID_PRIME256V1 {
                return Err(Error::UnsupportedAlgorithm {
                    oid: oid_to_string(curve.value, 0)?,
                });
            }
            KeyKind::EcP256
        }
        (OID_RSA_ENCRYPTION | OID_EC_PUBLIC_KEY, _) => {
            return Err(Error::malformed(
                "SPKI algorithm parameters are wrong for the key type",
                None,
            ))
        }
        (other, _) => return Err(Error::UnsupportedAlgorithm { oid: other.to_owned() }),
    };
    match bits.value.split_first() {
        Some((0, key)) => Ok(Spki { kind, key }),
        _ => Err(Error::malformed(
            "SPKI subjectPublicKey has unused bits",
            Some(bits.value_offset),
        )),
    }
}

/// `SubjectPublicKeyInfo { rsaEncryption NULL, subjectPublicKey }` for an RSA key.
pub(crate) fn rsa_encryption_spki(key: &[u8]) -> Vec<u8> {
    const ALG: &[u8] = &[
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    let mut bit_string = vec![0x03];
    crate::der::push_length(&mut bit_string, key.len() + 1);
    bit_string.push(0);
    bit_string.extend_from_slice(key);
    let mut out = vec![0x30];
    crate::der::push_length(&mut out, ALG.len() + bit_string.len());
    out.extend_from_slice(ALG);
    out.extend_from_slice(&bit_string);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rsa_spki_round_trip() {
        let key = vec![0x30, 0x03, 0x02, 0x01, 0x05];
        let spki = rsa_encryption_spki(&key);
        let p = parse(&spki).unwrap();
        assert_eq!((p.kind, p.key), (KeyKind::Rsa, &key[..]));
        let long = vec![0xAA; 300];
        assert_eq!(parse(&rsa_encryption_spki(&long)).unwrap().key, &long[..]);
    }

    #[test]
    fn pss_params_with_and_without_null() {
        let with_null: &[u8] = &[
            0x30, 0x34, 0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
            0x00, 0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0d,
            0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0xa2, 0x03, 0x02, 0x01, 0x20,
        ];
        assert!(is_pss_sha256_params(with_null));
        let without_null: &[u8] = &[
            0x30, 0x30, 0xa0, 0x0d, 0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0xa1,
            0x1a, 0x30, 0x18, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, 0x30, 0x0b, 0x06, 0x09,
            0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0xa2, 0x03, 0x02, 0x01, 0x20,
        ];
        assert!(is_pss_sha256_params(without_null));
        let mut salt20 = with_null.to_vec();
        let n = salt20.len();
        salt20[n - 1] = 0x14;
        assert!(!is_pss_sha256_params(&salt20));
        assert!(!is_pss_sha256_params(&[0x30, 0x00]), "all defaults mean SHA-1");
    }

    #[test]
    fn rejects_unknown_and_mismatched() {
        assert!(parse(&[0x30, 0x00]).is_err());
        assert!(parse(b"garbage").is_err());
    }
}
