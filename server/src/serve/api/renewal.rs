//! Renewal: an account holder's new signature certificate (purpose `renewal`) joins the
//! existing customer only on evidence, in this order:
//!
//! 1. **The platform operator's linkage** (`--platform-operator`): J-LIS's 紐付け情報 says the
//!    new certificate replaced an old one, and this bank has a record of the old one. The only
//!    evidence that carries a change of name (marriage) across.
//! 2. **The 4 basic information**, only where the bank's policy allows it
//!    (`--renewal-by-basic-information`): the customer's previous certificate is revoked for a
//!    change of details or superseded (the CRL says `affiliationChanged` / `superseded`), and the
//!    new certificate's name, date of birth and sex match the record's — the address may differ
//!    (a move is why the old one was revoked), the name may not, and a character J-LIS flagged
//!    as a substitute (外字 replaced) matches whatever the other certificate has in its place,
//!    because a substitute is a stand-in for a glyph, not that glyph.
//!
//! Each decision is returned with its evidence (no identity: field names, reasons, answer and
//! record ids) for the audit trail; a refusal lists the evidence that was missing.

use jpki_verify::revocation::crl::CrlIndex;
use jpki_verify::Identity;

use super::*;
use crate::platform_operator::CertRef;

/// Most candidate customers a 4-basic-information match looks at (same date of birth and sex).
const MAX_CANDIDATES: i64 = 50;

/// The customer a renewal continues, and why.
pub(super) struct Linked {
    pub(super) previous: AccountRecord,
    pub(super) basis: &'static str,
    pub(super) evidence: Value,
}

/// Finds the customer `verdict`'s (valid, signature) certificate renews, or says which evidence
/// is missing (each entry one sentence).
pub(super) async fn find_customer(state: &AppState, verdict: &Verdict, now: i64) -> Result<Linked, Vec<String>> {
    let mut missing = Vec::new();
    let (Some(cert), Some(identity)) = (verdict.certificate.as_ref(), verdict.identity.as_ref()) else {
        return Err(vec![
            "the renewal assertion carries no signature certificate identity".to_owned()
        ]);
    };
    let new = CertRef {
        issuer: cert.issuer.clone(),
        serial_number: cert.serial_number.clone(),
    };
    // A certificate already linked (the same renewal sent again) stays with its customer.
    let subject = state.subjects.subject(&new.issuer, &new.serial_number);
    match state.store.record_of_subject(&subject).await {
        Ok(Some(previous)) => {
            let evidence = json!({ "basis": "same-certificate", "previousRecord": previous.id });
            return Ok(Linked {
                previous,
                basis: "same-certificate",
                evidence,
            });
        }
        Ok(None) => {}
        Err(e) => return Err(vec![format!("the records could not be read ({})", e.0)]),
    }
    match &state.config.platform_operator {
        Some(operator) => match operator.linkage(&new).await {
            Ok(Some(l)) => {
                let old_subject = state.subjects.subject(&l.old.issuer, &l.old.serial_number);
                match state.store.record_of_subject(&old_subject).await {
                    Ok(Some(previous)) => {
                        let evidence = json!({
                            "basis": "operator-linkage",
                            "linkageId": l.id,
                            "answeredAt": l.answered_at,
                            "reason": l.reason,
                            "previousRecord": previous.id,
                        });
                        return Ok(Linked {
                            previous,
                            basis: "operator-linkage",
                            evidence,
                        });
                    }
                    Ok(None) => missing.push(format!(
                        "the platform operator links this certificate (answer {}) to a previous certificate this bank holds no record of",
                        l.id
                    )),
                    Err(e) => missing.push(format!("the records could not be read ({})", e.0)),
                }
            }
            Ok(None) => missing.push("the platform operator has no linkage for this certificate".to_owned()),
            Err(e) => {
                tracing::warn!(error = %e, "platform operator linkage query failed");
                missing.push("the platform operator could not be asked for a linkage".to_owned());
            }
        },
        None => missing.push("no platform operator is configured for J-LIS linkage (--platform-operator)".to_owned()),
    }
    if !state.config.renewal_by_basic_information {
        missing.push(
            "the bank's policy does not link renewals by the 4 basic information (--renewal-by-basic-information)"
                .to_owned(),
        );
        return Err(missing);
    }
    match by_basic_information(state, identity, now).await {
        Ok(linked) => Ok(linked),
        Err(more) => {
            missing.extend(more);
            Err(missing)
        }
    }
}

