//! The HTTP API (JSON; `server/openapi.json` documents it and a test keeps the two in step).
//!
//! | route | what |
//! |---|---|
//! | `POST /v1/challenges` | issue a single-use challenge bound to purpose and audience |
//! | `POST /v1/assertions` | verify an assertion against its challenge; account opening → record |
//! | `POST /v1/audit` | the person proves control of their authentication certificate (login assertion) and gets every event about their certificates |
//! | `GET /v1/records/{id}` | operator: one account-opening record (bearer token) |
//! | `GET /v1/config` | what the flow needs to know (audiences, trust, revocation policy) |
//! | `GET /healthz`, `GET /metrics`, `GET /openapi.json` | operations |
//!
//! Every error is `{"error": {"code": "JPKI_…", "message": "…"}}` with a 4xx/5xx status.

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
use super::store::{AccountRecord, AuditEvent, Challenge, Consumed, Handoff, Store, StoreError};
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
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
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
    let mut app = Router::new()
        .route("/v1/challenges", post(post_challenge))
        .route("/v1/assertions", post(post_assertion))
        .route("/v1/audit", post(post_audit))
        .route("/v1/records/{id}", get(get_record))
        .route("/v1/rechecks", get(get_rechecks))
        .route("/v1/config", get(get_config))
        .route("/v1/handoffs", post(post_handoff))
        .route("/v1/handoffs/claim", post(post_handoff_claim))
        .route("/v1/handoffs/{id}", get(get_handoff))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .method_not_allowed_fallback(method_not_allowed)
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChallengeRequest {
    purpose: String,
    #[serde(default)]
    audience: Option<String>,
}

async fn post_challenge(
    State(state): State<Shared>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req: ChallengeRequest = parse_body(&state, body)?;
    let purpose = Purpose::parse(&req.purpose).ok_or_else(|| {
        ApiError::bad_request(format!(
            "purpose {:?}: expected account-opening, login or sign",
            req.purpose
        ))
    })?;
    let audience = match req.audience {
        None => state.config.audiences.first().cloned().unwrap_or_default(),
        Some(a) if state.config.audiences.contains(&a) => a,
        Some(a) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "JPKI_AUDIENCE_MISMATCH",
                format!("this server does not serve the audience {a:?}"),
            ))
        }
    };
    let now = now_ms();
    let challenge = Challenge {
        nonce: encode_base64(&random_bytes::<32>(), true),
        purpose: purpose.as_str().to_owned(),
        audience,
        issued_at: now,
        expires_at: now + state.config.challenge_ttl_ms,
        consumed_at: None,
    };
    state
        .store
        .insert_challenge(&challenge)
        .await
        .map_err(|e| ApiError::store(&state, &e))?;
    state.metrics.challenges_issued.fetch_add(1, Ordering::Relaxed);
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "nonce": challenge.nonce,
            "purpose": challenge.purpose,
            "audience": challenge.audience,
            "issuedAt": jpki_verify::time::to_rfc3339(challenge.issued_at / 1000),
            "expiresAt": jpki_verify::time::to_rfc3339(challenge.expires_at / 1000),
        })),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AssertionRequest {
    /// JWS compact, or CMS SignedData in standard base64.
    assertion: String,
    #[serde(default)]
    format: Option<Format>,
    /// Detached CMS content, standard base64.
    #[serde(default)]
    detached: Option<String>,
    /// Account opening: the authentication certificate (standard base64 DER) the signer bound
    /// in `txn.authCertificateSha256`, so that they can later see their audit trail by login.
    #[serde(default)]
    authentication_certificate: Option<String>,
    /// The phone hand-off this assertion finishes (`handoffId` from `/v1/handoffs/claim`): its
    /// first page then sees the outcome. Must be claimed and bound to the same challenge.
    #[serde(default)]
    handoff: Option<String>,
}

/// What a verified submission yields.
struct Verified {
    verdict: Verdict,
    event_id: String,
    record_id: Option<String>,
    subject: Option<String>,
}

