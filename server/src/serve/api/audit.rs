//! `POST /v1/audit`: the person proves control of their authentication certificate (a login
//! assertion) and gets every event about their certificates.

use super::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AuditRequest {
    pub(super) assertion: String,
}

pub(super) async fn post_audit(
    State(state): State<Shared>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
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
