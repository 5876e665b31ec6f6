//! Hostile and broken input: every case gets a typed error with a stable code, never a panic.
//! Runs natively and in headless Chromium (like `cert_model.rs`); in the browser it also
//! checks the JS side: the thrown value is an `Error` named `JpkiError` with `.code`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a panic is the failure report

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use jpki_verify::{parse_certificate, Error};

const TARO: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/testpki/taro-sign.der"
));

/// Deterministic pseudo-random bytes (xorshift64*), so failures reproduce.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed >> 12;
            seed ^= seed << 25;
            seed ^= seed >> 27;
            (seed.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

fn pem(der: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for chunk in der.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                b64.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                b64.push('=');
            }
        }
    }
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

fn code(input: &[u8]) -> (&'static str, Option<usize>, String) {
    match parse_certificate(input) {
        Ok(c) => panic!("accepted bad input as {}", c.subject),
        Err(e) => (e.code(), e.offset(), e.to_string()),
    }
}

#[test]
fn pem_and_der_give_the_same_model() {
    let from_pem = parse_certificate(pem(TARO).as_bytes()).unwrap();
    let from_der = parse_certificate(TARO).unwrap();
    assert_eq!(from_pem, from_der);
}

#[test]
fn truncated_der() {
    let (c, at, msg) = code(&TARO[..TARO.len() / 2]);
    assert_eq!(c, "JPKI_MALFORMED");
    assert_eq!(at, Some(1), "the outer length is what overruns: {msg}");
    assert!(msg.contains("truncated"), "{msg}");
    // Every prefix is refused without a panic.
    for n in 0..TARO.len() {
        assert!(parse_certificate(&TARO[..n]).is_err(), "prefix {n}");
    }
}

#[test]
fn trailing_bytes() {
    let mut v = TARO.to_vec();
    v.extend([0x00, 0x00]);
    let (c, at, msg) = code(&v);
    assert_eq!((c, at), ("JPKI_MALFORMED", Some(TARO.len())));
    assert!(msg.contains("trailing"), "{msg}");
}

#[test]
fn wrong_tags() {
    // Outer tag: not DER, not PEM.
    let mut v = TARO.to_vec();
    v[0] = 0x31;
    assert_eq!(code(&v).0, "JPKI_MALFORMED");
    // tbsCertificate SEQUENCE (offset 4) turned into a SET: structurally fine DER, wrong schema.
    let mut v = TARO.to_vec();
    assert_eq!(v[4], 0x30);
    v[4] = 0x31;
    assert_eq!(code(&v).0, "JPKI_MALFORMED");
    // Indefinite length at the top.
    let mut v = TARO.to_vec();
    v[1] = 0x80;
    let (c, at, msg) = code(&v);
    assert_eq!((c, at), ("JPKI_MALFORMED", Some(1)));
    assert!(msg.contains("indefinite"), "{msg}");
}

#[test]
fn every_single_byte_corruption_is_refused_or_parsed_never_a_panic() {
    for i in 0..TARO.len() {
        let mut v = TARO.to_vec();
        v[i] ^= 0xFF;
        // Either a typed error or (for bytes inside the signature or a free-text field) a parse.
        if let Err(e) = parse_certificate(&v) {
            assert!(
                matches!(e, Error::Malformed { .. } | Error::UnsupportedAlgorithm { .. }),
                "byte {i}: {e:?}"
            );
        }
    }
}

#[test]
fn ten_megabyte_random_blob() {
    let mut blob = noise(10 * 1024 * 1024, 0x1234_5678);
    blob[0] = 0x30;
    assert_eq!(code(&blob).0, "JPKI_INPUT_TOO_LARGE");
    // Random data under the size limit reaches the parser and is refused there.
    for seed in 1..50u64 {
        let mut small = noise(60_000, seed);
        small[0] = 0x30;
        assert_eq!(code(&small).0, "JPKI_MALFORMED", "seed {seed}");
    }
}

