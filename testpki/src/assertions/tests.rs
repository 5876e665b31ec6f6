//! Assertion fixture tests: determinism, manifest shape, signatures.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use p256::pkcs8::DecodePublicKey as _;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use serde_json::Value;
use sha2::{Digest, Sha256};
use x509_parser::prelude::*;

use super::*;

fn files() -> &'static BTreeMap<String, Vec<u8>> {
    static FILES: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    FILES.get_or_init(|| {
        generate_assertions()
            .unwrap()
            .into_iter()
            .map(|f| (f.name, f.bytes))
            .collect()
    })
}

fn file(name: &str) -> &'static [u8] {
    files().get(name).unwrap_or_else(|| panic!("missing {name}"))
}

fn manifest() -> Value {
    serde_json::from_slice(file("manifest.json")).unwrap()
}

fn b64url_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .expect("base64url")
}

fn b64_decode(s: &str) -> Vec<u8> {
    b64url_decode(&s.trim_end_matches('=').replace('+', "-").replace('/', "_"))
}

/// Checks the JWS signature with the public key of x5c[0].
fn verify_jws(token: &str) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: Value = serde_json::from_slice(&b64url_decode(parts[0])).unwrap();
    let leaf = b64_decode(header["x5c"][0].as_str().unwrap());
    let (_, cert) = X509Certificate::from_der(&leaf).unwrap();
    let spki = cert.public_key().raw;
    let input = format!("{}.{}", parts[0], parts[1]);
    let sig = b64url_decode(parts[2]);
    match header["alg"].as_str().unwrap() {
        "RS256" => {
            let key = <rsa::PublicKey as rsa::pkcs8::DecodePublicKey>::from_public_key_der(spki).unwrap();
            VerifyingKey::<Sha256>::new(key)
                .verify(input.as_bytes(), &Signature::try_from(sig.as_slice()).unwrap())
                .unwrap();
        }
        "ES256" => {
            let key = p256::ecdsa::VerifyingKey::from(&p256::PublicKey::from_public_key_der(spki).unwrap());
            let sig = p256::ecdsa::Signature::from_slice(&sig).unwrap();
            key.verify(input.as_bytes(), &sig).unwrap();
        }
        other => panic!("unexpected alg {other}"),
    }
}

#[test]
fn deterministic() {
    let again: BTreeMap<String, Vec<u8>> = generate_assertions()
        .unwrap()
        .into_iter()
        .map(|f| (f.name, f.bytes))
        .collect();
    assert_eq!(&again, files());
}

#[test]
fn sorted_names() {
    let names: Vec<&String> = files().keys().collect();
    assert!(names.iter().any(|n| *n == "README.md"));
    assert!(names.iter().any(|n| *n == "manifest.json"));
}

#[test]
fn manifest_shape() {
    let m = manifest();
    assert_eq!(m["version"], 1);
    assert_eq!(m["validationTime"], crate::VALIDATION_TIME_UNIX);
    assert_eq!(m["audience"], ASSERTION_AUDIENCE);
    assert_eq!(m["nonce"], assertion_nonce());
    assert_eq!(assertion_nonce().len(), 43);
    let cases = m["cases"].as_array().unwrap();
    assert!(cases.len() >= 45, "{} cases", cases.len());
    let mut referenced = vec!["manifest.json".to_string(), "README.md".to_string()];
    let mut names = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        names.push(name.to_string());
        let f = case["file"].as_str().unwrap();
        let format = case["format"].as_str().unwrap();
        let ext = if format == "jws" { "jws" } else { "p7s" };
        assert_eq!(f, format!("{name}.{ext}"));
        assert!(!case["description"].as_str().unwrap().is_empty());
        file(f);
        referenced.push(f.to_string());
        if let Some(content) = case.get("detachedContent") {
            let content = content.as_str().unwrap();
            file(content);
            referenced.push(content.to_string());
        }
        let o = case["options"].as_object().unwrap();
        for key in ["trust", "audience", "nonce", "purpose", "time", "skewSeconds"] {
            assert!(o.contains_key(key), "{name}: options.{key}");
        }
        let keys: Vec<&String> = o.keys().collect();
        for key in keys {
            assert!(
                [
                    "trust",
                    "audience",
                    "nonce",
                    "purpose",
                    "time",
                    "skewSeconds",
                    "revocationUnchecked",
                    "cmsValidityAt"
                ]
                .contains(&key.as_str()),
                "{name}: {key}"
            );
        }
        let valid = case["expect"]["valid"].as_bool().unwrap();
        let code = &case["expect"]["code"];
        assert_eq!(valid, code.is_null(), "{name}");
        // Valid cases tolerate unchecked revocation, unless they carry revocation evidence.
        if valid && name != "jws-login-revocation-default" && case.get("revocation").is_none() {
            assert_eq!(o["revocationUnchecked"], "warning", "{name}");
        }
        if let Some(r) = case.get("revocation") {
            for crl in r["crls"].as_array().unwrap() {
                let crl = crl.as_str().unwrap();
                file(crl);
                referenced.push(crl.to_string());
            }
            assert!(case["expect"]["revocation"]["status"].is_string(), "{name}");
        }
        if let Some(code) = code.as_str() {
            assert!(code.starts_with("JPKI_"), "{name}");
        }
    }
    let mut sorted = names.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, names, "case names sorted and unique");
    for extra in ["evil-ca.der", "forged-sign-ca.der"] {
        referenced.push(extra.to_string());
    }
    referenced.sort();
    referenced.dedup();
    let all: Vec<String> = files().keys().cloned().collect();
    assert_eq!(referenced, all, "every file belongs to a case");
}

