//! Verification options: explicit data with safe defaults ([`VerifyOptions`]).
//!
//! One definition serves every caller: the JSON form read here by [`VerifyOptions::from_json`]
//! is what the JS API (the wasm adapter hands it the caller's object as JSON), the CLI, and the
//! fixture manifest pass. [`VerifyOptions::JSON_MEMBERS`] lists the member names this reader
//! accepts (anything else is refused, so that a typo cannot weaken a check); the TypeScript
//! `VerifyOptions` interface (`src/wasm/mod.rs`) is checked against that list by
//! `tests/typescript_types.rs`.

use crate::json::{JsonObject, JsonValue as Value};
use serde::{Deserialize, Serialize};

use crate::cert::Kind;
use crate::error::{Error, Quoted, Result};
use crate::revocation::RevocationPolicy;

/// What the assertion is for; decides which certificate it must be signed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Purpose {
    /// Account opening (犯収法 method ワ): the signature certificate.
    AccountOpening,
    /// Login: the user-authentication certificate.
    Login,
    /// Signing a transaction or document: the signature certificate.
    Sign,
    /// Renewal: an account holder's new signature certificate (after the old one expired or
    /// was revoked for a change of details), to be linked to the existing customer.
    Renewal,
}

impl Purpose {
    /// The certificate kind this purpose needs.
    pub fn required_kind(self) -> Kind {
        match self {
            Purpose::Login => Kind::Authentication,
            Purpose::AccountOpening | Purpose::Sign | Purpose::Renewal => Kind::Signature,
        }
    }

    /// The claim value.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::AccountOpening => "account-opening",
            Purpose::Login => "login",
            Purpose::Sign => "sign",
            Purpose::Renewal => "renewal",
        }
    }

    /// The purpose named by a claim value (`account-opening`, `login`, `sign`, `renewal`).
    pub fn parse(s: &str) -> Option<Purpose> {
        Some(match s {
            "account-opening" => Purpose::AccountOpening,
            "login" => Purpose::Login,
            "sign" => Purpose::Sign,
            "renewal" => Purpose::Renewal,
            _ => return None,
        })
    }
}

/// The assertion encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Format {
    /// JWS compact serialisation.
    Jws,
    /// CMS SignedData (DER).
    Cms,
}

/// Which anchors to trust.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Trust {
    /// The six pinned J-LIS CAs (default).
    #[default]
    Jlis,
    /// The project's test PKI only. Never in production.
    Test,
}

/// Whether a condition is an error (the verdict is invalid) or a warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Severity {
    /// Invalidates the verdict.
    Error,
    /// Reported in `warnings`.
    Warning,
}

/// Which time certificate validity is checked at for CMS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ValidityAt {
    /// The verification time (default).
    #[default]
    VerificationTime,
    /// The CMS signingTime attribute (for documents signed in the past).
    SigningTime,
}

/// Verification options: explicit data with safe defaults. The same JSON shape (camelCase) is
/// accepted by the JS API, the CLI and the fixture manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VerifyOptions {
    /// `jws` or `cms`; detected from the input when absent.
    pub format: Option<Format>,
    /// Anchors to trust: `jlis` (default) or `test`.
    pub trust: Trust,
    /// The relying party's origin, compared exactly with `aud`.
    pub audience: String,
    /// The challenge the server issued (base64url), compared in constant time with `nonce`.
    pub nonce: String,
    /// What the assertion is verified for.
    pub purpose: Purpose,
    /// Verification time, Unix seconds. The core has no clock.
    pub time: i64,
    /// Allowed clock skew for `iat`/`exp`, seconds (default 60, at most 600).
    pub skew_seconds: u32,
    /// Whether unchecked revocation is an error or a warning. Default: error for
    /// account-opening and sign, warning for login.
    pub revocation_unchecked: Option<Severity>,
    /// Accept SHA-1 certificate and CMS signatures (legacy documents only). Default false.
    pub allow_legacy_algorithms: bool,
    /// Minimum RSA modulus (default 2048; lower values are refused).
    pub min_rsa_bits: u32,
    /// CMS only: check certificate validity at the verification time (default) or at the
    /// signed signingTime.
    pub cms_validity_at: ValidityAt,
    /// Oldest `iat` accepted, and longest `exp − iat`, in seconds (default 600, at most 3600):
    /// freshness must not rest on the server's nonce store alone.
    pub max_age_seconds: u32,
    /// Freshness of revocation sources (CRL ≤ 48 h after thisUpdate, OCSP ≤ 15 min).
    pub revocation_policy: RevocationPolicy,
}

