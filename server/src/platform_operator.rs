//! A platform operator's answers (プラットフォーム事業者): the J-LIS certificate linkage
//! (紐付け情報: which old certificate a new one replaced) and the latest 4 basic information
//! (最新の基本4情報, with the person's consent). Banks that are not approved verifiers get these
//! from a platform operator under contract; this module is the pluggable source, like the
//! revocation sources: a file of answers (`file:PATH`) or an HTTP adapter (`http://…`).
//!
//! **The format is this project's own.** J-LIS's and the operators' interfaces are not public
//! (jpki-facts §4); the answers below carry what the linkage and the latest information are
//! documented to contain, in JSON that an adapter in front of a real operator maps to. See
//! `docs/platform-operator.md`.
//!
//! ```text
//! file:    { "linkages": [Linkage…], "basicInformation": [BasicInformation…] }
//! HTTP:    POST {base}/linkage            { "issuer", "serialNumber" }              → { "linkage": Linkage | null }
//!          POST {base}/basic-information  { "issuer", "serialNumber", "consentId" } → { "basicInformation": BasicInformation | null }
//! Linkage:          { "id", "old": CertRef, "new": CertRef, "reason"?, "answeredAt" }
//! BasicInformation: { "id", "certificate": CertRef, "name", "dateOfBirth" (EYYYYMMDD), "sex" (1|2|3), "address", "asOf" }
//! CertRef:          { "issuer" (the model's DN string), "serialNumber" (upper-case hex) }
//! ```
//!
//! `jpki-verify platform-sim` serves the HTTP form from a file: the test double the server's
//! tests run as a real process.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Largest answers file read.
const MAX_FILE: u64 = 16 * 1024 * 1024;

/// A certificate by issuer and serial number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct CertRef {
    pub(crate) issuer: String,
    pub(crate) serial_number: String,
}

/// J-LIS linkage: `new` replaced `old` for the same person (renewal, or a new certificate after
/// a change of the 4 basic information).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct Linkage {
    /// The operator's id of this answer (recorded as evidence).
    pub(crate) id: String,
    pub(crate) old: CertRef,
    pub(crate) new: CertRef,
    /// Why the new certificate was issued, as the operator says it (`renewal`, `move`,
    /// `name-change`, …), if it says.
    #[serde(default)]
    pub(crate) reason: Option<String>,
    /// When the operator answered (RFC 3339).
    pub(crate) answered_at: String,
}

/// The current 4 basic information of the holder of a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct BasicInformation {
    pub(crate) id: String,
    pub(crate) certificate: CertRef,
    pub(crate) name: String,
    /// `EYYYYMMDD`, as in the certificate.
    pub(crate) date_of_birth: String,
    /// `1`, `2` or `3`, as in the certificate.
    pub(crate) sex: String,
    pub(crate) address: String,
    /// The date the register says this is current as of (RFC 3339).
    pub(crate) as_of: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct Answers {
    #[serde(default)]
    pub(crate) linkages: Vec<Linkage>,
    #[serde(default)]
    pub(crate) basic_information: Vec<BasicInformation>,
}

impl Answers {
    pub(crate) fn read(path: &Path) -> Result<Answers, String> {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.len() > MAX_FILE {
            return Err(format!("{}: larger than {MAX_FILE} bytes", path.display()));
        }
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub(crate) fn linkage(&self, new: &CertRef) -> Option<Linkage> {
        self.linkages.iter().find(|l| &l.new == new).cloned()
    }

    pub(crate) fn basic_information(&self, cert: &CertRef) -> Option<BasicInformation> {
        self.basic_information.iter().find(|b| &b.certificate == cert).cloned()
    }
}

/// Where the answers come from (`serve --platform-operator`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PlatformOperator {
    /// A JSON file of answers, read at each query (so an operator can replace it).
    File(PathBuf),
    /// An HTTP adapter at this base URL.
    Http(String),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Query<'a> {
    issuer: &'a str,
    serial_number: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    consent_id: Option<&'a str>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct LinkageAnswer {
    linkage: Option<Linkage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct BasicInformationAnswer {
    basic_information: Option<BasicInformation>,
}

impl PlatformOperator {
    /// `file:PATH` or `http://HOST[:PORT][/BASE]`.
    pub(crate) fn parse(spec: &str) -> Result<PlatformOperator, String> {
        if let Some(path) = spec.strip_prefix("file:") {
            Ok(PlatformOperator::File(PathBuf::from(path)))
        } else if spec.starts_with("http://") {
            Ok(PlatformOperator::Http(spec.trim_end_matches('/').to_owned()))
        } else {
            Err(format!(
                "--platform-operator must be file:PATH or http://…, not {spec:?}"
            ))
        }
    }

    /// The linkage answer about `new`, if the operator has one.
    pub(crate) async fn linkage(&self, new: &CertRef) -> Result<Option<Linkage>, String> {
        match self {
            PlatformOperator::File(path) => Ok(Answers::read(path)?.linkage(new)),
            PlatformOperator::Http(base) => {
                let q = Query {
                    issuer: &new.issuer,
                    serial_number: &new.serial_number,
                    consent_id: None,
                };
                let body = post_json(&format!("{base}/linkage"), &q).await?;
                let a: LinkageAnswer = serde_json::from_slice(&body).map_err(|e| format!("linkage answer: {e}"))?;
                // An answer about another certificate is no answer (cf. review-security M2).
                Ok(a.linkage.filter(|l| &l.new == new))
            }
        }
    }

