//! Signature checks, reached only through the [`CryptoProvider`] trait.
//!
//! The core never calls a cryptographic library directly. Verification first computes the list
//! of [`SignatureCheck`]s a verdict depends on (the CA's signature over the certificate, the
//! holder's signature over the assertion); a provider answers each one; the verdict is then
//! finished from the answers. The same policy code therefore runs with the synchronous
//! RustCrypto provider ([`RustCrypto`], every target) and with the asynchronous WebCrypto
//! provider of the wasm adapter (`crypto.subtle.verify`), and the verdicts are identical.
//!
//! Providers do crypto only. Policy — which algorithms are allowed, the minimum RSA size,
//! SHA-1 — is decided by the caller of the provider before a check is ever built.

#[cfg(feature = "rustcrypto")]
mod rustcrypto;
pub(crate) mod spki;

#[cfg(feature = "rustcrypto")]
pub use rustcrypto::RustCrypto;

#[cfg(all(feature = "ring", not(target_arch = "wasm32")))]
mod ring_provider;
#[cfg(all(feature = "ring", not(target_arch = "wasm32")))]
pub use ring_provider::Ring;

use crate::error::Result;

/// A signature algorithm the SDK can check, with every parameter fixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-1 (legacy certificates and CMS, only where policy allows).
    RsaPkcs1Sha1,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (`sha256WithRSAEncryption`, JWS `RS256`; what the card makes).
    RsaPkcs1Sha256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RsaPkcs1Sha384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RsaPkcs1Sha512,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (JWS `PS256`).
    RsaPssSha256,
    /// ECDSA on P-256 with SHA-256, signature DER `Ecdsa-Sig-Value` (X.509, CMS).
    EcdsaP256Sha256Der,
    /// ECDSA on P-256 with SHA-256, signature raw `r ‖ s`, 64 bytes (JWS `ES256`, WebCrypto).
    EcdsaP256Sha256Raw,
}

impl SignatureAlgorithm {
    /// Whether the key must be RSA.
    pub fn is_rsa(self) -> bool {
        !matches!(self, Self::EcdsaP256Sha256Der | Self::EcdsaP256Sha256Raw)
    }

    /// Short name used in messages and JS (`"RS256"`-style where one exists).
    pub fn name(self) -> &'static str {
        match self {
            Self::RsaPkcs1Sha1 => "RSA-PKCS1-SHA1",
            Self::RsaPkcs1Sha256 => "RS256",
            Self::RsaPkcs1Sha384 => "RS384",
            Self::RsaPkcs1Sha512 => "RS512",
            Self::RsaPssSha256 => "PS256",
            Self::EcdsaP256Sha256Der => "ECDSA-P256-SHA256-DER",
            Self::EcdsaP256Sha256Raw => "ES256",
        }
    }
}

/// One signature to check: `signature` over `message` by the key in `spki`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignatureCheck {
    /// The algorithm, fully parameterised.
    pub algorithm: SignatureAlgorithm,
    /// DER `SubjectPublicKeyInfo` of the signer's key (rsaEncryption, id-RSASSA-PSS or
    /// id-ecPublicKey/prime256v1).
    pub spki: Vec<u8>,
    /// The signed bytes (the provider hashes them).
    pub message: Vec<u8>,
    /// The signature as transmitted.
    pub signature: Vec<u8>,
}

impl SignatureCheck {
    /// Builds a check.
    pub fn new(algorithm: SignatureAlgorithm, spki: Vec<u8>, message: Vec<u8>, signature: Vec<u8>) -> Self {
        SignatureCheck {
            algorithm,
            spki,
            message,
            signature,
        }
    }
}

/// Answers signature checks. Implementations must be pure functions of the check: no policy,
/// no clock, no state that changes the answer.
pub trait CryptoProvider {
    /// `Ok(())` if the signature verifies. `Err(Error::SignatureInvalid)` if it does not;
    /// `Err(Error::Malformed)` / `Err(Error::UnsupportedAlgorithm)` if the key or signature
    /// cannot be used with the algorithm.
    fn verify(&self, check: &SignatureCheck) -> Result<()>;

