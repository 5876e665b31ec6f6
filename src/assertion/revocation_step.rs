//! The revocation step of a verification (last in the order of `docs/architecture.md`): which sources
//! were given, what each says about the leaf, and how that fills the verdict's revocation slot.
//!
//! Decision, from the fresh answers of every source given (CRL indexes, an OCSP response, a
//! platform operator's answer): any `revoked` → `JPKI_REVOKED` with the RFC 5280 reason and
//! the person's advice, always an error; else any `good` → good; else `unknown` or no usable
//! answer → `unchecked`, an error or a warning as [`VerifyOptions::unchecked_severity`] says
//! (default: error for account opening and signing). Why a source could not be used (stale,
//! another issuer, bad signature) is reported in `warnings`, so an operator sees a missed
//! daily CRL import before customers are refused for it.

#[cfg(feature = "revocation")]
use core::ops::Range;

use super::{Revocation, RevocationStatus, Severity, VerifyOptions};
use crate::cert::Certificate;
use crate::crypto::SignatureCheck;
use crate::error::{Error, ErrorReport, Result};
#[cfg(feature = "revocation")]
use crate::revocation::ocsp::{self, PreparedOcsp};
#[cfg(feature = "revocation")]
use crate::revocation::RevocationAnswer;
use crate::revocation::RevocationSources;
use crate::trust::TrustAnchors;

/// What planning learned; finished by [`decide`] once the OCSP signature checks are answered.
#[derive(Debug)]
pub(crate) struct RevocationPlan {
    /// Answers known without crypto (a CRL index's signature was checked when it was built —
    /// a saved index loaded with `CrlIndex::from_bytes` is trusted as its storage; the
    /// operator's answer is the caller's), or why a source was unusable.
    #[cfg(feature = "revocation")]
    answers: Vec<Result<RevocationAnswer>>,
    /// The CRL indexes' answers, each with the id of the anchor its index was verified under:
    /// only those of the anchor the path is validated to count ([`decide`]).
    #[cfg(feature = "revocation")]
    crl: CrlAnswers,
    /// An OCSP response waiting for its signature checks (`checks[range]`).
    #[cfg(feature = "revocation")]
    ocsp: Option<(PreparedOcsp, Range<usize>)>,
}

/// Plans the revocation step for `leaf`, appending the OCSP response's signature checks.
pub(crate) fn plan(
    leaf: &Certificate,
    anchors: &TrustAnchors,
    sources: &RevocationSources<'_>,
    options: &VerifyOptions,
    checks: &mut Vec<SignatureCheck>,
) -> RevocationPlan {
    #[cfg(not(feature = "revocation"))]
    {
        let _ = (leaf, anchors, checks, sources, options);
        RevocationPlan {}
    }
    #[cfg(feature = "revocation")]
    {
        let mut answers = Vec::new();
        if let Some(answer) = sources.external {
            let policy = &options.revocation_policy;
            answers.push(check_external(
                answer,
                leaf,
                options.time,
                policy.external_max_age_seconds,
            ));
        }
        let crl = CrlAnswers {
            given: !sources.crls.is_empty(),
            issuer: leaf.issuer.clone(),
            answers: sources
                .crls
                .iter()
                .map(|index| {
                    (
                        index.anchor_id().to_owned(),
                        index.answer(leaf, options.time, &options.revocation_policy),
                    )
                })
                .filter(|(_, a)| !matches!(a, Err(Error::RevocationSourceInvalid { .. })))
                .collect(),
        };
        let ocsp = plan_ocsp(leaf, anchors, sources, options, checks, &mut answers);
        RevocationPlan { answers, crl, ocsp }
    }
}

/// What the CRL indexes given said about the leaf (feature `revocation`).
#[cfg(feature = "revocation")]
#[derive(Debug)]
struct CrlAnswers {
    /// Whether any index was given.
    given: bool,
    /// The leaf's issuer DN, for the message when no index covers it.
    issuer: String,
    /// `(anchor id, answer)` of each index covering the leaf's issuer.
    answers: Vec<(String, Result<RevocationAnswer>)>,
}

