#!/usr/bin/env node
// End-to-end assertion benchmark: this SDK (wasm + WebCrypto, wasm + Rust provider, native)
// against node:crypto, jsrsasign and PKI.js doing the same work — "parse leaf and CA, verify
// leaf by CA, verify the JWS (RS256)" — in one run on one machine. See bench/README.md.
//
//   node bench/compare.mjs                  (make bench-verify builds pkg/ first)
//   BENCH_SECONDS=4 node bench/compare.mjs  (timed seconds per implementation; default 2)
//   BENCH_NATIVE=0 node bench/compare.mjs   (skip the cargo example)
//
// Output: `BENCH <name> <value> <unit>` lines, `PASS`/`MISS` target notes and `#` comments.
// Exits non-zero only if an implementation gives a wrong answer (a valid assertion refused, a
// tampered one accepted); performance targets are reported, never asserted.

import { execFileSync } from "node:child_process";
import {
  KeyObject,
  X509Certificate,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
} from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";

import * as pkijs from "pkijs";
import jsrsasign from "jsrsasign";

// The Node entry answers the signature checks with node:crypto; the same build through
// "jpki-verify/load" (the browser API) answers them with WebCrypto.
import { parseCertificate, sdkVersion, verifyAssertion as verifyAssertionNodeCrypto } from "../pkg/index.node.js";
import { load } from "../pkg/load.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// The Rust-provider functions: the "jpki-verify/sync" entry (dist/full) when the package has
// one, else the default entry (single-build layout).
const syncEntry = existsSync(`${ROOT}pkg/sync.node.js`) ? "../pkg/sync.node.js" : "../pkg/index.node.js";
const { verifyAssertionSync, verifySignatureSync } = await import(syncEntry);
const { verifyAssertion, verifySignature } = await load(readFileSync(`${ROOT}pkg/dist/web/jpki_verify_bg.wasm`));

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2); // timed seconds per implementation
const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? SECONDS / 4); // per sub-step
const POOL = Number(process.env.BENCH_POOL ?? 40); // distinct fresh leaves (> any key cache)
const ROUND_MS = 50; // one timed batch; rounds alternate between implementations
const CASE = "jws-account-opening-taro";
const TAMPERED = ["jws-tampered-signature", "jws-same-dn-forged-ca"];

const subtle = globalThis.crypto.subtle;
const RS256 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
const fmt = (v) => (Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));
const out = (name, value, unit) => console.log(`BENCH ${name} ${fmt(value)} ${unit}`);
const note = (s) => console.log(`# ${s}`);

// ---------------------------------------------------------------- fixtures
const fixtures = `${ROOT}tests/fixtures/`;
const manifest = JSON.parse(readFileSync(`${fixtures}assertions/manifest.json`, "utf8"));
const byName = (n) => {
  const c = manifest.cases.find((x) => x.name === n);
  if (!c) throw new Error(`manifest: no case ${n}`);
  return { name: n, jws: readFileSync(`${fixtures}assertions/${c.file}`, "utf8").trim(), options: { ...c.options } };
};
const good = byName(CASE);
const options = good.options;
const tampered = TAMPERED.map(byName);
const caDer = readFileSync(`${fixtures}testpki/sign-ca.der`);
const caHex = caDer.toString("hex");
const caU8 = new Uint8Array(caDer);
const b64u = (s) => Buffer.from(s, "base64url");

