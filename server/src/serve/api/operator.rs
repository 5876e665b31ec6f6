//! Operator endpoints (bearer token): `GET /v1/records/{id}`, `GET /v1/rechecks`.

use super::*;

/// Constant-time comparison of a secret (the bearer token, a hand-off's challenge).
pub(super) fn token_matches(expected: &[u8], got: &[u8]) -> bool {
    let mut diff = u8::from(expected.len() != got.len());
    for (i, e) in expected.iter().enumerate() {
        diff |= e ^ got.get(i).copied().unwrap_or(0);
    }
    diff == 0
}

/// The operator API's bearer-token check.
pub(super) fn require_operator(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = &state.config.operator_token else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "JPKI_UNAUTHORIZED",
            "the operator API is disabled (start the server with --operator-token-file)",
        ));
    };
    let given = bearer_token(headers).unwrap_or("");
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
pub(super) struct RecheckQuery {
    #[serde(default)]
    pub(super) run: Option<String>,
    #[serde(default)]
    pub(super) changed: Option<bool>,
}

/// Operator: the results of a re-check run (the latest by default), only changes with
/// `?changed=true`.
pub(super) async fn get_rechecks(
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
        "results": rows.iter().map(crate::serve::recheck::row_json).collect::<Vec<_>>(),
    })))
}

pub(super) async fn get_record(
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
    // Review-security M7: every read of a person's identity record is itself an audit event,
    // under their subject, so their own audit view ("see who verified me") lists it.
    let read = AuditEvent {
        id: new_id("evt"),
        at: now_ms(),
        subject: Some(record.subject.clone()),
        purpose: "operator-read".to_owned(),
        outcome: "read".to_owned(),
        code: None,
        audience: "operator".to_owned(),
        record_id: Some(record.id.clone()),
        instance: state.config.instance.clone(),
        detail: None,
    };
    state
        .store
        .insert_event(&read)
        .await
        .map_err(|e| ApiError::store(&state, &e))?;
    let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
    // The latest 4 basic information received about this record's certificate (recheck).
    let history: Vec<Value> = state
        .store
        .basic_information_history(&record.customer_id)
        .await
        .map_err(|e| ApiError::store(&state, &e))?
        .into_iter()
        .filter(|h| h.record_id == record.id)
        .map(|h| {
            json!({
                "name": h.name,
                "dateOfBirth": h.date_of_birth,
                "sex": h.sex,
                "address": h.address,
                "asOf": h.as_of,
                "answerId": h.answer_id,
                "consentId": h.consent_id,
                "fetchedAt": jpki_verify::time::to_rfc3339(h.fetched_at / 1000),
            })
        })
        .collect();
    Ok(Json(json!({
        "basicInformationHistory": history,
        "id": record.id,
        "customerId": record.customer_id,
        "purpose": record.purpose,
        "kept": parse(&record.kept),
        "token": record.token,
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
        // `null` when the claims policy does not keep the evidence.
        "evidence": (!record.evidence.is_empty())
            .then(|| json!({ "format": record.evidence_format, "assertion": record.evidence })),
        "challengeIssuedAt": jpki_verify::time::to_rfc3339(record.challenge_issued_at / 1000),
        "verifiedAt": jpki_verify::time::to_rfc3339(record.verified_at / 1000),
        "createdAt": jpki_verify::time::to_rfc3339(record.created_at / 1000),
    })))
}
