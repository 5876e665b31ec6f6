// The card in JavaScript: JpkiCard (the Rust client and its My Number guard, in wasm) over a
// VirtualCard, in Node. The assertion the card signs verifies with verifyAssertion (WebCrypto).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { root } from "./paths.mjs";
import { T, audience, nonce, rejects } from "./expect.mjs";
import { join } from "node:path";

import { verifyAssertion } from "jpki-verify";
import { JpkiCard, VirtualCard } from "jpki-verify/sync";

const testpki = join(root, "tests/fixtures/testpki/");


test("reads certificates and tries without spending one", async () => {
  const card = new JpkiCard(new VirtualCard({ persona: "taro" }));
  assert.equal(await card.token(), "card");
  assert.deepEqual(Buffer.from(await card.readCertificate("auth")), readFileSync(join(testpki, "taro-auth.der")));
  assert.equal(await card.triesLeft("auth"), 3);
  assert.equal(await card.triesLeft("sign"), 5);
  await rejects(card.readCertificate("sign"), "JPKI_CARD_IO");
  await card.verifyPin("sign", "abc123"); // upper-cased before sending
  assert.deepEqual(Buffer.from(await card.readCertificate("sign")), readFileSync(join(testpki, "taro-sign.der")));
});

test("wrong PINs count down, the last try is guarded, blocked is final", async () => {
  const vc = new VirtualCard({ persona: "hanako" });
  const card = new JpkiCard(vc);
  let e = await rejects(card.verifyPin("auth", "0000"), "JPKI_PIN_INCORRECT");
  assert.equal(e.triesLeft, 2);
  assert.ok(!e.message.includes("0000"), "the PIN never appears in an error");
  e = await rejects(card.verifyPin("auth", "0001"), "JPKI_PIN_INCORRECT");
  assert.equal(e.triesLeft, 1);
  await rejects(card.verifyPin("auth", "1234"), "JPKI_PIN_LAST_TRY_GUARD");
  assert.equal(await card.triesLeft("auth"), 1, "the guard sent nothing");
  await rejects(card.verifyPin("auth", "9999", true), "JPKI_PIN_BLOCKED");
  await rejects(card.verifyPin("auth", "1234", true), "JPKI_PIN_BLOCKED");
  await rejects(card.verifyPin("auth", "12a4"), "JPKI_PIN_FORMAT");
  assert.equal(vc.myNumberReads(), 0);
});

test("signs an account-opening assertion that verifies", async () => {
  const card = new JpkiCard(new VirtualCard({ persona: "taro" }));
  await card.verifyPin("sign", "ABC123");
  const jws = await card.makeAssertion({ audience, nonce, purpose: "account-opening", iat: T - 10, exp: T + 240 });
  const v = await verifyAssertion(jws, { audience, nonce, purpose: "account-opening", time: T, trust: "test", revocationUnchecked: "warning" });
  assert.equal(v.valid, true, JSON.stringify(v.errors));
  assert.equal(v.identity.name, "山田\u3000太郎");
});

test("login with the authentication key; concurrent calls are refused, not interleaved", async () => {
  // A slow, asynchronous transport (like a real reader) around the virtual card.
  const vc = new VirtualCard({ persona: "taro" });
  const card = new JpkiCard({ transmit: (apdu) => new Promise((r) => setTimeout(() => r(vc.transmit(apdu)), 1)) });
  await card.verifyPin("auth", "1234");
  const p1 = card.makeAssertion({ audience, nonce, purpose: "login", iat: T, exp: T + 60 });
  await rejects(card.triesLeft("auth"), "JPKI_CARD_IO");
  const v = await verifyAssertion(await p1, { audience, nonce, purpose: "login", time: T, trust: "test" });
  assert.equal(v.valid, true, JSON.stringify(v.errors));
});

test("a broken transport gives JPKI_CARD_IO", async () => {
  const card = new JpkiCard({ transmit: () => new Uint8Array([0x90]) });
  await rejects(card.readCertificate("auth"), "JPKI_CARD_IO");
  const throwing = new JpkiCard({ transmit: async () => { throw new Error("reader unplugged"); } });
  await rejects(throwing.token(), "JPKI_CARD_IO");
});