/// Which purposes an endpoint accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Assertions,
    Audit,
}

fn decode_b64_field(text: &str, what: &str) -> Result<Vec<u8>, ApiError> {
    decode_base64(text.trim().as_bytes()).map_err(|e| ApiError::bad_request(format!("{what}: {e}")))
}

/// The common pipeline: find the challenge, verify with the core, consume atomically with the
/// record and the audit event.
async fn submit(state: &AppState, req: AssertionRequest, endpoint: Endpoint) -> Result<Verified, ApiError> {
    let started = Instant::now();
    let now = now_ms();
    let format = req.format.or_else(|| {
        if req.assertion.starts_with("ey") {
            Some(Format::Jws)
        } else {
            Some(Format::Cms)
        }
    });
    let input = match format {
        Some(Format::Cms) => decode_b64_field(&req.assertion, "assertion (CMS, base64)")?,
        _ => req.assertion.clone().into_bytes(),
    };
    let detached = req
        .detached
        .as_deref()
        .map(|d| decode_b64_field(d, "detached"))
        .transpose()?;

    // The challenge this assertion claims to answer (nothing here is trusted yet).
    let claims = assertion::unverified_claims(&input, format, detached.as_deref()).map_err(|e| {
        state.metrics.bad_requests.fetch_add(1, Ordering::Relaxed);
        ApiError::new(StatusCode::BAD_REQUEST, e.code(), e.to_string())
    })?;
    let challenge = open_challenge(state, &claims.nonce, now).await.inspect_err(|e| {
        match e.code {
            "JPKI_NONCE_REUSED" => state.metrics.nonce_reused.fetch_add(1, Ordering::Relaxed),
            "JPKI_NONCE_UNKNOWN" | "JPKI_NONCE_EXPIRED" => state.metrics.nonce_unknown.fetch_add(1, Ordering::Relaxed),
            _ => 0,
        };
    })?;
    let purpose = Purpose::parse(&challenge.purpose).ok_or_else(|| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "JPKI_INTERNAL",
            "stored challenge has an unknown purpose",
        )
    })?;
    if let Some(id) = &req.handoff {
        let h = state
            .store
            .handoff(id)
            .await
            .map_err(|e| ApiError::store(state, &e))?
            .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "JPKI_HANDOFF_UNKNOWN", "no such hand-off"))?;
        if h.claimed_at.is_none() || !token_matches(h.nonce.as_bytes(), challenge.nonce.as_bytes()) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "JPKI_HANDOFF_WRONG_SESSION",
                "the assertion does not answer the challenge of this hand-off",
            ));
        }
    }
    if endpoint == Endpoint::Audit && purpose != Purpose::Login {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "JPKI_PURPOSE_MISMATCH",
            "the audit trail needs a login assertion (authentication certificate)",
        ));
    }

    // Verification: the core, native provider, the challenge's own purpose and audience.
    let mut options = assertion::VerifyOptions::new(&challenge.audience, &challenge.nonce, purpose, now / 1000);
    options.format = format;
    options.trust = state.config.trust;
    if state.config.allow_unchecked_revocation {
        options.revocation_unchecked = Some(Severity::Warning);
    }
    // Revocation evidence: the CRL indexes in force, and an OCSP answer when a responder is
    // configured (fetched here: the core does no I/O).
    let crls = state.crls.snapshot();
    let crls: Vec<&jpki_verify::revocation::crl::CrlIndex> = crls.iter().collect();
    let ocsp = match &state.config.ocsp_url {
        Some(url) => fetch_ocsp(state, url, &input, format, detached.as_deref()).await,
        None => None,
    };
    let mut sources = RevocationSources::crls(&crls);
    if let Some((response, nonce)) = &ocsp {
        sources = sources.with_ocsp(OcspEvidence::new(response, Some(nonce)));
    }
    let verdict = assertion::verify_with(&input, &options, None, detached.as_deref(), &sources, &Ring);

    let subject = verdict
        .certificate
        .as_ref()
        .filter(|_| verdict.valid)
        .map(|c| state.subjects.subject(&c.issuer, &c.serial_number));
    let mut event = AuditEvent {
        id: new_id("evt"),
        at: now,
        subject: subject.clone(),
        purpose: challenge.purpose.clone(),
        outcome: if verdict.valid { "valid" } else { "invalid" }.to_owned(),
        code: verdict.code().map(str::to_owned),
        audience: challenge.audience.clone(),
        record_id: None,
        instance: state.config.instance.clone(),
    };

    if purpose == Purpose::AccountOpening && detached.is_some() {
        // The record keeps the signed assertion as evidence; a detached signature without its
        // content could never be re-verified from the record.
        return Err(ApiError::bad_request(
            "account opening needs the signed content inside the assertion (attached CMS or JWS), not detached",
        ));
    }
    let record = if verdict.valid && purpose == Purpose::AccountOpening {
        let auth_subject = match &req.authentication_certificate {
            Some(b64) => Some(linked_auth_subject(state, &verdict, b64)?),
            None => None,
        };
        let r = account_record(state, &verdict, &req, format, auth_subject, challenge.issued_at, now)?;
        event.record_id = Some(r.id.clone());
        Some(r)
    } else {
        None
    };

    // Consumed atomically with what it produced; a failed verification burns the challenge too.
    let consumed = state
        .store
        .consume(&challenge.nonce, now, record.as_ref(), &event)
        .await
        .map_err(|e| ApiError::store(state, &e))?;
    state
        .metrics
        .observe_verify(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
    if consumed == Consumed::AlreadyUsed {
        state.metrics.nonce_reused.fetch_add(1, Ordering::Relaxed);
        return Err(reused());
    }
    // The phone hand-off this finishes learns how it ended (its first page is watching).
    if let Some(id) = &req.handoff {
        let outcome = if verdict.valid {
            "valid"
        } else {
            verdict.code().unwrap_or("JPKI_INTERNAL")
        };
        if let Err(e) = state
            .store
            .finish_handoff(id, now, outcome, record.as_ref().map(|r| r.id.as_str()))
            .await
        {
            tracing::warn!(error = %e.0, "recording the hand-off outcome failed (the record stands)");
        }
    }
    if !verdict.valid {
        state.metrics.assertions_invalid.fetch_add(1, Ordering::Relaxed);
        let code = verdict.code().unwrap_or("JPKI_INTERNAL");
        let message = verdict.errors.first().map(|e| e.message.clone()).unwrap_or_default();
        tracing::debug!(event = %event.id, code, purpose = %event.purpose, "assertion rejected");
        return Err(ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code,
            message,
            verdict: Some(Box::new(verdict)),
            event_id: Some(event.id),
        });
    }
    state.metrics.assertions_valid.fetch_add(1, Ordering::Relaxed);
    if record.is_some() {
        state.metrics.records_created.fetch_add(1, Ordering::Relaxed);
    }
    // Per-verification detail is the audit trail's job; the log stays quiet under load.
    tracing::debug!(event = %event.id, record = ?event.record_id, purpose = %event.purpose, "assertion verified");
    Ok(Verified {
        verdict,
        event_id: event.id,
        record_id: record.map(|r| r.id),
        subject,
    })
}

