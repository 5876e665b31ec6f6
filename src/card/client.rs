//! The JPKI application client: certificates, PIN status and verification, signatures and
//! assertions (docs/jpki-facts.md §1.4–§1.7).
//!
//! ```text
//! SELECT JPKI AP         00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01
//! SELECT EF              00 A4 02 0C 02 <fid>                         (ISO/IEC 7816-4 §11.2.2)
//! READ BINARY            00 B0 <offset, 15 bits> <Le, 00 = 256>       (§11.3.3)
//! VERIFY (query tries)   00 20 00 80                                  → 63Cx / 9000 / 63C0, 6984
//! VERIFY                 00 20 00 80 Lc <PIN, ASCII>                  (§11.5.6)
//! COMPUTE DIGITAL SIG.   80 2A 00 80 Lc <DigestInfo> 00               → 256-byte signature
//! ```
//!
//! | EF | content | access |
//! |---|---|---|
//! | `0006` | token info, 160 B; the first 32 B are the space-padded label | free |
//! | `000A` / `000B` | authentication certificate / its CA | free (Android token: auth PIN first) |
//! | `0001` / `0002` | signature certificate / its CA | after the signature password / free |
//! | `0017` / `0018` | authentication key / PIN (4 digits, 3 tries) | |
//! | `001A` / `001B` | signature key / password (6–16 of A–Z 0–9, 5 tries) | |
//!
//! Every APDU goes through a [`MyNumberGuard`]; this client never selects any application but
//! the JPKI AP.

use serde::Serialize;
use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

use super::apdu::{ins, Command, Response, StatusWord};
use super::guard::{is_my_number_shaped, MyNumberGuard, JPKI_AID};
use super::transport::{transmit_command, Transport};
use crate::assertion::jws::{encode_base64url, ASSERTION_TYP};
use crate::assertion::{digest_info_sha256, jws_signing_input, Purpose};
use crate::error::{Error, Result};

/// Largest certificate the client reads (a JPKI certificate is about 1.3–1.8 KB). A length
/// header claiming more is refused before any further READ BINARY.
pub const MAX_CERTIFICATE_SIZE: usize = 8 * 1024;
/// Largest READ BINARY chunk (short `Le = 00`).
pub const READ_CHUNK: usize = 256;
/// Largest offset READ BINARY can address with P1-P2 (15 bits, ISO/IEC 7816-4 §11.3.3).
pub const MAX_READ_OFFSET: usize = 0x7FFF;

/// What the token-info label (EF `0006`, first 32 bytes, space-padded ASCII) says the JPKI
/// application lives on (docs/jpki-facts.md §1.4, §5.1).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Token {
    /// A My Number Card (`JPKIAPICCTOKEN2`) or an old 住基カード (`JPKIAPICCTOKEN`), treated the
    /// same.
    Card,
    /// An Android smartphone's secure element (`JPKIAPGPSETOKEN`): the authentication
    /// certificate can be read only after the authentication PIN.
    Android,
    /// An iPhone (`JPKIAPIOSTOKEN`; one source only).
    Iphone,
    /// Any other label (printable ASCII, trailing spaces removed; other bytes shown as `?`).
    Unknown(String),
}

impl crate::cert::Certificate {
    /// The model with the card's token label taken into account (the label is what the device
    /// answered from EF `0006`; [`JpkiCard::token`]). A label agreeing with the
    /// certificate makes the basis [`crate::cert::TokenBasis::CertificateAndCardLabel`]; a label where the
    /// certificate says nothing decides the token with basis [`crate::cert::TokenBasis::CardLabel`]; a label
    /// that contradicts the certificate changes nothing but a note — a policy decision must
    /// rest on what J-LIS signed, not on what a device says.
    pub fn with_card_label(mut self, label: &Token) -> crate::cert::Certificate {
        use crate::cert::{Role, Token as CertToken, TokenBasis};
        if self.role == Role::Ca {
            return self;
        }
        let from_label = match label {
            Token::Card => CertToken::Card,
            Token::Android | Token::Iphone => CertToken::Smartphone,
            _ => return self,
        };
        match self.token {
            CertToken::Unknown => {
                self.token = from_label;
                self.token_basis = TokenBasis::CardLabel;
            }
            t if t == from_label => self.token_basis = TokenBasis::CertificateAndCardLabel,
            _ => self.notes.push(format!(
                "the token label ({label:?}) contradicts the certificate's token; the certificate's is kept"
            )),
        }
        self
    }
}

