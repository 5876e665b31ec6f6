//! Shared by the backend's integration tests and the load benchmark: a real server process, a
//! real PostgreSQL started by the harness itself, a tiny HTTP/1.1 client, and assertions signed
//! with the test PKI's keys.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The repository root (server/..).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A fresh temporary folder under `target/` (kept on failure for inspection).
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = repo()
        .join("target/server-tests")
        .join(format!("{name}-{}-{}", std::process::id(), unique()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// The operator token the test servers are started with.
pub const OPERATOR_TOKEN: &str = "test-operator-token-0123456789abcdef";

/// A running `jpki-verify serve` process, killed on drop.
pub struct Server {
    pub port: u16,
    pub child: Child,
    pub stderr_path: PathBuf,
    pub db: String,
}

/// Path of the `jpki-verify` binary (Cargo's for tests; `JPKI_VERIFY_BIN` overrides).
pub fn binary() -> PathBuf {
    if let Ok(p) = std::env::var("JPKI_VERIFY_BIN") {
        return PathBuf::from(p);
    }
    if let Some(p) = option_env!("CARGO_BIN_EXE_jpki-verify") {
        return PathBuf::from(p);
    }
    // Examples (the load benchmark) live in target/<profile>/examples/, the binary beside.
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(Path::parent).unwrap().join("jpki-verify")
}

impl Server {
    /// Starts a server on a free loopback port with `db`, the test PKI and the extra `args`.
    pub fn start(db: &str, args: &[&str]) -> Server {
        Server::start_with(db, args, true)
    }

    /// [`Server::start`] without `--allow-unchecked-revocation`: revocation as in production.
    pub fn start_strict(db: &str, args: &[&str]) -> Server {
        Server::start_with(db, args, false)
    }

    fn start_with(db: &str, args: &[&str], allow_unchecked: bool) -> Server {
        let dir = temp_dir("server");
        let token = dir.join("operator-token");
        std::fs::write(&token, OPERATOR_TOKEN).unwrap();
        let stderr_path = dir.join("stderr.log");
        let stderr = std::fs::File::create(&stderr_path).unwrap();
        let mut child = Command::new(binary())
            .args(["serve", "--listen", "127.0.0.1:0", "--db", db, "--trust", "test"])
            .args(allow_unchecked.then_some("--allow-unchecked-revocation"))
            .arg("--operator-token-file")
            .arg(&token)
            .args(args)
            // The suites send far more than one person would from one address; the per-client
            // limits are tested on their own (hostile_clients.rs), with these not given.
            .args(if args.iter().any(|a| a.starts_with("--rate-")) {
                &[][..]
            } else {
                &["--rate-challenges", "0", "--rate-verifications", "0"][..]
            })
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start jpki-verify serve");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let port = line
            .trim()
            .strip_prefix("LISTENING http://127.0.0.1:")
            .unwrap_or_else(|| {
                let log = std::fs::read_to_string(&stderr_path).unwrap_or_default();
                panic!("server did not start: {line:?}\n{log}")
            })
            .parse()
            .unwrap();
        Server {
            port,
            child,
            stderr_path,
            db: db.to_owned(),
        }
    }

    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn client(&self) -> Client {
        Client::connect(self.port)
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    /// SIGKILL: no shutdown, no flush — what a crash looks like.
    pub fn kill_hard(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM and wait (graceful shutdown); returns the exit status success.
    pub fn stop(&mut self) -> bool {
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill_hard();
        false
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A SQLite database URL in a fresh folder.
pub fn sqlite_url(name: &str) -> String {
    format!("sqlite://{}/jpki.db", temp_dir(name).display())
}

/// A PostgreSQL cluster of its own: `initdb` into a temporary folder, started on a free
/// loopback port (and a socket in that folder), stopped and deleted on drop. Uses Debian's
/// binaries (`/usr/lib/postgresql/<version>/bin`, installed by `scripts/setup`). As root,
/// the server runs as the `postgres` user (PostgreSQL refuses to run as root).
pub struct Postgres {
    pub dir: PathBuf,
    pub port: u16,
    bin: PathBuf,
    as_root: bool,
}

fn postgres_bin() -> PathBuf {
    if let Ok(p) = std::env::var("JPKI_PG_BIN") {
        return PathBuf::from(p);
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL server binaries (apt-get install postgresql; scripts/setup does it)")
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("no /usr/lib/postgresql/*/bin/initdb")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl Postgres {
    pub fn start() -> Postgres {
        let bin = postgres_bin();
        let dir = temp_dir("postgres");
        let as_root = is_root();
        if as_root {
            assert!(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .unwrap()
                .success());
        }
        let mut pg = Postgres {
            dir: dir.clone(),
            port: 0,
            bin,
            as_root,
        };
        let data = dir.join("data");
        pg.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        let log = dir.join("postgres.log");
        // A port found free can be taken by another test's server before PostgreSQL binds it:
        // try another one (the log says why a start failed).
        let mut started = false;
        for _ in 0..5 {
            pg.port = free_port();
            let opts = format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=128MB",
                pg.port,
                dir.display()
            );
            let args = [
                "-D",
                data.to_str().unwrap(),
                "-o",
                &opts,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-t",
                "60",
                "start",
            ];
            if pg.try_run("pg_ctl", &args).is_ok() {
                started = true;
                break;
            }
        }
        assert!(
            started,
            "PostgreSQL did not start:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        pg.run(
            "createdb",
            &["-h", "127.0.0.1", "-p", &pg.port.to_string(), "-U", "postgres", "jpki"],
        );
        pg
    }

    fn command(&self, tool: &str) -> Command {
        let exe = self.bin.join(tool);
        if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn run(&self, tool: &str, args: &[&str]) {
        if let Err(e) = self.try_run(tool, args) {
            panic!("{e}");
        }
    }

    fn try_run(&self, tool: &str, args: &[&str]) -> Result<(), String> {
        let out = self
            .command(tool)
            .args(args)
            .current_dir(&self.dir)
            .output()
            .map_err(|e| format!("{tool}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{tool} {args:?} failed:\n{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/jpki", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self
            .command("pg_ctl")
            .args(["-D", data.to_str().unwrap_or(""), "-m", "immediate", "-w", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A keep-alive HTTP/1.1 client on one connection (enough for tests and the load generator;
/// the server answers with Content-Length).
pub struct Client {
    port: u16,
    stream: BufReader<TcpStream>,
}

/// A response: status and JSON body (`Value::Null` when the body is not JSON).
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub body: Value,
    pub text: String,
    pub headers: Vec<(String, String)>,
}

impl Response {
    /// `error.code`, if the body is an error.
    pub fn code(&self) -> Option<&str> {
        self.body.get("error")?.get("code")?.as_str()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Client {
    pub fn connect(port: u16) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_nodelay(true).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        Client {
            port,
            stream: BufReader::new(stream),
        }
    }

    /// Sends one request; reconnects once if the server closed the kept-alive connection.
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Response> {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: {}\r\n",
            self.port,
            body.len()
        );
        if !body.is_empty() && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
            req.push_str("Content-Type: application/json\r\n");
        }
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        self.stream.get_mut().write_all(&bytes)?;
        self.read_response()
    }

    fn read_response(&mut self) -> std::io::Result<Response> {
        let mut line = String::new();
        if self.stream.read_line(&mut line)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut headers = Vec::new();
        let mut length = 0usize;
        let mut chunked = false;
        loop {
            line.clear();
            self.stream.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let (k, v) = (k.trim().to_owned(), v.trim().to_owned());
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.parse().unwrap_or(0);
                }
                if k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked") {
                    chunked = true;
                }
                headers.push((k, v));
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.stream.read_line(&mut line)?;
                let n = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
                let mut chunk = vec![0u8; n + 2];
                self.stream.read_exact(&mut chunk)?;
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
        } else {
            body.resize(length, 0);
            self.stream.read_exact(&mut body)?;
        }
        let text = String::from_utf8_lossy(&body).into_owned();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok(Response {
            status,
            body,
            text,
            headers,
        })
    }

    pub fn post(&mut self, path: &str, body: &Value) -> Response {
        self.request("POST", path, &[], body.to_string().as_bytes()).unwrap()
    }

    pub fn get(&mut self, path: &str) -> Response {
        self.request("GET", path, &[], b"").unwrap()
    }

    pub fn get_as_operator(&mut self, path: &str) -> Response {
        self.get_with_bearer(path, OPERATOR_TOKEN)
    }

    /// GET with `Authorization: Bearer token`.
    pub fn get_with_bearer(&mut self, path: &str, token: &str) -> Response {
        let auth = format!("Bearer {token}");
        self.request("GET", path, &[("Authorization", &auth)], b"").unwrap()
    }

    /// A challenge for `purpose` at `audience`; panics unless 201.
    pub fn challenge(&mut self, purpose: &str, audience: &str) -> String {
        let r = self.post(
            "/v1/challenges",
            &serde_json::json!({ "purpose": purpose, "audience": audience }),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        r.body["nonce"].as_str().unwrap().to_owned()
    }
}

/// Signs assertions with the test PKI's keys (`tests/fixtures/testpki`), as a card would.
pub struct Signer {
    pub cert: Vec<u8>,
    key: ring::signature::RsaKeyPair,
    rng: ring::rand::SystemRandom,
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/testpki").join(name)).unwrap()
}

pub fn b64url(bytes: &[u8]) -> String {
    jpki_verify::encoding::encode_base64(bytes, true)
}

pub fn b64(bytes: &[u8]) -> String {
    jpki_verify::encoding::encode_base64(bytes, false)
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Signer {
    /// `stem` is e.g. `taro-sign` or `taro-auth` (RSA personas).
    pub fn new(stem: &str) -> Signer {
        let key = ring::signature::RsaKeyPair::from_pkcs8(&fixture(&format!("{stem}.key.der"))).unwrap();
        Signer {
            cert: fixture(&format!("{stem}.der")),
            key,
            rng: ring::rand::SystemRandom::new(),
        }
    }

    /// A `jpki-assertion+jwt` JWS over `claims`.
    pub fn jws(&self, claims: &Value) -> String {
        let header = serde_json::json!({ "alg": "RS256", "typ": "jpki-assertion+jwt", "x5c": [b64(&self.cert)] });
        let input = format!(
            "{}.{}",
            b64url(header.to_string().as_bytes()),
            b64url(claims.to_string().as_bytes())
        );
        let mut sig = vec![0u8; self.key.public().modulus_len()];
        self.key
            .sign(
                &ring::signature::RSA_PKCS1_SHA256,
                &self.rng,
                input.as_bytes(),
                &mut sig,
            )
            .unwrap();
        format!("{input}.{}", b64url(&sig))
    }

    /// The claims a card would sign for this challenge.
    pub fn assertion(&self, audience: &str, nonce: &str, purpose: &str, txn: Option<Value>) -> String {
        let iat = now();
        let mut claims =
            serde_json::json!({ "aud": audience, "nonce": nonce, "iat": iat, "exp": iat + 300, "purpose": purpose });
        if let Some(t) = txn {
            claims["txn"] = t;
        }
        self.jws(&claims)
    }
}

/// SHA-256 of `bytes`, base64url (the account-opening `txn.authCertificateSha256`).
pub fn sha256_b64url(bytes: &[u8]) -> String {
    b64url(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref())
}

/// A CRL folder holding the current CRLs of the test CAs `kinds` (signature: `moved-sign`
/// affiliationChanged, `lost-sign` keyCompromise; authentication: `lost-auth`), issued an hour
/// ago and imported with `jpki-verify crl import` as an operator would.
pub fn current_crl_dir(kinds: &[jpki_verify_testpki::CertKind]) -> String {
    let dir = temp_dir("current-crls");
    for (i, kind) in kinds.iter().enumerate() {
        let file = temp_dir("current-crl-file").join(format!("ca-{i}.crl"));
        std::fs::write(&file, jpki_verify_testpki::crl_issued_at(*kind, now()).unwrap()).unwrap();
        let out = Command::new(binary())
            .args(["crl", "import", file.to_str().unwrap(), "--into", dir.to_str().unwrap()])
            .args(["--trust", "test"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    dir.to_str().unwrap().to_owned()
}

/// Opens an account (or renews one) with `persona`'s signature certificate, binding its
/// authentication certificate. Returns the response.
pub fn submit_with_auth(server: &Server, persona: &str, purpose: &str) -> Response {
    let mut c = server.client();
    let origin = server.origin();
    let sign = Signer::new(&format!("{persona}-sign"));
    let auth = Signer::new(&format!("{persona}-auth"));
    let nonce = c.challenge(purpose, &origin);
    let txn = serde_json::json!({ "application": purpose, "authCertificateSha256": sha256_b64url(&auth.cert) });
    let jws = sign.assertion(&origin, &nonce, purpose, Some(txn));
    c.post(
        "/v1/assertions",
        &serde_json::json!({ "assertion": jws, "format": "jws", "authenticationCertificate": b64(&auth.cert) }),
    )
}

/// `serialNumber` and `issuer` of a fixture certificate, as `jpki-verify inspect` reports them
/// (the form the platform operator's answers use).
pub fn cert_ref(file: &str) -> Value {
    let out = Command::new(binary())
        .arg("inspect")
        .arg(repo().join("tests/fixtures/testpki").join(file))
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    json!({ "issuer": v["issuer"], "serialNumber": v["serialNumber"] })
}

/// `jpki-verify platform-sim`: the platform operator as a real process on a loopback port.
pub struct PlatformSim {
    child: Child,
    pub url: String,
    query_log: std::path::PathBuf,
}

impl PlatformSim {
    pub fn start(answers: &Value) -> PlatformSim {
        let dir = temp_dir("platform-sim");
        let file = dir.join("answers.json");
        std::fs::write(&file, answers.to_string()).unwrap();
        let query_log = dir.join("queries.jsonl");
        let mut child = Command::new(binary())
            .arg("platform-sim")
            .arg("--answers")
            .arg(&file)
            .arg("--query-log")
            .arg(&query_log)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line.trim().strip_prefix("LISTENING ").expect(&line).to_owned();
        PlatformSim { child, url, query_log }
    }

    pub fn queries(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.query_log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for PlatformSim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
