//! The card in JavaScript: `JpkiCard` over any transport object with an
//! `async transmit(Uint8Array) → Uint8Array` method (WebUSB / Web Smart Card bridges, a
//! WebSocket to a kiosk's PC/SC helper…) and, with the `virtual-card` feature, `VirtualCard`
//! — a software card that is itself such a transport. The client (and its My Number guard) is
//! the Rust one; this file only converts values.
//!
//! Operations take the client out of its slot for their duration, so a second call made while
//! one is running is refused with `JPKI_CARD_IO` ("card busy") instead of interleaving APDUs.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::to_js_error;
use crate::assertion::Purpose;
use crate::card::client::{AssertionRequest, CertificateFile, KeyRef, PinRef, PinStatus, Token};
use crate::card::{JpkiCard as Client, Transport};
use crate::error::{Error, Result};

/// A transport implemented in JavaScript: `transmit(Uint8Array)` returning a `Uint8Array` or a
/// Promise of one.
struct JsTransport {
    object: JsValue,
}

impl Transport for JsTransport {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>> {
        let io = |reason: String| Error::CardIo { reason };
        let f: js_sys::Function = Reflect::get(&self.object, &"transmit".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| io("the transport has no transmit() method".to_owned()))?;
        let answer = f
            .call1(&self.object, &Uint8Array::from(command).into())
            .map_err(|e| io(format!("transmit threw: {}", describe(&e))))?;
        let answer = match answer.dyn_into::<Promise>() {
            Ok(p) => JsFuture::from(with_timeout(p, TRANSMIT_TIMEOUT_MS))
                .await
                .map_err(|e| typed_error(&e).unwrap_or_else(|| io(format!("transmit rejected: {}", describe(&e)))))?,
            Err(v) => v,
        };
        let bytes: Uint8Array = answer
            .dyn_into()
            .map_err(|_| io("transmit must return a Uint8Array".to_owned()))?;
        if bytes.length() > 64 * 1024 {
            return Err(io("response larger than 64 KiB".to_owned()));
        }
        Ok(bytes.to_vec())
    }
}

/// Longest wait for one APDU (an RSA signature on a contactless card takes a few seconds).
const TRANSMIT_TIMEOUT_MS: f64 = 30_000.0;

/// `Promise.race([p, reject after ms])`, so a transport that never answers cannot hang the card
/// (and keep it "busy") forever.
fn with_timeout(p: Promise, ms: f64) -> Promise {
    let timer = Promise::new(&mut |_resolve, reject| {
        let set_timeout = Reflect::get(&js_sys::global(), &"setTimeout".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        if let Some(set_timeout) = set_timeout {
            let fire = Closure::once_into_js(move || {
                let _ = reject.call1(
                    &JsValue::UNDEFINED,
                    &JsValue::from_str("no answer within 30 s (timeout)"),
                );
            });
            let _ = set_timeout.call2(&JsValue::UNDEFINED, &fire, &JsValue::from_f64(ms));
        }
    });
    Promise::race(&js_sys::Array::of2(&p, &timer))
}

/// A transport's rejection that carries one of the reader or card codes (a `JpkiError` from
/// `PasoriReader`, or a bridge that reports the same codes) keeps its meaning: a card taken
/// away mid-VERIFY must stay "the try may have counted", not become a generic I/O error.
fn typed_error(e: &JsValue) -> Option<Error> {
    let code = Reflect::get(e, &"code".into()).ok()?.as_string()?;
    let reason = describe(e);
    Some(match code.as_str() {
        "JPKI_NO_CARD" => Error::NoCard,
        "JPKI_CARD_REMOVED" => Error::CardRemoved {
            pin_try_may_have_counted: Reflect::get(e, &"pinTryMayHaveCounted".into())
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(true),
        },
        "JPKI_READER_UNPLUGGED" => Error::ReaderUnplugged,
        "JPKI_READER_TIMEOUT" => Error::ReaderTimeout { what: "the reader" },
        "JPKI_READER_PROTOCOL" => Error::ReaderProtocol { reason },
        "JPKI_READER_BUSY" => Error::ReaderBusy { reason },
        "JPKI_READER_NOT_FOUND" => Error::ReaderNotFound { reason },
        _ => return None,
    })
}

fn describe(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()))
        .unwrap_or_else(|| "unknown error".to_owned())
}

