//! The ring provider (feature `ring`, native only): the same checks as [`super::RustCrypto`]
//! through ring's assembly-optimised RSA and P-256, for servers verifying many assertions.
//!
//! Keys are normalised exactly as for the other providers ([`super::spki`]): ring takes the
//! RSA `RSAPublicKey` and the uncompressed P-256 point, not the SPKI. ring's RSA verifiers
//! check PKCS#1 v1.5 by encoding the expected message and comparing (ring `rsa/padding/pkcs1.rs`),
//! PSS with salt length = hash length (32 for SHA-256), and refuse moduli below 2048 bits —
//! which our policy refuses first anyway. DER ECDSA signatures are decoded by our strict
//! decoder and handed to ring as fixed `r ‖ s`, so all providers see the same input.

use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};

use super::spki::{parse, KeyKind};
use super::{ecdsa_der_to_raw, CryptoProvider, SignatureAlgorithm, SignatureCheck};
use crate::error::{Error, Result};

/// The ring provider.
#[derive(Clone, Copy, Debug, Default)]
pub struct Ring;

impl CryptoProvider for Ring {
    fn verify(&self, check: &SignatureCheck) -> Result<()> {
        let key = parse(&check.spki)?;
        let invalid = || Error::SignatureInvalid { what: "signature" };
        let mismatch = || Error::UnsupportedAlgorithm {
            oid: format!("{} with a {} key", check.algorithm.name(), key.kind.name()),
        };
        let (alg, signature): (&'static dyn VerificationAlgorithm, Vec<u8>) = match (&key.kind, check.algorithm) {
            (KeyKind::Rsa, SignatureAlgorithm::RsaPkcs1Sha1) => (
                &signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
                check.signature.clone(),
            ),
            (KeyKind::Rsa, SignatureAlgorithm::RsaPkcs1Sha256) => {
                (&signature::RSA_PKCS1_2048_8192_SHA256, check.signature.clone())
            }
            (KeyKind::Rsa, SignatureAlgorithm::RsaPkcs1Sha384) => {
                (&signature::RSA_PKCS1_2048_8192_SHA384, check.signature.clone())
            }
            (KeyKind::Rsa, SignatureAlgorithm::RsaPkcs1Sha512) => {
                (&signature::RSA_PKCS1_2048_8192_SHA512, check.signature.clone())
            }
            (KeyKind::Rsa | KeyKind::RsaPss { .. }, SignatureAlgorithm::RsaPssSha256) => {
                (&signature::RSA_PSS_2048_8192_SHA256, check.signature.clone())
            }
            (KeyKind::EcP256, SignatureAlgorithm::EcdsaP256Sha256Raw) => {
                if check.signature.len() != 64 {
                    return Err(invalid());
                }
                (&signature::ECDSA_P256_SHA256_FIXED, check.signature.clone())
            }
            (KeyKind::EcP256, SignatureAlgorithm::EcdsaP256Sha256Der) => (
                &signature::ECDSA_P256_SHA256_FIXED,
                ecdsa_der_to_raw(&check.signature).ok_or_else(invalid)?.to_vec(),
            ),
            _ => return Err(mismatch()),
        };
        UnparsedPublicKey::new(alg, key.key)
            .verify(&check.message, &signature)
            .map_err(|_| invalid())
    }

    fn name(&self) -> &'static str {
        "ring"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(jpki_fixtures)] // reads tests/fixtures (not in the packaged crate)
    fn agrees_with_rustcrypto_on_the_test_pki() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/testpki/");
        let ca = crate::trust::parse_certificate(&std::fs::read(format!("{dir}sign-ca.der")).unwrap()).unwrap();
        for name in ["taro-sign.der", "hanako-sign.der", "p256-sign.der"] {
            let leaf = crate::trust::parse_certificate(&std::fs::read(format!("{dir}{name}")).unwrap()).unwrap();
            let mut check = SignatureCheck::new(
                SignatureAlgorithm::RsaPkcs1Sha256,
                ca.raw.spki.clone(),
                leaf.raw.der[leaf.raw.tbs.clone()].to_vec(),
                leaf.raw.signature.clone(),
            );
            assert!(Ring.verify(&check).is_ok(), "{name}");
            assert_eq!(
                Ring.verify(&check).is_ok(),
                super::super::RustCrypto.verify(&check).is_ok()
            );
            check.message[10] ^= 1;
            assert_eq!(Ring.verify(&check).unwrap_err().code(), "JPKI_SIGNATURE_INVALID");
        }
    }
}
