//! The JPKI certificate profile: policy OIDs and how a certificate is classified.
//!
//! ```text
//! 1.2.392.200149                 JPKI (J-LIS)
//! 1.2.392.200149.8.5.1           certificate policies
//! 1.2.392.200149.8.5.1.1.20      signature certificate, production      (jpki-cp-sign-class20)
//! 1.2.392.200149.8.5.1.3.30      authentication certificate, production (jpki-cp-auth-class30)
//! 1.2.392.200149.8.5.1.0.20      signature certificate, J-LIS test environment
//! 1.2.392.200149.8.5.1.0.30      authentication certificate, test environment   [inferred]
//! 1.2.392.200149.8.5.1.1.40      smartphone (移動端末設備用) signature certificate [unconfirmed]
//! 1.3.6.1.5.5.7.13.1             this project's test PKI: "the key is on a smartphone"
//!                                (RFC 7229 id-TEST-certPolicyOne; no J-LIS certificate carries it)
//! ```
//!
//! **Smartphone certificates.** J-LIS has not published how a smartphone certificate differs
//! from a card's (issuer, algorithm, policy OIDs: jpki-facts §5.1). Both possibilities are
//! designed for: a policy of its own (the reported `…1.1.40`, which also gives the kind), or the
//! card's policy plus a marker — a further policy OID or an issuer of its own. Parsing applies
//! the default [`SmartphoneProfile`]; a relying party that learns the real values configures
//! them ([`SmartphoneProfile::token_of`]). The card's token label (EF `0006`) is the other
//! evidence; [`TokenBasis`] says which one the model's `token` rests on.
//!
//! Sources and confidence: docs/jpki-facts.md §2.3. The production OIDs are confirmed
//! (kjur/jsrsasign-oid-jpki citing the J-LIS profile, p.32); the test signature OID was observed
//! on a J-LIS test card; the test authentication OID follows the same pattern and is **not**
//! confirmed; the smartphone OID comes from a single unverified source. Where the classification
//! rests on an unconfirmed fact, the model says so in its `notes`.

use serde::Serialize;

/// Signature certificate policy, production.
pub const POLICY_SIGN: &str = "1.2.392.200149.8.5.1.1.20";
/// Authentication certificate policy, production.
pub const POLICY_AUTH: &str = "1.2.392.200149.8.5.1.3.30";
/// Signature certificate policy, J-LIS test environment.
pub const POLICY_SIGN_TEST: &str = "1.2.392.200149.8.5.1.0.20";
/// Authentication certificate policy, test environment (inferred from the signature one).
pub const POLICY_AUTH_TEST: &str = "1.2.392.200149.8.5.1.0.30";
/// Smartphone signature certificate policy (unconfirmed).
pub const POLICY_SIGN_SMARTPHONE: &str = "1.2.392.200149.8.5.1.1.40";
/// The test PKI's smartphone marker, RFC 7229's `id-TEST-certPolicyOne` (an OID reserved for
/// test certificate policies): its smartphone personas carry it beside the JPKI test policy, as
/// real smartphone certificates might carry a marker beside the card policy. No J-LIS
/// certificate carries it.
pub const POLICY_SMARTPHONE_TESTPKI: &str = "1.3.6.1.5.5.7.13.1";
/// The arc under which J-LIS defines its certificate policies.
pub const POLICY_ARC: &str = "1.2.392.200149.8.5.1";

/// What a JPKI certificate is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Kind {
    /// 署名用電子証明書 (or its CA): signs documents and account-opening assertions;
    /// carries the 4 basic information.
    Signature,
    /// 利用者証明用電子証明書 (or its CA): proves "it is the same person" at login;
    /// carries no identity.
    Authentication,
    /// Neither could be determined.
    Unknown,
}

/// Whether the certificate is an end entity or a certification authority.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Role {
    /// A holder's certificate.
    EndEntity,
    /// A CA certificate (basicConstraints cA = TRUE).
    Ca,
}

/// Which kind of token holds the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Token {
    /// The My Number Card itself.
    Card,
    /// A smartphone (Android secure element or iPhone) carrying スマホ用電子証明書.
    Smartphone,
    /// Not determinable from the certificate.
    Unknown,
}

/// What a certificate model's `token` rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum TokenBasis {
    /// A certificate policy OID (the card policies, a smartphone policy or marker).
    CertificatePolicy,
    /// An issuer the relying party configured as a smartphone CA ([`SmartphoneProfile`]).
    Issuer,
    /// The token label the card (or phone) answered from EF `0006` — read from the device, not
    /// signed by J-LIS: evidence of what answered, not of what J-LIS issued.
    CardLabel,
    /// The certificate and the token label, agreeing.
    CertificateAndCardLabel,
    /// Nothing decided it (`token` is `unknown`).
    None,
}