/// A JPKI card client over a JavaScript transport. Every method returns a Promise and rejects
/// with a `JpkiError` (`JPKI_PIN_INCORRECT` carries `triesLeft`).
#[wasm_bindgen(js_name = JpkiCard)]
pub struct JpkiCard {
    slot: Rc<RefCell<Option<Client<JsTransport>>>>,
}

fn certificate_file(name: &str) -> Result<CertificateFile> {
    Ok(match name {
        "auth" => CertificateFile::AuthCertificate,
        "sign" => CertificateFile::SignCertificate,
        "authCa" => CertificateFile::AuthCa,
        "signCa" => CertificateFile::SignCa,
        _ => {
            return Err(invalid(
                "certificate must be \"auth\", \"sign\", \"authCa\" or \"signCa\"",
            ))
        }
    })
}

fn pin_ref(name: &str) -> Result<PinRef> {
    match name {
        "auth" => Ok(PinRef::Auth),
        "sign" => Ok(PinRef::Sign),
        _ => Err(invalid("pin must be \"auth\" or \"sign\"")),
    }
}

fn invalid(reason: &str) -> Error {
    Error::InvalidOptions {
        reason: reason.to_owned(),
    }
}

impl JpkiCard {
    /// Runs `op` with the client taken out of its slot; refuses concurrent use.
    fn run<F, Fut>(&self, op: F) -> Promise
    where
        F: FnOnce(Client<JsTransport>) -> Fut + 'static,
        Fut: core::future::Future<Output = (Client<JsTransport>, Result<JsValue>)> + 'static,
    {
        run_exclusive(self.slot.clone(), "card busy: another operation is running", op)
    }
}