impl Token {
    /// Classifies a raw label.
    pub fn from_label(raw: &[u8]) -> Token {
        let end = raw.iter().rposition(|b| *b != b' ' && *b != 0).map_or(0, |i| i + 1);
        let label = &raw[..end];
        match label {
            b"JPKIAPICCTOKEN2" | b"JPKIAPICCTOKEN" => Token::Card,
            b"JPKIAPGPSETOKEN" => Token::Android,
            b"JPKIAPIOSTOKEN" => Token::Iphone,
            _ => Token::Unknown(
                label
                    .iter()
                    .map(|b| {
                        if b.is_ascii_graphic() || *b == b' ' {
                            char::from(*b)
                        } else {
                            '?'
                        }
                    })
                    .collect(),
            ),
        }
    }
}

/// A certificate EF of the JPKI application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CertificateFile {
    /// 利用者証明用電子証明書, EF `000A`: free on a card, after the auth PIN on the Android token.
    AuthCertificate,
    /// 署名用電子証明書, EF `0001`: only after the signature password.
    SignCertificate,
    /// 利用者証明用CA証明書, EF `000B`. **For display only**: it comes from the same untrusted card;
    /// verification uses pinned J-LIS anchors, never this copy.
    AuthCa,
    /// 署名用CA証明書, EF `0002`. **For display only**, like [`CertificateFile::AuthCa`].
    SignCa,
}

impl CertificateFile {
    /// The EF's file identifier.
    pub fn file_id(self) -> u16 {
        match self {
            CertificateFile::AuthCertificate => 0x000A,
            CertificateFile::SignCertificate => 0x0001,
            CertificateFile::AuthCa => 0x000B,
            CertificateFile::SignCa => 0x0002,
        }
    }

    fn index(self) -> usize {
        match self {
            CertificateFile::AuthCertificate => 0,
            CertificateFile::SignCertificate => 1,
            CertificateFile::AuthCa => 2,
            CertificateFile::SignCa => 3,
        }
    }
}

/// A PIN of the JPKI application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PinRef {
    /// 利用者証明用パスワード, EF `0018`: exactly 4 digits, 3 tries.
    Auth,
    /// 署名用パスワード, EF `001B`: 6–16 characters A–Z 0–9 (input is upper-cased), 5 tries.
    Sign,
}

impl PinRef {
    /// The PIN EF's file identifier.
    pub fn file_id(self) -> u16 {
        match self {
            PinRef::Auth => 0x0018,
            PinRef::Sign => 0x001B,
        }
    }

    /// Tries a fresh (or just verified) PIN has: 3 / 5 (OpenSC `JPKI_AUTH_PIN_MAX_TRIES`,
    /// `JPKI_SIGN_PIN_MAX_TRIES`).
    pub fn max_tries(self) -> u8 {
        match self {
            PinRef::Auth => 3,
            PinRef::Sign => 5,
        }
    }

    fn name(self) -> &'static str {
        match self {
            PinRef::Auth => "authentication PIN",
            PinRef::Sign => "signature password",
        }
    }
}

/// A private key of the JPKI application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyRef {
    /// 利用者証明用秘密鍵, EF `0017` (after [`PinRef::Auth`]); for login.
    Auth,
    /// 署名用秘密鍵, EF `001A` (after [`PinRef::Sign`]); for account opening and signing.
    Sign,
}

impl KeyRef {
    /// The key EF's file identifier.
    pub fn file_id(self) -> u16 {
        match self {
            KeyRef::Auth => 0x0017,
            KeyRef::Sign => 0x001A,
        }
    }

    /// The PIN that unlocks the key.
    pub fn pin(self) -> PinRef {
        match self {
            KeyRef::Auth => PinRef::Auth,
            KeyRef::Sign => PinRef::Sign,
        }
    }

