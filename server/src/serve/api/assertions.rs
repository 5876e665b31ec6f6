//! `POST /v1/assertions`: verify an assertion against its challenge (the pipeline every
//! assertion endpoint shares: `submit`), OCSP fetching, and the account-opening record.

use super::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct AssertionRequest {
    /// JWS compact, or CMS SignedData in standard base64.
    pub(super) assertion: String,
    #[serde(default)]
    pub(super) format: Option<Format>,
    /// Detached CMS content, standard base64.
    #[serde(default)]
    pub(super) detached: Option<String>,
    /// Account opening: the authentication certificate (standard base64 DER) the signer bound
    /// in `txn.authCertificateSha256`, so that they can later see their audit trail by login.
    #[serde(default)]
    pub(super) authentication_certificate: Option<String>,
    /// The phone hand-off this assertion finishes (`handoffId` from `/v1/handoffs/claim`): its
    /// first page then sees the outcome. Must be claimed and bound to the same challenge.
    #[serde(default)]
    pub(super) handoff: Option<String>,
}

/// What a verified submission yields.
pub(super) struct Verified {
    pub(super) verdict: Verdict,
    pub(super) event_id: String,
    pub(super) record_id: Option<String>,
    pub(super) subject: Option<String>,
    /// The customer a session login, consent or withdrawal is linked to.
    pub(super) customer_id: Option<String>,
    /// The customer's record that linked it (the event's record).
    pub(super) linked_record_id: Option<String>,
}

/// Which purposes an endpoint accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Endpoint {
    Assertions,
    Audit,
    /// `POST /v1/sessions`: a login that opens the bank's session for the linked customer.
    Session,
    /// `POST /v1/consents`: a signature over the consent text by a customer's certificate.
    Consent,
    /// `POST /v1/consents/withdrawal`: a login by a customer's authentication certificate.
    Withdrawal,
}

/// The body of the endpoints that take one compact JWS and nothing else (`/v1/audit`,
/// `/v1/sessions`, `/v1/consents`, `/v1/consents/withdrawal`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SignedRequest {
    pub(super) assertion: String,
}

impl SignedRequest {
    /// As a submission of that JWS alone (no detached content, certificate or hand-off).
    pub(super) fn into_assertion(self) -> AssertionRequest {
        AssertionRequest {
            assertion: self.assertion,
            format: Some(Format::Jws),
            detached: None,
            authentication_certificate: None,
            handoff: None,
        }
    }
}

/// The token of an `Authorization: Bearer …` header, if there is one.
pub(super) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
}

pub(super) fn decode_b64_field(text: &str, what: &str) -> Result<Vec<u8>, ApiError> {
    decode_base64(text.trim().as_bytes()).map_err(|e| ApiError::bad_request(format!("{what}: {e}")))
}

