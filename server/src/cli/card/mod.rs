//! `jpki-verify card …`: the JPKI card through PC/SC, and a virtual card for tests.
//!
//! | command | what it does |
//! |---|---|
//! | `card status [--reader R]` | reader, token type and PIN tries left, as JSON (no PIN needed) |
//! | `card read [--cert auth\|sign\|auth-ca\|sign-ca] [--out F] [--pin-env VAR]` | read a certificate: the model JSON, or the DER bytes into F |
//! | `card sign --purpose P --audience A --nonce N [--at T] [--pin-env VAR]` | sign a JWS assertion on the card and print it |
//! | `card sim --vpcd HOST:PORT` | the virtual JPKI card, plugged into vsmartcard's vpcd (tests) |
//!
//! `status`, `read` and `sign` take `--reader NAME` (PC/SC, the default) or `--rcs380 HOST:PORT`:
//! the SDK's own RC-S380 driver (the browser's WebUSB path) over the reader-sim TCP contract.
//!
//! **PINs never travel in argv** (other users can read a process's arguments): `--pin-env VAR`
//! names the environment variable that holds the PIN or password; without it, the PIN is read
//! from the terminal without echo, or else from the first line of standard input. It is asked
//! for before the card is opened, kept in buffers wiped after use, never printed or logged. The card is never asked a PIN
//! when it has only one try left unless `--allow-last-try` is given.

mod reader;
pub(crate) mod sim;
mod usb_tcp;

use std::io::Read;
use std::path::PathBuf;

use jpki_verify::card::{
    block_on, AssertionRequest, CertificateFile, JpkiCard, KeyRef, PinRef, PinStatus, Token, Transport,
};
use jpki_verify::Error;
use zeroize::Zeroizing;

use self::reader::{Connection, PcscTransport};
use self::usb_tcp::UsbCard;
use super::inspect::print_stdout;
use super::Failure;

/// Arguments of `card`.
#[derive(clap::Args)]
pub(crate) struct CardArgs {
    #[command(subcommand)]
    command: CardCommand,
}

#[derive(clap::Subcommand)]
enum CardCommand {
    /// Print the reader, the token type and the PIN tries left as JSON (no PIN needed).
    Status(StatusArgs),
    /// Read a certificate from the card: print its model as JSON, or write the DER to --out.
    Read(ReadArgs),
    /// Sign a JWS assertion with the card and print it (JWS compact serialization).
    Sign(SignArgs),
    /// Run the virtual JPKI card as a vsmartcard vpcd client (tests; test keys only).
    Sim(sim::SimArgs),
}

/// Which reader to use.
#[derive(clap::Args)]
struct ReaderArg {
    /// PC/SC reader name (see `pcsc_scan -r`). Default: the first reader holding a card.
    #[arg(long, value_name = "NAME", conflicts_with = "rcs380")]
    reader: Option<String>,
    /// Drive a Sony RC-S380 with the SDK's own driver (the WebUSB path) over the reader-sim
    /// TCP contract at HOST:PORT (`jpki-verify reader-sim`, docs/kiosk.md) instead of PC/SC.
    #[arg(long, value_name = "HOST:PORT")]
    rcs380: Option<String>,
    /// With --rcs380: how long to wait for a card to be placed (seconds).
    #[arg(long, value_name = "SECONDS", default_value_t = 10, requires = "rcs380")]
    wait_for_card: u32,
}

/// The card, through PC/SC or through our RC-S380 driver.
enum AnyTransport<'a> {
    Pcsc(PcscTransport<'a>),
    Usb(UsbCard),
}

impl Transport for AnyTransport<'_> {
    async fn transmit(&mut self, command: &[u8]) -> jpki_verify::Result<Vec<u8>> {
        match self {
            AnyTransport::Pcsc(t) => t.transmit(command).await,
            AnyTransport::Usb(t) => t.transmit(command).await,
        }
    }
}

