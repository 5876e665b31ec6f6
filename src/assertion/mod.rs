//! Assertions bound to a server challenge: JWS compact ([`jws`]) and CMS SignedData ([`cms`]),
//! verified into one [`Verdict`].
//!
//! Checks run in the order `docs/architecture.md` fixes, and the verdict reports the
//! first failure: structure → algorithm allow-list → leaf certificate → path to a trusted anchor
//! at the verification time → kind, keyUsage and policy for the purpose → signature → `aud` →
//! `nonce` (constant time) → `purpose` → `iat`/`exp` with bounded skew → revocation policy.
//!
//! Verification is two-phase so that one policy implementation serves every crypto provider:
//! [`prepare`] parses and plans and lists the [`SignatureCheck`]s the verdict depends on;
//! [`Prepared::finish`] takes one answer per check and produces the verdict. [`verify`] does
//! both with a synchronous [`CryptoProvider`]; the wasm adapter answers the checks with
//! WebCrypto in between.
//!
//! Files: `options.rs` (what the caller asks), `verdict.rs` (what it gets back), `jws.rs` and
//! `cms.rs` (the two encodings), `signing.rs` (what a signer signs), `revocation_step.rs` (the
//! revocation step of the verdict), and here the engine (prepare → checks → finish).

#[cfg(feature = "cms")]
pub mod cms;
pub mod jws;
mod options;
mod revocation_step;
mod signing;
mod verdict;

pub use options::{Format, Purpose, Severity, Trust, ValidityAt, VerifyOptions, MAX_SKEW_SECONDS};
pub use signing::{digest_info_sha256, jws_signing_input, SHA256_DIGEST_INFO_PREFIX};
pub use verdict::{Claims, Verdict};

use crate::cert::Certificate;
use crate::crypto::{CryptoProvider, SignatureAlgorithm, SignatureCheck};
use crate::error::{Error, Result};
use crate::path::{self, PathPlan, PathPolicy};
use crate::revocation::RevocationSources;
pub use crate::revocation::{Advice, Revocation, RevocationStatus};
use crate::trust::parse_certificate;
use crate::trust::{AnchorRef, TrustAnchors};

/// Everything [`prepare`] learned, waiting for signature answers.
#[derive(Debug)]
pub struct Prepared {
    options: VerifyOptions,
    format: Option<Format>,
    checks: Vec<SignatureCheck>,
    state: State,
}

#[derive(Debug)]
enum State {
    /// Failed before anything needed crypto.
    Failed {
        error: Error,
        certificate: Option<Box<Certificate>>,
        claims: Option<Claims>,
    },
    Planned(Box<Plan>),
}

#[derive(Debug)]
struct Plan {
    leaf: Certificate,
    claims: Claims,
    anchors: AnchorSet,
    path: PathPlan,
    policy: PathPolicy,
    /// Index of the assertion-signature check (the last one).
    assertion_check: usize,
    /// CMS: messageDigest did not match the content (a signature failure, reported in order).
    digest_mismatch: bool,
    /// The revocation step (CRL / OCSP / operator answers), decided last.
    revocation: revocation_step::RevocationPlan,
}

impl Prepared {
    /// The signature checks the verdict depends on, in order; answer each one.
    pub fn checks(&self) -> &[SignatureCheck] {
        &self.checks
    }

    /// Finishes the verdict from one answer per check (`results[i]` answers `checks()[i]`).
    /// A missing answer counts as a failed signature.
    pub fn finish(self, results: &[Result<()>]) -> Verdict {
        let mut verdict = base_verdict(&self.options, self.format);
        match self.state {
            State::Failed {
                error,
                certificate,
                claims,
            } => {
                verdict.certificate = certificate.map(|c| {
                    let mut c = *c;
                    redact_unverified(&mut c);
                    c
                });
                verdict.claims = claims;
                verdict.errors.push(error.report());
                verdict
            }
            State::Planned(plan) => {
                record_outcome(&mut verdict, &plan, results, &self.options);
                with_leaf(verdict, plan.leaf)
            }
        }
    }