#[test]
fn pem_with_garbage() {
    let good = pem(TARO);
    let bad = good.replacen("\n", "\n@@@", 1);
    let (c, at, msg) = code(bad.as_bytes());
    assert_eq!((c, at), ("JPKI_MALFORMED", Some(28)), "{msg}");
    let random_body = pem(&noise(900, 7));
    assert_eq!(code(random_body.as_bytes()).0, "JPKI_MALFORMED");
    assert_eq!(
        code(b"-----BEGIN CERTIFICATE-----\nnot base64 at all\n").0,
        "JPKI_MALFORMED"
    );
    assert_eq!(
        code(b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n").0,
        "JPKI_MALFORMED"
    );
    // A PEM of a truncated certificate: the error says where in the DER.
    let (_, _, msg) = code(pem(&TARO[..100]).as_bytes());
    assert!(msg.contains("PEM body"), "{msg}");
}

#[cfg(target_arch = "wasm32")]
mod js_errors {
    use js_sys::{Reflect, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn thrown(input: JsValue) -> js_sys::Error {
        let err = jpki_verify::wasm::parse_certificate(input).expect_err("must throw");
        err.dyn_into::<js_sys::Error>().expect("an Error instance")
    }

    fn prop(e: &js_sys::Error, key: &str) -> JsValue {
        Reflect::get(e, &JsValue::from_str(key)).unwrap()
    }

    #[test]
    fn js_error_has_code_name_and_offset() {
        let mut v = super::TARO.to_vec();
        v.push(0);
        let e = thrown(Uint8Array::from(&v[..]).into());
        assert_eq!(String::from(e.name()), "JpkiError");
        assert_eq!(prop(&e, "code").as_string().as_deref(), Some("JPKI_MALFORMED"));
        assert_eq!(prop(&e, "offset").as_f64(), Some(super::TARO.len() as f64));
        assert!(String::from(e.message()).contains("trailing"));
    }

    #[test]
    fn js_wrong_input_types_and_huge_input() {
        let e = thrown(JsValue::from_f64(42.0));
        assert_eq!(prop(&e, "code").as_string().as_deref(), Some("JPKI_MALFORMED"));
        let e = thrown(Uint8Array::new_with_length(10 * 1024 * 1024).into());
        assert_eq!(prop(&e, "code").as_string().as_deref(), Some("JPKI_INPUT_TOO_LARGE"));
        let e = thrown(JsValue::from_str(
            "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----",
        ));
        assert_eq!(prop(&e, "code").as_string().as_deref(), Some("JPKI_MALFORMED"));
    }

    #[test]
    fn js_accepts_bytes_buffer_and_pem_string() {
        let ok = jpki_verify::wasm::parse_certificate(Uint8Array::from(super::TARO).into()).unwrap();
        assert_eq!(
            Reflect::get(&ok, &"kind".into()).unwrap().as_string().as_deref(),
            Some("signature")
        );
        let buf = Uint8Array::from(super::TARO).buffer();
        assert!(jpki_verify::wasm::parse_certificate(buf.into()).is_ok());
        assert!(jpki_verify::wasm::parse_certificate(JsValue::from_str(&super::pem(super::TARO))).is_ok());
        let id = Reflect::get(&ok, &"identity".into()).unwrap();
        let dob = Reflect::get(&id, &"dateOfBirth".into()).unwrap();
        assert_eq!(
            Reflect::get(&dob, &"gregorian".into()).unwrap().as_string().as_deref(),
            Some("1985-04-12")
        );
    }
}

#[test]
fn keys_passed_as_certificates_are_named() {
    let key = include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/testpki/taro-sign.key.der"
    ));
    let (c, at, msg) = code(key);
    assert_eq!((c, at), ("JPKI_MALFORMED", Some(0)));
    assert!(msg.contains("PKCS#8 private key, not a certificate"), "{msg}");
}
