//! Single use under concurrency: 1,000 distinct account-opening assertions, each submitted 10
//! times at once — across two server processes sharing one PostgreSQL, and on one process with
//! SQLite. Exactly 1,000 are accepted and 9,000 answered `JPKI_NONCE_REUSED`, and exactly
//! 1,000 records exist.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use serde_json::json;
use support::{Client, Postgres, Server, Signer};

const ASSERTIONS: usize = 1_000;
const COPIES: usize = 10;
const WORKERS: usize = 40;

#[test]
fn replay_two_processes_one_postgres() {
    let pg = Postgres::start();
    let a = Server::start(&pg.url(), &[]);
    // The second instance accepts the first one's origin: both serve one relying party.
    let b = Server::start(&pg.url(), &["--audience", &a.origin()]);
    replay(&[&a, &b]);
}

#[test]
fn replay_one_process_sqlite() {
    let a = Server::start(&support::sqlite_url("replay"), &[]);
    replay(&[&a]);
}

fn replay(servers: &[&Server]) {
    let origin = servers[0].origin();
    let signer = Signer::new("taro-sign");
    // Challenges from alternating instances (shared state), assertions signed in parallel.
    let nonces: Vec<String> = {
        let mut clients: Vec<Client> = servers.iter().map(|s| s.client()).collect();
        let n = clients.len();
        (0..ASSERTIONS)
            .map(|i| clients[i % n].challenge("account-opening", &origin))
            .collect()
    };
    let assertions: Vec<String> = std::thread::scope(|scope| {
        let chunks: Vec<_> = nonces
            .chunks(ASSERTIONS / 4)
            .map(|chunk| {
                let signer = &signer;
                let origin = &origin;
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|n| signer.assertion(origin, n, "account-opening", None))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        chunks.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let bodies: Vec<String> = assertions
        .iter()
        .map(|a| json!({ "assertion": a }).to_string())
        .collect();

    // Tasks in order a0×10, a1×10, …: the ten copies of one assertion are taken by ten
    // workers at the same moment, spread over the instances.
    let next = AtomicUsize::new(0);
    let outcomes: Mutex<BTreeMap<(u16, String), usize>> = Mutex::new(BTreeMap::new());
    let records: Mutex<Vec<String>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for w in 0..WORKERS {
            let (next, outcomes, records, bodies) = (&next, &outcomes, &records, &bodies);
            scope.spawn(move || {
                let mut clients: Vec<Client> = servers.iter().map(|s| s.client()).collect();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= ASSERTIONS * COPIES {
                        break;
                    }
                    let k = (i + w) % clients.len();
                    let r = clients[k]
                        .request("POST", "/v1/assertions", &[], bodies[i / COPIES].as_bytes())
                        .unwrap();
                    let code = r.code().unwrap_or("-").to_owned();
                    if r.status == 200 {
                        records
                            .lock()
                            .unwrap()
                            .push(r.body["recordId"].as_str().unwrap().to_owned());
                    }
                    *outcomes.lock().unwrap().entry((r.status, code)).or_default() += 1;
                }
            });
        }
    });
    let outcomes = outcomes.into_inner().unwrap();
    println!("outcomes: {outcomes:?}");
    let expected: BTreeMap<(u16, String), usize> = [
        ((200, "-".to_owned()), ASSERTIONS),
        ((409, "JPKI_NONCE_REUSED".to_owned()), ASSERTIONS * (COPIES - 1)),
    ]
    .into_iter()
    .collect();
    assert_eq!(outcomes, expected);

    let records = records.into_inner().unwrap();
    let distinct: HashSet<&String> = records.iter().collect();
    assert_eq!(distinct.len(), ASSERTIONS);
    // Every acknowledged record is readable from every instance.
    for (i, id) in records.iter().enumerate() {
        let mut c = servers[i % servers.len()].client();
        let r = c.get_as_operator(&format!("/v1/records/{id}"));
        assert_eq!(r.status, 200, "{id}: {}", r.text);
    }
    // And the metrics agree: each instance counted its own share.
    let mut valid = 0;
    for s in servers {
        let m = s.client().get_as_operator("/metrics").text;
        valid += m
            .lines()
            .find(|l| l.starts_with("jpki_assertions_valid_total"))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap();
    }
    assert_eq!(valid, ASSERTIONS);
}
