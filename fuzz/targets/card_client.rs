//! The JPKI card client against a hostile card: the fuzzer's bytes are the card's answers,
//! one per APDU (a big-endian `u16` length, then that many bytes; 0xFFFF = the transport
//! fails). Seeded with a whole session of the virtual card (`seeds/card_client/`, written by
//! `tests/card_client.rs`, which runs the same session). A whole
//! session — SELECT, token label, certificate reads, tries, VERIFY, COMPUTE DIGITAL SIGNATURE
//! and a JWS assertion — must end in a typed error or an answer: never a panic, never a loop
//! (every 61xx/6Cxx round and every read is bounded).
//!
//! Invariants checked on every command that reaches the card, whatever the card answered:
//! no SELECT of the text-input or card-surface AP, no 12-digit VERIFY (a My Number sent as a
//! key), and each PIN presented at most once (never retried).
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/card_client.rs`) and by the stable replay of
//! the committed corpus (`tests/fuzz_corpus.rs`).
use jpki_verify::card::guard::{CARD_SURFACE_AID, TEXT_INPUT_AID};
use jpki_verify::card::{JpkiCard, Transport};

#[path = "../card_session.rs"]
mod card_session;

struct HostileCard<'a> {
    answers: &'a [u8],
    verifies_with_data: usize,
}

impl Transport for HostileCard<'_> {
    async fn transmit(&mut self, command: &[u8]) -> jpki_verify::Result<Vec<u8>> {
        if command.len() >= 5 && command[1] == 0xA4 {
            let aid = &command[5..];
            assert!(
                aid != TEXT_INPUT_AID && aid != CARD_SURFACE_AID,
                "SELECT of a My Number AP reached the card"
            );
        }
        if command.len() > 5 && command[1] == 0x20 {
            let data = &command[5..];
            assert!(
                !(data.len() == 12 && data.iter().all(u8::is_ascii_digit)),
                "a 12-digit VERIFY reached the card"
            );
            self.verifies_with_data += 1;
            assert!(self.verifies_with_data <= 2, "a PIN was presented again");
        }
        let [a, b, rest @ ..] = self.answers else {
            return Err(jpki_verify::Error::CardIo {
                reason: "the card went away".into(),
            });
        };
        let n = u16::from_be_bytes([*a, *b]);
        if n == 0xFFFF {
            self.answers = rest;
            return Err(jpki_verify::Error::CardIo {
                reason: "transport error".into(),
            });
        }
        let n = usize::from(n).min(rest.len());
        let (answer, rest) = rest.split_at(n);
        self.answers = rest;
        Ok(answer.to_vec())
    }
}

/// One input.
pub(crate) fn run(data: &[u8]) {
    let mut card = JpkiCard::new(HostileCard {
        answers: data,
        verifies_with_data: 0,
    });
    card_session::run_session(&mut card);
}