    /// The certificate of the key.
    pub fn certificate(self) -> CertificateFile {
        match self {
            KeyRef::Auth => CertificateFile::AuthCertificate,
            KeyRef::Sign => CertificateFile::SignCertificate,
        }
    }

    /// The CA certificate (display only) of the key's certificate.
    pub fn ca(self) -> CertificateFile {
        match self {
            KeyRef::Auth => CertificateFile::AuthCa,
            KeyRef::Sign => CertificateFile::SignCa,
        }
    }
}

/// What the no-data VERIFY (`00 20 00 80`, JICSAP / ISO/IEC 7816-4 §11.5.6) says about a PIN.
/// A blocked PIN (`63C0`, `6984`) is [`Error::PinBlocked`], not a status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinStatus {
    /// `63Cx`: `x` tries left (1..=15).
    TriesLeft(u8),
    /// `9000`: already verified in this session (the card does not report the counter then).
    Verified,
}

/// What [`JpkiCard::make_assertion`] signs: the claims of a `jpki-assertion+jwt` (architecture:
/// "Assertion format").
#[derive(Clone, Debug, PartialEq)]
pub struct AssertionRequest {
    /// `aud`: the relying party's origin.
    pub audience: String,
    /// `nonce`: the server's challenge (base64url of ≥ 32 random bytes).
    pub nonce: String,
    /// `purpose`; must fit `key` (login ↔ [`KeyRef::Auth`], the others ↔ [`KeyRef::Sign`]).
    pub purpose: Purpose,
    /// `iat`, Unix seconds (the caller's clock: the SDK has none).
    pub iat: i64,
    /// `exp`, Unix seconds, not before `iat`.
    pub exp: i64,
    /// `txn`: the transaction details the person agreed to (a JSON object), if any.
    pub txn: Option<Value>,
    /// The key to sign with (its PIN must be verified first).
    pub key: KeyRef,
    /// Append the card's CA certificate to `x5c` (informational; verifiers use pinned anchors).
    pub include_ca: bool,
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'static str,
    typ: &'static str,
    x5c: &'a [String],
}

#[derive(Serialize)]
struct Claims<'a> {
    aud: &'a str,
    nonce: &'a str,
    iat: i64,
    exp: i64,
    purpose: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    txn: Option<&'a Value>,
}

/// A command holding a PIN: its data field is overwritten with zeros when it is dropped.
struct SecretCommand(Command);

impl Drop for SecretCommand {
    fn drop(&mut self) {
        self.0.data.zeroize();
    }
}

/// A client for the JPKI application of one card, over any [`Transport`], always through a
/// [`MyNumberGuard`].
///
/// Every method is `async`; with a transport that answers immediately (PC/SC, the virtual card)
/// drive it with [`super::block_on`]. The client selects the JPKI AP on first use, re-selects
/// it only after an I/O error or [`JpkiCard::card_reset`] (re-selecting clears the card's
/// security status), and caches certificates it has read until then.
#[derive(Debug)]
pub struct JpkiCard<T: Transport> {
    io: MyNumberGuard<T>,
    selected: bool,
    certificates: [Option<Vec<u8>>; 4],
}

impl<T: Transport> JpkiCard<T> {
    /// A client over `transport`, wrapped in a [`MyNumberGuard`] (there is no unguarded
    /// client).
    pub fn new(transport: T) -> Self {
        JpkiCard {
            io: MyNumberGuard::new(transport),
            selected: false,
            certificates: Default::default(),
        }
    }

    /// Read access to the transport (sending through it needs `&mut`, which the client never
    /// gives out).
    pub fn transport(&self) -> &T {
        self.io.inner()
    }

    /// Ends the session and gives the transport back (to close the reader, or to reconnect a
    /// card that was placed again).
    pub fn into_transport(self) -> T {
        self.io.into_inner()
    }

    /// How many APDUs the My Number guard refused.
    pub fn refused_apdus(&self) -> usize {
        self.io.refused()
    }

    /// Forgets the selected application, the card's security status and the certificate cache
    /// (call when the reader reports a reset or a new card). Done automatically after any I/O
    /// error.
    pub fn card_reset(&mut self) {
        self.selected = false;
        self.certificates = Default::default();
        self.io.reset();
    }

