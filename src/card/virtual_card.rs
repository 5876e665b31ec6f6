//! A software JPKI card (feature `virtual-card`) holding the **test PKI** keys of
//! `embedded/testpki` (generated with the full test PKI of `tests/fixtures/testpki`) — test
//! keys only, published with the repository; a signature from this card verifies only with
//! `trust: test`.
//!
//! It answers the same APDUs as a My Number Card's JPKI application (docs/jpki-facts.md §1.4–§1.7):
//!
//! | DF | EF | content | access |
//! |---|---|---|---|
//! | JPKI AP `D3 92 F0 00 26 01 00 00 00 01` | `0006` | token info, 160 B (label, then invented fields) | free |
//! | | `0008` | 3 bytes (content invented: the real meaning is unconfirmed) | free |
//! | | `0001` / `0002` | persona's signature certificate / the test signature CA | `6982` before the signature password / free |
//! | | `000A` / `000B` | persona's authentication certificate / the test auth CA | free (Android token: `6982` before the auth PIN) / free |
//! | | `0017` / `001A` | authentication / signature private key | COMPUTE DIGITAL SIGNATURE after the PIN, else `6982` |
//! | | `0018` / `001B` | authentication PIN (4 digits, 3 tries) / signature password (6–16, 5 tries) | VERIFY |
//! | text-input AP `D3 92 10 00 31 00 01 01 04 08` | `0001` | a **fake** My Number [`FAKE_MY_NUMBER`] (`FF 10 0C <12 digits>` + 2 filler bytes) | after PIN `0011` or 照合番号A `0014` |
//! | | `0003` | SHA-256 of EF `0001` (layout invented) | same |
//! | | `0005` | AP basic info (invented) | free |
//! | | `0011` / `0014` | PIN (= the auth PIN, 3 tries) / 照合番号A (= the fake My Number, 3 tries) | VERIFY |
//! | card-surface AP `D3 92 10 00 31 00 01 01 04 02` | `0005` | the fake My Number "image" (the 12 ASCII digits, layout invented) | after 照合番号A `0013` |
//! | | `0003` | AP basic info (invented) | free |
//! | | `0013` | 照合番号A (= the fake My Number, 3 tries) | VERIFY |
//!
//! The My Number applications exist so that tests can prove the [`super::MyNumberGuard`] stops
//! every route to them: [`VirtualCard::my_number_reads`] counts every command that reached one
//! of their My Number files or keys, and stays 0 behind the guard.
//!
//! Behaviour (ISO/IEC 7816-4:2020 status words; what docs/jpki-facts.md leaves open is marked
//! *invented*): unknown file `6A82`; unsupported SELECT form or bad P1-P2 `6A86`; unknown INS
//! `6D00`; CLA other than `00`/`80` `6E00` (secure-messaging CLA `6882`); malformed or
//! extended-length APDU, or a VERIFY of the wrong length (*invented*; not counted) `6700`;
//! READ BINARY past the end `6B00`, short read `6282`; READ of a key or PIN EF `6981`; no current
//! EF `6986`. PIN counters: `63Cx` after a wrong PIN, `63C0` from the attempt that exhausts
//! the counter and from the no-data query on a blocked PIN, `6984` for any later VERIFY with
//! data. A correct PIN resets its counter. Security status is cleared by any SELECT by DF name
//! (even of the same AP), SELECT of the MF, [`VirtualCard::reset`] and
//! [`VirtualCard::power_off`]. SELECT by DF name matches whole AIDs only, unless
//! [`VirtualCard::with_partial_aid_names`] (then the first bytes of an AID select it too);
//! SELECT by path is not supported (`6A86`). SFI *n* in READ BINARY addresses EF `000n`
//! (*invented*). Signatures are RSASSA-PKCS1-v1_5 type-1 padding of the given DigestInfo
//! (deterministic); a COMPUTE DIGITAL SIGNATURE with `Le` shorter than the signature answers
//! `6C00`.
//!
//! [`VirtualCard`] is a handle: clones share one card (like holding the card that sits in the
//! reader), so a test can keep one to power it off or read its log while the client owns
//! another.

