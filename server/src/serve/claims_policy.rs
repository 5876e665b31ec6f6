//! Data minimisation: the relying party's policy of which claims an account record keeps
//! (`serve --keep`). A bank opening accounts under 犯収法 must keep the 確認記録 — name, date of
//! birth, address and the signed evidence — which is the default; a service that only needs to
//! know "over 18" or the prefecture keeps only that, derived by the core at the verification
//! time (`Identity::age_over`, `Identity::prefecture`), and never stores the rest.
//!
//! | claim | stored as |
//! |---|---|
//! | `name`, `dateOfBirth`, `sex`, `address` | the record's columns (with the substitution flags) |
//! | `evidence` | the signed assertion (which holds the certificate, and so all four) |
//! | `ageOver18`, `ageOver20`, … `ageOverN` | `kept.ageOver["N"]`: `true`, `false` or `null` (a partial date of birth that cannot decide) |
//! | `prefecture` | `kept.prefecture`: one of the 47, or `null` (an address that starts with none) |
//!
//! A claim the policy does not list is stored as `''` (its flags as `'[]'`); `kept.claims`
//! lists what was kept, and the person's audit view shows it.

use jpki_verify::Identity;
use serde_json::{json, Map, Value};

/// One claim a record can keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Claim {
    Name,
    DateOfBirth,
    Sex,
    Address,
    Evidence,
    Prefecture,
    /// At least N years old at the verification time.
    AgeOver(u32),
}

impl Claim {
    fn parse(s: &str) -> Option<Claim> {
        Some(match s {
            "name" => Claim::Name,
            "dateOfBirth" => Claim::DateOfBirth,
            "sex" => Claim::Sex,
            "address" => Claim::Address,
            "evidence" => Claim::Evidence,
            "prefecture" => Claim::Prefecture,
            _ => {
                let n: u32 = s.strip_prefix("ageOver")?.parse().ok()?;
                // ageOver0 says nothing; beyond 150 nobody is.
                if !(1..=150).contains(&n) {
                    return None;
                }
                Claim::AgeOver(n)
            }
        })
    }

    fn name(self) -> String {
        match self {
            Claim::Name => "name".to_owned(),
            Claim::DateOfBirth => "dateOfBirth".to_owned(),
            Claim::Sex => "sex".to_owned(),
            Claim::Address => "address".to_owned(),
            Claim::Evidence => "evidence".to_owned(),
            Claim::Prefecture => "prefecture".to_owned(),
            Claim::AgeOver(n) => format!("ageOver{n}"),
        }
    }
}

/// Which claims records keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ClaimsPolicy {
    claims: Vec<Claim>,
}

/// The default: the 確認記録 a bank must keep for an account opened with the signature
/// certificate (犯罪収益移転防止法施行規則 第20条: name, address, date of birth, and the
/// certificate and signed data it was verified from).
pub(crate) const LEGAL_RECORD: &str = "name,dateOfBirth,sex,address,evidence";

/// What a record keeps of one verified identity.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Kept {
    pub(crate) name: String,
    pub(crate) name_substituted: String,
    pub(crate) date_of_birth: String,
    pub(crate) sex: String,
    pub(crate) address: String,
    pub(crate) address_substituted: String,
    pub(crate) evidence: bool,
    /// The `kept` column: `{"claims": [...], "ageOver": {...}, "prefecture": ...}`.
    pub(crate) summary: String,
}

