//! `jpki-verify card …` through the real PC/SC stack: pcscd + vsmartcard's vpcd driver + our
//! virtual JPKI card (`jpki-verify card sim`), started by `scripts/pcsc-harness`. Also checks
//! that OpenSC's own JPKI driver (pkcs15-tool, pkcs11-tool) works with the virtual card, and
//! compares how many APDUs OpenSC and we need for "read the authentication certificate and
//! sign once".
//!
//! Nothing here is skipped: without pcscd / vpcd / OpenSC the tests FAIL with a message
//! (`make test` installs them through scripts/setup). Each test starts the harness and stops
//! what it started on the way out, even when it fails (a Drop guard); a mutex keeps the tests
//! of this file from sharing the one virtual reader at the same time.

#![cfg(feature = "card")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard};

#[path = "../../tests/common/bytes.rs"]
mod bytes;
use bytes::hex_lower;

use serde_json::Value;

/// The test PKI's validation instant (tests/fixtures/testpki/README.md).
const AT: &str = "2026-06-01T00:00:00Z";
const AUDIENCE: &str = "https://bank.example.jp";
const NONCE: &str = "_q4V4Mp8ENFXeEQBNFw47D5iwo03f7QXvt-8-gb8vos";
const READER: &str = "Virtual PCD 00 00";
/// The simulator's secrets (test values; the harness passes the defaults on).
const AUTH_PIN: &str = "1234";
const SIGN_PASSWORD: &str = "ABC123";
const OPENSC_PKCS11: &str = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so";

static ONE_READER: Mutex<()> = Mutex::new(());

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures/testpki").join(name)).unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("card_pcsc");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn require_tool(tool: &str, package: &str) {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
        .unwrap_or(false);
    assert!(
        found,
        "{tool} is not installed: the PC/SC tests need the Debian package {package} \
         (run scripts/setup, which `make test` does)"
    );
}

/// pcscd + vpcd + the virtual card, for the life of the value.
struct Harness {
    apdu_log: PathBuf,
    _one_reader: MutexGuard<'static, ()>,
}

impl Harness {
    fn start(name: &str) -> Harness {
        Harness::start_with(name, &[])
    }

    /// `env`: extra settings for scripts/pcsc-harness (e.g. `JPKI_SIM_TOKEN`).
    fn start_with(name: &str, env: &[(&str, &str)]) -> Harness {
        let guard = ONE_READER.lock().unwrap_or_else(|e| e.into_inner());
        for (tool, package) in [
            ("pcscd", "pcscd"),
            ("pcsc_scan", "pcsc-tools"),
            ("opensc-tool", "opensc"),
            ("pkcs15-tool", "opensc"),
            ("pkcs11-tool", "opensc"),
            ("openssl", "openssl"),
        ] {
            require_tool(tool, package);
        }
        assert!(
            Path::new("/etc/reader.conf.d/vpcd").is_file(),
            "vsmartcard-vpcd is not installed (/etc/reader.conf.d/vpcd missing): run scripts/setup"
        );
        assert!(
            Path::new(OPENSC_PKCS11).is_file(),
            "{OPENSC_PKCS11} missing: install opensc-pkcs11"
        );
        let apdu_log = tmp(&format!("{name}.apdu.log"));
        std::fs::write(&apdu_log, b"").unwrap();
        // From here on the guard stops whatever a (possibly partial) start left running.
        let harness = Harness {
            apdu_log,
            _one_reader: guard,
        };
        let out = harness_cmd("start")
            .envs(env.iter().copied())
            .env("JPKI_SIM_APDU_LOG", &harness.apdu_log)
            .env_remove("JPKI_SIM_AUTH_PIN")
            .env_remove("JPKI_SIM_SIGN_PASSWORD")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "scripts/pcsc-harness start failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        harness
    }

    /// Number of C-APDUs the virtual card received since the last call, and resets the log.
    fn take_apdus(&self) -> Vec<String> {
        let text = std::fs::read_to_string(&self.apdu_log).unwrap();
        std::fs::write(&self.apdu_log, b"").unwrap();
        text.lines().map(str::to_owned).collect()
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        match harness_cmd("stop").output() {
            Ok(out) if out.status.success() => {}
            Ok(out) => eprintln!("pcsc-harness stop: {}", String::from_utf8_lossy(&out.stderr)),
            Err(e) => eprintln!("pcsc-harness stop: {e}"),
        }
    }
}

