//! ISO/IEC 14443-4 (ISO-DEP) half-duplex block transmission, PCD side, without CID and NAD
//! (`docs/readers.md` §1.6, addendum §1.5; nfcpy `IsoDepInitiator`; ISO/IEC 14443-4:2008 §7).
//!
//! ```text
//! I-block  0 0 0 chaining 0(CID) 0(NAD) 1 bn     02|bn last · 12|bn more follows
//! R-block  1 0 1 NAK      0(CID) 0      1 bn     A2|bn R(ACK) · B2|bn R(NAK)
//! S-block  1 1 x x        0(CID) 0      1 0      C2 DESELECT · F2 WTX + WTXM (1–59)
//! ```
//!
//! Rules applied (ISO/IEC 14443-4 §7.5.4, the PCD rules):
//! * the block number starts at 0 after ATTRIB and toggles on each I-block or R(ACK) the card
//!   answers with the current number;
//! * command chaining in chunks of FSC − 3 (PCB + CRC); each chunk but the last must be
//!   answered by R(ACK) with the current number; response chaining: R(ACK) for each block
//!   with the chaining bit;
//! * a timeout or a damaged / empty block is answered by R(NAK) (R(ACK) while the card is
//!   chaining), so the card **repeats its last block** and does not execute a command twice;
//!   an R(ACK) with the other block number means the card never got the last I-block: it is
//!   sent again. At most [`IsoDepPolicy::retries`] such recoveries per block, then the card is
//!   taken to have left the field ([`Error::CardRemoved`]);
//! * S(WTX): the same WTXM is sent back and the next wait is WTXM × FWT (+ ΔFWT), at most
//!   [`IsoDepPolicy::max_wtx`] times in a row;
//! * every wait is FWT + ΔFWT (ΔFWT = 49152 / fc ≈ 3.6 ms), capped at what the RC-S380 can
//!   wait (`FF FF` × 0.1 ms ≈ 6.55 s).

use crate::error::{Error, Result};
use crate::reader::typeb::Atqb;
use crate::reader::Initiator;

/// ΔFWT in microseconds: 49152 / 13.56 MHz.
pub const DELTA_FWT_US: u32 = 3_625;

/// The longest RF wait an RC-S380 InCommRF can express, in ms.
pub const MAX_WAIT_MS: u32 = 6_553;

/// PCB of S(DESELECT).
pub const S_DESELECT: u8 = 0xC2;
/// PCB of S(WTX).
pub const S_WTX: u8 = 0xF2;

/// Limits for one ISO-DEP session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IsoDepPolicy {
    /// Recoveries (R(NAK), R(ACK), retransmission) allowed per block before the card is taken
    /// to be gone. nfcpy allows `min(1/FWT, 5)`, which is 0 for slow cards (addendum,
    /// corrections 2): a fixed budget instead.
    pub retries: u8,
    /// S(WTX) requests accepted in a row for one block.
    pub max_wtx: u32,
    /// The longest response (all chained blocks) accepted.
    pub max_response_len: usize,
}

impl Default for IsoDepPolicy {
    /// 3 recoveries, 64 WTX in a row, 65 538 bytes (an extended-length R-APDU).
    fn default() -> Self {
        IsoDepPolicy {
            retries: 3,
            max_wtx: 64,
            max_response_len: 65_538,
        }
    }
}

fn protocol(reason: String) -> Error {
    Error::ReaderProtocol { reason }
}

fn is_i_block(pcb: u8) -> bool {
    pcb & 0xEE == 0x02
}

fn is_r_block(pcb: u8) -> bool {
    pcb & 0xEE == 0xA2
}

/// One ISO-DEP session with an activated card.
#[derive(Debug)]
pub struct IsoDep<I> {
    link: I,
    pni: u8,
    fsc: usize,
    fwt_us: u32,
    policy: IsoDepPolicy,
    recoveries: u64,
}

