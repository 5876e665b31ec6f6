//! Project Wycheproof (C2SP) signature vectors against the RustCrypto provider.
//!
//! Run with `cargo test --test wycheproof -- --nocapture` to see the per-file lines and the
//! total `N passed, N failed, N skipped`. The vectors live in `../shared/vectors/wycheproof/`
//! (data only, never edited); deliberate differences are listed, with reasons, in
//! `tests/wycheproof/exceptions.json`; `tests/wycheproof/README.md` explains the policy.
//!
//! The core (`run_file`, the exception bookkeeping, the report) knows nothing about signatures:
//! a vector file is run by one function `fn(&Group, &Case) -> Answer` listed in [`FILES`], so
//! adding another Wycheproof file is one function and one row in that table.
//!
//! Six files are raw signature checks (`publicKeyDer`, `msg`, `sig`). The seventh,
//! `json_web_signature_test.json`, runs the JWS/JWA layer: `CompactJws::parse` (strict
//! base64url, no duplicate header names, no `crit`, compact serialisation only), the RS256/ES256
//! allow-list, then the provider over the signing input with a key built from the group's JWK
//! (see [`jws_compact`]).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use jpki_verify::assertion::jws::CompactJws;
use jpki_verify::crypto::{CryptoProvider, RustCrypto, SignatureAlgorithm, SignatureCheck};
use serde::Deserialize;
use serde_json::{Map, Value};

mod common;
use common::bytes::{base64url, from_hex};

// ---------------------------------------------------------------------------------------------
// The files, and how each one is run.
// ---------------------------------------------------------------------------------------------

/// What the code under test answered for one vector: `Ok` = accepted, `Err(code)` = rejected.
type Answer = Result<(), String>;

/// Runs one test case of a group.
type Runner = fn(&Group, &Case) -> Answer;

/// One vector file: its name in the vector folder, the upstream `schema` it must declare (so a
/// file is never run by the wrong runner), and its runner.
struct VectorFile {
    name: &'static str,
    schema: &'static str,
    run: Runner,
}

/// Every file the harness runs. To add one: write its runner, add a row.
const FILES: &[VectorFile] = &[
    VectorFile {
        name: "rsa_signature_2048_sha256_test.json",
        schema: "rsassa_pkcs1_verify_schema_v1.json",
        run: rsa_pkcs1_sha256,
    },
    VectorFile {
        name: "rsa_pss_2048_sha256_mgf1_32_test.json",
        schema: "rsassa_pss_verify_schema_v1.json",
        run: rsa_pss_sha256,
    },
    VectorFile {
        name: "rsa_pss_2048_sha256_mgf1_32_params_test.json",
        schema: "rsassa_pss_with_parameters_verify_schema.json",
        run: rsa_pss_sha256,
    },
    VectorFile {
        name: "rsa_pss_2048_sha256_mgf1_0_test.json",
        schema: "rsassa_pss_verify_schema_v1.json",
        run: rsa_pss_sha256,
    },
    VectorFile {
        name: "ecdsa_secp256r1_sha256_test.json",
        schema: "ecdsa_verify_schema_v1.json",
        run: ecdsa_p256_sha256_der,
    },
    VectorFile {
        name: "ecdsa_secp256r1_sha256_p1363_test.json",
        schema: "ecdsa_p1363_verify_schema_v1.json",
        run: ecdsa_p256_sha256_raw,
    },
    VectorFile {
        name: "json_web_signature_test.json",
        schema: "json_web_signature_schema_v1.json",
        run: jws_compact,
    },
];

fn rsa_pkcs1_sha256(group: &Group, case: &Case) -> Answer {
    signature_case(group, case, SignatureAlgorithm::RsaPkcs1Sha256)
}

fn rsa_pss_sha256(group: &Group, case: &Case) -> Answer {
    signature_case(group, case, SignatureAlgorithm::RsaPssSha256)
}

fn ecdsa_p256_sha256_der(group: &Group, case: &Case) -> Answer {
    signature_case(group, case, SignatureAlgorithm::EcdsaP256Sha256Der)
}

fn ecdsa_p256_sha256_raw(group: &Group, case: &Case) -> Answer {
    signature_case(group, case, SignatureAlgorithm::EcdsaP256Sha256Raw)
}

/// The signature schemas share one shape: the group's `publicKeyDer` (SPKI), the case's `msg`
/// and `sig` (hex). The key is deliberately rebuilt from the SPKI for every case, so the
/// provider's SPKI parser is exercised exactly as in production.
fn signature_case(group: &Group, case: &Case, algorithm: SignatureAlgorithm) -> Answer {
    let check = SignatureCheck::new(algorithm, group.hex("publicKeyDer"), case.hex("msg"), case.hex("sig"));
    RustCrypto.verify(&check).map_err(|e| e.code().to_owned())
}