/// Runs `op` on the value taken out of `slot` for its duration and puts back what it returns;
/// a call made meanwhile is refused with `JPKI_CARD_IO` (`busy`) instead of interleaving.
pub(crate) fn run_exclusive<S, F, Fut>(slot: Rc<RefCell<Option<S>>>, busy: &'static str, op: F) -> Promise
where
    S: 'static,
    F: FnOnce(S) -> Fut + 'static,
    Fut: core::future::Future<Output = (S, Result<JsValue>)> + 'static,
{
    future_to_promise(async move {
        let Some(value) = slot.borrow_mut().take() else {
            return Err(to_js_error(&Error::CardIo {
                reason: busy.to_owned(),
            }));
        };
        let (value, result) = op(value).await;
        *slot.borrow_mut() = Some(value);
        result.map_err(|e| to_js_error(&e))
    })
}

#[wasm_bindgen(js_class = JpkiCard)]
impl JpkiCard {
    /// A client over `transport` (an object with `transmit(Uint8Array) → Uint8Array |
    /// Promise<Uint8Array>`, e.g. a `VirtualCard`). All APDUs pass the My Number guard.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "{ transmit(apdu: Uint8Array): Uint8Array | Promise<Uint8Array> }")]
        transport: JsValue,
    ) -> JpkiCard {
        JpkiCard {
            slot: Rc::new(RefCell::new(Some(Client::new(JsTransport { object: transport })))),
        }
    }

    /// The token kind from EF 0006: `"card"`, `"android"`, `"iphone"` or `"unknown:<label>"`.
    #[wasm_bindgen(unchecked_return_type = "Promise<string>")]
    pub fn token(&self) -> Promise {
        self.run(|mut c| async move {
            let r = c.token().await.map(|t| {
                JsValue::from_str(&match t {
                    Token::Card => "card".to_owned(),
                    Token::Android => "android".to_owned(),
                    Token::Iphone => "iphone".to_owned(),
                    Token::Unknown(label) => format!("unknown:{label}"),
                })
            });
            (c, r)
        })
    }

    /// Reads a certificate (DER): `"auth"` (free on a card), `"sign"` (after the signature
    /// password), `"authCa"` / `"signCa"` (display only — never trusted).
    #[wasm_bindgen(js_name = readCertificate, unchecked_return_type = "Promise<Uint8Array>")]
    pub fn read_certificate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"auth\" | \"sign\" | \"authCa\" | \"signCa\"")] which: String,
    ) -> Promise {
        self.run(move |mut c| async move {
            let r = match certificate_file(&which) {
                Ok(f) => c
                    .read_certificate(f)
                    .await
                    .map(|der| Uint8Array::from(der.as_slice()).into()),
                Err(e) => Err(e),
            };
            (c, r)
        })
    }

    /// Remaining tries without spending one: a number, or `"verified"` if already verified in
    /// this session. Rejects with `JPKI_PIN_BLOCKED` when blocked.
    #[wasm_bindgen(js_name = triesLeft, unchecked_return_type = "Promise<number | \"verified\">")]
    pub fn tries_left(&self, #[wasm_bindgen(unchecked_param_type = "\"auth\" | \"sign\"")] pin: String) -> Promise {
        self.run(move |mut c| async move {
            let r = match pin_ref(&pin) {
                Ok(p) => c.tries_left(p).await.map(|s| match s {
                    PinStatus::TriesLeft(n) => JsValue::from_f64(f64::from(n)),
                    PinStatus::Verified => JsValue::from_str("verified"),
                }),
                Err(e) => Err(e),
            };
            (c, r)
        })
    }

    /// Verifies the auth PIN (4 digits) or the signature password (6–16 of A–Z 0–9, upper-cased).
    /// Never retries; refuses to spend the last try unless `allowLastTry` is true. The value is
    /// zeroised after use and never appears in an error.
    #[wasm_bindgen(js_name = verifyPin, unchecked_return_type = "Promise<void>")]
    pub fn verify_pin(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"auth\" | \"sign\"")] pin: String,
        value: String,
        #[wasm_bindgen(js_name = allowLastTry)] allow_last_try: Option<bool>,
    ) -> Promise {
        // Zeroised when dropped at the end of the operation.
        let value = zeroize::Zeroizing::new(value);
        self.run(move |mut c| async move {
            let r = match pin_ref(&pin) {
                Ok(p) => c
                    .verify_pin(p, value.as_str(), allow_last_try.unwrap_or(false))
                    .await
                    .map(|()| JsValue::UNDEFINED),
                Err(e) => Err(e),
            };
            drop(value);
            (c, r)
        })
    }

    /// Signs a DigestInfo with the `"auth"` or `"sign"` key (its PIN verified first).
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn sign(
        &self,
        #[wasm_bindgen(unchecked_param_type = "\"auth\" | \"sign\"")] key: String,
        digest_info: Vec<u8>,
    ) -> Promise {
        self.run(move |mut c| async move {
            let key = match key.as_str() {
                "auth" => Ok(KeyRef::Auth),
                "sign" => Ok(KeyRef::Sign),
                _ => Err(invalid("key must be \"auth\" or \"sign\"")),
            };
            let r = match key {
                Ok(k) => c
                    .sign(k, &digest_info)
                    .await
                    .map(|s| Uint8Array::from(s.as_slice()).into()),
                Err(e) => Err(e),
            };
            (c, r)
        })
    }

    /// Makes a complete JWS assertion (`jpki-assertion+jwt`): `{ audience, nonce, purpose, iat,
    /// exp, txn?, includeCa? }`. Account opening and sign use the signature key, login the
    /// authentication key; verify the matching PIN first.
    #[wasm_bindgen(js_name = makeAssertion, unchecked_return_type = "Promise<string>")]
    pub fn make_assertion(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "{ audience: string; nonce: string; purpose: Purpose; iat: number; exp: number; txn?: Record<string, unknown>; includeCa?: boolean }"
        )]
        request: JsValue,
    ) -> Promise {
        let parsed = assertion_request(&request);
        self.run(move |mut c| async move {
            let r = match parsed {
                Ok(req) => c.make_assertion(&req).await.map(|s| JsValue::from_str(&s)),
                Err(e) => Err(e),
            };
            (c, r)
        })
    }
}