impl<I: Initiator> IsoDep<I> {
    /// A session over `link` with the card whose ATQB is `atqb` (after ATTRIB).
    pub fn new(link: I, atqb: &Atqb, policy: IsoDepPolicy) -> Self {
        IsoDep {
            link,
            pni: 0,
            fsc: atqb.fsc.max(16),
            fwt_us: atqb.fwt_us,
            policy,
            recoveries: 0,
        }
    }

    /// The link (for the reader's counters).
    pub fn link(&mut self) -> &mut I {
        &mut self.link
    }

    /// Gives the link back.
    pub fn into_link(self) -> I {
        self.link
    }

    /// Recoveries made so far (R(NAK), R(ACK) repeats, retransmissions).
    pub fn recoveries(&self) -> u64 {
        self.recoveries
    }

    /// The wait for one block with the waiting time multiplied by `multiplier`, in ms.
    pub fn wait_ms(&self, multiplier: u32) -> u32 {
        let us = u64::from(self.fwt_us) * u64::from(multiplier.max(1)) + u64::from(DELTA_FWT_US);
        u32::try_from(us.div_ceil(1000))
            .unwrap_or(u32::MAX)
            .clamp(1, MAX_WAIT_MS)
    }

    /// Sends `block` and returns the card's answer after WTX and error recovery: an I-block,
    /// an R(ACK) with the current block number, or S(DESELECT). `card_chaining` is true
    /// while fetching a chained response (recovery is then R(ACK), not R(NAK)).
    async fn send_block(&mut self, block: &[u8], card_chaining: bool) -> Result<Vec<u8>> {
        let mut to_send = block.to_vec();
        let mut wait = self.wait_ms(1);
        let mut failures = 0u8;
        let mut wtx = 0u32;
        loop {
            let answer = self.link.exchange(&to_send, wait).await?;
            wait = self.wait_ms(1);
            let reply = match answer {
                Ok(reply) if !reply.is_empty() => reply,
                // A timeout, a damaged block or an empty one: ask for the last block again.
                _ => {
                    failures += 1;
                    if failures > self.policy.retries {
                        return Err(Error::CardRemoved {
                            pin_try_may_have_counted: false,
                        });
                    }
                    self.recoveries += 1;
                    to_send = vec![if card_chaining { 0xA2 } else { 0xB2 } | self.pni];
                    continue;
                }
            };
            let pcb = reply[0];
            if pcb == S_WTX {
                let [_, wtxm] = reply[..] else {
                    return Err(protocol(format!("S(WTX) of {} bytes", reply.len())));
                };
                let multiplier = u32::from(wtxm & 0x3F);
                if wtxm & 0xC0 != 0 || !(1..=59).contains(&multiplier) {
                    return Err(protocol(format!("S(WTX) with WTXM {wtxm:02X} (1–59 allowed)")));
                }
                wtx += 1;
                if wtx > self.policy.max_wtx {
                    return Err(protocol(format!("the card asked for more time {wtx} times in a row")));
                }
                to_send = vec![S_WTX, wtxm];
                wait = self.wait_ms(multiplier);
                continue;
            }
            if is_r_block(pcb) {
                if pcb & 0x10 != 0 {
                    return Err(protocol("the card sent R(NAK)".to_owned()));
                }
                if pcb & 0x01 != self.pni {
                    // The card acknowledges the block before ours: ours never arrived.
                    if !is_i_block(block[0]) {
                        return Err(protocol("R(ACK) with the wrong block number".to_owned()));
                    }
                    failures += 1;
                    if failures > self.policy.retries {
                        return Err(Error::CardRemoved {
                            pin_try_may_have_counted: false,
                        });
                    }
                    self.recoveries += 1;
                    to_send = block.to_vec();
                    continue;
                }
                return Ok(reply);
            }
            if is_i_block(pcb) || pcb == S_DESELECT {
                return Ok(reply);
            }
            return Err(protocol(format!(
                "unknown or unsupported block PCB {pcb:02X} (CID/NAD are not used)"
            )));
        }
    }

