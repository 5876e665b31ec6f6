//! Whole-PKI tests: determinism, structure, signatures, key/cert pairing.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use p256::elliptic_curve::sec1::ToSec1Point;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::Verifier;
use rsa::traits::PublicKeyParts;
use rsa::{PrivateKey as RsaPrivateKey, PublicKey as RsaPublicKey};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use x509_parser::prelude::*;

use super::*;

fn files() -> &'static BTreeMap<String, Vec<u8>> {
    static FILES: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| generate().unwrap().into_iter().map(|f| (f.name, f.bytes)).collect())
}

fn file(name: &str) -> &'static [u8] {
    files().get(name).unwrap_or_else(|| panic!("missing {name}"))
}

fn parse(name: &str) -> X509Certificate<'static> {
    let (rest, cert) = X509Certificate::from_der(file(name)).unwrap();
    assert!(rest.is_empty(), "{name}: trailing bytes");
    cert
}

fn ca_public(kind: CertKind) -> RsaPublicKey {
    let name = match kind {
        CertKind::Sign => "sign-ca.key.der",
        CertKind::Auth => "auth-ca.key.der",
    };
    RsaPrivateKey::from_pkcs8_der(file(name)).unwrap().to_public_key()
}

fn verify(cert: &X509Certificate<'_>, issuer: &RsaPublicKey) {
    let tbs = cert.tbs_certificate.as_ref();
    let sig = Signature::try_from(cert.signature_value.data.as_ref()).unwrap();
    match cert.signature_algorithm.algorithm.to_id_string().as_str() {
        "1.2.840.113549.1.1.11" => VerifyingKey::<Sha256>::new(issuer.clone()).verify(tbs, &sig).unwrap(),
        "1.2.840.113549.1.1.5" => VerifyingKey::<Sha1>::new(issuer.clone()).verify(tbs, &sig).unwrap(),
        other => panic!("unexpected signature algorithm {other}"),
    }
    assert_eq!(cert.signature_algorithm, cert.tbs_certificate.signature);
}

/// Reads one TLV, returning (tag, value, rest). Enough for the tests.
fn tlv(input: &[u8]) -> (u8, &[u8], &[u8]) {
    let tag = input[0];
    let (len, header) = match input[1] {
        n if n < 0x80 => (usize::from(n), 2),
        0x81 => (usize::from(input[2]), 3),
        0x82 => (usize::from(input[2]) << 8 | usize::from(input[3]), 4),
        _ => panic!("unsupported length"),
    };
    (tag, &input[header..header + len], &input[header + len..])
}

fn decode_string(tag: u8, value: &[u8]) -> String {
    match tag {
        0x0c | 0x13 => String::from_utf8(value.to_vec()).unwrap(),
        0x1e => {
            let units: Vec<u16> = value.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16(&units).unwrap()
        }
        other => panic!("unexpected string tag {other:#x}"),
    }
}

fn tag_of(kind: StringKind) -> u8 {
    match kind {
        StringKind::Utf8 => 0x0c,
        StringKind::Bmp => 0x1e,
        StringKind::Printable => 0x13,
    }
}

#[test]
fn constants_agree() {
    assert_eq!(VALIDATION_TIME.unix_seconds(), VALIDATION_TIME_UNIX);
    assert_eq!(VALIDATION_TIME.rfc3339(), VALIDATION_TIME_RFC3339);
}

#[test]
fn deterministic() {
    let again: BTreeMap<String, Vec<u8>> = generate().unwrap().into_iter().map(|f| (f.name, f.bytes)).collect();
    assert_eq!(&again, files());
}

#[test]
fn sorted_and_complete() {
    let list = generate().unwrap();
    let names: Vec<&str> = list.iter().map(|f| f.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);

    let mut expected = vec![
        "README.md".to_string(),
        "auth-ca.der".to_string(),
        "auth-ca.key.der".to_string(),
        "sign-ca.der".to_string(),
        "sign-ca.key.der".to_string(),
        "sign-ca.crl".to_string(),
        "sign-ca-stale.crl".to_string(),
        "sign-ca-wrongkey.crl".to_string(),
        "auth-ca.crl".to_string(),
    ];
    for p in PERSONAS {
        for kind in ["sign", "auth"] {
            expected.push(format!("{}-{kind}.der", p.id));
            expected.push(format!("{}-{kind}.key.der", p.id));
        }
    }
    expected.sort_unstable();
    assert_eq!(names, expected);
}

