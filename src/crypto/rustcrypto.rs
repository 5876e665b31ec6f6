//! RustCrypto provider (`rsa`, `p256`, `sha2`, `sha1`): synchronous, every target.
//!
//! # What each algorithm is checked with
//!
//! * **RSASSA-PKCS1-v1_5** ([`SignatureAlgorithm::RsaPkcs1Sha1`] … `Sha512`):
//!   `rsa::pkcs1v15::VerifyingKey::<D>`. It never parses the recovered block: rsa 0.10.0
//!   `src/pkcs1v15.rs` `verify()` (lines 429–442) checks `sig.len() == k` and `s < n`, computes
//!   `EM = I2OSP(s^e mod n, k)` and hands it to `pkcs1v15_sign_unpad()`
//!   (`src/algorithms/pkcs1v15.rs` lines 87–111), which compares every byte of `EM` against the
//!   expected `0x00 01 FF…FF 00 ‖ DigestInfo-prefix ‖ H` — the prefix being precomputed from the
//!   digest's OID by `pkcs1v15_generate_prefix::<D>()` (lines 113–134, always with the `NULL`
//!   parameters). That is the "encode, then compare" method of RFC 8017 §8.2.2, immune to the
//!   BER/ASN.1 tricks of Bleichenbacher's 2006 forgery (CVE-2006-4339).
//! * **RSASSA-PSS** ([`SignatureAlgorithm::RsaPssSha256`]): `rsa::pss::VerifyingKey::<Sha256>`
//!   built with `new_with_salt_len(key, 32)`. rsa 0.10.0 only auto-detects the salt length when
//!   asked to (`new_with_auto_salt_len`, `salt_len: None`); with `Some(32)`,
//!   `emsa_pss_verify()` (`src/algorithms/pss.rs` lines 277–328) calls
//!   `emsa_pss_verify_salt()` (lines 228–237), which requires `DB = 00…00 ‖ 01 ‖ salt` with the
//!   `0x01` at exactly position `emLen − hLen − sLen − 1` — RFC 8017 §9.1.2 step 10 with `sLen`
//!   fixed. MGF1 uses the same digest (`mgf1_xor`, SHA-256). `pss.rs` `decode_signature()`
//!   (lines 284–309) enforces `len(S) = k` and `s < n`.
//! * **ECDSA P-256 / SHA-256**: `p256::ecdsa::VerifyingKey` (SHA-256 via
//!   `DigestAlgorithm for NistP256`, p256 0.14.0 `src/ecdsa.rs` line 73; `NORMALIZE_S = false`
//!   at line 60, so high-S signatures verify, as plain ECDSA requires). DER signatures go through
//!   `Signature::from_der` → `ecdsa::der::Signature::from_bytes` (ecdsa 0.17.0 `src/der.rs`
//!   lines 90–114): `der` 0.8's strict decoder (`Decode::from_der` rejects trailing data,
//!   `UintRef` rejects non-minimal and negative INTEGERs, lengths must be minimal definite DER),
//!   then `r`, `s` must fit 32 bytes and lie in `[1, n−1]`. Raw signatures must be exactly 64
//!   bytes (`Signature::from_slice`).
//!
//! # Keys
//!
//! The SPKI is classified by the parser shared with the WebCrypto provider
//! ([`super::spki::parse`]: `rsaEncryption` with NULL parameters; `id-RSASSA-PSS` with absent
//! parameters or exactly SHA-256/MGF1-SHA-256/32; `id-ecPublicKey` with namedCurve prime256v1),
//! and a key of the wrong family is refused with the same error as
//! [`super::spki_for_webcrypto`], so both providers accept and refuse the same keys. This module
//! then decodes the key itself: `RSAPublicKey` with `der`'s strict `INTEGER` rules, and a SEC 1
//! point (compressed or uncompressed, on the curve, not the identity) with p256.
//!
//! # Errors
//!
//! * A signature that does not verify, **or cannot even be decoded** (wrong length, bad DER,
//!   `r = 0`, `s ≥ n`, …) → [`Error::SignatureInvalid`] with `what: "signature"`: one answer,
//!   no oracle about why.
//! * A key that cannot be used: not a key of the algorithm's family, an algorithm, curve or
//!   PSS parameter set we do not implement → [`Error::UnsupportedAlgorithm`]; undecodable or
//!   out-of-range (even modulus, `e` < 3 or even, `e ≥ n`, point off the curve) →
//!   [`Error::Malformed`].
//!
//! No minimum RSA size is applied here (the policy layer does that); the maximum is rsa's own
//! [`rsa::PublicKey::MAX_SIZE`] (8192 bits) and the public exponent must be at most 2³³−1
//! ([`rsa::PublicKey::MAX_PUB_EXPONENT`]).

