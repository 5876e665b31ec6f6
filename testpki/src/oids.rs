//! Object identifiers used by the test PKI, as arc lists.

/// `rsaEncryption` (RFC 8017).
pub(crate) const RSA_ENCRYPTION: &[u64] = &[1, 2, 840, 113_549, 1, 1, 1];
/// `sha1WithRSAEncryption` (RFC 8017).
pub(crate) const SHA1_WITH_RSA: &[u64] = &[1, 2, 840, 113_549, 1, 1, 5];
/// `sha256WithRSAEncryption` (RFC 8017).
pub(crate) const SHA256_WITH_RSA: &[u64] = &[1, 2, 840, 113_549, 1, 1, 11];
/// `id-ecPublicKey` (RFC 5480).
pub(crate) const EC_PUBLIC_KEY: &[u64] = &[1, 2, 840, 10_045, 2, 1];
/// `prime256v1` / `secp256r1` (RFC 5480).
pub(crate) const PRIME256V1: &[u64] = &[1, 2, 840, 10_045, 3, 1, 7];

/// `id-at-commonName`.
pub(crate) const AT_COMMON_NAME: &[u64] = &[2, 5, 4, 3];
/// `id-at-countryName`.
pub(crate) const AT_COUNTRY: &[u64] = &[2, 5, 4, 6];
/// `id-at-localityName`.
pub(crate) const AT_LOCALITY: &[u64] = &[2, 5, 4, 7];
/// `id-at-organizationName`.
pub(crate) const AT_ORGANIZATION: &[u64] = &[2, 5, 4, 10];
/// `id-at-organizationalUnitName`.
pub(crate) const AT_ORGANIZATIONAL_UNIT: &[u64] = &[2, 5, 4, 11];

/// `id-ce-subjectKeyIdentifier`.
pub(crate) const CE_SUBJECT_KEY_ID: &[u64] = &[2, 5, 29, 14];
/// `id-ce-keyUsage`.
pub(crate) const CE_KEY_USAGE: &[u64] = &[2, 5, 29, 15];
/// `id-ce-subjectAltName`.
pub(crate) const CE_SUBJECT_ALT_NAME: &[u64] = &[2, 5, 29, 17];
/// `id-ce-issuerAltName`.
pub(crate) const CE_ISSUER_ALT_NAME: &[u64] = &[2, 5, 29, 18];
/// `id-ce-basicConstraints`.
pub(crate) const CE_BASIC_CONSTRAINTS: &[u64] = &[2, 5, 29, 19];
/// `id-ce-certificatePolicies`.
pub(crate) const CE_CERTIFICATE_POLICIES: &[u64] = &[2, 5, 29, 32];
/// `anyPolicy`.
pub(crate) const ANY_POLICY: &[u64] = &[2, 5, 29, 32, 0];
/// `id-ce-authorityKeyIdentifier`.
pub(crate) const CE_AUTHORITY_KEY_ID: &[u64] = &[2, 5, 29, 35];
/// `id-qt-cps`.
pub(crate) const QT_CPS: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 2, 1];

/// The test PKI's smartphone marker: RFC 7229 `id-TEST-certPolicyOne` (reserved for test
/// certificate policies).
pub(crate) const TEST_SMARTPHONE_MARKER: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 13, 1];
/// J-LIS test-environment policy for signature certificates.
pub(crate) const JPKI_TEST_SIGN_POLICY: &[u64] = &[1, 2, 392, 200_149, 8, 5, 1, 0, 20];
/// J-LIS test-environment policy for user-authentication certificates.
pub(crate) const JPKI_TEST_AUTH_POLICY: &[u64] = &[1, 2, 392, 200_149, 8, 5, 1, 0, 30];

/// JPKI identity attribute `otherName` type-ids, `1.2.392.200149.8.5.5.{1..6}`:
/// name, name substitution flags, sex, date of birth, address, address
/// substitution flags.
pub(crate) const JPKI_NAME: &[u64] = &[1, 2, 392, 200_149, 8, 5, 5, 1];
/// See [`JPKI_NAME`].
pub(crate) const JPKI_NAME_FLAGS: &[u64] = &[1, 2, 392, 200_149, 8, 5, 5, 2];
/// See [`JPKI_NAME`].
pub(crate) const JPKI_SEX: &[u64] = &[1, 2, 392, 200_149, 8, 5, 5, 3];
/// See [`JPKI_NAME`].
pub(crate) const JPKI_BIRTH_DATE: &[u64] = &[1, 2, 392, 200_149, 8, 5, 5, 4];
/// See [`JPKI_NAME`].
pub(crate) const JPKI_ADDRESS: &[u64] = &[1, 2, 392, 200_149, 8, 5, 5, 5];
/// See [`JPKI_NAME`].
pub(crate) const JPKI_ADDRESS_FLAGS: &[u64] = &[1, 2, 392, 200_149, 8, 5, 5, 6];

/// Dotted form, for the README.
pub(crate) fn dotted(arcs: &[u64]) -> String {
    arcs.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
}