/// Rule 2 of the module documentation.
async fn by_basic_information(state: &AppState, identity: &Identity, now: i64) -> Result<Linked, Vec<String>> {
    let dob = serde_json::to_string(&identity.date_of_birth).unwrap_or_default();
    let sex = serde_json::to_value(identity.sex)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let candidates = state
        .store
        .records_born(&dob, &sex, MAX_CANDIDATES)
        .await
        .map_err(|e| vec![format!("the records could not be read ({})", e.0)])?;
    if candidates.is_empty() {
        return Err(vec![
            "no customer's record has this date of birth and sex (or the claims policy keeps neither)".to_owned(),
        ]);
    }
    let crls = state.crls.snapshot();
    let mut reasons = Vec::new();
    let mut matched: Vec<(AccountRecord, usize, (String, String))> = Vec::new();
    for previous in candidates {
        let flags: Vec<bool> = serde_json::from_str(&previous.name_substituted).unwrap_or_default();
        if previous.name.is_empty() {
            reasons.push(format!("record {} keeps no name (claims policy)", previous.id));
            continue;
        }
        let Some(substitutes) = names_match(&previous.name, &flags, &identity.name, &identity.name_substituted) else {
            reasons.push(format!(
                "the name differs from record {}'s (a new name is linked only with the platform operator's linkage)",
                previous.id
            ));
            continue;
        };
        let revocation = match previous_revocation(&crls, &previous, now) {
            Ok(r) => r,
            Err(why) => {
                reasons.push(format!("record {}: {why}", previous.id));
                continue;
            }
        };
        if !matched.iter().any(|(m, ..)| m.customer_id == previous.customer_id) {
            matched.push((previous, substitutes, revocation));
        }
    }
    match matched.len() {
        0 => Err(reasons),
        1 => {
            let Some((previous, substitutes, (reason, source))) = matched.pop() else {
                return Err(reasons);
            };
            let address_changed = previous.address != identity.address;
            let evidence = json!({
                "basis": "basic-information",
                "matched": ["name", "dateOfBirth", "sex"],
                "addressChanged": address_changed,
                "substituteCharactersCompared": substitutes,
                "previousRevocation": { "reason": reason, "source": source },
                "previousRecord": previous.id,
            });
            Ok(Linked {
                previous,
                basis: "basic-information",
                evidence,
            })
        }
        n => Err(vec![format!(
            "{n} customers match the 4 basic information and have a previous certificate revoked for a change of details: ambiguous, not linked"
        )]),
    }
}

/// Whether two J-LIS names are the same: the same number of characters, equal except where
/// either side flagged a substitute character. `Some(n)` with the number of positions compared
/// as substitutes; `None` when they differ.
pub(super) fn names_match(a: &str, a_flags: &[bool], b: &str, b_flags: &[bool]) -> Option<usize> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len() != b.len() {
        return None;
    }
    let mut substitutes = 0;
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        let flagged = a_flags.get(i).copied().unwrap_or(false) || b_flags.get(i).copied().unwrap_or(false);
        if flagged {
            substitutes += 1;
        } else if x != y {
            return None;
        }
    }
    Some(substitutes)
}

/// The revocation of `previous`'s certificate that allows a renewal by the 4 basic
/// information: revoked as `affiliationChanged` (the details changed) or `superseded`.
fn previous_revocation(crls: &[CrlIndex], previous: &AccountRecord, now: i64) -> Result<(String, String), String> {
    let cert = super::super::recheck::evidence_certificate(&previous.evidence_format, &previous.evidence)
        .map_err(|_| "its evidence is not kept (claims policy), so its certificate cannot be checked".to_owned())?;
    let policy = jpki_verify::revocation::RevocationPolicy::default();
    let (status, reason, source) = super::super::recheck::status_from_crls(crls, &cert, now / 1000, &policy);
    match (status.as_str(), reason.as_deref()) {
        ("revoked", Some(r @ ("affiliationChanged" | "superseded"))) => Ok((r.to_owned(), source.unwrap_or_default())),
        ("revoked", r) => Err(format!(
            "its previous certificate is revoked for {}, not for a change of details",
            r.unwrap_or("no stated reason")
        )),
        ("good", _) => Err("its previous certificate is not revoked (a renewal by the 4 basic information needs it revoked for a change of details or superseded)".to_owned()),
        (_, _) => Err(format!(
            "the revocation of its previous certificate could not be checked ({})",
            source.unwrap_or_default()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::names_match;

    #[test]
    fn substitute_characters_match_as_substitutes() {
        // 髙 written as the substitute 高 on one certificate, as 髙 (or another stand-in) on the
        // other: the same name.
        assert_eq!(
            names_match("高橋\u{3000}花子", &[true], "髙橋\u{3000}花子", &[]),
            Some(1)
        );
        assert_eq!(
            names_match("髙橋\u{3000}花子", &[], "高橋\u{3000}花子", &[true, false]),
            Some(1)
        );
        // Without a flag, a different character is a different name.
        assert_eq!(names_match("高橋\u{3000}花子", &[], "髙橋\u{3000}花子", &[]), None);
        // A flag does not excuse a different length or a different character elsewhere.
        assert_eq!(names_match("高橋\u{3000}花子", &[true], "高橋\u{3000}花", &[]), None);
        assert_eq!(names_match("高橋\u{3000}花子", &[true], "高橋\u{3000}華子", &[]), None);
        assert_eq!(names_match("引越\u{3000}舞", &[], "引越\u{3000}舞", &[]), Some(0));
        assert_eq!(names_match("引越\u{3000}舞", &[], "結城\u{3000}舞", &[]), None);
    }
}