use super::spki::{self, KeyKind};
use super::{CryptoProvider, SignatureAlgorithm, SignatureCheck};
use crate::error::{Error, Result};

use rsa::pkcs1::RsaPublicKeyRef;
use rsa::pkcs8::der::Decode as _;
use rsa::pkcs8::AssociatedOid;
use rsa::signature::Verifier as _;
use rsa::traits::PublicKeyParts as _;
use rsa::BoxedUint;
use sha2::Digest;

/// The PSS salt length of [`SignatureAlgorithm::RsaPssSha256`] (= SHA-256 output, as in JWS PS256).
const PSS_SALT_LEN: usize = 32;

/// The `what` of every [`Error::SignatureInvalid`] this provider returns: it does not know
/// whether the caller is checking a certificate or an assertion.
const WHAT: &str = "signature";

/// Largest RSA modulus accepted, in bytes (rsa's own maximum).
const MAX_MODULUS_BYTES: usize = rsa::PublicKey::MAX_SIZE / 8;

/// The RustCrypto provider.
#[derive(Clone, Copy, Debug, Default)]
pub struct RustCrypto;

impl CryptoProvider for RustCrypto {
    fn verify(&self, check: &SignatureCheck) -> Result<()> {
        let msg = check.message.as_slice();
        let sig = check.signature.as_slice();
        match parse_key(check)? {
            Key::Rsa(key) => match check.algorithm {
                SignatureAlgorithm::RsaPkcs1Sha1 => verify_pkcs1::<sha1::Sha1>(key, msg, sig),
                SignatureAlgorithm::RsaPkcs1Sha256 => verify_pkcs1::<sha2::Sha256>(key, msg, sig),
                SignatureAlgorithm::RsaPkcs1Sha384 => verify_pkcs1::<sha2::Sha384>(key, msg, sig),
                SignatureAlgorithm::RsaPkcs1Sha512 => verify_pkcs1::<sha2::Sha512>(key, msg, sig),
                SignatureAlgorithm::RsaPssSha256 => verify_pss_sha256(key, msg, sig),
                // `parse_key` only returns an RSA key for an RSA algorithm.
                SignatureAlgorithm::EcdsaP256Sha256Der | SignatureAlgorithm::EcdsaP256Sha256Raw => Err(invalid()),
            },
            Key::P256(key) => {
                let signature = match check.algorithm {
                    SignatureAlgorithm::EcdsaP256Sha256Der => p256::ecdsa::Signature::from_der(sig),
                    SignatureAlgorithm::EcdsaP256Sha256Raw if sig.len() == 64 => {
                        p256::ecdsa::Signature::from_slice(sig)
                    }
                    // Wrong-length raw signature (and, unreachably, an RSA algorithm).
                    _ => return Err(invalid()),
                }
                .map_err(|_| invalid())?;
                key.verify(msg, &signature).map_err(|_| invalid())
            }
        }
    }

    fn name(&self) -> &'static str {
        "rustcrypto"
    }
}

/// A public key, parsed and matched to the algorithm family.
enum Key {
    /// RSA (from `rsaEncryption`, or `id-RSASSA-PSS` compatible with the algorithm).
    Rsa(rsa::PublicKey),
    /// ECDSA on P-256.
    P256(p256::ecdsa::VerifyingKey),
}

fn invalid() -> Error {
    Error::SignatureInvalid { what: WHAT }
}

fn malformed(what: &'static str) -> Error {
    Error::malformed(what, None)
}

/// Classifies the SPKI with the parser shared with the WebCrypto provider
/// ([`super::spki::parse`]: algorithm OID, parameters, curve, PSS parameters), refuses a key of
/// the wrong family exactly as [`super::spki_for_webcrypto`] does, then decodes the key itself.
fn parse_key(check: &SignatureCheck) -> Result<Key> {
    let parsed = spki::parse(&check.spki)?;
    match (&parsed.kind, check.algorithm) {
        // rsaEncryption keys serve every RSA algorithm; id-RSASSA-PSS keys only PSS (RFC 4055
        // §1.2), and `spki::parse` has already refused PSS parameters other than ours.
        (KeyKind::Rsa, alg) if alg.is_rsa() => parse_rsa_public_key(parsed.key).map(Key::Rsa),
        (KeyKind::RsaPss { .. }, SignatureAlgorithm::RsaPssSha256) => parse_rsa_public_key(parsed.key).map(Key::Rsa),
        (KeyKind::EcP256, SignatureAlgorithm::EcdsaP256Sha256Der | SignatureAlgorithm::EcdsaP256Sha256Raw) => {
            // SEC 1 §2.3.4: compressed (02/03) or uncompressed (04), on the curve, not identity.
            p256::ecdsa::VerifyingKey::from_sec1_bytes(parsed.key)
                .map(Key::P256)
                .map_err(|_| malformed("public key (P-256 point)"))
        }
        (kind, alg) => Err(Error::UnsupportedAlgorithm {
            oid: format!("{} with a {} key", alg.name(), kind.name()),
        }),
    }
}

