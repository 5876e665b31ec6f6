//! Parsing an `OCSPResponse` (RFC 6960 §4.2.1): the envelope, `BasicOCSPResponse`, the
//! `SingleResponse`s and the extensions. No policy here: `mod.rs` decides what an answer is
//! worth (signer, time window, nonce, freshness).

use super::*;

/// id-pkix-ocsp-basic `1.3.6.1.5.5.7.48.1.1`.
pub(super) const OID_OCSP_BASIC: &[u8] = &[0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01];

pub(super) const TAG_ENUMERATED: u8 = 0x0A;

pub(super) const TAG_GENERALIZED_TIME: u8 = 0x18;

/// The parsed `BasicOCSPResponse`, borrowing from the caller's input.
pub(super) struct BasicResponse<'a> {
    /// `tbsResponseData`, the signed bytes (whole TLV).
    pub(super) tbs: &'a [u8],
    pub(super) responder: ResponderId<'a>,
    pub(super) produced_at: i64,
    pub(super) singles: Vec<SingleResponse<'a>>,
    /// Contents of the nonce extension's OCTET STRING, when present.
    pub(super) nonce: Option<&'a [u8]>,
    pub(super) sig_oid: String,
    pub(super) sig_params: Option<&'a [u8]>,
    pub(super) signature: &'a [u8],
    /// Each certificate of `certs`, whole DER.
    pub(super) certs: Vec<&'a [u8]>,
}

pub(super) enum ResponderId<'a> {
    /// DER of the Name.
    ByName(&'a [u8]),
    /// SHA-1 of the responder's key.
    ByKey(&'a [u8]),
}

pub(super) struct SingleResponse<'a> {
    pub(super) hash: CertIdHash,
    pub(super) name_hash: &'a [u8],
    pub(super) key_hash: &'a [u8],
    /// Serial magnitude (leading zero octet stripped).
    pub(super) serial: &'a [u8],
    pub(super) status: Status,
    pub(super) this_update: i64,
    pub(super) next_update: Option<i64>,
}

#[derive(Clone, Copy)]
pub(super) enum Status {
    Good,
    Revoked { at: i64, reason: Option<Reason> },
    Unknown,
}

pub(super) fn bad(what: &str, offset: usize) -> Error {
    Error::malformed(format!("OCSP response: {what}"), Some(offset))
}

/// `OCSPResponse` → the `BasicOCSPResponse` TLV (`response` OCTET STRING contents, absolute
/// offsets).
pub(super) fn parse_envelope(der: &[u8]) -> Result<Tlv<'_>> {
    if der.is_empty() {
        return Err(bad("empty input", 0));
    }
    check_structure(der, "OCSP response")?;
    let mut top = Reader::new(der, 0);
    let seq = top.expect_tag(tag::SEQUENCE, "OCSPResponse")?;
    let mut r = Reader::new(seq.value, seq.value_offset);
    let status = r.expect_tag(TAG_ENUMERATED, "OCSPResponse responseStatus")?;
    let code = match status.value {
        [b] if *b < 0x80 => *b,
        _ => return Err(bad("responseStatus is not a small ENUMERATED", status.offset)),
    };
    if code != 0 {
        let name = match code {
            1 => "malformedRequest",
            2 => "internalError",
            3 => "tryLater",
            5 => "sigRequired",
            6 => "unauthorized",
            _ => "an undefined status",
        };
        return Err(Error::RevocationSourceInvalid {
            reason: format!("the OCSP responder answered {name} ({code})"),
        });
    }
    let bytes = r.expect_tag(tag::CONTEXT_0_CONSTRUCTED, "OCSPResponse responseBytes")?;
    r.finish("OCSPResponse")?;
    let mut b = Reader::new(bytes.value, bytes.value_offset);
    let rb = b.expect_tag(tag::SEQUENCE, "ResponseBytes")?;
    b.finish("responseBytes")?;
    let mut rb = Reader::new(rb.value, rb.value_offset);
    let kind = rb.expect_tag(TAG_OID, "ResponseBytes responseType")?;
    let response = rb.expect_tag(TAG_OCTET_STRING, "ResponseBytes response")?;
    rb.finish("ResponseBytes")?;
    if kind.value != OID_OCSP_BASIC {
        return Err(Error::RevocationSourceInvalid {
            reason: format!(
                "OCSP response type {} is not id-pkix-ocsp-basic",
                crate::der::oid_to_string(kind.value, kind.value_offset)?
            ),
        });
    }
    // The OCTET STRING is primitive, so the first pass did not look inside it.
    check_structure(response.value, "BasicOCSPResponse").map_err(|e| shift(e, response.value_offset))?;
    let mut inner = Reader::new(response.value, response.value_offset);
    let basic = inner.expect_tag(tag::SEQUENCE, "BasicOCSPResponse")?;
    Ok(basic)
}

