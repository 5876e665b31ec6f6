//! Hostile clients against a real `jpki-verify serve` process (serve/listener.rs): a slowloris
//! crowd holding hundreds of half-open connections while an honest client keeps opening
//! accounts; the connection limit; a request that takes too long.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use support::{sqlite_url, Client, Server, Signer};

/// Opens a connection and sends the first line of a request, never the end of the headers.
fn half_open(port: u16) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(b"POST /v1/challenges HTTP/1.1\r\nHost: x\r\n").unwrap();
    s
}

/// Whether the server has closed `s` (EOF or reset) within `wait`.
fn closed_within(s: &mut TcpStream, wait: Duration) -> bool {
    s.set_read_timeout(Some(wait)).unwrap();
    let mut buf = [0u8; 256];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // a 408 or similar before the close is fine
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut => {
                return false
            }
            Err(_) => return true,
        }
    }
}

#[test]
fn slowloris_crowd_does_not_stop_an_honest_client() {
    let server = Server::start(
        &sqlite_url("slowloris"),
        &["--header-read-timeout", "3", "--max-connections", "512"],
    );
    let signer = Signer::new("taro-sign");
    let started = Instant::now();
    // 300 connections that never finish their headers, topped up as the server drops them.
    let mut crowd: Vec<TcpStream> = (0..300).map(|_| half_open(server.port)).collect();
    let mut opened = 0;
    while started.elapsed() < Duration::from_secs(8) {
        let mut honest = server.client();
        let nonce = honest.challenge("account-opening", &server.origin());
        let jws = signer.assertion(&server.origin(), &nonce, "account-opening", None);
        let r = honest.post("/v1/assertions", &serde_json::json!({ "assertion": jws }));
        assert!(r.status == 200 || r.status == 201, "{} {}", r.status, r.text);
        opened += 1;
        // Keep the crowd at 300 while the honest client works.
        crowd.retain_mut(|s| s.write_all(b"X-Slow: 1\r\n").is_ok());
        while crowd.len() < 300 {
            crowd.push(half_open(server.port));
        }
    }
    assert!(opened >= 3, "only {opened} account openings in 8 s beside the crowd");
    // The crowd's connections are cut once their header time is up.
    let mut first = half_open(server.port);
    assert!(
        closed_within(&mut first, Duration::from_secs(8)),
        "a client that never finishes its headers is disconnected after --header-read-timeout"
    );
    // A connection that sends nothing at all is cut too.
    let mut silent = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    assert!(closed_within(&mut silent, Duration::from_secs(8)));
}

#[test]
fn connections_beyond_the_limit_are_closed_and_served_again_later() {
    let server = Server::start(
        &sqlite_url("conn-limit"),
        &["--header-read-timeout", "2", "--max-connections", "8"],
    );
    let mut held: Vec<TcpStream> = (0..8).map(|_| half_open(server.port)).collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut ninth = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let _ = ninth.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(
        closed_within(&mut ninth, Duration::from_secs(1)),
        "the ninth connection is closed at once"
    );
    // The held ones time out, and the server serves again.
    for s in &mut held {
        assert!(closed_within(s, Duration::from_secs(6)));
    }
    let mut c = Client::connect(server.port);
    assert_eq!(c.get("/healthz").status, 200);
    let metrics = c.get_as_operator("/metrics").text;
    let refused = metrics
        .lines()
        .find(|l| l.starts_with("jpki_connections_refused_total"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap();
    assert!(refused >= 1, "{metrics}");
}

#[test]
fn a_body_that_never_arrives_is_answered_503_after_the_request_timeout() {
    let server = Server::start(&sqlite_url("slow-body"), &["--request-timeout", "2"]);
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.write_all(
        b"POST /v1/challenges HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    )
    .unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "closed without an answer");
        answer.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 503"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(6), "{:?}", started.elapsed());
}

#[test]
fn a_flood_of_challenges_gets_429_with_retry_after_and_other_clients_are_served() {
    let server = Server::start(
        &sqlite_url("flood"),
        &[
            "--rate-challenges",
            "60",
            "--rate-verifications",
            "60",
            "--rate-burst",
            "5",
        ],
    );
    let mut c = server.client();
    let body = serde_json::json!({ "purpose": "account-opening", "audience": server.origin() });
    let mut codes = Vec::new();
    for _ in 0..200 {
        let r = c.post("/v1/challenges", &body);
        codes.push(r.status);
        if r.status == 429 {
            assert_eq!(r.code(), Some("JPKI_RATE_LIMITED"));
            let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
            assert!((1..=2).contains(&retry), "Retry-After {retry}");
        }
    }
    let issued = codes.iter().filter(|&&s| s == 201).count();
    // The burst, plus what a minute's rate adds while the loop runs.
    assert!((5..=8).contains(&issued), "{issued} challenges issued of 200");
    assert_eq!(codes.iter().filter(|&&s| s == 429).count(), 200 - issued);
    // Refused requests created nothing: the store holds only the issued challenges.
    let metrics = c.get_as_operator("/metrics").text;
    let count = |name: &str| {
        metrics
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap()
    };
    assert_eq!(count("jpki_challenges_issued_total"), issued);
    assert_eq!(count("jpki_rate_limited_total"), 200 - issued);
    // Verification has its own budget; an honest client's account opening still goes through.
    let signer = Signer::new("taro-sign");
    std::thread::sleep(Duration::from_millis(1100));
    let nonce = c.challenge("account-opening", &server.origin());
    let jws = signer.assertion(&server.origin(), &nonce, "account-opening", None);
    let r = c.post("/v1/assertions", &serde_json::json!({ "assertion": jws }));
    assert!(r.status == 200 || r.status == 201, "{} {}", r.status, r.text);
}

#[test]
fn posts_from_another_origin_or_not_json_are_refused() {
    let server = Server::start(&sqlite_url("origin"), &[]);
    let mut c = server.client();
    let body = serde_json::json!({ "purpose": "account-opening", "audience": server.origin() }).to_string();
    let post = |c: &mut Client, headers: &[(&str, &str)]| {
        c.request("POST", "/v1/challenges", headers, body.as_bytes()).unwrap()
    };
    let r = post(&mut c, &[("Origin", "https://evil.example")]);
    assert_eq!((r.status, r.code()), (403, Some("JPKI_ORIGIN_REFUSED")));
    let origin = server.origin();
    let r = post(&mut c, &[("Origin", &origin)]);
    assert_eq!(r.status, 201, "{}", r.text);
    // No Origin (a server-to-server client): accepted.
    assert_eq!(post(&mut c, &[]).status, 201);
    // A form post is refused before it is read.
    let r = c
        .request(
            "POST",
            "/v1/challenges",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            b"purpose=account-opening",
        )
        .unwrap();
    assert_eq!((r.status, r.code()), (415, Some("JPKI_BAD_REQUEST")));
}

/// A stand-in OCSP responder that only counts the requests it gets (and answers 500).
fn counting_responder() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let count = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = std::sync::Arc::clone(&count);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            seen.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"HTTP/1.0 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
        }
    });
    (port, count)
}

