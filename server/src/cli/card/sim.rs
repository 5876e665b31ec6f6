//! `jpki-verify card sim --vpcd HOST:PORT`: the virtual JPKI card, plugged into vsmartcard's
//! vpcd reader driver so that pcscd (and through it OpenSC, or `jpki-verify card …`) sees a card.
//!
//! vpcd protocol (vsmartcard `virtualsmartcard/doc/api.rst`, `src/vpcd/vpcd.c`): pcscd's vpcd
//! driver listens, the card connects as a TCP client. Every message in both directions is a
//! 2-byte big-endian length and that many bytes. vpcd → card: one byte `00` power off,
//! `01` power on, `02` reset (no reply), `04` get ATR (reply: the ATR); anything longer is a
//! C-APDU (reply: the R-APDU with SW1 SW2). A closed socket is card removal: the simulator
//! exits 0.
//!
//! The simulated card's secrets come from the environment, never from argv:
//! `JPKI_SIM_AUTH_PIN` (default `1234`) and `JPKI_SIM_SIGN_PASSWORD` (default `ABC123`). These
//! are test values for a test persona; the simulator holds no real key.
//!
//! `JPKI_SIM_APDU_LOG=PATH` appends one lowercase hex line per C-APDU to PATH (for counting
//! what a client sends). The data field of VERIFY / CHANGE REFERENCE DATA / RESET RETRY
//! COUNTER is written as `*` characters, so a PIN never reaches the log.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use jpki_verify::card::{VirtualCard, VirtualCardConfig, VirtualToken};

use crate::cli::Failure;

/// Environment variable with the simulated card's authentication PIN.
const ENV_AUTH_PIN: &str = "JPKI_SIM_AUTH_PIN";
/// Environment variable with the simulated card's signature password.
const ENV_SIGN_PASSWORD: &str = "JPKI_SIM_SIGN_PASSWORD";
/// Environment variable naming the APDU log file.
const ENV_APDU_LOG: &str = "JPKI_SIM_APDU_LOG";

/// Arguments of `card sim`.
#[derive(clap::Args)]
pub(crate) struct SimArgs {
    /// Where pcscd's vpcd driver listens (35963 = "Virtual PCD 00 00", 35964 = "… 00 01").
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:35963")]
    vpcd: String,
    /// Test persona whose certificates and keys the card holds.
    #[arg(long, default_value = "taro")]
    persona: String,
    /// Which JPKI token to simulate: a My Number Card, or an Android or iPhone smartphone
    /// certificate (default: the persona's own; `android` and `iphone` are smartphones).
    #[arg(long, value_enum)]
    token: Option<TokenArg>,
    /// Keep retrying the connection this long (seconds) while pcscd is not listening yet.
    #[arg(long, default_value_t = 60)]
    connect_timeout: u64,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum TokenArg {
    Card,
    Android,
    Iphone,
}

pub(crate) fn run(a: &SimArgs) -> Result<(), Failure> {
    let config = VirtualCardConfig {
        persona: a.persona.clone(),
        token: match a.token {
            None => VirtualToken::of_persona(&a.persona),
            Some(TokenArg::Card) => VirtualToken::Card,
            Some(TokenArg::Android) => VirtualToken::Android,
            Some(TokenArg::Iphone) => VirtualToken::Iphone,
        },
        auth_pin: secret_from_env(ENV_AUTH_PIN, "1234")?,
        sign_password: secret_from_env(ENV_SIGN_PASSWORD, "ABC123")?,
    };
    let mut card = VirtualCard::new(config)?;
    let mut log = match std::env::var_os(ENV_APDU_LOG) {
        Some(path) => Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| io_failure(&format!("{ENV_APDU_LOG}={}", path.to_string_lossy()), &e))?,
        ),
        None => None,
    };
    let mut stream = Vpcd(connect(&a.vpcd, Duration::from_secs(a.connect_timeout))?);
    eprintln!("card sim: connected to vpcd at {} (persona {})", a.vpcd, a.persona);
    let served = serve(&mut stream, &mut card, log.as_mut());
    eprintln!("card sim: vpcd closed the connection after {served} APDUs; exiting");
    Ok(())
}

pub(crate) fn secret_from_env(name: &str, default: &str) -> Result<String, Failure> {
    match std::env::var(name) {
        Ok(v) => Ok(v),
        Err(std::env::VarError::NotPresent) => Ok(default.to_owned()),
        Err(std::env::VarError::NotUnicode(_)) => Err(Failure::input(
            "JPKI_INVALID_OPTIONS",
            format!("{name} is not valid UTF-8"),
        )),
    }
}

pub(crate) fn io_failure(what: &str, e: &std::io::Error) -> Failure {
    Failure::input("JPKI_IO", format!("{what}: {e}"))
}

