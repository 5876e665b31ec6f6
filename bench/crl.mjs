#!/usr/bin/env node
// CRL benchmark in wasm under Node: the 1,000,000-entry CRL of the test signature CA
// (target/crl/crl1m.der, written by `make bench-crl`) parsed, verified (WebCrypto: the npm
// package's jpki-verify/sync build, dist/full: the small default build has no revocation code)
// and indexed by `CrlIndex.build`, then lookups and a saved-index load.
//
//   node bench/crl.mjs [CRL] [WASM_DIR]    (defaults: target/crl/crl1m.der, pkg/dist/full)
//
// Prints `BENCH crl1m_index_wasm_s X s` plus `#` notes (lookups, load) and PASS/MISS against
// the target (<= 3 s); exits non-zero only on a wrong answer.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const crlPath = process.argv[2] ?? `${ROOT}target/crl/crl1m.der`;
const wasmDir = process.argv[3] ?? `${ROOT}pkg/dist/full`;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const mod = await import(`${wasmDir}/jpki_verify.js`);
await mod.default({ module_or_path: readFileSync(`${wasmDir}/jpki_verify_bg.wasm`) });
const { CrlIndex } = mod;
if (!CrlIndex) {
  console.error(`# ${wasmDir} has no CrlIndex export: rebuild the package (make pkg)`);
  process.exit(1);
}

const fmt = (v) => (v >= 100 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
const der = readFileSync(crlPath);
console.log(`# ${crlPath}: ${der.length} bytes; wasm ${wasmDir}; median of ${RUNS} runs`);

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
let index;
const times = [];
for (let i = 0; i < RUNS; i++) {
  index?.free();
  const t0 = performance.now();
  index = await CrlIndex.build(der, "test");
  times.push((performance.now() - t0) / 1000);
}
const wasmS = median(times);
console.log(`# ${index.length} entries, cRLNumber ${index.crlNumber}, index ${index.memoryBytes} bytes of wasm memory`);
console.log(`BENCH crl1m_index_wasm_s ${fmt(wasmS)} s`);
console.log(`# ${wasmS <= 3 ? "PASS" : "MISS"} parse + verify (WebCrypto) + index in wasm under Node <= 3 s`);

if (index.lookup("1000001A")?.reason !== "affiliationChanged" || index.lookup("20000001") !== null) {
  console.error("wrong answer from lookup");
  process.exit(1);
}
const n = 100_000;
const t1 = performance.now();
let hits = 0;
for (let i = 0; i < n; i++) {
  const s = (0x2000_0000 + 3 * ((i * 7919) % 1_000_000) + (i & 1)).toString(16);
  if (index.lookup(s) !== null) hits++;
}
console.log(`# wasm lookup from JS (hex string in): ${fmt(((performance.now() - t1) * 1000) / n)} us (${hits} of ${n} found)`);

const saved = index.toBytes();
const t2 = performance.now();
const loaded = CrlIndex.fromBytes(saved);
console.log(`# wasm load of the saved index (${saved.length} bytes): ${fmt(performance.now() - t2)} ms, ${loaded.length} entries`);