/// Parses a DER `RSAPublicKey` (RFC 8017 A.1.1) into a usable key, with no minimum size.
fn parse_rsa_public_key(der: &[u8]) -> Result<rsa::PublicKey> {
    let key = RsaPublicKeyRef::from_der(der).map_err(|_| malformed("public key (RSAPublicKey)"))?;
    // `UintRef` has already rejected negative and non-minimal INTEGERs and stripped the sign byte.
    let n = key.modulus.as_bytes();
    let e = key.public_exponent.as_bytes();
    if n.len() > MAX_MODULUS_BYTES {
        return Err(malformed("public key (RSA modulus larger than 8192 bits)"));
    }
    if e.len() > 8 {
        return Err(malformed("public key (RSA public exponent too large)"));
    }
    let n = BoxedUint::from_be_slice(n, bits_of(n.len())?).map_err(|_| malformed("public key (RSA modulus)"))?;
    let e =
        BoxedUint::from_be_slice(e, bits_of(e.len())?).map_err(|_| malformed("public key (RSA public exponent)"))?;
    // Checks: n odd, 2 ≤ e < n, e odd, e ≤ 2^33−1, n ≤ 8192 bits. The lower size bound is 1
    // on purpose: key size is policy, decided by the caller.
    rsa::PublicKey::new_with_size_limits(n, e, 1..=rsa::PublicKey::MAX_SIZE)
        .map_err(|_| malformed("public key (RSA parameters)"))
}

fn bits_of(len: usize) -> Result<u32> {
    len.checked_mul(8)
        .and_then(|bits| u32::try_from(bits).ok())
        .ok_or_else(|| malformed("public key (RSA integer length)"))
}

/// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.2) by re-encoding and comparing; see the module docs.
fn verify_pkcs1<D>(key: rsa::PublicKey, msg: &[u8], sig: &[u8]) -> Result<()>
where
    D: Digest + AssociatedOid,
{
    // Step 1: the signature is exactly k octets (rsa checks this again).
    if sig.len() != key.size() {
        return Err(invalid());
    }
    let signature = rsa::pkcs1v15::Signature::try_from(sig).map_err(|_| invalid())?;
    rsa::pkcs1v15::VerifyingKey::<D>::new(key)
        .verify(msg, &signature)
        .map_err(|_| invalid())
}

/// RSASSA-PSS (RFC 8017 §8.1.2) with SHA-256, MGF1-SHA-256 and a salt of exactly 32 bytes.
fn verify_pss_sha256(key: rsa::PublicKey, msg: &[u8], sig: &[u8]) -> Result<()> {
    if sig.len() != key.size() {
        return Err(invalid());
    }
    let signature = rsa::pss::Signature::try_from(sig).map_err(|_| invalid())?;
    // `new_with_salt_len` = fixed sLen; never `new_with_auto_salt_len`.
    rsa::pss::VerifyingKey::<sha2::Sha256>::new_with_salt_len(key, PSS_SALT_LEN)
        .verify(msg, &signature)
        .map_err(|_| invalid())
}