// ---------------------------------------------------------------- fresh leaves
// A relying party sees a different card (leaf key) on nearly every assertion, so a benchmark
// that repeats one JWS lets any per-key cache (the SDK's WebCrypto CryptoKey cache, OpenSSL's
// per-key Montgomery context) turn the leaf import into a cache hit that no peer gets. The
// primary figures therefore cycle through POOL assertions that differ from the fixture only in
// the leaf key: taro-sign.der with a fresh RSA-2048 key, serial and subjectKeyIdentifier
// patched in place (same lengths, so no re-encoding), re-signed by the test sign-ca; the JWS
// header/payload are the fixture's with the new x5c, signed by the new key.
async function freshPool(n) {
  const leaf = readFileSync(`${fixtures}testpki/taro-sign.der`);
  const x = new X509Certificate(leaf);
  const caKey = createPrivateKey({ key: readFileSync(`${fixtures}testpki/sign-ca.key.der`), format: "der", type: "pkcs8" });
  const oldSpki = x.publicKey.export({ type: "spki", format: "der" });
  const oldSki = createHash("sha1").update(x.publicKey.export({ type: "pkcs1", format: "der" })).digest();
  const serial = Buffer.from(x.serialNumber.length % 2 ? `0${x.serialNumber}` : x.serialNumber, "hex");
  const serialTlv = Buffer.concat([Buffer.from([0x02, serial.length]), serial]);
  const at = { spki: leaf.indexOf(oldSpki), ski: leaf.indexOf(oldSki), serial: leaf.indexOf(serialTlv) };
  if (at.spki < 0 || at.serial < 0 || leaf[4] !== 0x30 || leaf[5] !== 0x82) throw new Error("fresh leaves: unexpected taro-sign.der layout");
  const tbsEnd = 8 + leaf.readUInt16BE(6);
  const [h] = good.jws.split(".");
  const header = JSON.parse(b64u(h).toString("utf8"));
  const p = good.jws.split(".")[1];
  const keys = await Promise.all(Array.from({ length: n }, () => promisify(generateKeyPair)("rsa", { modulusLength: 2048 })));
  return keys.map(({ publicKey, privateKey }) => {
    const cert = Buffer.from(leaf);
    const spki = publicKey.export({ type: "spki", format: "der" });
    if (spki.length !== oldSpki.length) throw new Error("fresh leaves: SPKI length changed");
    spki.copy(cert, at.spki);
    if (at.ski >= 0) createHash("sha1").update(publicKey.export({ type: "pkcs1", format: "der" })).digest().copy(cert, at.ski);
    const sn = randomBytes(serial.length);
    sn[0] = 0x10 | (sn[0] & 0x6f); // positive, minimal
    sn.copy(cert, at.serial + 2);
    const sig = nodeSign("sha256", cert.subarray(4, tbsEnd), caKey);
    if (sig.length !== 256) throw new Error("fresh leaves: signature length");
    sig.copy(cert, cert.length - 256);
    const hh = Buffer.from(JSON.stringify({ ...header, x5c: [cert.toString("base64")] })).toString("base64url");
    return `${hh}.${p}.${nodeSign("sha256", Buffer.from(`${hh}.${p}`), privateKey).toString("base64url")}`;
  });
}

// ---------------------------------------------------------------- the implementations
// Each takes a compact JWS and returns true (valid) / false (invalid); throwing counts as invalid.

// The claim checks every peer does too (the SDK does more: strict JSON, constant-time nonce).
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

// 1. this SDK, wasm + WebCrypto (browsers, workers; here Node's crypto.subtle)
const sdkWebCrypto = async (jws) => (await verifyAssertion(jws, options)).valid;

// 1b. this SDK, wasm + node:crypto (the Node entry's verifyAssertion)
const sdkNodeCrypto = async (jws) => (await verifyAssertionNodeCrypto(jws, options)).valid;

// 2. this SDK, wasm + Rust provider
const sdkRust = (jws) => verifyAssertionSync(jws, options).valid;

// 4. node:crypto (OpenSSL), the CA from DER on every call (`caOf`)
const nodeCryptoWith = (caOf) =>
  function nodeCrypto(jws) {
    const [h, p, s, extra] = jws.split(".");
    if (s === undefined || extra !== undefined) return false;
    const header = JSON.parse(b64u(h).toString("utf8"));
    const claims = JSON.parse(b64u(p).toString("utf8"));
    if (header.alg !== "RS256" || !Array.isArray(header.x5c)) return false;
    const leaf = new X509Certificate(Buffer.from(header.x5c[0], "base64"));
    if (!leaf.verify(caOf().publicKey)) return false;
    if (!nodeVerify("sha256", Buffer.from(`${h}.${p}`), leaf.publicKey, b64u(s))) return false;
    return claimsOk(claims);
  };
const nodeCrypto = nodeCryptoWith(() => new X509Certificate(caDer));
// 4b. node:crypto with the CA parsed once (as the SDK has its anchors parsed once): like for like
const caXOnce = new X509Certificate(caDer);
const nodeCryptoCachedCa = nodeCryptoWith(() => caXOnce);

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

