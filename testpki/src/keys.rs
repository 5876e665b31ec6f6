//! Deterministic key derivation and key encodings.
//!
//! Every key is drawn from `ChaCha20Rng::from_seed(SHA-256("jpki-verify
//! testpki v1/" + key_name))`, so a key depends only on its own name.

use p256::elliptic_curve::sec1::ToSec1Point;
use p256::elliptic_curve::Generate;
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use rsa::pkcs8::EncodePrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::PrivateKey as RsaKey;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::der;
use crate::oids;
use crate::Error;

/// Domain-separation prefix of every seed.
pub(crate) const SEED_PREFIX: &str = "jpki-verify testpki v1/";

/// The ChaCha20 stream for `name`.
pub(crate) fn rng_for(name: &str) -> ChaCha20Rng {
    let mut hasher = Sha256::new();
    hasher.update(SEED_PREFIX.as_bytes());
    hasher.update(name.as_bytes());
    let seed: [u8; 32] = hasher.finalize().into();
    ChaCha20Rng::from_seed(seed)
}

/// Which kind of key to derive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyType {
    /// RSA with e = 65537 and the given modulus size in bits.
    Rsa(usize),
    /// ECDSA on NIST P-256.
    P256,
}

/// A derived private key.
pub(crate) enum PrivateKey {
    Rsa(Box<RsaKey>),
    P256(p256::SecretKey),
}

impl PrivateKey {
    /// Derives the key called `name`.
    pub(crate) fn derive(name: &str, key_type: KeyType) -> Result<Self, Error> {
        let mut rng = rng_for(name);
        match key_type {
            KeyType::Rsa(bits) => {
                let key = RsaKey::new(&mut rng, bits)
                    .map_err(|e| Error::Crypto(format!("RSA key generation for {name}: {e}")))?;
                Ok(PrivateKey::Rsa(Box::new(key)))
            }
            KeyType::P256 => Ok(PrivateKey::P256(p256::SecretKey::generate_from_rng(&mut rng))),
        }
    }

    /// The RSA key, if this is one (CA keys always are).
    pub(crate) fn as_rsa(&self) -> Option<&RsaKey> {
        match self {
            PrivateKey::Rsa(k) => Some(k),
            PrivateKey::P256(_) => None,
        }
    }

    /// Short description for the README, e.g. `RSA-2048`.
    pub(crate) fn describe(&self) -> String {
        match self {
            PrivateKey::Rsa(k) => format!("RSA-{}", k.size() * 8),
            PrivateKey::P256(_) => "ECDSA P-256".to_string(),
        }
    }

    /// The contents of the `subjectPublicKey` BIT STRING: an RSAPublicKey
    /// for RSA (RFC 8017 A.1.1), the uncompressed SEC 1 point for EC.
    ///
    /// ```text
    /// RSAPublicKey ::= SEQUENCE {
    ///     modulus           INTEGER,  -- n
    ///     publicExponent    INTEGER   -- e
    /// }
    /// ```
    pub(crate) fn subject_public_key(&self) -> Vec<u8> {
        match self {
            PrivateKey::Rsa(k) => der::sequence(&[
                &der::integer_unsigned(&k.n_bytes()),
                &der::integer_unsigned(&k.e_bytes()),
            ]),
            PrivateKey::P256(k) => k.public_key().to_sec1_point(false).as_bytes().to_vec(),
        }
    }

    /// `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7, RFC 3279 §2.3.1, RFC 5480 §2):
    ///
    /// ```text
    /// SubjectPublicKeyInfo ::= SEQUENCE {
    ///     algorithm         AlgorithmIdentifier,
    ///     subjectPublicKey  BIT STRING }
    /// -- RSA: algorithm = { rsaEncryption, NULL }
    /// -- EC:  algorithm = { id-ecPublicKey, namedCurve prime256v1 }
    /// ```
    pub(crate) fn spki(&self) -> Result<Vec<u8>, Error> {
        let algorithm = match self {
            PrivateKey::Rsa(_) => der::sequence(&[&der::oid(oids::RSA_ENCRYPTION)?, &der::null()]),
            PrivateKey::P256(_) => der::sequence(&[&der::oid(oids::EC_PUBLIC_KEY)?, &der::oid(oids::PRIME256V1)?]),
        };
        Ok(der::sequence(&[
            &algorithm,
            &der::bit_string(&self.subject_public_key()),
        ]))
    }

    /// RFC 5280 §4.2.1.2 method (1): SHA-1 of the `subjectPublicKey` BIT
    /// STRING value (excluding tag, length and unused-bits octet).
    pub(crate) fn key_identifier(&self) -> Vec<u8> {
        Sha1::digest(self.subject_public_key()).to_vec()
    }

    /// PKCS#8 `PrivateKeyInfo` DER (RFC 5208).
    pub(crate) fn pkcs8_der(&self) -> Result<Vec<u8>, Error> {
        let doc = match self {
            PrivateKey::Rsa(k) => k.to_pkcs8_der(),
            PrivateKey::P256(k) => k.to_pkcs8_der(),
        }
        .map_err(|e| Error::Crypto(format!("PKCS#8 encoding: {e}")))?;
        Ok(doc.as_bytes().to_vec())
    }
}