#[test]
fn cas() {
    for (name, serial, kind) in [
        ("sign-ca.der", 1u32, CertKind::Sign),
        ("auth-ca.der", 2, CertKind::Auth),
    ] {
        let cert = parse(name);
        assert_eq!(cert.version(), X509Version::V3);
        assert_eq!(cert.tbs_certificate.raw_serial(), &[serial as u8]);
        assert_eq!(cert.subject().as_raw(), cert.issuer().as_raw());
        verify(&cert, &ca_public(kind));
        let bc = cert.basic_constraints().unwrap().unwrap();
        assert!(bc.critical && bc.value.ca && bc.value.path_len_constraint.is_none());
        let ku = cert.key_usage().unwrap().unwrap();
        assert!(ku.critical && ku.value.key_cert_sign() && ku.value.crl_sign());
        assert_eq!(ku.value.flags, 0b110_0000);
        let spk = cert.public_key().subject_public_key.data.as_ref();
        let ski = cert
            .get_extension_unique(&x509_parser::oid_registry::OID_X509_EXT_SUBJECT_KEY_IDENTIFIER)
            .unwrap()
            .unwrap();
        match ski.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(id) => {
                assert_eq!(id.0, Sha1::digest(spk).as_slice())
            }
            other => panic!("{other:?}"),
        }
        let dn = cert.subject().to_string();
        assert!(dn.contains("not issued by J-LIS"), "{dn}");
        assert_eq!(
            cert.validity().not_before.timestamp(),
            DateTime::new(2024, 1, 1, 0, 0, 0).unix_seconds()
        );
        assert_eq!(
            cert.validity().not_after.timestamp(),
            DateTime::new(2034, 1, 1, 14, 59, 59).unix_seconds()
        );
    }
    // The raw encodings of the fixed parts.
    let raw = file("sign-ca.der");
    let ku = [
        0x30, 0x0e, 0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01, 0xff, 0x04, 0x04, 0x03, 0x02, 0x01, 0x06,
    ];
    assert!(raw.windows(ku.len()).any(|w| w == ku));
}