/// Runs `f` with the card of `reader` and returns the reader's name with `f`'s result. PC/SC:
/// inside one transaction, reset afterwards when `may_verify`. RC-S380: one card session,
/// ended by S(DESELECT) and field off (which also drops a verified PIN).
fn with_card<T>(
    reader: &ReaderArg,
    may_verify: bool,
    f: impl FnOnce(&mut AnyTransport<'_>) -> Result<T, Failure>,
) -> Result<(String, T), Failure> {
    if let Some(address) = &reader.rcs380 {
        let usb = wait(UsbCard::open(address, reader.wait_for_card.saturating_mul(1000)))?;
        let name = usb.description.clone();
        let mut any = AnyTransport::Usb(usb);
        let result = f(&mut any);
        if let AnyTransport::Usb(usb) = any {
            if let Err(e) = block_on(usb.close()) {
                eprintln!("jpki-verify: warning: closing the reader: {e}");
            }
        }
        return result.map(|r| (name, r));
    }
    let mut conn = Connection::open(reader.reader.as_deref())?;
    let name = conn.reader().to_owned();
    let result = conn.transaction(may_verify, |t| f(&mut AnyTransport::Pcsc(t)))?;
    Ok((name, result))
}

/// Where the PIN or password comes from (never argv).
#[derive(clap::Args)]
struct PinArgs {
    /// Name of the environment variable holding the PIN or password. Without it, the first
    /// line of standard input is read. (The secret itself is never a command-line argument.)
    #[arg(long, value_name = "VAR")]
    pin_env: Option<String>,
    /// Send the PIN even when the card has only one try left (a wrong one then blocks it).
    #[arg(long)]
    allow_last_try: bool,
}

#[derive(clap::Args)]
struct StatusArgs {
    #[command(flatten)]
    reader: ReaderArg,
}

#[derive(clap::Args)]
struct ReadArgs {
    #[command(flatten)]
    reader: ReaderArg,
    /// Which certificate. `sign` needs the signature password; on a smartphone token `auth`
    /// needs the authentication PIN.
    #[arg(long, value_enum, default_value = "auth")]
    cert: CertArg,
    /// Write the certificate (DER) to this file instead of printing its model.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    #[command(flatten)]
    pin: PinArgs,
}

#[derive(clap::Args)]
struct SignArgs {
    #[command(flatten)]
    reader: ReaderArg,
    /// What the assertion is for: `login` signs with the authentication key (PIN, 4 digits);
    /// `account-opening` and `sign` with the signature key (password, 6–16 of A–Z 0–9).
    #[arg(long, value_enum)]
    purpose: PurposeArg,
    /// Relying party origin (the `aud` claim).
    #[arg(long)]
    audience: String,
    /// The relying party's challenge (the `nonce` claim, base64url).
    #[arg(long)]
    nonce: String,
    /// Issue time (RFC 3339) for `iat`. Default: now.
    #[arg(long)]
    at: Option<String>,
    /// Lifetime of the assertion in seconds (`exp` = `iat` + this).
    #[arg(long, default_value_t = 300)]
    ttl: u32,
    /// Transaction details (a JSON object) for the `txn` claim.
    #[arg(long, value_name = "JSON")]
    txn: Option<String>,
    /// Include the issuing CA certificate in the JWS `x5c` header.
    #[arg(long)]
    include_ca: bool,
    #[command(flatten)]
    pin: PinArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CertArg {
    Auth,
    Sign,
    AuthCa,
    SignCa,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum PurposeArg {
    AccountOpening,
    Login,
    Sign,
    Renewal,
}

/// Longest line accepted as a PIN on standard input (passwords are at most 16 characters).
const MAX_PIN_LINE: u64 = 256;

pub(crate) fn run(a: &CardArgs) -> Result<bool, Failure> {
    match &a.command {
        CardCommand::Status(s) => status(s),
        CardCommand::Read(r) => read(r),
        CardCommand::Sign(s) => sign(s),
        CardCommand::Sim(s) => sim::run(s),
    }
    .map(|()| true)
}

/// Runs one future of the card API to completion (the PC/SC transport is synchronous).
fn wait<T>(f: impl std::future::Future<Output = jpki_verify::Result<T>>) -> Result<T, Failure> {
    block_on(f).map_err(Failure::from)
}

fn json_failure(e: &serde_json::Error) -> Failure {
    Failure::input("JPKI_INTERNAL", e.to_string())
}

/// The PIN or password, from the environment variable named by `--pin-env` or from the first
/// line of standard input.
fn secret(p: &PinArgs, what: &str) -> Result<Zeroizing<String>, Failure> {
    if let Some(var) = &p.pin_env {
        return match std::env::var(var) {
            Ok(v) => Ok(Zeroizing::new(v)),
            Err(std::env::VarError::NotPresent) => Err(Failure::input(
                "JPKI_INVALID_OPTIONS",
                format!("--pin-env {var}: the variable is not set (it must hold the {what})"),
            )),
            Err(std::env::VarError::NotUnicode(_)) => Err(Failure::input(
                "JPKI_INVALID_OPTIONS",
                format!("--pin-env {var}: the variable is not valid UTF-8"),
            )),
        };
    }
    use std::io::{BufRead, IsTerminal};
    let stdin = std::io::stdin();
    let line = if stdin.is_terminal() {
        // Interactive: prompt on the terminal and read without echo.
        rpassword::prompt_password(format!("{what}: "))
            .map(Zeroizing::new)
            .map_err(|e| Failure::input("JPKI_IO", format!("reading the {what} from the terminal: {e}")))?
    } else {
        // Capacity for the whole bounded line: no reallocation leaves copies behind.
        let mut raw = Vec::with_capacity(usize::try_from(MAX_PIN_LINE).unwrap_or(256));
        stdin
            .lock()
            .take(MAX_PIN_LINE)
            .read_until(b'\n', &mut raw)
            .map_err(|e| Failure::input("JPKI_IO", format!("reading the {what} from standard input: {e}")))?;
        let raw = Zeroizing::new(raw);
        let text = std::str::from_utf8(&raw).map_err(|_| {
            Failure::input(
                "JPKI_INVALID_OPTIONS",
                format!("the {what} on standard input is not UTF-8"),
            )
        })?;
        Zeroizing::new(text.to_owned())
    };
    let value = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
    if value.is_empty() {
        return Err(Failure::input(
            "JPKI_INVALID_OPTIONS",
            format!("no {what}: give --pin-env VAR or write it on standard input"),
        ));
    }
    Ok(value)
}

fn pin_name(pin: PinRef) -> &'static str {
    match pin {
        PinRef::Auth => "authentication PIN",
        PinRef::Sign => "signature password",
    }
}

/// Verifies `pin` with `value` (the card client checks its format first and guards the last
/// try unless `--allow-last-try`).
fn verify<T: Transport>(card: &mut JpkiCard<T>, pin: PinRef, value: &str, p: &PinArgs) -> Result<(), Failure> {
    wait(card.verify_pin(pin, value, p.allow_last_try))
}

/// Tries left for `pin`; a blocked PIN reports 0 instead of failing `status`. A PIN already
/// verified in this card session has its counter reset to the maximum.
fn tries<T: Transport>(card: &mut JpkiCard<T>, pin: PinRef) -> Result<u8, Failure> {
    match block_on(card.tries_left(pin)) {
        Ok(PinStatus::TriesLeft(n)) => Ok(n),
        Ok(PinStatus::Verified) => Ok(pin.max_tries()),
        Err(Error::PinBlocked) => Ok(0),
        Err(e) => Err(e.into()),
    }
}

/// The token type as `status` prints it.
fn token_name(token: &Token) -> String {
    match token {
        Token::Card => "card".to_owned(),
        Token::Android => "android".to_owned(),
        Token::Iphone => "iphone".to_owned(),
        Token::Unknown(label) => format!("unknown: {label}"),
        _ => "unknown".to_owned(),
    }
}

fn status(a: &StatusArgs) -> Result<(), Failure> {
    let (reader, (token, auth, sign)) = with_card(&a.reader, false, |t| {
        let mut card = JpkiCard::new(t);
        let token = token_name(&wait(card.token())?);
        let auth = tries(&mut card, PinRef::Auth)?;
        let sign = tries(&mut card, PinRef::Sign)?;
        Ok((token, auth, sign))
    })?;
    let json = serde_json::json!({
        "reader": reader,
        "token": token,
        "authPinTriesLeft": auth,
        "signPasswordTriesLeft": sign,
    });
    print_stdout(&serde_json::to_string_pretty(&json).map_err(|e| json_failure(&e))?)
}

fn read(a: &ReadArgs) -> Result<(), Failure> {
    let file = match a.cert {
        CertArg::Auth => CertificateFile::AuthCertificate,
        CertArg::Sign => CertificateFile::SignCertificate,
        CertArg::AuthCa => CertificateFile::AuthCa,
        CertArg::SignCa => CertificateFile::SignCa,
    };
    // The password before the card: nobody holds the card while typing.
    let password = match a.cert {
        CertArg::Sign => Some(secret(&a.pin, pin_name(PinRef::Sign))?),
        _ => None,
    };
    // Reset afterwards whenever a PIN may be verified (sign cert; auth cert on a smartphone).
    let may_verify = matches!(a.cert, CertArg::Sign | CertArg::Auth);
    let (_, der) = with_card(&a.reader, may_verify, |t| {
        let mut card = JpkiCard::new(t);
        match (a.cert, &password) {
            (CertArg::Sign, Some(password)) => {
                verify(&mut card, PinRef::Sign, password, &a.pin)?;
                wait(card.read_certificate(file))
            }
            // Free on a card; the Android token wants the auth PIN first. Try without, so a
            // card costs no extra APDU, and ask for the PIN only when the token says so.
            (CertArg::Auth, _) => match block_on(card.read_certificate(file)) {
                Ok(der) => Ok(der),
                Err(first) => {
                    if wait(card.token())? != Token::Android {
                        return Err(first.into());
                    }
                    let pin = secret(&a.pin, pin_name(PinRef::Auth))?;
                    verify(&mut card, PinRef::Auth, &pin, &a.pin)?;
                    wait(card.read_certificate(file))
                }
            },
            _ => wait(card.read_certificate(file)),
        }
    })?;
    match &a.out {
        Some(path) => write_private(path, &der),
        None => {
            let cert = jpki_verify::parse_certificate(&der)?;
            print_stdout(&serde_json::to_string_pretty(&cert).map_err(|e| json_failure(&e))?)
        }
    }
}

/// Writes `bytes` to `path`, readable by the owner only on Unix (a signature certificate
/// carries the holder's name, address and date of birth).
fn write_private(path: &std::path::Path, bytes: &[u8]) -> Result<(), Failure> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.flush()))
        .map_err(|e| Failure::input("JPKI_IO", format!("{}: {e}", path.display())))
}

