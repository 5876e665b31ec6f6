//! Smartphone certificates (スマホ用電子証明書): the test PKI's Android and iPhone personas, the
//! virtual card presenting them, the model's token and the basis it rests on (certificate
//! policy, configured issuer, the card's token label), and the configurable profile — J-LIS has
//! not published how a smartphone certificate differs from a card's (jpki-facts §5.1).

#![cfg(all(not(target_arch = "wasm32"), feature = "virtual-card"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use jpki_verify::assertion::{self, Severity, Trust};
use jpki_verify::card::virtual_card::VirtualToken;
use jpki_verify::card::{
    block_on, AssertionRequest, CertificateFile, JpkiCard, KeyRef, PinRef, Token, VirtualCard, VirtualCardConfig,
};
use jpki_verify::cert::{SmartphoneProfile, TokenBasis, POLICY_SMARTPHONE_TESTPKI};
use jpki_verify::{parse_certificate, Kind, Purpose, RustCrypto, VerifyOptions};

const TIME: i64 = 1_780_272_000; // tests/fixtures/testpki validation time

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/testpki/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn card(persona: &'static str, token: VirtualToken) -> (VirtualCard, JpkiCard<VirtualCard>) {
    let vc = VirtualCard::new(VirtualCardConfig {
        persona,
        token,
        auth_pin: "1234",
        sign_password: "ABC123",
    })
    .unwrap()
    .with_apdu_log();
    (vc.clone(), JpkiCard::new(vc))
}

#[test]
fn the_model_reports_smartphone_from_the_certificate() {
    for persona in ["android", "iphone"] {
        for (part, kind) in [("sign", Kind::Signature), ("auth", Kind::Authentication)] {
            let c = parse_certificate(&fixture(&format!("{persona}-{part}.der"))).unwrap();
            assert_eq!(c.kind, kind, "{persona}-{part}");
            assert_eq!(c.token, jpki_verify::Token::Smartphone, "{persona}-{part}");
            assert_eq!(c.token_basis, TokenBasis::CertificatePolicy);
            assert!(c.policies.contains(&POLICY_SMARTPHONE_TESTPKI.to_owned()));
            assert!(!c.notes.iter().any(|n| n.contains("token 'card'")), "{:?}", c.notes);
            let json = c.to_json();
            assert_eq!(
                (json["token"].as_str(), json["tokenBasis"].as_str()),
                (Some("smartphone"), Some("certificatePolicy"))
            );
        }
    }
    let taro = parse_certificate(&fixture("taro-sign.der")).unwrap();
    assert_eq!(
        (taro.token, taro.token_basis),
        (jpki_verify::Token::Card, TokenBasis::CertificatePolicy)
    );
}

#[test]
fn the_profile_is_configuration_not_a_fact() {
    let android = parse_certificate(&fixture("android-sign.der")).unwrap();
    let taro = parse_certificate(&fixture("taro-sign.der")).unwrap();
    let default = SmartphoneProfile::default();
    assert_eq!(
        default.token_of(&android),
        (jpki_verify::Token::Smartphone, TokenBasis::CertificatePolicy)
    );
    assert_eq!(
        default.token_of(&taro),
        (jpki_verify::Token::Card, TokenBasis::CertificatePolicy)
    );
    // A relying party that learnt that smartphone certificates come from their own CA, and
    // carry no marker, says so; the marker then means nothing.
    let mut by_issuer = SmartphoneProfile::default();
    by_issuer.policies.clear();
    by_issuer.issuers.push(taro.issuer.clone());
    assert_eq!(
        by_issuer.token_of(&android),
        (jpki_verify::Token::Smartphone, TokenBasis::Issuer)
    );
    let mut none = SmartphoneProfile::default();
    none.policies.clear();
    assert_eq!(
        none.token_of(&android),
        (jpki_verify::Token::Card, TokenBasis::CertificatePolicy)
    );
    // CA certificates have no token.
    let ca = parse_certificate(&fixture("sign-ca.der")).unwrap();
    assert_eq!(default.token_of(&ca), (jpki_verify::Token::Unknown, TokenBasis::None));
}

