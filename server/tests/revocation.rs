//! Revocation in the backend: `jpki-verify crl import` into the CRL folder a running server
//! watches (reloaded without restart), verdicts with the revocation slot filled, and a
//! re-check run (現況確認) over stored accounts that flags exactly the revoked ones — on
//! SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;
use std::time::{Duration, Instant};

use jpki_verify_testpki::{crl_issued_at, CertKind};
use serde_json::{json, Value};
use support::{Postgres, Server, Signer};

#[test]
fn revocation_on_sqlite() {
    scenario(&support::sqlite_url("revocation"));
}

#[test]
fn revocation_on_postgres() {
    let pg = Postgres::start();
    scenario(&pg.url());
}

/// The test signature CA's current CRL (moved: affiliationChanged, lost: keyCompromise, …),
/// issued an hour ago, next update in a day.
fn current_crl() -> Vec<u8> {
    crl_issued_at(CertKind::Sign, support::now()).unwrap()
}

fn open_account(server: &Server, stem: &str) -> (u16, Value) {
    let mut c = server.client();
    let origin = server.origin();
    let nonce = c.challenge("account-opening", &origin);
    let jws = Signer::new(stem).assertion(&origin, &nonce, "account-opening", None);
    let r = c.post("/v1/assertions", &json!({ "assertion": jws }));
    (r.status, r.body)
}

