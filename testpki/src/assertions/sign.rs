//! Assertion signing keys: RSASSA-PKCS1-v1_5 with SHA-256 (RS256, and the
//! CMS `rsaEncryption` signer) and deterministic ECDSA P-256 (ES256,
//! RFC 6979 nonces).

use p256::ecdsa::signature::Signer as _;
use rsa::pkcs1v15::SigningKey as RsaSigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use rsa::PrivateKey as RsaKey;
use sha2::Sha256;

use crate::der;
use crate::keys;
use crate::Error;

/// A private key loaded from PKCS#8.
pub(crate) enum SigningKey {
    Rsa(Box<RsaKey>),
    P256(p256::SecretKey),
}

impl SigningKey {
    /// Parses a PKCS#8 `PrivateKeyInfo` holding an RSA or P-256 key.
    pub(crate) fn from_pkcs8(der: &[u8]) -> Result<Self, Error> {
        if let Ok(key) = RsaKey::from_pkcs8_der(der) {
            return Ok(SigningKey::Rsa(Box::new(key)));
        }
        p256::SecretKey::from_pkcs8_der(der)
            .map(SigningKey::P256)
            .map_err(|e| Error::Crypto(format!("PKCS#8 key is neither RSA nor P-256: {e}")))
    }

    /// Whether this is an EC key.
    pub(crate) fn is_ec(&self) -> bool {
        matches!(self, SigningKey::P256(_))
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 over `message`. The RNG only drives
    /// RSA blinding, so the signature is the same on every run.
    pub(crate) fn rs256(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        let SigningKey::Rsa(key) = self else {
            return Err(Error::Crypto("RS256 needs an RSA key".to_string()));
        };
        let mut rng = keys::rng_for("blinding/assertions");
        RsaSigningKey::<Sha256>::new(key.as_ref().clone())
            .try_sign_with_rng(&mut rng, message)
            .map(|s| s.to_vec())
            .map_err(|e| Error::Crypto(format!("RSA signing: {e}")))
    }

    fn ecdsa(&self, message: &[u8]) -> Result<p256::ecdsa::Signature, Error> {
        let SigningKey::P256(key) = self else {
            return Err(Error::Crypto("ES256 needs a P-256 key".to_string()));
        };
        let signer = p256::ecdsa::SigningKey::from(key);
        signer
            .try_sign(message)
            .map_err(|e| Error::Crypto(format!("ECDSA signing: {e}")))
    }

    /// ECDSA P-256 with SHA-256 over `message`, as the 64-byte `r‖s` that
    /// JWS ES256 requires (RFC 7518 §3.4).
    pub(crate) fn es256(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        Ok(self.ecdsa(message)?.to_bytes().to_vec())
    }

    /// The same ECDSA signature as [`Self::es256`], DER-encoded as
    /// `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 3279
    /// §2.2.3) — what JWS must *not* carry.
    pub(crate) fn es256_der(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        let raw = self.es256(message)?;
        let (r, s) = raw.split_at(raw.len() / 2);
        Ok(der::sequence(&[&der::integer_unsigned(r), &der::integer_unsigned(s)]))
    }

    /// RS256 for RSA keys, ES256 (raw `r‖s`) for P-256 keys.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        match self {
            SigningKey::Rsa(_) => self.rs256(message),
            SigningKey::P256(_) => self.es256(message),
        }
    }
}