fn harness_cmd(action: &str) -> Command {
    let mut cmd = Command::new(root().join("scripts/pcsc-harness"));
    cmd.arg(action)
        .env("JPKI_VERIFY_BIN", env!("CARGO_BIN_EXE_jpki-verify"))
        .stdin(Stdio::null());
    cmd
}

fn cli() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jpki-verify"));
    cmd.stdin(Stdio::null());
    cmd
}

fn card(args: &[&str]) -> Command {
    let mut cmd = cli();
    cmd.arg("card").args(args);
    cmd
}

fn ok(mut cmd: Command) -> Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed ({:?}):\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn status() -> Value {
    serde_json::from_str(&stdout(&ok(card(&["status", "--reader", READER])))).unwrap()
}

fn sign(purpose: &str, pin_env_value: &str) -> Command {
    let mut cmd = card(&[
        "sign",
        "--reader",
        READER,
        "--purpose",
        purpose,
        "--audience",
        AUDIENCE,
        "--nonce",
        NONCE,
        "--at",
        AT,
        "--pin-env",
        "TEST_CARD_PIN",
    ]);
    cmd.env("TEST_CARD_PIN", pin_env_value);
    cmd
}

/// `jpki-verify verify` on a JWS from the card: exit code and verdict.
fn verify_jws(jws: &str, purpose: &str, name: &str) -> (Option<i32>, Value) {
    let file = tmp(name);
    std::fs::write(&file, jws.trim()).unwrap();
    let out = cli()
        .arg("verify")
        .arg(&file)
        .args([
            "--trust",
            "test",
            "--purpose",
            purpose,
            "--audience",
            AUDIENCE,
            "--nonce",
            NONCE,
        ])
        .args(["--at", AT, "--revocation-unchecked", "warning"])
        .output()
        .unwrap();
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
    )
}

fn failure_line(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim().to_owned()
}

#[test]
fn status_read_and_sign_through_pcscd() {
    let _h = Harness::start("status_read_sign");

    let s = status();
    assert_eq!(s["reader"], READER, "{s}");
    assert_eq!(s["token"], "card", "{s}");
    assert_eq!(s["authPinTriesLeft"], 3, "{s}");
    assert_eq!(s["signPasswordTriesLeft"], 5, "{s}");
    // Without --reader: the first reader with a card is the virtual one.
    let s: Value = serde_json::from_str(&stdout(&ok(card(&["status"])))).unwrap();
    assert_eq!(s["reader"], READER, "{s}");

    // Certificates, byte for byte. The auth certificate and the CAs need no PIN on a card.
    for (cert, file) in [
        ("auth", "taro-auth.der"),
        ("auth-ca", "auth-ca.der"),
        ("sign-ca", "sign-ca.der"),
    ] {
        let out_file = tmp(&format!("read-{cert}.der"));
        let _ = std::fs::remove_file(&out_file);
        let mut cmd = card(&["read", "--reader", READER, "--cert", cert, "--out"]);
        cmd.arg(&out_file);
        ok(cmd);
        assert!(
            std::fs::read(&out_file).unwrap() == fixture(file),
            "card read --cert {cert} differs from {file}"
        );
    }
    let out_file = tmp("read-sign.der");
    let _ = std::fs::remove_file(&out_file);
    let mut cmd = card(&[
        "read",
        "--reader",
        READER,
        "--cert",
        "sign",
        "--pin-env",
        "TEST_CARD_PIN",
        "--out",
    ]);
    cmd.arg(&out_file).env("TEST_CARD_PIN", SIGN_PASSWORD);
    ok(cmd);
    assert!(
        std::fs::read(&out_file).unwrap() == fixture("taro-sign.der"),
        "card read --cert sign differs"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o600,
            "the signature certificate (personal data) is written owner-only"
        );
    }
    // The sign certificate without the password is refused before anything is read.
    let out = card(&[
        "read",
        "--reader",
        READER,
        "--cert",
        "sign",
        "--pin-env",
        "UNSET_TEST_VAR",
    ])
    .env_remove("UNSET_TEST_VAR")
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        failure_line(&out).starts_with("jpki-verify: JPKI_INVALID_OPTIONS: "),
        "{}",
        failure_line(&out)
    );

    // Without --out: the certificate model.
    let model: Value = serde_json::from_str(&stdout(&ok(card(&["read", "--reader", READER])))).unwrap();
    assert_eq!(model["kind"], "authentication", "{model}");

    // account-opening: signature key + password; the SDK's verifier accepts the JWS.
    let jws = stdout(&ok(sign("account-opening", SIGN_PASSWORD)));
    assert_eq!(jws.trim().split('.').count(), 3, "{jws}");
    let (code, verdict) = verify_jws(&jws, "account-opening", "account-opening.jws");
    assert_eq!(code, Some(0), "{verdict}");
    assert_eq!(verdict["valid"], true, "{verdict}");

    // login: authentication key + PIN, here from standard input instead of the environment.
    let mut cmd = card(&[
        "sign",
        "--reader",
        READER,
        "--purpose",
        "login",
        "--audience",
        AUDIENCE,
        "--nonce",
        NONCE,
        "--at",
        AT,
    ]);
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{AUTH_PIN}\n").as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", failure_line(&out));
    let (code, verdict) = verify_jws(&stdout(&out), "login", "login.jws");
    assert_eq!(code, Some(0), "{verdict}");
    // A login assertion is not an account-opening one.
    let (code, _) = verify_jws(&stdout(&out), "account-opening", "login-as-opening.jws");
    assert_eq!(code, Some(1));

    // The PIN state did not survive the commands (each ends with a card reset).
    let s = status();
    assert_eq!(
        (s["authPinTriesLeft"].as_u64(), s["signPasswordTriesLeft"].as_u64()),
        (Some(3), Some(5))
    );
}

