//! 現況確認: re-checks every stored account's signature certificate against the current
//! revocation sources and records, per account, the status, the reason and whether it changed
//! since the last run — so the bank learns who moved (`affiliationChanged`: the 4 basic
//! information changed), lost their card or had the certificate revoked otherwise.
//! `jpki-verify recheck` runs it; `GET /v1/rechecks` lists the results.

use jpki_verify::assertion::RevocationStatus;
use jpki_verify::encoding::decode_base64;
use jpki_verify::revocation::crl::CrlIndex;
use jpki_verify::revocation::RevocationPolicy;
use jpki_verify::Error;
use serde_json::{json, Value};

use super::store::{BasicInformationEntry, RecheckRow, Store, StoreError};
use crate::platform_operator::{CertRef, PlatformOperator};

/// What one run found.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    pub(crate) run_id: String,
    pub(crate) checked: usize,
    pub(crate) changed: Vec<RecheckRow>,
    pub(crate) unchecked: usize,
    /// Per account revoked for a change of details: what the latest 4 basic information
    /// query did (`{"recordId", "outcome": "updated"|"unchanged"|"noConsent"|"noAnswer"|"failed"}`).
    pub(crate) latest_basic_information: Vec<Value>,
}

impl Summary {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "runId": self.run_id,
            "checked": self.checked,
            "unchecked": self.unchecked,
            "changed": self.changed.iter().map(row_json).collect::<Vec<_>>(),
            "latestBasicInformation": self.latest_basic_information,
        })
    }
}

pub(crate) fn row_json(r: &RecheckRow) -> Value {
    json!({
        "recordId": r.record_id,
        "status": r.status,
        "reason": r.reason,
        "source": r.source,
        "previousStatus": r.previous_status,
        "changed": r.changed,
        "checkedAt": jpki_verify::time::to_rfc3339(r.checked_at / 1000),
        "runId": r.run_id,
    })
}

/// The signer's certificate from the stored evidence (the leaf of the JWS `x5c`, or the CMS
/// signer's certificate). The evidence was verified when the account was opened; here it is
/// only a place to find the certificate again.
pub(crate) fn evidence_certificate(format: &str, evidence: &str) -> Result<jpki_verify::Certificate, Error> {
    let der = if format == "cms" {
        let cms = decode_base64(evidence.trim().as_bytes())?;
        jpki_verify::assertion::unverified_leaf(&cms, Some(jpki_verify::Format::Cms), None)?
    } else {
        jpki_verify::assertion::unverified_leaf(evidence.as_bytes(), Some(jpki_verify::Format::Jws), None)?
    };
    jpki_verify::parse_certificate(&der)
}

/// The status of `cert` from the CRL indexes at `time`: `(status, reason, source)` — the
/// core's answers of the covering indexes, the first usable one; `unchecked` with the cause
/// when there is none (stale, no CRL for that CA).
pub(crate) fn status_from_crls(
    crls: &[CrlIndex],
    cert: &jpki_verify::Certificate,
    time: i64,
    policy: &RevocationPolicy,
) -> (String, Option<String>, Option<String>) {
    let refs: Vec<&CrlIndex> = crls.iter().collect();
    let answers = CrlIndex::answers_for(&refs, cert, cert.anchor.as_ref().map(|a| a.id.as_str()), time, policy);
    if let Some(a) = answers.iter().find_map(|a| a.as_ref().ok()) {
        let status = match a.status {
            RevocationStatus::Good => "good",
            RevocationStatus::Revoked => "revoked",
            _ => "unknown",
        };
        return (
            status.to_owned(),
            a.reason.map(|r| r.as_str().to_owned()),
            Some(a.source.clone()),
        );
    }
    let problem = answers
        .iter()
        .find_map(|a| a.as_ref().err())
        .map(|e| format!("{}: {e}", e.code()))
        .unwrap_or_else(|| "no CRL covers the issuer".to_owned());
    ("unchecked".to_owned(), None, Some(problem))
}

