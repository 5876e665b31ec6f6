//! The latest 4 basic information with consent, end to end: the person signs the consent text
//! with their signature certificate, `jpki-verify recheck` asks a real `platform-sim` process
//! about accounts revoked for a change of details (only under a live consent) and keeps the
//! answers; after a withdrawal no further query is made.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;

use jpki_verify_testpki::CertKind;
use serde_json::{json, Value};
use support::{sha256_b64url, Server, Signer};

fn consent(server: &Server, persona: &str, txn: Value) -> support::Response {
    let mut c = server.client();
    let origin = server.origin();
    let nonce = c.challenge("sign", &origin);
    let jws = Signer::new(&format!("{persona}-sign")).assertion(&origin, &nonce, "sign", Some(txn));
    c.post("/v1/consents", &json!({ "assertion": jws }))
}

fn recheck(db: &str, crls: &str, operator: &str) -> Value {
    let out = Command::new(support::binary())
        .args([
            "recheck",
            "--db",
            db,
            "--crl-dir",
            crls,
            "--trust",
            "test",
            "--platform-operator",
            operator,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn latest_basic_information_only_under_a_live_consent() {
    let db = support::sqlite_url("consents");
    let server = Server::start(&db, &[]);
    let opened = support::submit_with_auth(&server, "moved", "account-opening");
    assert_eq!(opened.status, 200, "{}", opened.text);
    let record_id = opened.body["recordId"].as_str().unwrap().to_owned();

    // The text the person reads, and signs (its hash in the signed txn).
    let text = server.client().get("/v1/consents/text");
    assert_eq!(text.status, 200);
    let body = text.body["text"].as_str().unwrap();
    assert!(body.contains("最新の基本4情報") && body.contains("withdraw"), "{body}");
    assert_eq!(text.body["sha256"], sha256_b64url(body.as_bytes()));
    let txn = json!({
        "application": "consent",
        "consentVersion": text.body["version"],
        "consentTextSha256": text.body["sha256"],
    });
    // Another text's hash is not a consent to this one.
    let mut wrong = txn.clone();
    wrong["consentTextSha256"] = json!(sha256_b64url(b"something else"));
    let r = consent(&server, "moved", wrong);
    assert_eq!((r.status, r.code()), (400, Some("JPKI_BAD_REQUEST")), "{}", r.text);
    // Someone with no account cannot consent for anyone.
    let r = consent(&server, "hanako", txn.clone());
    assert_eq!(
        (r.status, r.code()),
        (403, Some("JPKI_NO_LINKED_CUSTOMER")),
        "{}",
        r.text
    );
    let given = consent(&server, "moved", txn);
    assert_eq!(given.status, 201, "{}", given.text);
    let consent_id = given.body["consentId"].as_str().unwrap().to_owned();

    // The move: the CRL says affiliationChanged; the operator has the current information.
    let crls = support::current_crl_dir(&[CertKind::Sign]);
    let moved = support::cert_ref("moved-sign.der");
    let sim = support::PlatformSim::start(&json!({
        "basicInformation": [{
            "id": "bi-0001", "certificate": moved, "name": "引越　舞", "dateOfBirth": "419890606",
            "sex": "2", "address": "岡山県岡山市北区内山下二丁目４番６号", "asOf": "2026-12-01T00:00:00+09:00"
        }]
    }));
    let summary = recheck(&db, &crls, &sim.url);
    assert_eq!(
        summary["latestBasicInformation"],
        json!([{ "recordId": record_id, "outcome": "updated" }]),
        "{summary}"
    );
    let queries = sim.queries();
    assert_eq!(queries.len(), 1, "{queries:?}");
    assert_eq!(queries[0]["query"], "basic-information");
    assert_eq!(queries[0]["request"]["consentId"], consent_id.as_str());
    assert_eq!(queries[0]["request"]["serialNumber"], moved["serialNumber"]);
    let rec = server.client().get_as_operator(&format!("/v1/records/{record_id}"));
    let history = rec.body["basicInformationHistory"].as_array().unwrap();
    assert_eq!(history.len(), 1, "{}", rec.text);
    assert!(history[0]["address"].as_str().unwrap().starts_with("岡山県"));
    assert_eq!(history[0]["consentId"], consent_id.as_str());
    // The record keeps what it had: the history is beside it, not over it.
    assert!(rec.body["identity"]["address"]
        .as_str()
        .unwrap()
        .starts_with("神奈川県"));

    // The same answer again is not a new entry.
    let summary = recheck(&db, &crls, &sim.url);
    assert_eq!(
        summary["latestBasicInformation"][0]["outcome"], "unchanged",
        "{summary}"
    );
    assert_eq!(sim.queries().len(), 2);

    // Withdrawal (a login with the authentication certificate): no further queries.
    let mut c = server.client();
    let origin = server.origin();
    let nonce = c.challenge("login", &origin);
    let login = Signer::new("moved-auth").assertion(&origin, &nonce, "login", None);
    let r = c.post("/v1/consents/withdrawal", &json!({ "assertion": login }));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["withdrawn"], 1);
    let summary = recheck(&db, &crls, &sim.url);
    assert_eq!(
        summary["latestBasicInformation"][0]["outcome"], "noConsent",
        "{summary}"
    );
    assert_eq!(sim.queries().len(), 2, "no query after the withdrawal");

    // The person's view: the consent, its withdrawal, and when their information was asked.
    let nonce = c.challenge("login", &origin);
    let login = Signer::new("moved-auth").assertion(&origin, &nonce, "login", None);
    let view = c.post("/v1/audit", &json!({ "assertion": login }));
    assert_eq!(view.status, 200, "{}", view.text);
    assert_eq!(view.body["consents"][0]["id"], consent_id.as_str());
    assert!(view.body["consents"][0]["withdrawnAt"].is_string(), "{}", view.text);
    assert_eq!(view.body["basicInformationQueries"].as_array().unwrap().len(), 1);
    assert!(!view.text.contains("岡山県"), "the audit view shows no values");
}