/// Connects to vpcd, retrying while nothing listens yet (pcscd starting) until `patience`.
fn connect(target: &str, patience: Duration) -> Result<TcpStream, Failure> {
    let deadline = Instant::now() + patience;
    loop {
        let addrs: Vec<SocketAddr> = target
            .to_socket_addrs()
            .map_err(|e| Failure::input("JPKI_INVALID_OPTIONS", format!("--vpcd {target}: {e}")))?
            .collect();
        let mut last = None;
        for addr in &addrs {
            match TcpStream::connect_timeout(addr, Duration::from_secs(2)) {
                Ok(s) => {
                    // Short request/response messages: do not let Nagle delay them.
                    s.set_nodelay(true).map_err(|e| io_failure("vpcd socket", &e))?;
                    return Ok(s);
                }
                Err(e) => last = Some(e),
            }
        }
        if Instant::now() >= deadline {
            let why = last.map_or_else(|| "no address".to_owned(), |e| e.to_string());
            return Err(jpki_verify::Error::CardIo {
                reason: format!("cannot connect to vpcd at {target} ({why}); is pcscd running with vsmartcard-vpcd?"),
            }
            .into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The vpcd connection. vpcd sends each message as two `send()` calls (length, then payload),
/// so with Nagle on its side the payload waits for our ACK of the length, which Linux delays by
/// up to 40 ms: about 45 ms per APDU. Asking for quick ACKs before every read removes that.
struct Vpcd(TcpStream);

impl Read for Vpcd {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // The kernel leaves quick-ACK mode on its own, so it is set again before each read; a
        // failure only costs latency.
        #[cfg(any(target_os = "linux", target_os = "android"))]
        let _ = socket2::SockRef::from(&self.0).set_tcp_quickack(true);
        self.0.read(buf)
    }
}

impl Write for Vpcd {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Outcome of reading one vpcd message.
enum Message {
    Control(u8),
    Apdu(Vec<u8>),
    Closed,
}

/// Reads one length-prefixed message. The 2-byte length bounds the buffer at 64 KiB.
fn read_message(stream: &mut impl Read) -> std::io::Result<Message> {
    let mut len = [0u8; 2];
    match stream.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(Message::Closed),
        Err(e) => return Err(e),
    }
    let n = usize::from(u16::from_be_bytes(len));
    let mut body = vec![0u8; n];
    match stream.read_exact(&mut body) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(Message::Closed),
        Err(e) => return Err(e),
    }
    Ok(match body.as_slice() {
        [control] => Message::Control(*control),
        _ => Message::Apdu(body),
    })
}

fn write_message(stream: &mut impl Write, payload: &[u8]) -> std::io::Result<()> {
    let len = u16::try_from(payload.len())
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "reply longer than 65535 bytes"))?;
    let mut frame = Vec::with_capacity(payload.len() + 2);
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(payload);
    stream.write_all(&frame)?;
    stream.flush()
}

/// Serves vpcd until it closes the connection (or the socket fails); returns the APDU count.
fn serve(stream: &mut (impl Read + Write), card: &mut VirtualCard, mut log: Option<&mut std::fs::File>) -> u64 {
    let mut apdus = 0u64;
    loop {
        let message = match read_message(stream) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("card sim: vpcd read failed: {e}");
                return apdus;
            }
        };
        let reply = match message {
            Message::Closed => return apdus,
            Message::Control(0x00) => {
                card.power_off();
                None
            }
            Message::Control(0x01) => {
                card.power_on();
                None
            }
            Message::Control(0x02) => {
                card.reset();
                None
            }
            Message::Control(0x04) => Some(card.atr().to_vec()),
            Message::Control(other) => {
                eprintln!("card sim: ignoring unknown vpcd control byte {other:02x}");
                None
            }
            Message::Apdu(apdu) => {
                apdus += 1;
                if let Some(file) = log.as_deref_mut() {
                    let line = redacted_hex(&apdu);
                    if let Err(e) = writeln!(file, "{line}").and_then(|()| file.flush()) {
                        eprintln!("card sim: {ENV_APDU_LOG}: {e}");
                    }
                }
                Some(card.process(&apdu))
            }
        };
        if let Some(reply) = reply {
            if let Err(e) = write_message(stream, &reply) {
                eprintln!("card sim: vpcd write failed: {e}");
                return apdus;
            }
        }
    }
}

/// The C-APDU as lowercase hex, with the data field of the PIN commands (VERIFY `20`,
/// CHANGE REFERENCE DATA `24`, RESET RETRY COUNTER `2C`) replaced by `*`.
fn redacted_hex(apdu: &[u8]) -> String {
    let secret_ins = matches!(apdu.get(1), Some(0x20 | 0x21 | 0x24 | 0x2c));
    let mut out = String::with_capacity(apdu.len() * 2);
    for (i, b) in apdu.iter().enumerate() {
        if secret_ins && i >= 5 {
            out.push_str("**");
        } else {
            out.push_str(&format!("{b:02x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn pin_data_never_logged() {
        assert_eq!(
            redacted_hex(&[0x00, 0x20, 0x00, 0x80, 0x04, 0x31, 0x32, 0x33, 0x34]),
            "0020008004********"
        );
        assert_eq!(redacted_hex(&[0x00, 0x20, 0x00, 0x80]), "00200080");
        assert_eq!(redacted_hex(&[0x00, 0xb0, 0x00, 0x00, 0x04]), "00b0000004");
        assert_eq!(
            redacted_hex(&[0x00, 0xa4, 0x02, 0x0c, 0x02, 0x00, 0x0a]),
            "00a4020c02000a"
        );
    }

    #[test]
    fn message_framing() {
        let mut input: &[u8] = &[0, 1, 4, 0, 4, 0xca, 0xfe, 0xba, 0xbe, 0, 9, 1];
        assert!(matches!(read_message(&mut input).unwrap(), Message::Control(4)));
        assert!(matches!(read_message(&mut input).unwrap(), Message::Apdu(a) if a == [0xca, 0xfe, 0xba, 0xbe]));
        // Closed in the middle of a message (9 bytes announced, 1 sent): card removal.
        assert!(matches!(read_message(&mut input).unwrap(), Message::Closed));
        assert!(matches!(read_message(&mut input).unwrap(), Message::Closed));
        let mut out = Vec::new();
        write_message(&mut out, &[0x90, 0x00]).unwrap();
        assert_eq!(out, [0, 2, 0x90, 0x00]);
    }
}
