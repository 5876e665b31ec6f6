//! The HTTP API (JSON; `server/openapi.json` documents it and a test keeps the two in step).
//!
//! | route | what |
//! |---|---|
//! | `POST /v1/challenges` | issue a single-use challenge bound to purpose and audience |
//! | `POST /v1/assertions` | verify an assertion against its challenge; account opening → record (new customer); renewal → record of the customer it renews, on evidence (`renewal.rs`) |
//! | `POST /v1/audit` | the person proves control of their authentication certificate (login assertion) and gets every event about their certificates |
//! | `GET /v1/records/{id}` | operator: one account-opening record (bearer token) |
//! | `GET /v1/config` | what the flow needs to know (audiences, trust, revocation policy) |
//! | `GET /healthz`, `GET /metrics`, `GET /openapi.json` | operations |
//!
//! Every error is `{"error": {"code": "JPKI_…", "message": "…"}}` with a 4xx/5xx status.
//!
//! Files by endpoint: `challenges.rs`, `assertions.rs` (the verification pipeline and the
//! account record), `handoff.rs`, `audit.rs`, `operator.rs`; here the state, the errors, the
//! router and the operational endpoints.

mod assertions;
mod audit;
mod challenges;
mod consents;
mod handoff;
mod operator;
mod renewal;
mod sessions;

use assertions::*;
use audit::*;
use challenges::*;
use consents::*;
use handoff::*;
use operator::*;
use sessions::*;
pub(crate) use sessions::{SESSION_TTL_DEFAULT, SESSION_TTL_MAX};

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, State};
use axum::handler::HandlerWithoutStateExt;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jpki_verify::assertion::{self, Format, Purpose, Severity, Trust, Verdict};
use jpki_verify::crypto::Ring;
use jpki_verify::encoding::{decode_base64, encode_base64};
use jpki_verify::revocation::{ocsp, OcspEvidence, RevocationSources};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use super::metrics::Metrics;
use super::store::{AccountRecord, AuditEvent, Challenge, Consumed, CustomerLink, Handoff, Store, StoreError};
use super::subject::SubjectKey;

/// Largest request body (a JWS with two certificates is ~5 KB; CMS with content more).
pub(crate) const MAX_BODY: usize = 256 * 1024;

/// Server configuration the handlers read.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) rp_id: String,
    pub(crate) audiences: Vec<String>,
    pub(crate) trust: Trust,
    pub(crate) allow_unchecked_revocation: bool,
    pub(crate) challenge_ttl_ms: i64,
    pub(crate) operator_token: Option<Vec<u8>>,
    pub(crate) instance: String,
    /// OCSP responder asked about every leaf (`--ocsp-url`), if any.
    pub(crate) ocsp_url: Option<String>,
    /// The anchors the trust setting selects (to find a leaf's issuer for OCSP).
    pub(crate) anchors: jpki_verify::trust::TrustAnchors,
    /// The flow runs in branch kiosk mode (`--kiosk`).
    pub(crate) kiosk: bool,
    /// Kiosk idle timeout, seconds.
    pub(crate) kiosk_idle_seconds: u32,
    /// The flow offers the PaSoRi path on the reader simulator (`--simulated-reader`).
    pub(crate) simulated_reader: bool,
    /// Which claims records keep (`--keep`).
    pub(crate) claims_policy: super::claims_policy::ClaimsPolicy,
    /// Smartphone signature certificates accepted for account opening and renewal.
    pub(crate) allow_smartphone_signature: bool,
    /// What makes a certificate a smartphone's (`--smartphone-policy`, `--smartphone-issuer`).
    pub(crate) smartphone: jpki_verify::cert::SmartphoneProfile,
    /// The platform operator's answers (`--platform-operator`).
    pub(crate) platform_operator: Option<crate::platform_operator::PlatformOperator>,
    /// Renewals may be linked by the 4 basic information (`--renewal-by-basic-information`).
    pub(crate) renewal_by_basic_information: bool,
    /// Lifetime of a login session (`--session-ttl`), milliseconds.
    pub(crate) session_ttl_ms: i64,
}

/// Shared state of the handlers.
#[derive(Debug)]
pub(crate) struct AppState {
    pub(crate) store: Store,
    pub(crate) config: Config,
    pub(crate) subjects: SubjectKey,
    pub(crate) metrics: Metrics,
    /// CRL indexes in force (`--crl-dir`), swapped when the folder changes.
    pub(crate) crls: Arc<crate::revocation::CrlSet>,
    /// Per-client rate limits (serve/guard.rs).
    pub(crate) limits: super::guard::RateLimits,
}

type Shared = Arc<AppState>;

/// Unix milliseconds now (the server has a clock; the core does not).
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Bytes from the operating system's CSPRNG. Failing to get randomness is fatal for a server
/// that issues challenges: abort rather than issue a predictable nonce.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    if let Err(e) = getrandom::fill(&mut b) {
        tracing::error!(error = %e, "the operating system's random generator failed");
        std::process::abort();
    }
    b
}

pub(crate) fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", encode_base64(&random_bytes::<16>(), true))
}

