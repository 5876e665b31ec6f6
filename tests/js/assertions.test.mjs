// The assertion fixture manifest through the npm package in Node, with every provider:
// node:crypto (the Node entries' verifyAssertion), WebCrypto (the same builds through
// "jpki-verify/load" and "jpki-verify/sync/load", as browsers run them) and the Rust provider
// (verifyAssertionSync): each gives the expected outcome and all give identical verdicts. Then
// every fixture truncated at every byte and with random bit flips, through the JS API: a coded
// error every time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { root } from "./paths.mjs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { verifyAssertion as verifyAssertionSmall, jwsSigningInput } from "jpki-verify";
import { verifyAssertion as verifyAssertionFull, verifyAssertionSync, CrlIndex } from "jpki-verify/sync";
import { load as loadWebCrypto } from "jpki-verify/load";
import { load as loadWebCryptoFull } from "jpki-verify/sync/load";

const wasmOf = (specifier) => readFileSync(fileURLToPath(import.meta.resolve(specifier)));
const webCrypto = await loadWebCrypto(wasmOf("jpki-verify/wasm"));
const webCryptoFull = await loadWebCryptoFull(wasmOf("jpki-verify/sync/wasm"));

const dir = join(root, "tests/fixtures/assertions/");
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));

// CRL indexes by file, built once (Rust provider; the WebCrypto build is checked in revocation.test.mjs).
const crls = new Map();
const crl = (f) => {
  if (!crls.has(f)) crls.set(f, CrlIndex.buildSync(new Uint8Array(readFileSync(join(dir, f))), "test"));
  return crls.get(f);
};

function load(c) {
  const bytes = readFileSync(join(dir, c.file));
  const input = c.format === "jws" ? bytes.toString("utf8") : new Uint8Array(bytes);
  const options = { ...c.options };
  if (c.detachedContent) options.detachedContent = new Uint8Array(readFileSync(join(dir, c.detachedContent)));
  if (c.revocation) options.revocation = { crls: c.revocation.crls.map(crl), external: c.revocation.external };
  return { input, options };
}

// The browsers' small default build (dist/web, here through "jpki-verify/load") has no
// revocation and no CMS code: those cases go through the "jpki-verify/sync" build (the same
// driver over the full build). In Node the default entry runs on the full build itself.
const needsFull = (input, options) => options.revocation !== undefined || typeof input !== "string";
const eitherBuild = (small, full) => (input, options) => (needsFull(input, options) ? full(input, options) : small(input, options));
const verifyAssertion = eitherBuild(verifyAssertionSmall, verifyAssertionFull);
const PROVIDERS = {
  "node:crypto (verifyAssertion)": verifyAssertion,
  "WebCrypto (jpki-verify/load)": eitherBuild(webCrypto.verifyAssertion, webCryptoFull.verifyAssertion),
  "Rust (verifyAssertionSync)": async (input, options) => verifyAssertionSync(input, options),
};

const outcome = (v) => ({ valid: v.valid, code: v.errors[0]?.code ?? null });
/** The case's expected revocation slot holds (when it states one). */
const revocationHolds = (c, v) =>
  !c.expect.revocation || (v.revocation.status === c.expect.revocation.status && (v.revocation.reason ?? null) === c.expect.revocation.reason);

test("manifest: at least 40 cases", () => {
  assert.ok(manifest.cases.length >= 40, `${manifest.cases.length} cases`);
});

for (const [provider, verify] of Object.entries(PROVIDERS)) {
  test(`manifest: ${provider}`, async () => {
    const failures = [];
    for (const c of manifest.cases) {
      const { input, options } = load(c);
      const v = await verify(input, options);
      const got = outcome(v);
      if (got.valid !== c.expect.valid || got.code !== c.expect.code || !revocationHolds(c, v)) failures.push(`${c.name}: ${JSON.stringify(got)} ${JSON.stringify(v.revocation)}`);
    }
    assert.deepEqual(failures, []);
  });
}

test("every provider gives identical verdicts", async () => {
  const [reference, ...others] = Object.entries(PROVIDERS);
  for (const c of manifest.cases) {
    const { input, options } = load(c);
    const expected = await reference[1](input, options);
    for (const [provider, verify] of others) {
      assert.deepStrictEqual(await verify(input, options), expected, `${c.name}: ${provider} vs ${reference[0]}`);
    }
  }
});