    async fn exchange(&mut self, command: &Command) -> Result<Response> {
        match transmit_command(&mut self.io, command).await {
            Ok(r) => Ok(r),
            Err(e @ (Error::MyNumberRefused | Error::InvalidOptions { .. })) => Err(e),
            Err(e) => {
                self.card_reset();
                Err(e)
            }
        }
    }

    /// SELECT the JPKI application by DF name: `00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01`
    /// (docs/jpki-facts.md §1.7 row 1). Clears the card's security status (verified PINs) and the
    /// certificate cache.
    pub async fn select_jpki_ap(&mut self) -> Result<()> {
        self.selected = false;
        self.certificates = Default::default();
        let r = self
            .exchange(&Command::new(0x00, ins::SELECT, 0x04, 0x0C).with_data(JPKI_AID))
            .await?;
        if !r.is_success() {
            return Err(Error::CardIo {
                reason: format!(
                    "SELECT of the JPKI application answered {}: not a My Number Card?",
                    r.status()
                ),
            });
        }
        self.selected = true;
        Ok(())
    }

    async fn ensure_selected(&mut self) -> Result<()> {
        if self.selected {
            Ok(())
        } else {
            self.select_jpki_ap().await
        }
    }

    /// `00 A4 02 0C 02 <fid>`: SELECT an EF of the current DF, no response data.
    async fn select_ef(&mut self, fid: u16) -> Result<()> {
        let r = self
            .exchange(&Command::new(0x00, ins::SELECT, 0x02, 0x0C).with_data(fid.to_be_bytes()))
            .await?;
        if r.is_success() {
            Ok(())
        } else {
            Err(Error::CardIo {
                reason: format!("SELECT EF {fid:04X} answered {}", r.status()),
            })
        }
    }

    /// `00 B0 <offset> <len>` on the current EF; exactly `len` bytes with `9000`, or the status.
    async fn read_binary(&mut self, offset: usize, len: usize) -> Result<core::result::Result<Vec<u8>, StatusWord>> {
        let p1p2 = u16::try_from(offset)
            .ok()
            .filter(|o| usize::from(*o) <= MAX_READ_OFFSET)
            .ok_or_else(|| Error::CardIo {
                reason: format!("READ BINARY offset {offset} is beyond 0x7FFF"),
            })?;
        let le = u16::try_from(len).unwrap_or(u16::MAX);
        let [p1, p2] = p1p2.to_be_bytes();
        let r = self
            .exchange(&Command::new(0x00, ins::READ_BINARY, p1, p2).with_le(le))
            .await?;
        if !r.is_success() {
            return Ok(Err(r.status()));
        }
        if r.data.len() != len {
            return Err(Error::CardIo {
                reason: format!(
                    "READ BINARY at offset {offset} returned {} bytes instead of {len}",
                    r.data.len()
                ),
            });
        }
        Ok(Ok(r.data))
    }

    /// Reads the token-info label: SELECT EF `0006`, `00 B0 00 00 20` (32 bytes, space-padded
    /// ASCII; docs/jpki-facts.md §1.7 rows 2–3).
    pub async fn token(&mut self) -> Result<Token> {
        self.ensure_selected().await?;
        self.select_ef(0x0006).await?;
        match self.read_binary(0, 32).await? {
            Ok(label) => Ok(Token::from_label(&label)),
            Err(sw) => Err(Error::CardIo {
                reason: format!("READ BINARY of the token label answered {sw}"),
            }),
        }
    }