/// Asks the configured OCSP responder about the assertion's (unverified) leaf: the response
/// is verified by the core with the rest. A responder that cannot be reached leaves the
/// revocation slot to the other sources (and `unchecked` if there are none) — never a 500.
async fn fetch_ocsp(
    state: &AppState,
    url: &str,
    input: &[u8],
    format: Option<Format>,
    detached: Option<&[u8]>,
) -> Option<(Vec<u8>, Vec<u8>)> {
    let leaf = assertion::unverified_leaf(input, format, detached).ok()?;
    let leaf = jpki_verify::parse_certificate(&leaf).ok()?;
    let nonce = random_bytes::<16>().to_vec();
    let request = ocsp::build_request_for(&leaf, &state.config.anchors, ocsp::CertIdHash::Sha256, Some(&nonce)).ok()?;
    match crate::revocation::ocsp_fetch(url, &request).await {
        Ok(response) => Some((response, nonce)),
        Err(e) => {
            tracing::warn!(responder = url, error = %e, "OCSP responder unavailable");
            None
        }
    }
}

// ------------------------------------------------------------------ phone hand-off

/// A hand-off lives at most 2 minutes (docs/readers.md §5.3), and never beyond its challenge.
const HANDOFF_TTL_MS: i64 = 120_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HandoffRequest {
    /// The session's challenge, which the phone will answer.
    nonce: String,
}

