//! The JPKI card client against the virtual card (test PKI personas) and against scripted,
//! misbehaving transports: certificates, PIN counters and guards, signatures and assertions
//! that the verification core accepts, the Android token, power loss, malformed answers, and
//! PINs never leaking into errors.

#![cfg(all(not(target_arch = "wasm32"), feature = "virtual-card"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::cell::RefCell;
use std::rc::Rc;

use jpki_verify::assertion::{self, Severity, Trust};
use jpki_verify::card::client::MAX_CERTIFICATE_SIZE;
use jpki_verify::card::transport::MAX_STATUS_ROUNDS;
use jpki_verify::card::virtual_card::VirtualToken;
use jpki_verify::card::{
    block_on, AssertionRequest, CertificateFile, JpkiCard, KeyRef, PinRef, PinStatus, Token, Transport, VirtualCard,
    VirtualCardConfig,
};
use jpki_verify::{Error, Purpose, Result, RustCrypto, VerifyOptions};

#[path = "../fuzz/card_session.rs"]
mod card_session;
mod common;
use common::bytes::{base64url, from_hex, hex_spaced};

const TIME: i64 = 1_780_272_000; // tests/fixtures/testpki validation time
const AUDIENCE: &str = "https://bank.example.jp";
const NONCE: &str = "_q4V4Mp8ENFXeEQBNFw47D5iwo03f7QXvt-8-gb8vos";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/testpki/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn virtual_card(persona: &str, token: VirtualToken) -> VirtualCard {
    VirtualCard::new(VirtualCardConfig {
        persona,
        token,
        auth_pin: "1234",
        sign_password: "ABC123",
    })
    .unwrap()
    .with_apdu_log()
}

fn client(persona: &str) -> (VirtualCard, JpkiCard<VirtualCard>) {
    let vc = virtual_card(persona, VirtualToken::Card);
    (vc.clone(), JpkiCard::new(vc))
}

/// VERIFY commands that carried a PIN (not the no-data status query).
fn pin_presentations(vc: &VirtualCard) -> usize {
    vc.apdu_log().iter().filter(|a| a[1] == 0x20 && a.len() > 4).count()
}

fn options(purpose: Purpose) -> VerifyOptions {
    let mut o = VerifyOptions::new(AUDIENCE, NONCE, purpose, TIME);
    o.trust = Trust::Test;
    o.revocation_unchecked = Some(Severity::Warning);
    o
}

fn request(purpose: Purpose, key: KeyRef, include_ca: bool) -> AssertionRequest {
    AssertionRequest {
        audience: AUDIENCE.to_owned(),
        nonce: NONCE.to_owned(),
        purpose,
        iat: TIME - 5,
        exp: TIME + 300,
        txn: None,
        key,
        include_ca,
    }
}

#[test]
fn certificates_are_byte_equal_to_the_fixtures() {
    for persona in ["taro", "hanako"] {
        let (_vc, mut card) = client(persona);
        assert_eq!(block_on(card.token()).unwrap(), Token::Card);
        let auth = block_on(card.read_certificate(CertificateFile::AuthCertificate)).unwrap();
        assert_eq!(auth, fixture(&format!("{persona}-auth.der")), "{persona} auth");
        assert_eq!(
            block_on(card.read_certificate(CertificateFile::AuthCa)).unwrap(),
            fixture("auth-ca.der")
        );
        assert_eq!(
            block_on(card.read_certificate(CertificateFile::SignCa)).unwrap(),
            fixture("sign-ca.der")
        );
        let e = block_on(card.read_certificate(CertificateFile::SignCertificate)).unwrap_err();
        assert_eq!(e.code(), "JPKI_CARD_IO");
        assert!(e.to_string().contains("PIN required"), "{e}");
        block_on(card.verify_pin(PinRef::Sign, "abc123", false)).unwrap();
        let sign = block_on(card.read_certificate(CertificateFile::SignCertificate)).unwrap();
        assert_eq!(sign, fixture(&format!("{persona}-sign.der")), "{persona} sign");
        assert!(sign.len() > 1024 && sign.len() <= MAX_CERTIFICATE_SIZE);
    }
}

