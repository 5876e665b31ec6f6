//! The assertion cases: what each file contains, the options it is
//! verified with and the expected result.

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use super::cms::{algorithm, CmsSpec, Sid, ID_CT_TST_INFO, ID_DATA};
use super::encode::{base64_standard, base64url, hex_lower, subject_public_key, tbs_fields, Json};
use super::forged;
use super::sign::SigningKey;
use super::{assertion_nonce, signing_input, Material, ASSERTION_AUDIENCE, ASSERTION_TYP};
use crate::der::DateTime;
use crate::{Error, GeneratedFile, VALIDATION_TIME_UNIX};

/// Validation time `T`.
const T: i64 = VALIDATION_TIME_UNIX;

/// Default skew allowance, seconds.
pub(crate) const SKEW: i64 = 60;

/// Default `signingTime`: T − 60 s = 2026-05-31T23:59:00Z.
const DEFAULT_SIGNING_TIME: DateTime = DateTime::new(2026, 5, 31, 23, 59, 0);

/// `signingTime` before every end-entity certificate's notBefore
/// (2025-04-01), but inside the CAs' validity.
const EARLY_SIGNING_TIME: DateTime = DateTime::new(2025, 1, 1, 0, 0, 0);

/// Maximum assertion size the verifier accepts, bytes.
pub(crate) const MAX_ASSERTION_SIZE: usize = 64 * 1024;

/// Container format of a case file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Jws,
    Cms,
}

impl Format {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Format::Jws => "jws",
            Format::Cms => "cms",
        }
    }
}

/// The verification options of one case (manifest `options`).
#[derive(Clone, Debug)]
pub(crate) struct Options {
    pub(crate) trust: &'static str,
    pub(crate) audience: String,
    pub(crate) nonce: String,
    pub(crate) purpose: &'static str,
    pub(crate) time: i64,
    pub(crate) skew_seconds: i64,
    pub(crate) revocation_unchecked: Option<&'static str>,
    pub(crate) cms_validity_at: Option<&'static str>,
}

impl Options {
    /// Test trust, the fixture audience and nonce, time T, 60 s skew and
    /// `revocationUnchecked: "warning"`, so that only the defect under
    /// test can fail.
    fn new(purpose: &'static str) -> Self {
        Options {
            trust: "test",
            audience: ASSERTION_AUDIENCE.to_string(),
            nonce: assertion_nonce(),
            purpose,
            time: T,
            skew_seconds: SKEW,
            revocation_unchecked: Some("warning"),
            cms_validity_at: None,
        }
    }

    fn trust_jlis(mut self) -> Self {
        self.trust = "jlis";
        self
    }

    fn revocation(mut self, policy: Option<&'static str>) -> Self {
        self.revocation_unchecked = policy;
        self
    }

    fn nonce(mut self, nonce: String) -> Self {
        self.nonce = nonce;
        self
    }

    fn validity_at_signing_time(mut self) -> Self {
        self.cms_validity_at = Some("signingTime");
        self
    }

    fn to_json(&self) -> Json {
        let mut options = Json::obj([
            ("trust", Json::str(self.trust)),
            ("audience", Json::str(&self.audience)),
            ("nonce", Json::str(&self.nonce)),
            ("purpose", Json::str(self.purpose)),
            ("time", Json::Int(self.time)),
            ("skewSeconds", Json::Int(self.skew_seconds)),
        ]);
        if let Some(policy) = self.revocation_unchecked {
            options.set("revocationUnchecked", Json::str(policy));
        }
        if let Some(at) = self.cms_validity_at {
            options.set("cmsValidityAt", Json::str(at));
        }
        options
    }
}

/// One manifest case and the files it consists of.
pub(crate) struct Case {
    pub(crate) name: String,
    pub(crate) file: String,
    pub(crate) format: Format,
    pub(crate) description: String,
    pub(crate) detached_content: Option<String>,
    pub(crate) options: Options,
    /// `None` = valid; otherwise the first error code.
    pub(crate) expect: Option<&'static str>,
    pub(crate) files: Vec<GeneratedFile>,
    /// Revocation evidence given to the verification (manifest `revocation`).
    pub(crate) revocation: Option<RevocationInput>,
}

/// The manifest's `revocation` of a case: CRL files (in this folder) and/or a platform
/// operator's answer, and the expected revocation slot.
#[derive(Clone, Debug)]
pub(crate) struct RevocationInput {
    pub(crate) crls: Vec<&'static str>,
    /// `(status, reason, source, producedAt)` of an operator answer.
    pub(crate) external: Option<(&'static str, Option<&'static str>, &'static str, i64)>,
    /// The certificate the operator's answer is about (`certificateSha256`, hex): the case's
    /// own leaf unless the case is about a mixed-up answer.
    pub(crate) about_sha256: String,
    /// Expected `verdict.revocation`: `(status, reason)`.
    pub(crate) expect: (&'static str, Option<&'static str>),
}

impl Case {
    /// The manifest entry.
    pub(crate) fn to_json(&self) -> Json {
        let mut case = Json::obj([
            ("name", Json::str(&self.name)),
            ("file", Json::str(&self.file)),
            ("format", Json::str(self.format.as_str())),
            ("description", Json::str(&self.description)),
        ]);
        if let Some(content) = &self.detached_content {
            case.set("detachedContent", Json::str(content));
        }
        case.set("options", self.options.to_json());
        let mut expect = Json::obj([
            ("valid", Json::Bool(self.expect.is_none())),
            ("code", self.expect.map_or(Json::Null, Json::str)),
        ]);
        if let Some(r) = &self.revocation {
            let mut input = Json::obj([("crls", Json::Arr(r.crls.iter().map(|c| Json::str(c)).collect()))]);
            if let Some((status, reason, source, produced_at)) = r.external {
                let mut answer = Json::obj([
                    ("status", Json::str(status)),
                    ("source", Json::str(source)),
                    ("producedAt", Json::Int(produced_at)),
                    ("certificateSha256", Json::str(&r.about_sha256)),
                ]);
                if let Some(reason) = reason {
                    answer.set("reason", Json::str(reason));
                }
                input.set("external", answer);
            }
            case.set("revocation", input);
            expect.set(
                "revocation",
                Json::obj([
                    ("status", Json::str(r.expect.0)),
                    ("reason", r.expect.1.map_or(Json::Null, Json::str)),
                ]),
            );
        }
        case.set("expect", expect);
        case
    }
}

/// All cases plus the files that belong to no single case.
pub(crate) struct Built {
    pub(crate) cases: Vec<Case>,
    pub(crate) extra_files: Vec<GeneratedFile>,
}

/// The claims every case starts from: `aud`, `nonce`, `iat` = T − 60,
/// `exp` = T + 240, `purpose`.
pub(crate) fn claims(purpose: &str) -> Json {
    Json::obj([
        ("aud", Json::str(ASSERTION_AUDIENCE)),
        ("nonce", Json::Str(assertion_nonce())),
        ("iat", Json::Int(T - 60)),
        ("exp", Json::Int(T + 240)),
        ("purpose", Json::str(purpose)),
    ])
}

/// `claims(purpose)` with other `iat` and `exp`.
fn claims_at(purpose: &str, iat: i64, exp: i64) -> Json {
    let mut c = claims(purpose);
    c.set("iat", Json::Int(iat));
    c.set("exp", Json::Int(exp));
    c
}

/// The `txn` object of `jws-txn`.
fn txn() -> Json {
    Json::obj([
        ("applicationId", Json::str("A-2026-0001")),
        (
            "documentSha256",
            Json::Str(hex_lower(&Sha256::digest(b"jpki-verify fixture document"))),
        ),
    ])
}

/// `{"alg":…,"typ":"jpki-assertion+jwt","x5c":[…]}`.
fn header(alg: &str, x5c: &[&[u8]]) -> Json {
    Json::obj([
        ("alg", Json::str(alg)),
        ("typ", Json::str(ASSERTION_TYP)),
        (
            "x5c",
            Json::Arr(x5c.iter().map(|c| Json::Str(base64_standard(c))).collect()),
        ),
    ])
}

fn alg_for(key: &SigningKey) -> &'static str {
    if key.is_ec() {
        "ES256"
    } else {
        "RS256"
    }
}

