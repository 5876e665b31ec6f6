//! OpenSSL as the implementation we did not write: `openssl` subcommands in a scratch directory
//! and `openssl ocsp` responders. Included by the SDK's integration tests (`mod common;`) and by
//! the server's (`#[path]`).

#![allow(dead_code)] // each test binary uses part of it

use std::io::BufRead as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Runs `openssl args…` in `dir`; panics with its stderr when it fails.
pub(crate) fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("openssl must be installed (scripts/setup installs it)");
    assert!(
        out.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An `openssl ocsp` server process; dropping it kills and reaps that process.
pub(crate) struct OcspResponder {
    child: Child,
    /// The TCP port it listens on (127.0.0.1).
    pub(crate) port: u16,
}

impl Drop for OcspResponder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `openssl ocsp -index index.txt -port 0 -rsigner CERT -rkey KEY -CA CA -nmin 5
/// -ignore_err EXTRA…` in `dir` (stderr into `log`) and waits (20 s at most) for its
/// `ACCEPT [::]:PORT PID=…` line.
pub(crate) fn ocsp_responder(dir: &Path, signer: (&str, &str), ca: &str, extra: &[&str], log: Stdio) -> OcspResponder {
    let mut child = Command::new("openssl")
        .args([
            "ocsp",
            "-index",
            "index.txt",
            "-port",
            "0",
            "-rsigner",
            signer.0,
            "-rkey",
            signer.1,
        ])
        .args(["-CA", ca, "-nmin", "5", "-ignore_err"])
        .args(extra)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("openssl must be installed (scripts/setup installs it)");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut responder = OcspResponder { child, port: 0 };
    // Read the first line on a thread that then keeps draining the pipe, with a deadline.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(stdout);
        let mut line = String::new();
        let _ = lines.read_line(&mut line);
        let _ = tx.send(line);
        let _ = std::io::copy(&mut lines, &mut std::io::sink());
    });
    let line = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("openssl ocsp did not start");
    responder.port = line
        .split_whitespace()
        .nth(1)
        .and_then(|a| a.rsplit(':').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line from openssl ocsp: {line:?}"));
    responder
}