    /// [`Prepared::finish`] without consuming `self` (the leaf is cloned). The wasm adapter's
    /// finish: the JS WebCrypto driver renders the verdict that all-true answers give while the
    /// signatures are being checked off the main thread, returns it only if every answer is
    /// `true`, and otherwise finishes again from the real answers.
    #[allow(dead_code)] // the wasm adapter's JS driver (pkg/webcrypto-driver.js); tested natively
    pub(crate) fn finish_ref(&self, results: &[Result<()>]) -> Verdict {
        let mut verdict = base_verdict(&self.options, self.format);
        match &self.state {
            State::Failed {
                error,
                certificate,
                claims,
            } => {
                verdict.certificate = certificate.as_deref().map(|c| {
                    let mut c = c.clone();
                    redact_unverified(&mut c);
                    c
                });
                verdict.claims = claims.clone();
                verdict.errors.push(error.report());
                verdict
            }
            State::Planned(plan) => {
                record_outcome(&mut verdict, plan, results, &self.options);
                with_leaf(verdict, plan.leaf.clone())
            }
        }
    }
}

fn base_verdict(options: &VerifyOptions, format: Option<Format>) -> Verdict {
    Verdict {
        valid: false,
        format,
        purpose: options.purpose,
        certificate: None,
        identity: None,
        anchor: None,
        claims: None,
        revocation: Revocation {
            status: RevocationStatus::Unchecked,
            reason: None,
            source: None,
            checked_at: None,
            advice: None,
        },
        verified_at: crate::time::to_rfc3339(options.time),
        errors: Vec::new(),
        warnings: Vec::new(),
    }
}

/// Claims, anchor, errors and warnings of a planned verification from its check results.
fn record_outcome(verdict: &mut Verdict, plan: &Plan, results: &[Result<()>], options: &VerifyOptions) {
    let outcome = evaluate(plan, results, options);
    verdict.claims = Some(plan.claims.clone());
    match outcome {
        Ok(anchor) => {
            verdict.anchor = Some(anchor);
            // Last in the order: revocation, from whatever sources were given (only the CRLs
            // verified under the anchor the path was validated to count).
            let anchor_id = verdict.anchor.as_ref().map_or("", |a| a.id.as_str());
            let decision = revocation_step::decide(&plan.revocation, results, anchor_id, options);
            verdict.revocation = decision.slot;
            verdict.warnings.extend(decision.warnings);
            if let Some(e) = decision.error {
                verdict.errors.push(e.report());
            }
        }
        Err(e) => verdict.errors.push(e.report()),
    }
    verdict.valid = verdict.errors.is_empty();
}

/// Attaches the leaf: identity only when valid, redacted otherwise.
fn with_leaf(mut verdict: Verdict, mut leaf: Certificate) -> Verdict {
    if verdict.valid {
        verdict.identity = leaf.identity.clone();
    } else {
        redact_unverified(&mut leaf);
    }
    verdict.certificate = Some(leaf);
    verdict
}

/// An invalid verdict must not hand out attacker-chosen personal data or an anchor label that
/// was matched by name only: keep the certificate's technical fields, drop identity and anchor.
fn redact_unverified(c: &mut Certificate) {
    c.identity = None;
    c.anchor = None;
    c.ca_generation = None;
}

/// The ordered checks after crypto.
fn evaluate(plan: &Plan, results: &[Result<()>], options: &VerifyOptions) -> Result<AnchorRef> {
    let anchor = path::evaluate(&plan.path, results, &plan.leaf, plan.anchors.get(), &plan.policy)?;
    if plan.digest_mismatch {
        return Err(Error::SignatureInvalid { what: "assertion" });
    }
    match results.get(plan.assertion_check) {
        Some(Ok(())) => {}
        _ => return Err(Error::SignatureInvalid { what: "assertion" }),
    }
    let c = &plan.claims;
    if c.aud != options.audience {
        return Err(Error::AudienceMismatch);
    }
    if !constant_time_eq(c.nonce.as_bytes(), options.nonce.as_bytes()) {
        return Err(Error::NonceMismatch);
    }
    if c.purpose != options.purpose.as_str() {
        return Err(Error::PurposeMismatch {
            expected: options.purpose.as_str().to_owned(),
            found: c.purpose.clone(),
        });
    }
    let skew = i64::from(options.skew_seconds);
    if c.iat > options.time.saturating_add(skew) {
        return Err(Error::AssertionNotYetValid {
            iat: c.iat,
            at: options.time,
        });
    }
    if c.exp < options.time.saturating_sub(skew) || c.exp < c.iat {
        return Err(Error::AssertionExpired {
            exp: c.exp,
            at: options.time,
        });
    }
    // Too old, or valid for too long: expired by policy.
    let max_age = i64::from(options.max_age_seconds);
    if c.iat < options.time.saturating_sub(max_age).saturating_sub(skew) || c.exp.saturating_sub(c.iat) > max_age {
        return Err(Error::AssertionExpired {
            exp: c.exp.min(c.iat.saturating_add(max_age)),
            at: options.time,
        });
    }
    Ok(anchor.reference.clone())
}