fn token_hash(token: &str) -> String {
    encode_base64(&Sha256::digest(token.as_bytes()), true)
}

/// The challenge `nonce` if it can still be answered.
async fn open_challenge(state: &AppState, nonce: &str, now: i64) -> Result<Challenge, ApiError> {
    let challenge = state
        .store
        .challenge(nonce)
        .await
        .map_err(|e| ApiError::store(state, &e))?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "JPKI_NONCE_UNKNOWN",
                "this server did not issue that challenge (or it expired long ago); request a new one",
            )
        })?;
    if challenge.consumed_at.is_some() {
        return Err(reused());
    }
    if now > challenge.expires_at {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "JPKI_NONCE_EXPIRED",
            "the challenge expired; request a new one",
        ));
    }
    Ok(challenge)
}

/// The QR code of `text` as rows of `0`/`1` (the page draws them).
fn qr_rows(text: &str) -> Value {
    match qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium) {
        Ok(qr) => {
            let size = qr.size();
            let rows: Vec<String> = (0..size)
                .map(|y| (0..size).map(|x| if qr.get_module(x, y) { '1' } else { '0' }).collect())
                .collect();
            json!({ "size": size, "rows": rows })
        }
        Err(_) => Value::Null,
    }
}

/// `POST /v1/handoffs`: a single-use, short-lived token bound to the session's challenge,
/// its URL (for a QR code or an NDEF URL record) and a confirmation code for both screens.
async fn post_handoff(
    State(state): State<Shared>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req: HandoffRequest = parse_body(&state, body)?;
    let now = now_ms();
    let challenge = open_challenge(&state, &req.nonce, now).await?;
    let token = encode_base64(&random_bytes::<16>(), true);
    let code_bytes = random_bytes::<4>();
    let handoff = Handoff {
        id: format!("hof_{}", encode_base64(&random_bytes::<16>(), true)),
        nonce: challenge.nonce.clone(),
        code: format!("{:06}", u32::from_be_bytes(code_bytes) % 1_000_000),
        created_at: now,
        expires_at: (now + HANDOFF_TTL_MS).min(challenge.expires_at),
        claimed_at: None,
        finished_at: None,
        outcome: None,
        record_id: None,
    };
    state
        .store
        .insert_handoff(&handoff, &token_hash(&token))
        .await
        .map_err(|e| ApiError::store(&state, &e))?;
    let url = format!("{}/#handoff={token}", challenge.audience.trim_end_matches('/'));
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "handoffId": handoff.id,
            "token": token,
            "url": url,
            "code": handoff.code,
            "expiresAt": jpki_verify::time::to_rfc3339(handoff.expires_at / 1000),
            "qr": qr_rows(&url),
        })),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimRequest {
    token: String,
}

