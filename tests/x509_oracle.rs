//! Our strict X.509 parser against an independent one (x509-parser, test-only): on every
//! certificate we ship or generate, both must agree on every field the model reports.

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::path::PathBuf;

use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{FromDer, X509Certificate};

fn certificates() -> Vec<(String, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["tests/fixtures/testpki", "anchors/jlis", "tests/fixtures/assertions"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if (name.ends_with(".der") && !name.ends_with(".key.der")) || name.ends_with(".cer") {
                out.push((name, std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

#[test]
fn both_parsers_agree_on_every_certificate() {
    let certs = certificates();
    assert!(certs.len() >= 36, "{}", certs.len());
    for (name, der) in &certs {
        let ours = jpki_verify::parse_certificate(der).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (rest, theirs) = X509Certificate::from_der(der).unwrap_or_else(|e| panic!("{name}: x509-parser: {e}"));
        assert!(rest.is_empty());
        let tbs = &theirs.tbs_certificate;
        assert_eq!(ours.version, tbs.version.0 + 1, "{name}");
        let serial = tbs.raw_serial();
        let serial = if serial.len() > 1 && serial[0] == 0 {
            &serial[1..]
        } else {
            serial
        };
        assert_eq!(
            ours.serial_number,
            serial.iter().map(|b| format!("{b:02X}")).collect::<String>(),
            "{name}"
        );
        assert_eq!(ours.not_before_unix(), tbs.validity.not_before.timestamp(), "{name}");
        assert_eq!(ours.not_after_unix(), tbs.validity.not_after.timestamp(), "{name}");
        assert_eq!(
            ours.signature_algorithm_oid,
            theirs.signature_algorithm.algorithm.to_id_string(),
            "{name}"
        );
        // Same DN strings where x509-parser can render them (it has no BMPString support and
        // does not apply RFC 4514 escaping, which we do).
        let unescape = |s: &str| s.replace('\\', "");
        if let (Ok(i), Ok(s)) = (
            tbs.issuer.to_string_with_registry(x509_parser::objects::oid_registry()),
            tbs.subject
                .to_string_with_registry(x509_parser::objects::oid_registry()),
        ) {
            assert_eq!(unescape(&ours.issuer), i, "{name}");
            assert_eq!(unescape(&ours.subject), s, "{name}");
        }
        let mut policies = Vec::new();
        for ext in tbs.extensions() {
            match ext.parsed_extension() {
                ParsedExtension::KeyUsage(ku) => {
                    let names: Vec<&str> = [
                        "digitalSignature",
                        "nonRepudiation",
                        "keyEncipherment",
                        "dataEncipherment",
                        "keyAgreement",
                        "keyCertSign",
                        "cRLSign",
                        "encipherOnly",
                        "decipherOnly",
                    ]
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| ku.flags & (1 << i) != 0)
                    .map(|(_, n)| *n)
                    .collect();
                    assert_eq!(ours.key_usage.as_deref(), Some(names.as_slice()), "{name}");
                    assert_eq!(ours.key_usage_critical, ext.critical, "{name}");
                }
                ParsedExtension::CertificatePolicies(ps) => {
                    policies = ps.iter().map(|p| p.policy_id.to_id_string()).collect()
                }
                ParsedExtension::BasicConstraints(bc) => {
                    let b = ours.basic_constraints.unwrap();
                    assert_eq!((b.ca, b.path_len), (bc.ca, bc.path_len_constraint), "{name}");
                }
                ParsedExtension::SubjectKeyIdentifier(k) => {
                    assert_eq!(
                        ours.subject_key_identifier.as_deref(),
                        Some(k.0.iter().map(|b| format!("{b:02X}")).collect::<String>().as_str()),
                        "{name}"
                    );
                }
                ParsedExtension::AuthorityKeyIdentifier(a) => {
                    let theirs = a
                        .key_identifier
                        .as_ref()
                        .map(|k| k.0.iter().map(|b| format!("{b:02X}")).collect::<String>());
                    assert_eq!(ours.authority_key_identifier, theirs, "{name}");
                }
                _ => {}
            }
        }
        assert_eq!(ours.policies, policies, "{name}");
        if let Ok(x509_parser::public_key::PublicKey::RSA(rsa)) = tbs.subject_pki.parsed() {
            let m: Vec<u8> = rsa.modulus.iter().copied().skip_while(|&b| b == 0).collect();
            assert_eq!(
                ours.key_bits as usize,
                (m.len() - 1) * 8 + (8 - m[0].leading_zeros() as usize),
                "{name}"
            );
        }
    }
    println!("{} certificates: both parsers agree", certs.len());
}
