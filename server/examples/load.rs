//! Load benchmark of the backend (`make bench-load`): account-opening submissions over loopback
//! against a real `jpki-verify serve` process, on SQLite and on a PostgreSQL cluster started
//! here, compared with the bare core's single-thread verification rate measured in this same
//! process. Bounded: a fixed number of pre-signed assertions per database.
//!
//! Prints `BENCH load_sqlite_per_s …`, `BENCH load_sqlite_p50_ms …`, `BENCH load_sqlite_p99_ms …`,
//! the same for postgres, `BENCH core_single_thread_per_s …` and
//! `BENCH load_vs_core_single_thread …` (best database's rate over the core's rate).
//!
//! Environment: `JPKI_LOAD_ASSERTIONS` (per database, default 20000), `JPKI_LOAD_CONNECTIONS`
//! (default 24: more only queues — 32 gave fewer verifications/s and twice the p99), `JPKI_LOAD_WORKERS` (server worker threads, default: cores).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use jpki_verify::assertion::{self, Purpose, Severity, Trust};
use serde_json::json;
use support::{Client, Postgres, Server, Signer};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

struct Run {
    per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn main() {
    let n = env_usize("JPKI_LOAD_ASSERTIONS", 20_000);
    let connections = env_usize("JPKI_LOAD_CONNECTIONS", 24);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let workers = env_usize("JPKI_LOAD_WORKERS", cores).to_string();
    println!("load: {n} assertions per database, {connections} connections, {cores} cores, {workers} server workers");

    let signer = Signer::new("taro-sign");
    let sqlite = {
        let server = Server::start(
            &support::sqlite_url("load"),
            &["--workers", &workers, "--db-connections", "4"],
        );
        run("sqlite", &server, &signer, n, connections)
    };
    let postgres = {
        let pg = Postgres::start();
        let server = Server::start(&pg.url(), &["--workers", &workers, "--db-connections", "16"]);
        run("postgres", &server, &signer, n, connections)
    };
    let core = core_rate(&signer);

    for (name, r) in [("sqlite", &sqlite), ("postgres", &postgres)] {
        println!("BENCH load_{name}_per_s {:.0} verifications/s", r.per_s);
        println!("BENCH load_{name}_p50_ms {:.2} ms", r.p50_ms);
        println!("BENCH load_{name}_p99_ms {:.2} ms", r.p99_ms);
    }
    println!("BENCH core_single_thread_per_s {core:.0} verifications/s");
    let best = sqlite.per_s.max(postgres.per_s);
    println!("BENCH load_vs_core_single_thread {:.2} x", best / core);
}

/// Issues `n` challenges, signs them (not timed), then submits them all as fast as
/// `connections` keep-alive connections allow and times that phase.
fn run(name: &str, server: &Server, signer: &Signer, n: usize, connections: usize) -> Run {
    let origin = server.origin();
    let t = Instant::now();
    let nonces: Vec<String> = {
        let next = AtomicUsize::new(0);
        let out = Mutex::new(vec![String::new(); n]);
        std::thread::scope(|s| {
            for _ in 0..8 {
                let (next, out, origin) = (&next, &out, &origin);
                s.spawn(move || {
                    let mut c = server.client();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= n {
                            break;
                        }
                        let nonce = c.challenge("account-opening", origin);
                        out.lock().unwrap()[i] = nonce;
                    }
                });
            }
        });
        out.into_inner().unwrap()
    };
    let bodies: Vec<Vec<u8>> = sign_all(signer, &origin, &nonces);
    println!(
        "{name}: {n} challenges issued and signed in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let next = AtomicUsize::new(0);
    let latencies = Mutex::new(Vec::with_capacity(n));
    let failures = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..connections {
            let (next, latencies, failures, bodies) = (&next, &latencies, &failures, &bodies);
            s.spawn(move || {
                let mut c = Client::connect(server.port);
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    let t = Instant::now();
                    let r = c.request("POST", "/v1/assertions", &[], &bodies[i]).unwrap();
                    mine.push(t.elapsed());
                    if r.status != 200 {
                        failures.fetch_add(1, Ordering::Relaxed);
                        if failures.load(Ordering::Relaxed) < 5 {
                            eprintln!("{name}: {} {}", r.status, r.text);
                        }
                    }
                }
                latencies.lock().unwrap().extend(mine);
            });
        }
    });
    let elapsed = start.elapsed();
    let failures = failures.load(Ordering::Relaxed);
    assert_eq!(failures, 0, "{name}: {failures} submissions were not accepted");
    let mut l = latencies.into_inner().unwrap();
    l.sort();
    let pct = |p: f64| l[((l.len() as f64 * p) as usize).min(l.len() - 1)].as_secs_f64() * 1e3;
    let r = Run {
        per_s: n as f64 / elapsed.as_secs_f64(),
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
    };
    println!(
        "{name}: {n} verified account openings in {:.2} s: {:.0}/s, p50 {:.2} ms, p99 {:.2} ms",
        elapsed.as_secs_f64(),
        r.per_s,
        r.p50_ms,
        r.p99_ms
    );
    r
}

fn sign_all(signer: &Signer, origin: &str, nonces: &[String]) -> Vec<Vec<u8>> {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    let chunk = nonces.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = nonces
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|nonce| {
                            json!({ "assertion": signer.assertion(origin, nonce, "account-opening", None) })
                                .to_string()
                                .into_bytes()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    })
}

/// The bare core: `assertion::verify` with the same provider the server uses (ring), one
/// thread, on the same kind of assertion, for about two seconds.
fn core_rate(signer: &Signer) -> f64 {
    let origin = "https://bank.example";
    let nonces: Vec<String> = (0..500)
        .map(|i| support::b64url(format!("core-rate-nonce-{i:08}-padding-padding").as_bytes()))
        .collect();
    let jws: Vec<(String, String)> = nonces
        .iter()
        .map(|n| (n.clone(), signer.assertion(origin, n, "account-opening", None)))
        .collect();
    let now = support::now();
    let verify = |(nonce, jws): &(String, String)| {
        let mut o = assertion::VerifyOptions::new(origin, nonce, Purpose::AccountOpening, now);
        o.trust = Trust::Test;
        o.revocation_unchecked = Some(Severity::Warning);
        let v = assertion::verify(jws.as_bytes(), &o, None, None, &jpki_verify::crypto::Ring);
        assert!(v.valid, "{:?}", v.errors);
    };
    jws.iter().take(50).for_each(verify);
    let start = Instant::now();
    let mut count = 0usize;
    while start.elapsed() < Duration::from_secs(2) {
        for j in &jws {
            verify(j);
            count += 1;
        }
    }
    let rate = count as f64 / start.elapsed().as_secs_f64();
    println!("core: {count} verifications on one thread: {rate:.0}/s");
    rate
}