/// The common pipeline: find the challenge, verify with the core, consume atomically with the
/// record and the audit event.
pub(super) async fn submit(state: &AppState, req: AssertionRequest, endpoint: Endpoint) -> Result<Verified, ApiError> {
    let started = Instant::now();
    let now = now_ms();
    let format = req.format.or_else(|| {
        if req.assertion.starts_with("ey") {
            Some(Format::Jws)
        } else {
            Some(Format::Cms)
        }
    });
    let input = match format {
        Some(Format::Cms) => decode_b64_field(&req.assertion, "assertion (CMS, base64)")?,
        _ => req.assertion.clone().into_bytes(),
    };
    let detached = req
        .detached
        .as_deref()
        .map(|d| decode_b64_field(d, "detached"))
        .transpose()?;

    // The challenge this assertion claims to answer (nothing here is trusted yet).
    let claims = assertion::unverified_claims(&input, format, detached.as_deref()).map_err(|e| {
        state.metrics.bad_requests.fetch_add(1, Ordering::Relaxed);
        ApiError::new(StatusCode::BAD_REQUEST, e.code(), e.to_string())
    })?;
    let challenge = open_challenge(state, &claims.nonce, now).await.inspect_err(|e| {
        match e.code {
            "JPKI_NONCE_REUSED" => state.metrics.nonce_reused.fetch_add(1, Ordering::Relaxed),
            "JPKI_NONCE_UNKNOWN" | "JPKI_NONCE_EXPIRED" => state.metrics.nonce_unknown.fetch_add(1, Ordering::Relaxed),
            _ => 0,
        };
    })?;
    let purpose = Purpose::parse(&challenge.purpose).ok_or_else(|| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "JPKI_INTERNAL",
            "stored challenge has an unknown purpose",
        )
    })?;
    if let Some(id) = &req.handoff {
        let h = state
            .store
            .handoff(id)
            .await
            .map_err(|e| ApiError::store(state, &e))?
            .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "JPKI_HANDOFF_UNKNOWN", "no such hand-off"))?;
        if h.claimed_at.is_none() || !token_matches(h.nonce.as_bytes(), challenge.nonce.as_bytes()) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "JPKI_HANDOFF_WRONG_SESSION",
                "the assertion does not answer the challenge of this hand-off",
            ));
        }
    }
    if endpoint == Endpoint::Consent && purpose != Purpose::Sign {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "JPKI_PURPOSE_MISMATCH",
            "a consent is signed with the signature certificate (purpose sign)",
        ));
    }
    if matches!(endpoint, Endpoint::Audit | Endpoint::Session | Endpoint::Withdrawal) && purpose != Purpose::Login {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "JPKI_PURPOSE_MISMATCH",
            if endpoint == Endpoint::Audit {
                "the audit trail needs a login assertion (authentication certificate)"
            } else {
                "a session needs a login assertion (authentication certificate)"
            },
        ));
    }

    // Verification: the core, native provider, the challenge's own purpose and audience.
    let mut options = assertion::VerifyOptions::new(&challenge.audience, &challenge.nonce, purpose, now / 1000);
    options.format = format;
    options.trust = state.config.trust;
    if state.config.allow_unchecked_revocation {
        options.revocation_unchecked = Some(Severity::Warning);
    } else if endpoint == Endpoint::Session {
        // A session is the bank's own login: a lost card (its authentication certificate
        // revoked) must not get in, so the revocation status must be known.
        options.revocation_unchecked = Some(Severity::Error);
    }
    // Revocation evidence: the CRL indexes in force, and an OCSP answer when a responder is
    // configured (fetched here: the core does no I/O). The responder is asked only about an
    // assertion that passed everything else — signature and path included — so a forged one
    // cannot make this server query it.
    let crls = state.crls.snapshot();
    let crls: Vec<&jpki_verify::revocation::crl::CrlIndex> = crls.iter().collect();
    let sources = RevocationSources::crls(&crls);
    let mut verdict = assertion::verify_with(&input, &options, None, detached.as_deref(), &sources, &Ring);
    let mut ocsp_evidence = None;
    if let Some(url) = &state.config.ocsp_url {
        if needs_ocsp(&verdict) {
            if let Some((response, nonce)) = fetch_ocsp(state, url, &input, format, detached.as_deref()).await {
                let sources = sources.with_ocsp(OcspEvidence::new(&response, Some(&nonce)));
                verdict = assertion::verify_with(&input, &options, None, detached.as_deref(), &sources, &Ring);
                ocsp_evidence = Some((response, nonce));
            }
        }
    }
    // Review-security L8: a login whose revocation could not be checked is only a warning by
    // default — but not on a server that has a source for that certificate's CA (its CRL, or
    // an OCSP responder): there a lost card's stale or missing answer must not let it in.
    // The core decides again with unchecked revocation as an error.
    if purpose == Purpose::Login
        && !state.config.allow_unchecked_revocation
        && verdict.valid
        && verdict.revocation.status == jpki_verify::revocation::RevocationStatus::Unchecked
        && has_source_for(state, &crls, &verdict)
    {
        options.revocation_unchecked = Some(Severity::Error);
        let sources = match &ocsp_evidence {
            Some((response, nonce)) => sources.with_ocsp(OcspEvidence::new(response, Some(nonce))),
            None => sources,
        };
        verdict = assertion::verify_with(&input, &options, None, detached.as_deref(), &sources, &Ring);
    }

    let subject = verdict
        .certificate
        .as_ref()
        .filter(|_| verdict.valid)
        .map(|c| state.subjects.subject(&c.issuer, &c.serial_number));
    let mut event = AuditEvent {
        id: new_id("evt"),
        at: now,
        subject: subject.clone(),
        purpose: challenge.purpose.clone(),
        outcome: if verdict.valid { "valid" } else { "invalid" }.to_owned(),
        code: verdict.code().map(str::to_owned),
        audience: challenge.audience.clone(),
        record_id: None,
        instance: state.config.instance.clone(),
        detail: None,
    };

    let opens_record = matches!(purpose, Purpose::AccountOpening | Purpose::Renewal);
    if opens_record && detached.is_some() {
        // The record keeps the signed assertion as evidence; a detached signature without its
        // content could never be re-verified from the record.
        return Err(ApiError::bad_request(
            "account opening and renewal need the signed content inside the assertion (attached CMS or JWS), not detached",
        ));
    }
    // The bank's policy after a valid verification: smartphone certificates, then the customer
    // a renewal continues. A refusal burns the challenge and is recorded like a failure.
    let mut refusal: Option<ApiError> = None;
    let mut linked = None;
    let token = verdict.certificate.as_ref().map_or(
        (jpki_verify::Token::Unknown, jpki_verify::cert::TokenBasis::None),
        |c| state.config.smartphone.token_of(c),
    );
    if verdict.valid
        && opens_record
        && token.0 == jpki_verify::Token::Smartphone
        && !state.config.allow_smartphone_signature
    {
        refusal = Some(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "JPKI_SMARTPHONE_NOT_ALLOWED",
            "this bank does not accept smartphone signature certificates for account opening (--allow-smartphone-signature)",
        ));
        event.detail = Some(json!({ "token": "smartphone", "tokenBasis": token.1 }).to_string());
    }
    if verdict.valid && purpose == Purpose::Renewal && refusal.is_none() {
        match renewal::find_customer(state, &verdict, now).await {
            Ok(l) => {
                event.detail = Some(l.evidence.to_string());
                linked = Some(l);
            }
            Err(missing) => {
                event.detail = Some(json!({ "missing": missing }).to_string());
                refusal = Some(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "JPKI_RENEWAL_UNLINKED",
                    format!("the renewal is not linked to a customer: {}", missing.join("; ")),
                ));
            }
        }
    }
    let mut session_customer = None;
    if verdict.valid && endpoint == Endpoint::Consent {
        match super::consents::consent_customer(state, &verdict, subject.as_deref()).await {
            Ok((record_id, customer)) => {
                event.record_id = Some(record_id);
                event.detail = Some(json!({ "consent": super::consents::CONSENT_VERSION }).to_string());
                session_customer = Some(customer);
            }
            Err(e) => refusal = Some(e),
        }
    }
    if verdict.valid && matches!(endpoint, Endpoint::Session | Endpoint::Withdrawal) {
        let linked = match &subject {
            Some(s) => state
                .store
                .records_linked_to(s, 1)
                .await
                .map_err(|e| ApiError::store(state, &e))?,
            None => Vec::new(),
        };
        match linked.into_iter().next() {
            Some((record_id, _, _, customer)) if !customer.is_empty() => {
                event.record_id = Some(record_id);
                let what = if endpoint == Endpoint::Session {
                    "session"
                } else {
                    "consentWithdrawal"
                };
                event.detail = Some(json!({ what: true, "customerId": customer }).to_string());
                session_customer = Some(customer);
            }
            _ => {
                refusal = Some(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "JPKI_NO_LINKED_CUSTOMER",
                    "this authentication certificate is not linked to a customer of this bank (open an account, or renew, with it first)",
                ));
            }
        }
    }
    if let Some(r) = &refusal {
        event.outcome = "refused".to_owned();
        event.code = Some(r.code.to_owned());
    }
    let record = if verdict.valid && opens_record && refusal.is_none() {
        let auth_subject = match &req.authentication_certificate {
            Some(b64) => Some(linked_auth_subject(state, &verdict, b64)?),
            None => None,
        };
        let customer_id = linked
            .as_ref()
            .map_or_else(|| new_id("cus"), |l| l.previous.customer_id.clone());
        let r = account_record(
            state,
            &verdict,
            &req,
            RecordContext {
                format,
                auth_subject,
                customer_id,
                purpose,
                token: token.0,
                challenge_issued_at: challenge.issued_at,
                now,
            },
        )?;
        event.record_id = Some(r.id.clone());
        Some(r)
    } else {
        None
    };
    let link = match (&record, &linked) {
        (Some(r), Some(l)) => Some(CustomerLink {
            id: new_id("lnk"),
            customer_id: r.customer_id.clone(),
            record_id: r.id.clone(),
            previous_record_id: l.previous.id.clone(),
            basis: l.basis.to_owned(),
            evidence: l.evidence.to_string(),
            at: now,
        }),
        _ => None,
    };

    // Consumed atomically with what it produced; a failed verification burns the challenge too.
    let consumed = state
        .store
        .consume(&challenge.nonce, now, record.as_ref(), link.as_ref(), &event)
        .await
        .map_err(|e| ApiError::store(state, &e))?;
    state
        .metrics
        .observe_verify(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
    if consumed == Consumed::AlreadyUsed {
        state.metrics.nonce_reused.fetch_add(1, Ordering::Relaxed);
        return Err(reused());
    }
    // The phone hand-off this finishes learns how it ended (its first page is watching).
    if let Some(id) = &req.handoff {
        let outcome = if verdict.valid {
            "valid"
        } else {
            verdict.code().unwrap_or("JPKI_INTERNAL")
        };
        if let Err(e) = state
            .store
            .finish_handoff(id, now, outcome, record.as_ref().map(|r| r.id.as_str()))
            .await
        {
            tracing::warn!(error = %e.0, "recording the hand-off outcome failed (the record stands)");
        }
    }
    if let Some(mut r) = refusal {
        tracing::debug!(event = %event.id, code = r.code, purpose = %event.purpose, "assertion refused by policy");
        r.verdict = Some(Box::new(verdict));
        r.event_id = Some(event.id);
        return Err(r);
    }
    if !verdict.valid {
        state.metrics.assertions_invalid.fetch_add(1, Ordering::Relaxed);
        let code = verdict.code().unwrap_or("JPKI_INTERNAL");
        let message = verdict.errors.first().map(|e| e.message.clone()).unwrap_or_default();
        tracing::debug!(event = %event.id, code, purpose = %event.purpose, "assertion rejected");
        return Err(ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code,
            message,
            verdict: Some(Box::new(verdict)),
            event_id: Some(event.id),
        });
    }
    state.metrics.assertions_valid.fetch_add(1, Ordering::Relaxed);
    if record.is_some() {
        state.metrics.records_created.fetch_add(1, Ordering::Relaxed);
    }
    // Per-verification detail is the audit trail's job; the log stays quiet under load.
    tracing::debug!(event = %event.id, record = ?event.record_id, purpose = %event.purpose, "assertion verified");
    Ok(Verified {
        verdict,
        event_id: event.id.clone(),
        record_id: record.map(|r| r.id),
        subject,
        customer_id: session_customer,
        linked_record_id: event.record_id,
    })
}