fn cli(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(support::binary()).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn scenario(db: &str) {
    let crl_dir = support::temp_dir("crl-dir");
    let dir = crl_dir.to_str().unwrap();
    let server = Server::start(db, &["--crl-dir", dir, "--crl-poll", "1"]);

    // Before any CRL: accounts open with revocation unchecked (the test server allows it).
    let mut records = std::collections::BTreeMap::new();
    for stem in ["taro-sign", "hanako-sign", "moved-sign", "lost-sign"] {
        let (status, body) = open_account(&server, stem);
        assert_eq!(status, 200, "{stem}: {body}");
        assert_eq!(body["verdict"]["revocation"]["status"], "unchecked");
        records.insert(body["recordId"].as_str().unwrap().to_owned(), stem);
    }

    // The daily CRL arrives: imported into the watched folder.
    let crl_file = support::temp_dir("crl-file").join("sign-ca.crl");
    std::fs::write(&crl_file, current_crl()).unwrap();
    let (ok, stdout, stderr) = cli(&[
        "crl",
        "import",
        crl_file.to_str().unwrap(),
        "--into",
        dir,
        "--trust",
        "test",
    ]);
    assert!(ok, "{stderr}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["anchor"], "test-sign-ca");
    assert!(summary["entries"].as_u64().unwrap() >= 2, "{summary}");
    assert!(std::path::Path::new(summary["crl"].as_str().unwrap()).exists());
    assert!(std::path::Path::new(summary["index"].as_str().unwrap()).exists());
    // The same CRL under production trust is refused: it is not signed by a J-LIS CA.
    let (ok, _, stderr) = cli(&["crl", "import", crl_file.to_str().unwrap(), "--into", dir]);
    assert!(!ok);
    assert!(stderr.contains("JPKI_"), "{stderr}");

    // The running server picks it up without a restart.
    let deadline = Instant::now() + Duration::from_secs(20);
    let body = loop {
        let (status, body) = open_account(&server, "moved-sign");
        if status == 422 {
            break body;
        }
        assert_eq!(status, 200, "{body}");
        // Opened before the reload: one more account of the person who moved.
        records.insert(body["recordId"].as_str().unwrap().to_owned(), "moved-sign");
        assert!(
            Instant::now() < deadline,
            "the CRL was not reloaded: {}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    assert_eq!(body["error"]["code"], "JPKI_REVOKED", "{body}");
    let rev = &body["verdict"]["revocation"];
    assert_eq!(rev["status"], "revoked");
    assert_eq!(rev["reason"], "affiliationChanged");
    assert!(rev["advice"]["ja"].as_str().unwrap().contains("市区町村"), "{rev}");
    let (status, body) = open_account(&server, "taro-sign");
    assert_eq!(status, 200, "{body}");
    records.insert(body["recordId"].as_str().unwrap().to_owned(), "taro-sign");
    assert_eq!(body["verdict"]["revocation"]["status"], "good");
    assert!(body["verdict"]["revocation"]["source"]
        .as_str()
        .unwrap()
        .starts_with("crl:"));

    // 現況確認 over the stored accounts: exactly moved and lost changed.
    let (ok, stdout, stderr) = cli(&["recheck", "--db", db, "--crl-dir", dir, "--trust", "test"]);
    assert!(ok, "{stderr}");
    let run: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(run["checked"], records.len(), "{run}");
    assert_eq!(run["unchecked"], 0, "{run}");
    let changed: std::collections::BTreeMap<String, (String, String)> = run["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c["status"], "revoked");
            assert_eq!(c["previousStatus"], "good");
            let id = c["recordId"].as_str().unwrap().to_owned();
            let stem = records[&id].to_owned();
            (id, (stem, c["reason"].as_str().unwrap().to_owned()))
        })
        .collect();
    // Exactly the accounts of the revoked certificates, each with its reason.
    for (id, stem) in &records {
        match (*stem, changed.get(id)) {
            ("moved-sign", Some((_, reason))) => assert_eq!(reason, "affiliationChanged"),
            ("lost-sign", Some((_, reason))) => assert_eq!(reason, "keyCompromise"),
            ("taro-sign" | "hanako-sign", None) => {}
            other => panic!("{id}: {other:?}"),
        }
    }
    let flagged = changed.len();
    assert_eq!(
        flagged,
        records
            .values()
            .filter(|s| **s == "moved-sign" || **s == "lost-sign")
            .count()
    );

    // The operator lists the changes; a second run changes nothing.
    let r = server.client().get_as_operator("/v1/rechecks?changed=true");
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["runId"], run["runId"]);
    assert_eq!(r.body["results"].as_array().unwrap().len(), flagged);
    let r = server.client().get("/v1/rechecks");
    assert_eq!(r.status, 401);
    let (ok, stdout, _) = cli(&["recheck", "--db", db, "--crl-dir", dir, "--trust", "test"]);
    assert!(ok);
    let again: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(again["changed"].as_array().unwrap().len(), 0, "{again}");
}

#[path = "../../tests/common/openssl.rs"]
mod openssl_tools;
use openssl_tools::{openssl, OcspResponder};

/// An `openssl ocsp` responder (signed by the test signature CA) answering from an index:
/// hanako valid, moved revoked (affiliationChanged), taro absent (unknown). Killed on drop.
fn ocsp_responder() -> OcspResponder {
    let dir = support::temp_dir("ocsp");
    let fixtures = support::repo().join("tests/fixtures/testpki");
    let f = |n: &str| fixtures.join(n).display().to_string();
    openssl(
        &dir,
        &["x509", "-inform", "DER", "-in", &f("sign-ca.der"), "-out", "ca.pem"],
    );
    openssl(
        &dir,
        &[
            "pkey",
            "-inform",
            "DER",
            "-in",
            &f("sign-ca.key.der"),
            "-out",
            "ca.key.pem",
        ],
    );
    let serial = |stem: &str| {
        jpki_verify::parse_certificate(&support::fixture(&format!("{stem}.der")))
            .unwrap()
            .serial_number
    };
    std::fs::write(
        dir.join("index.txt"),
        format!(
            "V\t301231235959Z\t\t{}\tunknown\t/CN=hanako\nR\t301231235959Z\t260601000000Z,affiliationChanged\t{}\tunknown\t/CN=moved\n",
            serial("hanako-sign"),
            serial("moved-sign")
        ),
    )
    .unwrap();
    openssl_tools::ocsp_responder(
        &dir,
        ("ca.pem", "ca.key.pem"),
        "ca.pem",
        &[],
        std::process::Stdio::null(),
    )
}

/// The server asks a real OCSP responder about each certificate (`--ocsp-url`): good, revoked
/// with its reason, unknown; and a responder that is down leaves revocation unchecked.
#[test]
fn ocsp_responder_in_the_loop() {
    let responder = ocsp_responder();
    let url = format!("http://127.0.0.1:{}/", responder.port);
    let server = Server::start(&support::sqlite_url("ocsp"), &["--ocsp-url", &url]);

    let (status, body) = open_account(&server, "hanako-sign");
    assert_eq!(status, 200, "{body}");
    let rev = &body["verdict"]["revocation"];
    assert_eq!(rev["status"], "good", "{rev}");
    assert!(rev["source"].as_str().unwrap().starts_with("ocsp:"), "{rev}");

    let (status, body) = open_account(&server, "moved-sign");
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("JPKI_REVOKED")),
        "{body}"
    );
    assert_eq!(body["verdict"]["revocation"]["reason"], "affiliationChanged");

    // Not in the responder's index: "unknown" (accepted here only because the test server
    // allows unchecked revocation, as a warning).
    let (status, body) = open_account(&server, "taro-sign");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verdict"]["revocation"]["status"], "unknown", "{body}");

    // The responder goes away: no answer, revocation unchecked, never a 500.
    drop(responder);
    let (status, body) = open_account(&server, "hanako-sign");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verdict"]["revocation"]["status"], "unchecked", "{body}");
    assert!(
        server.stderr().contains("OCSP responder unavailable"),
        "{}",
        server.stderr()
    );
}