#[test]
fn wrong_secrets_count_down_and_the_last_try_is_guarded() {
    let _h = Harness::start("wrong_secrets");
    let wrong = "WRONG9";
    for left in [4u64, 3, 2, 1] {
        let out = sign("account-opening", wrong).output().unwrap();
        let line = failure_line(&out);
        assert_eq!(out.status.code(), Some(2), "{line}");
        assert!(line.starts_with("jpki-verify: JPKI_PIN_INCORRECT: "), "{line}");
        assert!(line.contains(&format!("{left} tries left")), "{line}");
        assert!(
            !line.contains(wrong) && !stdout(&out).contains(wrong),
            "the password leaked: {line}"
        );
        assert_eq!(status()["signPasswordTriesLeft"], left);
        println!("wrong password: {line}");
    }
    // One try left: not sent without --allow-last-try, and the counter does not move.
    let out = sign("account-opening", SIGN_PASSWORD).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        failure_line(&out).starts_with("jpki-verify: JPKI_PIN_LAST_TRY_GUARD: "),
        "{}",
        failure_line(&out)
    );
    assert_eq!(status()["signPasswordTriesLeft"], 1);
    // With it, the right password succeeds and the counter is back to 5.
    let mut cmd = sign("account-opening", SIGN_PASSWORD);
    cmd.arg("--allow-last-try");
    let jws = stdout(&ok(cmd));
    assert_eq!(verify_jws(&jws, "account-opening", "last-try.jws").0, Some(0));
    assert_eq!(status()["signPasswordTriesLeft"], 5);

    // The auth PIN: wrong once, then right.
    let out = sign("login", "9999").output().unwrap();
    assert!(failure_line(&out).contains("JPKI_PIN_INCORRECT") && failure_line(&out).contains("2 tries left"));
    assert_eq!(status()["authPinTriesLeft"], 2);
    // A malformed PIN is refused before it is sent: no try spent.
    let out = sign("login", "12ab").output().unwrap();
    assert!(
        failure_line(&out).starts_with("jpki-verify: JPKI_PIN_FORMAT: "),
        "{}",
        failure_line(&out)
    );
    assert_eq!(status()["authPinTriesLeft"], 2);
    ok(sign("login", AUTH_PIN));
    assert_eq!(status()["authPinTriesLeft"], 3);
    // No secret reached any log: the simulator's APDU log records VERIFY data as `**`.
    let log = _h.take_apdus().join("\n").to_ascii_uppercase();
    assert!(log.contains("0020"), "the log saw the VERIFY commands");
    for secret in [wrong, SIGN_PASSWORD, AUTH_PIN, "9999"] {
        let as_hex = hex_lower(secret.as_bytes()).to_ascii_uppercase();
        assert!(!log.contains(&as_hex), "a PIN/password appears in the APDU log");
    }
}

