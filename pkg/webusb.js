// WebUSB helpers for the PaSoRi path (the "jpki-verify/sync" entry). The driver itself is the
// Rust one in the wasm (`PasoriReader`); this file finds the device and, for tests and demos,
// scripts a USBDevice over the byte-exact simulator (`ReaderSimulator`). docs/kiosk.md.

/** The readers `findPasori` asks for: RC-S380/S, RC-S380/P, RC-S300/S, RC-S300/P. */
export const PASORI_FILTERS = Object.freeze([
  { vendorId: 0x054c, productId: 0x06c1 },
  { vendorId: 0x054c, productId: 0x06c3 },
  { vendorId: 0x054c, productId: 0x0dc8 },
  { vendorId: 0x054c, productId: 0x0dc9 },
]);

function jpkiError(code, message) {
  const e = new Error(message);
  e.name = "JpkiError";
  e.code = code;
  return e;
}

const isPasori = (d) => PASORI_FILTERS.some((f) => f.vendorId === d.vendorId && f.productId === d.productId);

/**
 * The PaSoRi to use: `usb.getDevices()` first — a kiosk whose Chrome policy
 * `WebUsbAllowDevicesForUrls` pre-grants the reader needs no chooser — and otherwise, when
 * `request` is true (it needs a user gesture), `usb.requestDevice` with `PASORI_FILTERS`.
 * RC-S380 first when several are granted. Rejects with JPKI_READER_NOT_FOUND.
 */
export async function findPasori({ usb = globalThis.navigator?.usb, request = true } = {}) {
  if (!usb) throw jpkiError("JPKI_READER_NOT_FOUND", "WebUSB is not available in this browser (Chrome or Edge on a desktop, over https)");
  const granted = (await usb.getDevices()).filter(isPasori);
  granted.sort((a, b) => Number(b.productId < 0x0d00) - Number(a.productId < 0x0d00));
  if (granted.length > 0) return granted[0];
  if (!request) throw jpkiError("JPKI_READER_NOT_FOUND", "no PaSoRi is granted to this page");
  try {
    return await usb.requestDevice({ filters: [...PASORI_FILTERS] });
  } catch (e) {
    if (e && e.name === "NotFoundError") throw jpkiError("JPKI_READER_NOT_FOUND", "no reader was chosen");
    if (e && e.name === "SecurityError") throw jpkiError("JPKI_READER_BUSY", `the browser refused WebUSB here: ${e.message}`);
    throw e;
  }
}

const CONFIGURATION = Object.freeze({
  configurationValue: 1,
  interfaces: [
    {
      interfaceNumber: 0,
      alternate: {
        interfaceClass: 0xff,
        endpoints: [
          { endpointNumber: 1, direction: "in", type: "bulk", packetSize: 64 },
          { endpointNumber: 2, direction: "out", type: "bulk", packetSize: 64 },
        ],
      },
    },
  ],
});

// The RC-S300 (docs/readers.md §2.1): interface 0 is CCID (class 0B, protected in WebUSB: claiming
// it is a SecurityError), interface 1 the vendor interface with bulk endpoint 2 both ways.
const CONFIGURATION_RCS300 = Object.freeze({
  configurationValue: 1,
  interfaces: [
    {
      interfaceNumber: 0,
      alternate: {
        interfaceClass: 0x0b,
        endpoints: [
          { endpointNumber: 1, direction: "in", type: "bulk", packetSize: 64 },
          { endpointNumber: 1, direction: "out", type: "bulk", packetSize: 64 },
        ],
      },
    },
    {
      interfaceNumber: 1,
      alternate: {
        interfaceClass: 0xff,
        endpoints: [
          { endpointNumber: 2, direction: "in", type: "bulk", packetSize: 64 },
          { endpointNumber: 2, direction: "out", type: "bulk", packetSize: 64 },
        ],
      },
    },
  ],
});

function domError(name, message) {
  return typeof DOMException === "function" ? new DOMException(message, name) : Object.assign(new Error(message), { name });
}

/**
 * A scripted `USBDevice` (an RC-S380/P, or an RC-S300/P for a `model: "rcs300"` simulator)
 * over `simulator`, a `ReaderSimulator`: every
 * transferOut goes to the simulator, every transferIn resolves when the simulator has an IN
 * transfer ready (and stays pending otherwise, as a real device does — the driver's watchdog
 * must handle it). An unplugged simulator rejects with `NotFoundError`, as Chrome does for a
 * disconnected device.
 */