/// Asks the configured OCSP responder about the assertion's (unverified) leaf: the response
/// is verified by the core with the rest. A responder that cannot be reached leaves the
/// revocation slot to the other sources (and `unchecked` if there are none) — never a 500.
/// Whether an OCSP answer could change `verdict`: every other check passed and revocation is
/// still unchecked or unknown.
pub(super) fn needs_ocsp(verdict: &Verdict) -> bool {
    use jpki_verify::revocation::RevocationStatus;
    matches!(
        verdict.revocation.status,
        RevocationStatus::Unchecked | RevocationStatus::Unknown
    ) && verdict.errors.iter().all(|e| e.code == "JPKI_REVOCATION_UNCHECKED")
}

pub(super) async fn fetch_ocsp(
    state: &AppState,
    url: &str,
    input: &[u8],
    format: Option<Format>,
    detached: Option<&[u8]>,
) -> Option<(Vec<u8>, Vec<u8>)> {
    let leaf = assertion::unverified_leaf(input, format, detached).ok()?;
    let leaf = jpki_verify::parse_certificate(&leaf).ok()?;
    let nonce = random_bytes::<16>().to_vec();
    let request = ocsp::build_request_for(&leaf, &state.config.anchors, ocsp::CertIdHash::Sha256, Some(&nonce)).ok()?;
    match crate::revocation::ocsp_fetch(url, &request).await {
        Ok(response) => Some((response, nonce)),
        Err(e) => {
            tracing::warn!(responder = url, error = %e, "OCSP responder unavailable");
            None
        }
    }
}