#[test]
fn the_ocsp_responder_is_asked_only_after_the_signature_verifies() {
    use std::sync::atomic::Ordering;
    let (port, asked) = counting_responder();
    let url = format!("http://127.0.0.1:{port}/");
    let server = Server::start(&sqlite_url("ocsp-after"), &["--ocsp-url", &url]);
    let signer = Signer::new("taro-sign");
    let mut c = server.client();
    // A forged assertion (its signature altered): refused, and the responder never hears of it.
    let nonce = c.challenge("account-opening", &server.origin());
    let jws = signer.assertion(&server.origin(), &nonce, "account-opening", None);
    let (head, sig) = jws.rsplit_once('.').unwrap();
    let flipped = if sig.starts_with('A') { 'B' } else { 'A' };
    let forged = format!("{head}.{flipped}{}", &sig[1..]);
    let r = c.post("/v1/assertions", &serde_json::json!({ "assertion": forged }));
    assert_eq!(r.code(), Some("JPKI_SIGNATURE_INVALID"), "{}", r.text);
    assert_eq!(
        asked.load(Ordering::SeqCst),
        0,
        "a forged assertion made the server query OCSP"
    );
    // The genuine one is checked with the responder (which fails here: revocation stays
    // unchecked, which this test server allows).
    let nonce = c.challenge("account-opening", &server.origin());
    let jws = signer.assertion(&server.origin(), &nonce, "account-opening", None);
    let r = c.post("/v1/assertions", &serde_json::json!({ "assertion": jws }));
    assert!(r.status == 200 || r.status == 201, "{} {}", r.status, r.text);
    assert_eq!(asked.load(Ordering::SeqCst), 1);
}

/// Review-security M5: `--trust test` (the test PKI's keys are public) is refused on a
/// non-loopback listen address or for a non-loopback origin, and /healthz says which trust the
/// server runs with.
#[test]
fn test_trust_only_on_loopback() {
    let bin = support::binary();
    for args in [
        &["--listen", "0.0.0.0:0"][..],
        &["--listen", "127.0.0.1:0", "--audience", "https://bank.example.jp"][..],
    ] {
        let out = std::process::Command::new(&bin)
            .args(["serve", "--db", &sqlite_url("m5-refused"), "--trust", "test"])
            .args(args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("test PKI's keys are public"), "{args:?}: {err}");
    }
    let server = Server::start(&sqlite_url("m5-healthz"), &[]);
    let h = server.client().get("/healthz");
    assert_eq!(h.body["trust"], "test");
}

/// Review-security M7: operator tokens cannot be guessed at speed. After ten wrong tokens a
/// client is answered 429 before its token is compared — even the right one — while another
/// route stays open to it.
#[test]
fn operator_token_guesses_are_throttled() {
    let server = Server::start(&sqlite_url("m7-guesses"), &[]);
    let mut c = server.client();
    for i in 0..10 {
        let r = c.get_with_bearer("/metrics", &format!("guess-{i}"));
        assert_eq!((r.status, r.code()), (401, Some("JPKI_UNAUTHORIZED")), "guess {i}");
    }
    let r = c.get_with_bearer("/metrics", "guess-10");
    assert_eq!((r.status, r.code()), (429, Some("JPKI_RATE_LIMITED")));
    assert!(r.header("retry-after").is_some());
    let r = c.get_as_operator("/metrics");
    assert_eq!(r.status, 429, "the right token is not even compared now");
    assert_eq!(c.get("/healthz").status, 200);
}

/// A `--max-connections` beyond what the runtime's semaphore can count is clamped, not a
/// panic at start.
#[test]
fn an_absurd_connection_limit_is_clamped() {
    let server = Server::start(&sqlite_url("maxconn"), &["--max-connections", "18446744073709551615"]);
    assert_eq!(server.client().get("/healthz").status, 200);
}
