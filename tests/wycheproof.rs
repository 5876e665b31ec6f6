//! Project Wycheproof (C2SP) signature vectors against the RustCrypto provider.
//!
//! Run with `cargo test --test wycheproof -- --nocapture` to see the per-file lines and the
//! total `N passed, N failed, N skipped`. The vectors live in `../shared/vectors/wycheproof/`
//! (data only, never edited); deliberate differences are listed, with reasons, in
//! `tests/wycheproof/exceptions.json`; `tests/wycheproof/README.md` explains the policy.
//!
//! The core (`run_file`, the exception bookkeeping, the report) knows nothing about signatures:
//! a vector file is run by one function `fn(&Group, &Case) -> Answer` listed in [`FILES`], so
//! adding another Wycheproof file (e.g. `json_web_signature_test.json`) is one function and one
//! row in that table.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use jpki_verify::crypto::{CryptoProvider, RustCrypto, SignatureAlgorithm, SignatureCheck};
use serde::Deserialize;
use serde_json::{Map, Value};

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
    #[allow(dead_code)] // for runners that read a string field of the group (the JWS keys)
    fn str(&self, name: &str) -> &str {
        str_field(&self.fields, name, &"test group")
    }

    fn hex(&self, name: &str) -> Vec<u8> {
        hex(str_field(&self.fields, name, &"test group"))
    }
}

impl Case {
    #[allow(dead_code)] // for runners that read a string field of the case (`jws`)
    fn str(&self, name: &str) -> &str {
        str_field(&self.fields, name, &format_args!("tcId {}", self.tc_id))
    }

    fn hex(&self, name: &str) -> Vec<u8> {
        hex(str_field(&self.fields, name, &format_args!("tcId {}", self.tc_id)))
    }
}

fn hex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd-length hex string");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
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