fn default_skew() -> u32 {
    60
}

fn default_min_rsa() -> u32 {
    2048
}

fn default_max_age() -> u32 {
    600
}

/// Largest skew accepted in options.
pub const MAX_SKEW_SECONDS: u32 = 600;

impl VerifyOptions {
    /// Options with the safe defaults for the required fields given.
    pub fn new(audience: &str, nonce: &str, purpose: Purpose, time: i64) -> Self {
        VerifyOptions {
            format: None,
            trust: Trust::Jlis,
            audience: audience.to_owned(),
            nonce: nonce.to_owned(),
            purpose,
            time,
            skew_seconds: default_skew(),
            revocation_unchecked: None,
            allow_legacy_algorithms: false,
            min_rsa_bits: default_min_rsa(),
            cms_validity_at: ValidityAt::VerificationTime,
            max_age_seconds: default_max_age(),
            revocation_policy: RevocationPolicy::default(),
        }
    }

    /// Parses options from their JSON form (camelCase; see [`VerifyOptions::JSON_MEMBERS`]) and
    /// validates them. The JS API, the CLI and the fixture manifest all come through here.
    pub fn from_json(json: &str) -> Result<Self> {
        let value = crate::json::parse(json.as_bytes()).map_err(|e| Error::InvalidOptions {
            reason: format!("options: {e}"),
        })?;
        let o = Self::from_json_value(&value)?;
        o.validate()?;
        Ok(o)
    }

    /// Rejects unsafe or meaningless settings.
    pub fn validate(&self) -> Result<()> {
        let bad = |r: &str| Err(Error::InvalidOptions { reason: r.to_owned() });
        if self.audience.is_empty() {
            return bad("audience is empty");
        }
        if self.nonce.len() < 43 {
            return bad("nonce must be the base64url of at least 32 random bytes (43 characters)");
        }
        if self.skew_seconds > MAX_SKEW_SECONDS {
            return bad("skewSeconds above 600");
        }
        if self.min_rsa_bits < 2048 {
            return bad("minRsaBits below 2048 is not allowed");
        }
        if self.max_age_seconds == 0 || self.max_age_seconds > 3600 {
            return bad("maxAgeSeconds must be 1..=3600");
        }
        // The windows bound how old a CRL, OCSP or operator answer may be: sources that exist
        // only with feature `revocation`.
        #[cfg(feature = "revocation")]
        self.revocation_policy.validate()?;
        Ok(())
    }

    pub(crate) fn unchecked_severity(&self) -> Severity {
        self.revocation_unchecked.unwrap_or(match self.purpose {
            Purpose::Login => Severity::Warning,
            Purpose::AccountOpening | Purpose::Sign | Purpose::Renewal => Severity::Error,
        })
    }
}

/// Reads the members of one JSON object strictly: unknown names are refused.
struct Members<'a> {
    object: &'a JsonObject,
    what: &'static str,
}

fn invalid(reason: String) -> Error {
    Error::InvalidOptions { reason }
}

impl<'a> Members<'a> {
    fn new(value: &'a Value, what: &'static str, known: &[&str]) -> Result<Self> {
        let Value::Object(object) = value else {
            return Err(invalid(format!("{what} must be an object")));
        };
        if let Some(unknown) = object.keys().find(|k| !known.contains(k)) {
            return Err(invalid(format!("unknown option {}", Quoted(unknown))));
        }
        Ok(Members { object, what })
    }

    fn get(&self, name: &str) -> Option<&'a Value> {
        self.object.get(name)
    }

    fn string(&self, name: &'static str) -> Result<Option<&'a str>> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(invalid(format!("{name} must be a string"))),
        }
    }

    fn required_string(&self, name: &'static str) -> Result<&'a str> {
        self.string(name)?
            .ok_or_else(|| invalid(format!("missing option {name} in {}", self.what)))
    }

    /// A member that may also be `null` (meaning "not set").
    fn nullable_string(&self, name: &'static str) -> Result<Option<&'a str>> {
        match self.get(name) {
            Some(Value::Null) => Ok(None),
            _ => self.string(name),
        }
    }

    fn whole(&self, name: &'static str, default: u32) -> Result<u32> {
        match self.get(name) {
            None => Ok(default),
            Some(Value::Number(n)) => n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| invalid(format!("{name} must be a whole number"))),
            Some(_) => Err(invalid(format!("{name} must be a whole number"))),
        }
    }

    fn boolean(&self, name: &'static str) -> Result<bool> {
        match self.get(name) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(invalid(format!("{name} must be a boolean"))),
        }
    }
}