// ---------------------------------------------------------------------------------------------
// json_web_signature_test.json: the JWS/JWA layer.
// ---------------------------------------------------------------------------------------------

/// One JWS vector, as the SDK's assertion path handles a JWS minus the JPKI-specific header
/// rules (`typ` = `jpki-assertion+jwt` and `x5c` are *not* required here: Wycheproof's tokens
/// have neither, and this file tests the JWS/JWA layer):
///
/// 1. `CompactJws::parse`: exactly three parts, strict base64url (no padding, no other
///    characters, canonical trailing bits), header a JSON object without duplicate names,
///    `alg` a string, no `crit`. The JSON-serialised token is refused here.
/// 2. The SDK's algorithm allow-list ([`jws_algorithm`]): RS256 and ES256 only.
/// 3. The key: the group's `public` JWK, imported by [`jwk_spki`] (the SDK has no JWK import;
///    in production the key comes from the `x5c` certificate). HMAC groups have no public key
///    and are refused at step 2 anyway.
/// 4. `RustCrypto.verify` over the ASCII signing input `header.payload`; the provider refuses a
///    key whose type does not match the algorithm (RS256 needs RSA, ES256 a P-256 key).
fn jws_compact(group: &Group, case: &Case) -> Answer {
    let jws = CompactJws::parse(case.str("jws")).map_err(|e| e.code().to_owned())?;
    let algorithm = jws_algorithm(&jws.alg)?;
    let jwk = group
        .object("public")
        .ok_or_else(|| "harness JWK missing: the group has no public key".to_owned())?;
    let spki = jwk_spki(jwk, &jws.alg)?;
    let check = SignatureCheck::new(algorithm, spki, jws.signing_input.into_bytes(), jws.signature);
    RustCrypto.verify(&check).map_err(|e| e.code().to_owned())
}

/// The JWS algorithm allow-list. `jpki_verify::assertion::jws_algorithm` is `pub(crate)`, so
/// this replicates it (same mapping, same error codes); switch to the SDK function once it is
/// public.
fn jws_algorithm(alg: &str) -> Result<SignatureAlgorithm, String> {
    match alg {
        "RS256" => Ok(SignatureAlgorithm::RsaPkcs1Sha256),
        "ES256" => Ok(SignatureAlgorithm::EcdsaP256Sha256Raw),
        "none" | "HS256" | "HS384" | "HS512" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" | "ES384" | "ES512"
        | "ES256K" | "EdDSA" | "Ed25519" | "Ed448" => Err("JPKI_ALGORITHM_NOT_ALLOWED".to_owned()),
        _ => Err("JPKI_UNSUPPORTED_ALGORITHM".to_owned()),
    }
}

/// Imports a public JWK (RFC 7517, RFC 7518 §6) as a DER SubjectPublicKeyInfo, honouring the
/// JWK's own restrictions, which is what a JOSE library's key import does and what Wycheproof
/// expects (`rsa_encryption`, `ec_key_for_encryption` and `WrongPrimitive` vectors):
///
/// * `use`, if present, must be `"sig"` (RFC 7517 §4.2);
/// * `key_ops`, if present, must contain `"verify"` (RFC 7517 §4.3);
/// * `alg`, if present, must be the header's `alg` (RFC 7517 §4.4: the key is for that
///   algorithm only);
/// * `kty` `RSA` → rsaEncryption SPKI from `n`, `e`; `kty` `EC` with `crv` `P-256` →
///   id-ecPublicKey/prime256v1 SPKI with the uncompressed point `04 ‖ x ‖ y` (`x`, `y` exactly
///   32 bytes, RFC 7518 §6.2.1.2). Anything else is refused.
///
/// The key type is *not* matched against the algorithm here: the SDK's provider does that.
fn jwk_spki(jwk: &Map<String, Value>, header_alg: &str) -> Result<Vec<u8>, String> {
    let member = |name: &str| jwk.get(name).and_then(Value::as_str);
    let b64 = |name: &str| -> Result<Vec<u8>, String> {
        let s = member(name).ok_or_else(|| format!("harness JWK encoding: no string `{name}`"))?;
        base64url(s).ok_or_else(|| format!("harness JWK encoding: `{name}` is not strict base64url"))
    };
    if let Some(u) = jwk.get("use") {
        if u != "sig" {
            return Err(format!("harness JWK use: {u} is not \"sig\""));
        }
    }
    if let Some(ops) = jwk.get("key_ops") {
        let verify = Value::from("verify");
        if !ops.as_array().is_some_and(|ops| ops.contains(&verify)) {
            return Err(format!("harness JWK key_ops: {ops} lacks \"verify\""));
        }
    }
    if let Some(alg) = jwk.get("alg") {
        if alg != header_alg {
            return Err(format!("harness JWK alg: {alg} is not the header alg {header_alg:?}"));
        }
    }
    match (member("kty"), member("crv")) {
        (Some("RSA"), _) => Ok(rsa_spki(&b64("n")?, &b64("e")?)),
        (Some("EC"), Some("P-256")) => {
            let (x, y) = (b64("x")?, b64("y")?);
            if x.len() != 32 || y.len() != 32 {
                return Err("harness JWK encoding: P-256 x/y are not 32 bytes".to_owned());
            }
            Ok(p256_spki(&[&[0x04][..], &x, &y].concat()))
        }
        (kty, crv) => Err(format!(
            "harness JWK kty: {kty:?} crv {crv:?} is not an RSA or P-256 key"
        )),
    }
}