    /// Reads a certificate EF: SELECT it, read the 4-byte DER header `30 82 LL LL` (also
    /// `30 81 LL` and the short form `30 LL`), total = header + length, refuse totals above
    /// [`MAX_CERTIFICATE_SIZE`] without reading on, then READ BINARY the rest in chunks of at
    /// most 256 bytes with P1-P2 = offset, each of exactly the expected length.
    ///
    /// The signature certificate needs [`JpkiCard::verify_pin`] with [`PinRef::Sign`] first,
    /// and so does the authentication certificate ([`PinRef::Auth`]) on the Android token; the
    /// card's `6982` then becomes a [`Error::CardIo`] that says which PIN is required. The CA
    /// certificates are **for display only** (see [`CertificateFile::AuthCa`]).
    pub async fn read_certificate(&mut self, file: CertificateFile) -> Result<Vec<u8>> {
        if let Some(Some(cached)) = self.certificates.get(file.index()) {
            return Ok(cached.clone());
        }
        self.ensure_selected().await?;
        self.select_ef(file.file_id()).await?;
        let header = self.read_certificate_chunk(file, 0, 4).await?;
        let total = der_sequence_length(&header).map_err(|reason| Error::CardIo {
            reason: format!("EF {:04X}: {reason}", file.file_id()),
        })?;
        if total > MAX_CERTIFICATE_SIZE {
            return Err(Error::CardIo {
                reason: format!(
                    "EF {:04X}: the certificate header claims {total} bytes (limit {MAX_CERTIFICATE_SIZE}); not read",
                    file.file_id()
                ),
            });
        }
        let mut der = header;
        der.truncate(total);
        while der.len() < total {
            let offset = der.len();
            let n = (total - offset).min(READ_CHUNK);
            let chunk = self.read_certificate_chunk(file, offset, n).await?;
            der.extend_from_slice(&chunk);
        }
        if der.len() != total {
            return Err(Error::CardIo {
                reason: format!("EF {:04X}: read {} bytes, expected {total}", file.file_id(), der.len()),
            });
        }
        if let Some(slot) = self.certificates.get_mut(file.index()) {
            *slot = Some(der.clone());
        }
        Ok(der)
    }

    async fn read_certificate_chunk(&mut self, file: CertificateFile, offset: usize, len: usize) -> Result<Vec<u8>> {
        match self.read_binary(offset, len).await? {
            Ok(data) => Ok(data),
            Err(StatusWord::SECURITY_STATUS_NOT_SATISFIED) => Err(Error::CardIo {
                reason: match file {
                    CertificateFile::SignCertificate => {
                        "PIN required: the signature certificate is readable only after the signature password is verified (6982)".to_owned()
                    }
                    CertificateFile::AuthCertificate => {
                        "PIN required: this token (Android smartphone) needs the authentication PIN before its certificate can be read (6982)".to_owned()
                    }
                    _ => format!("EF {:04X}: security status not satisfied (6982)", file.file_id()),
                },
            }),
            Err(sw) => Err(Error::CardIo {
                reason: format!(
                    "READ BINARY of EF {:04X} at offset {offset} answered {sw}",
                    file.file_id()
                ),
            }),
        }
    }

    /// Tries left without spending one: SELECT the PIN EF (`0018` / `001B`), then VERIFY with no
    /// data `00 20 00 80` (case 1). `63Cx` → [`PinStatus::TriesLeft`]`(x)`; `9000` →
    /// [`PinStatus::Verified`]; `63C0` or `6984` (or `6983`) → [`Error::PinBlocked`].
    pub async fn tries_left(&mut self, pin: PinRef) -> Result<PinStatus> {
        self.ensure_selected().await?;
        self.select_ef(pin.file_id()).await?;
        let r = self.exchange(&Command::new(0x00, ins::VERIFY, 0x00, 0x80)).await?;
        match r.status() {
            StatusWord::SUCCESS => Ok(PinStatus::Verified),
            StatusWord::REFERENCE_DATA_NOT_USABLE | StatusWord::AUTH_METHOD_BLOCKED => Err(Error::PinBlocked),
            sw => match sw.counter() {
                Some(0) => Err(Error::PinBlocked),
                Some(n) => Ok(PinStatus::TriesLeft(n)),
                None => Err(Error::CardIo {
                    reason: format!("the {} status query answered {sw}", pin.name()),
                }),
            },
        }
    }

