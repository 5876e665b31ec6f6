//! `jpki-verify serve`: the relying-party backend.
//!
//! axum + tokio; state in SQLite (embedded default) or PostgreSQL (several instances); the
//! verification itself is the SDK core with the native `ring` provider — this module only
//! translates HTTP to core calls and verdicts to records. Routes: see [`api`] and
//! `server/openapi.json`. On start the server prints one line `LISTENING http://ADDR:PORT`
//! on stdout (tests read the port from it); logs go to stderr, redacted ([`redact`]).

mod api;
mod claims_policy;
mod guard;
mod listener;
mod metrics;
mod recheck;
mod redact;
mod store;
mod subject;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use jpki_verify::assertion::Trust;

use super::cli::Failure;
use api::{AppState, Config};
use store::Store;
use subject::SubjectKey;

/// Arguments of `serve` (each also from the environment, for containers).
#[derive(clap::Args, Debug)]
pub(crate) struct ServeArgs {
    /// Address to listen on (`127.0.0.1:0` picks a free port; see the LISTENING line).
    #[arg(long, env = "JPKI_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Database: `sqlite://FILE` (created if missing; WAL) or `postgres://USER@HOST:PORT/DB`.
    #[arg(long, env = "JPKI_DB", default_value = "sqlite://jpki-verify.db")]
    db: String,
    /// Trust anchors: the pinned J-LIS CAs, or the test PKI (demo and tests only).
    #[arg(long, env = "JPKI_TRUST", value_enum, default_value = "jlis")]
    trust: TrustArg,
    /// Relying-party origins accepted as `aud` (repeat or comma-separate). Default: the
    /// listen address as `http://127.0.0.1:PORT` and `http://localhost:PORT`.
    #[arg(long = "audience", env = "JPKI_AUDIENCE", value_delimiter = ',')]
    audiences: Vec<String>,
    /// Relying-party identifier mixed into pairwise subject identifiers.
    #[arg(long, env = "JPKI_RP_ID", default_value = "jpki-verify-rp")]
    rp_id: String,
    /// File holding the pairwise-subject secret (≥ 32 bytes). Default: a random secret kept
    /// in the database, shared by every instance using it.
    #[arg(long, env = "JPKI_SUBJECT_SECRET_FILE")]
    subject_secret_file: Option<PathBuf>,
    /// File holding the bearer token for the operator API (`GET /v1/records/{id}`); the API
    /// is disabled without one.
    #[arg(long, env = "JPKI_OPERATOR_TOKEN_FILE")]
    operator_token_file: Option<PathBuf>,
    /// Accept account openings whose revocation status could not be checked (no CRL/OCSP
    /// source configured), as a warning in the verdict. Demo and tests only.
    #[arg(long, env = "JPKI_ALLOW_UNCHECKED_REVOCATION")]
    allow_unchecked_revocation: bool,
    /// Challenge lifetime, seconds.
    #[arg(long, env = "JPKI_CHALLENGE_TTL", default_value_t = 300)]
    challenge_ttl: u32,
    /// Folder of the account-opening flow served at `/` (omit to serve the API only).
    #[arg(long, env = "JPKI_WWW")]
    www: Option<PathBuf>,
    /// Folder of the npm package served at `/pkg/` (the flow imports the SDK from there).
    #[arg(long, env = "JPKI_PKG")]
    pkg: Option<PathBuf>,
    /// Database connections per pool.
    #[arg(long, env = "JPKI_DB_CONNECTIONS", default_value_t = 8)]
    db_connections: u32,
    /// Name of this instance in audit events (default: `HOST-PID`).
    #[arg(long, env = "JPKI_INSTANCE")]
    instance: Option<String>,
    /// Log format on stderr.
    #[arg(long, env = "JPKI_LOG_FORMAT", value_enum, default_value = "text")]
    log_format: LogFormat,
    /// Worker threads (default: one per core).
    #[arg(long, env = "JPKI_WORKERS")]
    workers: Option<usize>,
    /// Folder of CRLs (`*.crl`, `*.der`) and saved CRL indexes (`*.crlidx`, from `jpki-verify
    /// crl import`), watched and reloaded when it changes.
    #[arg(long, env = "JPKI_CRL_DIR")]
    crl_dir: Option<PathBuf>,
    /// OCSP responder (`http://…`) asked about every certificate (J-LIS updates OCSP every
    /// 15 minutes; approved verifiers and platform operators only).
    #[arg(long, env = "JPKI_OCSP_URL")]
    ocsp_url: Option<String>,
    /// Also use saved CRL indexes (`*.crlidx`) from the CRL folder. They are checked for damage
    /// and for naming a configured anchor, not for their origin (no CA signature): use only
    /// when the folder is written by this operator alone (`jpki-verify crl import`).
    #[arg(long, env = "JPKI_TRUST_CRL_INDEXES")]
    trust_crl_indexes: bool,
    /// How often the CRL folder is checked for changes, seconds.
    #[arg(long, env = "JPKI_CRL_POLL", default_value_t = 10)]
    crl_poll: u64,
    /// Branch kiosk mode for the flow (also `?kiosk=1` on the page): the PaSoRi is used
    /// without a chooser when the Chrome policy pre-grants it, large touch targets, and an
    /// idle timeout that wipes everything of the person (docs/kiosk.md).
    #[arg(long, env = "JPKI_KIOSK")]
    kiosk: bool,
    /// Kiosk idle timeout, seconds.
    #[arg(long, env = "JPKI_KIOSK_IDLE", default_value_t = 90)]
    kiosk_idle: u32,
    /// Offer the PaSoRi path on the byte-exact reader simulator with the virtual card (the
    /// demo without hardware). Only with `--trust test`.
    #[arg(long, env = "JPKI_SIMULATED_READER")]
    simulated_reader: bool,
    /// Connections served at once; one more is closed on accept (serve/listener.rs).
    #[arg(long, env = "JPKI_MAX_CONNECTIONS", default_value_t = 1024)]
    max_connections: usize,
    /// Seconds a client has to send a request's headers (from connect, or from the previous
    /// response on a kept-alive connection) before it is disconnected.
    #[arg(long, env = "JPKI_HEADER_READ_TIMEOUT", default_value_t = 10)]
    header_read_timeout: u64,
    /// Seconds one request may take (body and handler) before it is answered 503.
    #[arg(long, env = "JPKI_REQUEST_TIMEOUT", default_value_t = 30)]
    request_timeout: u64,
    /// Challenges (and hand-offs) one client may create a minute (IPv4 address, IPv6 /64);
    /// 0 turns the limit off (behind a proxy that limits, or for load tests).
    #[arg(long, env = "JPKI_RATE_CHALLENGES", default_value_t = 30)]
    rate_challenges: u32,
    /// Verifications (assertions, audit logins, hand-off claims) one client may ask for a
    /// minute; 0 turns the limit off.
    #[arg(long, env = "JPKI_RATE_VERIFICATIONS", default_value_t = 30)]
    rate_verifications: u32,
    /// Requests a client may send at once before its per-minute rate applies.
    #[arg(long, env = "JPKI_RATE_BURST", default_value_t = 10)]
    rate_burst: u32,
    /// Claims an account record keeps (comma-separated): `name`, `dateOfBirth`, `sex`,
    /// `address`, `evidence` (the signed assertion), `prefecture`, `ageOverN` (e.g.
    /// `ageOver18`, at the verification time). The default is the 確認記録 a bank must keep.
    #[arg(long, env = "JPKI_KEEP", default_value = claims_policy::LEGAL_RECORD)]
    keep: String,
    /// Accept smartphone signature certificates (スマホ用電子証明書) for account opening and
    /// renewal (犯収法 method ワ since 2023-05-11). Off until the bank enables it.
    #[arg(long, env = "JPKI_ALLOW_SMARTPHONE_SIGNATURE")]
    allow_smartphone_signature: bool,
    /// Policy OIDs that mean a smartphone certificate (repeat or comma-separate; default: the
    /// reported 1.2.392.200149.8.5.1.1.40 and the test PKI's marker). J-LIS has not published
    /// them: configuration, not a fact of this SDK.
    #[arg(long = "smartphone-policy", env = "JPKI_SMARTPHONE_POLICY", value_delimiter = ',')]
    smartphone_policies: Vec<String>,
    /// Issuer DNs (as `jpki-verify inspect` prints them) of CAs that issue only smartphone
    /// certificates (repeat; none is known).
    #[arg(long = "smartphone-issuer", env = "JPKI_SMARTPHONE_ISSUER")]
    smartphone_issuers: Vec<String>,
    /// The platform operator's answers (J-LIS linkage, latest 4 basic information):
    /// `file:PATH` or `http://…` (docs/platform-operator.md).
    #[arg(long, env = "JPKI_PLATFORM_OPERATOR")]
    platform_operator: Option<String>,
    /// Link a renewal to a customer by the 4 basic information when the previous certificate is
    /// revoked for a change of details or superseded (without the operator's linkage).
    #[arg(long, env = "JPKI_RENEWAL_BY_BASIC_INFORMATION")]
    renewal_by_basic_information: bool,
    /// Lifetime of a login session (`POST /v1/sessions`), seconds from the login; never
    /// extended. At most 43200 (12 hours).
    #[arg(long, env = "JPKI_SESSION_TTL", default_value_t = api::SESSION_TTL_DEFAULT)]
    session_ttl: u32,
}