// 6. PKI.js + asn1js with the WebCrypto engine (globalThis.crypto)
pkijs.setEngine("node", new pkijs.CryptoEngine({ name: "node", crypto: globalThis.crypto }));
async function pkijsImpl(jws) {
  const [h, p, s, extra] = jws.split(".");
  if (s === undefined || extra !== undefined) return false;
  const header = JSON.parse(b64u(h).toString("utf8"));
  const claims = JSON.parse(b64u(p).toString("utf8"));
  if (header.alg !== "RS256" || !Array.isArray(header.x5c)) return false;
  const leaf = pkijs.Certificate.fromBER(new Uint8Array(Buffer.from(header.x5c[0], "base64")));
  const ca = pkijs.Certificate.fromBER(caU8);
  if (!(await leaf.verify(ca))) return false;
  const spki = leaf.subjectPublicKeyInfo.toSchema().toBER(false);
  const key = await subtle.importKey("spki", spki, RS256, false, ["verify"]);
  if (!(await subtle.verify(RS256, key, b64u(s), Buffer.from(`${h}.${p}`)))) return false;
  return claimsOk(claims);
}

const IMPLS = [
  { key: "wasm_webcrypto", label: "SDK wasm + WebCrypto (verifyAssertion)", fn: sdkWebCrypto, async: true },
  { key: "wasm_node_crypto", label: "SDK wasm + node:crypto (verifyAssertion, Node)", fn: sdkNodeCrypto, async: true },
  { key: "wasm_rust", label: "SDK wasm + Rust provider (verifyAssertionSync)", fn: sdkRust, async: false },
  { key: "node_crypto", label: "node:crypto X509Certificate + crypto.verify", fn: nodeCrypto, async: false },
  { key: "node_crypto_cached_ca", label: "node:crypto, CA parsed once", fn: nodeCryptoCachedCa, async: false },
  { key: "jsrsasign", label: "jsrsasign 11.1.5 X509 + JWS.verify", fn: jsrsasignImpl, async: false },
  { key: "pkijs", label: "PKI.js 4.0.0 Certificate.verify + subtle.verify", fn: pkijsImpl, async: true },
];

// ---------------------------------------------------------------- timing harness
const now = () => process.hrtime.bigint();
// A full GC before every batch, so that no implementation pays for another's garbage (jsrsasign
// and PKI.js allocate a lot; without this their old-generation debt lands on whoever runs next).
// Run with `node --expose-gc` (the Makefile does); turning the flag on at run time with
// v8.setFlagsFromString destabilises V8 (a deoptimizer crash was seen with Node 20).
const fullGc = typeof globalThis.gc === "function" ? globalThis.gc : () => {};

// One batch of n calls, cycling through b.inputs; returns ns per call. Every call must return
// b.expect (nothing is timed doing nothing); a wrong answer aborts the run.
async function batch(b, n) {
  const inputs = b.inputs;
  let ok = 0;
  let i = b.next ?? 0;
  const t0 = now();
  if (b.async) for (let k = 0; k < n; k++) ok += (await b.fn(inputs[i++ % inputs.length])) === b.expect ? 1 : 0;
  else for (let k = 0; k < n; k++) ok += b.fn(inputs[i++ % inputs.length]) === b.expect ? 1 : 0;
  const ns = Number(now() - t0) / n;
  b.next = i % inputs.length;
  if (ok !== n) throw new Error(`${b.key}: ${n - ok} of ${n} timed calls gave a wrong answer`);
  return ns;
}

// Warm up (JIT, wasm tier-up) for ~warmMs, then size a batch to ROUND_MS.
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
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
};