/// Moves a Malformed offset from a nested slice to the caller's input.
pub(super) fn shift(e: Error, base: usize) -> Error {
    match e {
        Error::Malformed { what, offset } => Error::Malformed {
            what,
            offset: offset.map(|o| o + base),
        },
        other => other,
    }
}

pub(super) fn parse_basic<'a>(der: &'a [u8], basic: &Tlv<'a>) -> Result<BasicResponse<'a>> {
    let mut r = Reader::new(basic.value, basic.value_offset);
    let SignedData {
        tbs,
        algorithm: alg,
        signature,
    } = signed_data(&mut r, "OCSP response", "tbsResponseData")?;
    let mut certs = Vec::new();
    if !r.is_empty() {
        let explicit = r.expect_tag(tag::CONTEXT_0_CONSTRUCTED, "BasicOCSPResponse certs")?;
        let mut e = Reader::new(explicit.value, explicit.value_offset);
        let seq = e.expect_tag(tag::SEQUENCE, "certs")?;
        e.finish("certs")?;
        let mut c = Reader::new(seq.value, seq.value_offset);
        while !c.is_empty() {
            let cert = c.expect_tag(tag::SEQUENCE, "certs Certificate")?;
            if certs.len() == MAX_RESPONSE_CERTS {
                return Err(Error::BudgetExceeded {
                    what: "too many certificates in the OCSP response",
                });
            }
            certs.push(whole(der, &cert));
        }
    }
    r.finish("BasicOCSPResponse")?;
    let (sig_oid, sig_params) = algorithm_identifier(&alg)?;

    let mut t = Reader::new(tbs.value, tbs.value_offset);
    let mut next = t.read()?;
    if next.tag == tag::CONTEXT_0_CONSTRUCTED {
        // DER: a DEFAULT value is omitted (X.690 §11.5), so only a non-v1 version may appear,
        // and RFC 6960 defines only v1.
        return Err(bad("ResponseData version other than the default v1", next.offset));
    }
    let responder = match next.tag {
        0xA1 => {
            let mut n = Reader::new(next.value, next.value_offset);
            let name = n.expect_tag(tag::SEQUENCE, "ResponderID byName")?;
            n.finish("ResponderID byName")?;
            ResponderId::ByName(whole(der, &name))
        }
        0xA2 => {
            let mut k = Reader::new(next.value, next.value_offset);
            let hash = k.expect_tag(TAG_OCTET_STRING, "ResponderID byKey")?;
            k.finish("ResponderID byKey")?;
            if hash.value.len() != 20 {
                return Err(bad("ResponderID byKey is not a SHA-1 hash", hash.offset));
            }
            ResponderId::ByKey(hash.value)
        }
        _ => return Err(bad("ResponderID expected ([1] byName or [2] byKey)", next.offset)),
    };
    next = t.expect_tag(TAG_GENERALIZED_TIME, "producedAt")?;
    let produced_at = crate::pkix::time(&next, "OCSP response")?;
    let list = t.expect_tag(tag::SEQUENCE, "responses")?;
    let mut nonce = None;
    if !t.is_empty() {
        let explicit = t.expect_tag(0xA1, "responseExtensions")?;
        for ext in extensions(&explicit)? {
            if ext.oid == OID_OCSP_NONCE {
                // RFC 8954 §2.1: extnValue is the DER of Nonce ::= OCTET STRING.
                let mut v = Reader::new(ext.value.value, ext.value.value_offset);
                let n = v.expect_tag(TAG_OCTET_STRING, "nonce")?;
                v.finish("nonce")?;
                nonce = Some(n.value);
            } else if ext.critical {
                return Err(Error::RevocationSourceInvalid {
                    reason: format!(
                        "OCSP response has an unknown critical extension {}",
                        crate::der::oid_to_string(ext.oid, 0)?
                    ),
                });
            }
        }
    }
    t.finish("ResponseData")?;

    let mut singles = Vec::new();
    let mut s = Reader::new(list.value, list.value_offset);
    while !s.is_empty() {
        if singles.len() == MAX_SINGLE_RESPONSES {
            return Err(Error::BudgetExceeded {
                what: "too many SingleResponses in the OCSP response",
            });
        }
        let single = s.expect_tag(tag::SEQUENCE, "SingleResponse")?;
        if let Some(parsed) = parse_single(&single)? {
            singles.push(parsed);
        }
    }
    Ok(BasicResponse {
        tbs: whole(der, &tbs),
        responder,
        produced_at,
        singles,
        nonce,
        sig_oid,
        sig_params,
        signature,
        certs,
    })
}

