//! The customer after onboarding, end to end against real `jpki-verify serve` processes: one
//! customer across card renewal (linked only on evidence: the platform operator's linkage from
//! a real `jpki-verify platform-sim` process, or the old certificate revoked for a change of
//! details plus the 4 basic information), the claims policy (`--keep`), and the account-opening
//! policy for smartphone signature certificates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;

use jpki_verify_testpki::CertKind;
use serde_json::{json, Value};
use support::{Server, Signer};

fn record(server: &Server, id: &str) -> Value {
    let r = server.client().get_as_operator(&format!("/v1/records/{id}"));
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

/// The person's own audit view, from a login with `persona`'s authentication certificate.
fn audit_view(server: &Server, persona: &str) -> Value {
    let mut c = server.client();
    let origin = server.origin();
    let nonce = c.challenge("login", &origin);
    let login = Signer::new(&format!("{persona}-auth")).assertion(&origin, &nonce, "login", None);
    let r = c.post("/v1/audit", &json!({ "assertion": login }));
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

/// `moved` opens an account, moves (its signature certificate is revoked as
/// affiliationChanged) and renews as `movednew`: linked by the 4 basic information only where
/// the bank's policy allows it, and only once the CRL says why the old certificate went.
#[test]
fn renewal_after_a_move_is_linked_by_the_basic_information() {
    let db = support::sqlite_url("customers-move");
    // The account is opened before the move (no CRL yet: the test server allows unchecked).
    let mut before = Server::start(&db, &[]);
    let opened = support::submit_with_auth(&before, "moved", "account-opening");
    assert_eq!(opened.status, 200, "{}", opened.text);
    let first_id = opened.body["recordId"].as_str().unwrap().to_owned();
    let first = record(&before, &first_id);
    let customer = first["customerId"].as_str().unwrap().to_owned();
    assert!(customer.starts_with("cus_"), "{first}");
    assert_ne!(
        customer, first["subject"],
        "the customer id is not the certificate's subject"
    );
    assert_eq!(first["purpose"], "account-opening");
    assert_eq!(first["token"], "card");
    // Without evidence, a renewal is refused and says what is missing.
    let r = support::submit_with_auth(&before, "movednew", "renewal");
    assert_eq!((r.status, r.code()), (422, Some("JPKI_RENEWAL_UNLINKED")), "{}", r.text);
    let message = r.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("--platform-operator"), "{message}");
    assert!(message.contains("--renewal-by-basic-information"), "{message}");
    assert!(before.stop());

    let crls = support::current_crl_dir(&[CertKind::Sign]);
    // The policy allows it, but the CRL is not there: the old certificate's revocation is
    // unknown, so nothing is linked.
    let mut no_crl = Server::start(&db, &["--renewal-by-basic-information"]);
    let r = support::submit_with_auth(&no_crl, "movednew", "renewal");
    assert_eq!((r.status, r.code()), (422, Some("JPKI_RENEWAL_UNLINKED")), "{}", r.text);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("could not be checked"),
        "{}",
        r.text
    );
    assert!(no_crl.stop());

    let server = Server::start(&db, &["--renewal-by-basic-information", "--crl-dir", &crls]);
    // A new name is never linked by the basic information (marriage needs operator evidence).
    let r = support::submit_with_auth(&server, "wed", "renewal");
    assert_eq!((r.status, r.code()), (422, Some("JPKI_RENEWAL_UNLINKED")), "{}", r.text);
    assert!(
        r.body["error"]["message"].as_str().unwrap().contains("name differs"),
        "{}",
        r.text
    );
    // The move: same name, date of birth and sex, a new address, the old one revoked for it.
    let r = support::submit_with_auth(&server, "movednew", "renewal");
    assert_eq!(r.status, 200, "{}", r.text);
    let renewed = record(&server, r.body["recordId"].as_str().unwrap());
    assert_eq!(renewed["customerId"], customer.as_str(), "the same customer");
    assert_eq!(renewed["purpose"], "renewal");
    assert_ne!(renewed["subject"], first["subject"]);
    assert!(renewed["identity"]["address"].as_str().unwrap().starts_with("岡山県"));
    // The authentication certificate is re-linked: the new card's login sees the whole history.
    assert_ne!(
        renewed["linkedAuthenticationSubject"],
        first["linkedAuthenticationSubject"]
    );
    assert!(renewed["linkedAuthenticationSubject"].is_string());
    let view = audit_view(&server, "movednew");
    assert_eq!(view["customers"], json!([customer]));
    let ids: Vec<&str> = view["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&first_id.as_str()), "{view}");
    assert_eq!(ids.len(), 2, "{view}");
    let link = &view["links"][0];
    assert_eq!(link["basis"], "basic-information", "{view}");
    assert_eq!(link["previousRecordId"], first_id.as_str());
    assert_eq!(link["evidence"]["addressChanged"], true);
    assert_eq!(link["evidence"]["previousRevocation"]["reason"], "affiliationChanged");
    // The decision's event carries the evidence, and the refusals say what was missing.
    let events = view["events"].as_array().unwrap();
    let linked = events
        .iter()
        .find(|e| e["purpose"] == "renewal" && e["outcome"] == "valid")
        .expect("the renewal event");
    assert_eq!(linked["detail"]["basis"], "basic-information", "{linked}");
    let refused: Vec<&Value> = events.iter().filter(|e| e["outcome"] == "refused").collect();
    assert!(!refused.is_empty(), "{view}");
    assert!(refused
        .iter()
        .all(|e| e["code"] == "JPKI_RENEWAL_UNLINKED" && e["detail"]["missing"].is_array()));
    // The old card's login also sees the customer's renewal.
    let old_view = audit_view(&server, "moved");
    assert_eq!(old_view["customers"], json!([customer]));
    // The same renewal again is not a second link: a new challenge, a new record of the same
    // customer (the operator sees both), never a new customer.
    let again = support::submit_with_auth(&server, "movednew", "renewal");
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(
        record(&server, again.body["recordId"].as_str().unwrap())["customerId"],
        customer.as_str()
    );
}

/// A marriage: the new name is linked only by the platform operator's linkage, asked of a real
/// `platform-sim` process over HTTP; a certificate the operator does not link is refused.
#[test]
fn renewal_after_a_marriage_is_linked_by_the_platform_operator() {
    let old = support::cert_ref("moved-sign.der");
    let new = support::cert_ref("wed-sign.der");
    let sim = support::PlatformSim::start(&json!({
        "linkages": [{ "id": "lnk-0001", "old": old, "new": new, "reason": "name-change", "answeredAt": "2026-12-01T00:00:00Z" }]
    }));
    let db = support::sqlite_url("customers-wed");
    let server = Server::start(&db, &["--platform-operator", &sim.url]);
    let opened = support::submit_with_auth(&server, "moved", "account-opening");
    assert_eq!(opened.status, 200, "{}", opened.text);
    let customer = record(&server, opened.body["recordId"].as_str().unwrap())["customerId"].clone();

    let r = support::submit_with_auth(&server, "wed", "renewal");
    assert_eq!(r.status, 200, "{}", r.text);
    let renewed = record(&server, r.body["recordId"].as_str().unwrap());
    assert_eq!(renewed["customerId"], customer);
    assert_eq!(renewed["identity"]["name"], "結城　舞");
    let view = audit_view(&server, "wed");
    assert_eq!(view["links"][0]["basis"], "operator-linkage", "{view}");
    assert_eq!(view["links"][0]["evidence"]["linkageId"], "lnk-0001");
    assert_eq!(view["links"][0]["evidence"]["reason"], "name-change");

    // The operator links nothing to movednew, and the bank's policy does not allow a match by
    // the basic information: refused, saying both.
    let r = support::submit_with_auth(&server, "movednew", "renewal");
    assert_eq!((r.status, r.code()), (422, Some("JPKI_RENEWAL_UNLINKED")), "{}", r.text);
    let message = r.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("no linkage"), "{message}");
    assert!(message.contains("--renewal-by-basic-information"), "{message}");
    // What the operator was asked: the two new certificates, by issuer and serial, nothing else.
    let queries = sim.queries();
    assert_eq!(queries.len(), 2, "{queries:?}");
    assert!(queries.iter().all(|q| q["query"] == "linkage"));
    assert_eq!(queries[0]["request"]["serialNumber"], new["serialNumber"]);
    assert_eq!(
        queries[0]["request"].as_object().unwrap().len(),
        2,
        "issuer and serial only: {queries:?}"
    );
}