/// Which policy OIDs and issuers mean "the key is on a smartphone" (移動端末設備用電子証明書).
/// Every entry is configuration, not a fact of this SDK: J-LIS has not published them.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SmartphoneProfile {
    /// Policy OIDs of smartphone certificates (default: the reported `…8.5.1.1.40` and the
    /// test PKI's marker).
    pub policies: Vec<String>,
    /// Issuer DNs (as the model writes them, `C=JP, O=JPKI, OU=…, CN=…`) of CAs that issue
    /// only smartphone certificates (default: none known).
    pub issuers: Vec<String>,
}

impl Default for SmartphoneProfile {
    fn default() -> SmartphoneProfile {
        SmartphoneProfile {
            policies: vec![POLICY_SIGN_SMARTPHONE.to_owned(), POLICY_SMARTPHONE_TESTPKI.to_owned()],
            issuers: Vec::new(),
        }
    }
}

impl SmartphoneProfile {
    /// The token of an end-entity certificate under this profile, and its basis: a smartphone
    /// policy or issuer → smartphone; a card policy → card; otherwise unknown.
    pub fn token_of(&self, cert: &super::Certificate) -> (Token, TokenBasis) {
        if cert.role == Role::Ca {
            return (Token::Unknown, TokenBasis::None);
        }
        if cert.policies.iter().any(|p| self.policies.contains(p)) {
            return (Token::Smartphone, TokenBasis::CertificatePolicy);
        }
        if self.issuers.contains(&cert.issuer) {
            return (Token::Smartphone, TokenBasis::Issuer);
        }
        let card = [POLICY_SIGN, POLICY_AUTH, POLICY_SIGN_TEST, POLICY_AUTH_TEST];
        if cert.policies.iter().any(|p| card.contains(&p.as_str())) {
            return (Token::Card, TokenBasis::CertificatePolicy);
        }
        (Token::Unknown, TokenBasis::None)
    }
}

/// Production (J-LIS) or test hierarchy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Environment {
    /// Issued under J-LIS's production CAs (`O=JPKI`, production policies).
    Production,
    /// Issued under a test hierarchy (`O=JPKI-TEST` or a test policy).
    Test,
    /// Not a JPKI certificate, or contradictory markers.
    Unknown,
}

/// Result of classifying a certificate, with notes on what the decision rests on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Classification {
    pub(crate) kind: Kind,
    pub(crate) token: Token,
    pub(crate) token_basis: TokenBasis,
    pub(crate) environment: Environment,
    pub(crate) notes: Vec<String>,
}

/// Facts about a certificate the classifier looks at.
pub(crate) struct Facts<'a> {
    pub(crate) is_ca: bool,
    pub(crate) policies: &'a [String],
    pub(crate) non_repudiation: bool,
    pub(crate) digital_signature: bool,
    pub(crate) has_identity: bool,
    /// Values of the issuer's (or, for a CA, the subject's) `O` attributes.
    pub(crate) organization: Vec<String>,
    /// Values of the `OU` attributes of the same name.
    pub(crate) organizational_units: Vec<String>,
}

