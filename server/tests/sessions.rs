//! The bank's own login (`POST /v1/sessions`) against a real `jpki-verify serve` that checks
//! revocation as in production: a session only for an authentication certificate linked to a
//! customer, never for a lost card or one whose revocation is unknown, for a fixed lifetime,
//! ended by logout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use jpki_verify_testpki::CertKind;
use serde_json::json;
use support::{Server, Signer};

/// A login assertion by `persona`'s authentication certificate, sent to `/v1/sessions`.
fn log_in(server: &Server, persona: &str) -> support::Response {
    let mut c = server.client();
    let origin = server.origin();
    let nonce = c.challenge("login", &origin);
    let jws = Signer::new(&format!("{persona}-auth")).assertion(&origin, &nonce, "login", None);
    c.post("/v1/sessions", &json!({ "assertion": jws }))
}

fn current(server: &Server, token: &str) -> support::Response {
    server.client().get_with_bearer("/v1/sessions/current", token)
}

#[test]
fn a_session_is_for_a_linked_customer_with_known_revocation() {
    let db = support::sqlite_url("sessions");
    // `lost` opened an account before losing the card (no CRL yet, demo server).
    let mut before = Server::start(&db, &[]);
    let opened = support::submit_with_auth(&before, "lost", "account-opening");
    assert_eq!(opened.status, 200, "{}", opened.text);
    assert!(before.stop());

    // Production revocation: both CAs' CRLs.
    let crls = support::current_crl_dir(&[CertKind::Sign, CertKind::Auth]);
    let server = Server::start_strict(&db, &["--crl-dir", &crls]);
    let opened = support::submit_with_auth(&server, "taro", "account-opening");
    assert_eq!(opened.status, 200, "{}", opened.text);
    let record = server
        .client()
        .get_as_operator(&format!("/v1/records/{}", opened.body["recordId"].as_str().unwrap()));
    let customer = record.body["customerId"].as_str().unwrap().to_owned();

    let r = log_in(&server, "taro");
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["customerId"], customer.as_str());
    assert_eq!(r.body["revocation"]["status"], "good", "{}", r.text);
    let token = r.body["token"].as_str().unwrap().to_owned();
    assert!(token.len() >= 43, "256-bit token");
    let created = jpki_verify::time::parse_rfc3339(r.body["createdAt"].as_str().unwrap()).unwrap();
    let expires = jpki_verify::time::parse_rfc3339(r.body["expiresAt"].as_str().unwrap()).unwrap();
    assert_eq!(expires - created, 900, "default lifetime 15 minutes");
    let me = current(&server, &token);
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.body["customerId"], customer.as_str());
    assert_eq!(me.body["sessionId"], r.body["sessionId"]);
    assert!(me.body.get("token").is_none(), "the token is never shown again");

    // Logout ends it; the token is then worthless, and a second logout says so.
    let out = server
        .client()
        .request(
            "DELETE",
            "/v1/sessions/current",
            &[("Authorization", &format!("Bearer {token}"))],
            b"",
        )
        .unwrap();
    assert_eq!(out.status, 204, "{}", out.text);
    let r = current(&server, &token);
    assert_eq!((r.status, r.code()), (401, Some("JPKI_SESSION_INVALID")));
    let r = current(&server, "not-a-token");
    assert_eq!((r.status, r.code()), (401, Some("JPKI_SESSION_INVALID")));
    let r = server.client().get("/v1/sessions/current");
    assert_eq!((r.status, r.code()), (401, Some("JPKI_SESSION_INVALID")));

    // The lost card: its authentication certificate is revoked, so no session.
    let r = log_in(&server, "lost");
    assert_eq!((r.status, r.code()), (422, Some("JPKI_REVOKED")), "{}", r.text);
    // A valid card that is no customer's.
    let r = log_in(&server, "hanako");
    assert_eq!(
        (r.status, r.code()),
        (403, Some("JPKI_NO_LINKED_CUSTOMER")),
        "{}",
        r.text
    );
    // A signature assertion is not a login.
    let mut c = server.client();
    let origin = server.origin();
    let nonce = c.challenge("account-opening", &origin);
    let jws = Signer::new("taro-sign").assertion(&origin, &nonce, "account-opening", None);
    let r = c.post("/v1/sessions", &json!({ "assertion": jws }));
    assert_eq!((r.status, r.code()), (400, Some("JPKI_PURPOSE_MISMATCH")), "{}", r.text);

    // The person's audit view lists the logins, the refused one included.
    let nonce = c.challenge("login", &origin);
    let login = Signer::new("taro-auth").assertion(&origin, &nonce, "login", None);
    let view = c.post("/v1/audit", &json!({ "assertion": login }));
    let sessions: Vec<_> = view.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["detail"]["session"] == true)
        .collect();
    assert_eq!(sessions.len(), 1, "{}", view.text);
}

/// Without a revocation source for the authentication CA, a login cannot be checked, so it
/// opens no session (a server that allows unchecked account openings would still refuse it
/// without `--allow-unchecked-revocation`).
#[test]
fn no_session_when_revocation_is_unknown_and_sessions_expire() {
    let db = support::sqlite_url("sessions-unchecked");
    let crls = support::current_crl_dir(&[CertKind::Sign]);
    let server = Server::start_strict(&db, &["--crl-dir", &crls]);
    let opened = support::submit_with_auth(&server, "taro", "account-opening");
    assert_eq!(opened.status, 200, "{}", opened.text);
    let r = log_in(&server, "taro");
    assert_eq!(
        (r.status, r.code()),
        (422, Some("JPKI_REVOCATION_UNCHECKED")),
        "{}",
        r.text
    );
    drop(server);

    let crls = support::current_crl_dir(&[CertKind::Sign, CertKind::Auth]);
    let server = Server::start_strict(&db, &["--crl-dir", &crls, "--session-ttl", "1"]);
    let r = log_in(&server, "taro");
    assert_eq!(r.status, 201, "{}", r.text);
    let token = r.body["token"].as_str().unwrap().to_owned();
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let r = current(&server, &token);
    assert_eq!(
        (r.status, r.code()),
        (401, Some("JPKI_SESSION_INVALID")),
        "expired after 1 s"
    );
}