/// `POST /v1/handoffs/claim`: the phone takes the hand-off (once) and gets the challenge to
/// answer. Used twice → `JPKI_HANDOFF_USED` (409), expired → `JPKI_HANDOFF_EXPIRED` (410),
/// unknown → `JPKI_HANDOFF_UNKNOWN` (404).
async fn post_handoff_claim(
    State(state): State<Shared>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let req: ClaimRequest = parse_body(&state, body)?;
    let now = now_ms();
    let claimed = state
        .store
        .claim_handoff(&token_hash(&req.token), now)
        .await
        .map_err(|e| ApiError::store(&state, &e))?;
    let h = match claimed {
        None => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "JPKI_HANDOFF_UNKNOWN",
                "no such hand-off; start again on the first screen",
            ))
        }
        Some((h, true)) => h,
        Some((h, false)) if h.claimed_at.is_some() => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "JPKI_HANDOFF_USED",
                "this hand-off was already used; start again on the first screen",
            ))
        }
        Some(_) => {
            return Err(ApiError::new(
                StatusCode::GONE,
                "JPKI_HANDOFF_EXPIRED",
                "this hand-off expired; start again on the first screen",
            ))
        }
    };
    let challenge = open_challenge(&state, &h.nonce, now).await?;
    Ok(Json(json!({
        "handoffId": h.id,
        "nonce": challenge.nonce,
        "purpose": challenge.purpose,
        "audience": challenge.audience,
        "code": h.code,
        "expiresAt": jpki_verify::time::to_rfc3339(h.expires_at / 1000),
    })))
}

/// `GET /v1/handoffs/{id}?nonce=N`: the first page watches its hand-off. Only the session that
/// holds the challenge may: another nonce → `JPKI_HANDOFF_WRONG_SESSION` (403).
async fn get_handoff(
    State(state): State<Shared>,
    UrlPath(id): UrlPath<String>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Json<Value>, ApiError> {
    let nonce = query
        .as_deref()
        .unwrap_or_default()
        .split('&')
        .find_map(|kv| kv.strip_prefix("nonce="))
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::bad_request("the session's challenge is required: ?nonce=…"))?;
    let h = state
        .store
        .handoff(&id)
        .await
        .map_err(|e| ApiError::store(&state, &e))?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "JPKI_HANDOFF_UNKNOWN", "no such hand-off"))?;
    if !token_matches(h.nonce.as_bytes(), nonce.as_bytes()) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "JPKI_HANDOFF_WRONG_SESSION",
            "this hand-off belongs to another session",
        ));
    }
    let status = if h.finished_at.is_some() {
        "done"
    } else if h.claimed_at.is_some() {
        "claimed"
    } else if now_ms() > h.expires_at {
        "expired"
    } else {
        "waiting"
    };
    Ok(Json(json!({
        "handoffId": h.id,
        "status": status,
        "code": h.code,
        "expiresAt": jpki_verify::time::to_rfc3339(h.expires_at / 1000),
        "outcome": h.outcome,
        "recordId": h.record_id,
    })))
}

fn reused() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "JPKI_NONCE_REUSED",
        "this challenge was already used; request a new one",
    )
}

/// The authentication certificate the signer bound in `txn.authCertificateSha256`, as a
/// pairwise subject. The binding is signed by the (verified) signature key, so it needs no
/// path validation here: a login with that certificate is fully verified when it happens.
fn linked_auth_subject(state: &AppState, verdict: &Verdict, b64: &str) -> Result<String, ApiError> {
    let der = decode_b64_field(b64, "authenticationCertificate")?;
    let hash = encode_base64(&Sha256::digest(&der), true);
    let bound = verdict
        .claims
        .as_ref()
        .and_then(|c| c.txn.as_ref())
        .and_then(|t| t.get("authCertificateSha256"))
        .and_then(jpki_verify::json::JsonValue::as_str);
    if bound != Some(hash.as_str()) {
        return Err(ApiError::bad_request(
            "authenticationCertificate is not the one bound by the signed txn.authCertificateSha256",
        ));
    }
    let cert = jpki_verify::parse_certificate(&der).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            e.code(),
            format!("authenticationCertificate: {e}"),
        )
    })?;
    let signer_env = verdict.certificate.as_ref().map(|c| c.environment);
    if cert.kind != jpki_verify::Kind::Authentication
        || cert.role != jpki_verify::Role::EndEntity
        || Some(cert.environment) != signer_env
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "JPKI_WRONG_CERTIFICATE_KIND",
            "authenticationCertificate is not an authentication certificate of the same environment",
        ));
    }
    Ok(state.subjects.subject(&cert.issuer, &cert.serial_number))
}

