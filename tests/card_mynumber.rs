//! Every known route to the My Number is refused by the guard before it reaches the card
//! (`JPKI_MYNUMBER_REFUSED`), the virtual card's My Number files are never touched
//! (`my_number_reads() == 0`), and the fake My Number never appears in any response the client
//! receives. A control test shows the same routes *do* reach the fake My Number without the
//! guard, so the checks would notice a leak.

#![cfg(all(not(target_arch = "wasm32"), feature = "virtual-card"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::cell::RefCell;
use std::rc::Rc;

use jpki_verify::card::guard::{SelectedApplication, CARD_SURFACE_AID, JPKI_AID, TEXT_INPUT_AID};
use jpki_verify::card::virtual_card::FAKE_MY_NUMBER;
use jpki_verify::card::{
    block_on, AssertionRequest, CertificateFile, JpkiCard, KeyRef, MyNumberGuard, PinRef, Transport, VirtualCard,
    VirtualCardConfig,
};
use jpki_verify::{Error, Purpose, Result};

thread_local! {
    /// Whether this test's virtual card takes partial DF names, as real cards may.
    static PARTIAL_NAMES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn virtual_card() -> VirtualCard {
    let vc = VirtualCard::new(VirtualCardConfig::default()).unwrap().with_apdu_log();
    if PARTIAL_NAMES.with(std::cell::Cell::get) {
        vc.with_partial_aid_names()
    } else {
        vc
    }
}

fn select_aid(aid: &[u8]) -> Vec<u8> {
    [&[0x00, 0xA4, 0x04, 0x0C, aid.len() as u8][..], aid].concat()
}

fn apdu(header: [u8; 4], data: &[u8], le: Option<u8>) -> Vec<u8> {
    let mut v = header.to_vec();
    if !data.is_empty() {
        v.push(data.len() as u8);
        v.extend_from_slice(data);
    }
    v.extend(le);
    v
}

/// The My Number as the card holds it, and the forms a leak could take.
fn leaks(bytes: &[u8]) -> bool {
    let digits = FAKE_MY_NUMBER.as_bytes();
    let bcd: Vec<u8> = digits.chunks(2).map(|p| ((p[0] - b'0') << 4) | (p[1] - b'0')).collect();
    bytes.windows(digits.len()).any(|w| w == digits) || bytes.windows(bcd.len()).any(|w| w == bcd)
}

fn refused(guard: &mut MyNumberGuard<VirtualCard>, route: &str, command: &[u8]) {
    let sent_before = guard.inner().apdu_log().len();
    let r = block_on(guard.transmit(command));
    assert_eq!(r, Err(Error::MyNumberRefused), "{route}: {command:02X?}");
    assert_eq!(guard.inner().apdu_log().len(), sent_before, "{route}: reached the card");
}

fn passes(guard: &mut MyNumberGuard<VirtualCard>, command: &[u8]) -> Vec<u8> {
    let r = block_on(guard.transmit(command)).unwrap();
    assert!(!leaks(&r));
    r
}

#[test]
fn every_route_to_the_my_number_is_refused() {
    every_route_refused();
}

/// Review-security A4: the same routes against a card that, like real ones may, selects an
/// application by the first bytes of its AID.
#[test]
fn every_route_to_the_my_number_is_refused_on_a_card_that_takes_partial_names() {
    PARTIAL_NAMES.with(|p| p.set(true));
    every_route_refused();
    // A partial name of a My Number AP may be selected (the guard cannot tell which AP the
    // card chose, so both APs' rules apply), but no My Number file or key is reached after it.
    for aid in [&TEXT_INPUT_AID[..], &CARD_SURFACE_AID[..]] {
        for n in [5, 7, 9] {
            let vc = virtual_card();
            let mut guard = MyNumberGuard::new(vc.clone());
            passes(&mut guard, &select_aid(&aid[..n]));
            refused(
                &mut guard,
                "SFI 1 after a partial name",
                &apdu([0, 0xB0, 0x81, 0], &[], Some(0)),
            );
            refused(
                &mut guard,
                "EF 0001 after a partial name",
                &apdu([0, 0xA4, 2, 0x0C], &[0, 1], None),
            );
            refused(
                &mut guard,
                "照合番号A after a partial name",
                &apdu([0, 0x20, 0, 0x94], FAKE_MY_NUMBER.as_bytes(), None),
            );
            assert_eq!(vc.my_number_reads(), 0);
        }
    }
}

fn every_route_refused() {
    let vc = virtual_card();
    let mut guard = MyNumberGuard::new(vc.clone());
    let my_number = FAKE_MY_NUMBER.as_bytes();
    let other_12_digits = b"123456789018";
    let mut routes = 0;
    let mut check = |guard: &mut MyNumberGuard<VirtualCard>, route: &str, command: &[u8]| {
        refused(guard, route, command);
        routes += 1;
    };

    // Before any application is selected the guard assumes the worst.
    check(
        &mut guard,
        "select EF 0001 at power-on",
        &apdu([0, 0xA4, 2, 0x0C], &[0, 1], None),
    );
    check(
        &mut guard,
        "READ BINARY SFI 1 at power-on",
        &apdu([0, 0xB0, 0x81, 0], &[], Some(0)),
    );

    // --- text-input AP (券面事項入力補助AP) -------------------------------------------------
    assert_eq!(passes(&mut guard, &select_aid(&TEXT_INPUT_AID)), [0x90, 0x00]);
    assert_eq!(guard.selected_application(), SelectedApplication::TextInput);
    // No EF is known to be current yet: READ BINARY of "the current EF" could be anything.
    check(
        &mut guard,
        "text AP: READ BINARY current EF",
        &apdu([0, 0xB0, 0, 0], &[], Some(0)),
    );
    check(
        &mut guard,
        "text AP: VERIFY current EF",
        &apdu([0, 0x20, 0, 0x80], b"1234", None),
    );
    // Its PIN is harmless and may be presented; that opens EF 0001 on the card …
    assert_eq!(
        passes(&mut guard, &apdu([0, 0xA4, 2, 0x0C], &[0, 0x11], None)),
        [0x90, 0x00]
    );
    assert_eq!(
        passes(&mut guard, &apdu([0, 0x20, 0, 0x80], b"1234", None)),
        [0x90, 0x00]
    );
    // … and still every route to it is refused.
    check(
        &mut guard,
        "text AP: SELECT EF 0001 (P1=02)",
        &apdu([0, 0xA4, 2, 0x0C], &[0, 1], None),
    );
    check(
        &mut guard,
        "text AP: SELECT EF 0001 (P1=00)",
        &apdu([0, 0xA4, 0, 0x0C], &[0, 1], None),
    );
    check(
        &mut guard,
        "text AP: SELECT EF 0001 with FCI",
        &apdu([0, 0xA4, 2, 0x00], &[0, 1], Some(0)),
    );
    check(
        &mut guard,
        "text AP: READ BINARY SFI 1",
        &apdu([0, 0xB0, 0x81, 0], &[], Some(0)),
    );
    check(
        &mut guard,
        "text AP: READ BINARY SFI 1, offset 3",
        &apdu([0, 0xB0, 0x81, 3], &[], Some(12)),
    );
    check(
        &mut guard,
        "text AP: READ BINARY SFI 3 (hash of EF 0001)",
        &apdu([0, 0xB0, 0x83, 0], &[], Some(0)),
    );
    check(
        &mut guard,
        "text AP: SELECT EF 0003 (hash of EF 0001)",
        &apdu([0, 0xA4, 2, 0x0C], &[0, 3], None),
    );
    check(
        &mut guard,
        "text AP: READ BINARY odd INS, file id 0001",
        &apdu([0, 0xB1, 0, 1], &[0x54, 0x01, 0], Some(0)),
    );
    check(
        &mut guard,
        "text AP: READ RECORD SFI 1",
        &apdu([0, 0xB2, 1, 0x0C], &[], Some(0)),
    );
    check(
        &mut guard,
        "text AP: SELECT key EF 0014 (照合番号A)",
        &apdu([0, 0xA4, 2, 0x0C], &[0, 0x14], None),
    );
    check(
        &mut guard,
        "text AP: VERIFY key 0014 by P2",
        &apdu([0, 0x20, 0, 0x94], b"1234", None),
    );
    check(
        &mut guard,
        "text AP: VERIFY key 0014 query",
        &apdu([0, 0x20, 0, 0x94], &[], None),
    );
    check(
        &mut guard,
        "text AP: VERIFY with the My Number",
        &apdu([0, 0x20, 0, 0x80], my_number, None),
    );
    check(
        &mut guard,
        "text AP: VERIFY 12 digits to 0011",
        &apdu([0, 0x20, 0, 0x91], other_12_digits, None),
    );
    check(
        &mut guard,
        "text AP: VERIFY P2=00 (global)",
        &apdu([0, 0x20, 0, 0x00], b"1234", None),
    );
    check(&mut guard, "text AP: GET DATA", &apdu([0, 0xCA, 0, 0], &[], Some(0)));
    check(
        &mut guard,
        "text AP: internal authenticate",
        &apdu([0x80, 0x2A, 0, 0], &[1; 51], Some(0)),
    );
    check(
        &mut guard,
        "text AP: secure messaging CLA",
        &apdu([0x0C, 0xA4, 2, 0x0C], &[0, 1], None),
    );
    check(
        &mut guard,
        "text AP: logical channel 1",
        &apdu([0x01, 0xA4, 2, 0x0C], &[0, 1], None),
    );
    check(
        &mut guard,
        "text AP: command chaining",
        &apdu([0x10, 0xA4, 2, 0x0C], &[0, 1], None),
    );
    check(&mut guard, "MANAGE CHANNEL open", &apdu([0, 0x70, 0, 0], &[], Some(1)));
    check(
        &mut guard,
        "text AP: extended-length SELECT",
        &[0, 0xA4, 2, 0x0C, 0, 0, 2, 0, 1],
    );
    check(&mut guard, "text AP: unknown INS", &apdu([0, 0xE0, 0, 0], &[1], None));
    check(
        &mut guard,
        "text AP: SELECT by path from the MF",
        &apdu([0, 0xA4, 8, 0x0C], &[0xD0, 0x01, 0, 1], None),
    );
    check(
        &mut guard,
        "text AP: SELECT by path from here",
        &apdu([0, 0xA4, 9, 0x0C], &[0, 1], None),
    );
    // Harmless text-AP files still pass (the guard refuses only what reaches the My Number).
    assert_eq!(
        passes(&mut guard, &apdu([0, 0xA4, 2, 0x0C], &[0, 5], None)),
        [0x90, 0x00]
    );
    passes(&mut guard, &apdu([0, 0xB0, 0, 0], &[], Some(9)));

    // --- card-surface AP (券面事項確認AP) --------------------------------------------------
    assert_eq!(passes(&mut guard, &select_aid(&CARD_SURFACE_AID)), [0x90, 0x00]);
    for (fid, what) in [(0x05, "rendered My Number"), (0x13, "照合番号A"), (0x01, "EF 0001")] {
        check(
            &mut guard,
            &format!("surface AP: SELECT EF 00{fid:02X} ({what})"),
            &apdu([0, 0xA4, 2, 0x0C], &[0, fid], None),
        );
        check(
            &mut guard,
            &format!("surface AP: READ BINARY SFI {fid}"),
            &apdu([0, 0xB0, 0x80 | fid, 0], &[], Some(0)),
        );
    }
    check(
        &mut guard,
        "surface AP: VERIFY key 0013 by P2",
        &apdu([0, 0x20, 0, 0x93], b"1234", None),
    );
    check(
        &mut guard,
        "surface AP: VERIFY with the My Number",
        &apdu([0, 0x20, 0, 0x80], my_number, None),
    );

    // --- truncated application names: they may select either My Number AP -------------------
    assert_eq!(passes(&mut guard, &select_aid(&JPKI_AID)), [0x90, 0x00]);
    passes(&mut guard, &select_aid(&TEXT_INPUT_AID[..5])); // the card answers 6A82, the guard assumes the worst
    assert_eq!(guard.selected_application(), SelectedApplication::Unknown);
    check(
        &mut guard,
        "partial AID, then SELECT EF 0001",
        &apdu([0, 0xA4, 2, 0x0C], &[0, 1], None),
    );
    check(
        &mut guard,
        "partial AID, then SELECT EF 0005",
        &apdu([0, 0xA4, 2, 0x0C], &[0, 5], None),
    );
    check(
        &mut guard,
        "partial AID, then SELECT EF 0013",
        &apdu([0, 0xA4, 2, 0x0C], &[0, 0x13], None),
    );

    // --- the JPKI AP: its own EF 0001 (signature certificate) is fine; paths are not ---------
    assert_eq!(passes(&mut guard, &select_aid(&JPKI_AID)), [0x90, 0x00]);
    assert_eq!(
        passes(&mut guard, &apdu([0, 0xA4, 2, 0x0C], &[0, 1], None)),
        [0x90, 0x00]
    );
    check(
        &mut guard,
        "JPKI AP: SELECT by path naming 0001",
        &apdu([0, 0xA4, 8, 0x0C], &[0x3F, 0, 0, 1], None),
    );
    check(
        &mut guard,
        "JPKI AP: SELECT by path naming 0014",
        &apdu([0, 0xA4, 9, 0x0C], &[0xD0, 1, 0, 0x14], None),
    );
    check(
        &mut guard,
        "JPKI AP: VERIFY 12 digits",
        &apdu([0, 0x20, 0, 0x80], other_12_digits, None),
    );
    check(
        &mut guard,
        "JPKI AP: VERIFY the My Number",
        &apdu([0, 0x20, 0, 0x80], my_number, None),
    );
    // A failed SELECT of the text AP leaves the card where it was, or not: worst case assumed.
    let failing = VirtualCard::new(VirtualCardConfig::default()).unwrap();
    let mut g2 = MyNumberGuard::new(failing);
    block_on(g2.transmit(&select_aid(&JPKI_AID))).unwrap();
    block_on(g2.transmit(&select_aid(&[0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04]))).unwrap();
    assert_eq!(
        block_on(g2.transmit(&apdu([0, 0xA4, 2, 0x0C], &[0, 1], None))),
        Err(Error::MyNumberRefused)
    );

    println!("{routes} routes refused");
    assert!(routes >= 40);
    assert_eq!(vc.my_number_reads(), 0);
    assert_eq!(guard.refused(), routes);
    assert!(
        vc.apdu_log().iter().all(|a| !leaks(a)),
        "the My Number was sent to the card"
    );
}

/// A transport that records every response APDU the client receives.
struct Recording {
    inner: VirtualCard,
    responses: Rc<RefCell<Vec<Vec<u8>>>>,
}

impl Transport for Recording {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>> {
        let r = self.inner.transmit(command).await;
        if let Ok(bytes) = &r {
            self.responses.borrow_mut().push(bytes.clone());
        }
        r
    }
}

#[test]
fn the_client_never_receives_the_my_number() {
    let vc = virtual_card();
    let responses = Rc::new(RefCell::new(Vec::new()));
    let mut card = JpkiCard::new(Recording {
        inner: vc.clone(),
        responses: responses.clone(),
    });
    block_on(card.token()).unwrap();
    for f in [
        CertificateFile::AuthCertificate,
        CertificateFile::AuthCa,
        CertificateFile::SignCa,
    ] {
        block_on(card.read_certificate(f)).unwrap();
    }
    block_on(card.verify_pin(PinRef::Auth, "1234", false)).unwrap();
    block_on(card.verify_pin(PinRef::Sign, "ABC123", false)).unwrap();
    block_on(card.read_certificate(CertificateFile::SignCertificate)).unwrap();
    for (purpose, key) in [(Purpose::Login, KeyRef::Auth), (Purpose::AccountOpening, KeyRef::Sign)] {
        block_on(card.make_assertion(&AssertionRequest {
            audience: "https://bank.example.jp".to_owned(),
            nonce: "_q4V4Mp8ENFXeEQBNFw47D5iwo03f7QXvt-8-gb8vos".to_owned(),
            purpose,
            iat: 1_780_271_990,
            exp: 1_780_272_300,
            txn: None,
            key,
            include_ca: true,
        }))
        .unwrap();
    }
    // A caller typing the My Number as the signature password is stopped before the card.
    assert_eq!(
        block_on(card.verify_pin(PinRef::Sign, FAKE_MY_NUMBER, true)),
        Err(Error::MyNumberRefused)
    );
    let responses = responses.borrow();
    println!(
        "{} responses, {} bytes",
        responses.len(),
        responses.iter().map(Vec::len).sum::<usize>()
    );
    assert!(responses.len() > 20);
    assert!(responses.iter().all(|r| !leaks(r)), "the My Number reached the client");
    assert_eq!(vc.my_number_reads(), 0);
    assert_eq!(
        card.refused_apdus(),
        0,
        "the client itself never tries a My Number route"
    );
    // The client never selects any application but JPKI.
    let selects: Vec<Vec<u8>> = vc
        .apdu_log()
        .into_iter()
        .filter(|a| a[1] == 0xA4 && a[2] == 0x04)
        .collect();
    assert!(selects.iter().all(|a| a[5..] == JPKI_AID));
}

/// Control: without the guard the same card hands out the fake My Number, so the checks above
/// would see a leak.
/// The partial-name card really does take partial names (so the test above is not vacuous).
#[test]
fn control_a_partial_name_selects_the_text_input_ap_without_the_guard() {
    let whole_only = virtual_card();
    assert_eq!(whole_only.process(&select_aid(&TEXT_INPUT_AID[..7])), [0x6A, 0x82]);
    let partial = virtual_card().with_partial_aid_names();
    assert_eq!(partial.process(&select_aid(&TEXT_INPUT_AID[..7])), [0x90, 0x00]);
    assert_eq!(
        partial.process(&apdu([0, 0xA4, 2, 0x0C], &[0, 0x11], None)),
        [0x90, 0x00]
    );
    assert_eq!(partial.process(&apdu([0, 0x20, 0, 0x80], b"1234", None)), [0x90, 0x00]);
    assert!(leaks(&partial.process(&apdu([0, 0xB0, 0x81, 0], &[], Some(17)))));
}

#[test]
fn control_without_the_guard_the_my_number_is_readable() {
    let vc = virtual_card();
    assert_eq!(vc.process(&select_aid(&TEXT_INPUT_AID)), [0x90, 0x00]);
    assert_eq!(vc.process(&apdu([0, 0xA4, 2, 0x0C], &[0, 0x11], None)), [0x90, 0x00]);
    assert_eq!(vc.process(&apdu([0, 0x20, 0, 0x80], b"1234", None)), [0x90, 0x00]);
    let r = vc.process(&apdu([0, 0xB0, 0x81, 0], &[], Some(17)));
    assert!(leaks(&r), "{r:02X?}");
    assert_eq!(vc.my_number_reads(), 1);
    // 照合番号A (the My Number itself) opens it too.
    let vc = virtual_card();
    vc.process(&select_aid(&TEXT_INPUT_AID));
    assert_eq!(
        vc.process(&apdu([0, 0x20, 0, 0x94], FAKE_MY_NUMBER.as_bytes(), None)),
        [0x90, 0x00]
    );
    vc.process(&apdu([0, 0xA4, 2, 0x0C], &[0, 1], None));
    assert!(leaks(&vc.process(&apdu([0, 0xB0, 0, 0], &[], Some(0)))));
    assert_eq!(vc.my_number_reads(), 2);
    // And the card-surface AP's rendered number after its 照合番号A.
    let vc = virtual_card();
    vc.process(&select_aid(&CARD_SURFACE_AID));
    vc.process(&apdu([0, 0x20, 0, 0x93], FAKE_MY_NUMBER.as_bytes(), None));
    assert!(leaks(&vc.process(&apdu([0, 0xB0, 0x85, 0], &[], Some(0)))));
}