pub(super) fn reused() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "JPKI_NONCE_REUSED",
        "this challenge was already used; request a new one",
    )
}

/// The authentication certificate the signer bound in `txn.authCertificateSha256`, as a
/// pairwise subject. The binding is signed by the (verified) signature key, so it needs no
/// path validation here: a login with that certificate is fully verified when it happens.
pub(super) fn linked_auth_subject(state: &AppState, verdict: &Verdict, b64: &str) -> Result<String, ApiError> {
    let der = decode_b64_field(b64, "authenticationCertificate")?;
    let hash = encode_base64(&Sha256::digest(&der), true);
    let bound = verdict
        .claims
        .as_ref()
        .and_then(|c| c.txn.as_ref())
        .and_then(|t| t.get("authCertificateSha256"))
        .and_then(jpki_verify::json::JsonValue::as_str);
    if bound != Some(hash.as_str()) {
        return Err(ApiError::bad_request(
            "authenticationCertificate is not the one bound by the signed txn.authCertificateSha256",
        ));
    }
    let cert = jpki_verify::parse_certificate(&der).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            e.code(),
            format!("authenticationCertificate: {e}"),
        )
    })?;
    let signer_env = verdict.certificate.as_ref().map(|c| c.environment);
    if cert.kind != jpki_verify::Kind::Authentication
        || cert.role != jpki_verify::Role::EndEntity
        || Some(cert.environment) != signer_env
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "JPKI_WRONG_CERTIFICATE_KIND",
            "authenticationCertificate is not an authentication certificate of the same environment",
        ));
    }
    // Review-security L5: the subject is derived from issuer and serial, so a hand-made
    // certificate with a victim's issuer and serial would link the attacker's record to the
    // victim's logins. Only a certificate that path-validates to a trusted authentication CA
    // is linked.
    let at = verdict.claims.as_ref().map_or(now_ms() / 1000, |c| c.iat);
    jpki_verify::validate_certificate(
        &cert,
        &state.config.anchors,
        jpki_verify::Kind::Authentication,
        at,
        &Ring,
    )
    .map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            e.code(),
            format!("authenticationCertificate: {e}"),
        )
    })?;
    Ok(state.subjects.subject(&cert.issuer, &cert.serial_number))
}