    /// Verifies a PIN, never more than once per call and never automatically again:
    ///
    /// 1. the format is checked first, and nothing is sent if it is wrong
    ///    ([`Error::PinFormat`]): [`PinRef::Auth`] exactly 4 ASCII digits; [`PinRef::Sign`]
    ///    6–16 ASCII characters, upper-cased, then only `A–Z 0–9`. A password of exactly 12
    ///    digits has the shape of a My Number and is refused ([`Error::MyNumberRefused`]);
    /// 2. the tries are queried ([`JpkiCard::tries_left`]); when the card says the PIN is
    ///    already verified, the application is selected again (which clears that) and the tries
    ///    queried again — the PIN given is always checked. With one try left and
    ///    `allow_last_try == false`, [`Error::PinLastTryGuard`] and nothing is sent;
    /// 3. `00 20 00 80 Lc <PIN>`: `9000` → `Ok`; `63Cx` → [`Error::PinIncorrect`]`{ tries_left: x }`;
    ///    `63C0` / `6984` → [`Error::PinBlocked`].
    ///
    /// The PIN's bytes are kept only in buffers overwritten with zeros after use, and no error
    /// or log message contains them.
    pub async fn verify_pin(&mut self, pin: PinRef, value: &str, allow_last_try: bool) -> Result<()> {
        let secret = normalize_pin(pin, value)?;
        let mut status = self.tries_left(pin).await?;
        if status == PinStatus::Verified {
            // Already verified in this session. Answering `Ok` without presenting the PIN would
            // call a wrong PIN correct (review-security L9), and presenting it blind would skip
            // the last-try guard (the card does not report the counter then). Selecting the
            // application again clears the security status; then the tries are known.
            self.select_jpki_ap().await?;
            status = self.tries_left(pin).await?;
        }
        match status {
            PinStatus::TriesLeft(1) if !allow_last_try => return Err(Error::PinLastTryGuard),
            PinStatus::Verified => {
                return Err(Error::CardIo {
                    reason: format!(
                        "the card keeps the {} verified after the application is selected again, so \
                         this PIN cannot be checked now: remove the card and present it again",
                        pin.name()
                    ),
                })
            }
            PinStatus::TriesLeft(_) => {}
        }
        // The PIN EF is the current EF: tries_left selected it.
        let command = SecretCommand(Command::new(0x00, ins::VERIFY, 0x00, 0x80).with_data(secret.to_vec()));
        drop(secret);
        let r = self.exchange(&command.0).await?;
        drop(command);
        match r.status() {
            StatusWord::SUCCESS => Ok(()),
            StatusWord::REFERENCE_DATA_NOT_USABLE | StatusWord::AUTH_METHOD_BLOCKED => Err(Error::PinBlocked),
            sw => match sw.counter() {
                Some(0) => Err(Error::PinBlocked),
                Some(n) => Err(Error::PinIncorrect { tries_left: n }),
                None => Err(Error::CardIo {
                    reason: format!("VERIFY of the {} answered {sw}", pin.name()),
                }),
            },
        }
    }

    /// Signs a DER `DigestInfo` with a key (the card adds the PKCS#1 v1.5 type-1 padding;
    /// docs/jpki-facts.md §1.6): SELECT the key EF (`0017` / `001A`), then
    /// `80 2A 00 80 Lc <DigestInfo> 00`. The key's PIN must be verified first (the card's `6982`
    /// becomes an [`Error::CardIo`] saying so). Returns the signature (256 bytes for RSA-2048).
    pub async fn sign(&mut self, key: KeyRef, digest_info: &[u8]) -> Result<Vec<u8>> {
        if digest_info.is_empty() {
            return Err(Error::InvalidOptions {
                reason: "the DigestInfo to sign is empty".to_owned(),
            });
        }
        self.ensure_selected().await?;
        self.select_ef(key.file_id()).await?;
        let r = self
            .exchange(
                &Command::new(0x80, ins::COMPUTE_DIGITAL_SIGNATURE, 0x00, 0x80)
                    .with_data(digest_info)
                    .with_le(256),
            )
            .await?;
        match r.status() {
            StatusWord::SUCCESS if !r.data.is_empty() => Ok(r.data),
            StatusWord::SECURITY_STATUS_NOT_SATISFIED => Err(Error::CardIo {
                reason: format!("PIN required: verify the {} before signing (6982)", key.pin().name()),
            }),
            sw => Err(Error::CardIo {
                reason: format!("COMPUTE DIGITAL SIGNATURE answered {sw} with {} bytes", r.data.len()),
            }),
        }
    }