    /// Expects an I-block with the current block number; toggles it; returns (INF, chaining).
    fn take_i_block(&mut self, reply: &[u8]) -> Result<(Vec<u8>, bool)> {
        let Some((&pcb, inf)) = reply.split_first() else {
            return Err(protocol("empty block".to_owned()));
        };
        if !is_i_block(pcb) {
            return Err(protocol(format!("expected an I-block, got PCB {pcb:02X}")));
        }
        if pcb & 0x01 != self.pni {
            return Err(protocol(format!(
                "I-block with block number {} (expected {})",
                pcb & 1,
                self.pni
            )));
        }
        let chaining = pcb & 0x10 != 0;
        if chaining && inf.is_empty() {
            // A chained block carries INF (ISO/IEC 14443-4 §7.1.1.3); empty ones would let a
            // hostile card keep the exchange going forever without growing the response.
            return Err(protocol("a chained I-block without INF".to_owned()));
        }
        self.pni ^= 1;
        Ok((inf.to_vec(), chaining))
    }

    /// Sends one APDU (command chaining as needed) and returns the whole response (response
    /// chaining followed).
    pub async fn exchange(&mut self, apdu: &[u8]) -> Result<Vec<u8>> {
        if apdu.is_empty() {
            return Err(protocol("empty APDU".to_owned()));
        }
        let miu = self.fsc - 3;
        let chunks: Vec<&[u8]> = apdu.chunks(miu).collect();
        let mut response = Vec::new();
        let mut chaining = false;
        for (i, chunk) in chunks.iter().enumerate() {
            let last = i + 1 == chunks.len();
            let mut block = Vec::with_capacity(chunk.len() + 1);
            block.push(if last { 0x02 } else { 0x12 } | self.pni);
            block.extend_from_slice(chunk);
            let reply = self.send_block(&block, false).await?;
            if !last {
                if reply.first().is_some_and(|p| is_r_block(*p)) {
                    self.pni ^= 1;
                    continue;
                }
                return Err(protocol(
                    "a chained command block was not acknowledged with R(ACK)".to_owned(),
                ));
            }
            let (inf, more) = self.take_i_block(&reply)?;
            response = inf;
            chaining = more;
        }
        while chaining {
            let reply = self.send_block(&[0xA2 | self.pni], true).await?;
            let (inf, more) = self.take_i_block(&reply)?;
            if response.len() + inf.len() > self.policy.max_response_len {
                return Err(protocol(format!(
                    "chained response longer than {} bytes",
                    self.policy.max_response_len
                )));
            }
            response.extend_from_slice(&inf);
            chaining = more;
        }
        Ok(response)
    }

