//! The backend API end to end over HTTP against a real `jpki-verify serve` process, once on
//! SQLite and once on a PostgreSQL cluster this test starts itself: challenges, account opening,
//! records, single use, audit trail, hostile input, the OpenAPI document, log redaction.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{json, Value};
use support::{b64, sha256_b64url, Postgres, Server, Signer};

#[test]
fn api_on_sqlite() {
    let mut server = Server::start(&support::sqlite_url("api"), &[]);
    scenarios(&server);
    assert!(server.stop(), "SIGTERM: graceful shutdown exits 0");
    assert!(server.stderr().contains("stopped"));
}

#[test]
fn api_on_postgres() {
    let pg = Postgres::start();
    let mut server = Server::start(&pg.url(), &[]);
    scenarios(&server);
    assert!(server.stop(), "SIGTERM: graceful shutdown exits 0");
}

fn scenarios(server: &Server) {
    openapi_matches_routes(server);
    challenges(server);
    account_opening_then_audit(server);
    rejections(server);
    hostile_input(server);
    operations(server);
    handoffs(server);
}

/// The phone hand-off: single use (two phones race, one wins), bound to the session's challenge
/// (another session cannot watch it, another challenge cannot finish it), and the first page
/// sees the phone's record.
fn handoffs(server: &Server) {
    let mut c = server.client();
    let origin = server.origin();
    let nonce = c.challenge("account-opening", &origin);
    let r = c.post("/v1/handoffs", &json!({ "nonce": nonce }));
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["handoffId"].as_str().unwrap().to_owned();
    let token = r.body["token"].as_str().unwrap().to_owned();
    assert_eq!(r.body["url"], format!("{origin}/#handoff={token}"));
    assert!(token.len() >= 22, "128-bit token");
    let code = r.body["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 6);
    let size = r.body["qr"]["size"].as_u64().unwrap();
    assert_eq!(r.body["qr"]["rows"].as_array().unwrap().len() as u64, size);

    let watch = |c: &mut support::Client, n: &str| c.get(&format!("/v1/handoffs/{id}?nonce={n}"));
    assert_eq!(watch(&mut c, &nonce).body["status"], "waiting");
    // Another session (another challenge) may not watch it.
    let other = c.challenge("account-opening", &origin);
    let r = watch(&mut c, &other);
    assert_eq!((r.status, r.code()), (403, Some("JPKI_HANDOFF_WRONG_SESSION")));
    let r = c.get(&format!("/v1/handoffs/{id}"));
    assert_eq!((r.status, r.code()), (400, Some("JPKI_BAD_REQUEST")));
    let r = c.get(&format!("/v1/handoffs/hof_nope?nonce={nonce}"));
    assert_eq!((r.status, r.code()), (404, Some("JPKI_HANDOFF_UNKNOWN")));

    // Two phones claim at once: exactly one wins; a second claim is JPKI_HANDOFF_USED.
    let claims: Vec<support::Response> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let token = token.clone();
                s.spawn(move || server.client().post("/v1/handoffs/claim", &json!({ "token": token })))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let won: Vec<_> = claims.iter().filter(|r| r.status == 200).collect();
    assert_eq!(
        won.len(),
        1,
        "{:?}",
        claims.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert!(claims
        .iter()
        .filter(|r| r.status != 200)
        .all(|r| (r.status, r.code()) == (409, Some("JPKI_HANDOFF_USED"))));
    assert_eq!(won[0].body["nonce"], nonce.as_str());
    assert_eq!(won[0].body["code"], code.as_str());
    assert_eq!(watch(&mut c, &nonce).body["status"], "claimed");
    let r = c.post("/v1/handoffs/claim", &json!({ "token": "not-a-token" }));
    assert_eq!((r.status, r.code()), (404, Some("JPKI_HANDOFF_UNKNOWN")));

    // An assertion for another challenge cannot finish this hand-off.
    let sign = Signer::new("taro-sign");
    let wrong = sign.assertion(&origin, &other, "account-opening", None);
    let r = c.post("/v1/assertions", &json!({ "assertion": wrong, "handoff": id }));
    assert_eq!((r.status, r.code()), (403, Some("JPKI_HANDOFF_WRONG_SESSION")));
    // The phone finishes: the first page sees the record.
    let jws = sign.assertion(&origin, &nonce, "account-opening", None);
    let r = c.post("/v1/assertions", &json!({ "assertion": jws, "handoff": id }));
    assert_eq!(r.status, 200, "{}", r.text);
    let record = r.body["recordId"].as_str().unwrap().to_owned();
    let w = watch(&mut c, &nonce);
    assert_eq!(
        (w.body["status"].as_str(), w.body["outcome"].as_str()),
        (Some("done"), Some("valid"))
    );
    assert_eq!(w.body["recordId"], record.as_str());

    // A hand-off for a used challenge is refused; an expired one cannot be claimed.
    let r = c.post("/v1/handoffs", &json!({ "nonce": nonce }));
    assert_eq!((r.status, r.code()), (409, Some("JPKI_NONCE_REUSED")));
    let r = c.post("/v1/handoffs", &json!({ "nonce": "never-issued" }));
    assert_eq!((r.status, r.code()), (400, Some("JPKI_NONCE_UNKNOWN")));
    let r = c.post("/v1/handoffs", &json!({ "nonce": other, "extra": 1 }));
    assert_eq!((r.status, r.code()), (400, Some("JPKI_BAD_REQUEST")));
    let mut short = Server::start(&server.db, &["--challenge-ttl", "1"]);
    let mut s = short.client();
    let n = s.challenge("account-opening", &short.origin());
    let r = s.post("/v1/handoffs", &json!({ "nonce": n }));
    assert_eq!(r.status, 201, "{}", r.text);
    let token = r.body["token"].as_str().unwrap().to_owned();
    std::thread::sleep(std::time::Duration::from_millis(1600));
    let r = s.post("/v1/handoffs/claim", &json!({ "token": token }));
    assert_eq!((r.status, r.code()), (410, Some("JPKI_HANDOFF_EXPIRED")));
    assert!(short.stop());
}

/// Every documented path and method answers (not the router's 404/405), and the routes the
/// server has are all documented.
fn openapi_matches_routes(server: &Server) {
    let mut c = server.client();
    let doc = c.get("/openapi.json");
    assert_eq!(doc.status, 200);
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(support::repo().join("server/openapi.json")).unwrap()).unwrap();
    assert_eq!(doc.body, file, "served document is the committed one");
    let paths = doc.body["paths"].as_object().unwrap();
    let mut documented = Vec::new();
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            let concrete = path.replace("{id}", "rec_nonexistent");
            let r = c
                .request(
                    &method.to_uppercase(),
                    &concrete,
                    &[],
                    if method == "post" { b"{}" } else { b"" },
                )
                .unwrap();
            assert_ne!(r.status, 405, "{method} {path} not routed");
            if r.status == 404 {
                assert_eq!(r.code(), Some("JPKI_NOT_FOUND"), "{method} {path}");
                assert!(path.contains("{id}"), "{method} {path} is documented but not routed");
            }
            // Documented statuses only.
            let statuses = ops[method]["responses"].as_object().unwrap();
            assert!(
                statuses.contains_key(&r.status.to_string()),
                "{method} {path} answered {} which is not documented",
                r.status
            );
            documented.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    // The router's own routes (src/serve/api/mod.rs `router`) — each must be documented.
    for route in [
        "POST /v1/challenges",
        "POST /v1/assertions",
        "POST /v1/audit",
        "GET /v1/records/{id}",
        "GET /v1/rechecks",
        "GET /v1/config",
        "POST /v1/handoffs",
        "POST /v1/handoffs/claim",
        "GET /v1/handoffs/{id}",
        "GET /healthz",
        "GET /metrics",
        "GET /openapi.json",
        "POST /v1/sessions",
        "GET /v1/sessions/current",
        "DELETE /v1/sessions/current",
        "GET /v1/consents/text",
        "POST /v1/consents",
        "POST /v1/consents/withdrawal",
    ] {
        assert!(documented.iter().any(|d| d == route), "{route} is not in openapi.json");
    }
    assert_eq!(documented.len(), 18, "{documented:?}");
    // Undocumented paths are JSON 404s.
    let r = c.get("/v1/nothing-here");
    assert_eq!((r.status, r.code()), (404, Some("JPKI_NOT_FOUND")));
    let r = c.get("/v1/challenges");
    assert_eq!((r.status, r.code()), (405, Some("JPKI_METHOD_NOT_ALLOWED")));
    let r = c.request("DELETE", "/v1/records/rec_x", &[], b"").unwrap();
    assert_eq!((r.status, r.code()), (405, Some("JPKI_METHOD_NOT_ALLOWED")));
}

fn challenges(server: &Server) {
    let mut c = server.client();
    let origin = server.origin();
    let mut seen = std::collections::HashSet::new();
    for purpose in ["account-opening", "login", "sign"] {
        let r = c.post("/v1/challenges", &json!({ "purpose": purpose, "audience": origin }));
        assert_eq!(r.status, 201, "{}", r.text);
        let nonce = r.body["nonce"].as_str().unwrap();
        // ≥ 256 bits: 32 bytes are 43 base64url characters.
        assert_eq!(nonce.len(), 43);
        assert!(nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert!(seen.insert(nonce.to_owned()));
        assert_eq!(r.body["purpose"], purpose);
        assert_eq!(r.body["audience"], origin.as_str());
        let issued = jpki_verify::time::parse_rfc3339(r.body["issuedAt"].as_str().unwrap()).unwrap();
        let expires = jpki_verify::time::parse_rfc3339(r.body["expiresAt"].as_str().unwrap()).unwrap();
        assert_eq!(expires - issued, 300, "default lifetime 5 minutes");
    }
    // Default audience: the first configured one.
    let r = c.post("/v1/challenges", &json!({ "purpose": "login" }));
    assert_eq!(r.body["audience"], origin.as_str());
    let r = c.post(
        "/v1/challenges",
        &json!({ "purpose": "login", "audience": "https://evil.example" }),
    );
    assert_eq!((r.status, r.code()), (400, Some("JPKI_AUDIENCE_MISMATCH")));
    let r = c.post("/v1/challenges", &json!({ "purpose": "transfer" }));
    assert_eq!((r.status, r.code()), (400, Some("JPKI_BAD_REQUEST")));
    let r = c.post("/v1/challenges", &json!({ "purpose": "login", "extra": 1 }));
    assert_eq!(
        (r.status, r.code()),
        (400, Some("JPKI_BAD_REQUEST")),
        "unknown fields refused"
    );
}

fn account_opening_then_audit(server: &Server) {
    let mut c = server.client();
    let origin = server.origin();
    let sign = Signer::new("taro-sign");
    let auth = Signer::new("taro-auth");

    // Account opening with the signature certificate, binding the authentication certificate.
    let nonce = c.challenge("account-opening", &origin);
    let txn = json!({ "application": "account-opening", "authCertificateSha256": sha256_b64url(&auth.cert) });
    let jws = sign.assertion(&origin, &nonce, "account-opening", Some(txn));
    let r = c.post(
        "/v1/assertions",
        &json!({ "assertion": jws, "format": "jws", "authenticationCertificate": b64(&auth.cert) }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let verdict = &r.body["verdict"];
    assert_eq!(verdict["valid"], true);
    assert_eq!(verdict["identity"]["name"], "山田　太郎", "{verdict}");
    assert_eq!(verdict["revocation"]["status"], "unchecked");
    assert_eq!(verdict["warnings"][0]["code"], "JPKI_REVOCATION_UNCHECKED");
    let record_id = r.body["recordId"].as_str().unwrap().to_owned();
    let opening_event = r.body["eventId"].as_str().unwrap().to_owned();

    // The same assertion again: single use.
    let again = c.post("/v1/assertions", &json!({ "assertion": jws }));
    assert_eq!((again.status, again.code()), (409, Some("JPKI_NONCE_REUSED")));

    // The operator reads the record; without the token nobody does.
    let r = c.get(&format!("/v1/records/{record_id}"));
    assert_eq!((r.status, r.code()), (401, Some("JPKI_UNAUTHORIZED")));
    let r = c
        .request(
            "GET",
            &format!("/v1/records/{record_id}"),
            &[("Authorization", "Bearer wrong-token-wrong-token")],
            b"",
        )
        .unwrap();
    assert_eq!((r.status, r.code()), (401, Some("JPKI_UNAUTHORIZED")));
    let rec = c.get_as_operator(&format!("/v1/records/{record_id}"));
    assert_eq!(rec.status, 200, "{}", rec.text);
    let b = &rec.body;
    assert_eq!(b["identity"]["name"], "山田　太郎");
    assert_eq!(b["identity"]["sex"], "male");
    assert!(b["identity"]["dateOfBirth"]["gregorian"].is_string(), "{b}");
    assert!(b["identity"]["address"].as_str().unwrap().starts_with("東京都"), "{b}");
    assert_eq!(b["certificate"]["serialNumber"], verdict["certificate"]["serialNumber"]);
    assert_eq!(
        b["evidence"]["assertion"],
        jws.as_str(),
        "the signed assertion is the evidence"
    );
    assert_eq!(b["verdict"]["revocation"]["status"], "unchecked");
    let subject = b["subject"].as_str().unwrap();
    assert!(subject.starts_with("sub_"));
    assert!(!subject.contains(verdict["certificate"]["serialNumber"].as_str().unwrap()));
    // Nothing beyond what the bank must keep.
    let keys: Vec<&str> = b.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "basicInformationHistory",
            "certificate",
            "challengeIssuedAt",
            "createdAt",
            "customerId",
            "evidence",
            "id",
            "identity",
            "kept",
            "linkedAuthenticationSubject",
            "purpose",
            "subject",
            "token",
            "verdict",
            "verifiedAt"
        ]
    );
    let r = c.get_as_operator("/v1/records/rec_nope");
    assert_eq!((r.status, r.code()), (404, Some("JPKI_NOT_FOUND")));

    // Login keeps no identity; the audit trail shows the account opening and the login.
    let nonce = c.challenge("login", &origin);
    let login = auth.assertion(&origin, &nonce, "login", None);
    let r = c.post("/v1/assertions", &json!({ "assertion": login }));
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body.get("recordId").is_none());
    assert!(r.body["verdict"]["identity"].is_null());

    let nonce = c.challenge("login", &origin);
    let login = auth.assertion(&origin, &nonce, "login", None);
    let trail = c.post("/v1/audit", &json!({ "assertion": login }));
    assert_eq!(trail.status, 200, "{}", trail.text);
    let events = trail.body["events"].as_array().unwrap();
    let opening = events
        .iter()
        .find(|e| e["id"] == opening_event.as_str())
        .expect("account opening listed");
    assert_eq!(opening["purpose"], "account-opening");
    assert_eq!(opening["outcome"], "valid");
    assert_eq!(opening["recordId"], record_id.as_str());
    assert_eq!(opening["certificate"], "signature");
    assert_eq!(opening["audience"], origin.as_str());
    let logins = events.iter().filter(|e| e["purpose"] == "login").count();
    assert_eq!(logins, 2, "the login and the audit view's own login: {events:?}");
    // Review-security M7: the operator's read of the record above is in the person's trail.
    let reads: Vec<&Value> = events.iter().filter(|e| e["purpose"] == "operator-read").collect();
    assert_eq!(reads.len(), 1, "{events:?}");
    assert_eq!(reads[0]["recordId"], record_id.as_str());
    assert_eq!(reads[0]["outcome"], "read");
    assert_eq!(trail.body["records"][0]["id"], record_id.as_str());

    // Another person's login sees none of it.
    let hanako = Signer::new("hanako-auth");
    let nonce = c.challenge("login", &origin);
    let trail = c.post(
        "/v1/audit",
        &json!({ "assertion": hanako.assertion(&origin, &nonce, "login", None) }),
    );
    assert_eq!(trail.status, 200, "{}", trail.text);
    assert_eq!(
        trail.body["events"].as_array().unwrap().len(),
        1,
        "only hanako's own login"
    );
    assert!(trail.body["records"].as_array().unwrap().is_empty());

    // The audit trail needs a login assertion.
    let nonce = c.challenge("account-opening", &origin);
    let r = c.post(
        "/v1/audit",
        &json!({ "assertion": sign.assertion(&origin, &nonce, "account-opening", None) }),
    );
    assert_eq!((r.status, r.code()), (400, Some("JPKI_PURPOSE_MISMATCH")));

    // A bound authentication certificate must be the one in txn.
    let nonce = c.challenge("account-opening", &origin);
    let jws = sign.assertion(
        &origin,
        &nonce,
        "account-opening",
        Some(json!({ "authCertificateSha256": "AAAA" })),
    );
    let r = c.post(
        "/v1/assertions",
        &json!({ "assertion": jws, "authenticationCertificate": b64(&auth.cert) }),
    );
    assert_eq!((r.status, r.code()), (400, Some("JPKI_BAD_REQUEST")), "{}", r.text);

    // Review-security L5: a hand-made certificate carrying the victim's issuer and serial
    // (here hanako's own, its CA signature broken) is bound by the signed txn, but it does not
    // path-validate, so it is not linked. The genuine one is (control).
    let mut forged = auth.cert.clone();
    let last = forged.len() - 1;
    forged[last] ^= 0x01;
    for (cert, expected) in [
        (&forged, (400, Some("JPKI_CHAIN_UNTRUSTED"))),
        (&auth.cert, (200, None)),
    ] {
        let nonce = c.challenge("account-opening", &origin);
        let txn = json!({ "authCertificateSha256": sha256_b64url(cert) });
        let jws = sign.assertion(&origin, &nonce, "account-opening", Some(txn));
        let r = c.post(
            "/v1/assertions",
            &json!({ "assertion": jws, "authenticationCertificate": b64(cert) }),
        );
        assert_eq!((r.status, r.code()), expected, "{}", r.text);
    }
}

fn rejections(server: &Server) {
    let mut c = server.client();
    let origin = server.origin();
    let sign = Signer::new("hanako-sign");
    let auth = Signer::new("hanako-auth");

    // Unknown nonce.
    let jws = sign.assertion(
        &origin,
        "bm90LWlzc3VlZC1ieS10aGlzLXNlcnZlci0wMDAwMDA",
        "account-opening",
        None,
    );
    let r = c.post("/v1/assertions", &json!({ "assertion": jws }));
    assert_eq!((r.status, r.code()), (400, Some("JPKI_NONCE_UNKNOWN")));

    // Login assertion answering an account-opening challenge: the challenge's purpose rules.
    let nonce = c.challenge("account-opening", &origin);
    let r = c.post(
        "/v1/assertions",
        &json!({ "assertion": auth.assertion(&origin, &nonce, "login", None) }),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.body["verdict"]["valid"], false);
    assert!(r.body["eventId"].is_string());
    // ... and the failed attempt used the challenge up.
    let r = c.post(
        "/v1/assertions",
        &json!({ "assertion": sign.assertion(&origin, &nonce, "account-opening", None) }),
    );
    assert_eq!((r.status, r.code()), (409, Some("JPKI_NONCE_REUSED")));

    // Wrong audience inside the signed claims.
    let nonce = c.challenge("account-opening", &origin);
    let r = c.post(
        "/v1/assertions",
        &json!({ "assertion": sign.assertion("https://other-bank.example", &nonce, "account-opening", None) }),
    );
    assert_eq!((r.status, r.code()), (422, Some("JPKI_AUDIENCE_MISMATCH")));

    // Tampered signature.
    let nonce = c.challenge("account-opening", &origin);
    let mut jws = sign.assertion(&origin, &nonce, "account-opening", None).into_bytes();
    let last = jws.len() - 5;
    jws[last] = if jws[last] == b'A' { b'B' } else { b'A' };
    let r = c.post(
        "/v1/assertions",
        &json!({ "assertion": String::from_utf8(jws).unwrap() }),
    );
    assert_eq!((r.status, r.code()), (422, Some("JPKI_SIGNATURE_INVALID")));

    // Expired certificate.
    let expired = Signer::new("expired-sign");
    let nonce = c.challenge("account-opening", &origin);
    let r = c.post(
        "/v1/assertions",
        &json!({ "assertion": expired.assertion(&origin, &nonce, "account-opening", None) }),
    );
    assert_eq!((r.status, r.code()), (422, Some("JPKI_CERT_EXPIRED")));

    // An expired challenge (a server with a 1-second lifetime).
    let short = Server::start(&server.db, &["--challenge-ttl", "1"]);
    let mut sc = short.client();
    let nonce = sc.challenge("account-opening", &short.origin());
    std::thread::sleep(std::time::Duration::from_millis(2100));
    let r = sc.post(
        "/v1/assertions",
        &json!({ "assertion": sign.assertion(&short.origin(), &nonce, "account-opening", None) }),
    );
    assert_eq!((r.status, r.code()), (400, Some("JPKI_NONCE_EXPIRED")));
}

/// Hostile bodies: always a JSON error with a stable code and a 4xx status, never a 500.
fn hostile_input(server: &Server) {
    let mut c = server.client();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("/v1/assertions", b"not json".to_vec()),
        ("/v1/assertions", b"{}".to_vec()),
        ("/v1/assertions", b"[]".to_vec()),
        ("/v1/assertions", b"{\"assertion\": 5}".to_vec()),
        ("/v1/assertions", b"{\"assertion\": \"\"}".to_vec()),
        ("/v1/assertions", b"{\"assertion\": \"eyJ.eyJ.AAAA\"}".to_vec()),
        (
            "/v1/assertions",
            b"{\"assertion\": \"MIIB\", \"format\": \"cms\"}".to_vec(),
        ),
        (
            "/v1/assertions",
            b"{\"assertion\": \"!!!\", \"format\": \"cms\"}".to_vec(),
        ),
        (
            "/v1/assertions",
            b"{\"assertion\": \"eyJhbGciOiJub25lIn0.e30.\", \"format\": \"xml\"}".to_vec(),
        ),
        ("/v1/assertions", vec![0xFF, 0xFE, 0x00, 0x7B]),
        ("/v1/audit", b"{\"assertion\": null}".to_vec()),
        ("/v1/audit", b"{\"assertion\": \"eyJhbGciOiJub25lIn0.e30.\"}".to_vec()),
        ("/v1/challenges", b"{\"purpose\": [\"login\"]}".to_vec()),
        ("/v1/challenges", b"".to_vec()),
        ("/v1/challenges", "{\"purpose\": \"ｌｏｇｉｎ\"}".as_bytes().to_vec()),
        ("/v1/challenges", vec![b'['; 100_000]),
    ];
    for (path, body) in cases {
        let r = c.request("POST", path, &[], &body).unwrap();
        assert!(
            (400..500).contains(&r.status),
            "{path} {:?} → {} {}",
            String::from_utf8_lossy(&body),
            r.status,
            r.text
        );
        let code = r.code().unwrap_or_else(|| panic!("no code: {}", r.text));
        assert!(code.starts_with("JPKI_"), "{code}");
        assert!(!r.body["error"]["message"].as_str().unwrap().is_empty());
    }
    // A truncated real assertion at many lengths.
    let origin = server.origin();
    let sign = Signer::new("taro-sign");
    let nonce = c.challenge("account-opening", &origin);
    let jws = sign.assertion(&origin, &nonce, "account-opening", None);
    for cut in (0..jws.len()).step_by(97) {
        let r = c.post("/v1/assertions", &json!({ "assertion": &jws[..cut] }));
        assert!((400..500).contains(&r.status), "cut {cut}: {} {}", r.status, r.text);
        assert!(r.code().is_some());
    }
    // Oversized body: 413 with a code, and the server still answers afterwards.
    let big = format!("{{\"assertion\": \"{}\"}}", "A".repeat(300 * 1024));
    let r = c.request("POST", "/v1/assertions", &[], big.as_bytes());
    match r {
        Ok(r) => assert_eq!((r.status, r.code()), (413, Some("JPKI_INPUT_TOO_LARGE")), "{}", r.text),
        Err(e) => panic!("oversized body: {e}"),
    }
    let mut c = server.client();
    assert_eq!(c.get("/healthz").status, 200);
}

