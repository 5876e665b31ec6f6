//! The My Number guard: the lowest layer of the card client, between it and any [`Transport`].
//!
//! The JPKI application holds no My Number ("マイナンバーは利用しません", docs/jpki-facts.md §1.8), but
//! the same chip does, in two other applications:
//!
//! | AP | AID | My Number routes refused here |
//! |---|---|---|
//! | 券面事項入力補助AP (text input) | `D3 92 10 00 31 00 01 01 04 08` | EF `0001` 個人番号 (BER `FF10`, 17 B); key EF `0014` 照合番号A = the My Number itself; EF `0003` (SHA-256 of EF `0001`: a 12-digit number is brute-forced from its hash in minutes) |
//! | 券面事項確認AP (card surface) | `D3 92 10 00 31 00 01 01 04 02` | EF `0005` rendered 個人番号; key EF `0013` 照合番号A; EF `0001` |
//!
//! [`MyNumberGuard`] parses every outgoing APDU, follows which application is selected, and
//! answers [`Error::MyNumberRefused`] **before** the APDU reaches the inner transport when it:
//!
//! 1. is not a well-formed short APDU with CLA `00` or `80` (so: no secure messaging, no
//!    command chaining, logical channel 0 only — ISO/IEC 7816-4:2020 §5.4.1 CLA coding), or is
//!    MANAGE CHANNEL (`70`): other channels have their own, unobserved, selection state;
//! 2. is a VERIFY (`20`/`21`) whose data is 12 ASCII digits — a My Number-shaped PIN — to any
//!    application;
//! 3. is a SELECT by path (P1 `08` from the MF, `09` from the current DF; §11.2.2) naming any of
//!    the files above, in any application (application DF file identifiers are not public, so a
//!    path cannot be attributed to an application);
//! 4. while the text-input or card-surface AP *may* be selected: is a SELECT by file identifier
//!    (P1 `00`, `02`) of one of that application's files above; a READ BINARY with an SFI in P1
//!    (`1 0 0 SFI`, §11.3.3) naming one; a VERIFY naming one (P2 `80 | n`) or the current EF
//!    (`P2 = 80`) unless the guard saw a harmless EF selected; a READ BINARY of the current EF
//!    under the same condition; and **any other instruction** (only SELECT, READ BINARY,
//!    VERIFY and GET RESPONSE are understood there; what the guard cannot classify, it refuses).
//!
//! **Which application "may" be selected.** The guard starts (and falls back, after anything it
//! cannot follow) in an *unknown* state where both applications' rules apply. A successful
//! SELECT by DF name (`00 A4 04 ..`) sets the state from the name; names are prefix-matched by
//! cards (§11.2.2, "DF name … may be truncated"), so any name that is a prefix of the text-input
//! or card-surface AID counts as selecting it. A failed SELECT by DF name adds the rules of the
//! target to the current ones instead of replacing them. SELECT by file identifier of a DF, by
//! child/parent/path, a transport error, and any instruction the guard does not know make the
//! state unknown again.
//!
//! There is no way to switch the guard off: [`super::JpkiCard::new`] always wraps its transport
//! in one. The guard assumes the card changes its selected application only through commands;
//! transports must report a card reset or removal as an error (PC/SC does:
//! `SCARD_W_RESET_CARD`), which puts the guard back into the unknown state.

use super::apdu::{ins, parse_short, ApduView};
use super::transport::Transport;
use crate::error::{Error, Result};

/// AID of the 公的個人認証AP (JPKI application) (docs/jpki-facts.md §1.3).
pub const JPKI_AID: [u8; 10] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01];
/// AID of the 券面事項入力補助AP (text-input support application): holds the My Number.
pub const TEXT_INPUT_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08];
/// AID of the 券面事項確認AP (card-surface application): holds the rendered My Number.
pub const CARD_SURFACE_AID: [u8; 10] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02];

/// Text-input AP files that hold or reveal the My Number: `0001` 個人番号, `0003` its hash,
/// `0014` 照合番号A.
pub const TEXT_INPUT_MY_NUMBER_FILES: [u16; 3] = [0x0001, 0x0003, 0x0014];
/// Card-surface AP files that hold or reveal the My Number: `0001`, `0005` rendered 個人番号,
/// `0013` 照合番号A.
pub const CARD_SURFACE_MY_NUMBER_FILES: [u16; 3] = [0x0001, 0x0005, 0x0013];

/// Which application the guard believes is selected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SelectedApplication {
    /// Not known (power-on, after a reset, after a command the guard cannot follow): the rules
    /// of both My Number applications apply.
    Unknown,
    /// The JPKI application (selected by its full AID).
    Jpki,
    /// The text-input support AP.
    TextInput,
    /// The card-surface AP.
    CardSurface,
    /// Some other application (or one of the above only possibly: see the flags).
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct State {
    app: SelectedApplication,
    /// The text-input AP's rules apply.
    text: bool,
    /// The card-surface AP's rules apply.
    surface: bool,
    /// The current EF, when the guard saw it selected by file identifier in this application.
    current_ef: Option<u16>,
}