/// One `SingleResponse`; `None` when its CertID uses a hash this SDK does not compute (it
/// cannot be about our certificate as we asked for it).
pub(super) fn parse_single<'a>(single: &Tlv<'a>) -> Result<Option<SingleResponse<'a>>> {
    let mut r = Reader::new(single.value, single.value_offset);
    let id = r.expect_tag(tag::SEQUENCE, "CertID")?;
    let status_tlv = r.read()?;
    let this = r.expect_tag(TAG_GENERALIZED_TIME, "thisUpdate")?;
    let this_update = crate::pkix::time(&this, "OCSP response")?;
    let mut next_update = None;
    let mut single_exts = None;
    let mut field = if r.is_empty() { None } else { Some(r.read()?) };
    if let Some(t) = field.filter(|t| t.tag == tag::CONTEXT_0_CONSTRUCTED) {
        let mut n = Reader::new(t.value, t.value_offset);
        let time = n.expect_tag(TAG_GENERALIZED_TIME, "nextUpdate")?;
        n.finish("nextUpdate")?;
        next_update = Some(crate::pkix::time(&time, "OCSP response")?);
        field = if r.is_empty() { None } else { Some(r.read()?) };
    }
    if let Some(t) = field {
        if t.tag != 0xA1 {
            return Err(bad("unexpected field in SingleResponse", t.offset));
        }
        single_exts = Some(t);
    }
    r.finish("SingleResponse")?;
    if let Some(explicit) = single_exts {
        for ext in extensions(&explicit)? {
            if ext.critical {
                return Err(Error::RevocationSourceInvalid {
                    reason: format!(
                        "OCSP SingleResponse has an unknown critical extension {}",
                        crate::der::oid_to_string(ext.oid, 0)?
                    ),
                });
            }
        }
    }

    let status = match status_tlv.tag {
        0x80 if status_tlv.value.is_empty() => Status::Good,
        0x82 if status_tlv.value.is_empty() => Status::Unknown,
        0xA1 => {
            let mut v = Reader::new(status_tlv.value, status_tlv.value_offset);
            let at = v.expect_tag(TAG_GENERALIZED_TIME, "revocationTime")?;
            let at = crate::pkix::time(&at, "OCSP response")?;
            let mut reason = None;
            if !v.is_empty() {
                let explicit = v.expect_tag(tag::CONTEXT_0_CONSTRUCTED, "revocationReason")?;
                let mut e = Reader::new(explicit.value, explicit.value_offset);
                let code = e.expect_tag(TAG_ENUMERATED, "CRLReason")?;
                e.finish("revocationReason")?;
                reason = Some(match code.value {
                    [b] => {
                        Reason::from_code(*b).ok_or_else(|| bad("CRLReason value is not defined", code.value_offset))?
                    }
                    _ => return Err(bad("CRLReason is not one octet", code.offset)),
                });
            }
            v.finish("RevokedInfo")?;
            Status::Revoked { at, reason }
        }
        0x80 | 0x82 => return Err(bad("good/unknown CertStatus with contents", status_tlv.offset)),
        _ => {
            return Err(bad(
                "CertStatus expected ([0] good, [1] revoked, [2] unknown)",
                status_tlv.offset,
            ))
        }
    };

    let mut c = Reader::new(id.value, id.value_offset);
    let alg = c.expect_tag(tag::SEQUENCE, "CertID hashAlgorithm")?;
    let name_hash = c.expect_tag(TAG_OCTET_STRING, "CertID issuerNameHash")?;
    let key_hash = c.expect_tag(TAG_OCTET_STRING, "CertID issuerKeyHash")?;
    let serial = c.expect_tag(TAG_INTEGER, "CertID serialNumber")?;
    c.finish("CertID")?;
    let mut a = Reader::new(alg.value, alg.value_offset);
    let oid = a.expect_tag(TAG_OID, "CertID hash OID")?;
    if !a.is_empty() {
        let null = a.read()?;
        if null.tag != TAG_NULL || !null.value.is_empty() {
            return Err(bad("CertID hash parameters other than NULL", null.offset));
        }
    }
    a.finish("CertID hashAlgorithm")?;
    let serial = match serial.value {
        [] => return Err(bad("empty serialNumber", serial.offset)),
        [0x00, b, ..] if b & 0x80 == 0 => return Err(bad("serialNumber not minimally encoded", serial.value_offset)),
        [0xFF, b, ..] if b & 0x80 != 0 => return Err(bad("serialNumber not minimally encoded", serial.value_offset)),
        [0x00, rest @ ..] if !rest.is_empty() => rest,
        v => v,
    };
    let Some(hash) = CertIdHash::from_oid(oid.value) else {
        return Ok(None);
    };
    Ok(Some(SingleResponse {
        hash,
        name_hash: name_hash.value,
        key_hash: key_hash.value,
        serial,
        status,
        this_update,
        next_update,
    }))
}