/// Arguments of `recheck`.
#[derive(clap::Args, Debug)]
pub(crate) struct RecheckArgs {
    /// Database of the accounts (as for `serve`).
    #[arg(long, env = "JPKI_DB", default_value = "sqlite://jpki-verify.db")]
    db: String,
    /// Folder of CRLs and saved CRL indexes (as for `serve`).
    #[arg(long, env = "JPKI_CRL_DIR", default_value = "crl")]
    crl_dir: PathBuf,
    /// Anchors the CRLs must be signed by.
    #[arg(long, env = "JPKI_TRUST", value_enum, default_value = "jlis")]
    trust: TrustArg,
    /// Also use saved CRL indexes (see `serve --trust-crl-indexes`).
    #[arg(long, env = "JPKI_TRUST_CRL_INDEXES")]
    trust_crl_indexes: bool,
    /// The platform operator to ask for the latest 4 basic information of accounts whose
    /// certificate was revoked for a change of details, where the customer consented
    /// (`file:PATH` or `http://…`, docs/platform-operator.md).
    #[arg(long, env = "JPKI_PLATFORM_OPERATOR")]
    platform_operator: Option<String>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum TrustArg {
    Jlis,
    Test,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

fn anchors_for(trust: TrustArg) -> jpki_verify::trust::TrustAnchors {
    match trust {
        TrustArg::Jlis => jpki_verify::trust::TrustAnchors::jlis(),
        TrustArg::Test => jpki_verify::trust::TrustAnchors::test_pki(),
    }
}

/// `jpki-verify recheck`: one re-check run over every stored account; prints the summary.
pub(crate) fn run_recheck(args: &RecheckArgs) -> Result<bool, Failure> {
    init_logging(LogFormat::Text);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| failure("JPKI_INTERNAL", format!("tokio runtime: {e}")))?;
    runtime.block_on(async {
        store::backend_of(&args.db).map_err(|e| failure("JPKI_INVALID_OPTIONS", e))?;
        let store = Store::open(&args.db, 4)
            .await
            .map_err(|e| failure("JPKI_UNAVAILABLE", format!("database: {}", e.0)))?;
        let crls = crate::revocation::load_dir(&args.crl_dir, &anchors_for(args.trust), args.trust_crl_indexes);
        let policy = jpki_verify::revocation::RevocationPolicy::default();
        let operator = args
            .platform_operator
            .as_deref()
            .map(crate::platform_operator::PlatformOperator::parse)
            .transpose()
            .map_err(|e| failure("JPKI_INVALID_OPTIONS", e))?;
        let summary = recheck::run(&store, &crls, &policy, operator.as_ref(), api::now_ms(), api::new_id)
            .await
            .map_err(|e| failure("JPKI_UNAVAILABLE", format!("database: {}", e.0)))?;
        store.close().await;
        let text = serde_json::to_string_pretty(&summary.to_json()).unwrap_or_default();
        crate::cli::inspect::print_stdout(&text)?;
        Ok(true)
    })
}

fn failure(code: &'static str, message: impl Into<String>) -> Failure {
    Failure {
        code,
        message: message.into(),
        exit_code: 1,
    }
}

pub(crate) fn run(args: &ServeArgs) -> Result<bool, Failure> {
    init_logging(args.log_format);
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.enable_all();
    if let Some(n) = args.workers {
        runtime.worker_threads(n.max(1));
    }
    let runtime = runtime
        .build()
        .map_err(|e| failure("JPKI_INTERNAL", format!("tokio runtime: {e}")))?;
    runtime.block_on(serve(args))?;
    Ok(true)
}

fn init_logging(format: LogFormat) {
    redact::install_panic_hook();
    let filter = tracing_subscriber::EnvFilter::try_from_env("JPKI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(redact::RedactingStderr)
        .with_ansi(false);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

fn read_secret_file(path: &PathBuf, what: &str, min_len: usize) -> Result<Vec<u8>, Failure> {
    let bytes = std::fs::read(path).map_err(|e| failure("JPKI_IO", format!("{what} {}: {e}", path.display())))?;
    let trimmed = bytes.trim_ascii().to_vec();
    if trimmed.len() < min_len {
        return Err(failure(
            "JPKI_INVALID_OPTIONS",
            format!("{what} {} holds fewer than {min_len} bytes", path.display()),
        ));
    }
    Ok(trimmed)
}

/// `--trust test` only on loopback, for loopback origins (review-security M5): the test CA's
/// keys are public (tests/fixtures/testpki), so a reachable server trusting them would accept
/// anyone's forged identity. `JPKI_TRUST=test` left over in a production environment then stops
/// the server instead of opening it.
fn refuse_public_test_trust(listen: SocketAddr, audiences: &[String]) -> Result<(), Failure> {
    let loopback_origin = |a: &str| {
        let rest = a
            .strip_prefix("http://")
            .or_else(|| a.strip_prefix("https://"))
            .unwrap_or("");
        let host = match rest.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => rest.split(':').next().unwrap_or(""),
        };
        host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
    };
    if !listen.ip().is_loopback() {
        return Err(failure(
            "JPKI_INVALID_OPTIONS",
            format!("--trust test needs a loopback --listen address, not {listen}: the test PKI's keys are public"),
        ));
    }
    if let Some(a) = audiences.iter().find(|a| !loopback_origin(a)) {
        return Err(failure(
            "JPKI_INVALID_OPTIONS",
            format!("--trust test serves only loopback origins, not {a}: the test PKI's keys are public"),
        ));
    }
    Ok(())
}

async fn serve(args: &ServeArgs) -> Result<(), Failure> {
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| failure("JPKI_IO", format!("listen on {}: {e}", args.listen)))?;
    let local = listener
        .local_addr()
        .map_err(|e| failure("JPKI_IO", format!("listen address: {e}")))?;

    store::backend_of(&args.db).map_err(|e| failure("JPKI_INVALID_OPTIONS", e))?;
    let store = Store::open(&args.db, args.db_connections)
        .await
        .map_err(|e| failure("JPKI_UNAVAILABLE", format!("database: {}", e.0)))?;
    let now = api::now_ms();
    let secret = match &args.subject_secret_file {
        Some(p) => read_secret_file(p, "subject secret", 32)?,
        None => {
            let fresh = jpki_verify::encoding::encode_base64(&api::random_bytes::<32>(), true);
            let stored = store
                .secret("pairwise-subject-v1", &fresh, now)
                .await
                .map_err(|e| failure("JPKI_UNAVAILABLE", format!("database: {}", e.0)))?;
            stored.into_bytes()
        }
    };
    let operator_token = args
        .operator_token_file
        .as_ref()
        .map(|p| read_secret_file(p, "operator token", 32))
        .transpose()?;
    let audiences = if args.audiences.is_empty() {
        let port = local.port();
        let host = local.ip();
        let mut v = vec![format!("http://{host}:{port}")];
        if host.is_loopback() {
            v.push(format!("http://localhost:{port}"));
        }
        v
    } else {
        args.audiences.clone()
    };
    for a in &audiences {
        if !(a.starts_with("https://") || a.starts_with("http://")) || a.ends_with('/') {
            return Err(failure(
                "JPKI_INVALID_OPTIONS",
                format!("--audience {a}: an origin is scheme://host[:port] with no path"),
            ));
        }
    }
    let instance = args
        .instance
        .clone()
        .unwrap_or_else(|| format!("{}-{}", hostname(), std::process::id()));
    let config = Config {
        rp_id: args.rp_id.clone(),
        audiences,
        trust: match args.trust {
            TrustArg::Jlis => Trust::Jlis,
            TrustArg::Test => Trust::Test,
        },
        allow_unchecked_revocation: args.allow_unchecked_revocation,
        challenge_ttl_ms: i64::from(args.challenge_ttl.clamp(1, 3600)) * 1000,
        operator_token,
        instance,
        ocsp_url: args.ocsp_url.clone(),
        anchors: anchors_for(args.trust),
        kiosk: args.kiosk,
        kiosk_idle_seconds: args.kiosk_idle.clamp(10, 3600),
        simulated_reader: args.simulated_reader,
        claims_policy: claims_policy::ClaimsPolicy::parse(&args.keep)
            .map_err(|e| failure("JPKI_INVALID_OPTIONS", e))?,
        allow_smartphone_signature: args.allow_smartphone_signature,
        smartphone: {
            let mut p = jpki_verify::cert::SmartphoneProfile::default();
            if !args.smartphone_policies.is_empty() {
                p.policies = args.smartphone_policies.clone();
            }
            p.issuers = args.smartphone_issuers.clone();
            p
        },
        platform_operator: args
            .platform_operator
            .as_deref()
            .map(crate::platform_operator::PlatformOperator::parse)
            .transpose()
            .map_err(|e| failure("JPKI_INVALID_OPTIONS", e))?,
        renewal_by_basic_information: args.renewal_by_basic_information,
        session_ttl_ms: i64::from(args.session_ttl.clamp(1, api::SESSION_TTL_MAX)) * 1000,
    };
    if config.simulated_reader && config.trust != Trust::Test {
        return Err(Failure::input(
            "JPKI_INVALID_OPTIONS",
            "--simulated-reader needs --trust test (the simulated card holds test keys)",
        ));
    }
    if config.trust == Trust::Test {
        refuse_public_test_trust(local, &config.audiences)?;
        tracing::warn!("trusting the TEST PKI: never in production");
    }
    if config.allow_unchecked_revocation {
        tracing::warn!("accepting account openings with unchecked revocation: demo and tests only");
    }
    let crls = Arc::new(crate::revocation::CrlSet::default());
    let watcher = args.crl_dir.clone().map(|dir| {
        crate::revocation::watch(
            dir,
            anchors_for(args.trust),
            args.trust_crl_indexes,
            Arc::clone(&crls),
            Duration::from_secs(args.crl_poll.max(1)),
        )
    });
    let state = Arc::new(AppState {
        store: store.clone(),
        config,
        subjects: SubjectKey::new(&secret, &args.rp_id),
        metrics: metrics::Metrics::default(),
        crls,
        limits: guard::RateLimits {
            challenges: guard::RateLimiter::new(args.rate_challenges, args.rate_burst),
            verifications: guard::RateLimiter::new(args.rate_verifications, args.rate_burst),
            operator_failures: guard::RateLimiter::new(
                guard::OPERATOR_FAILURES_PER_MINUTE,
                guard::OPERATOR_FAILURES_PER_MINUTE,
            ),
        },
    });
    let app = api::router(state.clone(), args.www.as_deref(), args.pkg.as_deref());

    // Expired challenges are deleted a while after expiry (a replay then reads as unknown).
    let purger = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                if let Err(e) = store.purge_challenges(api::now_ms(), 10 * 60 * 1000).await {
                    tracing::warn!(error = %e.0, "purging expired challenges failed");
                }
            }
        })
    };

    tracing::info!(
        listen = %local,
        db = store.backend().name(),
        audiences = ?state.config.audiences,
        instance = %state.config.instance,
        "serving"
    );
    println!("LISTENING http://{local}");
    use std::io::Write as _;
    let _ = std::io::stdout().flush();

    let limits = listener::ConnectionLimits {
        // tokio's semaphore panics above MAX_PERMITS (2^61): clamp, do not trust the flag.
        max_connections: args.max_connections.clamp(1, tokio::sync::Semaphore::MAX_PERMITS),
        header_read_timeout: Duration::from_secs(args.header_read_timeout.max(1)),
        request_timeout: Duration::from_secs(args.request_timeout.max(1)),
    };
    listener::serve(listener, app, limits, state.clone(), shutdown_signal()).await;
    purger.abort();
    if let Some(w) = watcher {
        w.abort();
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_owned())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "host".to_owned())
}