impl ClaimsPolicy {
    /// Parses a comma-separated list of claims (`name,dateOfBirth,ageOver18,prefecture`).
    pub(crate) fn parse(list: &str) -> Result<ClaimsPolicy, String> {
        let mut claims = Vec::new();
        for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let claim = Claim::parse(part).ok_or_else(|| {
                format!(
                    "--keep: unknown claim {part:?} (name, dateOfBirth, sex, address, evidence, prefecture, ageOverN with N 1-150)"
                )
            })?;
            if !claims.contains(&claim) {
                claims.push(claim);
            }
        }
        if claims.is_empty() {
            return Err("--keep: name at least one claim".to_owned());
        }
        Ok(ClaimsPolicy { claims })
    }

    /// The claim names, in the policy's order.
    pub(crate) fn names(&self) -> Vec<String> {
        self.claims.iter().map(|c| c.name()).collect()
    }

    /// What a record keeps of `identity`, verified at Unix time `at`.
    pub(crate) fn apply(&self, identity: &Identity, at: i64) -> Kept {
        let json = |v: &dyn erased::Ser| v.json();
        let mut kept = Kept {
            name_substituted: "[]".to_owned(),
            address_substituted: "[]".to_owned(),
            ..Kept::default()
        };
        let mut summary = Map::new();
        summary.insert("claims".to_owned(), json!(self.names()));
        let mut ages = Map::new();
        for claim in &self.claims {
            match *claim {
                Claim::Name => {
                    kept.name = identity.name.clone();
                    kept.name_substituted = json(&identity.name_substituted);
                }
                Claim::DateOfBirth => kept.date_of_birth = json(&identity.date_of_birth),
                Claim::Sex => kept.sex = json(&identity.sex).trim_matches('"').to_owned(),
                Claim::Address => {
                    kept.address = identity.address.clone();
                    kept.address_substituted = json(&identity.address_substituted);
                }
                Claim::Evidence => kept.evidence = true,
                Claim::Prefecture => {
                    summary.insert("prefecture".to_owned(), json!(identity.prefecture()));
                }
                Claim::AgeOver(n) => {
                    ages.insert(n.to_string(), json!(identity.age_over(n, at)));
                }
            }
        }
        if !ages.is_empty() {
            summary.insert("ageOver".to_owned(), Value::Object(ages));
        }
        kept.summary = Value::Object(summary).to_string();
        kept
    }
}

impl Default for ClaimsPolicy {
    fn default() -> ClaimsPolicy {
        ClaimsPolicy {
            claims: vec![
                Claim::Name,
                Claim::DateOfBirth,
                Claim::Sex,
                Claim::Address,
                Claim::Evidence,
            ],
        }
    }
}

/// Serializes any `Serialize` value to a JSON string (object-safe for the closure above).
mod erased {
    pub(super) trait Ser {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Ser for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(der_name: &str) -> Identity {
        let path = format!("{}/../tests/fixtures/testpki/{der_name}", env!("CARGO_MANIFEST_DIR"));
        jpki_verify::parse_certificate(&std::fs::read(path).unwrap())
            .unwrap()
            .identity
            .unwrap()
    }

    #[test]
    fn parse_and_default() {
        assert_eq!(ClaimsPolicy::parse(LEGAL_RECORD).unwrap(), ClaimsPolicy::default());
        let p = ClaimsPolicy::parse("ageOver18, prefecture,ageOver18").unwrap();
        assert_eq!(p.names(), ["ageOver18", "prefecture"]);
        for bad in ["", "ageOver0", "ageOver151", "ageOverX", "mynumber", "name,,birth"] {
            assert!(ClaimsPolicy::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_what_the_policy_lists_is_kept() {
        // taro: 昭和60年4月12日, 東京都.
        let taro = identity("taro-sign.der");
        let at = 1_780_272_000; // 2026-06-01
        let k = ClaimsPolicy::parse("ageOver18,ageOver65,prefecture")
            .unwrap()
            .apply(&taro, at);
        assert_eq!(
            (
                k.name.as_str(),
                k.date_of_birth.as_str(),
                k.sex.as_str(),
                k.address.as_str()
            ),
            ("", "", "", "")
        );
        assert!(!k.evidence);
        let summary: Value = serde_json::from_str(&k.summary).unwrap();
        assert_eq!(
            summary,
            json!({ "claims": ["ageOver18", "ageOver65", "prefecture"], "ageOver": { "18": true, "65": false }, "prefecture": "東京都" })
        );
        // fumi: 明治43年, month and day unknown: over 18 is certain, "over 116" is not decidable.
        let fumi = identity("fumi-sign.der");
        let k = ClaimsPolicy::parse("ageOver18,ageOver116").unwrap().apply(&fumi, at);
        let summary: Value = serde_json::from_str(&k.summary).unwrap();
        assert_eq!(summary["ageOver"], json!({ "18": true, "116": null }));
        // The default keeps the legal record.
        let k = ClaimsPolicy::default().apply(&taro, at);
        assert_eq!(k.name, "山田\u{3000}太郎");
        assert!(k.evidence && k.address.starts_with("東京都"));
    }
}
