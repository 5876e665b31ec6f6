//! The phone hand-off: `POST /v1/handoffs`, `POST /v1/handoffs/claim`, `GET /v1/handoffs/{id}`
//! (a kiosk session continued on a phone; single use, two minutes).

use super::*;

/// A hand-off lives at most 2 minutes (docs/readers.md §5.3), and never beyond its challenge.
pub(super) const HANDOFF_TTL_MS: i64 = 120_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HandoffRequest {
    /// The session's challenge, which the phone will answer.
    pub(super) nonce: String,
}

pub(super) fn token_hash(token: &str) -> String {
    encode_base64(&Sha256::digest(token.as_bytes()), true)
}

/// The QR code of `text` as rows of `0`/`1` (the page draws them).
pub(super) fn qr_rows(text: &str) -> Value {
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
pub(super) async fn post_handoff(
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
pub(super) struct ClaimRequest {
    pub(super) token: String,
}

/// `POST /v1/handoffs/claim`: the phone takes the hand-off (once) and gets the challenge to
/// answer. Used twice → `JPKI_HANDOFF_USED` (409), expired → `JPKI_HANDOFF_EXPIRED` (410),
/// unknown → `JPKI_HANDOFF_UNKNOWN` (404).
pub(super) async fn post_handoff_claim(
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
pub(super) async fn get_handoff(
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