/// What a record needs beyond the verdict and the request.
pub(super) struct RecordContext {
    pub(super) format: Option<Format>,
    pub(super) auth_subject: Option<String>,
    pub(super) customer_id: String,
    pub(super) purpose: Purpose,
    pub(super) token: jpki_verify::Token,
    pub(super) challenge_issued_at: i64,
    pub(super) now: i64,
}

/// The record of a valid account opening or renewal: only what the claims policy keeps.
pub(super) fn account_record(
    state: &AppState,
    verdict: &Verdict,
    req: &AssertionRequest,
    cx: RecordContext,
) -> Result<AccountRecord, ApiError> {
    let internal = |what: &str| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "JPKI_INTERNAL", what.to_owned());
    let cert = verdict
        .certificate
        .as_ref()
        .ok_or_else(|| internal("valid verdict without a certificate"))?;
    let id = verdict
        .identity
        .as_ref()
        .ok_or_else(|| internal("valid account-opening verdict without identity"))?;
    // Derived claims (ageOverN) at the verification time, the time the verdict was given at.
    let kept = state.config.claims_policy.apply(id, cx.now / 1000);
    let summary = json!({
        "valid": verdict.valid,
        "anchor": verdict.anchor,
        "revocation": verdict.revocation,
        "warnings": verdict.warnings,
        "verifiedAt": verdict.verified_at,
        "trust": state.config.trust,
    });
    let token = serde_json::to_value(cx.token)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned());
    Ok(AccountRecord {
        id: new_id("rec"),
        subject: state.subjects.subject(&cert.issuer, &cert.serial_number),
        auth_subject: cx.auth_subject,
        name: kept.name,
        name_substituted: kept.name_substituted,
        date_of_birth: kept.date_of_birth,
        sex: kept.sex,
        address: kept.address,
        address_substituted: kept.address_substituted,
        cert_serial: cert.serial_number.clone(),
        cert_issuer: cert.issuer.clone(),
        cert_not_after: cert.not_after.clone(),
        verdict: summary.to_string(),
        evidence_format: match cx.format {
            Some(Format::Cms) => "cms",
            _ => "jws",
        }
        .to_owned(),
        evidence: if kept.evidence {
            req.assertion.clone()
        } else {
            String::new()
        },
        challenge_issued_at: cx.challenge_issued_at,
        verified_at: cx.now,
        created_at: cx.now,
        customer_id: cx.customer_id,
        purpose: cx.purpose.as_str().to_owned(),
        kept: kept.summary,
        token,
    })
}

pub(super) async fn post_assertion(
    State(state): State<Shared>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let req: AssertionRequest = parse_body(&state, body)?;
    let v = submit(&state, req, Endpoint::Assertions).await?;
    let mut out = json!({ "verdict": v.verdict, "eventId": v.event_id });
    if let Some(id) = v.record_id {
        out["recordId"] = Value::String(id);
    }
    Ok(Json(out))
}

/// Whether this server has revocation evidence for the CA of `verdict`'s certificate: an OCSP
/// responder, or a CRL index of that issuer.
fn has_source_for(
    state: &AppState,
    crls: &[&jpki_verify::revocation::crl::CrlIndex],
    verdict: &assertion::Verdict,
) -> bool {
    state.config.ocsp_url.is_some()
        || verdict
            .certificate
            .as_ref()
            .is_some_and(|c| crls.iter().any(|index| index.issuer() == c.issuer))
}