fn account_record(
    state: &AppState,
    verdict: &Verdict,
    req: &AssertionRequest,
    format: Option<Format>,
    auth_subject: Option<String>,
    challenge_issued_at: i64,
    now: i64,
) -> Result<AccountRecord, ApiError> {
    let internal = |what: &str| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "JPKI_INTERNAL", what.to_owned());
    let cert = verdict
        .certificate
        .as_ref()
        .ok_or_else(|| internal("valid verdict without a certificate"))?;
    let id = verdict
        .identity
        .as_ref()
        .ok_or_else(|| internal("valid account-opening verdict without identity"))?;
    let to_json = |v: &dyn erased::Ser| v.json();
    let summary = json!({
        "valid": verdict.valid,
        "anchor": verdict.anchor,
        "revocation": verdict.revocation,
        "warnings": verdict.warnings,
        "verifiedAt": verdict.verified_at,
        "trust": state.config.trust,
    });
    Ok(AccountRecord {
        id: new_id("rec"),
        subject: state.subjects.subject(&cert.issuer, &cert.serial_number),
        auth_subject,
        name: id.name.clone(),
        name_substituted: to_json(&id.name_substituted),
        date_of_birth: to_json(&id.date_of_birth),
        sex: to_json(&id.sex).trim_matches('"').to_owned(),
        address: id.address.clone(),
        address_substituted: to_json(&id.address_substituted),
        cert_serial: cert.serial_number.clone(),
        cert_issuer: cert.issuer.clone(),
        cert_not_after: cert.not_after.clone(),
        verdict: summary.to_string(),
        evidence_format: match format {
            Some(Format::Cms) => "cms",
            _ => "jws",
        }
        .to_owned(),
        evidence: req.assertion.clone(),
        challenge_issued_at,
        verified_at: now,
        created_at: now,
    })
}

/// Serializes any `Serialize` value to a JSON string (object-safe for the closure above).
mod erased {
    pub(super) trait Ser {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Ser for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

async fn post_assertion(
    State(state): State<Shared>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let req: AssertionRequest = parse_body(&state, body)?;
    let v = submit(&state, req, Endpoint::Assertions).await?;
    let mut out = json!({ "verdict": v.verdict, "eventId": v.event_id });
    if let Some(id) = v.record_id {
        out["recordId"] = Value::String(id);
    }
    Ok(Json(out))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditRequest {
    assertion: String,
}

async fn post_audit(State(state): State<Shared>, body: Result<Bytes, BytesRejection>) -> Result<Json<Value>, ApiError> {
    let req: AuditRequest = parse_body(&state, body)?;
    let req = AssertionRequest {
        assertion: req.assertion,
        format: Some(Format::Jws),
        detached: None,
        authentication_certificate: None,
        handoff: None,
    };
    let v = submit(&state, req, Endpoint::Audit).await?;
    let subject = v.subject.ok_or_else(|| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "JPKI_INTERNAL",
            "valid login without a subject",
        )
    })?;
    let records = state
        .store
        .records_linked_to(&subject)
        .await
        .map_err(|e| ApiError::store(&state, &e))?;
    let mut subjects = vec![subject.clone()];
    for r in &records {
        if !subjects.contains(&r.subject) {
            subjects.push(r.subject.clone());
        }
    }
    let events = state
        .store
        .events_about(&subjects, 1000)
        .await
        .map_err(|e| ApiError::store(&state, &e))?;
    state.metrics.audit_views.fetch_add(1, Ordering::Relaxed);
    let events: Vec<Value> = events
        .into_iter()
        .map(|e| {
            json!({
                "id": e.id,
                "at": jpki_verify::time::to_rfc3339(e.at / 1000),
                "purpose": e.purpose,
                "outcome": e.outcome,
                "code": e.code,
                "audience": e.audience,
                "recordId": e.record_id,
                "certificate": if e.subject.as_deref() == Some(subject.as_str()) { "authentication" } else { "signature" },
            })
        })
        .collect();
    let records: Vec<Value> = records
        .iter()
        .map(|r| json!({ "id": r.id, "createdAt": jpki_verify::time::to_rfc3339(r.created_at / 1000) }))
        .collect();
    Ok(Json(json!({
        "subject": subject,
        "eventId": v.event_id,
        "events": events,
        "records": records,
    })))
}

/// Constant-time comparison of a secret (the bearer token, a hand-off's challenge).
fn token_matches(expected: &[u8], got: &[u8]) -> bool {
    let mut diff = u8::from(expected.len() != got.len());
    for (i, e) in expected.iter().enumerate() {
        diff |= e ^ got.get(i).copied().unwrap_or(0);
    }
    diff == 0
}

/// The operator API's bearer-token check.
fn require_operator(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = &state.config.operator_token else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "JPKI_UNAUTHORIZED",
            "the operator API is disabled (start the server with --operator-token-file)",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or("");
    if !token_matches(expected, given.as_bytes()) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "JPKI_UNAUTHORIZED",
            "a valid operator bearer token is required",
        ));
    }
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecheckQuery {
    #[serde(default)]
    run: Option<String>,
    #[serde(default)]
    changed: Option<bool>,
}