use core::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Sign, PrivateKey as RsaPrivateKey};
use sha2::{Digest, Sha256};

use super::apdu::{carries_secret, ins, parse_short, StatusWord};
use super::guard::{CARD_SURFACE_AID, JPKI_AID, TEXT_INPUT_AID};
use super::transport::Transport;
use crate::error::{Error, Result};

/// The ATR OpenSC lists for JPKI cards (`OpenSC:src/libopensc/card-jpki.c`, `jpki_atrs`):
/// `3B E0 00 FF 81 31 FE 45 14`. Do not identify real cards by ATR (docs/jpki-facts.md §1.1).
pub const JPKI_ATR: [u8; 9] = [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14];

/// The fake My Number the virtual card's text-input and card-surface APs hold. Its check digit
/// is deliberately **wrong** (a valid one would be `8`), so it is nobody's My Number.
pub const FAKE_MY_NUMBER: &str = "987654321019";

macro_rules! testpki {
    ($($part:literal),+) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/embedded/testpki/", $($part),+))
    };
}

struct PersonaFiles {
    id: &'static str,
    sign_cert: &'static [u8],
    sign_key: &'static [u8],
    auth_cert: &'static [u8],
    auth_key: &'static [u8],
}

macro_rules! persona {
    ($id:literal) => {
        PersonaFiles {
            id: $id,
            sign_cert: testpki!($id, "-sign.der"),
            sign_key: testpki!($id, "-sign.key.der"),
            auth_cert: testpki!($id, "-auth.der"),
            auth_key: testpki!($id, "-auth.key.der"),
        }
    };
}

/// The personas built in (`jpki_verify_testpki::VIRTUAL_CARD_PERSONAS`, described in
/// `tests/fixtures/testpki/README.md`): two valid ones, `expired`, whose certificates expired
/// on 2024-03-31, `moved`, whose signature certificate the test CA's CRL revokes
/// (affiliationChanged: the holder moved), `movednew`, the same person's new card after the
/// move, and the smartphone personas `android` and `iphone` (present them with
/// [`VirtualToken::Android`] / [`VirtualToken::Iphone`]).
static PERSONAS: [PersonaFiles; 7] = [
    persona!("taro"),
    persona!("hanako"),
    persona!("expired"),
    persona!("moved"),
    persona!("movednew"),
    persona!("android"),
    persona!("iphone"),
];
static SIGN_CA: &[u8] = testpki!("sign-ca.der");
static AUTH_CA: &[u8] = testpki!("auth-ca.der");

/// The persona ids a [`VirtualCard`] can be made for.
pub fn personas() -> Vec<&'static str> {
    PERSONAS.iter().map(|p| p.id).collect()
}

/// Which token the virtual card pretends to be (its EF `0006` label).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum VirtualToken {
    /// `JPKIAPICCTOKEN2`, a My Number Card.
    #[default]
    Card,
    /// `JPKIAPGPSETOKEN`, an Android smartphone: the authentication certificate needs the
    /// authentication PIN.
    Android,
    /// `JPKIAPIOSTOKEN`, an iPhone (one source, soltia48/myna-card): the authentication
    /// certificate is free, as on a card (unconfirmed; jpki-facts §5.1).
    Iphone,
}

impl VirtualToken {
    /// The token a persona's certificates were issued for: `android` and `iphone` are
    /// smartphones, every other persona is a card.
    pub fn of_persona(persona: &str) -> VirtualToken {
        match persona {
            "android" => VirtualToken::Android,
            "iphone" => VirtualToken::Iphone,
            _ => VirtualToken::Card,
        }
    }
}

/// How to make a [`VirtualCard`]. `S` is any string type (`&str` or `String`), e.g.
/// `VirtualCardConfig { persona: "taro", token: VirtualToken::Card, auth_pin: "1234",
/// sign_password: "ABC123" }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VirtualCardConfig<S: AsRef<str> = &'static str> {
    /// Test PKI persona id ([`personas`]): `taro`, `hanako`, `expired`, `moved`, `movednew`,
    /// `android`, `iphone`.
    pub persona: S,
    /// Card, Android or iPhone token ([`VirtualToken::of_persona`] gives the persona's own).
    pub token: VirtualToken,
    /// The authentication PIN (4 digits); also the text-input AP's PIN.
    pub auth_pin: S,
    /// The signature password as stored (6–16 of `A–Z 0–9`).
    pub sign_password: S,
}