/// `h.p.s` from raw JSON texts and signature bytes.
fn compact(header_json: &str, claims_json: &str, signature: &[u8]) -> String {
    format!("{}.{}", signing_input(header_json, claims_json), base64url(signature))
}

/// Signs `header_json.claims_json` with `key` (RS256 or ES256 by key type).
fn sign_raw(header_json: &str, claims_json: &str, key: &SigningKey) -> Result<String, Error> {
    let signature = key.sign(signing_input(header_json, claims_json).as_bytes())?;
    Ok(compact(header_json, claims_json, &signature))
}

/// The three parts of a compact JWS.
fn parts(token: &str) -> Result<[&str; 3], Error> {
    let mut it = token.split('.');
    match (it.next(), it.next(), it.next(), it.next()) {
        (Some(h), Some(p), Some(s), None) => Ok([h, p, s]),
        _ => Err(Error::Crypto("not a three-part JWS".to_string())),
    }
}

struct Builder<'a> {
    m: &'a Material,
    cases: Vec<Case>,
}

impl Builder<'_> {
    fn push_jws(
        &mut self,
        name: &str,
        description: &str,
        token: String,
        options: Options,
        expect: Option<&'static str>,
    ) {
        let file = format!("{name}.jws");
        self.cases.push(Case {
            name: name.to_string(),
            file: file.clone(),
            format: Format::Jws,
            description: description.to_string(),
            detached_content: None,
            options,
            expect,
            files: vec![GeneratedFile {
                name: file,
                bytes: token.into_bytes(),
            }],
            revocation: None,
        });
    }

    fn push_cms(
        &mut self,
        name: &str,
        description: &str,
        der: Vec<u8>,
        detached_content: Option<Vec<u8>>,
        options: Options,
        expect: Option<&'static str>,
    ) {
        let file = format!("{name}.p7s");
        let mut files = vec![GeneratedFile {
            name: file.clone(),
            bytes: der,
        }];
        let content_name = detached_content.map(|bytes| {
            let content_name = format!("{name}.content.json");
            files.push(GeneratedFile {
                name: content_name.clone(),
                bytes,
            });
            content_name
        });
        self.cases.push(Case {
            name: name.to_string(),
            file,
            format: Format::Cms,
            description: description.to_string(),
            detached_content: content_name,
            options,
            expect,
            files,
            revocation: None,
        });
    }

    /// A well-formed, correctly signed JWS by the leaf `stem` with
    /// x5c = [leaf] and the given claims.
    fn jws(&self, stem: &str, claims: &Json) -> Result<String, Error> {
        let key = self.m.key(stem)?;
        let header = header(alg_for(&key), &[self.m.cert(stem)?]);
        sign_raw(&header.compact(), &claims.compact(), &key)
    }

    /// [`Self::jws`] with `header` instead of the standard one, signed by
    /// `stem`'s key.
    fn jws_with_header(&self, stem: &str, header: &str, claims: &Json) -> Result<String, Error> {
        sign_raw(header, &claims.compact(), &self.m.key(stem)?)
    }
}

/// Default CMS: attached content, `certificates` = [leaf], v1 sid,
/// signedAttrs with signingTime T − 60.
fn cms_spec<'a>(content: &'a [u8], cert: &'a [u8], key: &'a SigningKey) -> CmsSpec<'a> {
    CmsSpec {
        content,
        digested: None,
        detached: false,
        certificates: vec![cert],
        signer_cert: cert,
        key,
        sid: Sid::IssuerAndSerial,
        signing_time: DEFAULT_SIGNING_TIME,
        signed_attrs: true,
        content_type_attr: ID_DATA,
        corrupt_signature: false,
        digest_algorithm: None,
        signature_algorithm: None,
        signer_infos: 1,
    }
}

const VALID: Option<&str> = None;
const MALFORMED: Option<&str> = Some("JPKI_MALFORMED");
const SIGNATURE_INVALID: Option<&str> = Some("JPKI_SIGNATURE_INVALID");
const ALGORITHM_NOT_ALLOWED: Option<&str> = Some("JPKI_ALGORITHM_NOT_ALLOWED");
const CHAIN_UNTRUSTED: Option<&str> = Some("JPKI_CHAIN_UNTRUSTED");
const WRONG_CERTIFICATE_KIND: Option<&str> = Some("JPKI_WRONG_CERTIFICATE_KIND");
const KEY_USAGE: Option<&str> = Some("JPKI_KEY_USAGE");
const POLICY_MISMATCH: Option<&str> = Some("JPKI_POLICY_MISMATCH");
const REVOCATION_UNCHECKED: Option<&str> = Some("JPKI_REVOCATION_UNCHECKED");
const BUDGET_EXCEEDED: Option<&str> = Some("JPKI_BUDGET_EXCEEDED");