/// A saved CRL index carries no CA signature (only a damage check): the server uses one only
/// when told to trust the folder's indexes (`--trust-crl-indexes`), and only for an anchor of
/// its trust setting; signed CRLs are always verified on load.
#[test]
fn saved_indexes_count_only_when_trusted_explicitly() {
    let import_dir = support::temp_dir("crl-import");
    let crl_file = import_dir.join("sign-ca.crl");
    std::fs::write(&crl_file, current_crl()).unwrap();
    let (ok, stdout, stderr) = cli(&[
        "crl",
        "import",
        crl_file.to_str().unwrap(),
        "--into",
        import_dir.join("out").to_str().unwrap(),
        "--trust",
        "test",
    ]);
    assert!(ok, "{stderr}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    // A folder holding only the saved index.
    let only_index = support::temp_dir("crl-only-index");
    let index = std::path::PathBuf::from(summary["index"].as_str().unwrap());
    std::fs::copy(&index, only_index.join(index.file_name().unwrap())).unwrap();
    let dir = only_index.to_str().unwrap();

    let untrusted = Server::start(&support::sqlite_url("crlidx-untrusted"), &["--crl-dir", dir]);
    let (status, body) = open_account(&untrusted, "moved-sign");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["verdict"]["revocation"]["status"], "unchecked",
        "index ignored: {body}"
    );

    let trusted = Server::start(
        &support::sqlite_url("crlidx-trusted"),
        &["--crl-dir", dir, "--trust-crl-indexes"],
    );
    let (status, body) = open_account(&trusted, "moved-sign");
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("JPKI_REVOKED")),
        "{body}"
    );
}

/// Review-security L8: a login with unchecked revocation is refused on a server that has a
/// source for that certificate's CA (here a stale CRL of the authentication CA: a lost card
/// must not log in because the import is late), and still only warned about where the server
/// has none for it (only the signature CA's CRL).
#[test]
fn login_needs_revocation_where_the_server_has_a_source_for_it() {
    let login = |server: &Server| {
        let mut c = server.client();
        let origin = server.origin();
        let nonce = c.challenge("login", &origin);
        let jws = Signer::new("taro-auth").assertion(&origin, &nonce, "login", None);
        let r = c.post("/v1/assertions", &json!({ "assertion": jws }));
        (r.status, r.body)
    };
    let stale = support::temp_dir("crl-auth-stale");
    let long_ago = support::now() - 30 * 86_400;
    std::fs::write(
        stale.join("auth-ca.crl"),
        crl_issued_at(CertKind::Auth, long_ago).unwrap(),
    )
    .unwrap();
    let server = Server::start_strict(
        &support::sqlite_url("l8-stale"),
        &["--crl-dir", stale.to_str().unwrap()],
    );
    let (status, body) = login(&server);
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (422, Some("JPKI_REVOCATION_UNCHECKED")),
        "{body}"
    );

    let other_ca = support::temp_dir("crl-sign-only");
    std::fs::write(other_ca.join("sign-ca.crl"), current_crl()).unwrap();
    let server = Server::start_strict(
        &support::sqlite_url("l8-other"),
        &["--crl-dir", other_ca.to_str().unwrap()],
    );
    let (status, body) = login(&server);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verdict"]["valid"], true, "{body}");
    assert_eq!(body["verdict"]["revocation"]["status"], "unchecked");
}
