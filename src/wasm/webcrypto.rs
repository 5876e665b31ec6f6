//! The WebCrypto provider: answers [`SignatureCheck`]s with `crypto.subtle.verify`
//! (browsers, Cloudflare workerd, Deno, Node ≥ 19). Asynchronous, so it is not a
//! [`crate::CryptoProvider`]; [`verify_check`] is awaited once per check and the core finishes
//! the verdict from the answers (see `crate::assertion`).
//!
//! Inputs are normalised in Rust first so that WebCrypto sees exactly what RustCrypto sees:
//! DER ECDSA signatures are parsed strictly (p256's DER decoder) and converted to the `r ‖ s`
//! form WebCrypto takes; RSASSA-PSS keys are accepted only with the parameters we allow and
//! handed to `importKey` as plain rsaEncryption keys (Chromium refuses id-RSASSA-PSS SPKI).

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::crypto::{spki_for_webcrypto, SignatureAlgorithm, SignatureCheck};
use crate::error::{Error, Result};

fn js_err(what: &str) -> Error {
    Error::Malformed {
        what: format!("WebCrypto: {what}").into(),
        offset: None,
    }
}

fn subtle() -> Result<JsValue> {
    let global = js_sys::global();
    let crypto = Reflect::get(&global, &"crypto".into()).map_err(|_| js_err("no global crypto"))?;
    let subtle = Reflect::get(&crypto, &"subtle".into()).map_err(|_| js_err("no crypto.subtle"))?;
    if subtle.is_undefined() {
        return Err(Error::UnsupportedAlgorithm {
            oid: "WebCrypto (crypto.subtle) is not available in this runtime".to_owned(),
        });
    }
    Ok(subtle)
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &(*k).into(), v);
    }
    o.into()
}

async fn call(subtle: &JsValue, method: &str, args: &[JsValue]) -> core::result::Result<JsValue, JsValue> {
    let f: js_sys::Function = Reflect::get(subtle, &method.into())?.dyn_into()?;
    let arr = js_sys::Array::new();
    for a in args {
        arr.push(a);
    }
    let promise: js_sys::Promise = f.apply(subtle, &arr)?.dyn_into()?;
    JsFuture::from(promise).await
}

/// Imported keys, least recently used first: the J-LIS CA keys recur on every verification and
/// stay (a hit moves a key to the end), while each holder's key is used once and is evicted
/// first. Bounded; a key is a pure function of `(import algorithm, SPKI)`, so caching cannot
/// change an answer.
const KEY_CACHE_SIZE: usize = 16;

thread_local! {
    static KEY_CACHE: core::cell::RefCell<Vec<(String, JsValue)>> =
        const { core::cell::RefCell::new(Vec::new()) };
}

/// The key as a JWK (RFC 7518 §6.2/§6.3) when it is an RSA key or an uncompressed P-256 point:
/// importing `jwk` is several times cheaper than `spki` in some engines (measured in Node 20:
/// 19 µs vs 116 µs per RSA-2048 key), and a fresh holder key is imported on every verification.
fn jwk_for(spki: &[u8]) -> Option<JsValue> {
    use crate::assertion::jws::encode_base64url;
    use crate::crypto::spki::{parse, KeyKind};
    use crate::der::Reader;
    let p = parse(spki).ok()?;
    match p.kind {
        KeyKind::Rsa | KeyKind::RsaPss { .. } => {
            let mut r = Reader::new(p.key, 0);
            let seq = r.expect_tag(0x30, "RSAPublicKey").ok()?;
            let mut k = Reader::new(seq.value, seq.value_offset);
            let n = k.expect_tag(0x02, "n").ok()?;
            let e = k.expect_tag(0x02, "e").ok()?;
            k.finish("RSAPublicKey").ok()?;
            let strip = |v: &[u8]| -> Vec<u8> { v.iter().copied().skip_while(|&b| b == 0).collect() };
            Some(object(&[
                ("kty", "RSA".into()),
                ("n", encode_base64url(&strip(n.value)).into()),
                ("e", encode_base64url(&strip(e.value)).into()),
            ]))
        }
        KeyKind::EcP256 if p.key.len() == 65 && p.key[0] == 0x04 => Some(object(&[
            ("kty", "EC".into()),
            ("crv", "P-256".into()),
            ("x", encode_base64url(&p.key[1..33]).into()),
            ("y", encode_base64url(&p.key[33..65]).into()),
        ])),
        KeyKind::EcP256 => None,
    }
}