/// Smartphone signature certificates open accounts only when the bank enables them; which
/// certificates count as a smartphone's is configuration (the facts are unconfirmed).
#[test]
fn smartphone_signature_certificates_need_the_operator_to_enable_them() {
    let strict = Server::start(&support::sqlite_url("customers-phone-off"), &[]);
    for persona in ["android", "iphone"] {
        let r = support::submit_with_auth(&strict, persona, "account-opening");
        assert_eq!(
            (r.status, r.code()),
            (422, Some("JPKI_SMARTPHONE_NOT_ALLOWED")),
            "{persona}: {}",
            r.text
        );
        assert!(r.body["eventId"].is_string());
    }
    // A card's certificate is unaffected.
    assert_eq!(
        support::submit_with_auth(&strict, "taro", "account-opening").status,
        200
    );

    let allowed = Server::start(
        &support::sqlite_url("customers-phone-on"),
        &["--allow-smartphone-signature"],
    );
    for persona in ["android", "iphone"] {
        let r = support::submit_with_auth(&allowed, persona, "account-opening");
        assert_eq!(r.status, 200, "{persona}: {}", r.text);
        assert_eq!(r.body["verdict"]["certificate"]["token"], "smartphone", "{persona}");
        assert_eq!(
            record(&allowed, r.body["recordId"].as_str().unwrap())["token"],
            "smartphone"
        );
    }

    // Another bank's idea of the smartphone policy OID: the test marker no longer counts.
    let other = Server::start(
        &support::sqlite_url("customers-phone-policy"),
        &["--smartphone-policy", "1.2.392.200149.8.5.1.99.99"],
    );
    let r = support::submit_with_auth(&other, "android", "account-opening");
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(record(&other, r.body["recordId"].as_str().unwrap())["token"], "card");
}