impl Default for VirtualCardConfig<&'static str> {
    /// `taro`, a card, PIN `1234`, password `ABC123`.
    fn default() -> Self {
        VirtualCardConfig {
            persona: "taro",
            token: VirtualToken::Card,
            auth_pin: "1234",
            sign_password: "ABC123",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Df {
    Mf,
    Jpki,
    TextInput,
    CardSurface,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PinId {
    Auth,
    Sign,
    TextPin,
    TextA,
    SurfaceA,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyId {
    Auth,
    Sign,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    Free,
    Pin(PinId),
    /// Either PIN.
    EitherPin(PinId, PinId),
}

#[derive(Clone, Copy, Debug)]
enum File<'a> {
    Data(&'a [u8], Access),
    Pin(PinId),
    Key(KeyId),
}

struct Counter {
    secret: Vec<u8>,
    tries: u8,
    max: u8,
    verified: bool,
    lengths: core::ops::RangeInclusive<usize>,
}

impl Counter {
    fn new(secret: &[u8], max: u8, lengths: core::ops::RangeInclusive<usize>) -> Self {
        Counter {
            secret: secret.to_vec(),
            tries: max,
            max,
            verified: false,
            lengths,
        }
    }
}

struct Card {
    persona: &'static str,
    token: VirtualToken,
    powered: bool,
    df: Df,
    ef: Option<u16>,
    auth: Counter,
    sign: Counter,
    text_pin: Counter,
    text_a: Counter,
    surface_a: Counter,
    token_info: Vec<u8>,
    ef_0008: [u8; 3],
    sign_cert: &'static [u8],
    auth_cert: &'static [u8],
    sign_key: RsaPrivateKey,
    auth_key: RsaPrivateKey,
    text_my_number: Vec<u8>,
    text_digest: Vec<u8>,
    text_basic: Vec<u8>,
    surface_my_number: Vec<u8>,
    surface_basic: Vec<u8>,
    my_number_reads: usize,
    log: Option<Vec<Vec<u8>>>,
    /// SELECT by DF name also takes the first bytes of an AID (ISO/IEC 7816-4 partial DF name).
    partial_aid_names: bool,
}

/// A software JPKI card with the test PKI's keys (see the module documentation). Cloning gives
/// another handle to the **same** card.
#[derive(Clone)]
pub struct VirtualCard {
    card: Arc<Mutex<Card>>,
}

impl fmt::Debug for VirtualCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.lock();
        f.debug_struct("VirtualCard")
            .field("persona", &c.persona)
            .field("token", &c.token)
            .field("powered", &c.powered)
            .finish_non_exhaustive()
    }
}

fn sw(status: StatusWord) -> Vec<u8> {
    status.0.to_be_bytes().to_vec()
}

impl VirtualCard {
    /// Makes a powered-on card for a test PKI persona, without an APDU log (see
    /// [`VirtualCard::with_apdu_log`]). An unknown persona or a PIN that the real card would not
    /// accept is [`Error::InvalidOptions`].
    pub fn new<S: AsRef<str>>(config: VirtualCardConfig<S>) -> Result<VirtualCard> {
        let bad = |reason: String| Error::InvalidOptions { reason };
        let persona = config.persona.as_ref();
        let files = PERSONAS
            .iter()
            .find(|p| p.id == persona)
            .ok_or_else(|| bad(format!("no test PKI persona {persona:?} in the virtual card")))?;
        let pin = config.auth_pin.as_ref().as_bytes();
        if pin.len() != 4 || !pin.iter().all(u8::is_ascii_digit) {
            return Err(bad("the virtual card's auth PIN must be 4 digits".to_owned()));
        }
        let password = config.sign_password.as_ref().as_bytes();
        if !(6..=16).contains(&password.len()) || !password.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(bad(
                "the virtual card's signature password must be 6-16 of A-Z 0-9".to_owned()
            ));
        }
        let key = |der: &[u8], what: &str| {
            RsaPrivateKey::from_pkcs8_der(der).map_err(|_| Error::malformed(format!("test PKI key {what}"), None))
        };
        let label: &[u8] = match config.token {
            VirtualToken::Card => b"JPKIAPICCTOKEN2",
            VirtualToken::Android => b"JPKIAPGPSETOKEN",
            VirtualToken::Iphone => b"JPKIAPIOSTOKEN",
        };
        let mut token_info = Vec::with_capacity(160);
        for (field, width) in [
            (label, 32),
            (&b"JPKI-VERIFY VIRTUAL CARD (TEST)"[..], 32),
            (b"VIRTUAL", 16),
            (files.id.as_bytes(), 16),
        ] {
            token_info.extend(field.iter().take(width));
            token_info.resize(token_info.len() + width.saturating_sub(field.len()), b' ');
        }
        token_info.resize(160, 0);
        let digits = FAKE_MY_NUMBER.as_bytes();
        let mut text_my_number = vec![0xFF, 0x10, 0x0C];
        text_my_number.extend_from_slice(digits);
        text_my_number.extend_from_slice(&[0x00, 0x00]);
        let mut text_digest = vec![0xFF, 0x30, 0x22, 0xDF, 0x31, 0x20];
        text_digest.extend_from_slice(&Sha256::digest(&text_my_number));
        let mut surface_my_number = vec![0xFF, 0x40, 0x0F, 0xDF, 0x41, 0x0C];
        surface_my_number.extend_from_slice(digits);
        let card = Card {
            persona: files.id,
            token: config.token,
            powered: true,
            df: Df::Mf,
            ef: None,
            auth: Counter::new(pin, 3, 4..=4),
            sign: Counter::new(password, 5, 6..=16),
            text_pin: Counter::new(pin, 3, 4..=4),
            text_a: Counter::new(digits, 3, 12..=12),
            surface_a: Counter::new(digits, 3, 12..=12),
            token_info,
            ef_0008: [0x01, 0x01, 0x00],
            sign_cert: files.sign_cert,
            auth_cert: files.auth_cert,
            sign_key: key(files.sign_key, "sign")?,
            auth_key: key(files.auth_key, "auth")?,
            text_my_number,
            text_digest,
            text_basic: vec![0xFF, 0x50, 0x06, 0xDF, 0x51, 0x03, 0x00, 0x00, 0x01],
            surface_my_number,
            surface_basic: vec![0xFF, 0x30, 0x06, 0xDF, 0x31, 0x03, 0x00, 0x00, 0x02],
            my_number_reads: 0,
            log: None,
            partial_aid_names: false,
        };
        Ok(VirtualCard {
            card: Arc::new(Mutex::new(card)),
        })
    }

    /// Makes SELECT by DF name take a partial name too — the first bytes of an AID select the
    /// first application whose AID starts with them (JPKI, then text input, then card
    /// surface), as real cards may (ISO/IEC 7816-4 §11.2.2); returns the same card. For the My
    /// Number guard's prefix defence end to end (review-security A4).
    pub fn with_partial_aid_names(self) -> VirtualCard {
        self.lock().partial_aid_names = true;
        self
    }

    /// Starts recording every command APDU for [`VirtualCard::apdu_log`] (VERIFY data
    /// redacted); returns the same card.
    pub fn with_apdu_log(self) -> VirtualCard {
        {
            let mut c = self.lock();
            if c.log.is_none() {
                c.log = Some(Vec::new());
            }
        }
        self
    }

    fn lock(&self) -> MutexGuard<'_, Card> {
        self.card.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The answer to reset: OpenSC's JPKI ATR [`JPKI_ATR`].
    pub fn atr(&self) -> &'static [u8] {
        &JPKI_ATR
    }

    /// Powers the card on (a cold reset: no application selected, no PIN verified).
    pub fn power_on(&self) {
        let mut c = self.lock();
        c.powered = true;
        c.volatile_reset();
    }

    /// Powers the card off: it answers nothing until [`VirtualCard::power_on`]; security status
    /// is lost, PIN counters are kept.
    pub fn power_off(&self) {
        let mut c = self.lock();
        c.powered = false;
        c.volatile_reset();
    }

    /// Warm reset: no application selected, no PIN verified; counters kept.
    pub fn reset(&self) {
        self.lock().volatile_reset();
    }

    /// Whether the card is powered.
    pub fn is_powered(&self) -> bool {
        self.lock().powered
    }

    /// Processes one command APDU and returns the response APDU (`data ‖ SW1 SW2`). Never
    /// panics; an unpowered card answers nothing (an empty vector).
    pub fn process(&self, apdu: &[u8]) -> Vec<u8> {
        self.lock().process(apdu)
    }

    /// How many commands reached a My Number file or key of the text-input or card-surface AP
    /// (SELECT, READ BINARY by SFI, VERIFY of 照合番号A) — 0 for a client behind the guard.
    pub fn my_number_reads(&self) -> usize {
        self.lock().my_number_reads
    }

    /// The command APDUs received so far (after [`VirtualCard::with_apdu_log`]), VERIFY / CHANGE
    /// REFERENCE DATA / RESET RETRY COUNTER data replaced by `*` bytes.
    pub fn apdu_log(&self) -> Vec<Vec<u8>> {
        self.lock().log.clone().unwrap_or_default()
    }

    /// Empties the APDU log.
    pub fn clear_apdu_log(&self) {
        if let Some(log) = &mut self.lock().log {
            log.clear();
        }
    }

    /// Tries left on the authentication PIN and the signature password (test inspection).
    pub fn pin_counters(&self) -> (u8, u8) {
        let c = self.lock();
        (c.auth.tries, c.sign.tries)
    }
}