/// Runs one re-check over every account record, in pages.
pub(crate) async fn run(
    store: &Store,
    crls: &[CrlIndex],
    policy: &RevocationPolicy,
    operator: Option<&PlatformOperator>,
    now_ms: i64,
    instance_id: impl Fn(&str) -> String,
) -> Result<Summary, StoreError> {
    let run_id = instance_id("run");
    let mut summary = Summary {
        run_id: run_id.clone(),
        ..Summary::default()
    };
    let mut after = String::new();
    loop {
        let page = store.evidence_page(&after, 500).await?;
        let Some(last) = page.last() else { break };
        after = last.0.clone();
        let mut rows = Vec::with_capacity(page.len());
        for (record_id, format, evidence) in &page {
            let cert = evidence_certificate(format, evidence);
            let (status, reason, source) = match &cert {
                Ok(cert) => status_from_crls(crls, cert, now_ms / 1000, policy),
                Err(e) => ("unchecked".to_owned(), None, Some(format!("evidence: {}", e.code()))),
            };
            if let (Some(operator), Ok(cert), "revoked", Some("affiliationChanged")) =
                (operator, &cert, status.as_str(), reason.as_deref())
            {
                let outcome = latest_basic_information(store, operator, record_id, cert, now_ms, &instance_id).await?;
                summary
                    .latest_basic_information
                    .push(json!({ "recordId": record_id, "outcome": outcome }));
            }
            let previous = store.last_recheck_status(record_id).await?;
            let changed = status != previous && status != "unchecked";
            if status == "unchecked" {
                summary.unchecked += 1;
            }
            rows.push(RecheckRow {
                id: instance_id("rck"),
                run_id: run_id.clone(),
                record_id: record_id.clone(),
                checked_at: now_ms,
                status,
                reason,
                source,
                previous_status: previous,
                changed,
            });
        }
        summary.checked += rows.len();
        store.insert_rechecks(&rows).await?;
        summary.changed.extend(rows.into_iter().filter(|r| r.changed));
    }
    Ok(summary)
}

/// Asks the platform operator for the current 4 basic information of the holder of `cert`
/// (record `record_id`, revoked for a change of details), only under the customer's live
/// consent, and keeps the answer when it is new. The outcome, for the summary.
async fn latest_basic_information(
    store: &Store,
    operator: &PlatformOperator,
    record_id: &str,
    cert: &jpki_verify::Certificate,
    now_ms: i64,
    instance_id: &impl Fn(&str) -> String,
) -> Result<&'static str, StoreError> {
    let Some(record) = store.record(record_id).await? else {
        return Ok("noAnswer");
    };
    // Withdrawn, or never given: no query at all.
    let Some(consent) = store.active_consent(&record.customer_id).await? else {
        return Ok("noConsent");
    };
    let cert_ref = CertRef {
        issuer: cert.issuer.clone(),
        serial_number: cert.serial_number.clone(),
    };
    let answer = match operator.basic_information(&cert_ref, &consent.id).await {
        Ok(Some(a)) => a,
        Ok(None) => return Ok("noAnswer"),
        Err(e) => {
            tracing::warn!(record = %record_id, error = %e, "latest 4 basic information query failed");
            return Ok("failed");
        }
    };
    let history = store.basic_information_history(&record.customer_id).await?;
    if history.iter().any(|h| h.answer_id == answer.id) {
        return Ok("unchanged");
    }
    store
        .insert_basic_information(&BasicInformationEntry {
            id: instance_id("bif"),
            customer_id: record.customer_id.clone(),
            record_id: record_id.to_owned(),
            consent_id: consent.id.clone(),
            answer_id: answer.id,
            name: answer.name,
            date_of_birth: answer.date_of_birth,
            sex: answer.sex,
            address: answer.address,
            as_of: answer.as_of,
            fetched_at: now_ms,
        })
        .await?;
    Ok("updated")
}