    /// Makes a compact JWS assertion (architecture: "Assertion format"):
    ///
    /// ```text
    /// header = {"alg":"RS256","typ":"jpki-assertion+jwt","x5c":["<leaf, base64>"(,"<CA>")]}
    /// claims = {"aud":…,"nonce":…,"iat":…,"exp":…,"purpose":…(,"txn":{…})}
    /// input  = BASE64URL(header) "." BASE64URL(claims)        crate::assertion::jws_signing_input
    /// card   = 80 2A 00 80 33 <SHA-256 DigestInfo(input)> 00  crate::assertion::digest_info_sha256
    /// JWS    = input "." BASE64URL(signature)
    /// ```
    ///
    /// The key's PIN must be verified first; the leaf certificate (and CA) are read from the
    /// card (or the cache). Request errors (empty audience or nonce, `exp < iat`, a purpose
    /// that does not fit the key) are [`Error::InvalidOptions`], found before any APDU.
    pub async fn make_assertion(&mut self, request: &AssertionRequest) -> Result<String> {
        request.validate()?;
        let leaf = self.read_certificate(request.key.certificate()).await?;
        let mut x5c = vec![encode_base64(&leaf)];
        if request.include_ca {
            x5c.push(encode_base64(&self.read_certificate(request.key.ca()).await?));
        }
        let json_error = |e: serde_json::Error| Error::InvalidOptions {
            reason: format!("assertion JSON: {e}"),
        };
        let header = serde_json::to_string(&Header {
            alg: "RS256",
            typ: ASSERTION_TYP,
            x5c: &x5c,
        })
        .map_err(json_error)?;
        let claims = serde_json::to_string(&Claims {
            aud: &request.audience,
            nonce: &request.nonce,
            iat: request.iat,
            exp: request.exp,
            purpose: request.purpose.as_str(),
            txn: request.txn.as_ref(),
        })
        .map_err(json_error)?;
        let input = jws_signing_input(&header, &claims);
        let signature = self.sign(request.key, &digest_info_sha256(input.as_bytes())).await?;
        Ok(format!("{input}.{}", encode_base64url(&signature)))
    }
}

impl AssertionRequest {
    /// Refuses a request the card must not sign (empty audience or nonce, `exp` before `iat`,
    /// a `txn` that is not an object, a key that does not fit the purpose) — callers can check
    /// this before asking the person for a PIN.
    pub fn validate(&self) -> Result<()> {
        check_request(self)
    }
}

fn check_request(r: &AssertionRequest) -> Result<()> {
    let bad = |reason: &str| {
        Err(Error::InvalidOptions {
            reason: reason.to_owned(),
        })
    };
    if r.audience.is_empty() {
        return bad("assertion audience is empty");
    }
    if r.nonce.is_empty() {
        return bad("assertion nonce is empty");
    }
    if r.exp < r.iat {
        return bad("assertion exp is before iat");
    }
    if !matches!(r.txn, None | Some(Value::Object(_))) {
        return bad("assertion txn must be a JSON object");
    }
    let fits = match r.purpose {
        Purpose::Login => r.key == KeyRef::Auth,
        _ => r.key == KeyRef::Sign,
    };
    if !fits {
        return bad("purpose login needs the authentication key; account-opening and sign need the signature key");
    }
    Ok(())
}

/// Checks and encodes a PIN (see [`JpkiCard::verify_pin`]); the result is wiped on drop.
fn normalize_pin(pin: PinRef, value: &str) -> Result<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(Vec::with_capacity(16));
    match pin {
        PinRef::Auth => {
            if value.len() != 4 || !value.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::PinFormat {
                    reason: "the authentication PIN is exactly 4 digits (0-9)",
                });
            }
            out.extend(value.bytes());
        }
        PinRef::Sign => {
            if !value.is_ascii() {
                return Err(Error::PinFormat {
                    reason: "the signature password uses only half-width A-Z and 0-9",
                });
            }
            if !(6..=16).contains(&value.len()) {
                return Err(Error::PinFormat {
                    reason: "the signature password is 6 to 16 characters",
                });
            }
            out.extend(value.bytes().map(|b| b.to_ascii_uppercase()));
            if !out.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
                return Err(Error::PinFormat {
                    reason: "the signature password uses only A-Z and 0-9",
                });
            }
            if is_my_number_shaped(&out) {
                return Err(Error::MyNumberRefused);
            }
        }
    }
    Ok(out)
}

