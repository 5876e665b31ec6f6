//! RustCrypto provider (`rsa`, `p256`, `sha2`, `sha1`): synchronous, every target.

use super::{CryptoProvider, SignatureCheck};
use crate::error::{Error, Result};

/// The RustCrypto provider.
#[derive(Clone, Copy, Debug, Default)]
pub struct RustCrypto;

impl CryptoProvider for RustCrypto {
    fn verify(&self, check: &SignatureCheck) -> Result<()> {
        let _ = check;
        Err(Error::UnsupportedAlgorithm { oid: "not yet implemented".into() })
    }

    fn name(&self) -> &'static str {
        "rustcrypto"
    }
}
