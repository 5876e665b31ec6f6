// The flow's Web Smart Card transport (www/js/smartcard.js; a `.www.mjs` test: it is the flow's
// file, not the package's, so scripts/test-package does not copy it) against a stand-in for navigator.smartCard
// that records how it is called: the connection is exclusive (review-security L10: in shared
// mode another PC/SC client could slip commands in between reading the tries and VERIFY), and
// it is reset on close so no verified PIN outlives the flow.
import test from "node:test";
import assert from "node:assert/strict";

const calls = [];
const connection = {
  async transmit(apdu) {
    calls.push(["transmit", Array.from(apdu)]);
    return new Uint8Array([0x90, 0x00]).buffer;
  },
  async disconnect(disposition) {
    calls.push(["disconnect", disposition]);
  },
};
const context = {
  async listReaders() {
    return ["Sony FeliCa Port/PaSoRi 4.0"];
  },
  async connect(name, accessMode, options) {
    calls.push(["connect", name, accessMode, options.preferredProtocols]);
    return { connection, activeProtocol: "t1" };
  },
};
Object.defineProperty(globalThis, "navigator", {
  value: { smartCard: { establishContext: async () => context } },
  configurable: true,
});

const { SmartCardTransport, smartCardAvailable } = await import("../../www/js/smartcard.js");

test("connects exclusively, transmits, and resets the card on close", async () => {
  assert.equal(smartCardAvailable(), true);
  const transport = await SmartCardTransport.open();
  assert.deepEqual(calls[0], ["connect", "Sony FeliCa Port/PaSoRi 4.0", "exclusive", ["t1", "t0"]]);
  const answer = await transport.transmit(new Uint8Array([0x00, 0xa4, 0x04, 0x0c]));
  assert.deepEqual(Array.from(answer), [0x90, 0x00]);
  await transport.close();
  assert.deepEqual(calls.at(-1), ["disconnect", "reset"]);
  await assert.rejects(transport.transmit(new Uint8Array([0])), { code: "JPKI_CARD_IO" });
});
