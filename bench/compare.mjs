#!/usr/bin/env node
// End-to-end assertion benchmark: this SDK (wasm + WebCrypto, wasm + Rust provider, native)
// against node:crypto, jsrsasign and PKI.js doing the same work on the same fixture —
// "parse leaf and CA, verify leaf by CA, verify the JWS (RS256)" — in one run on one machine.
// See bench/README.md for what is measured, how, and how to read the output.
//
//   node bench/compare.mjs            (make bench-verify builds pkg/ first)
//   BENCH_SECONDS=4 node bench/compare.mjs
//   BENCH_NATIVE=0 node bench/compare.mjs   (skip the cargo example)
//
// Output: `BENCH <name> <value> <unit>` lines (and `#` comment lines). Exits non-zero only if an
// implementation gives a wrong answer (valid fixture refused, tampered copy accepted); the
// performance targets are reported as PASS/MISS notes, never asserted.

import { execFileSync } from "node:child_process";
import { X509Certificate, verify as nodeVerify, createPublicKey } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";

import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import jsrsasign from "jsrsasign";

import { parseCertificate, sdkVersion, verifyAssertion, verifySignature } from "../pkg/index.node.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// The Rust-provider functions: the "jpki-verify/sync" entry (dist/full) when the package has one,
// else the default entry (single-build layout).
const syncEntry = existsSync(`${ROOT}pkg/sync.node.js`) ? "../pkg/sync.node.js" : "../pkg/index.node.js";
const { verifyAssertionSync, verifySignatureSync } = await import(syncEntry);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2); // timed seconds per implementation
const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? SECONDS / 4); // per sub-step
const ROUND_MS = 50; // one timed batch; rounds alternate between implementations
const CASE = "jws-account-opening-taro";
const TAMPERED = ["jws-tampered-signature", "jws-same-dn-forged-ca"];

const subtle = globalThis.crypto.subtle;
const out = (name, value, unit) => console.log(`BENCH ${name} ${fmt(value)} ${unit}`);
const note = (s) => console.log(`# ${s}`);
const fmt = (v) => (Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));

// ---------------------------------------------------------------- fixtures
const dir = `${ROOT}tests/fixtures/assertions/`;
const manifest = JSON.parse(readFileSync(`${dir}manifest.json`, "utf8"));
const byName = (n) => {
  const c = manifest.cases.find((x) => x.name === n);
  if (!c) throw new Error(`manifest: no case ${n}`);
  return { jws: readFileSync(dir + c.file, "utf8").trim(), options: { ...c.options } };
};
const good = byName(CASE);
const options = good.options;
const tampered = TAMPERED.map((n) => ({ name: n, ...byName(n) }));
const caDer = readFileSync(`${ROOT}tests/fixtures/testpki/sign-ca.der`);
const caHex = caDer.toString("hex");
const caU8 = new Uint8Array(caDer);

// ---------------------------------------------------------------- shared helpers for the peers
const b64u = (s) => Buffer.from(s, "base64url");

// The claim checks every peer does too (cheap; the SDK does more: strict JSON, constant time).
function claimsOk(c) {
  const skew = options.skewSeconds ?? 60;
  return (
    c !== null &&
    typeof c === "object" &&
    c.aud === options.audience &&
    c.nonce === options.nonce &&
    c.purpose === options.purpose &&
    Number.isInteger(c.iat) &&
    Number.isInteger(c.exp) &&
    c.iat <= options.time + skew &&
    c.exp >= options.time - skew &&
    c.exp >= c.iat
  );
}

// ---------------------------------------------------------------- the implementations
// Each takes a compact JWS and returns true (valid) / false (invalid); errors count as invalid.

// 1. this SDK, wasm + WebCrypto
const sdkWebCrypto = async (jws) => (await verifyAssertion(jws, options)).valid;

// 2. this SDK, wasm + Rust provider
const sdkRust = (jws) => verifyAssertionSync(jws, options).valid;

