//! `jpki-verify inspect` end to end: the real binary on every test-PKI certificate and every
//! J-LIS anchor, and on broken files (exit 2, one line, stable code, no panic).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

#[path = "../../tests/common/bytes.rs"]
mod bytes;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn inspect(path: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jpki-verify"))
        .arg("inspect")
        .arg(path)
        .output()
        .expect("runs")
}

fn inspect_json(path: &Path) -> Value {
    let out = inspect(path);
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn write_temp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jpki-verify-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn every_test_pki_certificate() {
    let dir = repo().join("tests/fixtures/testpki");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".der") || name.ends_with(".key.der") {
            continue;
        }
        let j = inspect_json(&path);
        assert_eq!(j["environment"], "test", "{name}");
        let want_kind = if name.contains("sign") {
            "signature"
        } else {
            "authentication"
        };
        assert_eq!(j["kind"], want_kind, "{name}");
        if name.ends_with("-auth.der") || name.ends_with("-ca.der") {
            assert!(j["identity"].is_null(), "{name}: no identity");
        } else {
            assert!(j["identity"]["name"].is_string(), "{name}: identity");
        }
        // The library's model, serialised the same way, is what the CLI printed.
        let lib = jpki_verify::parse_certificate(&std::fs::read(&path).unwrap())
            .unwrap()
            .to_json();
        assert_eq!(j, lib, "{name}");
        n += 1;
    }
    assert_eq!(
        n, 40,
        "19 personas (incl. moved, lost, the smartphone and renewal ones) × 2 certificates + the two CAs"
    );
}

#[test]
fn identity_fields_in_cli_json() {
    let dir = repo().join("tests/fixtures/testpki");
    let kaoru = inspect_json(&dir.join("kaoru-sign.der"));
    let dob = &kaoru["identity"]["dateOfBirth"];
    assert_eq!(
        (dob["era"].as_str(), dob["eraCode"].as_u64(), dob["gregorian"].as_str()),
        (Some("unknown"), Some(0), Some("1945-08"))
    );
    assert!(dob["day"].is_null() && dob.get("eraYear").is_none());
    assert_eq!(kaoru["identity"]["sex"], "unknown");
    let hanako = inspect_json(&dir.join("hanako-sign.der"));
    assert_eq!(
        hanako["identity"]["nameSubstituted"],
        serde_json::json!([true, false, false, false, false])
    );
    assert_eq!(hanako["identity"]["dateOfBirth"]["eraName"], "平成");
    let taro = inspect_json(&dir.join("taro-sign.der"));
    assert_eq!(taro["serialNumber"], "10000000");
    assert_eq!(taro["keyBits"], 2048);
    assert_eq!(taro["policies"], serde_json::json!(["1.2.392.200149.8.5.1.0.20"]));
}

#[test]
fn six_jlis_anchors_with_generation_and_purpose() {
    for (file, purpose, generation) in [
        ("jpki-sign-ca-gen1-2015.cer", "signature", 1),
        ("jpki-sign-ca-gen2-2019.cer", "signature", 2),
        ("jpki-sign-ca-gen3-2023.cer", "signature", 3),
        ("jpki-auth-ca-gen1-2015.cer", "authentication", 1),
        ("jpki-auth-ca-gen2-2019.cer", "authentication", 2),
        ("jpki-auth-ca-gen3-2023.cer", "authentication", 3),
    ] {
        let j = inspect_json(&repo().join("anchors/jlis").join(file));
        assert_eq!(
            (j["role"].as_str(), j["kind"].as_str(), j["caGeneration"].as_u64()),
            (Some("ca"), Some(purpose), Some(generation)),
            "{file}"
        );
        assert_eq!(j["anchor"]["id"], file.trim_end_matches(".cer"));
        assert_eq!(j["anchor"]["source"], "jlis");
        assert_eq!(j["environment"], "production");
    }
}

#[test]
fn pem_input() {
    let der = std::fs::read(repo().join("anchors/jlis/jpki-sign-ca-gen3-2023.cer")).unwrap();
    let b64 = base64_lines(&der);
    let p = write_temp(
        "gen3.pem",
        format!("-----BEGIN CERTIFICATE-----\n{b64}-----END CERTIFICATE-----\n").as_bytes(),
    );
    assert_eq!(inspect_json(&p)["caGeneration"], 3);
}

fn base64_lines(der: &[u8]) -> String {
    let s = bytes::base64_standard(der);
    s.as_bytes()
        .chunks(64)
        .map(|l| format!("{}\n", std::str::from_utf8(l).unwrap()))
        .collect()
}

fn expect_refusal(path: &Path, code: &str) {
    let out = inspect(path);
    assert_eq!(out.status.code(), Some(2), "{}", path.display());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with(&format!("jpki-verify: {code}: ")), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn malformed_files_exit_2_with_a_code() {
    let taro = std::fs::read(repo().join("tests/fixtures/testpki/taro-sign.der")).unwrap();
    expect_refusal(&write_temp("truncated.der", &taro[..taro.len() - 10]), "JPKI_MALFORMED");
    let mut trailing = taro.clone();
    trailing.push(0);
    expect_refusal(&write_temp("trailing.der", &trailing), "JPKI_MALFORMED");
    let mut wrong = taro.clone();
    wrong[4] = 0x04;
    expect_refusal(&write_temp("wrongtag.der", &wrong), "JPKI_MALFORMED");
    let mut big = vec![0x30u8; 10 * 1024 * 1024];
    big[1] = 0x84;
    expect_refusal(&write_temp("big.der", &big), "JPKI_INPUT_TOO_LARGE");
    expect_refusal(
        &write_temp(
            "garbage.pem",
            b"-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n",
        ),
        "JPKI_MALFORMED",
    );
    expect_refusal(&write_temp("empty.der", b""), "JPKI_MALFORMED");
    expect_refusal(Path::new("/nonexistent/cert.der"), "JPKI_IO");
}

#[test]
fn usage_errors_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_jpki-verify"))
        .arg("inspect")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn closed_stdout_pipe_is_not_a_panic() {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_jpki-verify"))
        .arg("inspect")
        .arg(repo().join("tests/fixtures/testpki/ichiro-sign.der"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, like `| head -0`
    let out = child.wait_with_output().unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn every_file_in_the_fixture_folder_gets_json_or_a_named_refusal() {
    for entry in std::fs::read_dir(repo().join("tests/fixtures/testpki")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let out = inspect(&path);
        let err = String::from_utf8_lossy(&out.stderr);
        if name.ends_with(".key.der") {
            assert_eq!(out.status.code(), Some(2), "{name}");
            assert!(err.contains("PKCS#8 private key, not a certificate"), "{name}: {err}");
        } else if name.ends_with(".der") {
            assert!(out.status.success(), "{name}: {err}");
        } else {
            assert_eq!(out.status.code(), Some(2), "{name}");
            assert!(err.starts_with("jpki-verify: JPKI_MALFORMED: "), "{name}: {err}");
        }
        assert!(!err.contains("panicked"), "{name}");
    }
}