/// DER TLV with a definite, minimal length.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len.to_be_bytes().into_iter().skip_while(|&b| b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(content);
    out
}

/// DER INTEGER of an unsigned big-endian magnitude (minimal, `00` prefix when the top bit is set).
fn der_uint(magnitude: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = magnitude.iter().copied().skip_while(|&b| b == 0).collect();
    let mut content = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(&trimmed);
    der(0x02, &content)
}

/// `SubjectPublicKeyInfo { AlgorithmIdentifier, BIT STRING (0 unused bits) key }`.
fn spki(algorithm_identifier_content: &[u8], key: &[u8]) -> Vec<u8> {
    let algorithm = der(0x30, algorithm_identifier_content);
    let bits = der(0x03, &[&[0u8][..], key].concat());
    der(0x30, &[algorithm, bits].concat())
}

/// rsaEncryption (1.2.840.113549.1.1.1, NULL parameters) with `RSAPublicKey { n, e }`.
fn rsa_spki(n: &[u8], e: &[u8]) -> Vec<u8> {
    const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    let algorithm = [der(0x06, RSA_ENCRYPTION), der(0x05, &[])].concat();
    let key = der(0x30, &[der_uint(n), der_uint(e)].concat());
    spki(&algorithm, &key)
}

/// id-ecPublicKey (1.2.840.10045.2.1) with namedCurve prime256v1 (1.2.840.10045.3.1.7).
fn p256_spki(point: &[u8]) -> Vec<u8> {
    const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    const PRIME256V1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    let algorithm = [der(0x06, EC_PUBLIC_KEY), der(0x06, PRIME256V1)].concat();
    spki(&algorithm, point)
}

// ---------------------------------------------------------------------------------------------
// Wycheproof file model (unknown fields are kept in `fields`, never rejected).
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct File {
    schema: String,
    #[serde(rename = "numberOfTests")]
    number_of_tests: usize,
    #[serde(rename = "testGroups")]
    test_groups: Vec<Group>,
}

/// A test group: shared parameters (key, hash, …) in `fields`, and its cases.
#[derive(Deserialize)]
struct Group {
    tests: Vec<Case>,
    #[serde(flatten)]
    fields: Map<String, Value>,
}

/// One test case: the common fields, and the schema-specific ones (`msg`, `sig`, `jws`, …).
#[derive(Deserialize)]
struct Case {
    #[serde(rename = "tcId")]
    tc_id: u64,
    comment: String,
    flags: Vec<String>,
    result: Expected,
    #[serde(flatten)]
    fields: Map<String, Value>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Expected {
    Valid,
    Invalid,
    Acceptable,
}

fn str_field<'a>(fields: &'a Map<String, Value>, name: &str, whose: &dyn fmt::Display) -> &'a str {
    fields
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{whose}: missing string field `{name}`"))
}

impl Group {
    /// An optional JSON-object field (the JWS file's `public` JWK; absent for HMAC groups).
    fn object(&self, name: &str) -> Option<&Map<String, Value>> {
        self.fields.get(name).and_then(Value::as_object)
    }

    fn hex(&self, name: &str) -> Vec<u8> {
        from_hex(str_field(&self.fields, name, &"test group"))
    }
}

impl Case {
    fn str(&self, name: &str) -> &str {
        str_field(&self.fields, name, &format_args!("tcId {}", self.tc_id))
    }

    fn hex(&self, name: &str) -> Vec<u8> {
        from_hex(str_field(&self.fields, name, &format_args!("tcId {}", self.tc_id)))
    }
}