#[test]
fn tries_left_does_not_spend_a_try() {
    let (vc, mut card) = client("taro");
    for _ in 0..3 {
        assert_eq!(
            block_on(card.tries_left(PinRef::Auth)).unwrap(),
            PinStatus::TriesLeft(3)
        );
        assert_eq!(
            block_on(card.tries_left(PinRef::Sign)).unwrap(),
            PinStatus::TriesLeft(5)
        );
    }
    assert_eq!(vc.pin_counters(), (3, 5));
    assert_eq!(pin_presentations(&vc), 0);
    block_on(card.verify_pin(PinRef::Auth, "1234", false)).unwrap();
    assert_eq!(block_on(card.tries_left(PinRef::Auth)).unwrap(), PinStatus::Verified);
    // Review-security L9: once verified, a wrong PIN is still reported wrong (it used to be
    // answered Ok without being sent), and the right one is still accepted.
    assert_eq!(
        block_on(card.verify_pin(PinRef::Auth, "9999", false)),
        Err(Error::PinIncorrect { tries_left: 2 })
    );
    block_on(card.verify_pin(PinRef::Auth, "1234", false)).unwrap();
    assert_eq!(pin_presentations(&vc), 3);
}

#[test]
fn wrong_pins_count_down_then_the_last_try_is_guarded_then_blocked() {
    let (vc, mut card) = client("taro");
    let wrong =
        |card: &mut JpkiCard<VirtualCard>, pin: &str, allow| block_on(card.verify_pin(PinRef::Auth, pin, allow));
    assert_eq!(
        wrong(&mut card, "0000", false),
        Err(Error::PinIncorrect { tries_left: 2 })
    );
    assert_eq!(
        wrong(&mut card, "1111", false),
        Err(Error::PinIncorrect { tries_left: 1 })
    );
    assert_eq!(pin_presentations(&vc), 2);

    // One try left: without allow_last_try nothing is presented — not even the right PIN.
    for pin in ["2222", "1234"] {
        assert_eq!(wrong(&mut card, pin, false), Err(Error::PinLastTryGuard));
    }
    assert_eq!(pin_presentations(&vc), 2, "the last-try guard sent a PIN");
    assert_eq!(vc.pin_counters().0, 1);

    // With allow_last_try a wrong PIN blocks it (63C0 from the card).
    assert_eq!(wrong(&mut card, "2222", true), Err(Error::PinBlocked));
    assert_eq!(pin_presentations(&vc), 3);
    assert_eq!(vc.pin_counters().0, 0);

    // Blocked: reported from the status query; no VERIFY with data is ever sent again.
    assert_eq!(wrong(&mut card, "1234", true), Err(Error::PinBlocked));
    assert_eq!(block_on(card.tries_left(PinRef::Auth)), Err(Error::PinBlocked));
    assert_eq!(pin_presentations(&vc), 3);

    // The signature password has its own counter (5 tries).
    assert_eq!(
        block_on(card.verify_pin(PinRef::Sign, "WRONG1", false)),
        Err(Error::PinIncorrect { tries_left: 4 })
    );
    block_on(card.verify_pin(PinRef::Sign, "ABC123", false)).unwrap();
    assert_eq!(vc.pin_counters(), (0, 5), "a correct password resets its counter");
}

