//! APDU responses and commands: `Response::parse`, `Command::parse` (the guard reads commands)
//! and the status-word rounds of `transmit_command` (61xx GET RESPONSE, 6Cxx re-send) against
//! a card whose answers are the fuzzer's bytes (a length byte, then that many bytes).
//! Invariants: parsing never panics; a parsed command encodes back to the same bytes; a command
//! without Le is never sent twice (6Cxx to VERIFY is an error, not a re-send).
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/apdu_response.rs`) and by the stable replay of
//! the committed corpus (`tests/fuzz_corpus.rs`).
use jpki_verify::card::{block_on, transmit_command, Command, Response, Transport};

struct Script<'a> {
    answers: &'a [u8],
    sent: Vec<Vec<u8>>,
}

impl Transport for Script<'_> {
    async fn transmit(&mut self, command: &[u8]) -> jpki_verify::Result<Vec<u8>> {
        self.sent.push(command.to_vec());
        let Some((&n, rest)) = self.answers.split_first() else {
            return Err(jpki_verify::Error::CardIo {
                reason: "no more answers".into(),
            });
        };
        let n = usize::from(n).min(rest.len());
        let (answer, rest) = rest.split_at(n);
        self.answers = rest;
        Ok(answer.to_vec())
    }
}

/// One input.
pub(crate) fn run(data: &[u8]) {
    let _ = Response::parse(data);
    if let Some(command) = Command::parse(data) {
        if let Ok(encoded) = command.encode() {
            assert_eq!(encoded, data, "a parsed command must encode to the same bytes");
        }
    }
    // A VERIFY (no Le) and a READ BINARY (Le) against the same hostile answers.
    let verify = Command::new(0x00, 0x20, 0x00, 0x80).with_data(*b"1234");
    let mut card = Script {
        answers: data,
        sent: Vec::new(),
    };
    let _ = block_on(transmit_command(&mut card, &verify));
    let verifies = card.sent.iter().filter(|c| c.get(1) == Some(&0x20)).count();
    assert_eq!(verifies, 1, "a VERIFY was sent {verifies} times");
    let read = Command::new(0x00, 0xB0, 0x00, 0x00).with_le(0);
    let mut card = Script {
        answers: data,
        sent: Vec::new(),
    };
    let _ = block_on(transmit_command(&mut card, &read));
    assert!(card.sent.len() <= 1 + jpki_verify::card::transport::MAX_STATUS_ROUNDS);
}