#[test]
fn end_entities() {
    let at = ASN1Time::from_timestamp(VALIDATION_TIME_UNIX).unwrap();
    let mut serials = Vec::new();
    for p in PERSONAS {
        for kind in [CertKind::Sign, CertKind::Auth] {
            let stem = p.file_stem(kind);
            let cert = parse(&format!("{stem}.der"));
            let ca = parse(match kind {
                CertKind::Sign => "sign-ca.der",
                CertKind::Auth => "auth-ca.der",
            });
            assert_eq!(cert.version(), X509Version::V3);
            let serial = p.serial(kind);
            assert_eq!(cert.tbs_certificate.raw_serial(), serial.to_be_bytes(), "{stem}");
            serials.push(serial);
            assert_eq!(cert.issuer().as_raw(), ca.subject().as_raw(), "{stem}");
            verify(&cert, &ca_public(kind));

            // Validity.
            let valid_now = cert.validity().is_valid_at(at);
            let expect_valid = !matches!(p.defect, Defect::Expired | Defect::NotYetValid);
            assert_eq!(valid_now, expect_valid, "{stem}");

            // Signature algorithm.
            let alg = cert.signature_algorithm.algorithm.to_id_string();
            let expect_alg = if p.defect == Defect::Sha1Signature {
                "1.2.840.113549.1.1.5"
            } else {
                "1.2.840.113549.1.1.11"
            };
            assert_eq!(alg, expect_alg, "{stem}");

            // keyUsage.
            let ku = cert.key_usage().unwrap().unwrap();
            assert!(ku.critical);
            let expect_flags = match (kind, p.defect == Defect::WrongKeyUsage) {
                (CertKind::Sign, false) => 0b11,
                (CertKind::Sign, true) | (CertKind::Auth, false) => 0b1,
                (CertKind::Auth, true) => 0b100,
            };
            assert_eq!(ku.value.flags, expect_flags, "{stem}");

            // certificatePolicies.
            let cp = cert
                .get_extension_unique(&x509_parser::oid_registry::OID_X509_EXT_CERTIFICATE_POLICIES)
                .unwrap()
                .unwrap();
            assert!(cp.critical);
            let ParsedExtension::CertificatePolicies(policies) = cp.parsed_extension() else {
                panic!()
            };
            assert_eq!(policies.len(), if p.defect.is_smartphone() { 2 } else { 1 });
            if p.defect.is_smartphone() {
                assert_eq!(policies[1].policy_id.to_id_string(), "1.3.6.1.5.5.7.13.1");
                assert!(policies[1].policy_qualifiers.is_none());
            }
            let expect_policy = match (kind, p.defect) {
                (_, Defect::WrongPolicy) => "2.5.29.32.0",
                (CertKind::Sign, _) => "1.2.392.200149.8.5.1.0.20",
                (CertKind::Auth, _) => "1.2.392.200149.8.5.1.0.30",
            };
            assert_eq!(policies[0].policy_id.to_id_string(), expect_policy);
            let quals = policies[0].policy_qualifiers.as_ref().unwrap();
            assert_eq!(quals[0].policy_qualifier_id.to_id_string(), "1.3.6.1.5.5.7.2.1");
            let (tag, uri, _) = tlv(quals[0].qualifier);
            assert_eq!((tag, uri), (0x16, b"http://www.jpki.go.jp/cps.html".as_slice()));

            // Key type and pairing with the PKCS#8 file.
            let spki = cert.public_key();
            let key_file = file(&format!("{stem}.key.der"));
            match p.defect {
                Defect::EcdsaP256 => {
                    assert_eq!(spki.algorithm.algorithm.to_id_string(), "1.2.840.10045.2.1");
                    let key = p256::SecretKey::from_pkcs8_der(key_file).unwrap();
                    let point = key.public_key().to_sec1_point(false);
                    assert_eq!(spki.subject_public_key.data.as_ref(), point.as_bytes());
                }
                _ => {
                    assert_eq!(spki.algorithm.algorithm.to_id_string(), "1.2.840.113549.1.1.1");
                    let key = RsaPrivateKey::from_pkcs8_der(key_file).unwrap();
                    let bits = if p.defect == Defect::Rsa1024 { 1024 } else { 2048 };
                    assert_eq!(key.size() * 8, bits, "{stem}");
                    assert_eq!(key.e_bytes().as_ref(), &[1, 0, 1]);
                    let rsa_pub = match spki.parsed().unwrap() {
                        x509_parser::public_key::PublicKey::RSA(k) => k,
                        other => panic!("{other:?}"),
                    };
                    let modulus: Vec<u8> = rsa_pub.modulus.iter().copied().skip_while(|b| *b == 0).collect();
                    assert_eq!(modulus, key.n_bytes().as_ref());
                }
            }

            // Key identifiers.
            let ca_ski = match ca
                .get_extension_unique(&x509_parser::oid_registry::OID_X509_EXT_SUBJECT_KEY_IDENTIFIER)
                .unwrap()
                .unwrap()
                .parsed_extension()
            {
                ParsedExtension::SubjectKeyIdentifier(id) => id.0.to_vec(),
                other => panic!("{other:?}"),
            };
            let aki = cert
                .get_extension_unique(&x509_parser::oid_registry::OID_X509_EXT_AUTHORITY_KEY_IDENTIFIER)
                .unwrap()
                .unwrap();
            let ParsedExtension::AuthorityKeyIdentifier(aki) = aki.parsed_extension() else {
                panic!()
            };
            assert_eq!(aki.key_identifier.as_ref().unwrap().0, ca_ski.as_slice());
            let ski = cert
                .get_extension_unique(&x509_parser::oid_registry::OID_X509_EXT_SUBJECT_KEY_IDENTIFIER)
                .unwrap()
                .unwrap();
            let ParsedExtension::SubjectKeyIdentifier(ski) = ski.parsed_extension() else {
                panic!()
            };
            assert_eq!(ski.0, Sha1::digest(spki.subject_public_key.data.as_ref()).as_slice());

            // issuerAltName.
            let ian = cert
                .get_extension_unique(&x509_parser::oid_registry::OID_X509_EXT_ISSUER_ALT_NAME)
                .unwrap()
                .unwrap();
            assert!(!ian.critical);
            let ParsedExtension::IssuerAlternativeName(ian) = ian.parsed_extension() else {
                panic!()
            };
            match &ian.general_names[..] {
                [GeneralName::DirectoryName(dn)] => {
                    assert_eq!(dn.to_string(), "C=JP, O=公的個人認証サービス")
                }
                other => panic!("{other:?}"),
            }

            // Subject: opaque CN, and identity only in the signature cert.
            let cn = p.common_name(kind);
            assert_eq!(cn.len(), 23);
            let dn = cert.subject().to_string();
            let san = cert.subject_alternative_name().unwrap();
            match kind {
                CertKind::Sign => {
                    assert_eq!(dn, format!("C=JP, L=Tokyo-to, L=Chiyoda-ku, CN={cn}"));
                    let san = san.unwrap();
                    assert!(!san.critical);
                    check_identity(&san.value.general_names, &p.identity);
                }
                CertKind::Auth => {
                    assert_eq!(dn, format!("C=JP, CN={cn}"));
                    assert!(san.is_none(), "{stem} must not carry an identity");
                }
            }
        }
    }
    serials.sort_unstable();
    serials.dedup();
    assert_eq!(serials.len(), PERSONAS.len() * 2);
    assert_ne!(
        PERSONAS[0].common_name(CertKind::Sign),
        PERSONAS[0].common_name(CertKind::Auth)
    );
}