fn assertion_request(v: &JsValue) -> Result<AssertionRequest> {
    let json = js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| invalid("request must be an object"))?;
    let o: serde_json::Value = serde_json::from_str(&json).map_err(|_| invalid("request must be an object"))?;
    let text = |k: &str| {
        o.get(k)
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| invalid(&format!("request.{k} must be a string")))
    };
    let int = |k: &str| {
        o.get(k)
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(|| invalid(&format!("request.{k} must be whole Unix seconds")))
    };
    let purpose = Purpose::parse(&text("purpose")?)
        .ok_or_else(|| invalid("request.purpose must be account-opening, login, sign or renewal"))?;
    Ok(AssertionRequest {
        audience: text("audience")?,
        nonce: text("nonce")?,
        purpose,
        iat: int("iat")?,
        exp: int("exp")?,
        txn: o.get("txn").cloned(),
        key: if purpose == Purpose::Login {
            KeyRef::Auth
        } else {
            KeyRef::Sign
        },
        include_ca: o.get("includeCa").and_then(serde_json::Value::as_bool).unwrap_or(false),
    })
}

/// A software JPKI card (test PKI keys; never a real person's): a transport for `JpkiCard`.
#[cfg(feature = "virtual-card")]
#[wasm_bindgen(js_name = VirtualCard)]
pub struct VirtualCard {
    inner: crate::card::VirtualCard,
}

#[cfg(feature = "virtual-card")]
#[wasm_bindgen(js_class = VirtualCard)]
impl VirtualCard {
    /// `{ persona?: "taro" | "hanako" | "expired" | "moved" | "movednew" | "android" | "iphone", token?: "card" | "android" | "iphone", authPin?, signPassword? }`
    /// (defaults: taro, the persona's own token — `android` and `iphone` are smartphones —,
    /// 1234, ABC123).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(
            unchecked_param_type = "{ persona?: string; token?: \"card\" | \"android\" | \"iphone\"; authPin?: string; signPassword?: string }"
        )]
        options: JsValue,
    ) -> core::result::Result<VirtualCard, JsValue> {
        let get = |k: &str| {
            if options.is_object() {
                Reflect::get(&options, &k.into()).ok().and_then(|v| v.as_string())
            } else {
                None
            }
        };
        let persona = get("persona").unwrap_or_else(|| "taro".to_owned());
        let token = match get("token").as_deref() {
            None => crate::card::VirtualToken::of_persona(&persona),
            Some("card") => crate::card::VirtualToken::Card,
            Some("android") => crate::card::VirtualToken::Android,
            Some("iphone") => crate::card::VirtualToken::Iphone,
            Some(_) => {
                return Err(to_js_error(&invalid(
                    "token must be \"card\", \"android\" or \"iphone\"",
                )))
            }
        };
        let config = crate::card::VirtualCardConfig {
            persona,
            token,
            auth_pin: get("authPin").unwrap_or_else(|| "1234".to_owned()),
            sign_password: get("signPassword").unwrap_or_else(|| "ABC123".to_owned()),
        };
        let inner = crate::card::VirtualCard::new(config).map_err(|e| to_js_error(&e))?;
        inner.power_on();
        Ok(VirtualCard { inner })
    }

    /// Processes one command APDU, returns the response APDU (data + SW1 SW2).
    pub fn transmit(&self, apdu: &[u8]) -> core::result::Result<Uint8Array, JsValue> {
        let answer = self.inner.process(apdu);
        if answer.is_empty() {
            return Err(to_js_error(&Error::CardIo {
                reason: "the virtual card is not powered".to_owned(),
            }));
        }
        Ok(Uint8Array::from(answer.as_slice()))
    }

    /// The card's ATR.
    pub fn atr(&self) -> Uint8Array {
        Uint8Array::from(self.inner.atr())
    }

    /// Removes power (clears verified PINs); `powerOn()` restores it.
    #[wasm_bindgen(js_name = powerOff)]
    pub fn power_off(&self) {
        self.inner.power_off();
    }

    /// Restores power.
    #[wasm_bindgen(js_name = powerOn)]
    pub fn power_on(&self) {
        self.inner.power_on();
    }

    /// How many times anything reached the fake My Number (always 0: the guard refuses).
    #[wasm_bindgen(js_name = myNumberReads)]
    pub fn my_number_reads(&self) -> usize {
        self.inner.my_number_reads()
    }
}
