//! What a card must sign: the JWS signing input and the SHA-256 DigestInfo.
//!
//! The JPKI card's COMPUTE DIGITAL SIGNATURE (`80 2A 00 80`) takes a DER `DigestInfo` and
//! applies PKCS#1 v1.5 type-1 padding itself (docs/jpki-facts.md §1.6), so a card signature over
//! `DigestInfo(SHA-256(signing input))` *is* an RS256 JWS signature.
//!
//! ```text
//! DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING }  -- RFC 8017 §9.2
//! SHA-256 prefix: 30 31 30 0d 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20
//! ```

use sha2::{Digest, Sha256};

use super::jws::encode_base64url;

/// The 19-byte DER prefix of a SHA-256 `DigestInfo` (RFC 8017 §9.2, note 1).
pub const SHA256_DIGEST_INFO_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
];

/// `BASE64URL(header) "." BASE64URL(claims)`: the ASCII bytes a JWS signature covers.
pub fn jws_signing_input(header_json: &str, claims_json: &str) -> String {
    format!(
        "{}.{}",
        encode_base64url(header_json.as_bytes()),
        encode_base64url(claims_json.as_bytes())
    )
}

/// The 51-byte `DigestInfo` of SHA-256(`data`): the data field of the card's signature APDU.
pub fn digest_info_sha256(data: &[u8]) -> [u8; 51] {
    let mut out = [0u8; 51];
    out[..19].copy_from_slice(&SHA256_DIGEST_INFO_PREFIX);
    out[19..].copy_from_slice(&Sha256::digest(data));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_info_layout() {
        let d = digest_info_sha256(b"abc");
        assert_eq!(d[..19], SHA256_DIGEST_INFO_PREFIX);
        // SHA-256("abc") starts ba7816bf (FIPS 180-2 example).
        assert_eq!(d[19..23], [0xba, 0x78, 0x16, 0xbf]);
    }

    #[test]
    fn signing_input() {
        assert_eq!(jws_signing_input("{}", "{}"), "e30.e30");
    }
}