const REVOKED: Option<&str> = Some("JPKI_REVOKED");

const AO: &str = "account-opening";
const LOGIN: &str = "login";
const SIGN: &str = "sign";

/// Builds every case.
pub(crate) fn build(m: &Material) -> Result<Built, Error> {
    let mut b = Builder { m, cases: Vec::new() };
    jws_valid(&mut b)?;
    jws_claims_and_binding(&mut b)?;
    jws_certificates(&mut b)?;
    let extra_files = jws_rogue_cas(&mut b)?;
    jws_algorithms(&mut b)?;
    jws_structure(&mut b)?;
    cms_cases(&mut b)?;
    let mut extra_files = extra_files;
    extra_files.extend(jws_revocation(&mut b)?);
    b.cases.sort_by(|x, y| x.name.cmp(&y.name));
    Ok(Built {
        cases: b.cases,
        extra_files,
    })
}

fn jws_valid(b: &mut Builder<'_>) -> Result<(), Error> {
    for (name, stem, purpose, description) in [
        (
            "jws-account-opening-taro",
            "taro-sign",
            AO,
            "RS256 by taro's signature certificate for account opening.",
        ),
        (
            "jws-sign-hanako",
            "hanako-sign",
            SIGN,
            "RS256 by hanako's signature certificate (substituted characters) with purpose sign.",
        ),
        (
            "jws-login-taro",
            "taro-auth",
            LOGIN,
            "RS256 by taro's user-authentication certificate for login.",
        ),
        (
            "jws-login-hanako",
            "hanako-auth",
            LOGIN,
            "RS256 by hanako's user-authentication certificate for login.",
        ),
        (
            "jws-account-opening-p256",
            "p256-sign",
            AO,
            "ES256 (raw r||s) by the P-256 signature certificate for account opening.",
        ),
        (
            "jws-login-p256",
            "p256-auth",
            LOGIN,
            "ES256 (raw r||s) by the P-256 user-authentication certificate for login.",
        ),
        (
            "jws-account-opening-fumi",
            "fumi-sign",
            AO,
            "fumi: partial birth date (month and day unknown) and a BMPString name.",
        ),
        (
            "jws-account-opening-kaoru",
            "kaoru-sign",
            AO,
            "kaoru: era unknown, sex unknown, PrintableString digit fields.",
        ),
        (
            "jws-account-opening-ichiro",
            "ichiro-sign",
            AO,
            "ichiro: 200-character address (large certificate in x5c).",
        ),
    ] {
        let token = b.jws(stem, &claims(purpose))?;
        b.push_jws(name, description, token, Options::new(purpose), VALID);
    }

    let key = b.m.key("taro-sign")?;
    let with_ca = header("RS256", &[b.m.cert("taro-sign")?, b.m.cert("sign-ca")?]);
    let token = sign_raw(&with_ca.compact(), &claims(AO).compact(), &key)?;
    b.push_jws(
        "jws-x5c-with-ca",
        "x5c = [taro-sign, sign-ca]; the CA copy is redundant but allowed.",
        token,
        Options::new(AO),
        VALID,
    );

    let mut with_txn = claims(SIGN);
    with_txn.set("txn", txn());
    let token = b.jws("taro-sign", &with_txn)?;
    b.push_jws(
        "jws-txn",
        "purpose sign with a txn object (applicationId, documentSha256).",
        token,
        Options::new(SIGN),
        VALID,
    );

    for (name, iat, exp, description) in [
        (
            "jws-iat-within-skew",
            T + 30,
            T + 330,
            "iat = T+30: in the future but within the 60 s skew.",
        ),
        (
            "jws-iat-skew-boundary",
            T + SKEW,
            T + SKEW + 300,
            "iat = T+60 exactly: iat > time + skew is false, so accepted.",
        ),
        (
            "jws-exp-skew-boundary",
            T - SKEW - 300,
            T - SKEW,
            "exp = T-60 exactly: exp < time - skew is false, so accepted.",
        ),
    ] {
        let token = b.jws("taro-sign", &claims_at(AO, iat, exp))?;
        b.push_jws(name, description, token, Options::new(AO), VALID);
    }

    let token = b.jws("taro-auth", &claims(LOGIN))?;
    b.push_jws(
        "jws-login-revocation-default",
        "login without revocationUnchecked: the default policy treats unchecked revocation as an error only for account-opening and sign, so this is valid.",
        token,
        Options::new(LOGIN).revocation(None),
        VALID,
    );
    Ok(())
}

