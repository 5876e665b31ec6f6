//! `jpki-verify verify FILE --audience A --nonce N [--purpose P] [--trust jlis|test] [--at T]`:
//! verify a JWS (or CMS) assertion file and print the verdict as JSON.
//! Exit 0 valid, 1 invalid, 2 usage or unreadable input.

use std::path::PathBuf;

use jpki_verify::assertion::{self, Format, Purpose, Severity, Trust, ValidityAt};
use jpki_verify::revocation::crl::CrlIndex;
use jpki_verify::revocation::{RevocationAnswer, RevocationSources};
use jpki_verify::trust::TrustAnchors;
use jpki_verify::RustCrypto;

use super::inspect::{print_stdout, read_limited};
use super::Failure;

/// Arguments of `verify`.
#[derive(clap::Args)]
pub(crate) struct VerifyArgs {
    /// Assertion file: JWS compact (text) or CMS SignedData (DER).
    file: PathBuf,
    /// Relying party origin expected in `aud`.
    #[arg(long)]
    audience: String,
    /// The challenge issued (base64url), expected in `nonce`.
    #[arg(long)]
    nonce: String,
    /// What the assertion is verified for.
    #[arg(long, value_enum, default_value = "account-opening")]
    purpose: PurposeArg,
    /// Trust anchors: the pinned J-LIS CAs, or the test PKI (never in production).
    #[arg(long, value_enum, default_value = "jlis")]
    trust: TrustArg,
    /// Verification time (RFC 3339). Default: now.
    #[arg(long)]
    at: Option<String>,
    /// Assertion format; detected when absent.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Signed content of a detached CMS signature.
    #[arg(long)]
    detached: Option<PathBuf>,
    /// Allowed iat/exp skew in seconds.
    #[arg(long, default_value_t = 60)]
    skew: u32,
    /// Oldest iat and longest exp − iat accepted, in seconds.
    #[arg(long, default_value_t = 600)]
    max_age: u32,
    /// Treat unchecked revocation as an error or a warning (default: error for
    /// account-opening and sign, warning for login).
    #[arg(long, value_enum)]
    revocation_unchecked: Option<SeverityArg>,
    /// CMS: check certificate validity at the signingTime attribute.
    #[arg(long)]
    at_signing_time: bool,
    /// A CRL to check revocation against; repeatable. A CRL (DER) is verified against the
    /// `--trust` anchors; a saved `.crlidx` index is checked for damage and for naming one of
    /// those anchors, and is otherwise trusted as the file it is.
    #[arg(long = "crl")]
    crls: Vec<PathBuf>,
    /// A platform operator's answer, as JSON `{"status":"good|revoked|unknown","reason"?,
    /// "source","producedAt"}`.
    #[arg(long)]
    revocation_answer: Option<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum PurposeArg {
    AccountOpening,
    Login,
    Sign,
    Renewal,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum TrustArg {
    Jlis,
    Test,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Jws,
    Cms,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SeverityArg {
    Error,
    Warning,
}

pub(crate) fn run(a: &VerifyArgs) -> Result<bool, Failure> {
    let input = read_limited(&a.file, 1024 * 1024)?;
    let detached = a
        .detached
        .as_ref()
        .map(|p| read_limited(p, 16 * 1024 * 1024))
        .transpose()?;
    let time = match &a.at {
        Some(t) => jpki_verify::time::parse_rfc3339(t).map_err(jpki_verify::Error::from)?,
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .map_err(|e| Failure::input("JPKI_INTERNAL", e.to_string()))?,
    };
    let purpose = match a.purpose {
        PurposeArg::AccountOpening => Purpose::AccountOpening,
        PurposeArg::Login => Purpose::Login,
        PurposeArg::Sign => Purpose::Sign,
        PurposeArg::Renewal => Purpose::Renewal,
    };
    let mut options = assertion::VerifyOptions::new(&a.audience, &a.nonce, purpose, time);
    options.trust = match a.trust {
        TrustArg::Jlis => Trust::Jlis,
        TrustArg::Test => Trust::Test,
    };
    options.format = a.format.map(|f| match f {
        FormatArg::Jws => Format::Jws,
        FormatArg::Cms => Format::Cms,
    });
    options.skew_seconds = a.skew;
    options.max_age_seconds = a.max_age;
    options.revocation_unchecked = a.revocation_unchecked.map(|s| match s {
        SeverityArg::Error => Severity::Error,
        SeverityArg::Warning => Severity::Warning,
    });
    if a.at_signing_time {
        options.cms_validity_at = ValidityAt::SigningTime;
    }
    options.validate()?;
    let anchors = match a.trust {
        TrustArg::Jlis => TrustAnchors::jlis(),
        TrustArg::Test => TrustAnchors::test_pki(),
    };
    let mut crls = Vec::new();
    for path in &a.crls {
        let bytes = read_limited(path, 1 << 30)?;
        let index = if path
            .extension()
            .is_some_and(|e| e == crate::revocation::INDEX_EXTENSION)
        {
            CrlIndex::from_bytes(&bytes)?
        } else {
            CrlIndex::build(&bytes, &anchors, &RustCrypto)?
        };
        crls.push(index);
    }
    let external = a.revocation_answer.as_deref().map(operator_answer).transpose()?;
    let refs: Vec<&CrlIndex> = crls.iter().collect();
    let mut sources = RevocationSources::crls(&refs);
    if let Some(e) = &external {
        sources = sources.with_external(e);
    }
    let verdict = assertion::verify_with(&input, &options, None, detached.as_deref(), &sources, &RustCrypto);
    let json = serde_json::to_string_pretty(&verdict).map_err(|e| Failure::input("JPKI_INTERNAL", e.to_string()))?;
    print_stdout(&json)?;
    Ok(verdict.valid)
}

/// `--revocation-answer`: a platform operator's answer as JSON.
fn operator_answer(json: &str) -> Result<RevocationAnswer, Failure> {
    let bad = |what: &str| Failure::input("JPKI_INVALID_OPTIONS", format!("--revocation-answer: {what}"));
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| bad(&e.to_string()))?;
    let status = v["status"].as_str().ok_or_else(|| bad("status must be a string"))?;
    let source = v["source"].as_str().ok_or_else(|| bad("source must be a string"))?;
    let produced_at = v["producedAt"]
        .as_i64()
        .ok_or_else(|| bad("producedAt must be Unix seconds"))?;
    let about = jpki_verify::revocation::AnswerAbout::from_fields(
        v["certificateSha256"].as_str(),
        v["issuer"].as_str(),
        v["serialNumber"].as_str(),
    )?;
    Ok(RevocationAnswer::external_from_names(
        status,
        v["reason"].as_str(),
        source,
        produced_at,
        about,
    )?)
}
