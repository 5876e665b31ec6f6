//! The card session the `card_client` fuzz target plays against a hostile card, and that
//! `tests/card_client.rs` plays against the virtual card to write the target's seed: one
//! definition, so the seed's answers stay in step with the commands the target sends.

use jpki_verify::card::{block_on, AssertionRequest, CertificateFile, JpkiCard, KeyRef, PinRef, Transport};
use jpki_verify::Purpose;

/// SELECT, token label, the three certificate reads, tries, VERIFY, COMPUTE DIGITAL SIGNATURE
/// with the authentication key, then the signature password and a JWS assertion. Every
/// step's error is ignored: the next step runs whatever the card answered.
pub(crate) fn run_session<T: Transport>(card: &mut JpkiCard<T>) {
    let _ = block_on(card.select_jpki_ap());
    let _ = block_on(card.token());
    for file in [
        CertificateFile::AuthCertificate,
        CertificateFile::SignCertificate,
        CertificateFile::AuthCa,
    ] {
        let _ = block_on(card.read_certificate(file));
    }
    let _ = block_on(card.tries_left(PinRef::Auth));
    let _ = block_on(card.verify_pin(PinRef::Auth, "1234", false));
    let _ = block_on(card.sign(KeyRef::Auth, &[0x30, 0x31, 0x30, 0x0D]));
    let _ = block_on(card.tries_left(PinRef::Sign));
    let _ = block_on(card.verify_pin(PinRef::Sign, "ABC123", true));
    let request = AssertionRequest {
        audience: "https://bank.example".into(),
        nonce: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into(),
        purpose: Purpose::AccountOpening,
        iat: 1_700_000_000,
        exp: 1_700_000_300,
        txn: None,
        key: KeyRef::Sign,
        include_ca: true,
    };
    let _ = block_on(card.make_assertion(&request));
}
