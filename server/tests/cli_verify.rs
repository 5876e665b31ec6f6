//! `jpki-verify verify FILE --audience A --nonce N --trust test --at T`: JSON verdict on stdout,
//! exit 0 valid, 1 invalid, 2 usage — on the fixture manifest's cases.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/assertions")
}

fn run(case: &Value) -> (Option<i32>, Value) {
    let o = &case["options"];
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jpki-verify"));
    cmd.arg("verify")
        .arg(fixtures().join(case["file"].as_str().unwrap()))
        .args(["--audience", o["audience"].as_str().unwrap()])
        .args(["--nonce", o["nonce"].as_str().unwrap()])
        .args(["--purpose", o["purpose"].as_str().unwrap()])
        .args(["--trust", o["trust"].as_str().unwrap()])
        .args(["--at", &jpki_verify::time::to_rfc3339(o["time"].as_i64().unwrap())])
        .args(["--skew", &o["skewSeconds"].to_string()]);
    if let Some(r) = o.get("revocationUnchecked").and_then(Value::as_str) {
        cmd.args(["--revocation-unchecked", r]);
    }
    if o.get("cmsValidityAt").and_then(Value::as_str) == Some("signingTime") {
        cmd.arg("--at-signing-time");
    }
    if let Some(d) = case.get("detachedContent").and_then(Value::as_str) {
        cmd.arg("--detached").arg(fixtures().join(d));
    }
    if let Some(r) = case.get("revocation") {
        for crl in r["crls"].as_array().unwrap() {
            cmd.arg("--crl").arg(fixtures().join(crl.as_str().unwrap()));
        }
        if let Some(e) = r.get("external") {
            cmd.args(["--revocation-answer", &e.to_string()]);
        }
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (out.status.code(), serde_json::from_str(&stdout).unwrap_or(Value::Null))
}

#[test]
fn every_manifest_case_through_the_cli() {
    let manifest: Value = serde_json::from_slice(&std::fs::read(fixtures().join("manifest.json")).unwrap()).unwrap();
    let mut n = 0;
    for case in manifest["cases"].as_array().unwrap() {
        let (code, verdict) = run(case);
        let valid = case["expect"]["valid"].as_bool().unwrap();
        assert_eq!(code, Some(if valid { 0 } else { 1 }), "{}", case["name"]);
        assert_eq!(verdict["valid"], valid, "{}", case["name"]);
        assert_eq!(
            verdict["errors"]
                .get(0)
                .map(|e| e["code"].clone())
                .unwrap_or(Value::Null),
            case["expect"]["code"],
            "{}",
            case["name"]
        );
        if let Some(rev) = case["expect"].get("revocation") {
            assert_eq!(verdict["revocation"]["status"], rev["status"], "{}", case["name"]);
            assert_eq!(
                verdict["revocation"].get("reason").cloned().unwrap_or(Value::Null),
                rev["reason"],
                "{}",
                case["name"]
            );
        }
        n += 1;
    }
    assert!(n >= 40);
}

#[test]
fn bad_options_exit_2() {
    let jws = fixtures().join("jws-account-opening-taro.jws");
    let out = Command::new(env!("CARGO_BIN_EXE_jpki-verify"))
        .arg("verify")
        .arg(&jws)
        .args([
            "--audience",
            "https://bank.example.jp",
            "--nonce",
            "short",
            "--trust",
            "test",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("jpki-verify: JPKI_INVALID_OPTIONS: "));
}
