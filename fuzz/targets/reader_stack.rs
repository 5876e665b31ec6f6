//! The whole reader stack against a hostile card: the fuzzer's bytes are the card's answers,
//! frame by frame (a length byte, then that many bytes; 0xFF = silence). Polling, ATTRIB and
//! ISO-DEP (chaining, WTX, R-blocks) must end in a typed error or an answer — never a panic,
//! never a loop (every recovery is bounded).
//!
//! Shared by the fuzz target (`fuzz/fuzz_targets/reader_stack.rs`) and by the stable replay of
//! the committed corpus (`tests/fuzz_corpus.rs`).
use jpki_verify::card::{block_on, Transport};
use jpki_verify::reader::{ContactlessCard, Initiator, IsoDepPolicy, PollPolicy, RfFault};

struct HostileCard<'a> {
    answers: &'a [u8],
    clock: u64,
}

impl Initiator for HostileCard<'_> {
    async fn exchange(&mut self, _frame: &[u8], timeout_ms: u32) -> jpki_verify::Result<Result<Vec<u8>, RfFault>> {
        self.clock += u64::from(timeout_ms.max(1));
        let Some((&n, rest)) = self.answers.split_first() else {
            return Ok(Err(RfFault::Timeout));
        };
        if n == 0xFF {
            self.answers = rest;
            return Ok(Err(RfFault::Timeout));
        }
        let n = usize::from(n).min(rest.len());
        let (answer, rest) = rest.split_at(n);
        self.answers = rest;
        Ok(Ok(answer.to_vec()))
    }
    async fn pause(&mut self, ms: u32) {
        self.clock += u64::from(ms);
    }
    fn now_ms(&mut self) -> u64 {
        self.clock
    }
    async fn field_off(&mut self) -> jpki_verify::Result<()> {
        Ok(())
    }
}

/// One input.
pub(crate) fn run(data: &[u8]) {
    let card = HostileCard {
        answers: data,
        clock: 0,
    };
    let poll = PollPolicy {
        pause_ms: 100,
        deadline_ms: 1_000,
    };
    if let Ok(mut card) = block_on(ContactlessCard::connect(card, poll, IsoDepPolicy::default())) {
        let select = [
            0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01,
        ];
        for _ in 0..4 {
            let _ = block_on(card.transmit(&select));
        }
        let _ = block_on(card.close());
    }
}
