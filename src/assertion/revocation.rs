//! The revocation step of a verification (last in architecture.md's order): which sources
//! were given, what each says about the leaf, and how that fills the verdict's revocation slot.
//!
//! Decision, from the fresh answers of every source given (CRL indexes, an OCSP response, a
//! platform operator's answer): any `revoked` → `JPKI_REVOKED` with the RFC 5280 reason and
//! the person's advice, always an error; else any `good` → good; else `unknown` or no usable
//! answer → `unchecked`, an error or a warning as [`VerifyOptions::unchecked_severity`] says
//! (default: error for account opening and signing). Why a source could not be used (stale,
//! another issuer, bad signature) is reported in `warnings`, so an operator sees a missed
//! daily CRL import before customers are refused for it.

use core::ops::Range;

use super::{Revocation, RevocationStatus, Severity, VerifyOptions};
use crate::cert::Certificate;
use crate::crypto::SignatureCheck;
use crate::error::{Error, ErrorReport, Result};
use crate::revocation::ocsp::{self, PreparedOcsp};
use crate::revocation::{RevocationAnswer, RevocationSources};
use crate::trust::TrustAnchors;

/// What planning learned; finished by [`decide`] once the OCSP signature checks are answered.
#[derive(Debug)]
pub(crate) struct RevocationPlan {
    /// Answers known without crypto (CRL indexes were verified when built; the operator's
    /// answer is the caller's), or why a source was unusable.
    answers: Vec<Result<RevocationAnswer>>,
    /// An OCSP response waiting for its signature checks (`checks[range]`).
    ocsp: Option<(PreparedOcsp, Range<usize>)>,
    /// Whether any source was given at all.
    any_source: bool,
}

/// Plans the revocation step for `leaf`, appending the OCSP response's signature checks.
pub(crate) fn plan(
    leaf: &Certificate,
    anchors: &TrustAnchors,
    sources: &RevocationSources<'_>,
    options: &VerifyOptions,
    checks: &mut Vec<SignatureCheck>,
) -> RevocationPlan {
    let policy = &options.revocation_policy;
    let time = options.time;
    let mut answers = Vec::new();
    // CRLs: only the index covering the leaf's issuer answers; the others are not about it.
    let mut covering = None;
    for index in sources.crls {
        match index.answer(leaf, time, policy) {
            Err(Error::RevocationSourceInvalid { .. }) if covering.is_none() => {}
            other => {
                covering = Some(());
                answers.push(other);
            }
        }
    }
    if covering.is_none() && !sources.crls.is_empty() {
        answers.push(Err(Error::RevocationSourceInvalid {
            reason: format!("no CRL given covers the issuer {}", leaf.issuer),
        }));
    }
    if let Some(answer) = sources.external {
        answers.push(check_external(answer, time, policy.external_max_age_seconds));
    }
    let ocsp = sources.ocsp.as_ref().and_then(|o| {
        match ocsp::prepare_response(o.response, leaf, anchors, o.nonce, time, policy) {
            Ok(prepared) => {
                let start = checks.len();
                checks.extend_from_slice(prepared.checks());
                let range = start..checks.len();
                Some((prepared, range))
            }
            Err(e) => {
                answers.push(Err(e));
                None
            }
        }
    });
    RevocationPlan {
        answers,
        ocsp,
        any_source: !sources.crls.is_empty() || sources.external.is_some() || sources.ocsp.is_some(),
    }
}

/// A platform operator's answer is trusted as configured, but must be fresh.
fn check_external(answer: &RevocationAnswer, time: i64, max_age: u32) -> Result<RevocationAnswer> {
    if time.saturating_sub(answer.produced_at) > i64::from(max_age) {
        return Err(Error::RevocationStale {
            reason: format!(
                "{}: answer produced at {}, more than {max_age} s before the verification time",
                answer.source,
                crate::time::to_rfc3339(answer.produced_at)
            ),
        });
    }
    if answer.produced_at > time.saturating_add(300) {
        return Err(Error::RevocationSourceInvalid {
            reason: format!("{}: answer produced in the future", answer.source),
        });
    }
    Ok(answer.clone())
}

/// The step's outcome: the verdict slot, the error (if the verdict must fail on revocation),
/// and warnings.
#[derive(Debug)]
pub(crate) struct Decision {
    pub(crate) slot: Revocation,
    pub(crate) error: Option<Error>,
    pub(crate) warnings: Vec<ErrorReport>,
}

/// Decides from the plan and the answers to the OCSP checks (`results` are all the verdict's
/// check results, indexed like `Prepared::checks`).
pub(crate) fn decide(plan: &RevocationPlan, results: &[Result<()>], options: &VerifyOptions) -> Decision {
    let mut answers = plan.answers.clone();
    if let Some((prepared, range)) = plan.ocsp.clone() {
        let mine: Vec<Result<()>> = range
            .map(|i| {
                results
                    .get(i)
                    .cloned()
                    .unwrap_or(Err(Error::SignatureInvalid { what: "OCSP response" }))
            })
            .collect();
        answers.push(prepared.finish(&mine));
    }
    let mut warnings: Vec<ErrorReport> = Vec::new();
    let mut good = None;
    let mut revoked = None;
    let mut unknown = None;
    for a in answers {
        match a {
            Ok(a) if a.status == RevocationStatus::Revoked => {
                revoked.get_or_insert(a);
            }
            Ok(a) if a.status == RevocationStatus::Good => {
                good.get_or_insert(a);
            }
            Ok(a) => {
                unknown.get_or_insert(a);
            }
            Err(e) => warnings.push(e.report()),
        }
    }
    let slot = |a: &RevocationAnswer, status| Revocation {
        status,
        reason: a.reason.map(|r| r.as_str().to_owned()),
        source: Some(a.source.clone()),
        checked_at: Some(crate::time::to_rfc3339(a.produced_at)),
        advice: a.reason.map(|r| {
            let (en, ja) = r.advice();
            super::Advice { en, ja }
        }),
    };
    if let Some(a) = revoked {
        return Decision {
            slot: slot(&a, RevocationStatus::Revoked),
            error: Some(Error::Revoked {
                reason: a.reason.map(|r| r.as_str().to_owned()),
            }),
            warnings,
        };
    }
    if let Some(a) = good {
        return Decision {
            slot: slot(&a, RevocationStatus::Good),
            error: None,
            warnings,
        };
    }
    let (slot, unchecked) = match unknown {
        Some(a) => (slot(&a, RevocationStatus::Unknown), Error::RevocationUnchecked),
        None => (
            Revocation {
                status: RevocationStatus::Unchecked,
                reason: None,
                source: None,
                checked_at: None,
                advice: None,
            },
            Error::RevocationUnchecked,
        ),
    };
    let _ = plan.any_source;
    match options.unchecked_severity() {
        Severity::Error => Decision {
            slot,
            error: Some(unchecked),
            warnings,
        },
        Severity::Warning => {
            warnings.push(unchecked.report());
            Decision {
                slot,
                error: None,
                warnings,
            }
        }
    }
}