test("the Node entries answer with node:crypto, load() with WebCrypto", async () => {
  // With crypto.subtle gone, node:crypto still verifies; the WebCrypto API then cannot.
  const c = manifest.cases.find((x) => x.name === "jws-account-opening-taro");
  const { input, options } = load(c);
  const subtle = Object.getOwnPropertyDescriptor(globalThis, "crypto");
  Object.defineProperty(globalThis, "crypto", { value: {}, configurable: true });
  try {
    assert.equal((await verifyAssertionSmall(input, options)).valid, true);
    assert.equal((await verifyAssertionFull(input, options)).valid, true);
    const v = await webCrypto.verifyAssertion(input, options);
    assert.equal(v.valid, false);
    // The first signature checked is the CA's over the leaf: no path to the anchor.
    assert.equal(v.errors[0].code, "JPKI_CHAIN_UNTRUSTED");
  } finally {
    Object.defineProperty(globalThis, "crypto", subtle);
  }
});

test("the small browser build refuses CMS with JPKI_FORMAT_UNAVAILABLE; the Node entry verifies it", async () => {
  const cms = manifest.cases.filter((c) => c.format === "cms");
  assert.ok(cms.length >= 5);
  for (const c of cms) {
    const { input, options } = load(c);
    if (options.revocation) continue;
    const v = await webCrypto.verifyAssertion(input, options);
    assert.equal(v.valid, false, c.name);
    assert.equal(v.errors[0].code, "JPKI_FORMAT_UNAVAILABLE", c.name);
    assert.equal(v.identity, null);
    assert.equal(outcome(await verifyAssertionSmall(input, options)).code, c.expect.code, c.name);
  }
});

test("a valid account opening carries the verified identity", async () => {
  const c = manifest.cases.find((x) => x.name === "jws-account-opening-taro");
  const { input, options } = load(c);
  const v = await verifyAssertion(input, options);
  assert.equal(v.valid, true);
  assert.equal(v.identity.name, "山田\u3000太郎");
  assert.equal(v.revocation.status, "unchecked");
  assert.equal(v.warnings[0].code, "JPKI_REVOCATION_UNCHECKED");
  assert.equal(v.anchor.id, "test-sign-ca");
});

test("time accepts seconds, RFC 3339 and Date", () => {
  const c = manifest.cases.find((x) => x.name === "jws-account-opening-taro");
  const { input, options } = load(c);
  for (const time of [options.time, new Date(options.time * 1000).toISOString(), new Date(options.time * 1000)]) {
    assert.equal(verifyAssertionSync(input, { ...options, time }).valid, true);
  }
});

test("invalid options throw JpkiError JPKI_INVALID_OPTIONS", () => {
  const c = manifest.cases[0];
  const { input, options } = load(c);
  for (const bad of [{ ...options, audience: "" }, { ...options, purpose: "pay" }, { ...options, nonce: "short" }, { ...options, typo: 1 }, null]) {
    assert.throws(() => verifyAssertionSync(input, bad), (e) => e.name === "JpkiError" && e.code === "JPKI_INVALID_OPTIONS");
  }
});

test("jwsSigningInput gives the card's DigestInfo", () => {
  const { signingInput, digestInfo } = jwsSigningInput("{}", "{}");
  assert.equal(signingInput, "e30.e30");
  assert.equal(digestInfo.length, 51);
  assert.deepEqual([...digestInfo.subarray(0, 4)], [0x30, 0x31, 0x30, 0x0d]);
});

test("every fixture truncated at every byte and bit-flipped: a coded error each time (JS API)", async () => {
  let runs = 0;
  let seed = 0x2545f491;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0), seed);
  for (const c of manifest.cases) {
    const { input, options } = load(c);
    const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
    const asInput = (b) => (c.format === "jws" ? new TextDecoder().decode(b) : b);
    // A prefix of an invalid case may be valid (jws-four-parts without its 4th part); a prefix
    // or bit flip of a valid case never is.
    const strict = c.expect.valid;
    const ok = (v) => v.valid === (v.errors.length === 0) && (!strict || (!v.valid && v.errors[0].code.startsWith("JPKI_")));
    for (let n = 0; n < bytes.length; n++) {
      const v = verifyAssertionSync(asInput(bytes.subarray(0, n)), options);
      assert.ok(ok(v), `${c.name} truncated at ${n}`);
      runs++;
    }
    for (let k = 0; k < 50; k++) {
      const m = new Uint8Array(bytes);
      const i = rand() % m.length;
      m[i] ^= 1 << rand() % 8;
      const sync = verifyAssertionSync(asInput(m), options);
      assert.ok(ok(sync), `${c.name} bit flip at ${i}`);
      if (k % 10 === 0) assert.deepStrictEqual(await verifyAssertion(asInput(m), options), sync);
      runs++;
    }
  }
  assert.ok(runs > 10000, `${runs} runs`);
});
