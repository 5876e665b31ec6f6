//! Durability: a server is killed with SIGKILL in the middle of a stream of account openings,
//! restarted on the same database, and every record whose creation was acknowledged (HTTP 200
//! with a record id) is still there — on SQLite (WAL) and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::json;
use support::{Postgres, Server, Signer};

#[test]
fn sigkill_keeps_acknowledged_records_sqlite() {
    let db = support::sqlite_url("durability");
    sigkill(&db);
}

#[test]
fn sigkill_keeps_acknowledged_records_postgres() {
    let pg = Postgres::start();
    sigkill(&pg.url());
}

fn sigkill(db: &str) {
    let mut server = Server::start(db, &[]);
    let port = server.port;
    let origin = server.origin();
    let signer = Signer::new("taro-sign");
    let acked: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let failed = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let (acked, failed, signer, origin) = (&acked, &failed, &signer, &origin);
            scope.spawn(move || {
                let mut c = support::Client::connect(port);
                loop {
                    let r = c.request(
                        "POST",
                        "/v1/challenges",
                        &[],
                        json!({ "purpose": "account-opening", "audience": origin })
                            .to_string()
                            .as_bytes(),
                    );
                    let Ok(r) = r else { break };
                    let Some(nonce) = r.body["nonce"].as_str() else { break };
                    let body = json!({ "assertion": signer.assertion(origin, nonce, "account-opening", None) });
                    match c.request("POST", "/v1/assertions", &[], body.to_string().as_bytes()) {
                        Ok(r) if r.status == 200 => {
                            acked
                                .lock()
                                .unwrap()
                                .push(r.body["recordId"].as_str().unwrap().to_owned());
                        }
                        Ok(r) => {
                            failed.store(true, Ordering::Relaxed);
                            panic!("unexpected answer {} {}", r.status, r.text);
                        }
                        Err(_) => break, // the server died mid-request: not acknowledged
                    }
                }
            });
        }
        // Kill while submissions are in flight.
        let start = Instant::now();
        while acked.lock().unwrap().len() < 150 && start.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(5));
        }
        server.kill_hard();
    });
    assert!(!failed.load(Ordering::Relaxed));
    let acked = acked.into_inner().unwrap();
    assert!(acked.len() >= 150, "only {} acknowledged", acked.len());

    let restarted = Server::start(db, &[]);
    let mut c = restarted.client();
    for id in &acked {
        let r = c.get_as_operator(&format!("/v1/records/{id}"));
        assert_eq!(r.status, 200, "acknowledged record {id} lost: {}", r.text);
    }
    println!(
        "{} acknowledged records survived SIGKILL on {}",
        acked.len(),
        &db[..db.find(':').unwrap()]
    );
}
