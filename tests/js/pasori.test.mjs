// The WebUSB adapter in the npm package: PasoriReader (the Rust RC-S380 driver in wasm) over
// a scripted USBDevice backed by the byte-exact simulator (ReaderSimulator), with JpkiCard
// running on it unchanged. Runs in Node: the adapter binds the device duck-typed, so this is
// the same code path a browser takes with navigator.usb, minus the browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./paths.mjs";
import { T, audience, nonce, rejects } from "./expect.mjs";

import { verifyAssertion } from "jpki-verify";
import {
  JpkiCard,
  PasoriReader,
  ReaderSimulator,
  PASORI_FILTERS,
  findPasori,
  simulatedPasori,
  simulatedUsb,
} from "jpki-verify/sync";

const testpki = join(root, "embedded/testpki/");


async function opened(fault = "none", options = {}) {
  const simulator = new ReaderSimulator({ fault });
  const device = simulatedPasori(simulator, options);
  const reader = await PasoriReader.open(device);
  return { simulator, device, reader };
}

const fast = { pauseMs: 10, deadlineMs: 300 };

test("findPasori takes a pre-granted reader without the chooser, else asks with the four filters", async () => {
  const usb = simulatedUsb(new ReaderSimulator({}));
  let asked = null;
  const granted = await findPasori({ usb: { ...usb, requestDevice: async (o) => (asked = o) } });
  assert.equal(granted.productId, 0x06c3);
  assert.equal(asked, null);
  const empty = { getDevices: async () => [], requestDevice: async (o) => ((asked = o), granted) };
  assert.equal(await findPasori({ usb: empty }), granted);
  assert.deepEqual(asked.filters.map((f) => f.productId), [0x06c1, 0x06c3, 0x0dc8, 0x0dc9]);
  assert.equal(PASORI_FILTERS.length, 4);
  await rejects(findPasori({ usb: empty, request: false }), "JPKI_READER_NOT_FOUND");
  await rejects(findPasori({ usb: undefined }), "JPKI_READER_NOT_FOUND");
  const refused = { getDevices: async () => [], requestDevice: async () => { throw new DOMException("No device selected.", "NotFoundError"); } };
  await rejects(findPasori({ usb: refused }), "JPKI_READER_NOT_FOUND");
});

test("account opening over the PaSoRi: certificates equal the virtual card's, the assertion verifies", async () => {
  const { simulator, reader } = await opened();
  assert.equal(reader.firmware, "1.11");
  await reader.connectCard(fast);
  const card = new JpkiCard(reader);
  const auth = await card.readCertificate("auth");
  assert.deepEqual(Buffer.from(auth), readFileSync(join(testpki, "taro-auth.der")));
  assert.equal(await card.triesLeft("sign"), 5);
  await card.verifyPin("sign", "ABC123");
  const sign = await card.readCertificate("sign");
  assert.deepEqual(Buffer.from(sign), readFileSync(join(testpki, "taro-sign.der")));
  const jws = await card.makeAssertion({ audience, nonce, purpose: "account-opening", iat: T, exp: T + 300 });
  const verdict = await verifyAssertion(jws, {
    audience,
    nonce,
    purpose: "account-opening",
    time: T + 10,
    trust: "test",
    revocationUnchecked: "warning",
  });
  assert.equal(verdict.identity.name, "山田\u3000太郎");
  assert.equal(verdict.valid, true, JSON.stringify(verdict.errors));
  await reader.releaseCard();
  assert.equal(await reader.cardPresent(), true);
  simulator.setCardPresent(false);
  assert.equal(await reader.cardPresent(), false);
  const c = simulator.counters();
  assert.ok(c.usbOut > 0 && c.usbIn > c.usbOut && c.apdus >= 8, JSON.stringify(c));
  await reader.close();
});

test("no card, a card that is not ISO-DEP, a reader held by another driver, an RC-S300", async () => {
  const absent = await opened("card-absent");
  await rejects(absent.reader.connectCard(fast), "JPKI_NO_CARD");
  // The reader survives: the card is placed, the next connect works.
  absent.simulator.setCardPresent(true);
  await absent.reader.connectCard(fast);
  await rejects((await opened("not-iso-dep")).reader.connectCard(fast), "JPKI_READER_PROTOCOL");
  const busy = simulatedPasori(new ReaderSimulator({}), { claimError: "NetworkError" });
  const e = await rejects(PasoriReader.open(busy), "JPKI_READER_BUSY");
  assert.match(e.message, /port100/);
  const rcs300 = simulatedPasori(new ReaderSimulator({ model: "rcs300" }));
  assert.match((await rejects(PasoriReader.open(rcs300), "JPKI_READER_NOT_FOUND")).message, /RC-S300.*PC\/SC.*openExperimentalRcs300/);
});