// ---------------------------------------------------------------------------------------------
// Exceptions.
// ---------------------------------------------------------------------------------------------

/// One reviewed, deliberate difference from Wycheproof's expected result.
///
/// Every selector that is present must match (`file` always; then any of `tcId`, `group`
/// (0-based index in `testGroups`), `flag`). Rules:
/// * A *valid* vector that we reject may be excused by any exception (typically a policy skip
///   of a whole group or flag).
/// * An *invalid* vector that we accept may only be excused by an exception naming its `tcId`:
///   accepting an invalid signature is a forgery unless a human has looked at that one vector.
/// * An exception that excuses nothing is stale and fails the run.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Exception {
    file: String,
    #[serde(rename = "tcId")]
    tc_id: Option<u64>,
    group: Option<usize>,
    flag: Option<String>,
    reason: String,
    #[serde(skip)]
    used: usize,
}

impl Exception {
    fn matches(&self, file: &str, group: usize, case: &Case) -> bool {
        self.file == file
            && self.tc_id.is_none_or(|id| id == case.tc_id)
            && self.group.is_none_or(|g| g == group)
            && self.flag.as_ref().is_none_or(|f| case.flags.contains(f))
    }

    fn selector(&self) -> String {
        let mut parts = vec![self.file.clone()];
        if let Some(id) = self.tc_id {
            parts.push(format!("tcId {id}"));
        }
        if let Some(g) = self.group {
            parts.push(format!("group {g}"));
        }
        if let Some(f) = &self.flag {
            parts.push(format!("flag {f}"));
        }
        parts.join(", ")
    }
}

fn load_exceptions() -> Vec<Exception> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/wycheproof/exceptions.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let list: Vec<Exception> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for e in &list {
        assert!(
            e.tc_id.is_some() || e.group.is_some() || e.flag.is_some(),
            "exception for {} selects a whole file; name a tcId, group or flag",
            e.file
        );
        assert!(!e.reason.trim().is_empty(), "exception {} has no reason", e.selector());
    }
    list
}

// ---------------------------------------------------------------------------------------------
// The run.
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

fn vector_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors/wycheproof")
}

fn describe(case: &Case) -> String {
    format!("tcId {} ({:?}; flags {:?})", case.tc_id, case.comment, case.flags)
}

