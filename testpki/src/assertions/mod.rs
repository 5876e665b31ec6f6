//! Signed assertion fixtures: JWS compact (RFC 7515) and CMS `SignedData`
//! (RFC 5652) assertions made with the test PKI's keys, each with the
//! verification options and the result a conforming verifier must return.
//!
//! Everything derives from [`crate::generate`]'s in-memory output plus a
//! few extra keys (named `evil-ca`, `evil-leaf`, `forged-sign-ca`,
//! `forged-leaf`) drawn like every other key of the crate, so the fixtures
//! are byte-identical on every run: RSASSA-PKCS1-v1_5 is deterministic and
//! ECDSA uses RFC 6979 nonces.

mod cases;
mod cms;
mod encode;
mod forged;
mod readme;
mod sign;

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::{Error, GeneratedFile, VALIDATION_TIME_UNIX};
use encode::{base64url, Json};
use sign::SigningKey;

/// The relying party origin every fixture assertion is addressed to (`aud`).
pub const ASSERTION_AUDIENCE: &str = "https://bank.example.jp";

/// The JWS `typ` header value of a JPKI assertion.
pub const ASSERTION_TYP: &str = "jpki-assertion+jwt";

/// The `nonce` of the fixtures: base64url (no padding) of
/// SHA-256("jpki-verify fixture nonce").
pub fn assertion_nonce() -> String {
    base64url(&Sha256::digest(b"jpki-verify fixture nonce"))
}

/// `base64url(header) + "." + base64url(claims)`, the JWS signing input
/// (RFC 7515 §5.1).
fn signing_input(header_json: &str, claims_json: &str) -> String {
    format!(
        "{}.{}",
        base64url(header_json.as_bytes()),
        base64url(claims_json.as_bytes())
    )
}

/// Signs a JWS in compact serialisation: `base64url(header_json) + "." +
/// base64url(claims_json) + "." + base64url(signature)`.
///
/// The key is a PKCS#8 `PrivateKeyInfo` (as in the test PKI's
/// `*.key.der`): an RSA key signs RS256 (RSASSA-PKCS1-v1_5 with SHA-256), a
/// P-256 key ES256 (raw 64-byte `r‖s`, RFC 6979 deterministic nonce). The
/// header is used verbatim — its `alg` is not checked — so callers can
/// build deliberately inconsistent tokens.
pub fn sign_jws(header_json: &str, claims_json: &str, key_pkcs8_der: &[u8]) -> Result<String, Error> {
    let key = SigningKey::from_pkcs8(key_pkcs8_der)?;
    let input = signing_input(header_json, claims_json);
    let signature = key.sign(input.as_bytes())?;
    Ok(format!("{input}.{}", base64url(&signature)))
}

/// The test PKI's files by name, kept in memory.
pub(crate) struct Material {
    files: BTreeMap<String, Vec<u8>>,
}

impl Material {
    fn load() -> Result<Self, Error> {
        Ok(Self {
            files: crate::generate()?.into_iter().map(|f| (f.name, f.bytes)).collect(),
        })
    }

    /// `<stem>.der`.
    pub(crate) fn cert(&self, stem: &str) -> Result<&[u8], Error> {
        self.files
            .get(&format!("{stem}.der"))
            .map(Vec::as_slice)
            .ok_or_else(|| Error::Crypto(format!("test PKI has no {stem}.der")))
    }

    /// `<stem>.key.der`, parsed.
    pub(crate) fn key(&self, stem: &str) -> Result<SigningKey, Error> {
        let der = self
            .files
            .get(&format!("{stem}.key.der"))
            .ok_or_else(|| Error::Crypto(format!("test PKI has no {stem}.key.der")))?;
        SigningKey::from_pkcs8(der)
    }
}

/// Generates the assertion fixtures in memory: one `.jws` or `.p7s` file
/// per case (plus `.content.json` files for detached CMS), the two rogue
/// CA certificates (`evil-ca.der`, `forged-sign-ca.der`), `manifest.json`
/// and `README.md`, sorted by name.
///
/// Deterministic: two calls return byte-identical files.
pub fn generate_assertions() -> Result<Vec<GeneratedFile>, Error> {
    let material = Material::load()?;
    let built = cases::build(&material)?;
    let mut files: Vec<GeneratedFile> = Vec::new();
    for case in &built.cases {
        for file in &case.files {
            if files.iter().any(|f| f.name == file.name) {
                return Err(Error::Crypto(format!("duplicate fixture file {}", file.name)));
            }
            files.push(file.clone());
        }
    }
    files.extend(built.extra_files.iter().cloned());
    files.push(GeneratedFile {
        name: "manifest.json".to_string(),
        bytes: manifest(&built.cases).pretty().into_bytes(),
    });
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let hashes: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.name.clone(), crate::hex(&Sha256::digest(&f.bytes))))
        .collect();
    files.push(GeneratedFile {
        name: "README.md".to_string(),
        bytes: readme::render(&built, &hashes).into_bytes(),
    });
    files.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// Generates the assertion fixtures (see [`generate_assertions`]), creates
/// `dir` if needed and writes every file into it, overwriting files of the
/// same name.
pub fn write_assertions_to(dir: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let files = generate_assertions()?;
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for file in &files {
        let path = dir.join(&file.name);
        std::fs::write(&path, &file.bytes).map_err(|source| Error::Io { path, source })?;
    }
    Ok(files)
}

/// `manifest.json`.
fn manifest(cases: &[cases::Case]) -> Json {
    Json::obj([
        ("version", Json::Int(1)),
        ("validationTime", Json::Int(VALIDATION_TIME_UNIX)),
        ("audience", Json::str(ASSERTION_AUDIENCE)),
        ("nonce", Json::Str(assertion_nonce())),
        ("cases", Json::Arr(cases.iter().map(cases::Case::to_json).collect())),
    ])
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