fn now() -> Result<i64, Failure> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .map_err(|e| Failure::input("JPKI_INTERNAL", e.to_string()))
}

fn sign(a: &SignArgs) -> Result<(), Failure> {
    let (purpose, key, pin) = match a.purpose {
        PurposeArg::Login => (jpki_verify::Purpose::Login, KeyRef::Auth, PinRef::Auth),
        PurposeArg::AccountOpening => (jpki_verify::Purpose::AccountOpening, KeyRef::Sign, PinRef::Sign),
        PurposeArg::Sign => (jpki_verify::Purpose::Sign, KeyRef::Sign, PinRef::Sign),
        PurposeArg::Renewal => (jpki_verify::Purpose::Renewal, KeyRef::Sign, PinRef::Sign),
    };
    let iat = match &a.at {
        Some(t) => jpki_verify::time::parse_rfc3339(t).map_err(jpki_verify::Error::from)?,
        None => now()?,
    };
    let txn = a
        .txn
        .as_deref()
        .map(serde_json::from_str::<serde_json::Value>)
        .transpose()
        .map_err(|e| Failure::input("JPKI_INVALID_OPTIONS", format!("--txn: not JSON: {e}")))?;
    let request = AssertionRequest {
        audience: a.audience.clone(),
        nonce: a.nonce.clone(),
        purpose,
        iat,
        exp: iat.saturating_add(i64::from(a.ttl)),
        txn,
        key,
        include_ca: a.include_ca,
    };
    // What the card client would refuse after the PIN, refused before it is asked for.
    request.validate()?;
    let value = secret(&a.pin, pin_name(pin))?;
    let (_, jws) = with_card(&a.reader, true, |t| {
        let mut card = JpkiCard::new(t);
        verify(&mut card, pin, &value, &a.pin)?;
        wait(card.make_assertion(&request))
    })?;
    print_stdout(&jws)
}