/// Length of the DER SEQUENCE starting `header` (at least 4 bytes read): `30 LL`, `30 81 LL`,
/// `30 82 LL LL` (X.690 §8.1.3). Indefinite and longer forms are refused.
fn der_sequence_length(header: &[u8]) -> core::result::Result<usize, String> {
    match header {
        [0x30, l @ 0..=0x7F, ..] => Ok(2 + usize::from(*l)),
        [0x30, 0x81, l, ..] => Ok(3 + usize::from(*l)),
        [0x30, 0x82, hi, lo, ..] => Ok(4 + usize::from(u16::from_be_bytes([*hi, *lo]))),
        [0x30, 0x80, ..] => Err("the certificate uses an indefinite length (not DER)".to_owned()),
        [0x30, l, ..] => Err(format!(
            "the certificate length form {l:02X} claims at least 16 MiB; not read"
        )),
        [t, ..] => Err(format!(
            "the file does not start with a DER SEQUENCE (found {t:02X}): no certificate?"
        )),
        [] => Err("the file is empty".to_owned()),
    }
}

/// Standard base64 with padding (RFC 4648 §4), as `x5c` requires (RFC 7515 §4.1.6).
fn encode_base64(bytes: &[u8]) -> String {
    crate::encoding::encode_base64(bytes, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(Token::from_label(b"JPKIAPICCTOKEN2                 "), Token::Card);
        assert_eq!(Token::from_label(b"JPKIAPICCTOKEN                  "), Token::Card);
        assert_eq!(Token::from_label(b"JPKIAPGPSETOKEN                 "), Token::Android);
        assert_eq!(Token::from_label(b"JPKIAPIOSTOKEN\0\0"), Token::Iphone);
        assert_eq!(Token::from_label(b"X\x01Y  "), Token::Unknown("X?Y".to_owned()));
    }

    #[test]
    fn der_lengths() {
        assert_eq!(der_sequence_length(&[0x30, 0x82, 0x05, 0x10]), Ok(0x514));
        assert_eq!(der_sequence_length(&[0x30, 0x81, 0x90, 0x02]), Ok(0x93));
        assert_eq!(der_sequence_length(&[0x30, 0x03, 0x02, 0x01]), Ok(5));
        assert!(der_sequence_length(&[0x30, 0x83, 1, 0]).is_err());
        assert!(der_sequence_length(&[0xFF, 0xFF, 0xFF, 0xFF]).is_err());
    }

    #[test]
    fn base64() {
        assert_eq!(encode_base64(b""), "");
        assert_eq!(encode_base64(b"f"), "Zg==");
        assert_eq!(encode_base64(b"fo"), "Zm8=");
        assert_eq!(encode_base64(b"foo"), "Zm9v");
        assert_eq!(encode_base64(&[0xFB, 0xFF]), "+/8=");
    }

    #[test]
    fn pin_formats() {
        assert_eq!(&normalize_pin(PinRef::Auth, "0123").unwrap()[..], b"0123");
        assert_eq!(&normalize_pin(PinRef::Sign, "abc123").unwrap()[..], b"ABC123");
        for (p, v) in [
            (PinRef::Auth, "123"),
            (PinRef::Auth, "12345"),
            (PinRef::Auth, "12a4"),
            (PinRef::Auth, "１２３４"),
            (PinRef::Sign, "abc12"),
            (PinRef::Sign, "abc-123"),
            (PinRef::Sign, "ＡＢＣ１２３"),
            (PinRef::Sign, "A234567890123456X"),
        ] {
            assert_eq!(normalize_pin(p, v).unwrap_err().code(), "JPKI_PIN_FORMAT", "{v}");
        }
        assert_eq!(
            normalize_pin(PinRef::Sign, "123456789012").unwrap_err(),
            Error::MyNumberRefused
        );
    }
}
