//! The fuzz targets' committed corpora, replayed on the stable toolchain: every input in
//! `fuzz/replay/<target>/` (the minimised corpus of the 10-minute runs, `fuzz/README.md`) and
//! in the target's seeds goes through the same body the fuzzer runs (`fuzz/targets/<target>.rs`,
//! shared with `fuzz/fuzz_targets/`), so an input that once found nothing and now panics, or
//! breaks a target's invariant, fails `make test` without nightly or libFuzzer.
//!
//! Prints `N passed, N failed` per target; a target with no committed input fails (a replay
//! that replays nothing proves nothing).

#![cfg(all(not(target_arch = "wasm32"), feature = "virtual-card", feature = "reader"))]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report
#![allow(dead_code, unreachable_pub)] // the shared target bodies

use std::path::{Path, PathBuf};

#[path = "../fuzz/targets/apdu_response.rs"]
mod apdu_response;
#[path = "../fuzz/targets/assertion_claims.rs"]
mod assertion_claims;
#[path = "../fuzz/targets/card_client.rs"]
mod card_client;
#[path = "../fuzz/targets/certificate.rs"]
mod certificate;
#[path = "../fuzz/targets/crl.rs"]
mod crl;
#[path = "../fuzz/targets/numbers.rs"]
mod numbers;
#[path = "../fuzz/targets/ocsp_response.rs"]
mod ocsp_response;
#[path = "../fuzz/targets/options_json.rs"]
mod options_json;
#[path = "../fuzz/targets/rcs300_escape.rs"]
mod rcs300_escape;
#[path = "../fuzz/targets/rcs380_frame.rs"]
mod rcs380_frame;
#[path = "../fuzz/targets/reader_stack.rs"]
mod reader_stack;
#[path = "../fuzz/targets/verify_assertion.rs"]
mod verify_assertion;

/// A target's name and its body.
type Target = (&'static str, fn(&[u8]));

const TARGETS: &[Target] = &[
    ("certificate", certificate::run),
    ("assertion_claims", assertion_claims::run),
    ("verify_assertion", verify_assertion::run),
    ("options_json", options_json::run),
    ("crl", crl::run),
    ("ocsp_response", ocsp_response::run),
    ("apdu_response", apdu_response::run),
    ("card_client", card_client::run),
    ("rcs380_frame", rcs380_frame::run),
    ("rcs300_escape", rcs300_escape::run),
    ("reader_stack", reader_stack::run),
    ("numbers", numbers::run),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The seed folders of a target, as `fuzz/run.sh` passes them (relative to `fuzz/`).
fn seeds(target: &str) -> Vec<PathBuf> {
    let dirs: &[&str] = match target {
        "certificate" | "crl" => &["../tests/fixtures/testpki"],
        "assertion_claims" | "verify_assertion" => &["../tests/fixtures/assertions"],
        "options_json" => &["seeds/options_json"],
        "ocsp_response" => &["seeds/ocsp_response"],
        "card_client" => &["seeds/card_client"],
        "numbers" => &["seeds/numbers"],
        _ => &[],
    };
    dirs.iter().map(|d| fuzz_dir().join(d)).collect()
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    out.sort();
    out
}

#[test]
fn every_committed_input_of_every_target_replays_cleanly() {
    let mut failures = Vec::new();
    for (name, run) in TARGETS {
        let replay = files(&fuzz_dir().join("replay").join(name));
        assert!(!replay.is_empty(), "fuzz/replay/{name}/ holds no input");
        let mut inputs = replay;
        for dir in seeds(name) {
            inputs.extend(files(&dir));
        }
        let (mut passed, mut failed) = (0, 0);
        for path in &inputs {
            let data = std::fs::read(path).unwrap();
            match std::panic::catch_unwind(|| run(&data)) {
                Ok(()) => passed += 1,
                Err(_) => {
                    failed += 1;
                    failures.push(format!("{name}: {}", path.display()));
                }
            }
        }
        println!("{name}: {passed} passed, {failed} failed");
    }
    assert!(
        failures.is_empty(),
        "inputs that panic or break an invariant:\n{}",
        failures.join("\n")
    );
}