#[test]
fn valid_jws_signatures_verify() {
    let m = manifest();
    let mut checked = 0;
    for case in m["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let expect_ok_signature = case["expect"]["valid"].as_bool().unwrap()
            || !matches!(
                case["expect"]["code"].as_str().unwrap(),
                "JPKI_SIGNATURE_INVALID"
                    | "JPKI_MALFORMED"
                    | "JPKI_ALGORITHM_NOT_ALLOWED"
                    | "JPKI_UNSUPPORTED_ALGORITHM"
                    | "JPKI_BUDGET_EXCEEDED"
            );
        if case["format"] == "jws" && expect_ok_signature {
            let token = std::str::from_utf8(file(case["file"].as_str().unwrap())).unwrap();
            verify_jws(token);
            checked += 1;
            let claims: Value = serde_json::from_slice(&b64url_decode(token.split('.').nth(1).unwrap())).unwrap();
            let keys: Vec<&String> = claims.as_object().unwrap().keys().collect();
            assert!(keys.len() >= 5, "{name}");
        }
    }
    assert!(checked >= 30, "{checked}");
}

#[test]
fn jws_shapes() {
    let token = std::str::from_utf8(file("jws-account-opening-taro.jws")).unwrap();
    assert!(!token.ends_with('\n'));
    let parts: Vec<&str> = token.split('.').collect();
    let header = String::from_utf8(b64url_decode(parts[0])).unwrap();
    let leaf = crate::generate()
        .unwrap()
        .into_iter()
        .find(|f| f.name == "taro-sign.der")
        .unwrap();
    assert_eq!(
        header,
        format!(
            "{{\"alg\":\"RS256\",\"typ\":\"jpki-assertion+jwt\",\"x5c\":[\"{}\"]}}",
            encode::base64_standard(&leaf.bytes)
        )
    );
    let claims = String::from_utf8(b64url_decode(parts[1])).unwrap();
    assert_eq!(
        claims,
        format!(
            "{{\"aud\":\"https://bank.example.jp\",\"nonce\":\"{}\",\"iat\":1780271940,\"exp\":1780272240,\"purpose\":\"account-opening\"}}",
            assertion_nonce()
        )
    );
    assert_eq!(b64url_decode(parts[2]).len(), 256);
    let es = std::str::from_utf8(file("jws-account-opening-p256.jws")).unwrap();
    assert_eq!(b64url_decode(es.split('.').nth(2).unwrap()).len(), 64);
    let none = std::str::from_utf8(file("jws-alg-none.jws")).unwrap();
    assert!(none.ends_with('.'));
    assert!(file("jws-oversized.jws").len() > 64 * 1024);
    for (name, bytes) in files() {
        if name.ends_with(".jws") && name != "jws-oversized.jws" {
            assert!(bytes.len() <= 64 * 1024, "{name}");
        }
    }
    let std_b64 = std::str::from_utf8(file("jws-standard-base64.jws")).unwrap();
    assert!(std_b64.contains(['+', '/']));
}