    /// The current 4 basic information of `cert`'s holder, under the person's consent.
    pub(crate) async fn basic_information(
        &self,
        cert: &CertRef,
        consent_id: &str,
    ) -> Result<Option<BasicInformation>, String> {
        match self {
            PlatformOperator::File(path) => Ok(Answers::read(path)?.basic_information(cert)),
            PlatformOperator::Http(base) => {
                let q = Query {
                    issuer: &cert.issuer,
                    serial_number: &cert.serial_number,
                    consent_id: Some(consent_id),
                };
                let body = post_json(&format!("{base}/basic-information"), &q).await?;
                let a: BasicInformationAnswer =
                    serde_json::from_slice(&body).map_err(|e| format!("basic information answer: {e}"))?;
                Ok(a.basic_information.filter(|b| &b.certificate == cert))
            }
        }
    }
}

async fn post_json(url: &str, body: &impl Serialize) -> Result<Vec<u8>, String> {
    let body = serde_json::to_vec(body).map_err(|e| e.to_string())?;
    crate::http_client::post(url, "application/json", &body)
        .await
        .map_err(|e| format!("platform operator: {e}"))
}

/// `jpki-verify platform-sim`: serves the HTTP form from an answers file.
pub(crate) mod sim {
    use std::io::Write;
    use std::net::SocketAddr;
    use std::path::PathBuf;
    use std::sync::{Arc, Mutex};

    use axum::extract::State;
    use axum::http::StatusCode;
    use axum::routing::post;
    use axum::{Json, Router};
    use serde_json::{json, Value};

    use super::{Answers, CertRef};
    use crate::cli::Failure;

    /// Arguments of `platform-sim`.
    #[derive(clap::Args, Debug)]
    pub(crate) struct PlatformSimArgs {
        /// The answers (this project's format, docs/platform-operator.md).
        #[arg(long)]
        answers: PathBuf,
        /// Address to listen on (`127.0.0.1:0` picks a port; printed as `LISTENING http://…`).
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: SocketAddr,
        /// Append one JSON line per query received (what was asked, never an answer).
        #[arg(long)]
        query_log: Option<PathBuf>,
    }

    struct Sim {
        answers: PathBuf,
        log: Option<Mutex<std::fs::File>>,
    }

    impl Sim {
        fn note(&self, what: &str, q: &Value) {
            if let Some(log) = &self.log {
                if let Ok(mut f) = log.lock() {
                    let _ = writeln!(f, "{}", json!({ "query": what, "request": q }));
                }
            }
        }
    }

    fn cert_ref(q: &Value) -> Result<CertRef, (StatusCode, String)> {
        let field = |k: &str| {
            q.get(k)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or((StatusCode::BAD_REQUEST, format!("{k} is missing")))
        };
        Ok(CertRef {
            issuer: field("issuer")?,
            serial_number: field("serialNumber")?,
        })
    }

    async fn linkage(State(sim): State<Arc<Sim>>, Json(q): Json<Value>) -> Result<Json<Value>, (StatusCode, String)> {
        sim.note("linkage", &q);
        let answers = Answers::read(&sim.answers).map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e))?;
        Ok(Json(json!({ "linkage": answers.linkage(&cert_ref(&q)?) })))
    }

    async fn basic_information(
        State(sim): State<Arc<Sim>>,
        Json(q): Json<Value>,
    ) -> Result<Json<Value>, (StatusCode, String)> {
        sim.note("basic-information", &q);
        if q.get("consentId").and_then(Value::as_str).is_none_or(str::is_empty) {
            return Err((StatusCode::FORBIDDEN, "no consent".to_owned()));
        }
        let answers = Answers::read(&sim.answers).map_err(|e| (StatusCode::INTERNAL_SERVER_ERROR, e))?;
        Ok(Json(
            json!({ "basicInformation": answers.basic_information(&cert_ref(&q)?) }),
        ))
    }

    pub(crate) fn run(a: &PlatformSimArgs) -> Result<bool, Failure> {
        let fail = |m: String| Failure {
            code: "JPKI_INTERNAL",
            message: m,
            exit_code: 2,
        };
        Answers::read(&a.answers).map_err(fail)?;
        let log = match &a.query_log {
            Some(p) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|e| fail(format!("{}: {e}", p.display())))?,
            )),
            None => None,
        };
        let sim = Arc::new(Sim {
            answers: a.answers.clone(),
            log,
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| fail(e.to_string()))?;
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind(a.listen)
                .await
                .map_err(|e| fail(format!("{}: {e}", a.listen)))?;
            let addr = listener.local_addr().map_err(|e| fail(e.to_string()))?;
            println!("LISTENING http://{addr}");
            let app = Router::new()
                .route("/linkage", post(linkage))
                .route("/basic-information", post(basic_information))
                .with_state(sim);
            axum::serve(listener, app).await.map_err(|e| fail(e.to_string()))?;
            Ok(true)
        })
    }
}