// Alternating rounds: every round runs each benchmark once (order rotated), until each has
// `seconds` of timed calls. Returns key → { med, p25, p75 } in ns/op.
async function run(benches, seconds, warmMs) {
  for (const b of benches) {
    b.before?.();
    try {
      await calibrate(b, warmMs);
    } finally {
      b.after?.();
    }
  }
  const rounds = Math.max(5, Math.ceil((seconds * 1000) / ROUND_MS));
  const samples = new Map(benches.map((b) => [b.key, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < benches.length; i++) {
      const b = benches[(r + i) % benches.length];
      fullGc();
      b.before?.();
      try {
        samples.get(b.key).push(await batch(b, b.n));
      } finally {
        b.after?.();
      }
    }
  }
  return new Map(
    benches.map((b) => {
      const xs = samples.get(b.key);
      return [b.key, { med: quantile(xs, 0.5), p25: quantile(xs, 0.25), p75: quantile(xs, 0.75) }];
    }),
  );
}

// ---------------------------------------------------------------- correctness gates
async function gate(pool) {
  const failures = [];
  const call = async (impl, jws) => {
    try {
      return await impl.fn(jws);
    } catch (e) {
      return `threw ${e?.code ?? e?.message ?? e}`;
    }
  };
  for (const impl of IMPLS) {
    for (const [name, jws] of [[CASE, good.jws], ...pool.map((j, i) => [`fresh leaf #${i}`, j])]) {
      const v = await call(impl, jws);
      if (v !== true) failures.push(`${impl.key}: ${name} should be valid, got ${v}`);
    }
    for (const t of tampered) {
      const w = await call(impl, t.jws);
      if (w !== false) failures.push(`${impl.key}: ${t.name} should be invalid, got ${w}`);
    }
  }
  // The SDK must refuse for the right reason, not incidentally.
  for (const t of tampered) {
    const v = verifyAssertionSync(t.jws, options).errors[0]?.code;
    const w = (await verifyAssertion(t.jws, options)).errors[0]?.code;
    const n = (await verifyAssertionNodeCrypto(t.jws, options)).errors[0]?.code;
    note(`gate: ${t.name} → SDK ${v} (Rust provider) / ${w} (WebCrypto) / ${n} (node:crypto)`);
    if (v !== w || v !== n) failures.push(`SDK: ${t.name}: the providers disagree (${v} / ${w} / ${n})`);
    if (v !== "JPKI_SIGNATURE_INVALID" && v !== "JPKI_CHAIN_UNTRUSTED") failures.push(`SDK: ${t.name} refused with ${v}`);
  }
  return failures;
}

// ---------------------------------------------------------------- main
note(`jpki-verify ${sdkVersion()} · node ${process.version} · ${cpus()[0]?.model ?? "?"} × ${cpus().length}`);
note(`load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} (other work on the machine skews absolute times)`);
const pool = await freshPool(POOL);
note(`inputs: ${POOL} fresh-leaf variants of ${CASE} (primary), and the fixture itself repeated`);
note(`timing: ${SECONDS}s per implementation and input set, ${ROUND_MS} ms alternating rounds, full GC between rounds; median (p25–p75)`);

const failures = await gate(pool);
if (failures.length) {
  for (const f of failures) console.error(`WRONG ANSWER ${f}`);
  process.exit(1);
}
note(`gate: every implementation accepts ${CASE} and the ${POOL} fresh leaves, and refuses ${TAMPERED.join(", ")}`);

// 3. native: the cargo example (before the JS timing, so that nothing shares the CPU)
let native = null;
if (process.env.BENCH_NATIVE !== "0") {
  const stdout = execFileSync(
    "cargo",
    ["run", "-q", "--release", "--example", "bench_verify", "--", "--ms", String(Math.round(SECONDS * 1000))],
    { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  native = JSON.parse(stdout.trim().split("\n").pop());
}

const fresh = await run(IMPLS.map((i) => ({ ...i, inputs: pool, expect: true })), SECONDS, 300);
const fixture = await run(IMPLS.map((i) => ({ ...i, inputs: [good.jws], expect: true })), SECONDS, 300);
const us = (k) => fresh.get(k).med / 1000;
const usFix = (k) => fixture.get(k).med / 1000;
const range = (r) => `(${fmt(r.p25 / 1000)}–${fmt(r.p75 / 1000)})`;

note("");
note(`end to end, µs per assertion, median (p25–p75):     fresh leaf each call      ${CASE} repeated`);
for (const impl of IMPLS) {
  note(
    `  ${impl.label.padEnd(50)} ${fmt(us(impl.key)).padStart(8)} ${range(fresh.get(impl.key)).padEnd(17)} ${fmt(usFix(impl.key)).padStart(8)} ${range(fixture.get(impl.key))}`,
  );
}
if (native) note(`  ${"SDK native, RustCrypto (cargo example bench_verify)".padEnd(50)} ${"".padStart(26)} ${fmt(native.ns.assertion / 1000).padStart(8)}`);

for (const impl of IMPLS) out(`assertion_${impl.key}_us`, us(impl.key), "us");
if (native) out("assertion_native_us", native.ns.assertion / 1000, "us");
const rWcNode = us("wasm_webcrypto") / us("node_crypto");
// The headline, like for like: the SDK's Node entry against node:crypto with its CA parsed once.
const rHeadline = us("wasm_node_crypto") / us("node_crypto_cached_ca");
out("assertion_wasm_node_vs_node_crypto_cached_ca", rHeadline, "x");
out("assertion_wasm_webcrypto_vs_node_crypto_cached_ca", us("wasm_webcrypto") / us("node_crypto_cached_ca"), "x");
const rJsrWc = us("jsrsasign") / us("wasm_webcrypto");
const rPkiWc = us("pkijs") / us("wasm_webcrypto");
out("assertion_wasm_webcrypto_vs_node_crypto", rWcNode, "x");
out("assertion_wasm_rust_vs_node_crypto", us("wasm_rust") / us("node_crypto"), "x");
// The native example repeats the fixture (RustCrypto has no key cache), so it is compared
// with node:crypto on the same repeated fixture.
if (native) out("assertion_native_vs_node_crypto", native.ns.assertion / 1000 / usFix("node_crypto"), "x");
out("assertion_jsrsasign_vs_wasm_webcrypto", rJsrWc, "x");
out("assertion_pkijs_vs_wasm_webcrypto", rPkiWc, "x");
for (const impl of IMPLS) out(`assertion_fixture_${impl.key}_us`, usFix(impl.key), "us");
out("assertion_fixture_wasm_webcrypto_vs_node_crypto", usFix("wasm_webcrypto") / usFix("node_crypto"), "x");
out("assertion_fixture_jsrsasign_vs_wasm_webcrypto", usFix("jsrsasign") / usFix("wasm_webcrypto"), "x");
out("assertion_fixture_pkijs_vs_wasm_webcrypto", usFix("pkijs") / usFix("wasm_webcrypto"), "x");

// gzip -9 (zlib level 9); KB = 1000 bytes. dist/web is the default entry's module; dist/full
// (the "jpki-verify/sync" build with the Rust provider) is reported too when the package has it.
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
// Sub-steps on the fixture (single inputs), timed the same way but shorter. µs per call.
const [gh, gp, gs] = good.jws.split(".");
const leafDer = Buffer.from(JSON.parse(b64u(gh).toString("utf8")).x5c[0], "base64");
const leafU8 = new Uint8Array(leafDer);
const jwsMsg = new Uint8Array(Buffer.from(`${gh}.${gp}`));
const jwsSig = new Uint8Array(b64u(gs));
const leafX = new X509Certificate(leafDer);
const caX = new X509Certificate(caDer);
const leafSpki = new Uint8Array(leafX.publicKey.export({ type: "spki", format: "der" }));
const caSpki = new Uint8Array(caX.publicKey.export({ type: "spki", format: "der" }));
const leafJwk = leafX.publicKey.export({ format: "jwk" });
const leafP = pkijs.Certificate.fromBER(leafU8);
const tbs = new Uint8Array(leafP.tbsView);
const certSig = new Uint8Array(leafP.signatureValue.valueBlock.valueHexView);
const caKey = await subtle.importKey("spki", caSpki, RS256, false, ["verify"]);
const leafKey = await subtle.importKey("spki", leafSpki, RS256, false, ["verify"]);
const caKeyObj = createPublicKey({ key: Buffer.from(caSpki), format: "der", type: "spki" });
const leafKeyObj = createPublicKey({ key: Buffer.from(leafSpki), format: "der", type: "spki" });
const jwsMsgBuf = Buffer.from(jwsMsg);
const jwsSigBuf = Buffer.from(jwsSig);
const tbsBuf = Buffer.from(tbs);
const certSigBuf = Buffer.from(certSig);

const importVerify = async (spki, sig, msg) =>
  subtle.verify(RS256, await subtle.importKey("spki", spki, RS256, false, ["verify"]), sig, msg);
const importJwkVerify = async (jwk, sig, msg) =>
  subtle.verify(RS256, await subtle.importKey("jwk", jwk, RS256, false, ["verify"]), sig, msg);

// The SDK's WebCrypto work per fresh-leaf assertion, made from plain JS: the CA's signature over
// the leaf (CA key cached, as the SDK caches it) and the leaf's signature over the JWS input.
const poolParts = pool.map((jws) => {
  const [h, p, s] = jws.split(".");
  const der = new Uint8Array(Buffer.from(JSON.parse(b64u(h).toString("utf8")).x5c[0], "base64"));
  const cert = pkijs.Certificate.fromBER(der);
  const pub = new X509Certificate(der).publicKey;
  return {
    spki: new Uint8Array(pub.export({ type: "spki", format: "der" })),
    jwk: pub.export({ format: "jwk" }),
    tbs: new Uint8Array(cert.tbsView),
    certSig: new Uint8Array(cert.signatureValue.valueBlock.valueHexView),
    msg: new Uint8Array(Buffer.from(`${h}.${p}`)),
    sig: new Uint8Array(b64u(s)),
  };
});
const sdkEquivalentSeq = async (x) =>
  (await subtle.verify(RS256, caKey, x.certSig, x.tbs)) && (await importVerify(x.spki, x.sig, x.msg));
const sdkEquivalentJwkSeq = async (x) =>
  (await subtle.verify(RS256, caKey, x.certSig, x.tbs)) && (await importJwkVerify(x.jwk, x.sig, x.msg));
const sdkEquivalentJwkPar = async (x) =>
  (await Promise.all([subtle.verify(RS256, caKey, x.certSig, x.tbs), importJwkVerify(x.jwk, x.sig, x.msg)])).every(Boolean);


// Keys of every certificate the runs use, by SPKI tail and by JWK `n`, so that the WebCrypto
// stand-ins below work whichever import format the SDK uses.
const keyTag = (format, data) =>
  format === "jwk" ? `jwk:${data.n ?? data.x}` : `spki:${Buffer.from(data.buffer, data.byteOffset + data.byteLength - 48, 40).toString("latin1")}`;
const keyInfo = new Map(); // tag → { spki, jwk, key }
for (const pub of [caX.publicKey, ...[good.jws, ...pool].map((jws) => new X509Certificate(Buffer.from(JSON.parse(b64u(jws.split(".")[0]).toString("utf8")).x5c[0], "base64")).publicKey)]) {
  const spki = new Uint8Array(pub.export({ type: "spki", format: "der" }));
  const jwk = pub.export({ format: "jwk" });
  const info = { spki, jwk, key: await subtle.importKey("spki", spki, RS256, false, ["verify"]) };
  keyInfo.set(keyTag("spki", spki), info);
  keyInfo.set(keyTag("jwk", jwk), info);
}
const realCrypto = Object.getOwnPropertyDescriptor(globalThis, "crypto");
const withCrypto = (value) => ({
  before: () => Object.defineProperty(globalThis, "crypto", { value, configurable: true }),
  after: () => Object.defineProperty(globalThis, "crypto", realCrypto),
});
// 1. answers at once: verifyAssertion then costs everything but the crypto (wasm parse/plan/
//    finish, wasm-bindgen futures, promise hops, the verdict's JSON). importKey hands back the
//    real, pre-imported key, so that the SDK's key cache never holds a fake one.
const stub = withCrypto({
  subtle: {
    importKey: (format, data) => Promise.resolve(keyInfo.get(keyTag(format, data)).key),
    verify: () => Promise.resolve(true),
  },
});
// 2./3. the real WebCrypto with every import forced to one format: measured projections of
//    the import format, the rest (wasm, glue, key cache, scheduling) being today's SDK.
const forceImport = (to) =>
  withCrypto({
    subtle: {
      importKey: (format, data, ...rest) => subtle.importKey(to, keyInfo.get(keyTag(format, data))[to], ...rest),
      verify: (...args) => subtle.verify(...args),
    },
  });
const forceSpki = forceImport("spki");
const forceJwk = forceImport("jwk");
// 4. WebCrypto calls answered synchronously by node:crypto (createPublicKey from the JWK, then
//    crypto.verify): a measured projection of a Node-specific provider. importKey still returns
//    the real CryptoKey (for the SDK's cache) after paying for createPublicKey.
// (Keys the SDK cached from earlier real runs are CryptoKeys this map has not seen: converted once.)
const keyObjects = new WeakMap([...keyInfo.values()].map((i) => [i.key, createPublicKey({ key: i.jwk, format: "jwk" })]));
const keyObjectOf = (key) => keyObjects.get(key) ?? keyObjects.set(key, KeyObject.from(key)).get(key);
const nodeShim = withCrypto({
  subtle: {
    importKey: (format, data) => {
      const info = keyInfo.get(keyTag(format, data));
      createPublicKey({ key: info.jwk, format: "jwk" });
      return Promise.resolve(info.key);
    },
    verify: (_alg, key, sig, data) => Promise.resolve(nodeVerify("sha256", data, keyObjectOf(key), sig)),
  },
});

// [key, label, async, expected result, fn(input), inputs?, hooks?]
const STEPS = [
  // SDK, wasm
  ["wasm_webcrypto_fresh", "verifyAssertion, fresh leaf each call", true, true, sdkWebCrypto, pool],
  ["wasm_webcrypto_fixture", "verifyAssertion, fixture repeated", true, true, sdkWebCrypto, [good.jws]],
  ["wasm_webcrypto_stubbed", "verifyAssertion, WebCrypto stubbed (= wasm + glue, no crypto)", true, true, sdkWebCrypto, pool, stub],
  ["wasm_webcrypto_fresh_force_spki", "verifyAssertion, fresh leaf, every importKey forced to 'spki'", true, true, sdkWebCrypto, pool, forceSpki],
  ["wasm_webcrypto_fresh_force_jwk", "verifyAssertion, fresh leaf, every importKey forced to 'jwk'", true, true, sdkWebCrypto, pool, forceJwk],
  ["wasm_webcrypto_fresh_node_shim", "verifyAssertion, fresh leaf, WebCrypto answered by sync node:crypto", true, true, sdkWebCrypto, pool, nodeShim],
  ["wasm_call_floor", "verifyAssertionSync('x') → error verdict (args + options + tiny verdict)", false, false, () => verifyAssertionSync("x", options).valid],
  ["wasm_parse_leaf", "parseCertificate(leaf DER) (wasm parse + Certificate → JS)", false, "object", () => typeof parseCertificate(leafU8)],
  ["wasm_parse_ca", "parseCertificate(CA DER)", false, "object", () => typeof parseCertificate(caU8)],
  ["wasm_check_webcrypto_fresh", "verifySignature RS256 via wasm, fresh leaf key (importKey + verify)", true, true, (x) => verifySignature("RS256", x.spki, x.msg, x.sig), poolParts],
  ["wasm_check_rust", "verifySignatureSync RS256 (Rust rsa in wasm), 1 check", false, true, () => verifySignatureSync("RS256", leafSpki, jwsMsg, jwsSig)],
  // WebCrypto alone, from JS
  ["js_webcrypto_import_spki", "subtle.importKey('spki') alone", true, "object", async () => typeof (await subtle.importKey("spki", leafSpki, RS256, false, ["verify"]))],
  ["js_webcrypto_import_jwk", "subtle.importKey('jwk' {kty,n,e}) alone", true, "object", async () => typeof (await subtle.importKey("jwk", leafJwk, RS256, false, ["verify"]))],
  ["js_webcrypto_verify_cached_key", "subtle.verify with an already-imported key", true, true, () => subtle.verify(RS256, leafKey, jwsSig, jwsMsg)],
  ["js_webcrypto_1check_fresh", "importKey(spki) + verify, fresh leaf key, 1 check", true, true, (x) => importVerify(x.spki, x.sig, x.msg), poolParts],
  ["js_webcrypto_2checks_seq", "2 × (importKey(spki) + verify), sequential, no cache", true, true, async (x) => (await importVerify(caSpki, x.certSig, x.tbs)) && (await importVerify(x.spki, x.sig, x.msg)), poolParts],
  ["js_ca_cached_spki_seq", "plain JS: CA key cached; leaf importKey('spki') + verify; sequential", true, true, sdkEquivalentSeq, poolParts],
  ["js_ca_cached_jwk_seq", "plain JS: CA key cached; leaf importKey('jwk') + verify; sequential", true, true, sdkEquivalentJwkSeq, poolParts],
  ["js_ca_cached_jwk_par", "plain JS: CA key cached; leaf importKey('jwk'); both verifies in parallel", true, true, sdkEquivalentJwkPar, poolParts],
  // node:crypto pieces
  ["node_create_public_key_spki", "crypto.createPublicKey(SPKI DER) (OpenSSL 3 decoder)", false, "object", () => typeof createPublicKey({ key: Buffer.from(leafSpki), format: "der", type: "spki" })],
  ["node_create_public_key_jwk", "crypto.createPublicKey(JWK)", false, "object", () => typeof createPublicKey({ key: leafJwk, format: "jwk" })],
  ["node_x509_parse_leaf", "new X509Certificate(leaf DER)", false, "object", () => typeof new X509Certificate(leafDer)],
  ["node_x509_verify_by_ca", "leaf.verify(ca.publicKey), both pre-parsed", false, true, () => leafX.verify(caX.publicKey)],
  ["node_crypto_2checks", "crypto.verify × 2 with KeyObjects", false, true, () => nodeVerify("sha256", tbsBuf, caKeyObj, certSigBuf) && nodeVerify("sha256", jwsMsgBuf, leafKeyObj, jwsSigBuf)],
  ["js_await_floor", "await of a resolved promise (one microtask hop)", true, 1, async () => Promise.resolve(1)],
];
const steps = await run(
  STEPS.map(([key, label, isAsync, expect, fn, inputs, hooks]) => ({ key, label, async: isAsync, expect, fn, inputs: inputs ?? [undefined], ...(hooks ?? {}) })),
  STEP_SECONDS,
  150,
);
const sus = (k) => steps.get(k).med / 1000;

note("");
note("sub-steps, µs per call, median (p25–p75):");
for (const [key, label] of STEPS) note(`  ${label.padEnd(78)} ${fmt(sus(key)).padStart(8)} ${range(steps.get(key))}`);
if (native) {
  note("native split (cargo example bench_verify; release profile = opt-level s + LTO), µs:");
  for (const [k, v] of Object.entries(native.ns)) note(`  ${k.padEnd(78)} ${fmt(v / 1000).padStart(8)}`);
}
for (const [key] of STEPS) out(`step_${key}_us`, sus(key), "us");
if (native) for (const [k, v] of Object.entries(native.ns)) out(`step_native_${k}_us`, v / 1000, "us");

// Attribution of verifyAssertion (wasm + WebCrypto).
const wcStub = sus("wasm_webcrypto_stubbed");
note("");
note("attribution of verifyAssertion (wasm + WebCrypto), µs per assertion:");
note(`  end to end, fresh leaf / fixture repeated           ${fmt(us("wasm_webcrypto"))} / ${fmt(usFix("wasm_webcrypto"))}   (sub-step run: ${fmt(sus("wasm_webcrypto_fresh"))} / ${fmt(sus("wasm_webcrypto_fixture"))})`);
note(`  wasm + glue, WebCrypto stubbed                      ${fmt(wcStub)}   (parseCertificate(leaf) alone ${fmt(sus("wasm_parse_leaf"))}; call floor ${fmt(sus("wasm_call_floor"))})`);
note(`  ⇒ WebCrypto and its interaction, fresh leaf         ${fmt(sus("wasm_webcrypto_fresh") - wcStub)}   (plain-JS WebCrypto with a cached CA key: spki seq ${fmt(sus("js_ca_cached_spki_seq"))}, jwk seq ${fmt(sus("js_ca_cached_jwk_seq"))}, jwk parallel ${fmt(sus("js_ca_cached_jwk_par"))})`);
note(`  import format, measured in the SDK: spki / jwk      ${fmt(sus("wasm_webcrypto_fresh_force_spki"))} / ${fmt(sus("wasm_webcrypto_fresh_force_jwk"))}`);
note(`  projection: WebCrypto calls answered by node:crypto ${fmt(sus("wasm_webcrypto_fresh_node_shim"))}   (vs node:crypto end to end ${fmt(us("node_crypto"))})`);
note(`  one fresh-key check via wasm / from plain JS        ${fmt(sus("wasm_check_webcrypto_fresh"))} / ${fmt(sus("js_webcrypto_1check_fresh"))}`);
note(`  importKey spki / jwk                                ${fmt(sus("js_webcrypto_import_spki"))} / ${fmt(sus("js_webcrypto_import_jwk"))}   (node createPublicKey spki / jwk ${fmt(sus("node_create_public_key_spki"))} / ${fmt(sus("node_create_public_key_jwk"))})`);
note(`  subtle.verify, imported key / crypto.verify ×2      ${fmt(sus("js_webcrypto_verify_cached_key"))} / ${fmt(sus("node_crypto_2checks"))}`);
note(`  node:crypto: end to end ${fmt(us("node_crypto"))}; X509 parse leaf ${fmt(sus("node_x509_parse_leaf"))}; CA parsed once ${fmt(us("node_crypto_cached_ca"))}`);

// ---------------------------------------------------------------- targets (reported, never asserted)
note("");
const target = (ok, text) => console.log(`${ok ? "PASS" : "MISS"} ${text}`);
target(
  rHeadline <= 1.0,
  `SDK in Node (wasm + node:crypto) ≤ 1.0× node:crypto with the CA parsed once, fresh leaf each call (is ${fmt(rHeadline)}×: ${fmt(us("wasm_node_crypto"))} µs against ${fmt(us("node_crypto_cached_ca"))} µs)`,
);
target(rWcNode <= 1.0, `wasm+WebCrypto ≤ 1.0× node:crypto (is ${fmt(rWcNode)}×; fixture repeated ${fmt(usFix("wasm_webcrypto") / usFix("node_crypto"))}×)`);
target(rJsrWc >= 5, `wasm+WebCrypto ≥ 5× faster than jsrsasign (is ${fmt(rJsrWc)}×)`);
target(rPkiWc >= 5, `wasm+WebCrypto ≥ 5× faster than PKI.js (is ${fmt(rPkiWc)}×)`);
target(web.gz <= 72_000, `wasm (dist/web) ≤ 72 KB gzip -9 (is ${fmt(web.gz / 1000)} KB = ${web.gz} B; raw ${web.raw} B)`);