/// `--keep ageOver18,prefecture`: the record keeps the derived claims and nothing of the
/// identity itself, and the person's audit view says what was kept.
#[test]
fn the_claims_policy_decides_what_a_record_keeps() {
    let server = Server::start(
        &support::sqlite_url("customers-keep"),
        &["--keep", "ageOver18,prefecture"],
    );
    let r = support::submit_with_auth(&server, "taro", "account-opening");
    assert_eq!(r.status, 200, "{}", r.text);
    // The verdict (the answer to this request) has the identity; the record does not.
    assert_eq!(r.body["verdict"]["identity"]["name"], "山田　太郎");
    let rec = record(&server, r.body["recordId"].as_str().unwrap());
    assert_eq!(rec["identity"]["name"], "", "{rec}");
    assert_eq!(rec["identity"]["address"], "");
    assert_eq!(rec["identity"]["sex"], "");
    assert_eq!(rec["identity"]["dateOfBirth"], Value::Null);
    assert!(rec["evidence"].is_null(), "{rec}");
    assert_eq!(rec["kept"]["claims"], json!(["ageOver18", "prefecture"]));
    assert_eq!(rec["kept"]["ageOver"]["18"], true);
    assert_eq!(rec["kept"]["prefecture"], "東京都");
    let text = rec.to_string();
    assert!(!text.contains("山田"), "{text}");
    let view = audit_view(&server, "taro");
    assert_eq!(view["records"][0]["kept"], rec["kept"], "{view}");

    // An unknown claim is a start-up error, not a silent default.
    let out = Command::new(support::binary())
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--db",
            &support::sqlite_url("customers-keep-bad"),
        ])
        .args(["--keep", "ageOver18,myNumber"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("myNumber"));
}
