//! `jpki-verify`: the command line of the jpki-verify SDK.
//!
//! | command | what it does |
//! |---|---|
//! | `serve` | the relying-party backend (API + the account-opening flow) |
//! | `inspect FILE` | parse a certificate (DER or PEM) and print the JPKI model as JSON |
//! | `verify FILE --audience A --nonce N` | verify a JWS/CMS assertion, print the verdict as JSON |
//! | `recheck --db URL --crl-dir DIR` | re-check stored accounts against current CRLs (現況確認) |
//! | `crl import FILE [--into DIR]` | verify a CRL against the pinned CA and save its compact index |
//! | `testpki DIR` | regenerate the deterministic test PKI into DIR |
//! | `card status\|read\|sign\|sim` | the JPKI card through PC/SC; `sim`: a virtual card for tests (feature `card`) |
//! | `platform-sim --answers FILE` | a platform operator's answers over HTTP, the test double of `serve --platform-operator` |
//!
//! Exit codes: 0 success (for `verify`: valid), 1 `verify`: invalid, 2 bad input or usage
//! (one line on stderr: `jpki-verify: CODE: message`).

#![forbid(unsafe_code)]

mod cli;
mod http_client;
mod platform_operator;
mod revocation;
mod serve;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Relying-party tools for JPKI (My Number Card) certificates.
#[derive(Parser)]
#[command(name = "jpki-verify", version, about)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the relying-party backend: challenges, verification, records, audit trail, and the
    /// account-opening flow (`--www`).
    Serve(Box<serve::ServeArgs>),
    /// Parse a certificate (DER or PEM) and print the JPKI certificate model as JSON.
    Inspect {
        /// Certificate file (DER or PEM).
        file: std::path::PathBuf,
    },
    /// Verify an assertion (JWS or CMS) and print the verdict as JSON (exit 0 valid, 1 invalid).
    Verify(cli::verify::VerifyArgs),
    /// Re-check every stored account's certificate against the current CRLs (現況確認) and
    /// record which changed (`GET /v1/rechecks` lists them).
    Recheck(serve::RecheckArgs),
    /// CRLs: `crl import FILE` verifies a CRL and saves its index into the CRL folder.
    Crl(cli::crl::CrlArgs),
    /// Regenerate the deterministic test PKI (same bytes every run) into DIR.
    Testpki {
        /// Output folder, normally tests/fixtures/testpki.
        dir: std::path::PathBuf,
        /// Write only the test CAs' CRLs, issued now and valid for a day (demo, `serve --crl-dir`).
        #[arg(long)]
        current_crls: bool,
        /// Write only the files the SDK compiles in (test CAs, the virtual card's personas),
        /// normally into embedded/testpki.
        #[arg(long, conflicts_with = "current_crls")]
        sdk_embedded: bool,
    },
    /// The JPKI card through PC/SC (status, read, sign), and a virtual card for tests (sim).
    #[cfg(feature = "card")]
    Card(cli::card::CardArgs),
    /// A simulated USB card reader (Sony RC-S380) with the virtual card on it, over TCP: one
    /// connection is one plugged-in reader, each bulk transfer a 2-byte length and its bytes
    /// (docs/kiosk.md). For nfcpy (scripts/nfcpy-check), the browser tests and the demo.
    #[cfg(feature = "card")]
    ReaderSim(cli::reader_sim::ReaderSimArgs),
    /// A platform operator's answers (J-LIS linkage, latest 4 basic information) served over
    /// HTTP from a file: the test double of `serve --platform-operator http://…`
    /// (docs/platform-operator.md).
    PlatformSim(platform_operator::sim::PlatformSimArgs),
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.command {
        Command::Serve(s) => serve::run(&s),
        Command::Inspect { file } => cli::inspect::run(&file).map(|()| true),
        Command::Verify(v) => cli::verify::run(&v),
        Command::Crl(c) => cli::crl::run(&c),
        Command::Recheck(r) => serve::run_recheck(&r),
        Command::Testpki {
            dir,
            current_crls,
            sdk_embedded,
        } => cli::testpki::run(&dir, current_crls, sdk_embedded).map(|()| true),
        #[cfg(feature = "card")]
        Command::Card(c) => cli::card::run(&c),
        #[cfg(feature = "card")]
        Command::ReaderSim(r) => cli::reader_sim::run(&r).map(|()| true),
        Command::PlatformSim(p) => platform_operator::sim::run(&p),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(failure) => {
            eprintln!("jpki-verify: {}: {}", failure.code, failure.message.replace('\n', " "));
            ExitCode::from(failure.exit_code)
        }
    }
}