fn jws_claims_and_binding(b: &mut Builder<'_>) -> Result<(), Error> {
    let key = b.m.key("taro-sign")?;
    let standard_header = header("RS256", &[b.m.cert("taro-sign")?]).compact();
    let standard_claims = claims(AO).compact();
    let input = signing_input(&standard_header, &standard_claims);
    let signature = key.rs256(input.as_bytes())?;

    let mut extended = claims(AO);
    extended.set("exp", Json::Int(T + 86_400));
    let token = compact(&standard_header, &extended.compact(), &signature);
    b.push_jws(
        "jws-tampered-payload",
        "Payload replaced after signing (exp extended by a day); signature no longer matches.",
        token,
        Options::new(AO),
        SIGNATURE_INVALID,
    );

    let mut flipped = signature.clone();
    let middle = flipped.len() / 2;
    if let Some(byte) = flipped.get_mut(middle) {
        *byte ^= 0x01;
    }
    let token = compact(&standard_header, &standard_claims, &flipped);
    b.push_jws(
        "jws-tampered-signature",
        "One bit of the signature (byte 128) flipped; base64url stays canonical.",
        token,
        Options::new(AO),
        SIGNATURE_INVALID,
    );

    let other_nonce = base64url(&Sha256::digest(b"jpki-verify fixture other nonce"));
    let token = b.jws("taro-sign", &claims(AO))?;
    b.push_jws(
        "jws-wrong-nonce",
        "Verified with another nonce (base64url of SHA-256(\"jpki-verify fixture other nonce\")).",
        token.clone(),
        Options::new(AO).nonce(other_nonce),
        Some("JPKI_NONCE_MISMATCH"),
    );

    let mut other_aud = claims(AO);
    other_aud.set("aud", Json::str("https://shop.example.com"));
    let t = b.jws("taro-sign", &other_aud)?;
    b.push_jws(
        "jws-wrong-audience",
        "aud claim is https://shop.example.com; options expect https://bank.example.jp.",
        t,
        Options::new(AO),
        Some("JPKI_AUDIENCE_MISMATCH"),
    );

    let t = b.jws("taro-sign", &claims_at(AO, T - 420, T - 120))?;
    b.push_jws(
        "jws-expired",
        "exp = T-120, beyond the 60 s skew.",
        t,
        Options::new(AO),
        Some("JPKI_ASSERTION_EXPIRED"),
    );

    let t = b.jws("taro-sign", &claims_at(AO, T + 600, T + 900))?;
    b.push_jws(
        "jws-iat-future",
        "iat = T+600, exp = T+900: issued in the future beyond the skew.",
        t,
        Options::new(AO),
        Some("JPKI_ASSERTION_NOT_YET_VALID"),
    );

    let t = b.jws("taro-sign", &claims(LOGIN))?;
    b.push_jws("jws-purpose-mismatch", "purpose claim login, options account-opening; signed with the signature certificate, so the certificate kind is right.", t, Options::new(AO), Some("JPKI_PURPOSE_MISMATCH"));

    b.push_jws(
        "jws-revocation-default",
        "Otherwise valid account-opening assertion verified without revocationUnchecked: the default policy makes unchecked revocation an error.",
        token,
        Options::new(AO).revocation(None),
        REVOCATION_UNCHECKED,
    );
    let t = b.jws("hanako-sign", &claims(SIGN))?;
    b.push_jws(
        "jws-sign-revocation-default",
        "Otherwise valid purpose-sign assertion verified without revocationUnchecked.",
        t,
        Options::new(SIGN).revocation(None),
        REVOCATION_UNCHECKED,
    );
    let t = b.jws("taro-auth", &claims(LOGIN))?;
    b.push_jws(
        "jws-login-revocation-error",
        "Otherwise valid login assertion with revocationUnchecked: error.",
        t,
        Options::new(LOGIN).revocation(Some("error")),
        REVOCATION_UNCHECKED,
    );

    let t = b.jws("taro-sign", &claims(AO))?;
    b.push_jws(
        "jws-test-anchor-refused",
        "Valid test-PKI assertion verified with trust jlis.",
        t,
        Options::new(AO).trust_jlis(),
        Some("JPKI_TEST_ANCHOR_REFUSED"),
    );
    Ok(())
}

fn jws_certificates(b: &mut Builder<'_>) -> Result<(), Error> {
    for (name, stem, purpose, expect, description) in [
        (
            "jws-auth-cert-for-account-opening",
            "taro-auth",
            AO,
            WRONG_CERTIFICATE_KIND,
            "account-opening needs the signature certificate; signed with the authentication certificate.",
        ),
        (
            "jws-auth-cert-for-sign",
            "taro-auth",
            SIGN,
            WRONG_CERTIFICATE_KIND,
            "purpose sign needs the signature certificate; signed with the authentication certificate.",
        ),
        (
            "jws-sign-cert-for-login",
            "taro-sign",
            LOGIN,
            WRONG_CERTIFICATE_KIND,
            "login needs the authentication certificate; signed with the signature certificate.",
        ),
        (
            "jws-cert-expired",
            "expired-sign",
            AO,
            Some("JPKI_CERT_EXPIRED"),
            "Leaf expired 2024-03-31; claims are fresh.",
        ),
        (
            "jws-cert-not-yet-valid",
            "notyet-sign",
            AO,
            Some("JPKI_CERT_NOT_YET_VALID"),
            "Leaf valid from 2026-12-01; claims are fresh.",
        ),
        (
            "jws-wrong-key-usage",
            "wrongku-sign",
            AO,
            KEY_USAGE,
            "Signature certificate without nonRepudiation.",
        ),
        (
            "jws-wrong-key-usage-auth",
            "wrongku-auth",
            LOGIN,
            KEY_USAGE,
            "Authentication certificate with keyEncipherment only (no digitalSignature).",
        ),
        (
            "jws-wrong-policy",
            "wrongpolicy-sign",
            AO,
            POLICY_MISMATCH,
            "Signature certificate asserting anyPolicy instead of the JPKI policy.",
        ),
        (
            "jws-wrong-policy-auth",
            "wrongpolicy-auth",
            LOGIN,
            POLICY_MISMATCH,
            "Authentication certificate asserting anyPolicy instead of the JPKI policy.",
        ),
        (
            "jws-sha1-cert",
            "sha1-sign",
            AO,
            ALGORITHM_NOT_ALLOWED,
            "Leaf certificate signed with sha1WithRSAEncryption.",
        ),
        (
            "jws-rsa1024",
            "rsa1024-sign",
            AO,
            Some("JPKI_WEAK_KEY"),
            "Leaf with an RSA-1024 key (the assertion is RS256 with that key).",
        ),
    ] {
        let token = b.jws(stem, &claims(purpose))?;
        b.push_jws(name, description, token, Options::new(purpose), expect);
    }
    Ok(())
}

/// The foreign-CA and same-DN cases; returns the rogue CA certificates.
fn jws_rogue_cas(b: &mut Builder<'_>) -> Result<Vec<GeneratedFile>, Error> {
    let evil_ca = forged::evil_ca()?;
    let evil_leaf = forged::taro_lookalike(&evil_ca, "evil-leaf", true)?;
    let evil_key = SigningKey::from_pkcs8(&evil_leaf.key_pkcs8)?;
    let claims_json = claims(AO).compact();
    let t = sign_raw(&header("RS256", &[&evil_leaf.cert]).compact(), &claims_json, &evil_key)?;
    b.push_jws(
        "jws-foreign-ca",
        &format!(
            "Leaf shaped like taro-sign but issued by a self-signed foreign CA ({}; evil-ca.der).",
            forged::EVIL_CA_DN
        ),
        t,
        Options::new(AO),
        CHAIN_UNTRUSTED,
    );
    let t = sign_raw(
        &header("RS256", &[&evil_leaf.cert, &evil_ca.cert]).compact(),
        &claims_json,
        &evil_key,
    )?;
    b.push_jws(
        "jws-foreign-ca-in-x5c",
        "Same as jws-foreign-ca with the foreign CA appended to x5c: a CA in x5c is never a trust anchor.",
        t,
        Options::new(AO),
        CHAIN_UNTRUSTED,
    );

    let forged_ca = forged::forged_sign_ca()?;
    let forged_leaf = forged::taro_lookalike(&forged_ca, "forged-leaf", false)?;
    let forged_key = SigningKey::from_pkcs8(&forged_leaf.key_pkcs8)?;
    let t = sign_raw(
        &header("RS256", &[&forged_leaf.cert]).compact(),
        &claims_json,
        &forged_key,
    )?;
    b.push_jws(
        "jws-same-dn-forged-ca",
        &format!(
            "Leaf without authorityKeyIdentifier issued by a CA with the test sign-ca's exact DN ({}) and serial but its own key (forged-sign-ca.der).",
            forged::sign_ca_dn()?
        ),
        t,
        Options::new(AO),
        CHAIN_UNTRUSTED,
    );
    Ok(vec![
        GeneratedFile {
            name: "evil-ca.der".to_string(),
            bytes: evil_ca.cert,
        },
        GeneratedFile {
            name: "forged-sign-ca.der".to_string(),
            bytes: forged_ca.cert,
        },
    ])
}