impl State {
    const UNKNOWN: State = State {
        app: SelectedApplication::Unknown,
        text: true,
        surface: true,
        current_ef: None,
    };

    fn sensitive(&self) -> bool {
        self.text || self.surface
    }

    fn is_my_number_file(&self, fid: u16) -> bool {
        (self.text && TEXT_INPUT_MY_NUMBER_FILES.contains(&fid))
            || (self.surface && CARD_SURFACE_MY_NUMBER_FILES.contains(&fid))
    }
}

/// What a command does to the guard's state if the card accepts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Effect {
    None,
    SelectApplication(State),
    SelectEf(u16),
    /// The current DF may have changed to something the guard cannot name.
    LoseTrack,
    /// The current EF changed to one the guard cannot name.
    ForgetEf,
}

/// Wraps a [`Transport`] and refuses every APDU that could reach the My Number (see the module
/// documentation for the exact rules), with [`Error::MyNumberRefused`], before it is sent.
#[derive(Debug)]
pub struct MyNumberGuard<T> {
    inner: T,
    state: State,
    refused: usize,
}

impl<T: Transport> MyNumberGuard<T> {
    /// Guards `inner`. The guard starts in the unknown state: select an application by name
    /// first.
    pub fn new(inner: T) -> Self {
        MyNumberGuard {
            inner,
            state: State::UNKNOWN,
            refused: 0,
        }
    }

    /// Read access to the wrapped transport (sending through it needs `&mut`, which the guard
    /// never gives out).
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// Gives the wrapped transport back, ending the guarded session.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// How many APDUs the guard refused so far.
    pub fn refused(&self) -> usize {
        self.refused
    }

    /// The application the guard believes is selected.
    pub fn selected_application(&self) -> SelectedApplication {
        self.state.app
    }

    /// Forgets everything about the card's state (call after a card reset or re-insertion): the
    /// rules of both My Number applications apply until an application is selected by name.
    pub fn reset(&mut self) {
        self.state = State::UNKNOWN;
    }

    fn refuse(&mut self) -> Error {
        self.refused += 1;
        Error::MyNumberRefused
    }
}

impl<T: Transport> Transport for MyNumberGuard<T> {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>> {
        let effect = match classify(&self.state, command) {
            Some(effect) => effect,
            None => return Err(self.refuse()),
        };
        let answer = self.inner.transmit(command).await;
        match &answer {
            Err(_) => self.state = State::UNKNOWN,
            Ok(bytes) => {
                let accepted = match bytes.len().checked_sub(2).and_then(|i| bytes.get(i)) {
                    Some(sw1) => matches!(sw1, 0x90 | 0x61 | 0x62 | 0x63),
                    None => {
                        self.state = State::UNKNOWN;
                        return answer;
                    }
                };
                apply(&mut self.state, effect, accepted);
            }
        }
        answer
    }
}

fn apply(state: &mut State, effect: Effect, accepted: bool) {
    match effect {
        Effect::None => {}
        Effect::SelectApplication(new) if accepted => *state = new,
        Effect::SelectApplication(new) => {
            // The card may or may not have left the current application: both rule sets apply.
            state.text |= new.text;
            state.surface |= new.surface;
            if state.app != new.app && (new.text || new.surface) {
                state.app = SelectedApplication::Unknown;
            }
        }
        Effect::SelectEf(fid) => state.current_ef = accepted.then_some(fid),
        Effect::LoseTrack => *state = State::UNKNOWN,
        Effect::ForgetEf => state.current_ef = None,
    }
}

/// Decides a command: `None` = refuse; `Some(effect)` = send, and update the state by `effect`.
fn classify(state: &State, command: &[u8]) -> Option<Effect> {
    let c = parse_short(command)?;
    // CLA: 00 or 80 only — b4..b3 = secure messaging, b5 = chaining, b2..b1 = channel, and
    // 0x40..0x7F are further interindustry channels (ISO/IEC 7816-4:2020 §5.4.1).
    if c.cla != 0x00 && c.cla != 0x80 {
        return None;
    }
    // An allowlist, in every state: exactly what the JPKI client needs. Everything else —
    // ENVELOPE (C2/C3, which would wrap a refused APDU), MANAGE CHANNEL (70), odd-INS variants,
    // TERMINATE, proprietary instructions — is refused, so no wrapper or channel can carry a
    // command past the rules below.
    match c.ins {
        ins::SELECT => classify_select(state, &c),
        ins::READ_BINARY => classify_read_binary(state, &c),
        ins::VERIFY => classify_verify(state, &c),
        ins::GET_RESPONSE => Some(Effect::None),
        // COMPUTE DIGITAL SIGNATURE (JPKI proprietary, CLA 80), only outside the My Number APs.
        0x2A if c.cla == 0x80 && !state.sensitive() => Some(Effect::None),
        _ => None,
    }
}

