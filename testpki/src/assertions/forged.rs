//! Certificate authorities that the verifier must **not** trust, and
//! leaves they issue: a foreign "Evil CA" with its own DN, and a CA that
//! copies the test `sign-ca`'s DN exactly but has its own key.
//!
//! Built with the crate's own certificate writer; keys are derived from
//! their names like every other key of the test PKI.

use sha2::{Digest, Sha256};

use crate::cert::{self, Attribute, SigAlg, Tbs, Text};
use crate::keys::{KeyType, PrivateKey};
use crate::{oids, CertKind, Error, CAS, CA_NOT_AFTER, CA_NOT_BEFORE, PERSONAS};

/// A CA certificate and its key.
pub(crate) struct ForgedCa {
    /// Certificate DER.
    pub(crate) cert: Vec<u8>,
    key: PrivateKey,
    name_der: Vec<u8>,
    key_id: Vec<u8>,
}

/// A leaf certificate and its PKCS#8 key.
pub(crate) struct ForgedLeaf {
    /// Certificate DER.
    pub(crate) cert: Vec<u8>,
    /// PKCS#8 `PrivateKeyInfo` DER.
    pub(crate) key_pkcs8: Vec<u8>,
}

/// DN of the foreign CA.
pub(crate) const EVIL_CA_DN: &str = "C=JP, O=Evil CA, OU=jpki-verify TEST PKI - foreign CA, never trust";

fn evil_ca_dn() -> [Attribute<'static>; 3] {
    [
        (oids::AT_COUNTRY, Text::Printable("JP")),
        (oids::AT_ORGANIZATION, Text::Utf8("Evil CA")),
        (
            oids::AT_ORGANIZATIONAL_UNIT,
            Text::Utf8("jpki-verify TEST PKI - foreign CA, never trust"),
        ),
    ]
}

/// Self-signed RSA-2048 CA with the test CAs' profile.
fn self_signed(key_name: &str, dn: &[Attribute<'_>], serial: u64) -> Result<ForgedCa, Error> {
    let key = PrivateKey::derive(key_name, KeyType::Rsa(2048))?;
    let rsa = key.as_rsa().ok_or(Error::Crypto("CA key must be RSA".to_string()))?;
    let name_der = cert::name(dn)?;
    let key_id = key.key_identifier();
    let spki = key.spki()?;
    let tbs = Tbs {
        serial,
        sig_alg: SigAlg::Sha256WithRsa,
        issuer: &name_der,
        not_before: CA_NOT_BEFORE,
        not_after: CA_NOT_AFTER,
        subject: &name_der,
        spki: &spki,
        extensions: vec![
            cert::basic_constraints_ca()?,
            cert::key_usage(&[5, 6])?,
            cert::subject_key_identifier(&key_id)?,
        ],
    };
    let cert = tbs.sign(rsa, key_name)?;
    Ok(ForgedCa {
        cert,
        key,
        name_der,
        key_id,
    })
}

/// `evil-ca`: a self-signed CA whose DN has nothing to do with JPKI.
pub(crate) fn evil_ca() -> Result<ForgedCa, Error> {
    self_signed("evil-ca", &evil_ca_dn(), 0x66)
}

/// DN of the test `sign-ca` (`C=JP, O=JPKI-TEST, OU=JPKI for digital
/// signature, OU=jpki-verify TEST PKI - not issued by J-LIS`).
pub(crate) fn sign_ca_dn() -> Result<String, Error> {
    let spec = CAS
        .iter()
        .find(|s| s.kind == CertKind::Sign)
        .ok_or(Error::Der("no sign CA"))?;
    Ok(cert::display_name(&spec.dn()))
}

/// `forged-sign-ca`: the test `sign-ca`'s exact DN and serial, its own key.
pub(crate) fn forged_sign_ca() -> Result<ForgedCa, Error> {
    let spec = CAS
        .iter()
        .find(|s| s.kind == CertKind::Sign)
        .ok_or(Error::Der("no sign CA"))?;
    self_signed("forged-sign-ca", &spec.dn(), spec.serial)
}

/// A signature certificate impersonating `taro` (same subject shape,
/// identity, serial, validity, keyUsage and policy as `taro-sign.der`)
/// issued by `ca` under the key name `key_name`. With `with_aki` false the
/// authorityKeyIdentifier is left out, so nothing but the signature tells
/// the issuer apart from a same-DN CA.
pub(crate) fn taro_lookalike(ca: &ForgedCa, key_name: &str, with_aki: bool) -> Result<ForgedLeaf, Error> {
    let taro = PERSONAS
        .iter()
        .find(|p| p.id == "taro")
        .ok_or(Error::Der("no taro persona"))?;
    let key = PrivateKey::derive(key_name, KeyType::Rsa(2048))?;
    let digest = Sha256::digest(format!("jpki-verify testpki v1/cn/{key_name}").as_bytes());
    let cn: String = format!("TEST{}", crate::hex(&digest)).chars().take(23).collect();
    let subject_attrs: [Attribute<'_>; 4] = [
        (oids::AT_COUNTRY, Text::Printable("JP")),
        (oids::AT_LOCALITY, Text::Utf8("Tokyo-to")),
        (oids::AT_LOCALITY, Text::Utf8("Chiyoda-ku")),
        (oids::AT_COMMON_NAME, Text::Utf8(&cn)),
    ];
    let subject = cert::name(&subject_attrs)?;
    let spki = key.spki()?;
    let mut extensions = vec![
        cert::key_usage(&[0, 1])?,
        cert::certificate_policies(oids::JPKI_TEST_SIGN_POLICY)?,
        cert::jpki_subject_alt_name(&taro.identity)?,
        cert::issuer_alt_name()?,
    ];
    if with_aki {
        extensions.push(cert::authority_key_identifier(&ca.key_id)?);
    }
    extensions.push(cert::subject_key_identifier(&key.key_identifier())?);
    let (not_before, not_after) = taro.validity();
    let tbs = Tbs {
        serial: u64::from(taro.serial(CertKind::Sign)),
        sig_alg: SigAlg::Sha256WithRsa,
        issuer: &ca.name_der,
        not_before,
        not_after,
        subject: &subject,
        spki: &spki,
        extensions,
    };
    let ca_key = ca.key.as_rsa().ok_or(Error::Crypto("CA key must be RSA".to_string()))?;
    Ok(ForgedLeaf {
        cert: tbs.sign(ca_key, key_name)?,
        key_pkcs8: key.pkcs8_der()?,
    })
}