/// Operator: the results of a re-check run (the latest by default), only changes with
/// `?changed=true`.
async fn get_rechecks(
    State(state): State<Shared>,
    headers: HeaderMap,
    query: Result<axum::extract::Query<RecheckQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    require_operator(&state, &headers)?;
    let axum::extract::Query(q) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let rows = state
        .store
        .rechecks(q.run.as_deref(), q.changed.unwrap_or(false))
        .await
        .map_err(|e| ApiError::store(&state, &e))?;
    Ok(Json(json!({
        "runId": rows.first().map(|r| r.run_id.clone()),
        "results": rows.iter().map(super::recheck::row_json).collect::<Vec<_>>(),
    })))
}

async fn get_record(
    State(state): State<Shared>,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    require_operator(&state, &headers)?;
    let record = state
        .store
        .record(&id)
        .await
        .map_err(|e| ApiError::store(&state, &e))?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "JPKI_NOT_FOUND", "no such record"))?;
    let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
    Ok(Json(json!({
        "id": record.id,
        "subject": record.subject,
        "linkedAuthenticationSubject": record.auth_subject,
        "identity": {
            "name": record.name,
            "nameSubstituted": parse(&record.name_substituted),
            "dateOfBirth": parse(&record.date_of_birth),
            "sex": record.sex,
            "address": record.address,
            "addressSubstituted": parse(&record.address_substituted),
        },
        "certificate": {
            "serialNumber": record.cert_serial,
            "issuer": record.cert_issuer,
            "notAfter": record.cert_not_after,
        },
        "verdict": parse(&record.verdict),
        "evidence": { "format": record.evidence_format, "assertion": record.evidence },
        "challengeIssuedAt": jpki_verify::time::to_rfc3339(record.challenge_issued_at / 1000),
        "verifiedAt": jpki_verify::time::to_rfc3339(record.verified_at / 1000),
        "createdAt": jpki_verify::time::to_rfc3339(record.created_at / 1000),
    })))
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
    Ok(Json(json!({ "status": "ok", "db": state.store.backend().name() })))
}

async fn metrics(State(state): State<Shared>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(state.store.backend().name()),
    )
}

/// The OpenAPI document (hand-written; `server/tests/api.rs` checks it against the routes).
pub(crate) const OPENAPI: &str = include_str!("../../openapi.json");

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI)
}
