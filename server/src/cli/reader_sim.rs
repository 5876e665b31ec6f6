//! `jpki-verify reader-sim --model rcs380|rcs300 --listen HOST:PORT [--persona NAME] [--fault NAME]`:
//! the byte-exact RC-S380 simulator (or the RC-S300 vendor-interface model, experimental) (`jpki_verify::reader::sim`) with the virtual JPKI card on
//! it, served over TCP for tools that drive a reader through USB bulk transfers (nfcpy through
//! `scripts/nfcpy-check`, our own driver in `server/tests/reader_sim.rs`).
//!
//! The contract (`docs/kiosk.md`): **one TCP connection is one plugged-in reader**, freshly
//! powered, the card on it. Every USB bulk transfer travels as a 2-byte big-endian length and
//! its bytes: OUT transfers from the client (a zero-length packet is length 0); IN transfers
//! from the simulator, sent as soon as the device makes them available (after each OUT, the
//! ACK and the response frame). Closing the connection unplugs the reader; the simulator
//! closes it when a fault unplugs the reader.
//!
//! The card's secrets come from the environment, as for `card sim`: `JPKI_SIM_AUTH_PIN`
//! (default `1234`), `JPKI_SIM_SIGN_PASSWORD` (default `ABC123`).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

use jpki_verify::card::{VirtualCardConfig, VirtualToken};
use jpki_verify::reader::sim::{virtual_rcs300, virtual_rcs380, Fault, SimCounters, UsbSimulator};

use super::card::sim::{io_failure, secret_from_env};
use super::Failure;

/// Arguments of `reader-sim`.
#[derive(clap::Args)]
pub(crate) struct ReaderSimArgs {
    /// Which reader to simulate (USB 054C:06C3, the RC-S380/P).
    #[arg(long, value_enum, default_value = "rcs380")]
    model: Model,
    /// Address to listen on (port 0: any free port; the chosen address is printed).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:0")]
    listen: String,
    /// Test persona whose card is on the reader.
    #[arg(long, default_value = "taro")]
    persona: String,
    /// A fault to inject: none, card-absent, remove-during-read, remove-during-verify,
    /// remove-during-signing, slow-card, lost-block, crc-error, unplug-during-read, not-iso-dep.
    #[arg(long, default_value = "none")]
    fault: String,
    /// Exit after serving this many connections (default: serve until killed).
    #[arg(long)]
    connections: Option<u64>,
    /// Append one JSON line per closed connection to this file: the USB transfers, InCommRF
    /// commands and APDUs that client needed (for `make bench`).
    #[arg(long, value_name = "FILE")]
    stats: Option<std::path::PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Model {
    /// Sony RC-S380 (NFC Port-100).
    Rcs380,
    /// Sony RC-S300 vendor interface (EXPERIMENTAL model: Type B over it is unconfirmed on
    /// hardware; docs/kiosk.md).
    Rcs300,
}

pub(crate) fn run(a: &ReaderSimArgs) -> Result<(), Failure> {
    let fault = Fault::from_name(&a.fault)?;
    let model = a.model;
    let config = VirtualCardConfig {
        persona: a.persona.clone(),
        token: VirtualToken::Card,
        auth_pin: secret_from_env("JPKI_SIM_AUTH_PIN", "1234")?,
        sign_password: secret_from_env("JPKI_SIM_SIGN_PASSWORD", "ABC123")?,
    };
    // Refuse a bad persona before listening.
    virtual_rcs380(config.clone(), fault)?;
    let listener = TcpListener::bind(&a.listen).map_err(|e| io_failure(&format!("--listen {}", a.listen), &e))?;
    let local = listener.local_addr().map_err(|e| io_failure("listener address", &e))?;
    let name = match model {
        Model::Rcs380 => "rcs380",
        Model::Rcs300 => "rcs300 (experimental model)",
    };
    eprintln!(
        "reader-sim: {name} listening on {local} (persona {}, fault {})",
        a.persona, a.fault
    );
    for (served, stream) in (1u64..).zip(listener.incoming()) {
        let stream = stream.map_err(|e| io_failure("accept", &e))?;
        let config = config.clone();
        let stats = a.stats.clone();
        let handle = std::thread::spawn(move || {
            let peer = stream.peer_addr().map(|p| p.to_string()).unwrap_or_default();
            if let Some(c) = serve(stream, config, fault, model) {
                let line = format!(
                    "{{\"peer\":\"{peer}\",\"usbOut\":{},\"usbIn\":{},\"inCommRf\":{},\"cancels\":{},\"apdus\":{}}}",
                    c.usb.out, c.usb.r#in, c.usb.rf_exchanges, c.usb.cancels, c.apdus
                );
                eprintln!("reader-sim: connection closed: {line}");
                if let Some(path) = stats {
                    use std::io::Write as _;
                    let appended = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&path)
                        .and_then(|mut f| writeln!(f, "{line}"));
                    if let Err(e) = appended {
                        eprintln!("reader-sim: --stats {}: {e}", path.display());
                    }
                }
            }
        });
        if a.connections.is_some_and(|n| served >= n) {
            let _ = handle.join();
            break;
        }
    }
    Ok(())
}

/// What one connection's client needed.
struct Counts {
    usb: SimCounters,
    apdus: u64,
}

/// One plugged-in reader for the life of one connection; its counters at the end.
fn serve(mut stream: TcpStream, config: VirtualCardConfig<String>, fault: Fault, model: Model) -> Option<Counts> {
    let _ = stream.set_nodelay(true);
    let mut sim: Box<dyn UsbSimulator> = match model {
        Model::Rcs380 => Box::new(virtual_rcs380(config, fault).ok()?),
        Model::Rcs300 => Box::new(virtual_rcs300(config, fault).ok()?),
    };
    serve_transfers(&mut stream, sim.as_mut());
    Some(Counts {
        usb: sim.sim_counters(),
        apdus: sim.sim_apdus(),
    })
}

fn serve_transfers(stream: &mut TcpStream, sim: &mut dyn UsbSimulator) {
    loop {
        let mut len = [0u8; 2];
        if stream.read_exact(&mut len).is_err() {
            return; // unplugged by the client
        }
        let mut bytes = vec![0u8; usize::from(u16::from_be_bytes(len))];
        if stream.read_exact(&mut bytes).is_err() {
            return;
        }
        if sim.sim_transfer_out(&bytes).is_err() {
            return; // the fault unplugged the reader
        }
        let mut out = Vec::new();
        loop {
            match sim.sim_transfer_in() {
                Ok(Some(transfer)) => {
                    let Ok(n) = u16::try_from(transfer.len()) else { return };
                    out.extend_from_slice(&n.to_be_bytes());
                    out.extend_from_slice(&transfer);
                }
                Ok(None) => break,
                Err(_) => return,
            }
        }
        if !out.is_empty() && stream.write_all(&out).is_err() {
            return;
        }
    }
}
