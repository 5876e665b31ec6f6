//! The card client and the virtual card in headless Chromium
//! (`wasm-pack test --headless --chrome -- --test card_browser`): the same async client code as
//! natively, awaited on the browser's event loop. Certificates, PIN counters and errors, the My
//! Number guard, and an assertion signed by the virtual card and verified with the RustCrypto
//! provider.

#![cfg(all(target_arch = "wasm32", feature = "virtual-card"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use jpki_verify::assertion::{self, Severity, Trust};
use jpki_verify::card::guard::{JPKI_AID, TEXT_INPUT_AID};
use jpki_verify::card::virtual_card::{VirtualToken, FAKE_MY_NUMBER};
use jpki_verify::card::{
    AssertionRequest, CertificateFile, JpkiCard, KeyRef, MyNumberGuard, PinRef, PinStatus, Token, Transport,
    VirtualCard, VirtualCardConfig,
};
use jpki_verify::{Error, Purpose, RustCrypto, VerifyOptions};
use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const TIME: i64 = 1_780_272_000;
const AUDIENCE: &str = "https://bank.example.jp";
const NONCE: &str = "_q4V4Mp8ENFXeEQBNFw47D5iwo03f7QXvt-8-gb8vos";

static TARO_AUTH: &[u8] = include_bytes!("fixtures/testpki/taro-auth.der");
static TARO_SIGN: &[u8] = include_bytes!("fixtures/testpki/taro-sign.der");
static SIGN_CA: &[u8] = include_bytes!("fixtures/testpki/sign-ca.der");

fn virtual_card(token: VirtualToken) -> VirtualCard {
    VirtualCard::new(VirtualCardConfig {
        token,
        ..VirtualCardConfig::default()
    })
    .unwrap()
    .with_apdu_log()
}

fn options(purpose: Purpose) -> VerifyOptions {
    let mut o = VerifyOptions::new(AUDIENCE, NONCE, purpose, TIME);
    o.trust = Trust::Test;
    o.revocation_unchecked = Some(Severity::Warning);
    o
}

fn request(purpose: Purpose, key: KeyRef) -> AssertionRequest {
    AssertionRequest {
        audience: AUDIENCE.to_owned(),
        nonce: NONCE.to_owned(),
        purpose,
        iat: TIME - 5,
        exp: TIME + 300,
        txn: Some(serde_json::json!({"applicationId": "A-1"})),
        key,
        include_ca: true,
    }
}

#[test]
async fn reads_certificates() {
    let mut card = JpkiCard::new(virtual_card(VirtualToken::Card));
    assert_eq!(card.token().await.unwrap(), Token::Card);
    assert_eq!(
        card.read_certificate(CertificateFile::AuthCertificate).await.unwrap(),
        TARO_AUTH
    );
    assert_eq!(card.read_certificate(CertificateFile::SignCa).await.unwrap(), SIGN_CA);
    let e = card
        .read_certificate(CertificateFile::SignCertificate)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("PIN required"));
    card.verify_pin(PinRef::Sign, "abc123", false).await.unwrap();
    assert_eq!(
        card.read_certificate(CertificateFile::SignCertificate).await.unwrap(),
        TARO_SIGN
    );
}

#[test]
async fn android_token_needs_the_pin() {
    let mut card = JpkiCard::new(virtual_card(VirtualToken::Android));
    assert_eq!(card.token().await.unwrap(), Token::Android);
    assert_eq!(
        card.read_certificate(CertificateFile::AuthCertificate)
            .await
            .unwrap_err()
            .code(),
        "JPKI_CARD_IO"
    );
    card.verify_pin(PinRef::Auth, "1234", false).await.unwrap();
    assert_eq!(
        card.read_certificate(CertificateFile::AuthCertificate).await.unwrap(),
        TARO_AUTH
    );
}