#[test]
fn pin_format_errors_send_nothing() {
    let (vc, mut card) = client("taro");
    for (pin, value) in [
        (PinRef::Auth, ""),
        (PinRef::Auth, "123"),
        (PinRef::Auth, "12345"),
        (PinRef::Auth, "12a4"),
        (PinRef::Auth, "１２３４"),
        (PinRef::Sign, "ABC12"),
        (PinRef::Sign, "ABCDEFGHIJ1234567"),
        (PinRef::Sign, "ABC 123"),
        (PinRef::Sign, "ABC-123"),
        (PinRef::Sign, "ＡＢＣ１２３"),
    ] {
        let e = block_on(card.verify_pin(pin, value, true)).unwrap_err();
        assert_eq!(e.code(), "JPKI_PIN_FORMAT", "{value:?}");
    }
    // A 12-digit "password" has the shape of a My Number: refused before anything is sent.
    assert_eq!(
        block_on(card.verify_pin(PinRef::Sign, "123456789012", true)),
        Err(Error::MyNumberRefused)
    );
    assert!(vc.apdu_log().is_empty(), "{:?}", vc.apdu_log());
    assert_eq!(vc.pin_counters(), (3, 5));
}

#[test]
fn login_assertion_verifies_and_its_apdu_sequence() {
    let (vc, mut card) = client("taro");
    // Select AP, read the auth certificate, verify the PIN, sign once.
    let cert = block_on(card.read_certificate(CertificateFile::AuthCertificate)).unwrap();
    block_on(card.verify_pin(PinRef::Auth, "1234", false)).unwrap();
    let jws = block_on(card.make_assertion(&request(Purpose::Login, KeyRef::Auth, false))).unwrap();
    let log = vc.apdu_log();
    println!(
        "APDU sequence (select AP, read auth cert of {} bytes, verify PIN, sign):",
        cert.len()
    );
    for a in &log {
        println!("  {}", hex_spaced(a));
    }
    println!("  = {} APDUs", log.len());
    let chunks = (cert.len() - 4).div_ceil(256);
    assert_eq!(
        log.len(),
        3 + chunks + 3 + 2,
        "SELECT AP, SELECT EF, header, chunks, PIN ×3, key ×2"
    );
    assert_eq!(log[0], from_hex("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"));
    assert_eq!(log[1], from_hex("00 A4 02 0C 02 00 0A"));
    assert_eq!(log[2], from_hex("00 B0 00 00 04"));
    assert_eq!(log[3], from_hex("00 B0 00 04 00"));
    assert_eq!(log[3 + chunks], from_hex("00 A4 02 0C 02 00 18"));
    assert_eq!(log[4 + chunks], from_hex("00 20 00 80"));
    assert_eq!(
        log[5 + chunks],
        from_hex("00 20 00 80 04 2A 2A 2A 2A"),
        "PIN redacted in the log"
    );
    assert_eq!(log[6 + chunks], from_hex("00 A4 02 0C 02 00 17"));
    assert_eq!(log[7 + chunks][..5], from_hex("80 2A 00 80 33")[..]);
    assert_eq!(log[7 + chunks].len(), 5 + 51 + 1);

    let v = assertion::verify(jws.as_bytes(), &options(Purpose::Login), None, None, &RustCrypto);
    assert!(v.valid, "{:?}", v.errors);
    assert!(v.identity.is_none(), "the auth certificate carries no identity");
    assert_eq!(v.warnings[0].code, "JPKI_REVOCATION_UNCHECKED");
    // The login assertion is not good for account opening.
    let v = assertion::verify(
        jws.as_bytes(),
        &options(Purpose::AccountOpening),
        None,
        None,
        &RustCrypto,
    );
    assert_eq!(v.code(), Some("JPKI_WRONG_CERTIFICATE_KIND"));
}

