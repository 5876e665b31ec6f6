//! `jpki-verify crl import FILE [--into DIR] [--trust jlis|test]`: parse a CRL, verify it
//! against the issuing (pinned) CA, and put it into DIR, where `serve --crl-dir DIR` picks it
//! up without a restart: the CRL itself (DER, verified again by the server on load) and its
//! compact index (`.crlidx`, loaded in milliseconds by servers started with
//! `--trust-crl-indexes`). Prints a progress bar on stderr for large files and a JSON summary
//! on stdout.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::time::Instant;

use jpki_verify::crypto::Ring;
use jpki_verify::revocation::crl::CrlIndex;
use jpki_verify::trust::TrustAnchors;

use super::Failure;
use crate::revocation::INDEX_EXTENSION;

/// Arguments of `crl`.
#[derive(clap::Args)]
pub(crate) struct CrlArgs {
    #[command(subcommand)]
    command: CrlCommand,
}

#[derive(clap::Subcommand)]
enum CrlCommand {
    /// Verify a CRL (DER or PEM) and save its index into the CRL folder.
    Import {
        /// The CRL file.
        file: PathBuf,
        /// The CRL folder (`serve --crl-dir`).
        #[arg(long, default_value = "crl")]
        into: PathBuf,
        /// Anchors the CRL must be signed by.
        #[arg(long, value_enum, default_value = "jlis")]
        trust: TrustArg,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum TrustArg {
    Jlis,
    Test,
}

/// Largest CRL accepted (J-LIS CRLs of a few million entries are tens of MB).
const MAX_CRL: u64 = 1 << 30;

pub(crate) fn run(a: &CrlArgs) -> Result<bool, Failure> {
    match &a.command {
        CrlCommand::Import { file, into, trust } => import(file, into, *trust),
    }
}

fn io(what: &str, e: impl std::fmt::Display) -> Failure {
    Failure::input("JPKI_IO", format!("{what}: {e}"))
}

/// A progress bar on stderr (only when stderr is a terminal or `JPKI_PROGRESS=1`).
struct Progress {
    on: bool,
    started: Instant,
}

impl Progress {
    fn new() -> Self {
        Progress {
            on: std::io::stderr().is_terminal() || std::env::var_os("JPKI_PROGRESS").is_some(),
            started: Instant::now(),
        }
    }

    fn bar(&self, what: &str, done: u64, total: u64) {
        if !self.on {
            return;
        }
        let pct = done.saturating_mul(100).checked_div(total).unwrap_or(100);
        let filled = usize::try_from(pct / 4).unwrap_or(25);
        eprint!(
            "\r{what:<10} [{}{}] {pct:>3}% {:>6.1} MB  {:>5.1} s",
            "#".repeat(filled),
            " ".repeat(25 - filled.min(25)),
            done as f64 / 1e6,
            self.started.elapsed().as_secs_f64()
        );
        let _ = std::io::stderr().flush();
    }

    fn step(&self, what: &str) {
        if self.on {
            eprint!("\r{what:<60}\r");
            eprint!("{what} …");
            let _ = std::io::stderr().flush();
        }
    }

    fn done(&self) {
        if self.on {
            eprintln!("\rdone in {:.2} s{:40}", self.started.elapsed().as_secs_f64(), "");
        }
    }
}

fn import(file: &PathBuf, into: &PathBuf, trust: TrustArg) -> Result<bool, Failure> {
    let progress = Progress::new();
    let mut f = std::fs::File::open(file).map_err(|e| io(&file.display().to_string(), e))?;
    let total = f.metadata().map(|m| m.len()).unwrap_or(0);
    if total > MAX_CRL {
        return Err(Failure::input(
            "JPKI_INPUT_TOO_LARGE",
            format!("{}: {total} bytes, more than {MAX_CRL}", file.display()),
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut chunk).map_err(|e| io(&file.display().to_string(), e))?;
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..n]);
        if bytes.len() as u64 > MAX_CRL {
            return Err(Failure::input("JPKI_INPUT_TOO_LARGE", "CRL larger than 1 GiB"));
        }
        progress.bar("reading", bytes.len() as u64, total);
    }
    let der = pem_or_der(bytes)?;
    let anchors = match trust {
        TrustArg::Jlis => TrustAnchors::jlis(),
        TrustArg::Test => TrustAnchors::test_pki(),
    };
    progress.step("verifying and indexing");
    let index = CrlIndex::build(&der, &anchors, &Ring)?;
    std::fs::create_dir_all(into).map_err(|e| io(&into.display().to_string(), e))?;
    let stem = format!(
        "{}-{}",
        index.anchor_id(),
        jpki_verify::time::to_rfc3339(index.this_update()).replace(':', "")
    );
    let crl_out = write_atomically(into, &format!("{stem}.crl"), &der)?;
    let index_out = write_atomically(into, &format!("{stem}.{INDEX_EXTENSION}"), &index.to_bytes())?;
    progress.done();
    let summary = serde_json::json!({
        "crl": crl_out.display().to_string(),
        "index": index_out.display().to_string(),
        "issuer": index.issuer(),
        "anchor": index.anchor_id(),
        "thisUpdate": jpki_verify::time::to_rfc3339(index.this_update()),
        "nextUpdate": index.next_update().map(jpki_verify::time::to_rfc3339),
        "crlNumber": index.crl_number(),
        "entries": index.len(),
        "crlSha256": index.crl_sha256_hex(),
        "indexBytes": index.memory_bytes(),
    });
    super::inspect::print_stdout(&serde_json::to_string_pretty(&summary).unwrap_or_default())?;
    Ok(true)
}

/// Writes `bytes` beside `name` in `dir`, then renames: the server never sees half a file.
fn write_atomically(dir: &std::path::Path, name: &str, bytes: &[u8]) -> Result<PathBuf, Failure> {
    let out = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes).map_err(|e| io(&tmp.display().to_string(), e))?;
    std::fs::rename(&tmp, &out).map_err(|e| io(&out.display().to_string(), e))?;
    Ok(out)
}

/// Accepts DER, or PEM with `-----BEGIN X509 CRL-----`.
fn pem_or_der(bytes: Vec<u8>) -> Result<Vec<u8>, Failure> {
    const BEGIN: &str = "-----BEGIN X509 CRL-----";
    const END: &str = "-----END X509 CRL-----";
    if bytes.first() == Some(&0x30) {
        return Ok(bytes);
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| Failure::input("JPKI_MALFORMED", "neither DER nor PEM"))?;
    let start = text
        .find(BEGIN)
        .ok_or_else(|| Failure::input("JPKI_MALFORMED", "no X509 CRL PEM block"))?;
    let body = &text[start + BEGIN.len()..];
    let end = body
        .find(END)
        .ok_or_else(|| Failure::input("JPKI_MALFORMED", "unterminated X509 CRL PEM block"))?;
    let b64: String = body[..end].chars().filter(|c| !c.is_ascii_whitespace()).collect();
    Ok(jpki_verify::encoding::decode_base64(b64.as_bytes())?)
}