export function simulatedPasori(simulator, { productId, claimError } = {}) {
  const rcs300 = simulator.model === "rcs300";
  productId ??= rcs300 ? 0x0dc9 : 0x06c3;
  const configuration = rcs300 ? CONFIGURATION_RCS300 : CONFIGURATION;
  const waiting = [];
  const gone = () => domError("NotFoundError", "The device was disconnected.");
  const failAll = (error) => {
    while (waiting.length) waiting.shift().reject(error);
  };
  const deliver = () => {
    while (waiting.length) {
      let next;
      try {
        next = simulator.transferIn();
      } catch {
        failAll(gone());
        return;
      }
      if (next === undefined) return;
      waiting.shift().resolve({ status: "ok", data: new DataView(next.buffer, next.byteOffset, next.byteLength) });
    }
  };
  const device = {
    vendorId: 0x054c,
    productId,
    productName: rcs300 ? "RC-S300/P (simulated, experimental)" : "RC-S380/P (simulated)",
    manufacturerName: "SONY",
    opened: false,
    configuration: null,
    configurations: [configuration],
    async open() {
      if (!simulator.plugged) throw gone();
      device.opened = true;
    },
    async close() {
      device.opened = false;
      failAll(domError("AbortError", "The transfer was cancelled."));
    },
    async selectConfiguration(value) {
      if (value !== 1) throw domError("NotFoundError", "The configuration value provided is not supported by the device.");
      device.configuration = configuration;
    },
    async claimInterface(n) {
      if (claimError) throw domError(claimError, "Unable to claim interface.");
      const iface = configuration.interfaces.find((i) => i.interfaceNumber === n);
      if (!iface) throw domError("NotFoundError", "The interface number provided is not supported by the device.");
      if (iface.alternate.interfaceClass === 0x0b) throw domError("SecurityError", "The requested interface implements a protected class.");
    },
    async releaseInterface() {},
    async transferOut(endpoint, data) {
      if (!device.opened) throw domError("InvalidStateError", "The device must be opened first.");
      const bytes = new Uint8Array(data.buffer ?? data, data.byteOffset ?? 0, data.byteLength);
      try {
        simulator.transferOut(bytes);
      } catch {
        failAll(gone());
        throw gone();
      }
      deliver();
      return { status: "ok", bytesWritten: bytes.byteLength };
    },
    transferIn(endpoint, length) {
      if (!device.opened) return Promise.reject(domError("InvalidStateError", "The device must be opened first."));
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject, length });
        deliver();
      });
    },
    /** Test hook: the reader is pulled out (pending transfers reject). */
    unplug() {
      simulator.unplug();
      failAll(gone());
    },
  };
  return device;
}

/**
 * A `navigator.usb` stand-in with one simulated PaSoRi, pre-granted (as the kiosk policy
 * does): `getDevices()` lists it while plugged; `unplug()` / `replug()` fire `disconnect` /
 * `connect` and a replug gives a new device object, as a real one does.
 */
export function simulatedUsb(simulator, options = {}) {
  const listeners = { connect: new Set(), disconnect: new Set() };
  let device = simulatedPasori(simulator, options);
  const fire = (type, d) => {
    const event = { type, device: d };
    for (const l of listeners[type]) l(event);
    const handler = usb[`on${type}`];
    if (typeof handler === "function") handler(event);
  };
  const usb = {
    simulator,
    onconnect: null,
    ondisconnect: null,
    async getDevices() {
      return simulator.plugged ? [device] : [];
    },
    async requestDevice() {
      if (!simulator.plugged) throw domError("NotFoundError", "No device selected.");
      return device;
    },
    addEventListener(type, l) {
      listeners[type]?.add(l);
    },
    removeEventListener(type, l) {
      listeners[type]?.delete(l);
    },
    unplug() {
      const old = device;
      old.unplug();
      fire("disconnect", old);
    },
    replug() {
      simulator.replug();
      device = simulatedPasori(simulator, options);
      fire("connect", device);
    },
  };
  return usb;
}
