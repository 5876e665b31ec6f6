//! Pairwise subject identifiers: the relying party looks customers up by
//! `HMAC-SHA-256(secret, "jpki-verify/subject/v1" ‖ rp_id ‖ issuer ‖ serial)` (base64url),
//! never by the raw certificate serial. The same certificate gets unrelated identifiers at
//! different relying parties (different `rp_id` or secret), so two banks cannot join their
//! logs on it.

use hmac::{KeyInit, Mac};
use jpki_verify::encoding::encode_base64;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Derives pairwise subject identifiers for one relying party.
#[derive(Clone)]
pub(crate) struct SubjectKey {
    key: Vec<u8>,
    rp_id: String,
}

impl std::fmt::Debug for SubjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SubjectKey")
            .field("rp_id", &self.rp_id)
            .finish_non_exhaustive()
    }
}

impl SubjectKey {
    pub(crate) fn new(key: &[u8], rp_id: &str) -> Self {
        SubjectKey {
            key: key.to_vec(),
            rp_id: rp_id.to_owned(),
        }
    }

    /// The identifier of the certificate `issuer` (DN string) / `serial` (hex).
    pub(crate) fn subject(&self, issuer: &str, serial_hex: &str) -> String {
        // HMAC accepts keys of any length; a length error cannot happen.
        let Ok(mut mac) = <HmacSha256 as KeyInit>::new_from_slice(&self.key) else {
            return String::new();
        };
        for part in ["jpki-verify/subject/v1", &self.rp_id, issuer, serial_hex] {
            // Length-prefixed, so that no two different tuples give the same input.
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        format!("sub_{}", encode_base64(&mac.finalize().into_bytes(), true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_and_stable() {
        let a = SubjectKey::new(b"secret", "bank-a");
        let b = SubjectKey::new(b"secret", "bank-b");
        let s = a.subject("C=JP, O=JPKI", "0A");
        assert_eq!(s, a.subject("C=JP, O=JPKI", "0A"));
        assert_ne!(s, b.subject("C=JP, O=JPKI", "0A"));
        assert_ne!(s, a.subject("C=JP, O=JPKI", "0B"));
        assert_ne!(s, SubjectKey::new(b"other", "bank-a").subject("C=JP, O=JPKI", "0A"));
        // Length prefixes: moving a character between fields changes the identifier.
        assert_ne!(a.subject("C=JP, O=JPKI0", "A"), s);
        assert!(s.starts_with("sub_") && s.len() == 4 + 43);
    }
}
