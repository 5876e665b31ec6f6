//! The WebUSB adapter (feature `reader`): the Rust RC-S380 driver stack (`crate::reader`) over a
//! `USBDevice` — bound **duck-typed**, so a real WebUSB device and a scripted one (the browser
//! tests' simulator-backed fake) both fit (`docs/readers.md` §6.2). There is no second driver in JS:
//! this file only moves bytes and maps DOMExceptions to typed errors.
//!
//! `PasoriReader` is itself a card transport (`transmit(apdu) → Promise<Uint8Array>`), so the
//! JS `JpkiCard` runs over it unchanged.
//!
//! WebUSB has no transfer timeout. The watchdog here races each `transferIn` against a timer;
//! on expiry the driver sends the host ACK (which cancels the command in the chip) and reports
//! `JPKI_READER_TIMEOUT`. The `transferIn` that timed out is **kept as the next read** (USB
//! delivers IN data in order to the transfer that is pending), so a late answer is never lost
//! or taken for the answer to a later command; after a timeout or protocol error the next
//! `connectCard` re-initialises the reader (ACK, drain, command type, field off), and `close()`
//! aborts whatever is still pending.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::to_js_error;
use crate::card::Transport;
use crate::error::{Error, Result};
use crate::reader::rcs300::{Rcs300, PRODUCT_IDS as RCS300_PRODUCT_IDS};
use crate::reader::rcs380::{Rcs380, Rcs380Policy, PRODUCT_IDS, VENDOR_ID};
use crate::reader::usb::BulkDevice;
use crate::reader::{typeb, ContactlessCard, Initiator, IsoDepPolicy, PollPolicy};

#[wasm_bindgen(typescript_custom_section)]
const USB_DEVICE_LIKE: &str = r#"
/** The part of WebUSB's `USBDevice` the PaSoRi driver uses (a real `USBDevice` fits). */
export interface UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly productName?: string;
  readonly opened: boolean;
  readonly configuration: { configurationValue: number; interfaces: Array<{ interfaceNumber: number; alternate: { endpoints: Array<{ endpointNumber: number; direction: "in" | "out"; type: string; packetSize: number }> } }> } | null;
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  releaseInterface(interfaceNumber: number): Promise<void>;
  transferOut(endpointNumber: number, data: Uint8Array): Promise<{ status: string; bytesWritten: number }>;
  transferIn(endpointNumber: number, length: number): Promise<{ status: string; data?: DataView }>;
}

/** How long `connectCard` and `waitForRemoval` look (defaults: a poll every 200 ms for 30 s). */
export interface PollOptions { pauseMs?: number; deadlineMs?: number }
"#;