    /// S(DESELECT): the card answers `C2` and goes to HALT. Recovered like any block.
    pub async fn deselect(&mut self) -> Result<()> {
        let reply = self.send_block(&[S_DESELECT], false).await?;
        if reply == [S_DESELECT] {
            Ok(())
        } else {
            Err(protocol(format!("S(DESELECT) answered with {:02X?}", reply)))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::card::block_on;
    use crate::reader::tests::Radio;
    use crate::reader::typeb::parse_atqb;
    use crate::reader::RfFault;

    fn atqb(fsci: u8, fwi: u8) -> Atqb {
        parse_atqb(&[0x50, 1, 2, 3, 4, 0, 0, 0, 0, 0, (fsci << 4) | 1, fwi << 4]).unwrap()
    }

    fn session(answers: Vec<core::result::Result<Vec<u8>, RfFault>>, fsci: u8) -> IsoDep<Radio> {
        IsoDep::new(Radio::new(answers), &atqb(fsci, 8), IsoDepPolicy::default())
    }

    fn sent(s: &IsoDep<Radio>) -> Vec<Vec<u8>> {
        s.link.sent.iter().map(|(f, _)| f.clone()).collect()
    }

    const SELECT: [u8; 15] = [
        0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01,
    ];

    /// The addendum's §1.4 blocks: I(0) SELECT with 80 ms (FWI 8), I(1) READ BINARY.
    #[test]
    fn numbered_blocks_and_the_wait() {
        let mut s = session(vec![Ok(vec![0x02, 0x90, 0x00]), Ok(vec![0x03, 0xAB, 0x90, 0x00])], 8);
        assert_eq!(block_on(s.exchange(&SELECT)).unwrap(), [0x90, 0x00]);
        assert_eq!(
            block_on(s.exchange(&[0x00, 0xB0, 0x00, 0x00, 0x00])).unwrap(),
            [0xAB, 0x90, 0x00]
        );
        let mut first = vec![0x02];
        first.extend_from_slice(&SELECT);
        assert_eq!(sent(&s), [first, vec![0x03, 0x00, 0xB0, 0x00, 0x00, 0x00]]);
        assert_eq!(s.link.sent[0].1, 81); // 77.329 + 3.625 ms, rounded up
    }

    /// nfcpy's chaining test: FSC 16 → MIU 13; FSCI 0.
    #[test]
    fn command_chaining() {
        let apdu: Vec<u8> = (0..30).collect();
        let mut s = session(vec![Ok(vec![0xA2]), Ok(vec![0xA3]), Ok(vec![0x02, 0x90, 0x00])], 0);
        assert_eq!(block_on(s.exchange(&apdu)).unwrap(), [0x90, 0x00]);
        let out = sent(&s);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0][0], 0x12);
        assert_eq!(&out[0][1..], &apdu[..13]);
        assert_eq!(out[1][0], 0x13);
        assert_eq!(out[2][0], 0x02);
        assert_eq!(&out[2][1..], &apdu[26..]);
    }

    #[test]
    fn response_chaining() {
        let mut s = session(
            vec![Ok(vec![0x12, 1, 2]), Ok(vec![0x13, 3, 4]), Ok(vec![0x02, 0x90, 0x00])],
            8,
        );
        assert_eq!(block_on(s.exchange(&SELECT)).unwrap(), [1, 2, 3, 4, 0x90, 0x00]);
        let out = sent(&s);
        assert_eq!(out[1], [0xA3]);
        assert_eq!(out[2], [0xA2]);
    }

    /// S(WTX) `F2 02`: echoed, and the next wait is 2 × FWT + ΔFWT.
    #[test]
    fn waiting_time_extension() {
        let mut s = session(
            vec![Ok(vec![0xF2, 0x02]), Ok(vec![0xF2, 0x3B]), Ok(vec![0x02, 0x90, 0x00])],
            8,
        );
        assert_eq!(block_on(s.exchange(&SELECT)).unwrap(), [0x90, 0x00]);
        let out: Vec<(Vec<u8>, u32)> = s.link.sent.clone();
        assert_eq!(out[1], (vec![0xF2, 0x02], 159));
        assert_eq!(out[2], (vec![0xF2, 0x3B], 4567)); // 59 × 77.329 + 3.625 ms, rounded up
        for bad in [vec![0xF2, 0x00], vec![0xF2, 0x3C], vec![0xF2, 0x41], vec![0xF2]] {
            let mut s = session(vec![Ok(bad.clone())], 8);
            assert_eq!(
                block_on(s.exchange(&SELECT)).unwrap_err().code(),
                "JPKI_READER_PROTOCOL",
                "{bad:02X?}"
            );
        }
        let mut s = session(vec![Ok(vec![0xF2, 0x01]); 70], 8);
        assert!(block_on(s.exchange(&SELECT))
            .unwrap_err()
            .to_string()
            .contains("more time"));
    }

    /// A lost answer: R(NAK) with the current number, the card repeats its block.
    #[test]
    fn lost_answer_recovered_with_r_nak() {
        let mut s = session(
            vec![
                Err(RfFault::Timeout),
                Err(RfFault::Transmission(4)),
                Ok(vec![0x02, 0x90, 0x00]),
            ],
            8,
        );
        assert_eq!(block_on(s.exchange(&SELECT)).unwrap(), [0x90, 0x00]);
        let out = sent(&s);
        assert_eq!(out[1], [0xB2]);
        assert_eq!(out[2], [0xB2]);
        assert_eq!(s.recoveries(), 2);
    }