// 4. node:crypto (OpenSSL)
function nodeCrypto(jws) {
  const [h, p, s, extra] = jws.split(".");
  if (s === undefined || extra !== undefined) return false;
  const header = JSON.parse(b64u(h).toString("utf8"));
  const claims = JSON.parse(b64u(p).toString("utf8"));
  if (header.alg !== "RS256" || !Array.isArray(header.x5c)) return false;
  const leaf = new X509Certificate(Buffer.from(header.x5c[0], "base64"));
  const ca = new X509Certificate(caDer);
  if (!leaf.verify(ca.publicKey)) return false;
  if (!nodeVerify("sha256", Buffer.from(`${h}.${p}`), leaf.publicKey, b64u(s))) return false;
  return claimsOk(claims);
}

// 5. jsrsasign (pure JS)
const { X509, KJUR, b64tohex, b64utoutf8 } = jsrsasign;
function jsrsasignImpl(jws) {
  const [h, p, s, extra] = jws.split(".");
  if (s === undefined || extra !== undefined) return false;
  const header = JSON.parse(b64utoutf8(h));
  const claims = JSON.parse(b64utoutf8(p));
  if (header.alg !== "RS256" || !Array.isArray(header.x5c)) return false;
  const leaf = new X509();
  leaf.readCertHex(b64tohex(header.x5c[0]));
  const ca = new X509();
  ca.readCertHex(caHex);
  if (!leaf.verifySignature(ca.getPublicKey())) return false;
  if (!KJUR.jws.JWS.verify(jws, leaf.getPublicKey(), ["RS256"])) return false;
  return claimsOk(claims);
}

// 6. PKI.js + asn1js, WebCrypto engine (globalThis.crypto)
pkijs.setEngine("node", new pkijs.CryptoEngine({ name: "node", crypto: globalThis.crypto }));
const RS256 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
async function pkijsImpl(jws) {
  const [h, p, s, extra] = jws.split(".");
  if (s === undefined || extra !== undefined) return false;
  const header = JSON.parse(b64u(h).toString("utf8"));
  const claims = JSON.parse(b64u(p).toString("utf8"));
  if (header.alg !== "RS256" || !Array.isArray(header.x5c)) return false;
  const leaf = pkijs.Certificate.fromBER(new Uint8Array(Buffer.from(header.x5c[0], "base64")));
  const ca = pkijs.Certificate.fromBER(caU8);
  if (!(await leaf.verify(ca))) return false;
  const key = await subtle.importKey("spki", leaf.subjectPublicKeyInfo.toSchema().toBER(false), RS256, false, [
    "verify",
  ]);
  if (!(await subtle.verify(RS256, key, b64u(s), Buffer.from(`${h}.${p}`)))) return false;
  return claimsOk(claims);
}

const IMPLS = [
  { key: "wasm_webcrypto", label: "SDK wasm + WebCrypto (verifyAssertion)", fn: sdkWebCrypto, async: true },
  { key: "wasm_rust", label: "SDK wasm + Rust provider (verifyAssertionSync)", fn: sdkRust, async: false },
  { key: "node_crypto", label: "node:crypto X509Certificate + crypto.verify", fn: nodeCrypto, async: false },
  { key: "jsrsasign", label: "jsrsasign 11.1.5 X509 + JWS.verify", fn: jsrsasignImpl, async: false },
  { key: "pkijs", label: "PKI.js 4.0.0 Certificate.verify + subtle.verify", fn: pkijsImpl, async: true },
];

// ---------------------------------------------------------------- timing harness
const now = () => process.hrtime.bigint();
// A full GC before every batch, so that no implementation pays for another's garbage (jsrsasign
// and PKI.js allocate a lot; without this their old-generation debt lands in whoever runs next).
setFlagsFromString("--expose-gc");
const fullGc = runInNewContext("gc");

