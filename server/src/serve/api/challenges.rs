//! `POST /v1/challenges`: single-use challenges bound to purpose and audience, and the check
//! every later request makes of one.

use super::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ChallengeRequest {
    pub(super) purpose: String,
    #[serde(default)]
    pub(super) audience: Option<String>,
}

pub(super) async fn post_challenge(
    State(state): State<Shared>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req: ChallengeRequest = parse_body(&state, body)?;
    let purpose = Purpose::parse(&req.purpose).ok_or_else(|| {
        ApiError::bad_request(format!(
            "purpose {}: expected account-opening, login, sign or renewal",
            crate::serve::redact::shown(&req.purpose)
        ))
    })?;
    let audience = match req.audience {
        None => state.config.audiences.first().cloned().unwrap_or_default(),
        Some(a) if state.config.audiences.contains(&a) => a,
        Some(a) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "JPKI_AUDIENCE_MISMATCH",
                format!(
                    "this server does not serve the audience {}",
                    crate::serve::redact::shown(&a)
                ),
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

/// The challenge `nonce` if it can still be answered.
pub(super) async fn open_challenge(state: &AppState, nonce: &str, now: i64) -> Result<Challenge, ApiError> {
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