/// An API error: status, stable code, message, and the verdict when there is one.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    verdict: Option<Box<Verdict>>,
    event_id: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            verdict: None,
            event_id: None,
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "JPKI_BAD_REQUEST", message)
    }

    fn store(state: &AppState, e: &StoreError) -> Self {
        state.metrics.store_errors.fetch_add(1, Ordering::Relaxed);
        tracing::error!(error = %e.0, "database failure");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "JPKI_UNAVAILABLE",
            "the database did not confirm the write; request a new challenge and try again (an operator can tell from the audit trail whether this attempt was recorded)",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // Logged through the redacting writer: a message may echo the caller's input.
        if self.status.is_server_error() {
            tracing::warn!(status = self.status.as_u16(), code = self.code, message = %self.message, "request failed");
        } else {
            tracing::info!(status = self.status.as_u16(), code = self.code, message = %self.message, "request refused");
        }
        let mut body = json!({ "error": { "code": self.code, "message": self.message } });
        if let Some(v) = self.verdict {
            body["verdict"] = serde_json::to_value(&*v).unwrap_or(Value::Null);
        }
        if let Some(id) = self.event_id {
            body["eventId"] = Value::String(id);
        }
        (self.status, Json(body)).into_response()
    }
}

/// Parses a JSON body strictly (unknown fields refused) into `T`.
fn parse_body<T: for<'de> Deserialize<'de>>(
    state: &AppState,
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let bytes = body.map_err(|e| {
        state.metrics.bad_requests.fetch_add(1, Ordering::Relaxed);
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "JPKI_INPUT_TOO_LARGE",
                format!("request body larger than {MAX_BODY} bytes"),
            )
        } else {
            ApiError::bad_request(format!("request body: {}", e.body_text()))
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        state.metrics.bad_requests.fetch_add(1, Ordering::Relaxed);
        ApiError::bad_request(format!("request body is not the expected JSON: {e}"))
    })
}

/// Builds the router: the API, operations routes, and the static flow.
pub(crate) fn router(state: Shared, www: Option<&Path>, pkg: Option<&Path>) -> Router {
    use super::guard::{limit_challenges, limit_operator_failures, limit_verifications, post_rules};
    use axum::middleware::from_fn_with_state;
    let challenges = || from_fn_with_state(state.clone(), limit_challenges);
    let verifications = || from_fn_with_state(state.clone(), limit_verifications);
    let operator = || from_fn_with_state(state.clone(), limit_operator_failures);
    let mut app = Router::new()
        .route("/v1/challenges", post(post_challenge).route_layer(challenges()))
        .route("/v1/assertions", post(post_assertion).route_layer(verifications()))
        .route("/v1/audit", post(post_audit).route_layer(verifications()))
        .route("/v1/sessions", post(post_session).route_layer(verifications()))
        .route("/v1/consents/text", get(get_consent_text))
        .route("/v1/consents", post(post_consent).route_layer(verifications()))
        .route(
            "/v1/consents/withdrawal",
            post(post_withdrawal).route_layer(verifications()),
        )
        .route(
            "/v1/sessions/current",
            get(get_current_session).delete(delete_current_session),
        )
        .route("/v1/records/{id}", get(get_record).route_layer(operator()))
        .route("/v1/rechecks", get(get_rechecks).route_layer(operator()))
        .route("/v1/config", get(get_config))
        .route("/v1/handoffs", post(post_handoff).route_layer(challenges()))
        .route(
            "/v1/handoffs/claim",
            post(post_handoff_claim).route_layer(verifications()),
        )
        .route("/v1/handoffs/{id}", get(get_handoff))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics).route_layer(operator()))
        .route("/openapi.json", get(openapi))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(state.clone(), post_rules))
        .with_state(state);
    if let Some(pkg) = pkg {
        app = app.nest_service("/pkg", ServeDir::new(pkg).not_found_service(not_found.into_service()));
    }
    if let Some(www) = www {
        app = app.fallback_service(ServeDir::new(www).not_found_service(not_found.into_service()));
    } else {
        app = app.fallback(not_found);
    }
    app.layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
            tracing::error!("a request handler panicked");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "JPKI_INTERNAL", "internal error").into_response()
        }))
        // The flow loads only its own files and the SDK's wasm; nothing external.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; \
                 img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "JPKI_NOT_FOUND", "no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "JPKI_METHOD_NOT_ALLOWED",
        "this route does not accept that method (see /openapi.json)",
    )
}

async fn get_config(State(state): State<Shared>) -> Json<Value> {
    Json(json!({
        "rpId": state.config.rp_id,
        "audiences": state.config.audiences,
        "trust": state.config.trust,
        "revocation": if state.config.allow_unchecked_revocation { "unchecked-allowed" } else { "required" },
        "challengeTtlSeconds": state.config.challenge_ttl_ms / 1000,
        "version": env!("CARGO_PKG_VERSION"),
        "kiosk": { "enabled": state.config.kiosk, "idleSeconds": state.config.kiosk_idle_seconds },
        "simulatedReader": state.config.simulated_reader,
    }))
}

async fn healthz(State(state): State<Shared>) -> Result<Json<Value>, ApiError> {
    state.store.ping().await.map_err(|e| ApiError::store(&state, &e))?;
    let trust = match state.config.trust {
        jpki_verify::assertion::Trust::Test => "test",
        _ => "jlis",
    };
    Ok(Json(
        json!({ "status": "ok", "db": state.store.backend().name(), "trust": trust }),
    ))
}

/// `GET /metrics`: operator only (the counters tell an attacker how its probes fare).
async fn metrics(State(state): State<Shared>, headers: HeaderMap) -> Result<impl IntoResponse, ApiError> {
    require_operator(&state, &headers)?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(state.store.backend().name()),
    ))
}

/// The OpenAPI document (hand-written; `server/tests/api.rs` checks it against the routes).
pub(crate) const OPENAPI: &str = include_str!("../../../openapi.json");

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}
