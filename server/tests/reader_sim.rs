//! `jpki-verify reader-sim` as a process, and `jpki-verify card … --rcs380 HOST:PORT` (our
//! RC-S380 driver over its TCP contract) against it: the certificates read equal the virtual
//! card's (the test PKI files), and every injected fault ends in its typed error code.

#![cfg(feature = "card")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_jpki-verify");

/// A reader-sim on a free port; killed when dropped.
struct Sim {
    child: Child,
    address: String,
}

impl Sim {
    fn start(fault: &str) -> Sim {
        let mut child = Command::new(BIN)
            .args([
                "reader-sim",
                "--model",
                "rcs380",
                "--listen",
                "127.0.0.1:0",
                "--fault",
                fault,
            ])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        stderr.read_line(&mut line).unwrap();
        // Keep draining: the simulator reports each closed connection on stderr.
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        let address = line
            .split_whitespace()
            .find(|w| w.starts_with("127.0.0.1:"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_owned();
        Sim { child, address }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `jpki-verify card ARGS --rcs380 ADDR`; (exit code, stdout, stderr).
fn card(sim: &Sim, args: &[&str], password: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(BIN);
    cmd.arg("card")
        .args(args)
        .args(["--rcs380", &sim.address, "--wait-for-card", "1"]);
    if let Some(p) = password {
        cmd.env("TEST_PASSWORD", p).args(["--pin-env", "TEST_PASSWORD"]);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn testpki(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../embedded/testpki")
            .join(name),
    )
    .unwrap()
}

#[test]
fn certificates_read_over_the_rcs380_path_equal_the_virtual_cards() {
    let sim = Sim::start("none");
    let dir = tempfile_dir();
    let auth = dir.join("auth.der");
    let (code, _, err) = card(&sim, &["read", "--out", auth.to_str().unwrap()], None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&auth).unwrap(), testpki("taro-auth.der"));
    let sign = dir.join("sign.der");
    let (code, _, err) = card(
        &sim,
        &["read", "--cert", "sign", "--out", sign.to_str().unwrap()],
        Some("ABC123"),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&sign).unwrap(), testpki("taro-sign.der"));
    let (code, out, err) = card(&sim, &["status"], None);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\"signPasswordTriesLeft\": 5") && out.contains("RC-S380"),
        "{out}"
    );
}

#[test]
fn faults_end_in_typed_errors() {
    let cases: [(&str, &[&str], Option<&str>, &str); 5] = [
        ("card-absent", &["read"], None, "JPKI_NO_CARD"),
        ("not-iso-dep", &["read"], None, "JPKI_READER_PROTOCOL"),
        ("remove-during-read", &["read"], None, "JPKI_CARD_REMOVED"),
        ("unplug-during-read", &["read"], None, "JPKI_READER_UNPLUGGED"),
        (
            "remove-during-verify",
            &["read", "--cert", "sign"],
            Some("WRONG1"),
            "JPKI_CARD_REMOVED",
        ),
    ];
    for (fault, args, password, code) in cases {
        let sim = Sim::start(fault);
        let dir = tempfile_dir();
        let out = dir.join("x.der");
        let mut all = args.to_vec();
        all.extend(["--out", out.to_str().unwrap()]);
        let (exit, _, err) = card(&sim, &all, password);
        assert_eq!(exit, 2, "{fault}: {err}");
        assert!(err.contains(code), "{fault}: {err}");
        if fault == "remove-during-verify" {
            assert!(err.contains("may have counted"), "{err}");
        }
        assert!(!out.exists(), "{fault}");
    }
    // Recovered faults read the right bytes.
    for fault in ["lost-block", "crc-error", "slow-card"] {
        let sim = Sim::start(fault);
        let dir = tempfile_dir();
        let out = dir.join("auth.der");
        let (exit, _, err) = card(&sim, &["read", "--out", out.to_str().unwrap()], None);
        assert_eq!(exit, 0, "{fault}: {err}");
        assert_eq!(std::fs::read(&out).unwrap(), testpki("taro-auth.der"), "{fault}");
    }
}

#[test]
fn no_reader_listening() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    drop(listener);
    let out = Command::new(BIN)
        .args(["card", "read", "--rcs380", &address])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("JPKI_READER_NOT_FOUND"));
}

#[test]
fn unknown_fault_is_refused() {
    let out = Command::new(BIN)
        .args(["reader-sim", "--fault", "gremlins"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown fault"));
}

fn tempfile_dir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "jpki-reader-sim-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The RC-S300 model over the same TCP contract: one escape command in, one escape reply out.
#[test]
fn the_rcs300_model_answers_escape_messages() {
    use std::io::{Read, Write};
    let mut child = Command::new(BIN)
        .args([
            "reader-sim",
            "--model",
            "rcs300",
            "--listen",
            "127.0.0.1:0",
            "--connections",
            "1",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("rcs300"), "{line}");
    let address = line
        .split_whitespace()
        .find(|w| w.starts_with("127.0.0.1:"))
        .unwrap()
        .to_owned();
    let mut s = std::net::TcpStream::connect(&address).unwrap();
    // End transparent session (readers.md §2.3), seq 1.
    let frame = [
        0x6B, 0x08, 0, 0, 0, 0x00, 0x01, 0, 0, 0, 0xFF, 0x50, 0x00, 0x00, 0x02, 0x82, 0x00, 0x00,
    ];
    s.write_all(&(frame.len() as u16).to_be_bytes()).unwrap();
    s.write_all(&frame).unwrap();
    let mut len = [0u8; 2];
    s.read_exact(&mut len).unwrap();
    let mut reply = vec![0u8; usize::from(u16::from_be_bytes(len))];
    s.read_exact(&mut reply).unwrap();
    assert_eq!(reply, [0x83, 0x02, 0, 0, 0, 0x00, 0x01, 0x00, 0x00, 0x00, 0x90, 0x00]);
    drop(s);
    assert!(child.wait().unwrap().success());
}