impl Transport for VirtualCard {
    /// Answers immediately; an unpowered card is [`Error::CardIo`].
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>> {
        let answer = self.process(command);
        if answer.is_empty() {
            Err(Error::CardIo {
                reason: "no answer: the (virtual) card is not powered".to_owned(),
            })
        } else {
            Ok(answer)
        }
    }
}

fn redact(apdu: &[u8]) -> Vec<u8> {
    match apdu.get(1) {
        Some(i) if carries_secret(*i) && apdu.len() > 5 => {
            let mut out = apdu.to_vec();
            let end = match parse_short(apdu) {
                Some(v) if v.le.is_some() => out.len() - 1,
                _ => out.len(),
            };
            if let Some(data) = out.get_mut(5..end) {
                data.fill(b'*');
            }
            out
        }
        _ => apdu.to_vec(),
    }
}

impl Card {
    fn volatile_reset(&mut self) {
        self.df = Df::Mf;
        self.ef = None;
        self.clear_security_status();
    }

    fn clear_security_status(&mut self) {
        for c in [
            &mut self.auth,
            &mut self.sign,
            &mut self.text_pin,
            &mut self.text_a,
            &mut self.surface_a,
        ] {
            c.verified = false;
        }
    }

    fn counter(&mut self, id: PinId) -> &mut Counter {
        match id {
            PinId::Auth => &mut self.auth,
            PinId::Sign => &mut self.sign,
            PinId::TextPin => &mut self.text_pin,
            PinId::TextA => &mut self.text_a,
            PinId::SurfaceA => &mut self.surface_a,
        }
    }

