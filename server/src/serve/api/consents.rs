//! Consent to the latest 4 basic information (最新の基本4情報):
//!
//! - `GET /v1/consents/text`: the consent text (ja/en), its version and SHA-256.
//! - `POST /v1/consents`: the person signs it — a `sign` assertion by the signature certificate
//!   of one of their accounts, whose `txn` is
//!   `{ "application": "consent", "consentVersion": V, "consentTextSha256": H }` (H the
//!   base64url SHA-256 of the UTF-8 text). The text and the signed assertion are stored.
//! - `POST /v1/consents/withdrawal`: a login by the customer's authentication certificate
//!   withdraws every live consent; no query is made for them after that.
//!
//! `jpki-verify recheck --platform-operator …` asks the operator for the current 4 basic
//! information of accounts whose certificate was revoked for a change of details, only under a
//! live consent, and keeps each answer (`basic_information_history`).

use super::*;
use crate::serve::store::Consent;

/// Version of [`CONSENT_TEXT`]; a new text is a new version.
pub(crate) const CONSENT_VERSION: &str = "latest-basic-information/1";

/// What the person agrees to. The bank adapts it (its name, the operator's), which makes a new
/// version.
pub(crate) const CONSENT_TEXT: &str = "\
【最新の基本4情報の確認への同意】
私は、この金融機関が、私の署名用電子証明書が住所・氏名等の変更により失効したときに、\
プラットフォーム事業者を通じて地方公共団体情報システム機構（J-LIS）に私の最新の基本4情報\
（氏名・生年月日・性別・住所）を照会し、その回答を取引記録として保存することに同意します。\
この同意はいつでも撤回でき、撤回後は照会されません。

[Consent to checks of the latest 4 basic information]
I agree that, when my signature certificate is revoked because my address, name or other \
details changed, this bank may ask J-LIS, through its platform operator, for my current 4 basic \
information (name, date of birth, sex, address) and keep the answer with my records. I can \
withdraw this consent at any time; after that no further queries are made.
";

/// SHA-256 of the consent text, base64url.
pub(crate) fn consent_text_sha256() -> String {
    encode_base64(&Sha256::digest(CONSENT_TEXT.as_bytes()), true)
}

pub(super) async fn get_consent_text() -> Json<Value> {
    Json(json!({
        "version": CONSENT_VERSION,
        "text": CONSENT_TEXT,
        "sha256": consent_text_sha256(),
    }))
}

/// The record and customer of a valid consent signature, or the refusal: the certificate must
/// be one an account was opened or renewed with, and `txn` must bind this text.
pub(super) async fn consent_customer(
    state: &AppState,
    verdict: &Verdict,
    subject: Option<&str>,
) -> Result<(String, String), ApiError> {
    let txn = verdict.claims.as_ref().and_then(|c| c.txn.as_ref());
    let field = |k: &str| txn.and_then(|t| t.get(k)).and_then(|v| v.as_str());
    if field("application") != Some("consent")
        || field("consentVersion") != Some(CONSENT_VERSION)
        || field("consentTextSha256") != Some(consent_text_sha256().as_str())
    {
        return Err(ApiError::bad_request(format!(
            "the signed txn must be {{\"application\":\"consent\",\"consentVersion\":\"{CONSENT_VERSION}\",\"consentTextSha256\":\"{}\"}} (GET /v1/consents/text)",
            consent_text_sha256()
        )));
    }
    let record = match subject {
        Some(s) => state
            .store
            .record_of_subject(s)
            .await
            .map_err(|e| ApiError::store(state, &e))?,
        None => None,
    };
    record.map(|r| (r.id, r.customer_id)).ok_or_else(|| {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "JPKI_NO_LINKED_CUSTOMER",
            "this signature certificate belongs to no account of this bank",
        )
    })
}

pub(super) async fn post_consent(
    State(state): State<Shared>,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let req: SignedRequest = parse_body(&state, body)?;
    let evidence = req.assertion.clone();
    let v = submit(&state, req.into_assertion(), Endpoint::Consent).await?;
    let (Some(customer_id), Some(record_id)) = (v.customer_id, v.linked_record_id) else {
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "JPKI_INTERNAL",
            "valid consent without a customer",
        ));
    };
    let consent = Consent {
        id: new_id("cns"),
        customer_id,
        record_id,
        version: CONSENT_VERSION.to_owned(),
        text_sha256: consent_text_sha256(),
        text: CONSENT_TEXT.to_owned(),
        evidence,
        given_at: now_ms(),
        withdrawn_at: None,
    };
    state
        .store
        .insert_consent(&consent)
        .await
        .map_err(|e| ApiError::store(&state, &e))?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "consentId": consent.id,
            "customerId": consent.customer_id,
            "version": consent.version,
            "givenAt": jpki_verify::time::to_rfc3339(consent.given_at / 1000),
            "eventId": v.event_id,
        })),
    ))
}

pub(super) async fn post_withdrawal(
    State(state): State<Shared>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let req: SignedRequest = parse_body(&state, body)?;
    let v = submit(&state, req.into_assertion(), Endpoint::Withdrawal).await?;
    let Some(customer_id) = v.customer_id else {
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "JPKI_INTERNAL",
            "valid withdrawal without a customer",
        ));
    };
    let n = state
        .store
        .withdraw_consents(&customer_id, now_ms())
        .await
        .map_err(|e| ApiError::store(&state, &e))?;
    Ok(Json(
        json!({ "customerId": customer_id, "withdrawn": n, "eventId": v.event_id }),
    ))
}

/// What the person's audit view shows of their consents (no text: its version says which).
pub(super) fn consent_json(c: &Consent) -> Value {
    json!({
        "id": c.id,
        "version": c.version,
        "recordId": c.record_id,
        "givenAt": jpki_verify::time::to_rfc3339(c.given_at / 1000),
        "withdrawnAt": c.withdrawn_at.map(|t| jpki_verify::time::to_rfc3339(t / 1000)),
    })
}