#[test]
fn account_opening_assertion_with_ca_and_txn_verifies() {
    for (persona, name) in [("taro", "山田\u{3000}太郎"), ("hanako", "高橋\u{3000}花子")] {
        let (_vc, mut card) = client(persona);
        block_on(card.verify_pin(PinRef::Sign, "abc123", false)).unwrap();
        let mut req = request(Purpose::AccountOpening, KeyRef::Sign, true);
        req.txn = Some(serde_json::json!({"applicationId": "A-1", "documentSha256": "00ff"}));
        let jws = block_on(card.make_assertion(&req)).unwrap();
        let header: serde_json::Value =
            serde_json::from_slice(&base64url(jws.split('.').next().unwrap()).expect("base64url header")).unwrap();
        assert_eq!(header["alg"], "RS256");
        assert_eq!(header["typ"], "jpki-assertion+jwt");
        assert_eq!(header["x5c"].as_array().unwrap().len(), 2);
        let v = assertion::verify(
            jws.as_bytes(),
            &options(Purpose::AccountOpening),
            None,
            None,
            &RustCrypto,
        );
        assert!(v.valid, "{persona}: {:?}", v.errors);
        assert_eq!(v.identity.as_ref().unwrap().name, name);
        assert_eq!(
            v.claims
                .as_ref()
                .unwrap()
                .txn
                .as_ref()
                .unwrap()
                .get("applicationId")
                .and_then(|a| a.as_str()),
            Some("A-1")
        );
        // Wrong audience and nonce are caught by the verifier.
        let mut o = options(Purpose::AccountOpening);
        o.audience = "https://evil.example".to_owned();
        assert_eq!(
            assertion::verify(jws.as_bytes(), &o, None, None, &RustCrypto).code(),
            Some("JPKI_AUDIENCE_MISMATCH")
        );
    }
}

#[test]
fn signing_needs_the_pin_and_is_deterministic() {
    let (vc, mut card) = client("taro");
    let di = jpki_verify::assertion::digest_info_sha256(b"hello");
    let e = block_on(card.sign(KeyRef::Sign, &di)).unwrap_err();
    assert!(e.to_string().contains("PIN required"), "{e}");
    block_on(card.verify_pin(PinRef::Sign, "ABC123", false)).unwrap();
    let a = block_on(card.sign(KeyRef::Sign, &di)).unwrap();
    let b = block_on(card.sign(KeyRef::Sign, &di)).unwrap();
    assert_eq!((a.len(), &a), (256, &b));
    // The auth key still needs the auth PIN.
    assert!(block_on(card.sign(KeyRef::Auth, &di)).is_err());
    // A request whose purpose does not fit the key is refused before any APDU.
    let before = vc.apdu_log().len();
    let e = block_on(card.make_assertion(&request(Purpose::Login, KeyRef::Sign, false))).unwrap_err();
    assert_eq!(e.code(), "JPKI_INVALID_OPTIONS");
    let mut bad = request(Purpose::Sign, KeyRef::Sign, false);
    bad.exp = bad.iat - 1;
    assert_eq!(
        block_on(card.make_assertion(&bad)).unwrap_err().code(),
        "JPKI_INVALID_OPTIONS"
    );
    assert_eq!(vc.apdu_log().len(), before);
}

#[test]
fn android_token_needs_the_pin_for_the_auth_certificate() {
    let vc = virtual_card("hanako", VirtualToken::Android);
    let mut card = JpkiCard::new(vc.clone());
    assert_eq!(block_on(card.token()).unwrap(), Token::Android);
    let e = block_on(card.read_certificate(CertificateFile::AuthCertificate)).unwrap_err();
    assert_eq!(e.code(), "JPKI_CARD_IO");
    assert!(e.to_string().contains("PIN required"), "{e}");
    block_on(card.verify_pin(PinRef::Auth, "1234", false)).unwrap();
    assert_eq!(
        block_on(card.read_certificate(CertificateFile::AuthCertificate)).unwrap(),
        fixture("hanako-auth.der")
    );
    let jws = block_on(card.make_assertion(&request(Purpose::Login, KeyRef::Auth, false))).unwrap();
    assert!(assertion::verify(jws.as_bytes(), &options(Purpose::Login), None, None, &RustCrypto).valid);
}