#[test]
async fn tries_and_pin_errors() {
    let vc = virtual_card(VirtualToken::Card);
    let mut card = JpkiCard::new(vc.clone());
    assert_eq!(card.tries_left(PinRef::Auth).await.unwrap(), PinStatus::TriesLeft(3));
    assert_eq!(card.tries_left(PinRef::Sign).await.unwrap(), PinStatus::TriesLeft(5));
    assert_eq!(
        card.verify_pin(PinRef::Auth, "0000", false).await,
        Err(Error::PinIncorrect { tries_left: 2 })
    );
    assert_eq!(
        card.verify_pin(PinRef::Auth, "0000", false).await,
        Err(Error::PinIncorrect { tries_left: 1 })
    );
    let presented = |vc: &VirtualCard| vc.apdu_log().iter().filter(|a| a[1] == 0x20 && a.len() > 4).count();
    assert_eq!(
        card.verify_pin(PinRef::Auth, "0000", false).await,
        Err(Error::PinLastTryGuard)
    );
    assert_eq!(presented(&vc), 2);
    assert_eq!(
        card.verify_pin(PinRef::Auth, "0000", true).await,
        Err(Error::PinBlocked)
    );
    assert_eq!(
        card.verify_pin(PinRef::Auth, "1234", true).await,
        Err(Error::PinBlocked)
    );
    assert_eq!(presented(&vc), 3);
    assert_eq!(
        card.verify_pin(PinRef::Sign, "ABC12", true).await.unwrap_err().code(),
        "JPKI_PIN_FORMAT"
    );
    assert_eq!(presented(&vc), 3);
}

#[test]
async fn guard_refuses_my_number_routes() {
    let vc = virtual_card(VirtualToken::Card);
    let mut guard = MyNumberGuard::new(vc.clone());
    let select = |aid: &[u8]| [&[0x00, 0xA4, 0x04, 0x0C, aid.len() as u8][..], aid].concat();
    guard.transmit(&select(&TEXT_INPUT_AID)).await.unwrap();
    let mut verify_a = vec![0x00, 0x20, 0x00, 0x94, 12];
    verify_a.extend_from_slice(FAKE_MY_NUMBER.as_bytes());
    for apdu in [
        &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01][..],
        &[0x00, 0xB0, 0x81, 0x00, 0x00],
        &[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x14],
        &verify_a,
        &[0x00, 0xA4, 0x08, 0x0C, 0x04, 0x3F, 0x00, 0x00, 0x01],
        &[0x00, 0xCA, 0x00, 0x00, 0x00],
    ] {
        assert_eq!(guard.transmit(apdu).await, Err(Error::MyNumberRefused), "{apdu:02X?}");
    }
    guard.transmit(&select(&JPKI_AID)).await.unwrap();
    assert_eq!(
        guard
            .transmit(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x01])
            .await
            .unwrap(),
        [0x90, 0x00]
    );
    assert_eq!(guard.refused(), 6);
    assert_eq!(vc.my_number_reads(), 0);
}

#[test]
async fn signed_assertions_verify_with_rustcrypto() {
    let mut card = JpkiCard::new(virtual_card(VirtualToken::Card));
    card.verify_pin(PinRef::Sign, "ABC123", false).await.unwrap();
    let jws = card
        .make_assertion(&request(Purpose::AccountOpening, KeyRef::Sign))
        .await
        .unwrap();
    let v = assertion::verify(
        jws.as_bytes(),
        &options(Purpose::AccountOpening),
        None,
        None,
        &RustCrypto,
    );
    assert!(v.valid, "{:?}", v.errors);
    assert_eq!(v.identity.as_ref().unwrap().name, "山田\u{3000}太郎");

    card.verify_pin(PinRef::Auth, "1234", false).await.unwrap();
    let jws = card
        .make_assertion(&request(Purpose::Login, KeyRef::Auth))
        .await
        .unwrap();
    let v = assertion::verify(jws.as_bytes(), &options(Purpose::Login), None, None, &RustCrypto);
    assert!(v.valid, "{:?}", v.errors);
    let v = assertion::verify(
        jws.as_bytes(),
        &options(Purpose::AccountOpening),
        None,
        None,
        &RustCrypto,
    );
    assert_eq!(v.code(), Some("JPKI_WRONG_CERTIFICATE_KIND"));
}
