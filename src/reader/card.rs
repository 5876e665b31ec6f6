//! A contactless card as a card [`Transport`]: poll, activate, ISO-DEP, and the rule that a
//! PIN is never sent twice.
//!
//! ISO-DEP recovery (R(NAK)) asks the card to *repeat its answer*; it never makes the card
//! execute a command again, so a VERIFY whose answer was lost is never re-sent. When recovery
//! fails during a VERIFY that carried a PIN, the error is
//! [`CardRemoved { pin_try_may_have_counted: true }`](Error::CardRemoved): the card may have
//! counted the try, and [`JpkiCard::verify_pin`](crate::card::JpkiCard::verify_pin) reads the
//! remaining tries again before the next PIN is sent.

use crate::card::Transport;
use crate::error::{Error, Result};
use crate::reader::isodep::{IsoDep, IsoDepPolicy};
use crate::reader::typeb::{self, Atqb, PollPolicy};
use crate::reader::Initiator;

/// INS of VERIFY (ISO/IEC 7816-4).
const INS_VERIFY: u8 = 0x20;

/// Whether `apdu` is a VERIFY that carries reference data (a PIN): `CLA 20 P1 P2 Lc data…`.
/// A VERIFY without data only asks for the remaining tries and never counts.
pub fn presents_a_pin(apdu: &[u8]) -> bool {
    matches!(apdu, [_, INS_VERIFY, _, _, lc, ..] if *lc > 0 && apdu.len() > 5)
}

/// An activated ISO-DEP card in a reader's field.
#[derive(Debug)]
pub struct ContactlessCard<I> {
    isodep: IsoDep<I>,
    atqb: Atqb,
    apdus: u64,
}

impl<I: Initiator> ContactlessCard<I> {
    /// Polls for a Type B card (`poll`), activates it (ATTRIB) and opens an ISO-DEP session.
    /// On failure the initiator is gone with the error; [`ContactlessCard::activate`] keeps it.
    pub async fn connect(mut initiator: I, poll: PollPolicy, policy: IsoDepPolicy) -> Result<Self> {
        let atqb = Self::activate(&mut initiator, poll).await?;
        Ok(Self::new(initiator, atqb, policy))
    }

    /// Polls and activates a card through `initiator` (borrowed, so a caller keeps the reader
    /// when no card comes): the ATQB for [`ContactlessCard::new`].
    pub async fn activate(initiator: &mut I, poll: PollPolicy) -> Result<Atqb> {
        let atqb = typeb::poll(initiator, poll).await?;
        typeb::activate(initiator, &atqb).await?;
        Ok(atqb)
    }

    /// The ISO-DEP session with a card [`ContactlessCard::activate`] activated.
    pub fn new(initiator: I, atqb: Atqb, policy: IsoDepPolicy) -> Self {
        ContactlessCard {
            isodep: IsoDep::new(initiator, &atqb, policy),
            atqb,
            apdus: 0,
        }
    }

    /// The card's ATQB.
    pub fn atqb(&self) -> &Atqb {
        &self.atqb
    }

    /// APDUs sent so far.
    pub fn apdus(&self) -> u64 {
        self.apdus
    }

    /// The reader underneath (for its counters).
    pub fn reader(&mut self) -> &mut I {
        self.isodep.link()
    }

    /// The reader back without a word to the card (it may be gone).
    pub fn into_reader(self) -> I {
        self.isodep.into_link()
    }

    /// S(DESELECT) (a card already gone is not an error here) and the reader back, field
    /// still on.
    pub async fn into_reader_after_deselect(mut self) -> I {
        let _ = self.isodep.deselect().await;
        self.isodep.into_link()
    }

    /// S(DESELECT) (a card already gone is not an error here), field off, and the reader back.
    pub async fn close(mut self) -> Result<I> {
        let _ = self.isodep.deselect().await;
        let mut link = self.isodep.into_link();
        link.field_off().await?;
        Ok(link)
    }
}

impl<I: Initiator> Transport for ContactlessCard<I> {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>> {
        self.apdus += 1;
        match self.isodep.exchange(command).await {
            Err(Error::CardRemoved { .. }) => Err(Error::CardRemoved {
                pin_try_may_have_counted: presents_a_pin(command),
            }),
            other => other,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::card::block_on;
    use crate::reader::tests::Radio;
    use crate::reader::RfFault;

    #[test]
    fn which_apdus_present_a_pin() {
        assert!(presents_a_pin(&[0x00, 0x20, 0x00, 0x80, 0x04, 1, 2, 3, 4]));
        assert!(!presents_a_pin(&[0x00, 0x20, 0x00, 0x80]));
        assert!(!presents_a_pin(&[0x00, 0x20, 0x00, 0x80, 0x00]));
        assert!(!presents_a_pin(&[0x00, 0xB0, 0x00, 0x00, 0x04, 1, 2, 3, 4]));
    }

    fn connected(answers: Vec<core::result::Result<Vec<u8>, RfFault>>) -> ContactlessCard<Radio> {
        let mut all = vec![Ok(vec![0x50, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0x81, 0x80]), Ok(vec![0x00])];
        all.extend(answers);
        block_on(ContactlessCard::connect(
            Radio::new(all),
            PollPolicy::default(),
            IsoDepPolicy::default(),
        ))
        .unwrap()
    }

    /// The VERIFY's answer is lost and the card is gone: the error says the try may have
    /// counted, and the VERIFY was sent exactly once (the rest are R(NAK)).
    #[test]
    fn a_lost_verify_is_never_sent_again() {
        let verify = [0x00, 0x20, 0x00, 0x80, 0x04, b'1', b'2', b'3', b'4'];
        let mut card = connected(vec![]);
        let e = block_on(card.transmit(&verify)).unwrap_err();
        assert_eq!(
            e,
            Error::CardRemoved {
                pin_try_may_have_counted: true
            }
        );
        let sent: Vec<Vec<u8>> = card.reader().sent.iter().map(|(f, _)| f.clone()).collect();
        let with_pin = sent.iter().filter(|f| f.len() > 1 && f[1..] == verify).count();
        assert_eq!(with_pin, 1);
        assert!(sent[3..].iter().all(|f| f == &[0xB2]));
        // A READ BINARY lost the same way does not claim a PIN try.
        let mut card = connected(vec![]);
        assert_eq!(
            block_on(card.transmit(&[0x00, 0xB0, 0x00, 0x00, 0x00])).unwrap_err(),
            Error::CardRemoved {
                pin_try_may_have_counted: false
            }
        );
    }

    #[test]
    fn close_deselects_and_switches_the_field_off() {
        let mut card = connected(vec![Ok(vec![0x02, 0x90, 0x00]), Ok(vec![0xC2])]);
        assert_eq!(
            block_on(card.transmit(&[0x00, 0xA4, 0x04, 0x0C, 0x00])).unwrap(),
            [0x90, 0x00]
        );
        assert_eq!(card.apdus(), 1);
        let radio = block_on(card.close()).unwrap();
        assert_eq!(radio.sent.last().unwrap().0, [0xC2]);
        assert!(!radio.field_on);
    }
}