#[test]
fn sign_jws_helper() {
    let pki: BTreeMap<String, Vec<u8>> = crate::generate()
        .unwrap()
        .into_iter()
        .map(|f| (f.name, f.bytes))
        .collect();
    let header = format!(
        "{{\"alg\":\"RS256\",\"typ\":\"jpki-assertion+jwt\",\"x5c\":[\"{}\"]}}",
        encode::base64_standard(&pki["taro-sign.der"])
    );
    let claims = cases::claims("account-opening").compact();
    let token = sign_jws(&header, &claims, &pki["taro-sign.key.der"]).unwrap();
    assert_eq!(token.as_bytes(), file("jws-account-opening-taro.jws"));
    let es_header = format!(
        "{{\"alg\":\"ES256\",\"typ\":\"jpki-assertion+jwt\",\"x5c\":[\"{}\"]}}",
        encode::base64_standard(&pki["p256-sign.der"])
    );
    let token = sign_jws(&es_header, &claims, &pki["p256-sign.key.der"]).unwrap();
    verify_jws(&token);
    assert_eq!(token.as_bytes(), file("jws-account-opening-p256.jws"));
    assert!(sign_jws(&header, &claims, b"not a key").is_err());
}

#[test]
fn cms_message_digest_and_signature() {
    let der = file("cms-attached-taro.p7s");
    let content = std::str::from_utf8(file("cms-detached-taro.content.json")).unwrap();
    assert_eq!(content, cases::claims("account-opening").compact());
    // The eContent and the messageDigest attribute both appear verbatim.
    assert!(der.windows(content.len()).any(|w| w == content.as_bytes()));
    let digest = Sha256::digest(content.as_bytes());
    let mut attr = vec![0x04, 0x20];
    attr.extend_from_slice(&digest);
    assert!(der.windows(attr.len()).any(|w| w == attr.as_slice()));
    // Detached: no eContent.
    let detached = file("cms-detached-taro.p7s");
    assert!(!detached.windows(content.len()).any(|w| w == content.as_bytes()));
    // SKI signer: SignedData version 3.
    let ski = file("cms-ski-signer.p7s");
    assert!(ski.windows(3).any(|w| w == [0x02, 0x01, 0x03]));
    // Truncated is half.
    assert_eq!(file("cms-truncated.p7s").len(), der.len() / 2);
    // Missing-content case reuses the detached bytes.
    assert_eq!(file("cms-detached-missing-content.p7s"), detached);
}

#[test]
fn rogue_cas() {
    let (_, evil) = X509Certificate::from_der(file("evil-ca.der")).unwrap();
    assert!(evil.subject().to_string().contains("Evil CA"));
    let (_, forged) = X509Certificate::from_der(file("forged-sign-ca.der")).unwrap();
    let pki: BTreeMap<String, Vec<u8>> = crate::generate()
        .unwrap()
        .into_iter()
        .map(|f| (f.name, f.bytes))
        .collect();
    let (_, real) = X509Certificate::from_der(&pki["sign-ca.der"]).unwrap();
    assert_eq!(forged.subject().as_raw(), real.subject().as_raw());
    assert_ne!(forged.public_key().raw, real.public_key().raw);
    // The forged leaf names the real DN as issuer and has no AKI.
    let token = std::str::from_utf8(file("jws-same-dn-forged-ca.jws")).unwrap();
    let header: Value = serde_json::from_slice(&b64url_decode(token.split('.').next().unwrap())).unwrap();
    let leaf = b64_decode(header["x5c"][0].as_str().unwrap());
    let (_, leaf) = X509Certificate::from_der(&leaf).unwrap();
    assert_eq!(leaf.issuer().as_raw(), real.subject().as_raw());
    assert!(leaf
        .get_extension_unique(&x509_parser::oid_registry::OID_X509_EXT_AUTHORITY_KEY_IDENTIFIER)
        .unwrap()
        .is_none());
    let tbs = leaf.tbs_certificate.as_ref();
    let sig = Signature::try_from(leaf.signature_value.data.as_ref()).unwrap();
    let key = |c: &X509Certificate<'_>| {
        VerifyingKey::<Sha256>::new(
            <rsa::PublicKey as rsa::pkcs8::DecodePublicKey>::from_public_key_der(c.public_key().raw).unwrap(),
        )
    };
    assert!(key(&forged).verify(tbs, &sig).is_ok());
    assert!(key(&real).verify(tbs, &sig).is_err());
}