#[test]
fn power_off_reset_and_reselect_clear_the_security_status() {
    let (vc, mut card) = client("taro");
    let di = jpki_verify::assertion::digest_info_sha256(b"x");
    block_on(card.verify_pin(PinRef::Auth, "1234", false)).unwrap();
    block_on(card.sign(KeyRef::Auth, &di)).unwrap();

    vc.power_off();
    let e = block_on(card.sign(KeyRef::Auth, &di)).unwrap_err();
    assert_eq!(e.code(), "JPKI_CARD_IO");
    vc.power_on();
    // The client re-selects the AP after the I/O error; the PIN must be verified again.
    let e = block_on(card.sign(KeyRef::Auth, &di)).unwrap_err();
    assert!(e.to_string().contains("PIN required"), "{e}");
    assert_eq!(
        block_on(card.tries_left(PinRef::Auth)).unwrap(),
        PinStatus::TriesLeft(3)
    );

    block_on(card.verify_pin(PinRef::Auth, "1234", false)).unwrap();
    vc.reset();
    card.card_reset();
    assert_eq!(
        block_on(card.tries_left(PinRef::Auth)).unwrap(),
        PinStatus::TriesLeft(3)
    );

    block_on(card.verify_pin(PinRef::Auth, "1234", false)).unwrap();
    block_on(card.select_jpki_ap()).unwrap();
    assert_eq!(
        block_on(card.tries_left(PinRef::Auth)).unwrap(),
        PinStatus::TriesLeft(3)
    );
    assert_eq!(vc.atr(), [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14]);
}

// ---- Misbehaving cards -------------------------------------------------------------------

type Answer = Box<dyn FnMut(&[u8]) -> Vec<u8>>;
type Sent = Rc<RefCell<Vec<Vec<u8>>>>;

/// A transport that answers from a closure and records what it was sent.
struct Scripted {
    answer: Answer,
    sent: Sent,
}

impl Transport for Scripted {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>> {
        self.sent.borrow_mut().push(command.to_vec());
        Ok((self.answer)(command))
    }
}

fn scripted(answer: impl FnMut(&[u8]) -> Vec<u8> + 'static) -> (Sent, JpkiCard<Scripted>) {
    let sent = Rc::new(RefCell::new(Vec::new()));
    let card = JpkiCard::new(Scripted {
        answer: Box::new(answer),
        sent: sent.clone(),
    });
    (sent, card)
}

/// `9000` to every SELECT, `reader` for READ BINARY (offset, Le).
fn card_reading(mut reader: impl FnMut(usize, usize) -> Vec<u8> + 'static) -> impl FnMut(&[u8]) -> Vec<u8> {
    move |apdu: &[u8]| match apdu[1] {
        0xA4 => vec![0x90, 0x00],
        0xB0 => {
            let offset = usize::from(u16::from_be_bytes([apdu[2], apdu[3]]));
            let le = if apdu[4] == 0 { 256 } else { usize::from(apdu[4]) };
            reader(offset, le)
        }
        _ => vec![0x6D, 0x00],
    }
}

fn card_io(r: Result<impl std::fmt::Debug>) -> String {
    match r {
        Err(Error::CardIo { reason }) => reason,
        other => panic!("expected JPKI_CARD_IO, got {other:?}"),
    }
}

#[test]
fn malformed_answers_are_card_io_errors() {
    // No answer, 1 byte.
    for answer in [vec![], vec![0x90]] {
        let (sent, mut card) = scripted(move |_| answer.clone());
        println!("{}", card_io(block_on(card.select_jpki_ap())));
        assert_eq!(sent.borrow().len(), 1);
    }
    // Wrong status words.
    let (_, mut card) = scripted(|_| vec![0x6A, 0x82]);
    assert!(card_io(block_on(card.select_jpki_ap())).contains("6A82"));
    let (_, mut card) = scripted(|apdu| {
        if apdu[1] == 0x20 {
            vec![0x12, 0x34]
        } else {
            vec![0x90, 0x00]
        }
    });
    card_io(block_on(card.tries_left(PinRef::Auth)));
    let (_, mut card) = scripted(card_reading(|_, _| vec![0x69, 0x86]));
    card_io(block_on(card.token()));
}