/// The index of `value` in `names`, or `refusal` (which lists them) as the error. Not generic,
/// so that the wasm module carries it once.
fn choice(value: &str, names: &[&str], refusal: &'static str) -> Result<usize> {
    names
        .iter()
        .position(|n| *n == value)
        .ok_or_else(|| invalid(refusal.to_owned()))
}

impl VerifyOptions {
    /// The JSON member names [`VerifyOptions::from_json`] accepts (camelCase).
    pub const JSON_MEMBERS: [&'static str; 13] = [
        "format",
        "trust",
        "audience",
        "nonce",
        "purpose",
        "time",
        "skewSeconds",
        "revocationUnchecked",
        "allowLegacyAlgorithms",
        "minRsaBits",
        "cmsValidityAt",
        "maxAgeSeconds",
        "revocationPolicy",
    ];

    /// The options from an already parsed JSON value (not yet [validated](Self::validate)).
    /// `time` is Unix seconds (an integer) or an RFC 3339 string; `format` and
    /// `revocationUnchecked` may be `null` (not set).
    pub fn from_json_value(value: &Value) -> Result<Self> {
        let m = Members::new(value, "options", &Self::JSON_MEMBERS)?;
        let purpose = m.required_string("purpose")?;
        let purpose = Purpose::parse(purpose)
            .ok_or_else(|| invalid("purpose must be account-opening, login, sign or renewal".to_owned()))?;
        let time = match m.get("time") {
            None => return Err(invalid("missing option time in options".to_owned())),
            Some(Value::Number(n)) => n
                .as_i64()
                .ok_or_else(|| invalid("time must be whole Unix seconds".to_owned()))?,
            Some(Value::String(s)) => crate::time::parse_rfc3339(s).map_err(|e| invalid(Error::from(e).to_string()))?,
            Some(_) => return Err(invalid("time must be Unix seconds or an RFC 3339 string".to_owned())),
        };
        let mut o = VerifyOptions::new(
            m.required_string("audience")?,
            m.required_string("nonce")?,
            purpose,
            time,
        );
        if let Some(f) = m.nullable_string("format")? {
            let i = choice(f, &["jws", "cms"], "format must be \"jws\" or \"cms\"")?;
            o.format = Some([Format::Jws, Format::Cms][i]);
        }
        if let Some(t) = m.string("trust")? {
            let i = choice(t, &["jlis", "test"], "trust must be \"jlis\" or \"test\"")?;
            o.trust = [Trust::Jlis, Trust::Test][i];
        }
        o.skew_seconds = m.whole("skewSeconds", o.skew_seconds)?;
        if let Some(s) = m.nullable_string("revocationUnchecked")? {
            let i = choice(
                s,
                &["error", "warning"],
                "revocationUnchecked must be \"error\" or \"warning\"",
            )?;
            o.revocation_unchecked = Some([Severity::Error, Severity::Warning][i]);
        }
        o.allow_legacy_algorithms = m.boolean("allowLegacyAlgorithms")?;
        o.min_rsa_bits = m.whole("minRsaBits", o.min_rsa_bits)?;
        if let Some(v) = m.string("cmsValidityAt")? {
            let i = choice(
                v,
                &["verificationTime", "signingTime"],
                "cmsValidityAt must be \"verificationTime\" or \"signingTime\"",
            )?;
            o.cms_validity_at = [ValidityAt::VerificationTime, ValidityAt::SigningTime][i];
        }
        o.max_age_seconds = m.whole("maxAgeSeconds", o.max_age_seconds)?;
        if let Some(p) = m.get("revocationPolicy") {
            o.revocation_policy = RevocationPolicy::from_json_value(p)?;
        }
        Ok(o)
    }
}