    /// A lost command: the card answers R(NAK) with R(ACK) of the other number, and the
    /// I-block is sent again (the card had not seen it).
    #[test]
    fn lost_command_retransmitted() {
        let mut s = session(
            vec![Err(RfFault::Timeout), Ok(vec![0xA3]), Ok(vec![0x02, 0x90, 0x00])],
            8,
        );
        assert_eq!(block_on(s.exchange(&SELECT)).unwrap(), [0x90, 0x00]);
        let out = sent(&s);
        assert_eq!(out[1], [0xB2]);
        assert_eq!(out[2], out[0]);
    }

    /// A lost chained block is asked for with R(ACK), not R(NAK).
    #[test]
    fn lost_chained_block_recovered_with_r_ack() {
        let mut s = session(
            vec![
                Ok(vec![0x12, 1]),
                Err(RfFault::Timeout),
                Ok(vec![0x13, 2]),
                Ok(vec![0x02, 0x90, 0x00]),
            ],
            8,
        );
        assert_eq!(block_on(s.exchange(&SELECT)).unwrap(), [1, 2, 0x90, 0x00]);
        let out = sent(&s);
        assert_eq!(out[1], [0xA3]);
        assert_eq!(out[2], [0xA3]);
    }

    #[test]
    fn gone_after_the_retry_budget() {
        let mut s = session(vec![], 8);
        let e = block_on(s.exchange(&SELECT)).unwrap_err();
        assert_eq!(
            e,
            Error::CardRemoved {
                pin_try_may_have_counted: false
            }
        );
        assert_eq!(s.link.sent.len(), 4);
    }

    #[test]
    fn protocol_violations() {
        let cases: [Vec<u8>; 6] = [
            vec![0x03, 0x90, 0x00], // wrong block number
            vec![0xB3],             // R(NAK) from the card
            vec![0x0A, 0x90, 0x00], // CID bit
            vec![0xE2],             // unknown S-block
            vec![0xA2],             // R(ACK) for a last block
            vec![0x32, 0x00],       // RFU bit
        ];
        for bad in cases {
            let mut s = session(vec![Ok(bad.clone())], 8);
            assert_eq!(
                block_on(s.exchange(&SELECT)).unwrap_err().code(),
                "JPKI_READER_PROTOCOL",
                "{bad:02X?}"
            );
        }
        let mut s = session(vec![], 8);
        assert!(block_on(s.exchange(&[])).is_err());
    }

    #[test]
    fn response_length_is_bounded() {
        let block = |pcb: u8| Ok([vec![pcb], vec![0xAA; 199]].concat());
        let mut s = IsoDep::new(
            Radio::new(vec![block(0x12), block(0x13), block(0x12), block(0x13)]),
            &atqb(8, 8),
            IsoDepPolicy {
                max_response_len: 500,
                ..IsoDepPolicy::default()
            },
        );
        let e = block_on(s.exchange(&SELECT)).unwrap_err();
        assert!(e.to_string().contains("longer than 500"), "{e}");
    }

    /// Chained blocks that carry nothing are refused rather than followed forever.
    #[test]
    fn empty_chained_blocks_are_refused() {
        let mut s = session(vec![Ok(vec![0x12]), Ok(vec![0x13]), Ok(vec![0x12])], 8);
        let e = block_on(s.exchange(&SELECT)).unwrap_err();
        assert!(e.to_string().contains("without INF"), "{e}");
    }

    #[test]
    fn deselect() {
        let mut s = session(vec![Ok(vec![0xC2])], 8);
        block_on(s.deselect()).unwrap();
        assert_eq!(sent(&s), [vec![0xC2]]);
        let mut s = session(vec![Ok(vec![0x02])], 8);
        assert!(block_on(s.deselect()).is_err());
    }
}
