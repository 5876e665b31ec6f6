//! `POST /v1/audit`: the person proves control of their authentication certificate (a login
//! assertion) and gets every event about their certificates.

use super::*;

/// Most records one audit view lists, and most certificate subjects whose events it gathers
/// (one person has a few cards over a lifetime; review-security L12: a holder who links many
/// records to their own login cannot make one view load them all).
pub(super) const MAX_AUDIT_RECORDS: i64 = 100;
pub(super) const MAX_AUDIT_SUBJECTS: usize = 16;

pub(super) async fn post_audit(
    State(state): State<Shared>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let req: SignedRequest = parse_body(&state, body)?;
    let v = submit(&state, req.into_assertion(), Endpoint::Audit).await?;
    let subject = v.subject.ok_or_else(|| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "JPKI_INTERNAL",
            "valid login without a subject",
        )
    })?;
    let linked = state
        .store
        .records_linked_to(&subject, MAX_AUDIT_RECORDS)
        .await
        .map_err(|e| ApiError::store(&state, &e))?;
    // The customers those records belong to, and all of each customer's records: a renewed
    // card's login shows the whole history, the records before the renewal included.
    let mut customers: Vec<String> = Vec::new();
    for (_, _, _, c) in &linked {
        if !c.is_empty() && !customers.contains(c) && customers.len() < MAX_AUDIT_SUBJECTS {
            customers.push(c.clone());
        }
    }
    let mut records = Vec::new();
    let mut links = Vec::new();
    for c in &customers {
        let rows = state
            .store
            .customer_records(c, MAX_AUDIT_RECORDS)
            .await
            .map_err(|e| ApiError::store(&state, &e))?;
        for row in rows {
            if records.len() < usize::try_from(MAX_AUDIT_RECORDS).unwrap_or(100) {
                records.push((row, c.clone()));
            }
        }
        links.extend(
            state
                .store
                .customer_links(c)
                .await
                .map_err(|e| ApiError::store(&state, &e))?,
        );
    }
    for (id, s, created_at, c) in linked {
        if !records.iter().any(|((rid, ..), _)| *rid == id) {
            records.push(((id, s, created_at, String::new(), "{}".to_owned()), c));
        }
    }
    let mut subjects = vec![subject.clone()];
    for ((_, s, ..), _) in &records {
        if !subjects.contains(s) && subjects.len() < MAX_AUDIT_SUBJECTS {
            subjects.push(s.clone());
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
                "detail": e.detail.as_deref().and_then(|d| serde_json::from_str::<Value>(d).ok()),
                "certificate": if e.subject.as_deref() == Some(subject.as_str()) { "authentication" } else { "signature" },
            })
        })
        .collect();
    // What each record kept (the claims policy's list and derived values, never the values of
    // the identity itself: this answer goes to whoever holds the card).
    let records: Vec<Value> = records
        .iter()
        .map(|((id, _, created_at, purpose, kept), customer)| {
            let kept: Value = serde_json::from_str(kept).unwrap_or(Value::Null);
            json!({
                "id": id,
                "customerId": customer,
                "purpose": purpose,
                "kept": kept,
                "createdAt": jpki_verify::time::to_rfc3339(created_at / 1000),
            })
        })
        .collect();
    let links: Vec<Value> = links
        .iter()
        .map(|l| {
            json!({
                "recordId": l.record_id,
                "previousRecordId": l.previous_record_id,
                "basis": l.basis,
                "evidence": serde_json::from_str::<Value>(&l.evidence).unwrap_or(Value::Null),
                "at": jpki_verify::time::to_rfc3339(l.at / 1000),
            })
        })
        .collect();
    // Consents and the queries made under them (when and as of when; the values are the
    // bank's, in the operator's view of the record).
    let mut consents = Vec::new();
    let mut queries = Vec::new();
    for c in &customers {
        let given = state
            .store
            .consents_of(c)
            .await
            .map_err(|e| ApiError::store(&state, &e))?;
        consents.extend(given.iter().map(super::consents::consent_json));
        let history = state
            .store
            .basic_information_history(c)
            .await
            .map_err(|e| ApiError::store(&state, &e))?;
        queries.extend(history.iter().map(|h| {
            json!({
                "recordId": h.record_id,
                "consentId": h.consent_id,
                "asOf": h.as_of,
                "fetchedAt": jpki_verify::time::to_rfc3339(h.fetched_at / 1000),
            })
        }));
    }
    Ok(Json(json!({
        "subject": subject,
        "eventId": v.event_id,
        "customers": customers,
        "consents": consents,
        "basicInformationQueries": queries,
        "events": events,
        "records": records,
        "links": links,
    })))
}