/// Runs one file; prints its failures, its acceptable decisions and its per-file line.
fn run_file(file: &VectorFile, exceptions: &mut [Exception]) -> Tally {
    let path = vector_dir().join(file.name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let data: File = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(data.schema, file.schema, "{}: unexpected schema", file.name);
    let cases: usize = data.test_groups.iter().map(|g| g.tests.len()).sum();
    assert_eq!(
        cases, data.number_of_tests,
        "{}: numberOfTests disagrees with the file",
        file.name
    );

    let mut tally = Tally::default();
    let mut acceptable: BTreeMap<&'static str, Vec<u64>> = BTreeMap::new();
    // Why the invalid vectors were rejected: error code (or harness check) → count.
    let mut rejected_by: BTreeMap<String, usize> = BTreeMap::new();
    for (group_index, group) in data.test_groups.iter().enumerate() {
        for case in &group.tests {
            let answer = (file.run)(group, case);
            let mismatch = match (case.result, &answer) {
                (Expected::Valid, Ok(())) | (Expected::Invalid, Err(_)) => None,
                (Expected::Acceptable, _) => {
                    let way = if answer.is_ok() { "accepted" } else { "rejected" };
                    acceptable.entry(way).or_default().push(case.tc_id);
                    None
                }
                (Expected::Valid, Err(code)) => Some(format!("valid vector rejected with {code}")),
                (Expected::Invalid, Ok(())) => Some("INVALID VECTOR ACCEPTED".to_owned()),
            };
            let Some(mismatch) = mismatch else {
                if let (Expected::Invalid, Err(code)) = (case.result, &answer) {
                    let reason = code.split(':').next().unwrap_or(code).to_owned();
                    *rejected_by.entry(reason).or_default() += 1;
                }
                tally.passed += 1;
                continue;
            };
            let accepted_invalid = case.result == Expected::Invalid;
            let excuse = exceptions
                .iter_mut()
                .find(|e| e.matches(file.name, group_index, case) && (!accepted_invalid || e.tc_id.is_some()));
            match excuse {
                Some(e) => {
                    e.used += 1;
                    tally.skipped += 1;
                }
                None => {
                    tally.failed += 1;
                    println!(
                        "  FAILED {} group {group_index} {}: {mismatch}",
                        file.name,
                        describe(case)
                    );
                }
            }
        }
    }
    for (way, ids) in &acceptable {
        println!(
            "  {}: {} acceptable vector(s) {way}: tcId {ids:?}",
            file.name,
            ids.len()
        );
    }
    let reasons: Vec<String> = rejected_by.iter().map(|(r, n)| format!("{r} ×{n}")).collect();
    println!("  {}: invalid vectors rejected by: {}", file.name, reasons.join(", "));
    println!("{}: {tally}", file.name);
    tally
}

#[test]
fn wycheproof_signature_vectors() {
    let mut exceptions = load_exceptions();
    for e in &exceptions {
        assert!(
            FILES.iter().any(|f| f.name == e.file),
            "exception {} names a file the harness does not run",
            e.selector()
        );
    }

    println!("provider: {}", RustCrypto.name());
    let mut total = Tally::default();
    for file in FILES {
        total.add(&run_file(file, &mut exceptions));
    }

    let mut stale = 0;
    for e in &exceptions {
        if e.used == 0 {
            stale += 1;
            println!("  STALE exception ({}): matched no mismatch; remove it", e.selector());
        } else {
            println!(
                "  exception ({}): {} vector(s) skipped: {}",
                e.selector(),
                e.used,
                e.reason
            );
        }
    }
    println!("{total}");

    assert!(total.passed > 0, "no vector ran");
    assert_eq!(total.failed, 0, "Wycheproof mismatches (see the FAILED lines above)");
    assert_eq!(stale, 0, "stale exceptions in tests/wycheproof/exceptions.json");
}

/// The JWK → SPKI builders of the JWS runner, checked against Wycheproof's own DER: every group
/// of these two files that carries both a JWK and `publicKeyDer` must give a byte-identical SPKI.
#[test]
fn jwk_import_matches_wycheproof_spki() {
    let mut compared = 0;
    for (name, jwk_field) in [
        ("rsa_signature_2048_sha256_test.json", "keyJwk"),
        ("ecdsa_secp256r1_sha256_p1363_test.json", "publicKeyJwk"),
    ] {
        let path = vector_dir().join(name);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let data: File = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for (i, group) in data.test_groups.iter().enumerate() {
            // A few ECDSA groups (keys Wycheproof builds by hand) carry no JWK.
            let Some(jwk) = group.object(jwk_field) else { continue };
            let alg = jwk.get("alg").and_then(Value::as_str).unwrap_or("RS256");
            let built = jwk_spki(jwk, alg).unwrap_or_else(|e| panic!("{name} group {i}: {e}"));
            assert_eq!(built, group.hex("publicKeyDer"), "{name} group {i}: SPKI differs");
            compared += 1;
        }
    }
    assert!(compared > 100, "only {compared} keys compared");
    // And the strict base64url decoder refuses what the JWS parser refuses.
    assert_eq!(base64url("AQAB"), Some(vec![1, 0, 1]));
    for bad in ["AQAB=", "AQ+B", "A", "AB", "A/", "AQ A"] {
        assert_eq!(base64url(bad), None, "{bad:?}");
    }
}

/// No JWS vector pairs an allowed `alg` with a key of the other type, so check that rule here:
/// the valid ES256 token (tcId 18) under the file's RSA key, and the valid RS256 token (tcId 33)
/// under its P-256 key, must be refused by the provider for the key type, not just fail to verify.
#[test]
fn jws_alg_must_match_key_type() {
    let path = vector_dir().join("json_web_signature_test.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let data: File = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let token = |id: u64| {
        let case = data
            .test_groups
            .iter()
            .flat_map(|g| &g.tests)
            .find(|c| c.tc_id == id)
            .unwrap();
        CompactJws::parse(case.str("jws")).unwrap()
    };
    let key = |alg: &str| {
        let group = data.test_groups.iter().find(|g| {
            g.object("public")
                .is_some_and(|k| k.get("alg").and_then(Value::as_str) == Some(alg))
        });
        jwk_spki(group.unwrap().object("public").unwrap(), alg).unwrap()
    };
    for (id, other_key) in [(18, "RS256"), (33, "ES256")] {
        let jws = token(id);
        let algorithm = jws_algorithm(&jws.alg).unwrap();
        let check = SignatureCheck::new(algorithm, key(other_key), jws.signing_input.into_bytes(), jws.signature);
        let err = RustCrypto.verify(&check).unwrap_err();
        assert_eq!(
            err.code(),
            "JPKI_UNSUPPORTED_ALGORITHM",
            "tcId {id} with the {other_key} key: {err}"
        );
    }
}