fn jws_algorithms(b: &mut Builder<'_>) -> Result<(), Error> {
    let taro = b.m.cert("taro-sign")?;
    let claims_json = claims(AO).compact();

    let none_header = header("none", &[taro]).compact();
    let t = format!("{}.", signing_input(&none_header, &claims_json));
    b.push_jws(
        "jws-alg-none",
        "alg none with an empty signature part.",
        t,
        Options::new(AO),
        ALGORITHM_NOT_ALLOWED,
    );

    let hs_header = header("HS256", &[taro]).compact();
    let input = signing_input(&hs_header, &claims_json);
    let spki = tbs_fields(taro)?.spki;
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(spki).map_err(|e| Error::Crypto(format!("HMAC key: {e}")))?;
    mac.update(input.as_bytes());
    let tag = mac.finalize().into_bytes();
    b.push_jws(
        "jws-hs256-confusion",
        "alg HS256 with an HMAC-SHA256 keyed with the leaf's SubjectPublicKeyInfo DER (key-confusion attack).",
        compact(&hs_header, &claims_json, &tag),
        Options::new(AO),
        ALGORITHM_NOT_ALLOWED,
    );

    let t = b.jws_with_header("taro-sign", &header("PS256", &[taro]).compact(), &claims(AO))?;
    b.push_jws(
        "jws-alg-ps256",
        "alg PS256 (not on the allow-list; the signature is actually PKCS#1 v1.5).",
        t,
        Options::new(AO),
        ALGORITHM_NOT_ALLOWED,
    );

    let t = b.jws_with_header("taro-sign", &header("RS999", &[taro]).compact(), &claims(AO))?;
    b.push_jws(
        "jws-alg-unknown",
        "alg RS999, an unknown algorithm name (signed RS256).",
        t,
        Options::new(AO),
        Some("JPKI_UNSUPPORTED_ALGORITHM"),
    );

    let p256 = b.m.cert("p256-sign")?;
    let t = b.jws_with_header("p256-sign", &header("RS256", &[p256]).compact(), &claims(AO))?;
    b.push_jws(
        "jws-alg-key-mismatch",
        "alg RS256 but the leaf (p256-sign) has a P-256 key; signed ES256.",
        t,
        Options::new(AO),
        ALGORITHM_NOT_ALLOWED,
    );

    let t = b.jws_with_header("taro-sign", &header("ES256", &[taro]).compact(), &claims(AO))?;
    b.push_jws(
        "jws-alg-key-mismatch-es256",
        "alg ES256 but the leaf (taro-sign) has an RSA key; signed RS256.",
        t,
        Options::new(AO),
        ALGORITHM_NOT_ALLOWED,
    );

    let es_header = header("ES256", &[p256]).compact();
    let input = signing_input(&es_header, &claims_json);
    let der_signature = b.m.key("p256-sign")?.es256_der(input.as_bytes())?;
    b.push_jws(
        "jws-es256-der-signature",
        "ES256 whose signature is the DER Ecdsa-Sig-Value instead of the raw 64-byte r||s.",
        compact(&es_header, &claims_json, &der_signature),
        Options::new(AO),
        SIGNATURE_INVALID,
    );
    Ok(())
}