/// Compares without an early exit on the first differing byte.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The anchors an options object asks for (plus the caller's extra pinned anchors), and the
/// set whose use is refused with `JPKI_TEST_ANCHOR_REFUSED`.
fn anchors_for(trust: Trust, extra: Option<&TrustAnchors>) -> (AnchorSet, Option<&'static TrustAnchors>) {
    let (base, refused) = match trust {
        Trust::Jlis => (crate::trust::jlis_static(), Some(crate::trust::test_static())),
        Trust::Test => (crate::trust::test_static(), None),
    };
    match extra {
        Some(e) if !e.is_empty() => {
            let mut all = base.clone();
            all.extend(e.clone());
            (AnchorSet::Owned(all), refused)
        }
        _ => (AnchorSet::Static(base), refused),
    }
}

/// Anchors used by one verification: a process-wide set, or one extended by the caller.
#[derive(Debug)]
enum AnchorSet {
    Static(&'static TrustAnchors),
    Owned(TrustAnchors),
}

impl AnchorSet {
    fn get(&self) -> &TrustAnchors {
        match self {
            AnchorSet::Static(a) => a,
            AnchorSet::Owned(a) => a,
        }
    }
}

/// Detects the format: a JWS is ASCII starting with `ey` (base64url of `{"`), CMS is DER.
pub fn detect_format(input: &[u8]) -> Option<Format> {
    match input.first() {
        Some(b'e') => Some(Format::Jws),
        Some(0x30) => Some(Format::Cms),
        _ => None,
    }
}

/// Parses and plans (no crypto). `extra_anchors` are the caller's own pinned anchors, added to
/// those `options.trust` selects. `detached` is the content of a detached CMS signature.
pub fn prepare(
    input: &[u8],
    options: &VerifyOptions,
    extra_anchors: Option<&TrustAnchors>,
    detached: Option<&[u8]>,
) -> Prepared {
    prepare_with(input, options, extra_anchors, detached, &RevocationSources::none())
}

/// [`prepare`] with revocation evidence: verified CRL indexes, an OCSP response (its signature
/// checks join [`Prepared::checks`]), or a platform operator's answer. The verdict's
/// revocation slot is filled from them (see the `revocation` step's rules).
pub fn prepare_with(
    input: &[u8],
    options: &VerifyOptions,
    extra_anchors: Option<&TrustAnchors>,
    detached: Option<&[u8]>,
    sources: &RevocationSources<'_>,
) -> Prepared {
    let format = options.format.or_else(|| detect_format(input));
    let mut checks = Vec::new();
    let state = match plan(input, format, options, extra_anchors, detached, sources, &mut checks) {
        Ok(p) => State::Planned(Box::new(p)),
        Err(failure) => {
            let (error, certificate, claims) = *failure;
            checks.clear();
            State::Failed {
                error,
                certificate: certificate.map(Box::new),
                claims,
            }
        }
    };
    Prepared {
        options: options.clone(),
        format,
        checks,
        state,
    }
}

/// A planning failure with whatever was parsed before it (boxed: it is the cold path).
type PlanFailure = Box<(Error, Option<Certificate>, Option<Claims>)>;

/// What the format parsers hand to the common pipeline.
pub(crate) struct Parsed {
    alg: SignatureAlgorithm,
    leaf_der: Vec<u8>,
    claims: Claims,
    signed: Vec<u8>,
    signature: Vec<u8>,
    /// CMS signingTime, when present.
    signing_time: Option<i64>,
    digest_mismatch: bool,
}

fn plan(
    input: &[u8],
    format: Option<Format>,
    options: &VerifyOptions,
    anchors: Option<&TrustAnchors>,
    detached: Option<&[u8]>,
    sources: &crate::revocation::RevocationSources<'_>,
    checks: &mut Vec<SignatureCheck>,
) -> core::result::Result<Plan, PlanFailure> {
    let plain = |e: Error| Box::new((e, None, None));
    options.validate().map_err(plain)?;
    let parsed = match format {
        Some(Format::Jws) => parse_jws(input, options).map_err(plain)?,
        Some(Format::Cms) => parse_cms(input, detached, options).map_err(plain)?,
        None => {
            if input.len() > jws::MAX_ASSERTION_SIZE {
                return Err(plain(Error::InputTooLarge {
                    len: input.len(),
                    limit: jws::MAX_ASSERTION_SIZE,
                }));
            }
            return Err(plain(Error::malformed("assertion is neither a JWS nor CMS", Some(0))));
        }
    };
    let leaf = parse_certificate(&parsed.leaf_der).map_err(|e| (e, None, Some(parsed.claims.clone())))?;
    let fail = |e: Error, leaf: &Certificate, claims: &Claims| Box::new((e, Some(leaf.clone()), Some(claims.clone())));
    // The algorithm must fit the key type (RS256 with an EC key is an attack, not a typo).
    let key_is_rsa = leaf.key_algorithm == "rsa";
    if parsed.alg.is_rsa() != key_is_rsa {
        return Err(fail(
            Error::AlgorithmNotAllowed {
                algorithm: format!("{} with a {} key", parsed.alg.name(), leaf.key_algorithm),
            },
            &leaf,
            &parsed.claims,
        ));
    }
    let (trusted, refused) = anchors_for(options.trust, anchors);
    // Validity at the CMS signingTime (when asked): the signer chooses that attribute, so it is
    // believed only inside the assertion's own iat–exp window (which is itself checked against
    // the verification time); otherwise the certificates must also be valid now — a backdated
    // signingTime can never revive an expired certificate for a fresh assertion.
    let skew = i64::from(options.skew_seconds);
    let (time, also_at) = match (options.cms_validity_at, parsed.signing_time) {
        (ValidityAt::SigningTime, Some(t)) if format == Some(Format::Cms) => {
            let credible = t >= parsed.claims.iat.saturating_sub(skew) && t <= parsed.claims.exp.saturating_add(skew);
            (t, (!credible).then_some(options.time))
        }
        _ => (options.time, None),
    };
    let policy = PathPolicy {
        required_kind: options.purpose.required_kind(),
        time,
        min_rsa_bits: options.min_rsa_bits,
        allow_sha1: options.allow_legacy_algorithms,
        also_at,
    };
    let path = path::plan(&leaf, trusted.get(), refused, &policy, checks);
    let assertion_check = checks.len();
    checks.push(SignatureCheck::new(
        parsed.alg,
        leaf.raw.spki.clone(),
        parsed.signed,
        parsed.signature,
    ));
    let revocation = revocation_step::plan(&leaf, trusted.get(), sources, options, checks);
    Ok(Plan {
        leaf,
        revocation,
        claims: parsed.claims,
        anchors: trusted,
        path,
        policy,
        assertion_check,
        digest_mismatch: parsed.digest_mismatch,
    })
}

/// The JWS algorithm allow-list: RS256 and ES256. Registered JWA algorithms are refused by
/// policy (`JPKI_ALGORITHM_NOT_ALLOWED`, including `none` and HMAC, RFC 8725 §3.1–3.2);
/// anything else is unknown (`JPKI_UNSUPPORTED_ALGORITHM`).
pub fn jws_algorithm(alg: &str) -> Result<SignatureAlgorithm> {
    match alg {
        "RS256" => Ok(SignatureAlgorithm::RsaPkcs1Sha256),
        "ES256" => Ok(SignatureAlgorithm::EcdsaP256Sha256Raw),
        "none" | "HS256" | "HS384" | "HS512" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" | "ES384" | "ES512"
        | "ES256K" | "EdDSA" | "Ed25519" | "Ed448" => Err(Error::AlgorithmNotAllowed {
            algorithm: alg.to_owned(),
        }),
        _ => Err(Error::UnsupportedAlgorithm { oid: alg.to_owned() }),
    }
}

/// CMS SignedData ([`cms::parse_for_verification`]) or, in a build without the `cms` feature
/// (the npm package's small browser entry), [`Error::FormatUnavailable`].
fn parse_cms(input: &[u8], detached: Option<&[u8]>, options: &VerifyOptions) -> Result<Parsed> {
    #[cfg(feature = "cms")]
    return cms::parse_for_verification(input, detached, options);
    #[cfg(not(feature = "cms"))]
    {
        let _ = (input, detached, options);
        Err(Error::FormatUnavailable { format: "cms" })
    }
}

fn parse_jws(input: &[u8], _options: &VerifyOptions) -> Result<Parsed> {
    if input.len() > jws::MAX_ASSERTION_SIZE {
        return Err(Error::InputTooLarge {
            len: input.len(),
            limit: jws::MAX_ASSERTION_SIZE,
        });
    }
    let text = core::str::from_utf8(input).map_err(|e| Error::malformed("JWS: not ASCII", Some(e.valid_up_to())))?;
    let text = text.trim_end_matches(['\r', '\n']);
    let j = jws::CompactJws::parse(text)?;
    j.check_typ()?;
    let x5c = j.x5c()?;
    let claims = Claims::parse(&j.payload)?;
    let alg = jws_algorithm(&j.alg)?;
    let leaf_der = x5c
        .into_iter()
        .next()
        .ok_or_else(|| Error::malformed("JWS header: x5c is empty", None))?;
    Ok(Parsed {
        alg,
        leaf_der,
        claims,
        signed: j.signing_input.into_bytes(),
        signature: j.signature,
        signing_time: None,
        digest_mismatch: false,
    })
}

/// Reads an assertion's claims **without verifying anything**, so that a server can find the
/// challenge (`nonce`) the assertion answers before verifying it against that challenge. The
/// result proves nothing; [`verify`] / [`prepare`] decide. Same size limits and strict parsing
/// as verification (`JPKI_MALFORMED`, `JPKI_INPUT_TOO_LARGE`).
pub fn unverified_claims(input: &[u8], format: Option<Format>, detached: Option<&[u8]>) -> Result<Claims> {
    let mut options = VerifyOptions::new("", "", Purpose::Login, 0);
    // Parsing only: accept legacy digests so that their claims can still be located; the
    // verification that follows applies the caller's real policy.
    options.allow_legacy_algorithms = true;
    match format.or_else(|| detect_format(input)) {
        Some(Format::Jws) => parse_jws(input, &options).map(|p| p.claims),
        Some(Format::Cms) => parse_cms(input, detached, &options).map(|p| p.claims),
        None => Err(Error::malformed("assertion: neither a JWS nor CMS SignedData", Some(0))),
    }
}

/// The signer's certificate (DER) of an assertion, read **without verifying anything**: for a
/// server that must fetch an OCSP response for it before verifying, or find it again in stored
/// evidence. Same limits and strict parsing as [`unverified_claims`].
pub fn unverified_leaf(input: &[u8], format: Option<Format>, detached: Option<&[u8]>) -> Result<Vec<u8>> {
    let mut options = VerifyOptions::new("", "", Purpose::Login, 0);
    options.allow_legacy_algorithms = true;
    match format.or_else(|| detect_format(input)) {
        Some(Format::Jws) => parse_jws(input, &options).map(|p| p.leaf_der),
        Some(Format::Cms) => parse_cms(input, detached, &options).map(|p| p.leaf_der),
        None => Err(Error::malformed("assertion: neither a JWS nor CMS SignedData", Some(0))),
    }
}

/// Verifies an assertion with a synchronous provider: [`prepare`], answer every check,
/// [`Prepared::finish`].
pub fn verify(
    input: &[u8],
    options: &VerifyOptions,
    extra_anchors: Option<&TrustAnchors>,
    detached: Option<&[u8]>,
    provider: &dyn CryptoProvider,
) -> Verdict {
    verify_with(
        input,
        options,
        extra_anchors,
        detached,
        &RevocationSources::none(),
        provider,
    )
}

/// [`verify`] with revocation evidence (see [`prepare_with`]).
pub fn verify_with(
    input: &[u8],
    options: &VerifyOptions,
    extra_anchors: Option<&TrustAnchors>,
    detached: Option<&[u8]>,
    sources: &RevocationSources<'_>,
    provider: &dyn CryptoProvider,
) -> Verdict {
    let prepared = prepare_with(input, options, extra_anchors, detached, sources);
    let results: Vec<Result<()>> = prepared.checks().iter().map(|c| provider.verify(c)).collect();
    prepared.finish(&results)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wasm adapter's borrowing finish gives exactly `finish`'s verdict, for every fixture
    /// (valid or not, planned or failed), with all checks passing and with each one failing.
    #[test]
    #[cfg(jpki_fixtures)] // reads tests/fixtures (not in the packaged crate)
    fn finish_ref_is_finish() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/assertions/");
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(format!("{dir}manifest.json")).unwrap()).unwrap();
        let mut planned = 0;
        for case in manifest["cases"].as_array().unwrap() {
            let input = std::fs::read(format!("{dir}{}", case["file"].as_str().unwrap())).unwrap();
            let mut opts = case["options"].clone();
            let detached = opts.as_object_mut().unwrap().remove("detachedContent");
            let Ok(options) = VerifyOptions::from_json(&opts.to_string()) else {
                continue;
            };
            let detached = detached.and_then(|d| d.as_str().map(|s| s.as_bytes().to_vec()));
            let n = prepare(&input, &options, None, detached.as_deref()).checks().len();
            planned += usize::from(n > 0);
            for fail in std::iter::once(None).chain((0..n).map(Some)) {
                let results: Vec<Result<()>> = (0..n)
                    .map(|i| {
                        if Some(i) == fail {
                            Err(Error::SignatureInvalid { what: "signature" })
                        } else {
                            Ok(())
                        }
                    })
                    .collect();
                let prepared = prepare(&input, &options, None, detached.as_deref());
                let borrowed = prepared.finish_ref(&results);
                let finished = prepared.finish(&results);
                assert_eq!(
                    serde_json::to_value(&borrowed).unwrap(),
                    serde_json::to_value(&finished).unwrap(),
                    "{} {fail:?}",
                    case["name"]
                );
            }
        }
        assert!(planned > 10, "{planned}");
    }

    #[test]
    fn jws_allow_list() {
        assert_eq!(jws_algorithm("RS256").unwrap(), SignatureAlgorithm::RsaPkcs1Sha256);
        assert_eq!(jws_algorithm("ES256").unwrap(), SignatureAlgorithm::EcdsaP256Sha256Raw);
        for a in ["none", "HS256", "PS256", "RS512"] {
            assert_eq!(
                jws_algorithm(a).unwrap_err().code(),
                "JPKI_ALGORITHM_NOT_ALLOWED",
                "{a}"
            );
        }
        assert_eq!(jws_algorithm("RS999").unwrap_err().code(), "JPKI_UNSUPPORTED_ALGORITHM");
        assert_eq!(jws_algorithm("rs256").unwrap_err().code(), "JPKI_UNSUPPORTED_ALGORITHM");
    }

    #[test]
    fn options_json_and_validation() {
        let n = "A".repeat(43);
        let o = VerifyOptions::from_json(&format!(
            r#"{{"audience":"https://a","nonce":"{n}","purpose":"login","time":5,"trust":"test"}}"#
        ))
        .unwrap();
        assert_eq!(
            (o.trust, o.skew_seconds, o.unchecked_severity()),
            (Trust::Test, 60, Severity::Warning)
        );
        assert!(VerifyOptions::from_json(r#"{"audience":"a","nonce":"short","purpose":"login","time":5}"#).is_err());
        assert!(VerifyOptions::from_json(&format!(
            r#"{{"audience":"a","nonce":"{n}","purpose":"login","time":5,"bogus":1}}"#
        ))
        .is_err());
        let mut o = VerifyOptions::new("a", &n, Purpose::Sign, 0);
        assert_eq!(o.unchecked_severity(), Severity::Error);
        o.min_rsa_bits = 1024;
        assert_eq!(o.validate().unwrap_err().code(), "JPKI_INVALID_OPTIONS");
    }

    #[test]
    fn claims_are_strict() {
        let ok = br#"{"aud":"a","nonce":"n","iat":1,"exp":2,"purpose":"sign"}"#;
        assert_eq!(Claims::parse(ok).unwrap().purpose, "sign");
        for bad in [
            &br#"{"aud":"a","nonce":"n","iat":1.5,"exp":2,"purpose":"sign"}"#[..],
            br#"{"aud":"a","iat":1,"exp":2,"purpose":"sign"}"#,
            br#"{"aud":"a","nonce":"n","iat":1,"exp":2,"purpose":"pay"}"#,
            br#"{"aud":"a","aud":"b","nonce":"n","iat":1,"exp":2,"purpose":"sign"}"#,
            br#"{"aud":["a"],"nonce":"n","iat":1,"exp":2,"purpose":"sign"}"#,
            br#"{"aud":"a","nonce":"n","iat":1,"exp":2,"purpose":"sign","txn":3}"#,
        ] {
            assert_eq!(Claims::parse(bad).unwrap_err().code(), "JPKI_MALFORMED");
        }
    }

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