impl RevocationPolicy {
    /// The JSON member names of `revocationPolicy` (camelCase).
    pub const JSON_MEMBERS: [&'static str; 3] = ["crlMaxAgeSeconds", "ocspMaxAgeSeconds", "externalMaxAgeSeconds"];

    /// The policy from its JSON form; absent members keep their defaults.
    pub fn from_json_value(value: &Value) -> Result<Self> {
        let m = Members::new(value, "revocationPolicy", &Self::JSON_MEMBERS)?;
        let d = RevocationPolicy::default();
        Ok(RevocationPolicy {
            crl_max_age_seconds: m.whole("crlMaxAgeSeconds", d.crl_max_age_seconds)?,
            ocsp_max_age_seconds: m.whole("ocspMaxAgeSeconds", d.ocsp_max_age_seconds)?,
            external_max_age_seconds: m.whole("externalMaxAgeSeconds", d.external_max_age_seconds)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nonce() -> String {
        "A".repeat(43)
    }

    fn read(extra: &str) -> Result<VerifyOptions> {
        VerifyOptions::from_json(&format!(
            r#"{{"audience":"https://a","nonce":"{}","purpose":"sign","time":5{extra}}}"#,
            nonce()
        ))
    }

    #[test]
    fn defaults_are_the_safe_ones() {
        let o = read("").unwrap();
        assert_eq!(o, VerifyOptions::new("https://a", &nonce(), Purpose::Sign, 5));
    }

    #[test]
    fn every_member_is_read() {
        let o = read(
            r#","format":"cms","trust":"test","skewSeconds":30,"revocationUnchecked":"warning",
            "allowLegacyAlgorithms":true,"minRsaBits":3072,"cmsValidityAt":"signingTime",
            "maxAgeSeconds":120,"revocationPolicy":{"crlMaxAgeSeconds":3600,"ocspMaxAgeSeconds":60,
            "externalMaxAgeSeconds":30}"#,
        )
        .unwrap();
        assert_eq!(o.format, Some(Format::Cms));
        assert_eq!(o.trust, Trust::Test);
        assert_eq!((o.skew_seconds, o.min_rsa_bits, o.max_age_seconds), (30, 3072, 120));
        assert_eq!(o.revocation_unchecked, Some(Severity::Warning));
        assert!(o.allow_legacy_algorithms);
        assert_eq!(o.cms_validity_at, ValidityAt::SigningTime);
        let p = o.revocation_policy;
        assert_eq!(
            (
                p.crl_max_age_seconds,
                p.ocsp_max_age_seconds,
                p.external_max_age_seconds
            ),
            (3600, 60, 30)
        );
        // Every accepted member is named in JSON_MEMBERS, and the other way round.
        let text = serde_json::to_value(&o).unwrap();
        let mut written: Vec<&str> = text.as_object().unwrap().keys().map(String::as_str).collect();
        let mut members = VerifyOptions::JSON_MEMBERS.to_vec();
        written.sort_unstable();
        members.sort_unstable();
        assert_eq!(written, members);
    }

    #[test]
    fn time_is_seconds_or_rfc3339() {
        let n = nonce();
        let at = |t: &str| {
            VerifyOptions::from_json(&format!(
                r#"{{"audience":"a","nonce":"{n}","purpose":"login","time":{t}}}"#
            ))
        };
        assert_eq!(at("1780272000").unwrap().time, 1_780_272_000);
        assert_eq!(at(r#""2026-06-01T00:00:00.999Z""#).unwrap().time, 1_780_272_000);
        for bad in ["1.5", "-1e400", r#""yesterday""#, "true", "null"] {
            assert_eq!(at(bad).unwrap_err().code(), "JPKI_INVALID_OPTIONS", "{bad}");
        }
    }

    #[test]
    fn strict_about_names_types_and_values() {
        for bad in [
            r#","bogus":1"#,
            r#","revocationPolicy":{"crlMaxAge":1}"#,
            r#","revocationPolicy":3"#,
            r#","skewSeconds":-1"#,
            r#","skewSeconds":4294967296"#,
            r#","skewSeconds":null"#,
            r#","trust":"TEST""#,
            r#","format":"jwt""#,
            r#","allowLegacyAlgorithms":"yes""#,
            r#","purpose":"sign""#, // duplicate member
            r#","minRsaBits":1024"#,
        ] {
            let e = read(bad).unwrap_err();
            assert_eq!(e.code(), "JPKI_INVALID_OPTIONS", "{bad}: {e}");
        }
        assert!(read(r#","format":null,"revocationUnchecked":null"#).is_ok());
        let e = read(r#","bogus":1"#).unwrap_err();
        assert!(e.to_string().contains("unknown option \"bogus\""), "{e}");
        for missing in ["audience", "nonce", "purpose", "time"] {
            let mut v: serde_json::Value =
                serde_json::from_str(&read("").map(|o| serde_json::to_string(&o).unwrap()).unwrap()).unwrap();
            v.as_object_mut().unwrap().remove(missing);
            let e = VerifyOptions::from_json(&v.to_string()).unwrap_err();
            assert!(e.to_string().contains(missing), "{e}");
        }
        assert_eq!(
            VerifyOptions::from_json("[]").unwrap_err().code(),
            "JPKI_INVALID_OPTIONS"
        );
        assert_eq!(
            VerifyOptions::from_json("{").unwrap_err().code(),
            "JPKI_INVALID_OPTIONS"
        );
    }
}