#[wasm_bindgen]
extern "C" {
    /// A WebUSB `USBDevice`, or anything with the same members.
    #[wasm_bindgen(typescript_type = "UsbDeviceLike")]
    #[derive(Clone)]
    pub type UsbDeviceLike;

    #[wasm_bindgen(method, structural, catch)]
    fn open(this: &UsbDeviceLike) -> core::result::Result<Promise, JsValue>;
    #[wasm_bindgen(method, structural, catch)]
    fn close(this: &UsbDeviceLike) -> core::result::Result<Promise, JsValue>;
    #[wasm_bindgen(method, structural, catch, js_name = selectConfiguration)]
    fn select_configuration(this: &UsbDeviceLike, value: u8) -> core::result::Result<Promise, JsValue>;
    #[wasm_bindgen(method, structural, catch, js_name = claimInterface)]
    fn claim_interface(this: &UsbDeviceLike, number: u8) -> core::result::Result<Promise, JsValue>;
    #[wasm_bindgen(method, structural, catch, js_name = releaseInterface)]
    fn release_interface(this: &UsbDeviceLike, number: u8) -> core::result::Result<Promise, JsValue>;
    #[wasm_bindgen(method, structural, catch, js_name = transferOut)]
    fn transfer_out(this: &UsbDeviceLike, endpoint: u8, data: &Uint8Array) -> core::result::Result<Promise, JsValue>;
    #[wasm_bindgen(method, structural, catch, js_name = transferIn)]
    fn transfer_in(this: &UsbDeviceLike, endpoint: u8, length: u32) -> core::result::Result<Promise, JsValue>;
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn get_u32(object: &JsValue, key: &str) -> Option<u32> {
    get(object, key).as_f64().and_then(|f| {
        if f >= 0.0 && f <= f64::from(u32::MAX) && f.fract() == 0.0 {
            Some(f as u32)
        } else {
            None
        }
    })
}

/// Maps a WebUSB rejection to a typed error (`docs/readers.md` §1.1, WebUSB spec).
fn usb_error(e: &JsValue, during: &str) -> Error {
    let name = get(e, "name").as_string().unwrap_or_default();
    let message = get(e, "message")
        .as_string()
        .or_else(|| e.as_string())
        .unwrap_or_default();
    match name.as_str() {
        "NotFoundError" => Error::ReaderUnplugged,
        "SecurityError" => Error::ReaderBusy {
            reason: format!(
                "{during}: access denied ({message}); on Linux check the udev rule, and that the page is allowed the device (docs/kiosk.md)"
            ),
        },
        "NetworkError" if during.starts_with("claim") => Error::ReaderBusy {
            reason: format!(
                "{during}: the interface is held by another driver or program (Linux port100: blacklist it; Windows: the Sony driver instead of WinUSB; another tab) ({message})"
            ),
        },
        "NetworkError" => Error::ReaderUnplugged,
        "AbortError" => Error::ReaderTimeout { what: "a USB transfer was aborted" },
        _ => Error::ReaderProtocol {
            reason: format!("{during}: {name} {message}"),
        },
    }
}

async fn call(promise: core::result::Result<Promise, JsValue>, during: &str) -> Result<JsValue> {
    let promise = promise.map_err(|e| usb_error(&e, during))?;
    JsFuture::from(promise).await.map_err(|e| usb_error(&e, during))
}

/// `setTimeout` as a Promise resolving to `value`; the timer id to clear it.
fn timer(ms: u32, value: JsValue) -> (Promise, JsValue) {
    let id = Rc::new(RefCell::new(JsValue::UNDEFINED));
    let id_in = id.clone();
    let promise = Promise::new(&mut |resolve, _reject| {
        let set_timeout = get(&js_sys::global(), "setTimeout").dyn_into::<js_sys::Function>().ok();
        if let Some(set_timeout) = set_timeout {
            let value = value.clone();
            let fire = Closure::once_into_js(move || {
                let _ = resolve.call1(&JsValue::UNDEFINED, &value);
            });
            if let Ok(handle) = set_timeout.call2(&JsValue::UNDEFINED, &fire, &JsValue::from_f64(f64::from(ms))) {
                *id_in.borrow_mut() = handle;
            }
        }
    });
    let handle = id.borrow().clone();
    (promise, handle)
}

fn clear_timer(handle: &JsValue) {
    if let Ok(clear) = get(&js_sys::global(), "clearTimeout").dyn_into::<js_sys::Function>() {
        let _ = clear.call1(&JsValue::UNDEFINED, handle);
    }
}

/// Bulk transfers on a `USBDevice`'s interface.
struct WebUsbBulk {
    device: UsbDeviceLike,
    interface: u8,
    endpoint_in: u8,
    endpoint_out: u8,
    packet_size: usize,
    pending_in: Option<Promise>,
}

const TIMEOUT_SENTINEL: &str = "jpki-verify: transferIn watchdog";

impl BulkDevice for WebUsbBulk {
    async fn transfer_out(&mut self, bytes: &[u8]) -> Result<()> {
        let result = call(
            self.device.transfer_out(self.endpoint_out, &Uint8Array::from(bytes)),
            "transferOut",
        )
        .await?;
        match get(&result, "status").as_string().as_deref() {
            Some("ok") => Ok(()),
            status => Err(Error::ReaderProtocol {
                reason: format!("transferOut status {status:?}"),
            }),
        }
    }

    async fn transfer_in(&mut self, max_len: usize, timeout_ms: u32) -> Result<Vec<u8>> {
        let length = u32::try_from(max_len).unwrap_or(u32::MAX);
        let pending = match self.pending_in.take() {
            Some(p) => p,
            None => self
                .device
                .transfer_in(self.endpoint_in, length)
                .map_err(|e| usb_error(&e, "transferIn"))?,
        };
        let (watchdog, handle) = timer(timeout_ms, JsValue::from_str(TIMEOUT_SENTINEL));
        let raced = JsFuture::from(Promise::race(&js_sys::Array::of2(&pending, &watchdog))).await;
        clear_timer(&handle);
        let result = raced.map_err(|e| usb_error(&e, "transferIn"))?;
        if result.as_string().as_deref() == Some(TIMEOUT_SENTINEL) {
            self.pending_in = Some(pending);
            return Err(Error::ReaderTimeout {
                what: "WebUSB transferIn",
            });
        }
        match get(&result, "status").as_string().as_deref() {
            Some("ok") => {}
            status => {
                return Err(Error::ReaderProtocol {
                    reason: format!("transferIn status {status:?}"),
                })
            }
        }
        let data = get(&result, "data");
        let view: js_sys::DataView = data.dyn_into().map_err(|_| Error::ReaderProtocol {
            reason: "transferIn gave no data".to_owned(),
        })?;
        let bytes = Uint8Array::new_with_byte_offset_and_length(
            &view.buffer(),
            view.byte_offset() as u32,
            view.byte_length() as u32,
        )
        .to_vec();
        if bytes.len() > max_len {
            return Err(Error::ReaderProtocol {
                reason: format!("transferIn returned {} bytes (asked for {max_len})", bytes.len()),
            });
        }
        Ok(bytes)
    }

    fn max_packet_size(&self) -> usize {
        self.packet_size
    }

    async fn pause(&mut self, ms: u32) {
        let (p, _) = timer(ms, JsValue::UNDEFINED);
        let _ = JsFuture::from(p).await;
    }

    fn now_ms(&mut self) -> u64 {
        let performance = get(&js_sys::global(), "performance");
        let now = get(&performance, "now")
            .dyn_into::<js_sys::Function>()
            .ok()
            .and_then(|f| f.call0(&performance).ok())
            .and_then(|v| v.as_f64())
            .unwrap_or_else(js_sys::Date::now);
        now.max(0.0) as u64
    }
}

impl WebUsbBulk {
    /// `open()` (if needed), configuration 1, the first interface with a bulk IN and a bulk OUT
    /// endpoint (endpoints 1 IN / 2 OUT when the descriptor says nothing), claimed.
    async fn open(device: UsbDeviceLike, rcs300: bool) -> Result<WebUsbBulk> {
        let vendor = get_u32(&device, "vendorId");
        let product = get_u32(&device, "productId");
        let is = |ids: &[u16]| {
            vendor == Some(u32::from(VENDOR_ID)) && product.is_some_and(|p| ids.iter().any(|id| u32::from(*id) == p))
        };
        if is(&RCS300_PRODUCT_IDS) && !rcs300 {
            return Err(Error::ReaderNotFound {
                reason: "an RC-S300: its WebUSB path (the vendor interface) is experimental and unconfirmed with a My Number Card; use it through PC/SC (pcscd + libccid), or PasoriReader.openExperimentalRcs300 (docs/kiosk.md)".to_owned(),
            });
        }
        if !is(&PRODUCT_IDS) && !is(&RCS300_PRODUCT_IDS) {
            return Err(Error::ReaderNotFound {
                reason: format!(
                    "not a PaSoRi RC-S380 (USB {:04X}:{:04X})",
                    vendor.unwrap_or(0),
                    product.unwrap_or(0)
                ),
            });
        }
        if get(&device, "opened").as_bool() != Some(true) {
            call(device.open(), "open").await?;
        }
        let configured = get_u32(&get(&device, "configuration"), "configurationValue");
        if configured != Some(1) {
            call(device.select_configuration(1), "selectConfiguration(1)").await?;
        }
        let (interface, endpoint_in, endpoint_out, packet_size) =
            bulk_endpoints(&get(&device, "configuration")).unwrap_or((0, 1, 2, 64));
        call(
            device.claim_interface(interface),
            &format!("claimInterface({interface})"),
        )
        .await?;
        Ok(WebUsbBulk {
            device,
            interface,
            endpoint_in,
            endpoint_out,
            packet_size,
            pending_in: None,
        })
    }

    async fn release(self) {
        let _ = call(self.device.release_interface(self.interface), "releaseInterface").await;
        let _ = call(self.device.close(), "close").await;
    }
}

/// (interface, bulk IN endpoint, bulk OUT endpoint, OUT packet size) of the first
/// vendor-class (`FF`) interface with both, else the first interface with both (nfcpy and the
/// kernel do not hard-code them either). On the RC-S300 that skips the CCID interface 0, a
/// protected class in WebUSB (`docs/readers.md` §2.1).
fn bulk_endpoints(configuration: &JsValue) -> Option<(u8, u8, u8, usize)> {
    let interfaces: js_sys::Array = get(configuration, "interfaces").dyn_into().ok()?;
    let class = |i: &JsValue| get_u32(&get(i, "alternate"), "interfaceClass");
    let mut ordered: Vec<JsValue> = interfaces.iter().filter(|i| class(i) == Some(0xFF)).collect();
    ordered.extend(interfaces.iter().filter(|i| class(i) != Some(0xFF)));
    for interface in ordered {
        let endpoints: js_sys::Array = get(&get(&interface, "alternate"), "endpoints").dyn_into().ok()?;
        let mut found_in = None;
        let mut found_out = None;
        for e in endpoints.iter() {
            if get(&e, "type").as_string().as_deref() != Some("bulk") {
                continue;
            }
            let number = u8::try_from(get_u32(&e, "endpointNumber")?).ok()?;
            match get(&e, "direction").as_string().as_deref() {
                Some("in") if found_in.is_none() => found_in = Some(number),
                Some("out") if found_out.is_none() => {
                    found_out = Some((number, get_u32(&e, "packetSize").unwrap_or(64) as usize))
                }
                _ => {}
            }
        }
        if let (Some(i), Some((o, size))) = (found_in, found_out) {
            let number = u8::try_from(get_u32(&interface, "interfaceNumber")?).ok()?;
            return Some((number, i, o, size.max(8)));
        }
    }
    None
}

/// The reader's chip: the RC-S380, or the RC-S300's vendor interface (experimental).
enum Chip {
    Rcs380(Rcs380<WebUsbBulk>),
    Rcs300(Rcs300<WebUsbBulk>),
}

impl Chip {
    async fn reinitialise(&mut self) -> Result<()> {
        match self {
            Chip::Rcs380(r) => r.reinitialise().await,
            Chip::Rcs300(r) => r.initialise().await,
        }
    }

    fn device_mut(&mut self) -> &mut WebUsbBulk {
        match self {
            Chip::Rcs380(r) => r.device_mut(),
            Chip::Rcs300(r) => r.device_mut(),
        }
    }
}

impl Initiator for Chip {
    async fn exchange(
        &mut self,
        frame: &[u8],
        timeout_ms: u32,
    ) -> Result<core::result::Result<Vec<u8>, crate::reader::RfFault>> {
        match self {
            Chip::Rcs380(r) => r.exchange(frame, timeout_ms).await,
            Chip::Rcs300(r) => r.exchange(frame, timeout_ms).await,
        }
    }
    async fn pause(&mut self, ms: u32) {
        self.device_mut().pause(ms).await;
    }
    fn now_ms(&mut self) -> u64 {
        self.device_mut().now_ms()
    }
    async fn field_off(&mut self) -> Result<()> {
        match self {
            Chip::Rcs380(r) => r.field_off().await,
            Chip::Rcs300(r) => r.field_off().await,
        }
    }
}

enum State {
    /// Initialised, no card session.
    Idle(Chip),
    /// A card activated and in an ISO-DEP session.
    Card(ContactlessCard<Chip>),
    /// After a timeout or protocol error: re-initialise before the next use.
    Suspect(Chip),
    Closed,
}

/// A Sony PaSoRi RC-S380 driven from the page over WebUSB by the SDK's Rust driver. Also a
/// card transport: `new JpkiCard(reader)` after `connectCard()`.
#[wasm_bindgen(js_name = PasoriReader)]
pub struct PasoriReader {
    state: Rc<RefCell<Option<State>>>,
    firmware: String,
    product: String,
    apdus: Rc<RefCell<u64>>,
}

fn poll_policy(options: &JsValue) -> PollPolicy {
    let default = PollPolicy::default();
    PollPolicy {
        pause_ms: get_u32(options, "pauseMs").unwrap_or(default.pause_ms),
        deadline_ms: get_u32(options, "deadlineMs").unwrap_or(default.deadline_ms),
    }
}

fn suspect(e: &Error) -> bool {
    matches!(e, Error::ReaderTimeout { .. } | Error::ReaderProtocol { .. })
}

impl PasoriReader {
    /// Runs `op` on the state taken out of its slot (a second call meanwhile is "busy").
    fn run<F, Fut>(&self, op: F) -> Promise
    where
        F: FnOnce(State) -> Fut + 'static,
        Fut: core::future::Future<Output = (State, Result<JsValue>)> + 'static,
    {
        super::card::run_exclusive(
            self.state.clone(),
            "reader busy: another operation is running (one command at a time)",
            op,
        )
    }
}

/// The reader in the Idle state, re-initialised if it was suspect.
async fn idle(state: State) -> core::result::Result<Chip, (State, Error)> {
    match state {
        State::Idle(reader) => Ok(reader),
        State::Card(card) => {
            let mut reader = card.into_reader();
            let _ = reader.field_off().await;
            Ok(reader)
        }
        State::Suspect(mut reader) => match reader.reinitialise().await {
            Ok(()) => Ok(reader),
            Err(Error::ReaderUnplugged) => Err((State::Closed, Error::ReaderUnplugged)),
            Err(e) => Err((State::Suspect(reader), e)),
        },
        State::Closed => Err((State::Closed, Error::ReaderUnplugged)),
    }
}

/// Where a reader goes after `e`.
fn after_error(reader: Chip, e: &Error) -> State {
    match e {
        Error::ReaderUnplugged => State::Closed,
        e if suspect(e) => State::Suspect(reader),
        _ => State::Idle(reader),
    }
}

#[wasm_bindgen(js_class = PasoriReader)]
impl PasoriReader {
    /// Opens `device` (a `USBDevice` for 054C:06C1 or 06C3), claims its bulk interface and
    /// initialises the chip. Rejects with `JPKI_READER_BUSY` when another driver holds it. An
    /// RC-S300 is refused (`JPKI_READER_NOT_FOUND`: use it through PC/SC, or
    /// `openExperimentalRcs300`).
    #[wasm_bindgen(unchecked_return_type = "Promise<PasoriReader>")]
    pub fn open(device: UsbDeviceLike) -> Promise {
        Self::open_with(device, false)
    }

    /// **EXPERIMENTAL**: opens an RC-S300 (0DC8 / 0DC9) through its vendor interface (or an
    /// RC-S380 as `open` does). Type B over the RC-S300's vendor interface is unconfirmed with a
    /// My Number Card (docs/kiosk.md); the supported RC-S300 path is PC/SC.
    #[wasm_bindgen(js_name = openExperimentalRcs300, unchecked_return_type = "Promise<PasoriReader>")]
    pub fn open_experimental_rcs300(device: UsbDeviceLike) -> Promise {
        Self::open_with(device, true)
    }
}

impl PasoriReader {
    fn open_with(device: UsbDeviceLike, rcs300: bool) -> Promise {
        future_to_promise(async move {
            let is_rcs300 =
                get_u32(&device, "productId").is_some_and(|p| RCS300_PRODUCT_IDS.iter().any(|id| u32::from(*id) == p));
            let product = get(&device, "productName")
                .as_string()
                .unwrap_or_else(|| if is_rcs300 { "RC-S300" } else { "RC-S380" }.to_owned());
            let bulk = WebUsbBulk::open(device, rcs300).await.map_err(|e| to_js_error(&e))?;
            let (reader, firmware) = if is_rcs300 {
                let r = Rcs300::open(bulk).await.map_err(|e| to_js_error(&e))?;
                (Chip::Rcs300(r), "experimental".to_owned())
            } else {
                let r = Rcs380::open(bulk, Rcs380Policy::default())
                    .await
                    .map_err(|e| to_js_error(&e))?;
                let fw = r.firmware().to_string();
                (Chip::Rcs380(r), fw)
            };
            Ok(PasoriReader {
                firmware,
                product,
                state: Rc::new(RefCell::new(Some(State::Idle(reader)))),
                apdus: Rc::new(RefCell::new(0)),
            }
            .into())
        })
    }
}

#[wasm_bindgen(js_class = PasoriReader)]
impl PasoriReader {
    /// The chip's firmware version, e.g. "1.11" ("experimental" for an RC-S300).
    #[wasm_bindgen(getter)]
    pub fn firmware(&self) -> String {
        self.firmware.clone()
    }

    /// The device's product name.
    #[wasm_bindgen(getter, js_name = productName)]
    pub fn product_name(&self) -> String {
        self.product.clone()
    }

    /// APDUs sent through this reader so far.
    #[wasm_bindgen(getter)]
    pub fn apdus(&self) -> f64 {
        *self.apdus.borrow() as f64
    }

    /// Waits for a My Number Card (polls with a pause until the deadline: `JPKI_NO_CARD`) and
    /// activates it. A card session already open is ended first.
    #[wasm_bindgen(js_name = connectCard, unchecked_return_type = "Promise<void>")]
    pub fn connect_card(&self, #[wasm_bindgen(unchecked_param_type = "PollOptions")] options: JsValue) -> Promise {
        let poll = poll_policy(&options);
        self.run(move |state| async move {
            let mut reader = match idle(state).await {
                Ok(r) => r,
                Err((state, e)) => return (state, Err(e)),
            };
            match ContactlessCard::activate(&mut reader, poll).await {
                Ok(atqb) => (
                    State::Card(ContactlessCard::new(reader, atqb, IsoDepPolicy::default())),
                    Ok(JsValue::UNDEFINED),
                ),
                Err(e) => {
                    let _ = reader.field_off().await;
                    (after_error(reader, &e), Err(e))
                }
            }
        })
    }

    /// Sends one APDU to the card (the `JpkiCard` transport). Rejects with typed errors:
    /// `JPKI_CARD_REMOVED` (with `pinTryMayHaveCounted`), `JPKI_READER_UNPLUGGED`,
    /// `JPKI_READER_TIMEOUT`, `JPKI_READER_PROTOCOL`.
    #[wasm_bindgen(unchecked_return_type = "Promise<Uint8Array>")]
    pub fn transmit(&self, apdu: &[u8]) -> Promise {
        let apdu = apdu.to_vec();
        let count = self.apdus.clone();
        self.run(move |state| async move {
            let State::Card(mut card) = state else {
                return (state, Err(Error::NoCard));
            };
            *count.borrow_mut() += 1;
            match card.transmit(&apdu).await {
                Ok(r) => (State::Card(card), Ok(Uint8Array::from(r.as_slice()).into())),
                Err(e @ (Error::CardRemoved { .. } | Error::ReaderUnplugged)) => {
                    (after_error(card.into_reader(), &e), Err(e))
                }
                Err(e) if suspect(&e) => (State::Suspect(card.into_reader()), Err(e)),
                Err(e) => (State::Card(card), Err(e)),
            }
        })
    }

    /// Ends the card session: S(DESELECT) and the field off (the card forgets any verified
    /// PIN).
    #[wasm_bindgen(js_name = releaseCard, unchecked_return_type = "Promise<void>")]
    pub fn release_card(&self) -> Promise {
        self.run(|state| async move {
            match state {
                State::Card(card) => {
                    let mut reader = card.into_reader_after_deselect().await;
                    match reader.field_off().await {
                        Ok(()) => (State::Idle(reader), Ok(JsValue::UNDEFINED)),
                        Err(e) => (after_error(reader, &e), Err(e)),
                    }
                }
                other => (other, Ok(JsValue::UNDEFINED)),
            }
        })
    }

    /// Whether a card is on the reader (ALLB_REQ, which also wakes a card left in HALT);
    /// ends a card session first. Use it to tell the person when the card may be taken, and
    /// to notice a card taken away.
    #[wasm_bindgen(js_name = cardPresent, unchecked_return_type = "Promise<boolean>")]
    pub fn card_present(&self) -> Promise {
        self.run(|state| async move {
            let mut reader = match idle(state).await {
                Ok(r) => r,
                Err((state, e)) => return (state, Err(e)),
            };
            match typeb::card_present(&mut reader).await {
                Ok(present) => {
                    let _ = reader.field_off().await;
                    (State::Idle(reader), Ok(JsValue::from_bool(present)))
                }
                Err(e) => (after_error(reader, &e), Err(e)),
            }
        })
    }

    /// Field off, ACK, release the interface and close the device (aborts anything pending).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn close(&self) -> Promise {
        self.run(|state| async move {
            let reader = match state {
                State::Idle(reader) | State::Suspect(reader) => Some(reader),
                State::Card(card) => Some(card.into_reader_after_deselect().await),
                State::Closed => None,
            };
            if let Some(reader) = reader {
                // Best effort: the device may already be gone.
                let device = match reader {
                    Chip::Rcs380(r) => {
                        let mut r = r;
                        let _ = r.field_off().await;
                        let _ = r.device_mut().transfer_out(&crate::reader::rcs380::frame::ACK).await;
                        r.into_device()
                    }
                    Chip::Rcs300(mut r) => {
                        let _ = r.field_off().await;
                        r.into_device()
                    }
                };
                device.release().await;
            }
            (State::Closed, Ok(JsValue::UNDEFINED))
        })
    }
}