fn operations(server: &Server) {
    let mut c = server.client();
    let h = c.get("/healthz");
    assert_eq!(h.status, 200);
    assert_eq!(h.body["status"], "ok");
    let backend = if server.db.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    };
    assert_eq!(h.body["db"], backend);
    // Metrics are for the operator.
    let m = c.get("/metrics");
    assert_eq!((m.status, m.code()), (401, Some("JPKI_UNAUTHORIZED")));
    let m = c.get_as_operator("/metrics");
    assert_eq!(m.status, 200);
    assert!(m.text.contains("jpki_assertions_valid_total"), "{}", m.text);
    assert!(m.text.contains("jpki_nonce_reused_total"));
    let cfg = c.get("/v1/config");
    assert_eq!(cfg.body["trust"], "test");
    assert_eq!(cfg.body["revocation"], "unchecked-allowed");
    // Security headers on every answer.
    assert!(cfg
        .header("content-security-policy")
        .unwrap()
        .contains("default-src 'self'"));
    assert_eq!(cfg.header("x-content-type-options"), Some("nosniff"));

    // A My Number typed into a field never reaches the log.
    let r = c.post("/v1/challenges", &json!({ "purpose": "1234 5678 9018" }));
    assert_eq!(r.status, 400);
    let r = c.post(
        "/v1/challenges",
        &json!({ "purpose": "login", "audience": "123456789018" }),
    );
    assert_eq!(r.status, 400);
    // Full-width, as a Japanese input method types it.
    let r = c.post("/v1/challenges", &json!({ "purpose": "１２３４５６７８９０１８" }));
    assert_eq!(r.status, 400);
    // Review-security M4: ideographic spaces (once Debug-escaped into `\u{3000}`), and the
    // hyphens Japanese input methods produce.
    let ime_forms = [
        "１２３４　５６７８　９０１８",
        "1234ー5678ー9018",
        "1234‐5678‐9018",
        "1234−5678−9018",
        "１２３４－５６７８－９０１８",
        "1234\u{a0}5678\u{a0}9018",
    ];
    for form in ime_forms {
        let r = c.post("/v1/challenges", &json!({ "purpose": form }));
        assert_eq!(r.status, 400);
        let r = c.post("/v1/challenges", &json!({ "purpose": "login", "audience": form }));
        assert_eq!(r.status, 400);
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = server.stderr();
    assert!(log.contains("[REDACTED]"), "the refused requests are logged: {log}");
    assert!(
        !log.contains("123456789018") && !log.contains("1234 5678 9018"),
        "{log}"
    );
    assert!(!log.contains("１２３４５６７８９０１８"), "{log}");
    for form in ime_forms {
        assert!(!log.contains(form), "{form} in {log}");
    }
    assert!(!log.contains("\\u{3000}"), "no Debug-escaped input in the log: {log}");
}

/// Every code the backend can answer with is in the bilingual table.
#[test]
fn server_codes_are_documented() {
    let table = std::fs::read_to_string(support::repo().join("docs/error-codes.md")).unwrap();
    let mut files = vec![];
    let mut dirs = vec![support::repo().join("server/src/serve")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 10, "read only {} files", files.len());
    let mut checked = 0;
    for path in files {
        let src = std::fs::read_to_string(path).unwrap();
        for (i, _) in src.match_indices("\"JPKI_") {
            if src[..i].ends_with("env = ") || src[..i].ends_with("try_from_env(") {
                continue; // an environment variable's name, not an error code
            }
            let code: String = src[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                .collect();
            if code == "JPKI_" {
                continue; // "JPKI_…" in prose
            }
            assert!(
                table.contains(&format!("| `{code}` |")),
                "{code} is not in docs/error-codes.md"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked}");
}