#[cfg(feature = "revocation")]
impl CrlAnswers {
    /// The answers of the indexes verified under `anchor`; when indexes were given but none
    /// covers the leaf under it, one `RevocationSourceInvalid` saying so (as
    /// `CrlIndex::answers_for`).
    fn under(&self, anchor: &str) -> Vec<Result<RevocationAnswer>> {
        let mut out: Vec<Result<RevocationAnswer>> = self
            .answers
            .iter()
            .filter(|(a, _)| a == anchor)
            .map(|(_, answer)| answer.clone())
            .collect();
        if out.is_empty() && self.given {
            out.push(Err(Error::RevocationSourceInvalid {
                reason: format!(
                    "no CRL given covers the issuer {} under the anchor {anchor}",
                    self.issuer
                ),
            }));
        }
        out
    }
}

/// The OCSP response (feature `revocation`).
#[cfg(feature = "revocation")]
fn plan_ocsp(
    leaf: &Certificate,
    anchors: &TrustAnchors,
    sources: &RevocationSources<'_>,
    options: &VerifyOptions,
    checks: &mut Vec<SignatureCheck>,
    answers: &mut Vec<Result<RevocationAnswer>>,
) -> Option<(PreparedOcsp, Range<usize>)> {
    let policy = &options.revocation_policy;
    let time = options.time;
    sources.ocsp.as_ref().and_then(
        |o| match ocsp::prepare_response(o.response, leaf, anchors, o.nonce, time, policy) {
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
        },
    )
}

/// A platform operator's answer is trusted as configured, but must be about the leaf
/// (review-security M2: an answer mixed up with another person's is no "good") and fresh.
#[cfg(feature = "revocation")]
fn check_external(answer: &RevocationAnswer, leaf: &Certificate, time: i64, max_age: u32) -> Result<RevocationAnswer> {
    if !answer.about.as_ref().is_some_and(|about| about.matches(leaf)) {
        return Err(Error::RevocationSourceInvalid {
            reason: format!(
                "{}: the answer is about another certificate than the one verified (serial {})",
                answer.source, leaf.serial_number
            ),
        });
    }
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
/// check results, indexed like `Prepared::checks`); `anchor` is the id of the anchor the path
/// was validated to.
pub(crate) fn decide(plan: &RevocationPlan, results: &[Result<()>], anchor: &str, options: &VerifyOptions) -> Decision {
    #[cfg(feature = "revocation")]
    {
        let (decided, warnings, unknown) = decide_from_answers(plan, results, anchor);
        match decided {
            Some(d) => d,
            None => unchecked(options, unknown, warnings),
        }
    }
    #[cfg(not(feature = "revocation"))]
    {
        let _ = (plan, results, anchor);
        unchecked(options, None, Vec::new())
    }
}

/// The slot when no fresh good or revoked answer exists: `unknown` (a source said so) or
/// `unchecked`, an error or a warning per policy.
fn unchecked(options: &VerifyOptions, unknown: Option<Revocation>, mut warnings: Vec<ErrorReport>) -> Decision {
    let slot = unknown.unwrap_or(Revocation {
        status: RevocationStatus::Unchecked,
        reason: None,
        source: None,
        checked_at: None,
        advice: None,
    });
    match options.unchecked_severity() {
        Severity::Error => Decision {
            slot,
            error: Some(Error::RevocationUnchecked),
            warnings,
        },
        Severity::Warning => {
            warnings.push(Error::RevocationUnchecked.report());
            Decision {
                slot,
                error: None,
                warnings,
            }
        }
    }
}

/// Revoked or good from the answers (feature `revocation`); otherwise the warnings collected
/// and the `unknown` slot, if a source answered unknown.
#[cfg(feature = "revocation")]
fn decide_from_answers(
    plan: &RevocationPlan,
    results: &[Result<()>],
    anchor: &str,
) -> (Option<Decision>, Vec<ErrorReport>, Option<Revocation>) {
    let mut answers = plan.answers.clone();
    answers.extend(plan.crl.under(anchor));
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
        let d = Decision {
            slot: slot(&a, RevocationStatus::Revoked),
            error: Some(Error::Revoked {
                reason: a.reason.map(|r| r.as_str().to_owned()),
            }),
            warnings,
        };
        return (Some(d), Vec::new(), None);
    }
    if let Some(a) = good {
        let d = Decision {
            slot: slot(&a, RevocationStatus::Good),
            error: None,
            warnings,
        };
        return (Some(d), Vec::new(), None);
    }
    let unknown = unknown.map(|a| slot(&a, RevocationStatus::Unknown));
    (None, warnings, unknown)
}