async fn import_uncached(subtle: &JsValue, format: JsValue, key: JsValue, import_alg: JsValue) -> Result<JsValue> {
    let usages = js_sys::Array::of1(&"verify".into());
    call(
        subtle,
        "importKey",
        &[format, key, import_alg, JsValue::FALSE, usages.into()],
    )
    .await
    .map_err(|_| Error::SignatureInvalid { what: "signature" })
}

async fn import_key(
    subtle: &JsValue,
    cache_id: &str,
    format: JsValue,
    key: JsValue,
    import_alg: JsValue,
) -> Result<JsValue> {
    let cached = KEY_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let i = c.iter().position(|(id, _)| id == cache_id)?;
        let entry = c.remove(i);
        let key = entry.1.clone();
        c.push(entry);
        Some(key)
    });
    if let Some(key) = cached {
        return Ok(key);
    }
    let imported = import_uncached(subtle, format, key, import_alg).await?;
    KEY_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= KEY_CACHE_SIZE {
            c.remove(0);
        }
        c.push((cache_id.to_owned(), imported.clone()));
    });
    Ok(imported)
}

/// What WebCrypto needs for one check, as a JS object `{ cacheKey, format, key, importAlg,
/// verifyAlg, signature, message }`.
pub(crate) fn job(check: &SignatureCheck) -> Result<JsValue> {
    let (spki, signature) = spki_for_webcrypto(check)?;
    let (import_alg, verify_alg) = match check.algorithm {
        SignatureAlgorithm::RsaPkcs1Sha1
        | SignatureAlgorithm::RsaPkcs1Sha256
        | SignatureAlgorithm::RsaPkcs1Sha384
        | SignatureAlgorithm::RsaPkcs1Sha512 => {
            let hash = match check.algorithm {
                SignatureAlgorithm::RsaPkcs1Sha1 => "SHA-1",
                SignatureAlgorithm::RsaPkcs1Sha384 => "SHA-384",
                SignatureAlgorithm::RsaPkcs1Sha512 => "SHA-512",
                _ => "SHA-256",
            };
            let a = object(&[("name", "RSASSA-PKCS1-v1_5".into()), ("hash", hash.into())]);
            (a.clone(), a)
        }
        SignatureAlgorithm::RsaPssSha256 => (
            object(&[("name", "RSA-PSS".into()), ("hash", "SHA-256".into())]),
            object(&[("name", "RSA-PSS".into()), ("saltLength", JsValue::from_f64(32.0))]),
        ),
        SignatureAlgorithm::EcdsaP256Sha256Der | SignatureAlgorithm::EcdsaP256Sha256Raw => (
            object(&[("name", "ECDSA".into()), ("namedCurve", "P-256".into())]),
            object(&[("name", "ECDSA".into()), ("hash", "SHA-256".into())]),
        ),
    };
    let cache_id = match check.algorithm {
        SignatureAlgorithm::RsaPkcs1Sha1 => "rsa-pkcs1-sha1",
        SignatureAlgorithm::RsaPkcs1Sha256 => "rsa-pkcs1-sha256",
        SignatureAlgorithm::RsaPkcs1Sha384 => "rsa-pkcs1-sha384",
        SignatureAlgorithm::RsaPkcs1Sha512 => "rsa-pkcs1-sha512",
        SignatureAlgorithm::RsaPssSha256 => "rsa-pss-sha256",
        SignatureAlgorithm::EcdsaP256Sha256Der | SignatureAlgorithm::EcdsaP256Sha256Raw => "ecdsa-p256",
    };
    let (format, key, cache_key) = match jwk_for(&spki) {
        Some(jwk) => {
            // The public key's identity for caching: n (RSA) or x‖y (EC), already base64url.
            let part = |k: &str| {
                Reflect::get(&jwk, &k.into())
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default()
            };
            let id = format!("{cache_id}:{}{}{}", part("n"), part("x"), part("y"));
            ("jwk", jwk, JsValue::from_str(&id))
        }
        None => ("spki", Uint8Array::from(spki.as_slice()).into(), JsValue::NULL),
    };
    Ok(object(&[
        ("cacheKey", cache_key),
        ("format", format.into()),
        ("key", key),
        ("importAlg", import_alg),
        ("verifyAlg", verify_alg),
        ("signature", Uint8Array::from(signature.as_slice()).into()),
        ("message", Uint8Array::from(check.message.as_slice()).into()),
    ]))
}