#[cfg(all(test, not(target_arch = "wasm32")))] // reads fixtures from the file system
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Signer as _;
    use p256::elliptic_curve::scalar::IsHigh as _;
    use rsa::pkcs8::der::Encode as _;
    use rsa::pkcs8::spki::SubjectPublicKeyInfoRef;
    use rsa::pkcs8::DecodePrivateKey as _;
    use rsa::pkcs8::ObjectIdentifier;
    use rsa::signature::{RandomizedSigner as _, SignatureEncoding as _};

    /// A test PKI file: from `embedded/testpki/` (what the library compiles in, also in the
    /// packaged crate) when it is there, else from the repository's full `tests/fixtures/testpki/`.
    fn fixture(name: &str) -> Vec<u8> {
        let root = env!("CARGO_MANIFEST_DIR");
        std::fs::read(format!("{root}/embedded/testpki/{name}"))
            .or_else(|_| std::fs::read(format!("{root}/tests/fixtures/testpki/{name}")))
            .unwrap()
    }

    /// (tbsCertificate, signature, SPKI) of a fixture certificate.
    fn cert_parts(name: &str) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        let der = fixture(name);
        let cert = crate::trust::parse_certificate(&der).unwrap();
        (
            cert.raw.der[cert.raw.tbs.clone()].to_vec(),
            cert.raw.signature.clone(),
            cert.raw.spki.clone(),
        )
    }

    fn rsa_private(name: &str) -> rsa::PrivateKey {
        rsa::PrivateKey::from_pkcs8_der(&fixture(name)).unwrap()
    }

    fn check(alg: SignatureAlgorithm, spki: &[u8], msg: &[u8], sig: &[u8]) -> Result<()> {
        RustCrypto.verify(&SignatureCheck::new(alg, spki.to_vec(), msg.to_vec(), sig.to_vec()))
    }

    fn is_invalid(r: Result<()>) -> bool {
        r == Err(Error::SignatureInvalid { what: "signature" })
    }

    fn is_unsupported(r: Result<()>) -> bool {
        matches!(r, Err(Error::UnsupportedAlgorithm { .. }))
    }

    fn is_unsupported_oid(r: Result<()>, oid: &str) -> bool {
        r == Err(Error::UnsupportedAlgorithm { oid: oid.to_owned() })
    }

    fn is_malformed(r: Result<()>) -> bool {
        matches!(r, Err(Error::Malformed { .. }))
    }

    // --- tiny DER writer for hand-made keys ---------------------------------------------------

    use crate::der::write_tlv as tlv;

    fn seq(parts: &[&[u8]]) -> Vec<u8> {
        tlv(0x30, &parts.concat())
    }

    fn oid(dotted: &str) -> Vec<u8> {
        ObjectIdentifier::new_unwrap(dotted).to_der().unwrap()
    }

    fn uint(be: &[u8]) -> Vec<u8> {
        let mut v = be.to_vec();
        if v.first().is_some_and(|b| b & 0x80 != 0) {
            v.insert(0, 0);
        }
        tlv(0x02, &v)
    }

    fn bit_string(bytes: &[u8]) -> Vec<u8> {
        tlv(0x03, &[&[0u8][..], bytes].concat())
    }

    const NULL: &[u8] = &[0x05, 0x00];

    fn spki(alg_id: &[u8], key: &[u8]) -> Vec<u8> {
        seq(&[alg_id, &bit_string(key)])
    }

    fn rsa_spki(n: &[u8], e: &[u8]) -> Vec<u8> {
        let alg = seq(&[&oid("1.2.840.113549.1.1.1"), NULL]);
        spki(&alg, &seq(&[&uint(n), &uint(e)]))
    }

    /// The RSAPublicKey inside an rsaEncryption SPKI.
    fn rsa_public_key_of(spki_der: &[u8]) -> Vec<u8> {
        let info = SubjectPublicKeyInfoRef::from_der(spki_der).unwrap();
        info.subject_public_key.as_bytes().unwrap().to_vec()
    }

    fn sha256_ai(with_null: bool) -> Vec<u8> {
        if with_null {
            seq(&[&oid("2.16.840.1.101.3.4.2.1"), NULL])
        } else {
            seq(&[&oid("2.16.840.1.101.3.4.2.1")])
        }
    }

    /// An id-RSASSA-PSS SPKI for `rsa_key` with the given RSASSA-PSS-params (None = absent).
    fn pss_spki(rsa_key: &[u8], params: Option<Vec<u8>>) -> Vec<u8> {
        let oid = oid("1.2.840.113549.1.1.10");
        let alg = match params {
            Some(p) => seq(&[&oid, &p]),
            None => seq(&[&oid]),
        };
        spki(&alg, rsa_key)
    }

    fn pss_params(hash: &[u8], mgf_hash: &[u8], salt: Option<u8>, trailer: Option<u8>) -> Vec<u8> {
        let mgf = seq(&[&oid("1.2.840.113549.1.1.8"), mgf_hash]);
        let mut fields = vec![tlv(0xA0, hash), tlv(0xA1, &mgf)];
        if let Some(s) = salt {
            fields.push(tlv(0xA2, &uint(&[s])));
        }
        if let Some(t) = trailer {
            fields.push(tlv(0xA3, &uint(&[t])));
        }
        let refs: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
        seq(&refs)
    }

    /// Deterministic RNG for PSS salts (no OS randomness in tests).
    struct CountingRng(u8);

    impl rsa::rand_core::TryRng for CountingRng {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
            let mut b = [0; 4];
            self.try_fill_bytes(&mut b)?;
            Ok(u32::from_le_bytes(b))
        }
        fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
            let mut b = [0; 8];
            self.try_fill_bytes(&mut b)?;
            Ok(u64::from_le_bytes(b))
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> core::result::Result<(), Self::Error> {
            for b in dst {
                self.0 = self.0.wrapping_mul(31).wrapping_add(7);
                *b = self.0;
            }
            Ok(())
        }
    }

    impl rsa::rand_core::TryCryptoRng for CountingRng {}

    fn pss_sign(key: &rsa::PrivateKey, salt_len: usize, msg: &[u8]) -> Vec<u8> {
        rsa::pss::SigningKey::<sha2::Sha256>::new_with_salt_len(key.clone(), salt_len)
            .sign_with_rng(&mut CountingRng(1), msg)
            .to_vec()
    }

    // --- RSASSA-PKCS1-v1_5 --------------------------------------------------------------------

    #[test]
    fn pkcs1_sha256_certificate_signature() {
        let (tbs, sig, _) = cert_parts("taro-sign.der");
        let (_, _, ca_spki) = cert_parts("sign-ca.der");
        assert_eq!(check(SignatureAlgorithm::RsaPkcs1Sha256, &ca_spki, &tbs, &sig), Ok(()));
        // The same signature under the wrong digest, or a changed message, does not verify.
        assert!(is_invalid(check(
            SignatureAlgorithm::RsaPkcs1Sha384,
            &ca_spki,
            &tbs,
            &sig
        )));
        assert!(is_invalid(check(
            SignatureAlgorithm::RsaPssSha256,
            &ca_spki,
            &tbs,
            &sig
        )));
        let mut other = tbs.clone();
        other[10] ^= 1;
        assert!(is_invalid(check(
            SignatureAlgorithm::RsaPkcs1Sha256,
            &ca_spki,
            &other,
            &sig
        )));
        // Wrong CA.
        let (_, _, auth_ca_spki) = cert_parts("auth-ca.der");
        assert!(is_invalid(check(
            SignatureAlgorithm::RsaPkcs1Sha256,
            &auth_ca_spki,
            &tbs,
            &sig
        )));
    }

    #[test]
    #[cfg(jpki_fixtures)] // sha1-sign / rsa1024-sign: only in the repository's tests/fixtures
    fn pkcs1_sha1_certificate_signature() {
        let (tbs, sig, _) = cert_parts("sha1-sign.der");
        let (_, _, ca_spki) = cert_parts("sign-ca.der");
        assert_eq!(check(SignatureAlgorithm::RsaPkcs1Sha1, &ca_spki, &tbs, &sig), Ok(()));
        assert!(is_invalid(check(
            SignatureAlgorithm::RsaPkcs1Sha256,
            &ca_spki,
            &tbs,
            &sig
        )));
    }

    #[test]
    #[cfg(jpki_fixtures)] // sha1-sign / rsa1024-sign: only in the repository's tests/fixtures
    fn pkcs1_sha384_sha512_and_no_minimum_size() {
        // RSA-1024: the provider applies no minimum (policy does).
        let key = rsa_private("rsa1024-sign.key.der");
        let (_, _, spki) = cert_parts("rsa1024-sign.der");
        let msg = b"jpki-verify";
        let s384 = rsa::pkcs1v15::SigningKey::<sha2::Sha384>::new(key.clone())
            .sign(msg)
            .to_vec();
        let s512 = rsa::pkcs1v15::SigningKey::<sha2::Sha512>::new(key).sign(msg).to_vec();
        assert_eq!(s384.len(), 128);
        assert_eq!(check(SignatureAlgorithm::RsaPkcs1Sha384, &spki, msg, &s384), Ok(()));
        assert_eq!(check(SignatureAlgorithm::RsaPkcs1Sha512, &spki, msg, &s512), Ok(()));
        assert!(is_invalid(check(SignatureAlgorithm::RsaPkcs1Sha512, &spki, msg, &s384)));
        assert!(is_invalid(check(SignatureAlgorithm::RsaPkcs1Sha384, &spki, msg, &s512)));
    }

    #[test]
    fn rsa_signature_length_must_equal_modulus_length() {
        let (tbs, sig, _) = cert_parts("taro-sign.der");
        let (_, _, ca_spki) = cert_parts("sign-ca.der");
        let alg = SignatureAlgorithm::RsaPkcs1Sha256;
        let longer = [&[0u8][..], &sig].concat();
        assert!(is_invalid(check(alg, &ca_spki, &tbs, &longer)));
        assert!(is_invalid(check(alg, &ca_spki, &tbs, &sig[1..])));
        assert!(is_invalid(check(alg, &ca_spki, &tbs, &[])));
        // s ≥ n
        assert!(is_invalid(check(alg, &ca_spki, &tbs, &vec![0xFF; sig.len()])));
    }

    // --- RSASSA-PSS ---------------------------------------------------------------------------

    #[test]
    fn pss_salt_length_is_exactly_32() {
        let key = rsa_private("taro-sign.key.der");
        let (_, _, spki) = cert_parts("taro-sign.der");
        let msg = b"assertion bytes";
        let alg = SignatureAlgorithm::RsaPssSha256;
        assert_eq!(check(alg, &spki, msg, &pss_sign(&key, 32, msg)), Ok(()));
        for salt in [0, 20, 31, 33, 64] {
            assert!(
                is_invalid(check(alg, &spki, msg, &pss_sign(&key, salt, msg))),
                "salt {salt}"
            );
        }
        assert!(is_invalid(check(alg, &spki, b"other", &pss_sign(&key, 32, msg))));
        // A PSS signature is not a PKCS#1 v1.5 one.
        assert!(is_invalid(check(
            SignatureAlgorithm::RsaPkcs1Sha256,
            &spki,
            msg,
            &pss_sign(&key, 32, msg)
        )));
    }

    #[test]
    fn pss_key_parameters() {
        let key = rsa_private("taro-sign.key.der");
        let (_, _, rsa_spki) = cert_parts("taro-sign.der");
        let rsa_key = rsa_public_key_of(&rsa_spki);
        let msg = b"m";
        let sig = pss_sign(&key, 32, msg);
        let pss = SignatureAlgorithm::RsaPssSha256;
        let ok = |params: Option<Vec<u8>>| check(pss, &pss_spki(&rsa_key, params), msg, &sig);

        // Absent parameters: any PSS parameters. Present: exactly SHA-256 / MGF1-SHA-256 / 32
        // (the encoding `spki::PSS_SHA256_PARAMS`, with NULL hash parameters).
        assert_eq!(ok(None), Ok(()));
        let ours = pss_params(&sha256_ai(true), &sha256_ai(true), Some(32), None);
        assert_eq!(ours, spki::PSS_SHA256_PARAMS);
        assert_eq!(ok(Some(ours)), Ok(()));
        // A plain rsaEncryption key may be used for PSS too.
        assert_eq!(check(pss, &rsa_spki, msg, &sig), Ok(()));

        // Anything else is a key restricted to parameters we do not implement.
        let sha384 = seq(&[&oid("2.16.840.1.101.3.4.2.2"), NULL]);
        let sha1 = seq(&[&oid("1.3.14.3.2.26"), NULL]);
        let cases = [
            pss_params(&sha256_ai(true), &sha256_ai(true), Some(20), None),
            pss_params(&sha256_ai(true), &sha256_ai(true), None, None), // default salt 20
            pss_params(&sha384, &sha384, Some(48), None),
            pss_params(&sha256_ai(true), &sha1, Some(32), None),
            pss_params(&sha256_ai(true), &sha256_ai(true), Some(32), Some(2)),
            seq(&[]), // all defaults: SHA-1, MGF1-SHA-1, 20
            NULL.to_vec(),
        ];
        for params in cases {
            assert!(is_unsupported(ok(Some(params))));
        }

        // A PSS key is for PSS only (RFC 4055 §1.2), with or without parameters.
        let (tbs, cert_sig, _) = cert_parts("taro-sign.der");
        for params in [None, Some(spki::PSS_SHA256_PARAMS.to_vec())] {
            let pss_key = pss_spki(&rsa_key, params);
            for alg in [
                SignatureAlgorithm::RsaPkcs1Sha256,
                SignatureAlgorithm::EcdsaP256Sha256Der,
            ] {
                assert!(is_unsupported(check(alg, &pss_key, &tbs, &cert_sig)));
            }
        }
    }

    // --- ECDSA P-256 --------------------------------------------------------------------------

    fn p256_key() -> (p256::ecdsa::SigningKey, Vec<u8>, Vec<u8>) {
        let sk = p256::ecdsa::SigningKey::from_slice(&[0x42; 32]).unwrap();
        let vk = sk.verifying_key();
        let alg = seq(&[&oid("1.2.840.10045.2.1"), &oid("1.2.840.10045.3.1.7")]);
        let uncompressed = spki(&alg, &vk.to_sec1_point(false).to_bytes());
        let compressed = spki(&alg, &vk.to_sec1_point(true).to_bytes());
        (sk, uncompressed, compressed)
    }

    #[test]
    fn ecdsa_der_and_raw() {
        let (sk, spki_u, spki_c) = p256_key();
        let msg = b"challenge";
        let sig: p256::ecdsa::Signature = sk.sign(msg);
        let der = sig.to_der().to_bytes().to_vec();
        let raw = sig.to_bytes().to_vec();
        for spki in [&spki_u, &spki_c] {
            assert_eq!(check(SignatureAlgorithm::EcdsaP256Sha256Der, spki, msg, &der), Ok(()));
            assert_eq!(check(SignatureAlgorithm::EcdsaP256Sha256Raw, spki, msg, &raw), Ok(()));
        }
        // Encodings are not interchangeable.
        assert!(is_invalid(check(
            SignatureAlgorithm::EcdsaP256Sha256Der,
            &spki_u,
            msg,
            &raw
        )));
        assert!(is_invalid(check(
            SignatureAlgorithm::EcdsaP256Sha256Raw,
            &spki_u,
            msg,
            &der
        )));
        // Wrong message.
        assert!(is_invalid(check(
            SignatureAlgorithm::EcdsaP256Sha256Der,
            &spki_u,
            b"other",
            &der
        )));
        // Raw must be exactly 64 bytes.
        for bad in [
            &raw[..63],
            &[&raw[..], &[0]].concat()[..],
            &[&[0], &raw[..]].concat()[..],
            &[],
        ] {
            assert!(is_invalid(check(
                SignatureAlgorithm::EcdsaP256Sha256Raw,
                &spki_u,
                msg,
                bad
            )));
        }
        // DER: trailing byte, BER long-form length, r = 0.
        let trailing = [&der[..], &[0]].concat();
        assert!(is_invalid(check(
            SignatureAlgorithm::EcdsaP256Sha256Der,
            &spki_u,
            msg,
            &trailing
        )));
        let mut ber = vec![0x30, 0x81, der[1]];
        ber.extend_from_slice(&der[2..]);
        assert!(is_invalid(check(
            SignatureAlgorithm::EcdsaP256Sha256Der,
            &spki_u,
            msg,
            &ber
        )));
        let zero_r = seq(&[&[0x02, 0x01, 0x00][..], &uint(&raw[32..])]);
        assert!(is_invalid(check(
            SignatureAlgorithm::EcdsaP256Sha256Der,
            &spki_u,
            msg,
            &zero_r
        )));
    }

    #[test]
    fn ecdsa_high_s_is_valid() {
        let (sk, spki, _) = p256_key();
        for msg in [&b"a"[..], b"b", b"c", b"d"] {
            let sig: p256::ecdsa::Signature = sk.sign(msg);
            let (r, s) = sig.split_scalars();
            let flipped = p256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).unwrap();
            // One of the two is high-S; both verify.
            assert_ne!(bool::from(sig.s().is_high()), bool::from(flipped.s().is_high()));
            for sig in [sig, flipped] {
                let der = sig.to_der().to_bytes().to_vec();
                assert_eq!(check(SignatureAlgorithm::EcdsaP256Sha256Der, &spki, msg, &der), Ok(()));
                assert_eq!(
                    check(SignatureAlgorithm::EcdsaP256Sha256Raw, &spki, msg, &sig.to_bytes()),
                    Ok(())
                );
            }
        }
    }

    // --- keys that cannot be used -------------------------------------------------------------

    #[test]
    fn key_and_algorithm_must_match() {
        let (_, ec_spki, _) = p256_key();
        let (tbs, sig, _) = cert_parts("taro-sign.der");
        let (_, _, rsa_spki) = cert_parts("sign-ca.der");
        for alg in [
            SignatureAlgorithm::EcdsaP256Sha256Der,
            SignatureAlgorithm::EcdsaP256Sha256Raw,
        ] {
            assert!(is_unsupported(check(alg, &rsa_spki, &tbs, &sig)));
        }
        for alg in [
            SignatureAlgorithm::RsaPkcs1Sha1,
            SignatureAlgorithm::RsaPkcs1Sha256,
            SignatureAlgorithm::RsaPkcs1Sha384,
            SignatureAlgorithm::RsaPkcs1Sha512,
            SignatureAlgorithm::RsaPssSha256,
        ] {
            assert!(is_unsupported(check(alg, &ec_spki, &tbs, &sig)));
        }
        // Other curves, explicit curve parameters, unknown key algorithms.
        let p384 = spki(&seq(&[&oid("1.2.840.10045.2.1"), &oid("1.3.132.0.34")]), &[4; 97]);
        assert!(is_unsupported_oid(
            check(SignatureAlgorithm::EcdsaP256Sha256Der, &p384, b"", &[]),
            "1.3.132.0.34"
        ));
        let ed25519 = spki(&seq(&[&oid("1.3.101.112")]), &[0; 32]);
        assert!(is_unsupported_oid(
            check(SignatureAlgorithm::EcdsaP256Sha256Raw, &ed25519, b"", &[]),
            "1.3.101.112"
        ));
        // Explicit (specifiedCurve) parameters are not a namedCurve: refused.
        let explicit = spki(&seq(&[&oid("1.2.840.10045.2.1"), &seq(&[&uint(&[1])])]), &[4; 65]);
        assert!(check(SignatureAlgorithm::EcdsaP256Sha256Der, &explicit, b"", &[]).is_err());
    }

    #[test]
    fn unusable_keys_are_malformed() {
        let (_, ec_spki, _) = p256_key();
        let (_, _, ca_spki) = cert_parts("sign-ca.der");
        let rsa_key = rsa_public_key_of(&ca_spki);
        let pkcs1 = SignatureAlgorithm::RsaPkcs1Sha256;
        let ecdsa = SignatureAlgorithm::EcdsaP256Sha256Der;
        // Not DER / trailing bytes.
        assert!(is_malformed(check(pkcs1, &[], b"", &[])));
        assert!(is_malformed(check(pkcs1, &[&ca_spki[..], &[0]].concat(), b"", &[])));
        assert!(is_malformed(check(ecdsa, &[&ec_spki[..], &[0]].concat(), b"", &[])));
        // rsaEncryption without NULL parameters.
        assert!(is_malformed(check(
            pkcs1,
            &spki(&seq(&[&oid("1.2.840.113549.1.1.1")]), &rsa_key),
            b"",
            &[]
        )));
        // Point not on the curve.
        let mut off_curve = ec_spki.clone();
        let last = off_curve.len() - 1;
        off_curve[last] ^= 1;
        assert!(is_malformed(check(ecdsa, &off_curve, b"", &[])));
        // Even modulus, e = 1, even e, e ≥ n, e > 2^33 − 1, n > 8192 bits.
        let n = [0xC3u8; 256];
        let mut even = n;
        even[255] = 0xC2;
        for (n, e) in [
            (&even[..], &[1u8, 0, 1][..]),
            (&n[..], &[1][..]),
            (&n[..], &[4][..]),
            (&[0x0B][..], &[0x0D][..]),
            (&n[..], &[0x02, 0, 0, 0, 1][..]),
            (&[0xC3; 1025][..], &[1, 0, 1][..]),
        ] {
            assert!(is_malformed(check(pkcs1, &rsa_spki(n, e), b"", &[0; 256])));
        }
    }

    #[test]
    fn tiny_and_hostile_inputs_never_panic() {
        // A 7-bit RSA key (n = 119 = 7·17, e = 5) is accepted as a key and rejects every signature.
        let tiny = rsa_spki(&[119], &[5]);
        let (_, ec_spki, _) = p256_key();
        let (_, _, ca_spki) = cert_parts("sign-ca.der");
        let all = [
            SignatureAlgorithm::RsaPkcs1Sha1,
            SignatureAlgorithm::RsaPkcs1Sha256,
            SignatureAlgorithm::RsaPkcs1Sha384,
            SignatureAlgorithm::RsaPkcs1Sha512,
            SignatureAlgorithm::RsaPssSha256,
            SignatureAlgorithm::EcdsaP256Sha256Der,
            SignatureAlgorithm::EcdsaP256Sha256Raw,
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut noise = |len: usize| -> Vec<u8> {
            (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed as u8
                })
                .collect()
        };
        // The key is usable; no signature can be valid under it.
        assert!(is_invalid(check(SignatureAlgorithm::RsaPkcs1Sha256, &tiny, b"x", &[1])));
        assert!(is_invalid(check(SignatureAlgorithm::RsaPssSha256, &tiny, b"x", &[1])));
        for alg in all {
            for sig in [vec![], vec![0], vec![1], vec![118], vec![0x30, 0x00], vec![0xFF; 64]] {
                assert!(check(alg, &tiny, b"x", &sig).is_err());
            }
            for len in [0, 1, 8, 64, 65, 72, 255, 256, 257, 1024] {
                let sig = noise(len);
                for key in [&ca_spki, &ec_spki, &tiny] {
                    assert!(check(alg, key, b"x", &sig).is_err());
                }
                assert!(check(alg, &noise(len), b"x", &sig).is_err());
            }
        }
    }

    #[test]
    fn provider_name() {
        assert_eq!(RustCrypto.name(), "rustcrypto");
    }
}
