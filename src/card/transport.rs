//! How APDUs reach a card: the [`Transport`] trait, the `61xx` / `6Cxx` procedure
//! ([`transmit_command`]) and a tiny executor ([`block_on`]) for transports that answer at once.
//!
//! The trait is `async` so the same client runs natively (PC/SC, the virtual card: the future
//! is ready on its first poll) and in wasm (a JS `Promise` from WebUSB or a native bridge). It
//! uses return-position `impl Future` (not `dyn`): the client is generic over its transport.

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

use zeroize::Zeroizing;

use super::apdu::{ins, Command, Response};
use crate::error::{Error, Result};

/// A channel to one card: sends one command APDU, returns the response APDU (`data ‖ SW1 SW2`).
///
/// An implementation reports a missing card, a reset card or a reader failure as
/// [`Error::CardIo`]. It must not retry on its own, and it must not interpret status words:
/// [`transmit_command`] does that once for every transport.
pub trait Transport {
    /// Sends `command` (a complete short APDU) and returns the card's answer bytes.
    fn transmit(&mut self, command: &[u8]) -> impl Future<Output = Result<Vec<u8>>>;
}

impl<T: Transport + ?Sized> Transport for &mut T {
    fn transmit(&mut self, command: &[u8]) -> impl Future<Output = Result<Vec<u8>>> {
        (**self).transmit(command)
    }
}

/// Most extra exchanges [`transmit_command`] makes for one command (GET RESPONSE rounds plus
/// re-sends with a corrected Le). A card that keeps answering `61xx` is broken or hostile.
pub const MAX_STATUS_ROUNDS: usize = 8;

/// Sends `command` and completes the ISO/IEC 7816-4 (§5.3.4, T=0 procedure as seen at the APDU
/// level, also answered by some T=1 cards) status-word procedures:
///
/// * `61xx` — `xx` more bytes are waiting: send GET RESPONSE `00 C0 00 00 xx` and append its
///   data (`xx = 00` means 256).
/// * `6Cxx` — wrong Le: send the same command again with `Le = xx`. Only for a command that has
///   an Le; a `6Cxx` answer to a command without one (such as VERIFY) is a card error and the
///   command is **not** re-sent, so a PIN is never presented twice.
///
/// At most [`MAX_STATUS_ROUNDS`] extra exchanges, then [`Error::CardIo`]. The encoded command
/// is wiped from memory after sending (it may hold a PIN).
pub async fn transmit_command<T: Transport + ?Sized>(transport: &mut T, command: &Command) -> Result<Response> {
    let mut collected: Vec<u8> = Vec::new();
    let mut response = send(transport, command).await?;
    let mut rounds = 0usize;
    // `Some(le)` when the exchange that produced `response` was a GET RESPONSE with that Le;
    // `None` when it was the original command.
    let mut last_get_response: Option<u16> = None;
    loop {
        let status = response.status();
        let next = if let Some(available) = status.bytes_available() {
            collected.extend_from_slice(&response.data);
            Some((true, available))
        } else if let Some(le) = status.correct_le() {
            let had_le = match last_get_response {
                Some(_) => true,
                None => command.le.is_some(),
            };
            if !had_le {
                return Err(Error::CardIo {
                    reason: format!("the card answered {status} to a command without Le; not re-sent",),
                });
            }
            Some((last_get_response.is_some(), le))
        } else {
            None
        };
        let Some((get_response, le)) = next else {
            collected.extend_from_slice(&response.data);
            return Ok(Response {
                data: collected,
                sw1: response.sw1,
                sw2: response.sw2,
            });
        };
        rounds += 1;
        if rounds > MAX_STATUS_ROUNDS {
            return Err(Error::CardIo {
                reason: format!(
                    "the card kept answering 61xx/6Cxx (more than {MAX_STATUS_ROUNDS} rounds, last {status})"
                ),
            });
        }
        response = if get_response {
            last_get_response = Some(le);
            send(
                transport,
                &Command::new(0x00, ins::GET_RESPONSE, 0x00, 0x00).with_le(le),
            )
            .await?
        } else {
            let mut again = command.clone();
            again.le = Some(le);
            let r = send(transport, &again).await;
            zeroize::Zeroize::zeroize(&mut again.data);
            r?
        };
    }
}