/// One check for the JS driver (`pkg/webcrypto-driver.js`) as a flat array
/// `[kind, a, b, spki, signature, message]`: `kind` indexes the driver's table of WebCrypto
/// algorithms (0–3 RSASSA-PKCS1-v1_5 with SHA-1/256/384/512, 4 RSA-PSS SHA-256 salt 32,
/// 5 ECDSA P-256 SHA-256); `a`, `b` are the JWK members (`n`, `e` or `x`, `y`, base64url) when
/// the key has a JWK form, else `null` and `spki` is the DER to import. `null` for a check that
/// cannot succeed (key/algorithm mismatch, malformed DER signature): the driver answers false,
/// as [`verify_check`] does.
pub(crate) fn js_job(check: &SignatureCheck) -> JsValue {
    let Ok((spki, signature)) = spki_for_webcrypto(check) else {
        return JsValue::NULL;
    };
    let kind: u8 = match check.algorithm {
        SignatureAlgorithm::RsaPkcs1Sha1 => 0,
        SignatureAlgorithm::RsaPkcs1Sha256 => 1,
        SignatureAlgorithm::RsaPkcs1Sha384 => 2,
        SignatureAlgorithm::RsaPkcs1Sha512 => 3,
        SignatureAlgorithm::RsaPssSha256 => 4,
        SignatureAlgorithm::EcdsaP256Sha256Der | SignatureAlgorithm::EcdsaP256Sha256Raw => 5,
    };
    let job = js_sys::Array::new_with_length(6);
    job.set(0, JsValue::from(kind));
    match jwk_parts(&spki) {
        Some((a, b)) => {
            job.set(1, JsValue::from_str(&a));
            job.set(2, JsValue::from_str(&b));
            job.set(3, JsValue::NULL);
        }
        None => {
            job.set(1, JsValue::NULL);
            job.set(2, JsValue::NULL);
            job.set(3, Uint8Array::from(spki.as_slice()).into());
        }
    }
    job.set(4, Uint8Array::from(signature.as_slice()).into());
    job.set(5, Uint8Array::from(check.message.as_slice()).into());
    job.into()
}

/// The JWK members of a key (RFC 7518 §6.3.1 `n`, `e` for RSA; §6.2.1 `x`, `y` for an
/// uncompressed P-256 point), base64url; `None` when it has no such form (compressed point).
fn jwk_parts(spki: &[u8]) -> Option<(String, String)> {
    use crate::assertion::jws::encode_base64url;
    use crate::crypto::spki::{parse, KeyKind};
    use crate::der::Reader;
    let p = parse(spki).ok()?;
    match p.kind {
        KeyKind::Rsa | KeyKind::RsaPss { .. } => {
            let mut r = Reader::new(p.key, 0);
            let seq = r.expect_tag(0x30, "RSAPublicKey").ok()?;
            let mut k = Reader::new(seq.value, seq.value_offset);
            let n = k.expect_tag(0x02, "n").ok()?;
            let e = k.expect_tag(0x02, "e").ok()?;
            k.finish("RSAPublicKey").ok()?;
            let strip = |v: &'_ [u8]| -> usize { v.iter().take_while(|&&b| b == 0).count() };
            Some((
                encode_base64url(&n.value[strip(n.value)..]),
                encode_base64url(&e.value[strip(e.value)..]),
            ))
        }
        KeyKind::EcP256 if p.key.len() == 65 && p.key[0] == 0x04 => {
            Some((encode_base64url(&p.key[1..33]), encode_base64url(&p.key[33..65])))
        }
        KeyKind::EcP256 => None,
    }
}

/// Answers one check with WebCrypto, driven from Rust.
pub(crate) async fn verify_check(check: &SignatureCheck) -> Result<()> {
    let subtle = subtle()?;
    let job = job(check)?;
    let get = |k: &str| Reflect::get(&job, &k.into()).unwrap_or(JsValue::UNDEFINED);
    let key = match get("cacheKey").as_string() {
        Some(id) => import_key(&subtle, &id, get("format"), get("key"), get("importAlg")).await?,
        None => import_uncached(&subtle, get("format"), get("key"), get("importAlg")).await?,
    };
    let ok = call(
        &subtle,
        "verify",
        &[get("verifyAlg"), key, get("signature"), get("message")],
    )
    .await
    .map_err(|_| Error::SignatureInvalid { what: "signature" })?;
    if ok.as_bool() == Some(true) {
        Ok(())
    } else {
        Err(Error::SignatureInvalid { what: "signature" })
    }
}