/// The byte-exact RC-S380 simulator (or, with `model: "rcs300"`, the experimental RC-S300
/// vendor-interface model) with the virtual card on it (test keys only), for a scripted
/// `USBDevice` in tests and demos (`simulatedPasori()` in the npm package wraps it): bulk OUT
/// transfers in, bulk IN transfers out, faults as in `jpki-verify reader-sim`.
#[cfg(feature = "virtual-card")]
#[wasm_bindgen(js_name = ReaderSimulator)]
pub struct ReaderSimulator {
    sim: Box<dyn crate::reader::sim::UsbSimulator>,
    model: &'static str,
}

#[cfg(feature = "virtual-card")]
#[wasm_bindgen(js_class = ReaderSimulator)]
impl ReaderSimulator {
    /// `{ persona?: "taro" | "hanako" | "expired" | "moved", fault?: string, model?: "rcs380" | "rcs300" }`
    /// (defaults: taro, none, rcs380; the faults of docs/kiosk.md). PIN `1234`, password `ABC123`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "{ persona?: string; fault?: string; model?: \"rcs380\" | \"rcs300\" }")]
        options: JsValue,
    ) -> core::result::Result<ReaderSimulator, JsValue> {
        let text = |k: &str| get(&options, k).as_string();
        let fault = crate::reader::sim::Fault::from_name(text("fault").as_deref().unwrap_or("none"))
            .map_err(|e| to_js_error(&e))?;
        let defaults = crate::card::VirtualCardConfig::default();
        let config = crate::card::VirtualCardConfig {
            persona: text("persona").unwrap_or_else(|| defaults.persona.to_owned()),
            token: defaults.token,
            auth_pin: defaults.auth_pin.to_owned(),
            sign_password: defaults.sign_password.to_owned(),
        };
        let (sim, model): (Box<dyn crate::reader::sim::UsbSimulator>, &'static str) = match text("model").as_deref() {
            None | Some("rcs380") => (
                Box::new(crate::reader::sim::virtual_rcs380(config, fault).map_err(|e| to_js_error(&e))?),
                "rcs380",
            ),
            Some("rcs300") => (
                Box::new(crate::reader::sim::virtual_rcs300(config, fault).map_err(|e| to_js_error(&e))?),
                "rcs300",
            ),
            Some(_) => {
                return Err(to_js_error(&Error::InvalidOptions {
                    reason: "model must be \"rcs380\" or \"rcs300\"".to_owned(),
                }))
            }
        };
        Ok(ReaderSimulator { sim, model })
    }

    /// "rcs380" or "rcs300".
    #[wasm_bindgen(getter)]
    pub fn model(&self) -> String {
        self.model.to_owned()
    }

    /// One bulk OUT transfer from the host. Throws `JPKI_READER_UNPLUGGED` when unplugged.
    #[wasm_bindgen(js_name = transferOut)]
    pub fn transfer_out(&mut self, bytes: &[u8]) -> core::result::Result<(), JsValue> {
        self.sim.sim_transfer_out(bytes).map_err(|e| to_js_error(&e))
    }

    /// The next bulk IN transfer the device has ready, or `undefined`.
    #[wasm_bindgen(js_name = transferIn)]
    pub fn transfer_in(&mut self) -> core::result::Result<Option<Uint8Array>, JsValue> {
        self.sim
            .sim_transfer_in()
            .map(|t| t.map(|b| Uint8Array::from(b.as_slice())))
            .map_err(|e| to_js_error(&e))
    }

    /// Places the card on the reader or takes it off.
    #[wasm_bindgen(js_name = setCardPresent)]
    pub fn set_card_present(&mut self, present: bool) {
        self.sim.sim_set_card_present(present);
    }

    /// Whether a card is on the reader.
    #[wasm_bindgen(getter, js_name = cardPresent)]
    pub fn card_present(&self) -> bool {
        self.sim.sim_card_present()
    }

    /// Unplugs the reader (every transfer then fails).
    pub fn unplug(&mut self) {
        self.sim.sim_unplug();
    }

    /// Plugs it in again (a freshly powered reader; the fault disarmed).
    pub fn replug(&mut self) {
        self.sim.sim_replug();
    }

    /// Whether the reader is plugged in.
    #[wasm_bindgen(getter)]
    pub fn plugged(&self) -> bool {
        self.sim.sim_plugged()
    }

    /// `{ usbOut, usbIn, inCommRf, cancels, apdus, pinVerifies }` so far.
    #[wasm_bindgen(
        unchecked_return_type = "{ usbOut: number; usbIn: number; inCommRf: number; cancels: number; apdus: number; pinVerifies: number }"
    )]
    pub fn counters(&mut self) -> JsValue {
        let c = self.sim.sim_counters();
        let o = js_sys::Object::new();
        let set = |k: &str, v: u64| {
            let _ = Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_f64(v as f64));
        };
        set("usbOut", c.out);
        set("usbIn", c.r#in);
        set("inCommRf", c.rf_exchanges);
        set("cancels", c.cancels);
        set("apdus", self.sim.sim_apdus());
        set("pinVerifies", self.sim.sim_pin_verifies());
        o.into()
    }
}