pub(super) struct Ext<'a> {
    pub(super) oid: &'a [u8],
    pub(super) critical: bool,
    /// The `extnValue` OCTET STRING.
    pub(super) value: Tlv<'a>,
}

/// `[n] EXPLICIT Extensions`, `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension`,
/// `Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }`
/// (RFC 5280 §4.1); duplicates are refused.
pub(super) fn extensions<'a>(explicit: &Tlv<'a>) -> Result<Vec<Ext<'a>>> {
    let mut outer = Reader::new(explicit.value, explicit.value_offset);
    let seq = outer.expect_tag(tag::SEQUENCE, "Extensions")?;
    outer.finish("Extensions")?;
    let mut r = Reader::new(seq.value, seq.value_offset);
    let mut out: Vec<Ext<'a>> = Vec::new();
    while !r.is_empty() {
        let ext = r.expect_tag(tag::SEQUENCE, "Extension")?;
        let (oid, critical, next) = extension_parts(&ext, "OCSP")?;
        if out.iter().any(|x| x.oid == oid.value) {
            return Err(bad("an extension appears twice", ext.offset));
        }
        out.push(Ext {
            oid: oid.value,
            critical,
            value: next,
        });
    }
    if out.is_empty() {
        return Err(bad("empty Extensions", seq.offset));
    }
    Ok(out)
}