/// pkcs15-tool / pkcs11-tool / opensc-tool, with OpenSC's own JPKI driver.
fn opensc(tool: &str, args: &[&str]) -> Output {
    let out = Command::new(tool).args(args).stdin(Stdio::null()).output().unwrap();
    assert!(
        out.status.success(),
        "{tool} {args:?} failed ({:?}):\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    let b64: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN CERTIFICATE-----"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    let out = Command::new("openssl")
        .args(["base64", "-d", "-A"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(b64.as_bytes())?;
            c.wait_with_output()
        })
        .unwrap();
    out.stdout
}

fn version(tool: &str, args: &[&str]) -> String {
    Command::new(tool)
        .args(args)
        .output()
        .map(|o| {
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
            text.lines().next().unwrap_or("").trim().to_owned()
        })
        .unwrap_or_default()
}

/// OpenSC's PKCS#11 token (one per PIN of the JPKI emulation) and key id of each key.
const AUTH_TOKEN: (&str, &str, &str) = ("JPKI (User Authentication PIN)", "01", AUTH_PIN);
const SIGN_TOKEN: (&str, &str, &str) = ("JPKI (Digital Signature PIN)", "02", SIGN_PASSWORD);

/// One `pkcs11-tool --sign` (SHA256-RSA-PKCS) with OpenSC's module, on `(token, key id, PIN)`.
fn pkcs11_sign((token, id, pin): (&str, &str, &str), data: &Path, sig: &Path) {
    let args = [
        "--module",
        OPENSC_PKCS11,
        "--token-label",
        token,
        "--login",
        "--pin",
        pin,
        "--sign",
        "--mechanism",
        "SHA256-RSA-PKCS",
        "--id",
        id,
        "-i",
        data.to_str().unwrap(),
        "-o",
        sig.to_str().unwrap(),
    ];
    opensc("pkcs11-tool", &args);
}

/// `sig` is an RSASSA-PKCS1-v1_5 SHA-256 signature of `data` by the key of `cert` (a test PKI
/// file), checked with openssl.
fn assert_signature_by(cert: &str, data: &Path, sig: &Path) {
    let pubkey = tmp(&format!("{cert}.pub.pem"));
    let cert_path = root().join("tests/fixtures/testpki").join(cert);
    let out = Command::new("openssl")
        .args(["x509", "-inform", "DER", "-in"])
        .arg(&cert_path)
        .args(["-pubkey", "-noout", "-out"])
        .arg(&pubkey)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = Command::new("openssl")
        .args(["dgst", "-sha256", "-verify"])
        .arg(&pubkey)
        .arg("-signature")
        .arg(sig)
        .arg(data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the OpenSC signature does not verify with {cert}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn opensc_reads_and_signs_with_the_virtual_card_and_needs_more_apdus_than_we_do() {
    let h = Harness::start("opensc");
    println!("OpenSC: {}", version("opensc-tool", &["--info"]));
    println!("pcsc-lite: {}", version("pcscd", &["--version"]));

    // Card detection: OpenSC's JPKI driver claims the card.
    let name = stdout(&opensc("opensc-tool", &["--reader", READER, "--name"]));
    println!("opensc-tool --name: {}", name.trim());
    assert!(name.to_lowercase().contains("jpki"), "{name}");

    // The PKCS#15 emulation lists our four certificates (ids 01 auth, 02 sign, 03/04 CAs).
    let list = stdout(&opensc("pkcs15-tool", &["--reader", READER, "--list-certificates"]));
    for label in [
        "User Authentication Certificate",
        "Digital Signature Certificate",
        "User Authentication Certificate CA",
        "Digital Signature Certificate CA",
    ] {
        assert!(list.contains(label), "{label} not listed:\n{list}");
    }
    for (id, file) in [("01", "taro-auth.der"), ("03", "auth-ca.der"), ("04", "sign-ca.der")] {
        let pem = stdout(&opensc("pkcs15-tool", &["--reader", READER, "--read-certificate", id]));
        assert!(
            pem_to_der(&pem) == fixture(file),
            "pkcs15-tool --read-certificate {id} differs from {file}"
        );
    }
    // The signature key through OpenSC's PKCS#11 module too (its own token, the password).
    let data = tmp("opensc-sign-data.bin");
    let sig = tmp("opensc-sign-data.sig");
    std::fs::write(&data, b"jpki-verify: signed with the signature key through OpenSC").unwrap();
    pkcs11_sign(SIGN_TOKEN, &data, &sig);
    assert_signature_by("taro-sign.der", &data, &sig);
    h.take_apdus();

    // "Read the authentication certificate and sign once", OpenSC's way …
    let data = tmp("opensc-data.bin");
    let sig = tmp("opensc-data.sig");
    std::fs::write(&data, b"jpki-verify: data signed through OpenSC").unwrap();
    let pem = stdout(&opensc(
        "pkcs15-tool",
        &["--reader", READER, "--read-certificate", "01"],
    ));
    pkcs11_sign(AUTH_TOKEN, &data, &sig);
    let opensc_apdus = h.take_apdus();
    assert!(pem_to_der(&pem) == fixture("taro-auth.der"));
    assert_signature_by("taro-auth.der", &data, &sig);
    assert!(
        opensc_apdus
            .iter()
            .all(|l| !l.contains(&hex_lower(AUTH_PIN.as_bytes()))),
        "the APDU log holds the PIN"
    );

    // … and ours.
    let out_file = tmp("ours-auth.der");
    let mut cmd = card(&["read", "--reader", READER, "--cert", "auth", "--out"]);
    cmd.arg(&out_file);
    ok(cmd);
    assert!(std::fs::read(&out_file).unwrap() == fixture("taro-auth.der"));
    let jws = stdout(&ok(sign("login", AUTH_PIN)));
    assert_eq!(verify_jws(&jws, "login", "ours-login.jws").0, Some(0));
    let our_apdus = h.take_apdus();

    let selects = |apdus: &[String]| apdus.iter().filter(|l| l.starts_with("00a4")).count();
    let line = format!(
        "APDUs for \"read the auth certificate + sign once\": OpenSC {} ({} SELECT), jpki-verify {} ({} SELECT)",
        opensc_apdus.len(),
        selects(&opensc_apdus),
        our_apdus.len(),
        selects(&our_apdus)
    );
    println!("{line}");
    // Kept for `make test`, which prints it (test output is captured when tests pass).
    let report = root().join("target/pcsc/apdu-counts.txt");
    let _ = std::fs::create_dir_all(report.parent().unwrap());
    let _ = std::fs::write(&report, format!("{line}\n"));
    println!("jpki-verify APDUs:\n  {}", our_apdus.join("\n  "));
    assert!(!our_apdus.is_empty() && !opensc_apdus.is_empty());
    assert!(
        our_apdus.len() <= opensc_apdus.len(),
        "jpki-verify sent {} APDUs, OpenSC {}",
        our_apdus.len(),
        opensc_apdus.len()
    );
}

#[test]
fn android_token_needs_the_auth_pin_for_its_certificate() {
    let _h = Harness::start_with("android", &[("JPKI_SIM_TOKEN", "android")]);
    let s = status();
    assert_eq!(s["token"], "android", "{s}");
    // No PIN source: refused with a usage error (stdin is empty), nothing read.
    let out_file = tmp("android-auth.der");
    let _ = std::fs::remove_file(&out_file);
    let mut cmd = card(&["read", "--reader", READER, "--cert", "auth", "--out"]);
    cmd.arg(&out_file);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        failure_line(&out).starts_with("jpki-verify: JPKI_INVALID_OPTIONS: "),
        "{}",
        failure_line(&out)
    );
    assert!(!out_file.exists());
    let mut cmd = card(&[
        "read",
        "--reader",
        READER,
        "--cert",
        "auth",
        "--pin-env",
        "TEST_CARD_PIN",
        "--out",
    ]);
    cmd.arg(&out_file).env("TEST_CARD_PIN", AUTH_PIN);
    ok(cmd);
    assert!(std::fs::read(&out_file).unwrap() == fixture("taro-auth.der"));
    let jws = stdout(&ok(sign("login", AUTH_PIN)));
    assert_eq!(verify_jws(&jws, "login", "android-login.jws").0, Some(0));
}

/// `card sim` speaks the vpcd protocol: it retries until something listens, answers power and
/// ATR messages and APDUs, and exits 0 when the socket closes. (No pcscd: the test plays vpcd.)
#[test]
fn sim_speaks_vpcd_and_exits_when_the_socket_closes() {
    use std::io::{Read, Write};
    use std::net::TcpListener;

    // A free port, released again: the simulator starts before anything listens there.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = tmp("sim-protocol.apdu.log");
    std::fs::write(&log, b"").unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut sim = Kill(
        cli()
            .args([
                "card",
                "sim",
                "--vpcd",
                &format!("127.0.0.1:{port}"),
                "--connect-timeout",
                "20",
            ])
            .env("JPKI_SIM_APDU_LOG", &log)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
    let (mut s, _) = listener.accept().unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let mut exchange = |msg: &[u8], reply: bool| -> Vec<u8> {
        let mut frame = u16::try_from(msg.len()).unwrap().to_be_bytes().to_vec();
        frame.extend_from_slice(msg);
        s.write_all(&frame).unwrap();
        if !reply {
            return Vec::new();
        }
        let mut len = [0u8; 2];
        s.read_exact(&mut len).unwrap();
        let mut body = vec![0u8; usize::from(u16::from_be_bytes(len))];
        s.read_exact(&mut body).unwrap();
        body
    };
    exchange(&[0x01], false); // power on
    assert_eq!(
        exchange(&[0x04], true),
        [0x3B, 0xE0, 0x00, 0xFF, 0x81, 0x31, 0xFE, 0x45, 0x14]
    );
    let select = [
        0x00, 0xA4, 0x04, 0x0C, 0x0A, 0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01,
    ];
    assert_eq!(exchange(&select, true), [0x90, 0x00]);
    assert_eq!(
        exchange(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18], true),
        [0x90, 0x00]
    );
    let verify = [0x00, 0x20, 0x00, 0x80, 0x04, b'1', b'2', b'3', b'4'];
    assert_eq!(exchange(&verify, true), [0x90, 0x00]);
    exchange(&[0x02], false); // reset: the PIN is no longer verified
    assert_eq!(exchange(&select, true), [0x90, 0x00]);
    assert_eq!(
        exchange(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18], true),
        [0x90, 0x00]
    );
    assert_eq!(exchange(&[0x00, 0x20, 0x00, 0x80], true), [0x63, 0xC3]);
    exchange(&[0x00], false); // power off
    drop(s);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let status = loop {
        if let Some(status) = sim.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "card sim did not exit after the socket closed"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success(), "card sim exited with {status:?}");
    let logged = std::fs::read_to_string(&log).unwrap();
    assert_eq!(logged.lines().count(), 6, "{logged}");
    assert!(
        logged.contains("0020008004********") && !logged.contains("31323334"),
        "{logged}"
    );
}

#[test]
fn harness_start_and_stop_are_idempotent() {
    let h = Harness::start("idempotent");
    let pid_files = || -> Vec<String> {
        ["pcscd.pid", "sim.pid"]
            .iter()
            .filter_map(|f| std::fs::read_to_string(root().join("target/pcsc").join(f)).ok())
            .collect()
    };
    let before = pid_files();
    assert!(!before.is_empty());
    // A second start starts nothing new.
    let out = harness_cmd("start").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already running"));
    assert_eq!(pid_files(), before);
    assert!(harness_cmd("status").output().unwrap().status.success());
    // Stop (while `h` still holds the one-reader lock; its Drop stops again, a no-op).
    assert!(harness_cmd("stop").output().unwrap().status.success());
    assert!(pid_files().is_empty(), "PID files left behind");
    for pid in before {
        let pid = pid.trim();
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        assert!(
            state.is_empty() || state.split_whitespace().nth(2) == Some("Z"),
            "process {pid} still runs"
        );
    }
    assert!(!harness_cmd("status").output().unwrap().status.success());
    // Stopping again is a no-op.
    assert!(harness_cmd("stop").output().unwrap().status.success());
    drop(h);
}