fn jws_structure(b: &mut Builder<'_>) -> Result<(), Error> {
    let taro = b.m.cert("taro-sign")?;
    let std_header = header("RS256", &[taro]);
    let token = b.jws("taro-sign", &claims(AO))?;
    let [h, p, s] = parts(&token)?;

    let broken = Json::obj([
        ("alg", Json::str("RS256")),
        ("typ", Json::str(ASSERTION_TYP)),
        (
            "x5c",
            Json::Arr(vec![Json::Str(base64_standard(taro.get(..200).unwrap_or(taro)))]),
        ),
    ]);
    let t = b.jws_with_header("taro-sign", &broken.compact(), &claims(AO))?;
    b.push_jws(
        "jws-x5c-broken-der",
        "x5c[0] is base64 of the first 200 bytes of taro-sign.der.",
        t,
        Options::new(AO),
        MALFORMED,
    );

    let mut no_x5c = std_header.clone();
    no_x5c.remove("x5c");
    let t = b.jws_with_header("taro-sign", &no_x5c.compact(), &claims(AO))?;
    b.push_jws("jws-no-x5c", "Header without x5c.", t, Options::new(AO), MALFORMED);

    let t = b.jws_with_header("taro-sign", &header("RS256", &[]).compact(), &claims(AO))?;
    b.push_jws(
        "jws-x5c-empty",
        "x5c is an empty array.",
        t,
        Options::new(AO),
        MALFORMED,
    );

    let mut bad_b64 = std_header.clone();
    bad_b64.set("x5c", Json::Arr(vec![Json::str("not*base64!")]));
    let t = b.jws_with_header("taro-sign", &bad_b64.compact(), &claims(AO))?;
    b.push_jws(
        "jws-x5c-not-base64",
        "x5c[0] is not base64.",
        t,
        Options::new(AO),
        MALFORMED,
    );

    let ca = b.m.cert("sign-ca")?;
    for (name, count) in [("jws-x5c-five-certs", 5usize), ("jws-x5c-ten-certs", 10)] {
        let mut chain: Vec<&[u8]> = vec![taro];
        chain.extend(std::iter::repeat_n(ca, count - 1));
        let t = b.jws_with_header("taro-sign", &header("RS256", &chain).compact(), &claims(AO))?;
        b.push_jws(
            name,
            &format!("x5c with {count} certificates (taro-sign then sign-ca repeated); the limit is 4."),
            t,
            Options::new(AO),
            BUDGET_EXCEEDED,
        );
    }

    b.push_jws(
        "jws-two-parts",
        "Only header.payload, no signature part.",
        format!("{h}.{p}"),
        Options::new(AO),
        MALFORMED,
    );
    b.push_jws(
        "jws-four-parts",
        "header.payload.signature.header: four parts.",
        format!("{h}.{p}.{s}.{h}"),
        Options::new(AO),
        MALFORMED,
    );
    b.push_jws(
        "jws-padded-base64",
        "Signature part carries its '==' base64 padding.",
        format!("{h}.{p}.{s}=="),
        Options::new(AO),
        MALFORMED,
    );
    if !s.contains(['-', '_']) {
        return Err(Error::Crypto(
            "signature has no URL-safe characters to swap".to_string(),
        ));
    }
    let standard_alphabet = s.replace('-', "+").replace('_', "/");
    b.push_jws(
        "jws-standard-base64",
        "Signature part in the standard base64 alphabet ('+' and '/').",
        format!("{h}.{p}.{standard_alphabet}"),
        Options::new(AO),
        MALFORMED,
    );

    let t = b.jws_with_header("taro-sign", "not json", &claims(AO))?;
    b.push_jws(
        "jws-header-not-json",
        "Header decodes to the text 'not json'.",
        t,
        Options::new(AO),
        MALFORMED,
    );

    let key = b.m.key("taro-sign")?;
    let wrapped = format!("[{}]", claims(AO).compact());
    let t = sign_raw(&std_header.compact(), &wrapped, &key)?;
    b.push_jws(
        "jws-payload-not-object",
        "Payload is a JSON array holding the claims object.",
        t,
        Options::new(AO),
        MALFORMED,
    );

    let x5c = Json::Arr(vec![Json::Str(base64_standard(taro))]).compact();
    let duplicate = format!("{{\"alg\":\"RS256\",\"typ\":\"{ASSERTION_TYP}\",\"x5c\":{x5c},\"alg\":\"none\"}}");
    let t = b.jws_with_header("taro-sign", &duplicate, &claims(AO))?;
    b.push_jws(
        "jws-duplicate-alg",
        "Header with alg twice (RS256 first, none last); signed RS256.",
        t,
        Options::new(AO),
        MALFORMED,
    );

    let mut jwt_typ = std_header.clone();
    jwt_typ.set("typ", Json::str("JWT"));
    let t = b.jws_with_header("taro-sign", &jwt_typ.compact(), &claims(AO))?;
    b.push_jws("jws-wrong-typ", "typ is JWT.", t, Options::new(AO), MALFORMED);

    let mut no_typ = std_header.clone();
    no_typ.remove("typ");
    let t = b.jws_with_header("taro-sign", &no_typ.compact(), &claims(AO))?;
    b.push_jws("jws-missing-typ", "Header without typ.", t, Options::new(AO), MALFORMED);

    let mut no_nonce = claims(AO);
    no_nonce.remove("nonce");
    let t = b.jws("taro-sign", &no_nonce)?;
    b.push_jws(
        "jws-missing-nonce",
        "Claims without nonce.",
        t,
        Options::new(AO),
        MALFORMED,
    );

    let mut iat_string = claims(AO);
    iat_string.set("iat", Json::Str((T - 60).to_string()));
    let t = b.jws("taro-sign", &iat_string)?;
    b.push_jws(
        "jws-iat-string",
        "iat is a JSON string, not a number.",
        t,
        Options::new(AO),
        MALFORMED,
    );

    let mut huge = claims(SIGN);
    huge.set(
        "txn",
        Json::obj([
            ("applicationId", Json::str("A-2026-0001")),
            ("padding", Json::Str("x".repeat(70_000))),
        ]),
    );
    let t = b.jws("taro-sign", &huge)?;
    if t.len() <= MAX_ASSERTION_SIZE {
        return Err(Error::Crypto("oversized fixture is not oversized".to_string()));
    }
    b.push_jws(
        "jws-oversized",
        &format!(
            "Correctly signed assertion of {} bytes (a 70,000-character txn field); the limit is 65,536.",
            t.len()
        ),
        t,
        Options::new(SIGN),
        Some("JPKI_INPUT_TOO_LARGE"),
    );
    Ok(())
}

