//! The bank's own login: `POST /v1/sessions` (a login assertion with the authentication
//! certificate linked to a customer → a session token), `GET /v1/sessions/current` and
//! `DELETE /v1/sessions/current` (logout) with `Authorization: Bearer <token>`.
//!
//! The revocation status of the authentication certificate must be known (a CRL or OCSP
//! answer): a lost card cannot log in, even on a server that lets account openings through
//! with a warning — unless the server runs with `--allow-unchecked-revocation` (demo and tests).
//! A session lasts `--session-ttl` seconds (default 900, at most 43 200) from the login,
//! absolute: it is never extended, so a stolen token is good for at most that long. Only the
//! SHA-256 of the token is stored.

use super::*;
use crate::serve::store::Session;

/// Default session lifetime, seconds (15 minutes, as banks' online sessions).
pub(crate) const SESSION_TTL_DEFAULT: u32 = 900;
/// Longest session lifetime `--session-ttl` accepts, seconds (12 hours).
pub(crate) const SESSION_TTL_MAX: u32 = 43_200;

pub(super) async fn post_session(
    State(state): State<Shared>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req: SignedRequest = parse_body(&state, body)?;
    let v = submit(&state, req.into_assertion(), Endpoint::Session).await?;
    let (Some(subject), Some(customer_id)) = (v.subject, v.customer_id) else {
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "JPKI_INTERNAL",
            "valid session login without a subject or customer",
        ));
    };
    let now = now_ms();
    let token = encode_base64(&random_bytes::<32>(), true);
    let session = Session {
        id: new_id("ses"),
        customer_id,
        subject,
        event_id: v.event_id.clone(),
        created_at: now,
        expires_at: now + state.config.session_ttl_ms,
        ended_at: None,
    };
    state
        .store
        .insert_session(&session, &token_hash(&token))
        .await
        .map_err(|e| ApiError::store(&state, &e))?;
    let mut body = session_json(&session);
    body["token"] = json!(token);
    body["eventId"] = json!(v.event_id);
    body["revocation"] = serde_json::to_value(&v.verdict.revocation).unwrap_or(Value::Null);
    Ok((StatusCode::CREATED, Json(body)))
}

pub(super) async fn get_current_session(
    State(state): State<Shared>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let session = live_session(&state, &headers).await?;
    Ok(Json(session_json(&session)))
}

pub(super) async fn delete_current_session(
    State(state): State<Shared>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let hash = token_hash(bearer(&headers)?);
    let ended = state
        .store
        .end_session(&hash, now_ms())
        .await
        .map_err(|e| ApiError::store(&state, &e))?;
    if ended {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(invalid_session())
    }
}

fn session_json(s: &Session) -> Value {
    json!({
        "sessionId": s.id,
        "customerId": s.customer_id,
        "createdAt": jpki_verify::time::to_rfc3339(s.created_at / 1000),
        "expiresAt": jpki_verify::time::to_rfc3339(s.expires_at / 1000),
    })
}

fn invalid_session() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "JPKI_SESSION_INVALID",
        "no live session for this token (expired, logged out, or never issued): log in again",
    )
}

fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    bearer_token(headers)
        .filter(|t| !t.is_empty() && t.len() <= 128)
        .ok_or_else(invalid_session)
}

async fn live_session(state: &AppState, headers: &HeaderMap) -> Result<Session, ApiError> {
    let hash = token_hash(bearer(headers)?);
    state
        .store
        .live_session(&hash, now_ms())
        .await
        .map_err(|e| ApiError::store(state, &e))?
        .ok_or_else(invalid_session)
}