#[test]
fn a_certificate_header_claiming_64_kib_is_not_read() {
    let (sent, mut card) = scripted(card_reading(|_, _| vec![0x30, 0x82, 0xFF, 0xFF, 0x90, 0x00]));
    let reason = card_io(block_on(card.read_certificate(CertificateFile::AuthCertificate)));
    assert!(reason.contains("65539"), "{reason}");
    let reads = sent.borrow().iter().filter(|a| a[1] == 0xB0).count();
    assert_eq!(reads, 1, "only the 4-byte header was read");
    // Longer length forms, indefinite length, not a SEQUENCE.
    for header in [
        [0x30, 0x83, 0x01, 0x00],
        [0x30, 0x80, 0x00, 0x00],
        [0xFF, 0xFF, 0xFF, 0xFF],
    ] {
        let (sent, mut card) = scripted(card_reading(move |_, _| [&header[..], &[0x90, 0x00]].concat()));
        card_io(block_on(card.read_certificate(CertificateFile::AuthCertificate)));
        assert_eq!(sent.borrow().iter().filter(|a| a[1] == 0xB0).count(), 1);
    }
}

#[test]
fn truncated_certificates_are_refused() {
    // The header says 1028 bytes; the first chunk comes back short with 9000, or with 6282.
    let (_, mut card) = scripted(card_reading(|offset, _| {
        if offset == 0 {
            vec![0x30, 0x82, 0x04, 0x00, 0x90, 0x00]
        } else {
            [vec![0xAB; 100], vec![0x90, 0x00]].concat()
        }
    }));
    assert!(card_io(block_on(card.read_certificate(CertificateFile::AuthCertificate))).contains("100 bytes"));
    let (_, mut card) = scripted(card_reading(|offset, le| {
        if offset == 0 {
            vec![0x30, 0x82, 0x04, 0x00, 0x90, 0x00]
        } else if offset < 512 {
            [vec![0xAB; le], vec![0x90, 0x00]].concat()
        } else {
            vec![0x62, 0x82]
        }
    }));
    assert!(card_io(block_on(card.read_certificate(CertificateFile::AuthCertificate))).contains("6282"));
    // A header shorter than 4 bytes.
    let (_, mut card) = scripted(card_reading(|_, _| vec![0x30, 0x82, 0x90, 0x00]));
    card_io(block_on(card.read_certificate(CertificateFile::AuthCertificate)));
}

#[test]
fn endless_61xx_and_6cxx_are_bounded() {
    for sw in [[0x61, 0x10], [0x6C, 0x10]] {
        let (sent, mut card) = scripted(move |apdu: &[u8]| match apdu[1] {
            0xA4 => vec![0x90, 0x00],
            _ => sw.to_vec(),
        });
        card_io(block_on(card.read_certificate(CertificateFile::AuthCertificate)));
        let reads = sent.borrow().iter().filter(|a| a[1] == 0xB0 || a[1] == 0xC0).count();
        assert_eq!(reads, 1 + MAX_STATUS_ROUNDS);
    }
    // 6Cxx to a VERIFY carrying a PIN: never re-sent.
    let (sent, mut card) = scripted(|apdu| match apdu {
        [0x00, 0x20, 0x00, 0x80] => vec![0x63, 0xC3],
        [0x00, 0x20, ..] => vec![0x6C, 0x00],
        _ => vec![0x90, 0x00],
    });
    card_io(block_on(card.verify_pin(PinRef::Auth, "1234", false)));
    assert_eq!(sent.borrow().iter().filter(|a| a[1] == 0x20 && a.len() > 4).count(), 1);
}