fn cms_cases(b: &mut Builder<'_>) -> Result<(), Error> {
    let m = b.m;
    let taro = m.cert("taro-sign")?;
    let taro_key = m.key("taro-sign")?;
    let content = claims(AO).compact().into_bytes();
    let attached = cms_spec(&content, taro, &taro_key).encode()?;

    b.push_cms(
        "cms-attached-taro",
        "Attached id-data content (the claims JSON), SignerInfo v1 with issuerAndSerialNumber, signed by taro-sign.",
        attached.clone(),
        None,
        Options::new(AO),
        VALID,
    );

    let detached = CmsSpec {
        detached: true,
        ..cms_spec(&content, taro, &taro_key)
    }
    .encode()?;
    b.push_cms(
        "cms-detached-taro",
        "Detached signature; the claims JSON is in cms-detached-taro.content.json.",
        detached.clone(),
        Some(content.clone()),
        Options::new(AO),
        VALID,
    );

    let ski = Sha1::digest(subject_public_key(tbs_fields(taro)?.spki)?).to_vec();
    let t = CmsSpec {
        sid: Sid::SubjectKeyIdentifier(ski),
        ..cms_spec(&content, taro, &taro_key)
    }
    .encode()?;
    b.push_cms(
        "cms-ski-signer",
        "SignedData v3 with a SignerInfo v3 naming the signer by subjectKeyIdentifier.",
        t,
        None,
        Options::new(AO),
        VALID,
    );

    let early = CmsSpec {
        signing_time: EARLY_SIGNING_TIME,
        ..cms_spec(&content, taro, &taro_key)
    }
    .encode()?;
    b.push_cms("cms-signing-time-before-cert", "signingTime 2025-01-01T00:00:00Z, before the leaf's notBefore; validity is checked at the verification time by default, so valid.", early.clone(), None, Options::new(AO), VALID);
    b.push_cms(
        "cms-signing-time-before-cert-strict",
        "Same file as cms-signing-time-before-cert, verified with cmsValidityAt signingTime.",
        early,
        None,
        Options::new(AO).validity_at_signing_time(),
        Some("JPKI_CERT_NOT_YET_VALID"),
    );
    b.push_cms(
        "cms-validity-at-signing-time",
        "Same as cms-attached-taro, verified with cmsValidityAt signingTime (T-60, inside the validity).",
        attached.clone(),
        None,
        Options::new(AO).validity_at_signing_time(),
        VALID,
    );

    for (name, stem, purpose, expect, description) in [
        (
            "cms-sign-hanako",
            "hanako-sign",
            SIGN,
            VALID,
            "Attached, purpose sign, signed by hanako-sign.",
        ),
        (
            "cms-login-taro",
            "taro-auth",
            LOGIN,
            VALID,
            "Attached, purpose login, signed by taro-auth.",
        ),
        (
            "cms-auth-cert-for-account-opening",
            "taro-auth",
            AO,
            WRONG_CERTIFICATE_KIND,
            "account-opening signed by the authentication certificate.",
        ),
        (
            "cms-cert-expired",
            "expired-sign",
            AO,
            Some("JPKI_CERT_EXPIRED"),
            "Signed by the expired persona's signature certificate.",
        ),
    ] {
        let c = claims(purpose).compact().into_bytes();
        let key = m.key(stem)?;
        let der = cms_spec(&c, m.cert(stem)?, &key).encode()?;
        b.push_cms(name, description, der, None, Options::new(purpose), expect);
    }

    let mut extended = claims(AO);
    extended.set("exp", Json::Int(T + 86_400));
    let extended = extended.compact().into_bytes();
    let t = CmsSpec {
        digested: Some(&content),
        ..cms_spec(&extended, taro, &taro_key)
    }
    .encode()?;
    b.push_cms(
        "cms-tampered-content",
        "eContent replaced after signing (exp extended by a day): messageDigest no longer matches.",
        t,
        None,
        Options::new(AO),
        SIGNATURE_INVALID,
    );
    b.push_cms(
        "cms-detached-wrong-content",
        "Detached signature over the standard claims, supplied with content whose exp was extended.",
        detached.clone(),
        Some(extended.clone()),
        Options::new(AO),
        SIGNATURE_INVALID,
    );

    let t = CmsSpec {
        corrupt_signature: true,
        ..cms_spec(&content, taro, &taro_key)
    }
    .encode()?;
    b.push_cms(
        "cms-tampered-signature",
        "One bit of the SignerInfo signature flipped.",
        t,
        None,
        Options::new(AO),
        SIGNATURE_INVALID,
    );

    let other_nonce = base64url(&Sha256::digest(b"jpki-verify fixture other nonce"));
    b.push_cms(
        "cms-wrong-nonce",
        "Same as cms-attached-taro, verified with another nonce.",
        attached.clone(),
        None,
        Options::new(AO).nonce(other_nonce),
        Some("JPKI_NONCE_MISMATCH"),
    );
    b.push_cms(
        "cms-test-anchor-refused",
        "Same as cms-attached-taro, verified with trust jlis.",
        attached.clone(),
        None,
        Options::new(AO).trust_jlis(),
        Some("JPKI_TEST_ANCHOR_REFUSED"),
    );
    b.push_cms(
        "cms-revocation-default",
        "Same as cms-attached-taro, verified without revocationUnchecked.",
        attached.clone(),
        None,
        Options::new(AO).revocation(None),
        REVOCATION_UNCHECKED,
    );

    let expired_claims = claims_at(AO, T - 420, T - 120).compact().into_bytes();
    let t = cms_spec(&expired_claims, taro, &taro_key).encode()?;
    b.push_cms(
        "cms-expired",
        "Claims with exp = T-120.",
        t,
        None,
        Options::new(AO),
        Some("JPKI_ASSERTION_EXPIRED"),
    );

    let t = CmsSpec {
        certificates: Vec::new(),
        ..cms_spec(&content, taro, &taro_key)
    }
    .encode()?;
    b.push_cms(
        "cms-no-signer-cert",
        "certificates field absent.",
        t,
        None,
        Options::new(AO),
        MALFORMED,
    );

    let hanako = m.cert("hanako-sign")?;
    let t = CmsSpec {
        certificates: vec![hanako],
        ..cms_spec(&content, taro, &taro_key)
    }
    .encode()?;
    b.push_cms(
        "cms-signer-cert-mismatch",
        "Signed by taro-sign (sid = taro's issuer and serial) but certificates holds only hanako-sign.",
        t,
        None,
        Options::new(AO),
        MALFORMED,
    );

    let half = attached.get(..attached.len() / 2).unwrap_or(&attached).to_vec();
    b.push_cms(
        "cms-truncated",
        "First half of cms-attached-taro.p7s.",
        half,
        None,
        Options::new(AO),
        MALFORMED,
    );

    b.push_cms(
        "cms-detached-missing-content",
        "Detached signature (same bytes as cms-detached-taro.p7s) without detachedContent.",
        detached,
        None,
        Options::new(AO),
        MALFORMED,
    );

    let t = CmsSpec {
        signed_attrs: false,
        ..cms_spec(&content, taro, &taro_key)
    }
    .encode()?;
    b.push_cms(
        "cms-no-signed-attrs",
        "SignerInfo without signedAttrs (signature directly over the content).",
        t,
        None,
        Options::new(AO),
        MALFORMED,
    );

    let t = CmsSpec {
        content_type_attr: ID_CT_TST_INFO,
        ..cms_spec(&content, taro, &taro_key)
    }
    .encode()?;
    b.push_cms(
        "cms-content-type-mismatch",
        "contentType attribute id-ct-TSTInfo while eContentType is id-data.",
        t,
        None,
        Options::new(AO),
        MALFORMED,
    );

    // The algorithm rules (review-security test honesty 3 and L13), one defect each.
    const SHA1: &[u64] = &[1, 3, 14, 3, 2, 26];
    const SHA256: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 1];
    const SHA384_WITH_RSA: &[u64] = &[1, 2, 840, 113_549, 1, 1, 12];
    let empty_octets = crate::der::octet_string(&[]);
    let variants: [(&str, &str, CmsSpec<'_>, Option<&str>); 5] = [
        (
            "cms-sha1-digest",
            "digestAlgorithm SHA-1 (in digestAlgorithms and the SignerInfo): refused without allowLegacyAlgorithms.",
            CmsSpec {
                digest_algorithm: Some(algorithm(SHA1, None)?),
                ..cms_spec(&content, taro, &taro_key)
            },
            ALGORITHM_NOT_ALLOWED,
        ),
        (
            "cms-two-signer-infos",
            "signerInfos holds the same SignerInfo twice: exactly one is supported.",
            CmsSpec {
                signer_infos: 2,
                ..cms_spec(&content, taro, &taro_key)
            },
            MALFORMED,
        ),
        (
            "cms-signature-digest-disagree",
            "signatureAlgorithm sha384WithRSAEncryption while digestAlgorithm is SHA-256.",
            CmsSpec {
                signature_algorithm: Some(algorithm(SHA384_WITH_RSA, Some(&crate::der::null()))?),
                ..cms_spec(&content, taro, &taro_key)
            },
            MALFORMED,
        ),
        (
            "cms-rsa-encryption-parameters",
            "rsaEncryption with an OCTET STRING as parameters (RFC 3370 §3.2: NULL or absent).",
            CmsSpec {
                signature_algorithm: Some(algorithm(crate::oids::RSA_ENCRYPTION, Some(&empty_octets))?),
                ..cms_spec(&content, taro, &taro_key)
            },
            MALFORMED,
        ),
        (
            "cms-digest-parameters",
            "digestAlgorithm SHA-256 with an OCTET STRING as parameters (RFC 5754 §2: absent or NULL).",
            CmsSpec {
                digest_algorithm: Some(algorithm(SHA256, Some(&empty_octets))?),
                ..cms_spec(&content, taro, &taro_key)
            },
            MALFORMED,
        ),
    ];
    for (name, description, spec, expect) in variants {
        b.push_cms(name, description, spec.encode()?, None, Options::new(AO), expect);
    }
    Ok(())
}