    fn verified(&self, id: PinId) -> bool {
        match id {
            PinId::Auth => self.auth.verified,
            PinId::Sign => self.sign.verified,
            PinId::TextPin => self.text_pin.verified,
            PinId::TextA => self.text_a.verified,
            PinId::SurfaceA => self.surface_a.verified,
        }
    }

    fn file(&self, fid: u16) -> Option<File<'_>> {
        Some(match (self.df, fid) {
            (Df::Jpki, 0x0006) => File::Data(&self.token_info, Access::Free),
            (Df::Jpki, 0x0008) => File::Data(&self.ef_0008, Access::Free),
            (Df::Jpki, 0x0001) => File::Data(self.sign_cert, Access::Pin(PinId::Sign)),
            (Df::Jpki, 0x0002) => File::Data(SIGN_CA, Access::Free),
            (Df::Jpki, 0x000A) => File::Data(
                self.auth_cert,
                match self.token {
                    VirtualToken::Card | VirtualToken::Iphone => Access::Free,
                    VirtualToken::Android => Access::Pin(PinId::Auth),
                },
            ),
            (Df::Jpki, 0x000B) => File::Data(AUTH_CA, Access::Free),
            (Df::Jpki, 0x0017) => File::Key(KeyId::Auth),
            (Df::Jpki, 0x001A) => File::Key(KeyId::Sign),
            (Df::Jpki, 0x0018) => File::Pin(PinId::Auth),
            (Df::Jpki, 0x001B) => File::Pin(PinId::Sign),
            (Df::TextInput, 0x0001) => {
                File::Data(&self.text_my_number, Access::EitherPin(PinId::TextPin, PinId::TextA))
            }
            (Df::TextInput, 0x0003) => File::Data(&self.text_digest, Access::EitherPin(PinId::TextPin, PinId::TextA)),
            (Df::TextInput, 0x0005) => File::Data(&self.text_basic, Access::Free),
            (Df::TextInput, 0x0011) => File::Pin(PinId::TextPin),
            (Df::TextInput, 0x0014) => File::Pin(PinId::TextA),
            (Df::CardSurface, 0x0005) => File::Data(&self.surface_my_number, Access::Pin(PinId::SurfaceA)),
            (Df::CardSurface, 0x0003) => File::Data(&self.surface_basic, Access::Free),
            (Df::CardSurface, 0x0013) => File::Pin(PinId::SurfaceA),
            _ => return None,
        })
    }

    /// Counts a command that reaches a My Number file or key.
    fn note_my_number(&mut self, fid: u16) {
        let hit = match self.df {
            Df::TextInput => matches!(fid, 0x0001 | 0x0003 | 0x0014),
            Df::CardSurface => matches!(fid, 0x0001 | 0x0005 | 0x0013),
            Df::Mf | Df::Jpki => false,
        };
        if hit {
            self.my_number_reads += 1;
        }
    }

    fn process(&mut self, apdu: &[u8]) -> Vec<u8> {
        if !self.powered {
            return Vec::new();
        }
        if let Some(log) = &mut self.log {
            log.push(redact(apdu));
        }
        let Some(c) = parse_short(apdu) else {
            return sw(StatusWord::WRONG_LENGTH);
        };
        match (c.cla, c.ins) {
            (0x00, ins::SELECT) => self.select(c.p1, c.p2, c.data),
            (0x00, ins::READ_BINARY) => self.read_binary(c.p1, c.p2, c.data, c.le),
            (0x00, ins::VERIFY) => self.verify(c.p1, c.p2, c.data),
            (0x80, ins::COMPUTE_DIGITAL_SIGNATURE) => self.sign(c.p1, c.p2, c.data, c.le),
            (0x00, ins::GET_RESPONSE) => sw(StatusWord::CONDITIONS_NOT_SATISFIED),
            (0x00 | 0x80, ins::SELECT | ins::READ_BINARY | ins::VERIFY | ins::COMPUTE_DIGITAL_SIGNATURE) => {
                sw(StatusWord::CLA_NOT_SUPPORTED)
            }
            (0x00 | 0x80, _) => sw(StatusWord::INS_NOT_SUPPORTED),
            (cla, _) if cla & 0x0C != 0 && cla < 0x40 => sw(StatusWord::SM_NOT_SUPPORTED),
            _ => sw(StatusWord::CLA_NOT_SUPPORTED),
        }
    }

    fn enter(&mut self, df: Df) -> Vec<u8> {
        self.df = df;
        self.ef = None;
        self.clear_security_status();
        sw(StatusWord::SUCCESS)
    }

    fn select(&mut self, p1: u8, p2: u8, data: &[u8]) -> Vec<u8> {
        if p2 != 0x0C && p2 != 0x00 {
            return sw(StatusWord::INCORRECT_P1P2);
        }
        match p1 {
            0x04 => match data {
                d if d == JPKI_AID => self.enter(Df::Jpki),
                d if d == TEXT_INPUT_AID => self.enter(Df::TextInput),
                d if d == CARD_SURFACE_AID => self.enter(Df::CardSurface),
                d if self.partial_aid_names && !d.is_empty() => {
                    if JPKI_AID.starts_with(d) {
                        self.enter(Df::Jpki)
                    } else if TEXT_INPUT_AID.starts_with(d) {
                        self.enter(Df::TextInput)
                    } else if CARD_SURFACE_AID.starts_with(d) {
                        self.enter(Df::CardSurface)
                    } else {
                        sw(StatusWord::FILE_NOT_FOUND)
                    }
                }
                _ => sw(StatusWord::FILE_NOT_FOUND),
            },
            0x00 | 0x02 => {
                let Ok(fid) = <[u8; 2]>::try_from(data).map(u16::from_be_bytes) else {
                    return sw(StatusWord::WRONG_LENGTH);
                };
                if p1 == 0x00 && fid == 0x3F00 {
                    return self.enter(Df::Mf);
                }
                self.note_my_number(fid);
                if self.file(fid).is_some() {
                    self.ef = Some(fid);
                    sw(StatusWord::SUCCESS)
                } else {
                    sw(StatusWord::FILE_NOT_FOUND)
                }
            }
            _ => sw(StatusWord::INCORRECT_P1P2),
        }
    }

    fn read_binary(&mut self, p1: u8, p2: u8, data: &[u8], le: Option<u16>) -> Vec<u8> {
        let Some(le) = le.filter(|_| data.is_empty()) else {
            return sw(StatusWord::WRONG_LENGTH);
        };
        let (fid, offset) = if p1 & 0x80 != 0 {
            if p1 & 0x60 != 0 {
                return sw(StatusWord::INCORRECT_P1P2);
            }
            let fid = u16::from(p1 & 0x1F);
            self.note_my_number(fid);
            if self.file(fid).is_none() {
                return sw(StatusWord::FILE_NOT_FOUND);
            }
            self.ef = Some(fid);
            (fid, usize::from(p2))
        } else {
            let Some(fid) = self.ef else {
                return sw(StatusWord::NO_CURRENT_EF);
            };
            (fid, usize::from(u16::from_be_bytes([p1, p2])))
        };
        let (content, access) = match self.file(fid) {
            Some(File::Data(content, access)) => (content, access),
            Some(File::Pin(_) | File::Key(_)) => return sw(StatusWord::INCOMPATIBLE_FILE),
            None => return sw(StatusWord::NO_CURRENT_EF),
        };
        let allowed = match access {
            Access::Free => true,
            Access::Pin(p) => self.verified(p),
            Access::EitherPin(a, b) => self.verified(a) || self.verified(b),
        };
        if !allowed {
            return sw(StatusWord::SECURITY_STATUS_NOT_SATISFIED);
        }
        let Some(rest) = content.get(offset..).filter(|r| !r.is_empty()) else {
            return sw(StatusWord::WRONG_P1P2);
        };
        let n = rest.len().min(usize::from(le));
        let mut out = rest[..n].to_vec();
        let status = if n < usize::from(le) {
            StatusWord::END_OF_FILE
        } else {
            StatusWord::SUCCESS
        };
        out.extend_from_slice(&sw(status));
        out
    }

    fn verify(&mut self, p1: u8, p2: u8, data: &[u8]) -> Vec<u8> {
        if p1 != 0x00 {
            return sw(StatusWord::INCORRECT_P1P2);
        }
        let fid = match p2 {
            0x80 => match self.ef {
                Some(f) => f,
                None => return sw(StatusWord::NO_CURRENT_EF),
            },
            p2 if p2 & 0x80 != 0 && p2 & 0x60 == 0 => u16::from(p2 & 0x1F),
            _ => return sw(StatusWord::INCORRECT_P1P2),
        };
        self.note_my_number(fid);
        let id = match self.file(fid) {
            Some(File::Pin(id)) => id,
            Some(_) => return sw(StatusWord::INCOMPATIBLE_FILE),
            None => return sw(StatusWord::REFERENCE_NOT_FOUND),
        };
        let counter = self.counter(id);
        if data.is_empty() {
            return if counter.tries == 0 {
                sw(StatusWord::PIN_BLOCKED_NOW)
            } else if counter.verified {
                sw(StatusWord::SUCCESS)
            } else {
                vec![0x63, 0xC0 | counter.tries]
            };
        }
        if counter.tries == 0 {
            return sw(StatusWord::REFERENCE_DATA_NOT_USABLE);
        }
        if !counter.lengths.contains(&data.len()) {
            return sw(StatusWord::WRONG_LENGTH);
        }
        let equal = data.len() == counter.secret.len()
            && data.iter().zip(&counter.secret).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        if equal {
            counter.tries = counter.max;
            counter.verified = true;
            sw(StatusWord::SUCCESS)
        } else {
            counter.tries = counter.tries.saturating_sub(1);
            counter.verified = false;
            vec![0x63, 0xC0 | counter.tries]
        }
    }

    fn sign(&mut self, p1: u8, p2: u8, data: &[u8], le: Option<u16>) -> Vec<u8> {
        if p1 != 0x00 || p2 != 0x80 {
            return sw(StatusWord::INCORRECT_P1P2);
        }
        let Some(le) = le.filter(|_| !data.is_empty()) else {
            return sw(StatusWord::WRONG_LENGTH);
        };
        let Some(fid) = self.ef else {
            return sw(StatusWord::NO_CURRENT_EF);
        };
        let (key, pin) = match self.file(fid) {
            Some(File::Key(KeyId::Auth)) => (&self.auth_key, PinId::Auth),
            Some(File::Key(KeyId::Sign)) => (&self.sign_key, PinId::Sign),
            Some(_) => return sw(StatusWord::INCOMPATIBLE_FILE),
            None => return sw(StatusWord::NO_CURRENT_EF),
        };
        if !self.verified(pin) {
            return sw(StatusWord::SECURITY_STATUS_NOT_SATISFIED);
        }
        // PKCS#1 v1.5 type 1 (RFC 8017 §9.2 step 5): 00 01 FF…FF 00 ‖ data, |data| ≤ k − 11.
        let Ok(mut signature) = key.sign(Pkcs1v15Sign::new_unprefixed(), data) else {
            return sw(StatusWord::INCORRECT_DATA);
        };
        if usize::from(le) < signature.len() {
            let xx = u8::try_from(signature.len()).unwrap_or(0);
            return vec![0x6C, xx];
        }
        signature.extend_from_slice(&sw(StatusWord::SUCCESS));
        signature
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> VirtualCard {
        VirtualCard::new(VirtualCardConfig::default()).unwrap().with_apdu_log()
    }

    #[test]
    fn never_panics_on_short_or_odd_input() {
        let c = card();
        for len in 0..12 {
            for fill in [0x00, 0x80, 0xA4, 0xFF] {
                let r = c.process(&vec![fill; len]);
                assert!(r.len() >= 2);
            }
        }
        assert_eq!(c.process(&[0, 0xB0, 0, 0, 0]), [0x69, 0x86]);
        assert_eq!(c.process(&[0, 0x12, 0, 0]), [0x6D, 0x00]);
        assert_eq!(c.process(&[0x0C, 0xA4, 0, 0]), [0x68, 0x82]);
    }

    #[test]
    fn counters_and_blocking() {
        let c = card();
        let mut sel = vec![0, 0xA4, 4, 0x0C, 10];
        sel.extend_from_slice(&JPKI_AID);
        assert_eq!(c.process(&sel), [0x90, 0]);
        assert_eq!(c.process(&[0, 0xA4, 2, 0x0C, 2, 0, 0x18]), [0x90, 0]);
        assert_eq!(c.process(&[0, 0x20, 0, 0x80]), [0x63, 0xC3]);
        for left in [2u8, 1, 0] {
            assert_eq!(
                c.process(&[0, 0x20, 0, 0x80, 4, b'0', b'0', b'0', b'0']),
                [0x63, 0xC0 | left]
            );
        }
        assert_eq!(c.process(&[0, 0x20, 0, 0x80, 4, b'1', b'2', b'3', b'4']), [0x69, 0x84]);
        assert_eq!(c.process(&[0, 0x20, 0, 0x80]), [0x63, 0xC0]);
        assert!(c.apdu_log().iter().all(|a| !a.windows(4).any(|w| w == b"1234")));
    }
}