#[test]
fn the_virtual_card_presents_the_smartphone_personas() {
    // Android: the token label JPKIAPGPSETOKEN, and the authentication certificate is read only
    // after the authentication PIN.
    let (_vc, mut phone) = card("android", VirtualToken::of_persona("android"));
    let label = block_on(phone.token()).unwrap();
    assert_eq!(label, Token::Android);
    let e = block_on(phone.read_certificate(CertificateFile::AuthCertificate)).unwrap_err();
    assert!(e.to_string().contains("PIN required"), "{e}");
    block_on(phone.verify_pin(PinRef::Auth, "1234", false)).unwrap();
    let auth = block_on(phone.read_certificate(CertificateFile::AuthCertificate)).unwrap();
    assert_eq!(auth, fixture("android-auth.der"));
    let model = parse_certificate(&auth).unwrap().with_card_label(&label);
    assert_eq!(
        (model.token, model.token_basis),
        (jpki_verify::Token::Smartphone, TokenBasis::CertificateAndCardLabel)
    );

    // iPhone: JPKIAPIOSTOKEN; its authentication certificate is free, as on a card.
    let (_vc, mut phone) = card("iphone", VirtualToken::of_persona("iphone"));
    assert_eq!(block_on(phone.token()).unwrap(), Token::Iphone);
    assert_eq!(
        block_on(phone.read_certificate(CertificateFile::AuthCertificate)).unwrap(),
        fixture("iphone-auth.der")
    );

    // A label contradicting the certificate is noted, not believed: taro's card certificate
    // presented by something answering as an Android phone stays a card certificate.
    let taro = parse_certificate(&fixture("taro-auth.der"))
        .unwrap()
        .with_card_label(&Token::Android);
    assert_eq!(taro.token, jpki_verify::Token::Card);
    assert_eq!(taro.token_basis, TokenBasis::CertificatePolicy);
    assert!(taro.notes.iter().any(|n| n.contains("contradicts")), "{:?}", taro.notes);
    // Where the certificate says nothing (no JPKI policy), the label decides, and says so.
    let mut unknown = parse_certificate(&fixture("wrongpolicy-auth.der")).unwrap();
    assert_eq!(unknown.token, jpki_verify::Token::Unknown);
    unknown = unknown.with_card_label(&Token::Iphone);
    assert_eq!(
        (unknown.token, unknown.token_basis),
        (jpki_verify::Token::Smartphone, TokenBasis::CardLabel)
    );
}

#[test]
fn smartphone_assertions_verify_in_the_core() {
    // The core verifies a smartphone certificate like a card's; whether a bank accepts one for
    // account opening is the bank's policy (the server's --allow-smartphone-signature).
    let (_vc, mut phone) = card("android", VirtualToken::Android);
    block_on(phone.verify_pin(PinRef::Sign, "ABC123", false)).unwrap();
    let jws = block_on(phone.make_assertion(&AssertionRequest {
        audience: "https://bank.example.jp".to_owned(),
        nonce: "_q4V4Mp8ENFXeEQBNFw47D5iwo03f7QXvt-8-gb8vos".to_owned(),
        purpose: Purpose::AccountOpening,
        iat: TIME - 5,
        exp: TIME + 300,
        txn: None,
        key: KeyRef::Sign,
        include_ca: false,
    }))
    .unwrap();
    let mut o = VerifyOptions::new(
        "https://bank.example.jp",
        "_q4V4Mp8ENFXeEQBNFw47D5iwo03f7QXvt-8-gb8vos",
        Purpose::AccountOpening,
        TIME,
    );
    o.trust = Trust::Test;
    o.revocation_unchecked = Some(Severity::Warning);
    let v = assertion::verify(jws.as_bytes(), &o, None, None, &RustCrypto);
    assert!(v.valid, "{:?}", v.errors);
    let cert = v.certificate.unwrap();
    assert_eq!(cert.token, jpki_verify::Token::Smartphone);
    assert_eq!(v.identity.unwrap().name, "携帯\u{3000}優");
}