fn classify_select(state: &State, c: &ApduView<'_>) -> Option<Effect> {
    match c.p1 {
        // By DF name (application identifier); the name may be truncated (prefix match).
        0x04 => {
            let name = c.data;
            let text = TEXT_INPUT_AID.starts_with(name);
            let surface = CARD_SURFACE_AID.starts_with(name);
            let first_occurrence = c.p2 & 0x03 == 0;
            let app = if name == JPKI_AID && first_occurrence {
                SelectedApplication::Jpki
            } else if name == TEXT_INPUT_AID && first_occurrence {
                SelectedApplication::TextInput
            } else if name == CARD_SURFACE_AID && first_occurrence {
                SelectedApplication::CardSurface
            } else {
                // Any other name — a prefix, a longer name, a name the card may match loosely —
                // gets both My Number rule sets: only the exact JPKI AID is harmless.
                SelectedApplication::Unknown
            };
            let unknown = app == SelectedApplication::Unknown;
            Some(Effect::SelectApplication(State {
                app,
                text: text || unknown,
                surface: surface || unknown,
                current_ef: None,
            }))
        }
        // P1 = 00: MF, DF or EF by file identifier; 02: EF under the current DF.
        0x00 | 0x02 => {
            if c.p1 == 0x00 && c.data.is_empty() {
                return Some(Effect::LoseTrack); // the MF
            }
            let fid = u16::from_be_bytes(<[u8; 2]>::try_from(c.data).ok()?);
            if state.is_my_number_file(fid) {
                return None;
            }
            if c.p2 & 0x03 != 0 && state.sensitive() {
                return None; // "next/previous occurrence" of an EF: the guard cannot tell which
            }
            if c.p1 == 0x00 {
                Some(Effect::LoseTrack) // may have been a DF
            } else {
                Some(Effect::SelectEf(fid))
            }
        }
        // Child DF (01) or parent DF (03): somewhere the guard cannot name.
        0x01 | 0x03 => Some(Effect::LoseTrack),
        // Path from the MF (08) or from the current DF (09): pairs of file identifiers.
        0x08 | 0x09 => {
            if c.data.is_empty() || !c.data.len().is_multiple_of(2) {
                return None;
            }
            let names_my_number_file = c.data.chunks_exact(2).any(|p| {
                let fid = u16::from_be_bytes([p[0], p[1]]);
                State::UNKNOWN.is_my_number_file(fid)
            });
            if names_my_number_file {
                None
            } else {
                Some(Effect::LoseTrack)
            }
        }
        _ if state.sensitive() => None,
        _ => Some(Effect::LoseTrack),
    }
}

fn classify_read_binary(state: &State, c: &ApduView<'_>) -> Option<Effect> {
    if c.p1 & 0x80 != 0 {
        // P1 = 1 0 0 SFI(5 bits), P2 = offset (ISO/IEC 7816-4:2020 §11.3.3).
        if c.p1 & 0x60 != 0 {
            return if state.sensitive() {
                None
            } else {
                Some(Effect::ForgetEf)
            };
        }
        let sfi = u16::from(c.p1 & 0x1F);
        if state.is_my_number_file(sfi) {
            return None;
        }
        // SFI 0 may mean "the current EF" (ISO/IEC 7816-4): the same rule as P1 = 00 below.
        if sfi == 0 && state.sensitive() && state.current_ef.is_none_or(|f| state.is_my_number_file(f)) {
            return None;
        }
        return Some(Effect::ForgetEf);
    }
    // The current EF: only if the guard saw a harmless one selected in this application.
    if state.sensitive() && state.current_ef.is_none_or(|f| state.is_my_number_file(f)) {
        return None;
    }
    Some(Effect::None)
}

fn classify_verify(state: &State, c: &ApduView<'_>) -> Option<Effect> {
    if is_my_number_shaped(c.data) {
        return None;
    }
    if !state.sensitive() {
        return Some(Effect::None);
    }
    if c.ins != ins::VERIFY || c.p1 != 0x00 {
        return None;
    }
    // P2 = 1 0 0 n(5): specific reference data n; n = 0 means "the current EF" on JPKI cards.
    match c.p2 {
        0x80 => state
            .current_ef
            .is_some_and(|f| !state.is_my_number_file(f))
            .then_some(Effect::None),
        p2 if p2 & 0x80 != 0 && p2 & 0x60 == 0 => {
            (!state.is_my_number_file(u16::from(p2 & 0x1F))).then_some(Effect::None)
        }
        _ => None,
    }
}