    /// Name for diagnostics and benchmarks (`"rustcrypto"`, `"webcrypto"`, …).
    fn name(&self) -> &'static str;
}

/// Normalises a check for WebCrypto: returns the SPKI to import (id-RSASSA-PSS keys become
/// rsaEncryption keys after their parameters were checked) and the signature in WebCrypto's
/// form (strict DER ECDSA signatures become `r ‖ s`). Refuses key/algorithm mismatches exactly
/// as the RustCrypto provider does.
pub fn spki_for_webcrypto(check: &SignatureCheck) -> Result<(Vec<u8>, Vec<u8>)> {
    use crate::error::Error;
    use spki::KeyKind;
    let parsed = spki::parse(&check.spki)?;
    let mismatch = || Error::UnsupportedAlgorithm {
        oid: format!("{} with a {} key", check.algorithm.name(), parsed.kind.name()),
    };
    match (&parsed.kind, check.algorithm) {
        (KeyKind::Rsa, a) if a.is_rsa() => Ok((check.spki.clone(), check.signature.clone())),
        (KeyKind::RsaPss { .. }, SignatureAlgorithm::RsaPssSha256) => {
            Ok((spki::rsa_encryption_spki(parsed.key), check.signature.clone()))
        }
        (KeyKind::EcP256, SignatureAlgorithm::EcdsaP256Sha256Raw) => {
            if check.signature.len() != 64 {
                return Err(Error::SignatureInvalid { what: "signature" });
            }
            Ok((check.spki.clone(), check.signature.clone()))
        }
        (KeyKind::EcP256, SignatureAlgorithm::EcdsaP256Sha256Der) => {
            let raw = ecdsa_der_to_raw(&check.signature).ok_or(Error::SignatureInvalid { what: "signature" })?;
            Ok((check.spki.clone(), raw.to_vec()))
        }
        _ => Err(mismatch()),
    }
}

/// The order n of the P-256 group (SEC 2 §2.4.2), big-endian.
const P256_ORDER: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xBC, 0xE6, 0xFA,
    0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
];

/// Strict DER `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 3279 §2.2.3) →
/// `r ‖ s`, each left-padded to 32 bytes. Refuses BER, trailing data, non-minimal or
/// negative integers, and r or s outside [1, n−1] — the same rules as p256's decoder, so both
/// providers see identical inputs.
pub(crate) fn ecdsa_der_to_raw(sig: &[u8]) -> Option<[u8; 64]> {
    use crate::der::Reader;
    let mut top = Reader::new(sig, 0);
    let seq = top.expect_tag(0x30, "Ecdsa-Sig-Value").ok()?;
    top.finish("Ecdsa-Sig-Value").ok()?;
    let mut r = Reader::new(seq.value, seq.value_offset);
    let mut out = [0u8; 64];
    for half in 0..2 {
        let int = r.expect_tag(0x02, "Ecdsa-Sig-Value integer").ok()?;
        let v = int.value;
        let magnitude = match v {
            [] => return None,
            [0x00] => return None,
            [0x00, b, ..] if b & 0x80 == 0 => return None,
            [0x00, rest @ ..] => rest,
            [b, ..] if b & 0x80 != 0 => return None,
            _ => v,
        };
        if magnitude.len() > 32 {
            return None;
        }
        let mut padded = [0u8; 32];
        padded[32 - magnitude.len()..].copy_from_slice(magnitude);
        if padded >= P256_ORDER || padded == [0u8; 32] {
            return None;
        }
        out[half * 32..half * 32 + 32].copy_from_slice(&padded);
    }
    r.finish("Ecdsa-Sig-Value").ok()?;
    Some(out)
}