/// `(name, signer stem, purpose, description, options, expected code, revocation input)`.
type RevocationCase = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Options,
    Option<&'static str>,
    RevocationInput,
);

/// Revocation: the verdict's slot from the test CAs' CRLs (copied into this folder) and from a
/// platform operator's answer. The CRLs' window (thisUpdate 2026-05-31T15:00Z, nextUpdate a day
/// later) contains the validation time; the stale CRL's does not.
fn jws_revocation(b: &mut Builder<'_>) -> Result<Vec<GeneratedFile>, Error> {
    let crls = crate::crl::fixture_crls()?;
    let copy = |name: &str, as_name: &str| {
        crls.iter()
            .find(|f| f.name == name)
            .map(|f| GeneratedFile {
                name: as_name.to_string(),
                bytes: f.bytes.clone(),
            })
            .ok_or_else(|| Error::Crypto(format!("no {name}")))
    };
    let files = vec![
        copy("sign-ca.crl", "crl-sign-ca.crl")?,
        copy("sign-ca-stale.crl", "crl-sign-ca-stale.crl")?,
        copy("auth-ca.crl", "crl-auth-ca.crl")?,
    ];
    let strict = |purpose| Options::new(purpose).revocation(None);
    let cases: [RevocationCase; 8] = [
        (
            "jws-crl-good-taro",
            "taro-sign",
            AO,
            "Account opening with the signature CA's current CRL: taro is not on it → good; unchecked revocation would be an error.",
            strict(AO),
            VALID,
            RevocationInput { crls: vec!["crl-sign-ca.crl"], external: None, about_sha256: String::new(), expect: ("good", None) },
        ),
        (
            "jws-crl-revoked-moved",
            "moved-sign",
            AO,
            "moved's signature certificate is on the CRL with affiliationChanged (the 4 basic information changed).",
            strict(AO),
            REVOKED,
            RevocationInput { crls: vec!["crl-sign-ca.crl"], external: None, about_sha256: String::new(), expect: ("revoked", Some("affiliationChanged")) },
        ),
        (
            "jws-crl-revoked-lost",
            "lost-sign",
            SIGN,
            "lost's signature certificate is on the CRL with keyCompromise; revoked is an error even where unchecked would be a warning.",
            Options::new(SIGN),
            REVOKED,
            RevocationInput { crls: vec!["crl-sign-ca.crl"], external: None, about_sha256: String::new(), expect: ("revoked", Some("keyCompromise")) },
        ),
        (
            "jws-crl-stale",
            "taro-sign",
            AO,
            "Only a month-old CRL: stale, so revocation is unchecked (an error for account opening).",
            strict(AO),
            REVOCATION_UNCHECKED,
            RevocationInput { crls: vec!["crl-sign-ca-stale.crl"], external: None, about_sha256: String::new(), expect: ("unchecked", None) },
        ),
        (
            "jws-crl-login-lost",
            "lost-auth",
            LOGIN,
            "Login by lost's authentication certificate with both CAs' CRLs: the authentication CA's lists it (keyCompromise).",
            Options::new(LOGIN),
            REVOKED,
            RevocationInput {
                crls: vec!["crl-sign-ca.crl", "crl-auth-ca.crl"],
                external: None,
                about_sha256: String::new(),
                expect: ("revoked", Some("keyCompromise")),
            },
        ),
        (
            "jws-operator-good-taro",
            "taro-sign",
            AO,
            "A platform operator's fresh answer (good) fills the slot.",
            strict(AO),
            VALID,
            RevocationInput { crls: vec![], external: Some(("good", None, "example-pf", T - 120)), about_sha256: String::new(), expect: ("good", None) },
        ),
        (
            "jws-operator-revoked-taro",
            "taro-sign",
            AO,
            "A platform operator's fresh answer says revoked (affiliationChanged).",
            strict(AO),
            REVOKED,
            RevocationInput {
                crls: vec![],
                external: Some(("revoked", Some("affiliationChanged"), "example-pf", T - 120)),
                about_sha256: String::new(),
                expect: ("revoked", Some("affiliationChanged")),
            },
        ),
        (
            "jws-operator-answer-about-another-certificate",
            "taro-sign",
            AO,
            "A platform operator's fresh good answer about hanako's certificate, given for taro's: refused (review-security M2), so revocation is unchecked.",
            strict(AO),
            REVOCATION_UNCHECKED,
            RevocationInput {
                crls: vec![],
                external: Some(("good", None, "example-pf", T - 120)),
                about_sha256: "hanako-sign".to_owned(),
                expect: ("unchecked", None),
            },
        ),
    ];
    for (name, stem, purpose, description, options, expect, mut revocation) in cases {
        // The answer is about the case's leaf, or about the persona certificate named instead.
        let about = if revocation.about_sha256.is_empty() {
            stem
        } else {
            revocation.about_sha256.as_str()
        };
        revocation.about_sha256 = hex_lower(&Sha256::digest(b.m.cert(about)?));
        let token = b.jws(stem, &claims(purpose))?;
        b.push_jws(name, description, token, options, expect);
        if let Some(case) = b.cases.last_mut() {
            case.revocation = Some(revocation);
        }
    }
    Ok(files)
}