async fn send<T: Transport + ?Sized>(transport: &mut T, command: &Command) -> Result<Response> {
    let encoded = Zeroizing::new(command.encode()?);
    let answer = transport.transmit(&encoded).await?;
    Response::parse(&answer)
}

/// Most polls [`block_on`] gives a future before giving up.
pub const MAX_POLLS: usize = 64;

/// Runs a card future to completion on the current thread, for transports that answer
/// immediately (PC/SC natively, the virtual card). It polls with a no-op waker
/// ([`Waker::noop`]), at most [`MAX_POLLS`] times; a future still pending after that (one that
/// waits for I/O, such as a JS `Promise`) gives [`Error::CardIo`] instead of hanging — use a real
/// executor (`wasm_bindgen_futures`, tokio) for those.
///
/// Card futures return [`Result`], so this takes and returns one (rather than any `F::Output`):
/// an executor that cannot finish must be able to say so without panicking.
pub fn block_on<T, F: Future<Output = Result<T>>>(future: F) -> Result<T> {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..MAX_POLLS {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
    Err(Error::CardIo {
        reason: "the transport did not answer synchronously; drive this future with an async executor".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    struct Script {
        answers: VecDeque<Vec<u8>>,
        sent: Vec<Vec<u8>>,
    }

    impl Transport for Script {
        async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>> {
            self.sent.push(command.to_vec());
            Ok(self.answers.pop_front().unwrap_or_else(|| vec![0x6F, 0x00]))
        }
    }

    fn script(answers: &[&[u8]]) -> Script {
        Script {
            answers: answers.iter().map(|a| a.to_vec()).collect(),
            sent: Vec::new(),
        }
    }

    #[test]
    fn get_response_is_chained() {
        let mut s = script(&[&[1, 0x61, 0x02], &[2, 3, 0x90, 0x00]]);
        let cmd = Command::new(0, 0xB0, 0, 0).with_le(3);
        let r = block_on(transmit_command(&mut s, &cmd)).unwrap();
        assert_eq!(r.data, [1, 2, 3]);
        assert_eq!(s.sent[1], [0, 0xC0, 0, 0, 2]);
    }

    #[test]
    fn wrong_le_is_resent_once_per_answer() {
        let mut s = script(&[&[0x6C, 0x04], &[9, 9, 9, 9, 0x90, 0x00]]);
        let cmd = Command::new(0, 0xB0, 0, 0).with_le(256);
        let r = block_on(transmit_command(&mut s, &cmd)).unwrap();
        assert_eq!(r.data, [9, 9, 9, 9]);
        assert_eq!(s.sent[1], [0, 0xB0, 0, 0, 4]);
    }

    #[test]
    fn verify_is_never_resent() {
        let mut s = script(&[&[0x6C, 0x04]]);
        let cmd = Command::new(0, 0x20, 0, 0x80).with_data(*b"1234");
        assert_eq!(
            block_on(transmit_command(&mut s, &cmd)).unwrap_err().code(),
            "JPKI_CARD_IO"
        );
        assert_eq!(s.sent.len(), 1);
    }

    #[test]
    fn endless_61xx_is_bounded() {
        let answers: Vec<&[u8]> = vec![&[0x61, 0x10]; 100];
        let mut s = script(&answers);
        let cmd = Command::new(0, 0xB0, 0, 0).with_le(16);
        assert_eq!(
            block_on(transmit_command(&mut s, &cmd)).unwrap_err().code(),
            "JPKI_CARD_IO"
        );
        assert_eq!(s.sent.len(), 1 + MAX_STATUS_ROUNDS);
    }

    #[test]
    fn block_on_gives_up_on_pending_futures() {
        let pending = core::future::pending::<Result<()>>();
        assert_eq!(block_on(pending).unwrap_err().code(), "JPKI_CARD_IO");
        assert_eq!(block_on(async { Ok(5) }).unwrap(), 5);
    }
}