test("card removed during signing: a typed error; removed during VERIFY: the try may have counted", async () => {
  const signing = await opened("remove-during-signing");
  await signing.reader.connectCard(fast);
  let card = new JpkiCard(signing.reader);
  await card.verifyPin("sign", "ABC123");
  await rejects(card.makeAssertion({ audience, nonce, purpose: "account-opening", iat: T, exp: T + 300 }), "JPKI_CARD_REMOVED");

  const verify = await opened("remove-during-verify");
  await verify.reader.connectCard(fast);
  card = new JpkiCard(verify.reader);
  const e = await rejects(card.verifyPin("sign", "WRONG1"), "JPKI_CARD_REMOVED");
  assert.equal(e.pinTryMayHaveCounted, true);
  // Placed again: the tries are read before anything else is sent.
  verify.simulator.setCardPresent(true);
  await verify.reader.connectCard(fast);
  card = new JpkiCard(verify.reader);
  assert.equal(await card.triesLeft("sign"), 4);
});

test("lost blocks, CRC errors and a slow card are recovered", async () => {
  for (const fault of ["lost-block", "crc-error", "slow-card"]) {
    const { reader } = await opened(fault);
    await reader.connectCard(fast);
    const card = new JpkiCard(reader);
    const auth = await card.readCertificate("auth");
    assert.deepEqual(Buffer.from(auth), readFileSync(join(testpki, "taro-auth.der")), fault);
    await card.verifyPin("sign", "ABC123");
    const jws = await card.makeAssertion({ audience, nonce, purpose: "account-opening", iat: T, exp: T + 300 });
    assert.equal(jws.split(".").length, 3, fault);
  }
});

test("unplugged mid-read, then replugged: a new device object and the read succeeds", async () => {
  const simulator = new ReaderSimulator({ fault: "unplug-during-read" });
  const usb = simulatedUsb(simulator);
  const events = [];
  usb.addEventListener("disconnect", () => events.push("disconnect"));
  usb.addEventListener("connect", () => events.push("connect"));
  let reader = await PasoriReader.open(await findPasori({ usb }));
  await reader.connectCard(fast);
  await rejects(new JpkiCard(reader).readCertificate("auth"), "JPKI_READER_UNPLUGGED");
  await rejects(reader.connectCard(fast), "JPKI_READER_UNPLUGGED");
  assert.deepEqual(await usb.getDevices(), []);
  usb.replug();
  assert.deepEqual(events, ["connect"]);
  reader = await PasoriReader.open(await findPasori({ usb, request: false }));
  await reader.connectCard(fast);
  const auth = await new JpkiCard(reader).readCertificate("auth");
  assert.deepEqual(Buffer.from(auth), readFileSync(join(testpki, "taro-auth.der")));
});

test("a device that stops answering: the watchdog cancels with ACK, reports a timeout, and re-initialises", async () => {
  const simulator = new ReaderSimulator({});
  const device = simulatedPasori(simulator);
  const reader = await PasoriReader.open(device);
  await reader.connectCard(fast);
  // Swallow the next response: transferOut succeeds, nothing ever comes back.
  const realOut = device.transferOut;
  let swallowed = false;
  device.transferOut = async (ep, data) => {
    if (!swallowed && data.byteLength > 6) {
      swallowed = true;
      return { status: "ok", bytesWritten: data.byteLength };
    }
    return realOut(ep, data);
  };
  const started = Date.now();
  await rejects(new JpkiCard(reader).readCertificate("auth"), "JPKI_READER_TIMEOUT");
  assert.ok(Date.now() - started < 5000);
  assert.ok(simulator.counters().cancels >= 1, "the ACK cancel reached the reader");
  // Re-initialised on the next use, then the card answers again.
  await reader.connectCard(fast);
  const auth = await new JpkiCard(reader).readCertificate("auth");
  assert.deepEqual(Buffer.from(auth), readFileSync(join(testpki, "taro-auth.der")));
});

test("one command at a time", async () => {
  const { reader } = await opened();
  await reader.connectCard(fast);
  const apdu = Uint8Array.of(0x00, 0xa4, 0x04, 0x0c, 0x0a, 0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01);
  const first = reader.transmit(apdu);
  const e = await rejects(reader.transmit(apdu), "JPKI_CARD_IO");
  assert.match(e.message, /busy/);
  assert.deepEqual([...(await first)], [0x90, 0x00]);
});

test("RC-S300 (EXPERIMENTAL, opt-in): the vendor interface, not the protected CCID one; the JPKI client runs over it", async () => {
  const simulator = new ReaderSimulator({ model: "rcs300" });
  const device = simulatedPasori(simulator);
  assert.equal(device.productId, 0x0dc9);
  const reader = await PasoriReader.openExperimentalRcs300(device);
  assert.equal(reader.firmware, "experimental");
  await reader.connectCard(fast);
  const card = new JpkiCard(reader);
  const auth = await card.readCertificate("auth");
  assert.deepEqual(Buffer.from(auth), readFileSync(join(testpki, "taro-auth.der")));
  await card.verifyPin("sign", "ABC123");
  const sign = await card.readCertificate("sign");
  assert.deepEqual(Buffer.from(sign), readFileSync(join(testpki, "taro-sign.der")));
  await reader.releaseCard();
  assert.equal(await reader.cardPresent(), true);
  assert.ok(simulator.counters().cancels === 0, "no ACK frames on the RC-S300");
  await reader.close();
});