#[test]
fn the_pin_never_appears_in_errors() {
    let (_vc, mut card) = client("taro");
    let mut errors = vec![
        block_on(card.verify_pin(PinRef::Auth, "9753", false)).unwrap_err(),
        block_on(card.verify_pin(PinRef::Auth, "9753", false)).unwrap_err(),
        block_on(card.verify_pin(PinRef::Auth, "9753", false)).unwrap_err(),
        block_on(card.verify_pin(PinRef::Auth, "9753", true)).unwrap_err(),
        block_on(card.verify_pin(PinRef::Auth, "9753", true)).unwrap_err(),
        block_on(card.verify_pin(PinRef::Auth, "97a3", true)).unwrap_err(),
        block_on(card.verify_pin(PinRef::Sign, "zq7x9k", true)).unwrap_err(),
        block_on(card.verify_pin(PinRef::Sign, "ZQ7-9K", true)).unwrap_err(),
        block_on(card.verify_pin(PinRef::Sign, "975312345678", true)).unwrap_err(),
    ];
    let (_, mut broken) = scripted(|apdu| {
        if apdu.len() > 4 {
            vec![0x6F, 0x00]
        } else {
            vec![0x63, 0xC2]
        }
    });
    errors.push(block_on(broken.verify_pin(PinRef::Sign, "ZQ7X9K", true)).unwrap_err());
    let codes: Vec<&str> = errors.iter().map(Error::code).collect();
    assert_eq!(
        codes,
        [
            "JPKI_PIN_INCORRECT",
            "JPKI_PIN_INCORRECT",
            "JPKI_PIN_LAST_TRY_GUARD",
            "JPKI_PIN_BLOCKED",
            "JPKI_PIN_BLOCKED",
            "JPKI_PIN_FORMAT",
            "JPKI_PIN_INCORRECT",
            "JPKI_PIN_FORMAT",
            "JPKI_MYNUMBER_REFUSED",
            "JPKI_CARD_IO",
        ]
    );
    for e in &errors {
        for text in [
            e.to_string(),
            format!("{e:?}"),
            serde_json::to_string(&e.report()).unwrap(),
        ] {
            for secret in ["9753", "97a3", "zq7x9k", "ZQ7X9K", "ZQ7-9K", "975312345678"] {
                assert!(!text.contains(secret), "{secret} in {text}");
            }
        }
    }
}

/// Records every answer of the card it wraps, in the framing of the `card_client` fuzz target
/// (a big-endian `u16` length, then the answer).
struct Recording {
    card: VirtualCard,
    answers: Vec<u8>,
}

impl Transport for Recording {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>> {
        let answer = self.card.transmit(command).await?;
        self.answers
            .extend_from_slice(&u16::try_from(answer.len()).unwrap().to_be_bytes());
        self.answers.extend_from_slice(&answer);
        Ok(answer)
    }
}

/// The seed of the `card_client` fuzz target (`fuzz/seeds/card_client/virtual-taro`): the
/// virtual card's answers to the session that target runs (the same calls, in the same order),
/// so the fuzzer starts from a card that answers everything correctly. Regenerate with
/// `JPKI_REGENERATE_SEEDS=1 cargo test --test card_client`.
#[test]
fn fuzz_seed_of_the_card_client_target_is_a_whole_virtual_card_session() {
    let mut card = JpkiCard::new(Recording {
        card: virtual_card("taro", VirtualToken::Card),
        answers: Vec::new(),
    });
    card_session::run_session(&mut card);
    assert_eq!(card.refused_apdus(), 0);
    let seed = card.into_transport().answers;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/card_client/virtual-taro");
    if std::env::var_os("JPKI_REGENERATE_SEEDS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &seed).unwrap();
    }
    assert_eq!(
        std::fs::read(&path).expect("run with JPKI_REGENERATE_SEEDS=1"),
        seed,
        "the committed seed is stale: regenerate it"
    );
}