/// Classifies kind, token and environment.
///
/// Order of evidence: the JPKI certificate policy (authoritative for end entities); for CA
/// certificates, the DN's `OU` (`JPKI for digital signature` / `JPKI for user authentication`);
/// otherwise key usage (nonRepudiation → signature, digitalSignature alone → authentication),
/// noted as a weaker basis.
pub(crate) fn classify(f: &Facts<'_>) -> Classification {
    let mut notes = Vec::new();
    let mut kind = Kind::Unknown;
    let mut token = Token::Unknown;
    let mut env_from_policy = None;
    let mut conflicting = false;
    let mut marker = false;

    for p in f.policies {
        let (k, t, e) = match p.as_str() {
            POLICY_SIGN => (Kind::Signature, Token::Card, Environment::Production),
            POLICY_AUTH => (Kind::Authentication, Token::Card, Environment::Production),
            POLICY_SIGN_TEST => (Kind::Signature, Token::Card, Environment::Test),
            POLICY_AUTH_TEST => {
                notes.push(format!("policy {POLICY_AUTH_TEST} is taken as the test-environment authentication policy by analogy with {POLICY_SIGN_TEST}; unconfirmed"));
                (Kind::Authentication, Token::Card, Environment::Test)
            }
            POLICY_SIGN_SMARTPHONE => {
                notes.push(format!("policy {POLICY_SIGN_SMARTPHONE} is reported (single unverified source) as the smartphone signature policy"));
                (Kind::Signature, Token::Smartphone, Environment::Production)
            }
            POLICY_SMARTPHONE_TESTPKI => {
                marker = true;
                continue;
            }
            _ => continue,
        };
        if kind != Kind::Unknown && kind != k {
            notes.push("certificate carries both signature and authentication JPKI policies".to_owned());
            kind = Kind::Unknown;
            token = Token::Unknown;
            env_from_policy = None;
            conflicting = true;
            break;
        }
        kind = k;
        token = t;
        env_from_policy = Some(e);
    }
    if marker && kind != Kind::Unknown {
        // The policy list shows the marker, and `tokenBasis` says a policy decided.
        token = Token::Smartphone;
    } else if token == Token::Card {
        notes.push("token 'card' is inferred from the card policy OID; J-LIS has not published whether smartphone certificates use distinct OIDs".to_owned());
    }

    let ou_kind = f.organizational_units.iter().find_map(|ou| match ou.as_str() {
        "JPKI for digital signature" => Some(Kind::Signature),
        "JPKI for user authentication" => Some(Kind::Authentication),
        _ => None,
    });
    if kind == Kind::Unknown && !conflicting {
        if let Some(k) = ou_kind.filter(|_| f.is_ca) {
            kind = k;
        } else if !f.is_ca && (f.non_repudiation || f.has_identity) {
            kind = Kind::Signature;
            notes.push(
                "kind 'signature' is inferred from key usage / identity attributes: no JPKI signature policy"
                    .to_owned(),
            );
        } else if !f.is_ca && f.digital_signature {
            kind = Kind::Authentication;
            notes.push("kind 'authentication' is inferred from key usage: no JPKI authentication policy".to_owned());
        }
    } else if let Some(k) = ou_kind {
        if k != kind {
            notes.push(format!(
                "policy says {} but the issuer OU names the other JPKI CA",
                match kind {
                    Kind::Signature => "Signature",
                    Kind::Authentication => "Authentication",
                    Kind::Unknown => "Unknown",
                }
            ));
        }
    }

    let org_env = if f.organization.iter().any(|o| o == "JPKI") {
        Some(Environment::Production)
    } else if f.organization.iter().any(|o| o == "JPKI-TEST") {
        Some(Environment::Test)
    } else {
        None
    };
    let environment = match (env_from_policy, org_env) {
        (Some(a), Some(b)) if a != b => {
            notes.push("policy OID and issuer organisation disagree on production vs test".to_owned());
            Environment::Unknown
        }
        (Some(e), _) | (None, Some(e)) => e,
        (None, None) => Environment::Unknown,
    };
    if f.is_ca {
        token = Token::Unknown;
    }
    let token_basis = match token {
        Token::Unknown => TokenBasis::None,
        _ => TokenBasis::CertificatePolicy,
    };
    Classification {
        kind,
        token,
        token_basis,
        environment,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(policies: &'a [String], org: &str, ou: &str) -> Facts<'a> {
        Facts {
            is_ca: false,
            policies,
            non_repudiation: false,
            digital_signature: true,
            has_identity: false,
            organization: vec![org.to_owned()],
            organizational_units: vec![ou.to_owned()],
        }
    }

    #[test]
    fn production_policies() {
        let p = [POLICY_SIGN.to_owned()];
        let c = classify(&facts(&p, "JPKI", "JPKI for digital signature"));
        assert_eq!(
            (c.kind, c.token, c.environment),
            (Kind::Signature, Token::Card, Environment::Production)
        );
        let p = [POLICY_AUTH.to_owned()];
        let c = classify(&facts(&p, "JPKI", "JPKI for user authentication"));
        assert_eq!((c.kind, c.environment), (Kind::Authentication, Environment::Production));
    }

    #[test]
    fn test_policy_under_production_issuer_is_contradictory() {
        let p = [POLICY_SIGN_TEST.to_owned()];
        let c = classify(&facts(&p, "JPKI", "JPKI for digital signature"));
        assert_eq!(c.environment, Environment::Unknown);
        assert!(c.notes.iter().any(|n| n.contains("disagree")));
    }

    #[test]
    fn both_policies_is_unknown() {
        let p = [POLICY_SIGN.to_owned(), POLICY_AUTH.to_owned()];
        assert_eq!(classify(&facts(&p, "JPKI", "x")).kind, Kind::Unknown);
    }

    #[test]
    fn key_usage_fallback_is_noted() {
        let mut f = facts(&[], "JPKI-TEST", "JPKI for digital signature");
        f.non_repudiation = true;
        let c = classify(&f);
        assert_eq!(
            (c.kind, c.token, c.environment),
            (Kind::Signature, Token::Unknown, Environment::Test)
        );
        assert!(c.notes[0].contains("inferred"));
    }

    #[test]
    fn smartphone_policy_is_flagged_unconfirmed() {
        let p = [POLICY_SIGN_SMARTPHONE.to_owned()];
        let c = classify(&facts(&p, "JPKI", "JPKI for digital signature"));
        assert_eq!(c.token, Token::Smartphone);
        assert!(c.notes[0].contains("unverified"));
    }
}
