//! `jpki-verify`: the command line of the jpki-verify SDK.
//!
//! | command | what it does |
//! |---|---|
//! | `inspect FILE` | parse a certificate (DER or PEM) and print the JPKI model as JSON |
//! | `testpki DIR` | regenerate the deterministic test PKI into DIR |
//!
//! Exit codes: 0 success, 2 bad input or usage (one line on stderr: `jpki-verify: CODE: message`).

#![forbid(unsafe_code)]

mod cli;

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
    /// Parse a certificate (DER or PEM) and print the JPKI certificate model as JSON.
    Inspect {
        /// Certificate file (DER or PEM).
        file: std::path::PathBuf,
    },
    /// Regenerate the deterministic test PKI (same bytes every run) into DIR.
    Testpki {
        /// Output folder, normally tests/fixtures/testpki.
        dir: std::path::PathBuf,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match args.command {
        Command::Inspect { file } => cli::inspect::run(&file),
        Command::Testpki { dir } => cli::testpki::run(&dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("jpki-verify: {}: {}", failure.code, failure.message.replace('\n', " "));
            ExitCode::from(failure.exit_code)
        }
    }
}