fn check_identity(names: &[GeneralName<'_>], identity: &Identity) {
    let name_flags = identity.name_flags();
    let address_flags = identity.address_flags();
    let expected = [
        ("1.2.392.200149.8.5.5.1", identity.name, identity.name_kind),
        ("1.2.392.200149.8.5.5.2", name_flags.as_str(), identity.digits_kind),
        ("1.2.392.200149.8.5.5.3", identity.sex, identity.digits_kind),
        ("1.2.392.200149.8.5.5.4", identity.birth_date, identity.digits_kind),
        ("1.2.392.200149.8.5.5.5", identity.address, StringKind::Utf8),
        ("1.2.392.200149.8.5.5.6", address_flags.as_str(), identity.digits_kind),
    ];
    assert_eq!(names.len(), expected.len());
    for (gn, (oid, value, kind)) in names.iter().zip(expected) {
        let GeneralName::OtherName(type_id, rest) = gn else {
            panic!("{gn:?}")
        };
        assert_eq!(type_id.to_id_string(), oid);
        let (tag, inner, after) = tlv(rest);
        assert_eq!(tag, 0xa0);
        assert!(after.is_empty());
        let (string_tag, bytes, after) = tlv(inner);
        assert!(after.is_empty());
        assert_eq!(string_tag, tag_of(kind), "{oid}");
        assert_eq!(decode_string(string_tag, bytes), value, "{oid}");
    }
}

#[test]
fn taro_extension_bytes() {
    let raw = file("taro-sign.der");
    // keyUsage critical digitalSignature + nonRepudiation: 03 02 06 C0.
    let ku = [
        0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01, 0xff, 0x04, 0x04, 0x03, 0x02, 0x06, 0xc0,
    ];
    assert!(raw.windows(ku.len()).any(|w| w == ku));
    let raw = file("taro-auth.der");
    let ku = [
        0x06, 0x03, 0x55, 0x1d, 0x0f, 0x01, 0x01, 0xff, 0x04, 0x04, 0x03, 0x02, 0x07, 0x80,
    ];
    assert!(raw.windows(ku.len()).any(|w| w == ku));
    let raw = file("wrongku-auth.der");
    let ku = [0x03, 0x02, 0x05, 0x20];
    assert!(raw.windows(ku.len()).any(|w| w == ku));
}

#[test]
fn readme_mentions_everything() {
    let readme = String::from_utf8(file("README.md").to_vec()).unwrap();
    assert!(readme.contains("NEVER TRUST"));
    assert!(readme.contains(VALIDATION_TIME_RFC3339));
    assert!(readme.contains("1.2.392.200149.8.5.1.0.20"));
    for p in PERSONAS {
        assert!(readme.contains(&format!("| `{}` |", p.id)), "{}", p.id);
        assert!(readme.contains(p.identity.address));
    }
    for (name, bytes) in files() {
        if name != "README.md" {
            let hash: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
            assert!(readme.contains(&hash), "{name}");
        }
    }
}

#[test]
fn write_to_writes() {
    let dir = std::env::temp_dir().join(format!("jpki-testpki-{}", std::process::id()));
    let written = write_to(&dir).unwrap();
    for f in &written {
        assert_eq!(std::fs::read(dir.join(&f.name)).unwrap(), f.bytes);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn crls_parse_with_x509_parser_and_list_the_revoked_personas() {
    use x509_parser::prelude::{CertificateRevocationList, FromDer};
    let files = generate().unwrap();
    let get = |n: &str| files.iter().find(|f| f.name == n).unwrap().bytes.clone();
    let sign = get("sign-ca.crl");
    let (rest, crl) = CertificateRevocationList::from_der(&sign).unwrap();
    assert!(rest.is_empty());
    let serials: Vec<String> = crl
        .iter_revoked_certificates()
        .map(|r| r.raw_serial_as_string())
        .collect();
    assert_eq!(serials.len(), 9);
    assert!(serials.contains(&"10:00:00:1a".to_string()), "{serials:?}");
    let big = crate::large_crl(1000).unwrap();
    let (rest, crl) = CertificateRevocationList::from_der(&big).unwrap();
    assert!(rest.is_empty());
    assert_eq!(crl.iter_revoked_certificates().count(), 1002);
    assert_eq!(crate::current_crl_spec(CertKind::Auth).entries.len(), 1);
}