// One batch of n calls; returns ns per call. Every call must return `expect` (nothing is timed
// doing nothing); a wrong answer aborts the run.
async function batch(b, n) {
  let ok = 0;
  const t0 = now();
  if (b.async) for (let i = 0; i < n; i++) ok += (await b.fn(b.arg)) === b.expect ? 1 : 0;
  else for (let i = 0; i < n; i++) ok += b.fn(b.arg) === b.expect ? 1 : 0;
  const ns = Number(now() - t0) / n;
  if (ok !== n) throw new Error(`${b.key}: ${n - ok} of ${n} timed calls gave a wrong answer`);
  return ns;
}

// Warm up (JIT, wasm tier-up, WebCrypto key cache) for ~warmMs, then size a batch to ROUND_MS.
async function calibrate(b, warmMs) {
  let n = 1;
  let spent = 0;
  let per = 0;
  while (spent < warmMs * 1e6) {
    per = await batch(b, n);
    spent += per * n;
    n = Math.min(n * 2, 1 << 20);
  }
  b.n = Math.max(1, Math.round((ROUND_MS * 1e6) / per));
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
};
const spread = new Map(); // key → [p25, p75] ns/op
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// Alternating rounds: round r runs every benchmark once (order rotated), until each has
// `seconds` of timed calls. Returns median ns/op per key.
async function run(benches, seconds, warmMs) {
  for (const b of benches) await calibrate(b, warmMs);
  const rounds = Math.max(5, Math.ceil((seconds * 1000) / ROUND_MS));
  const samples = new Map(benches.map((b) => [b.key, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < benches.length; i++) {
      const b = benches[(r + i) % benches.length];
      fullGc();
      if (b.before) b.before();
      try {
        samples.get(b.key).push(await batch(b, b.n));
      } finally {
        if (b.after) b.after();
      }
    }
  }
  for (const b of benches) spread.set(b.key, [quantile(samples.get(b.key), 0.25), quantile(samples.get(b.key), 0.75)]);
  return new Map(benches.map((b) => [b.key, median(samples.get(b.key))]));
}

// ---------------------------------------------------------------- correctness gates
async function gate() {
  const failures = [];
  for (const impl of IMPLS) {
    const call = async (jws) => {
      try {
        return await impl.fn(jws);
      } catch (e) {
        return `threw ${e?.code ?? e?.message ?? e}`;
      }
    };
    const v = await call(good.jws);
    if (v !== true) failures.push(`${impl.key}: ${CASE} should be valid, got ${v}`);
    for (const t of tampered) {
      const w = await call(t.jws);
      if (w !== false) failures.push(`${impl.key}: ${t.name} should be invalid, got ${w}`);
    }
  }
  // The SDK must refuse for the right reason, not incidentally.
  for (const t of tampered) {
    const v = verifyAssertionSync(t.jws, options);
    const w = await verifyAssertion(t.jws, options);
    note(`gate: ${t.name} → SDK ${v.errors[0]?.code} (sync) / ${w.errors[0]?.code} (WebCrypto)`);
  }
  return failures;
}

// ---------------------------------------------------------------- main
note(`jpki-verify ${sdkVersion()} · node ${process.version} · ${cpus()[0]?.model ?? "?"} × ${cpus().length}`);
note(`load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} (other work on the machine skews absolute times)`);
note(`case ${CASE}; ${SECONDS}s timed per implementation in ${ROUND_MS} ms alternating rounds; median`);

const failures = await gate();
if (failures.length) {
  for (const f of failures) console.error(`WRONG ANSWER ${f}`);
  process.exit(1);
}
note(`gate: all implementations accept ${CASE} and refuse ${TAMPERED.join(", ")}`);

// 3. native: the cargo example (runs alone, before the JS timing, so nothing shares the CPU)
let native = null;
if (process.env.BENCH_NATIVE !== "0") {
  const stdout = execFileSync(
    "cargo",
    ["run", "-q", "--release", "--example", "bench_verify", "--", "--ms", String(Math.round(SECONDS * 1000))],
    { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  native = JSON.parse(stdout.trim().split("\n").pop());
}

const results = await run(
  IMPLS.map((i) => ({ ...i, arg: good.jws, expect: true })),
  SECONDS,
  300,
);
const us = (k) => results.get(k) / 1000;

note("");
note("end to end, µs per assertion (median):");
for (const impl of IMPLS) {
  const [lo, hi] = spread.get(impl.key).map((v) => fmt(v / 1000));
  note(`  ${impl.label.padEnd(52)} ${fmt(us(impl.key)).padStart(9)} µs   (p25–p75 ${lo}–${hi})`);
}
if (native) note(`  ${"SDK native, RustCrypto (cargo example bench_verify)".padEnd(52)} ${fmt(native.ns.assertion / 1000).padStart(9)} µs`);

for (const impl of IMPLS) out(`assertion_${impl.key}_us`, us(impl.key), "us");
if (native) out("assertion_native_us", native.ns.assertion / 1000, "us");

const ratio = (a, b) => a / b;
const rWcNode = ratio(us("wasm_webcrypto"), us("node_crypto"));
const rRustNode = ratio(us("wasm_rust"), us("node_crypto"));
const rJsrWc = ratio(us("jsrsasign"), us("wasm_webcrypto"));
const rPkiWc = ratio(us("pkijs"), us("wasm_webcrypto"));
out("assertion_wasm_webcrypto_vs_node_crypto", rWcNode, "x");
out("assertion_wasm_rust_vs_node_crypto", rRustNode, "x");
if (native) out("assertion_native_vs_node_crypto", native.ns.assertion / 1000 / us("node_crypto"), "x");
out("assertion_jsrsasign_vs_wasm_webcrypto", rJsrWc, "x");
out("assertion_pkijs_vs_wasm_webcrypto", rPkiWc, "x");

// gzip -9 (zlib level 9); KB = 1000 bytes. dist/web is the default entry's module; dist/full (the
// "jpki-verify/sync" build with the Rust provider) is reported too when the package has it.
const wasmSize = (sub) => {
  const path = `${ROOT}pkg/dist/${sub}/jpki_verify_bg.wasm`;
  if (!existsSync(path)) return null;
  const raw = readFileSync(path);
  return { raw: raw.length, gz: gzipSync(raw, { level: 9 }).length };
};
const web = wasmSize("web");
const full = wasmSize("full");
out("wasm_raw_kb", web.raw / 1000, "KB");
out("wasm_gzip_kb", web.gz / 1000, "KB");
if (full) {
  out("wasm_full_raw_kb", full.raw / 1000, "KB");
  out("wasm_full_gzip_kb", full.gz / 1000, "KB");
}

// ---------------------------------------------------------------- where the time goes
// Sub-steps, timed the same way (shorter). The numbers are per call, µs.
const leafDer = Buffer.from(JSON.parse(b64u(good.jws.split(".")[0]).toString("utf8")).x5c[0], "base64");
const leafU8 = new Uint8Array(leafDer);
const [gh, gp, gs] = good.jws.split(".");
const jwsMsg = new Uint8Array(Buffer.from(`${gh}.${gp}`));
const jwsSig = new Uint8Array(b64u(gs));
const leafX = new X509Certificate(leafDer);
const caX = new X509Certificate(caDer);
const leafSpki = new Uint8Array(leafX.publicKey.export({ type: "spki", format: "der" }));
const caSpki = new Uint8Array(caX.publicKey.export({ type: "spki", format: "der" }));
const leafP = pkijs.Certificate.fromBER(leafU8);
const tbs = new Uint8Array(leafP.tbsView);
const certSig = new Uint8Array(leafP.signatureValue.valueBlock.valueHexView);
const caKey = await subtle.importKey("spki", caSpki, RS256, false, ["verify"]);
const leafKey = await subtle.importKey("spki", leafSpki, RS256, false, ["verify"]);
const leafJwk = leafX.publicKey.export({ format: "jwk" });
const caKeyObj = createPublicKey({ key: Buffer.from(caSpki), format: "der", type: "spki" });
const leafKeyObj = createPublicKey({ key: Buffer.from(leafSpki), format: "der", type: "spki" });
const jwsMsgBuf = Buffer.from(jwsMsg);
const jwsSigBuf = Buffer.from(jwsSig);

const importVerify = async (spki, sig, msg) =>
  subtle.verify(RS256, await subtle.importKey("spki", spki, RS256, false, ["verify"]), sig, msg);
const importJwkVerify = async (jwk, sig, msg) =>
  subtle.verify(RS256, await subtle.importKey("jwk", jwk, RS256, false, ["verify"]), sig, msg);

// A WebCrypto stand-in that answers at once: verifyAssertion then measures everything but the
// crypto (wasm parse/plan/finish, wasm-bindgen-futures, promise hops, result conversion).
const realCrypto = Object.getOwnPropertyDescriptor(globalThis, "crypto");
const stubCrypto = {
  subtle: { importKey: () => Promise.resolve({}), verify: () => Promise.resolve(true) },
};
const useStub = () => Object.defineProperty(globalThis, "crypto", { value: stubCrypto, configurable: true });
const unStub = () => Object.defineProperty(globalThis, "crypto", realCrypto);
{
  useStub();
  const v = await verifyAssertion(good.jws, options);
  unStub();
  if (!v.valid) throw new Error("stubbed WebCrypto run did not produce a valid verdict");
}

const STEPS = [
  // SDK, wasm
  ["wasm_webcrypto_full", "verifyAssertion (as above)", true, true, () => sdkWebCrypto(good.jws)],
  ["wasm_webcrypto_stubbed", "verifyAssertion, WebCrypto stubbed (= wasm + glue, no crypto)", true, true, () => sdkWebCrypto(good.jws), { before: useStub, after: unStub }],
  ["wasm_call_floor", "verifyAssertionSync('x') → error verdict (args + options JSON + tiny verdict)", false, false, () => verifyAssertionSync("x", options).valid],
  ["wasm_parse_leaf", "parseCertificate(leaf DER) (wasm parse + Certificate → JS object)", false, "object", () => typeof parseCertificate(leafU8)],
  ["wasm_parse_ca", "parseCertificate(CA DER)", false, "object", () => typeof parseCertificate(caU8)],
  ["wasm_check_webcrypto", "verifySignature RS256 (wasm → importKey + verify), 1 check", true, true, () => verifySignature("RS256", leafSpki, jwsMsg, jwsSig)],
  ["wasm_check_rust", "verifySignatureSync RS256 (Rust rsa in wasm), 1 check", false, true, () => verifySignatureSync("RS256", leafSpki, jwsMsg, jwsSig)],
  // WebCrypto alone, from JS
  ["js_webcrypto_import", "subtle.importKey(spki) alone", true, "object", async () => typeof (await subtle.importKey("spki", leafSpki, RS256, false, ["verify"]))],
  ["js_webcrypto_verify_cached_key", "subtle.verify with an imported key", true, true, () => subtle.verify(RS256, leafKey, jwsSig, jwsMsg)],
  ["js_webcrypto_1check", "importKey + verify, 1 check", true, true, () => importVerify(leafSpki, jwsSig, jwsMsg)],
  ["js_webcrypto_2checks_seq", "2 × (importKey + verify), sequential (what verifyAssertion awaits)", true, true, async () => (await importVerify(caSpki, certSig, tbs)) && (await importVerify(leafSpki, jwsSig, jwsMsg))],
  ["js_webcrypto_2checks_par", "2 × (importKey + verify), Promise.all", true, true, async () => (await Promise.all([importVerify(caSpki, certSig, tbs), importVerify(leafSpki, jwsSig, jwsMsg)])).every(Boolean)],
  ["js_webcrypto_2checks_cached_ca_par", "CA key cached; leaf importKey; 2 verifies in parallel", true, true, async () => (await Promise.all([subtle.verify(RS256, caKey, certSig, tbs), importVerify(leafSpki, jwsSig, jwsMsg)])).every(Boolean)],
  ["js_webcrypto_import_jwk", "subtle.importKey(jwk {kty,n,e}) alone", true, "object", async () => typeof (await subtle.importKey("jwk", leafJwk, RS256, false, ["verify"]))],
  ["js_webcrypto_2checks_cached_ca_jwk_par", "CA key cached; leaf importKey(jwk); 2 verifies in parallel", true, true, async () => (await Promise.all([subtle.verify(RS256, caKey, certSig, tbs), importJwkVerify(leafJwk, jwsSig, jwsMsg)])).every(Boolean)],
  // node:crypto pieces
  ["node_create_public_key_spki", "crypto.createPublicKey(SPKI DER) (OpenSSL 3 decoder)", false, "object", () => typeof createPublicKey({ key: Buffer.from(leafSpki), format: "der", type: "spki" })],
  ["node_create_public_key_jwk", "crypto.createPublicKey(JWK)", false, "object", () => typeof createPublicKey({ key: leafJwk, format: "jwk" })],
  ["node_x509_parse_leaf", "new X509Certificate(leaf DER)", false, "object", () => typeof new X509Certificate(leafDer)],
  ["node_x509_verify_by_ca", "leaf.verify(ca.publicKey), both pre-parsed", false, true, () => leafX.verify(caX.publicKey)],
  ["node_crypto_verify_keyobject", "crypto.verify sha256 with a KeyObject (1 check)", false, true, () => nodeVerify("sha256", jwsMsgBuf, leafKeyObj, jwsSigBuf)],
  ["node_crypto_2checks", "crypto.verify × 2 with KeyObjects", false, true, () => nodeVerify("sha256", Buffer.from(tbs), caKeyObj, Buffer.from(certSig)) && nodeVerify("sha256", jwsMsgBuf, leafKeyObj, jwsSigBuf)],
  ["node_crypto_cached_ca", "node:crypto end to end with the CA parsed once (like the SDK's pinned anchors)", false, true, () => nodeCryptoCachedCa(good.jws)],
  // promise floor
  ["js_await_floor", "await Promise.resolve() (one microtask hop)", true, 1, async () => Promise.resolve(1)],
];

function nodeCryptoCachedCa(jws) {
  const [h, p, s] = jws.split(".");
  const header = JSON.parse(b64u(h).toString("utf8"));
  const claims = JSON.parse(b64u(p).toString("utf8"));
  if (header.alg !== "RS256") return false;
  const leaf = new X509Certificate(Buffer.from(header.x5c[0], "base64"));
  if (!leaf.verify(caX.publicKey)) return false;
  return nodeVerify("sha256", Buffer.from(`${h}.${p}`), leaf.publicKey, b64u(s)) && claimsOk(claims);
}

const stepBenches = STEPS.map(([key, label, isAsync, expect, fn, hooks]) => ({
  key,
  label,
  async: isAsync,
  expect,
  fn,
  arg: undefined,
  ...(hooks ?? {}),
}));
const stepResults = await runSteps(stepBenches);

async function runSteps(benches) {
  // calibrate() calls batch() directly: wrap hooked benches so calibration is stubbed as well.
  for (const b of benches) {
    if (b.before) {
      b.before();
      try {
        await calibrate(b, 150);
      } finally {
        b.after();
      }
      b.calibrated = true;
    }
  }
  const plain = benches.filter((b) => !b.calibrated);
  for (const b of plain) await calibrate(b, 150);
  const rounds = Math.max(5, Math.ceil((STEP_SECONDS * 1000) / ROUND_MS));
  const samples = new Map(benches.map((b) => [b.key, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < benches.length; i++) {
      const b = benches[(r + i) % benches.length];
      fullGc();
      if (b.before) b.before();
      try {
        samples.get(b.key).push(await batch(b, b.n));
      } finally {
        if (b.after) b.after();
      }
    }
  }
  for (const b of benches) spread.set(b.key, [quantile(samples.get(b.key), 0.25), quantile(samples.get(b.key), 0.75)]);
  return new Map(benches.map((b) => [b.key, median(samples.get(b.key))]));
}

const sus = (k) => stepResults.get(k) / 1000;
note("");
note("sub-steps, µs per call (median):");
for (const b of stepBenches) {
  const [lo, hi] = spread.get(b.key).map((v) => fmt(v / 1000));
  note(`  ${b.label.padEnd(86)} ${fmt(sus(b.key)).padStart(9)}   (p25–p75 ${lo}–${hi})`);
}
if (native) {
  note("native split (cargo example, release profile = opt-level s + LTO), µs:");
  for (const [k, v] of Object.entries(native.ns)) note(`  ${k.padEnd(86)} ${fmt(v / 1000).padStart(9)}`);
}
for (const b of stepBenches) out(`step_${b.key}_us`, sus(b.key), "us");
if (native) for (const [k, v] of Object.entries(native.ns)) out(`step_native_${k}_us`, v / 1000, "us");

// Derived attribution for wasm + WebCrypto (what to optimise).
const wcFull = sus("wasm_webcrypto_full");
const wcStub = sus("wasm_webcrypto_stubbed");
note("");
note("attribution of verifyAssertion (wasm + WebCrypto), µs:");
note(`  total                                   ${fmt(wcFull)}`);
note(`  wasm + glue, crypto stubbed             ${fmt(wcStub)}   (of which parse leaf+conversion ≈ ${fmt(sus("wasm_parse_leaf"))}, call floor ${fmt(sus("wasm_call_floor"))})`);
note(`  WebCrypto share (total − stubbed)       ${fmt(wcFull - wcStub)}   (pure-JS 2 checks sequential: ${fmt(sus("js_webcrypto_2checks_seq"))}; parallel: ${fmt(sus("js_webcrypto_2checks_par"))}; CA key cached + parallel: ${fmt(sus("js_webcrypto_2checks_cached_ca_par"))})`);
note(`  importKey(spki) per check               ${fmt(sus("js_webcrypto_import"))}   importKey(jwk) ${fmt(sus("js_webcrypto_import_jwk"))}   verify with a cached key ${fmt(sus("js_webcrypto_verify_cached_key"))}   node crypto.verify ${fmt(sus("node_crypto_verify_keyobject"))}`);
note(`  best WebCrypto schedule (CA key cached, leaf as JWK, parallel) ${fmt(sus("js_webcrypto_2checks_cached_ca_jwk_par"))}; + today's wasm/glue ${fmt(wcStub)} ≈ ${fmt(wcStub + sus("js_webcrypto_2checks_cached_ca_jwk_par"))} vs node:crypto ${fmt(us("node_crypto"))}`);
note(`  node:crypto end to end                  ${fmt(us("node_crypto"))}   (2 × crypto.verify ${fmt(sus("node_crypto_2checks"))}; CA parsed once: ${fmt(sus("node_crypto_cached_ca"))})`);

// ---------------------------------------------------------------- targets (reported, not asserted)
note("");
const target = (ok, text) => console.log(`${ok ? "PASS" : "MISS"} ${text}`);
target(rWcNode <= 1.0, `wasm+WebCrypto ≤ 1.0× node:crypto (is ${fmt(rWcNode)}×)`);
target(rJsrWc >= 5, `wasm+WebCrypto ≥ 5× faster than jsrsasign (is ${fmt(rJsrWc)}×)`);
target(rPkiWc >= 5, `wasm+WebCrypto ≥ 5× faster than PKI.js (is ${fmt(rPkiWc)}×)`);
target(web.gz / 1000 <= 90, `wasm (dist/web) ≤ 90 KB gzip -9 (is ${fmt(web.gz / 1000)} KB = ${web.gz} B; raw ${web.raw} B)`);