/// Exactly 12 ASCII digits: the shape of a My Number (個人番号, 12 digits including the check
/// digit) presented as 照合番号A.
pub(crate) fn is_my_number_shaped(data: &[u8]) -> bool {
    data.len() == 12 && data.iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::transport::block_on;

    struct Echo(usize);
    impl Transport for Echo {
        async fn transmit(&mut self, _: &[u8]) -> Result<Vec<u8>> {
            self.0 += 1;
            Ok(vec![0x90, 0x00])
        }
    }

    fn select_aid(aid: &[u8]) -> Vec<u8> {
        let mut v = vec![0x00, 0xA4, 0x04, 0x0C, u8::try_from(aid.len()).unwrap()];
        v.extend_from_slice(aid);
        v
    }

    fn send(g: &mut MyNumberGuard<Echo>, apdu: &[u8]) -> Result<Vec<u8>> {
        block_on(g.transmit(apdu))
    }

    #[test]
    fn jpki_ap_files_pass_and_text_ap_my_number_is_refused() {
        let mut g = MyNumberGuard::new(Echo(0));
        // Unknown at power-on: EF 0001 is refused until an application is named.
        assert_eq!(send(&mut g, &[0, 0xA4, 2, 0x0C, 2, 0, 1]), Err(Error::MyNumberRefused));
        send(&mut g, &select_aid(&JPKI_AID)).unwrap();
        assert_eq!(g.selected_application(), SelectedApplication::Jpki);
        send(&mut g, &[0, 0xA4, 2, 0x0C, 2, 0, 1]).unwrap();
        send(&mut g, &[0, 0xB0, 0x81, 0, 4]).unwrap();
        send(&mut g, &select_aid(&TEXT_INPUT_AID)).unwrap();
        for apdu in [
            &[0, 0xA4, 2, 0x0C, 2, 0, 1][..],
            &[0, 0xA4, 0, 0x0C, 2, 0, 1],
            &[0, 0xA4, 2, 0x0C, 2, 0, 0x14],
            &[0, 0xA4, 2, 0x0C, 2, 0, 3],
            &[0, 0xB0, 0x81, 0, 0],
            &[0, 0xB0, 0, 0, 0],
            &[0, 0x20, 0, 0x94],
            &[0, 0x20, 0, 0x80],
            &[0, 0xB2, 1, 0x0C, 0],
            &[0x0C, 0xA4, 2, 0x0C, 2, 0, 2],
            &[0, 0x70, 0, 0, 1],
        ] {
            assert_eq!(send(&mut g, apdu), Err(Error::MyNumberRefused), "{apdu:02X?}");
        }
        // Its PIN EF is harmless, and so is VERIFY on it.
        send(&mut g, &[0, 0xA4, 2, 0x0C, 2, 0, 0x11]).unwrap();
        send(&mut g, &[0, 0x20, 0, 0x80]).unwrap();
        assert_eq!(g.inner().0, 6);
    }

    #[test]
    fn twelve_digits_are_refused_everywhere() {
        let mut g = MyNumberGuard::new(Echo(0));
        send(&mut g, &select_aid(&JPKI_AID)).unwrap();
        let mut v = vec![0, 0x20, 0, 0x80, 12];
        v.extend_from_slice(b"123456789012");
        assert_eq!(send(&mut g, &v), Err(Error::MyNumberRefused));
        let mut v = vec![0, 0x20, 0, 0x80, 6];
        v.extend_from_slice(b"ABC123");
        send(&mut g, &v).unwrap();
    }

    #[test]
    fn partial_names_and_paths() {
        let mut g = MyNumberGuard::new(Echo(0));
        send(&mut g, &select_aid(&JPKI_AID)).unwrap();
        send(&mut g, &select_aid(&TEXT_INPUT_AID[..5])).unwrap();
        assert_eq!(g.selected_application(), SelectedApplication::Unknown);
        assert_eq!(send(&mut g, &[0, 0xA4, 2, 0x0C, 2, 0, 5]), Err(Error::MyNumberRefused));
        send(&mut g, &select_aid(&JPKI_AID)).unwrap();
        assert_eq!(
            send(&mut g, &[0, 0xA4, 8, 0x0C, 4, 0x3F, 0, 0, 1]),
            Err(Error::MyNumberRefused)
        );
        // A harmless path loses track: EF 0001 is refused until the JPKI AP is named again.
        send(&mut g, &[0, 0xA4, 9, 0x0C, 2, 0, 6]).unwrap();
        assert_eq!(send(&mut g, &[0, 0xA4, 2, 0x0C, 2, 0, 1]), Err(Error::MyNumberRefused));
    }
}
