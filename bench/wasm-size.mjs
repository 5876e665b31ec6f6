#!/usr/bin/env node
// Size of each wasm build of the npm package (`make bench-size`, part of `make bench`):
//
//   node bench/wasm-size.mjs                  sizes of pkg/dist/{web,full}, fails above budget
//   node bench/wasm-size.mjs --top FILE.wasm  where the bytes go in a build that kept its name
//                                             section (see bench/README.md, "Wasm size")
//
// gzip is zlib level 9 (what a CDN's static gzip gives); KB = 1000 bytes. The budget is the
// browsers' and workers' default entry (dist/web: verify only, JWS, WebCrypto answers the
// signature checks): issue 11's target, 70 KB gzip, for the verify path, plus 2 KB since
// issue 15 for the numbers helpers every entry exports (isValidMyNumber, isValidCorporateNumber,
// redactMyNumbers: 1.53 KB measured) and the smartphone token model (0.2 KB; bench/README.md). The full build (dist/full: Rust provider,
// CMS, card, revocation, virtual card; "jpki-verify/sync" and the Node entries) is reported,
// not budgeted. Exit 1 when a budgeted build is above its budget.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUILDS = [
  { name: "web", entry: '"jpki-verify" in browsers and workers (verify only, JWS, numbers helpers)', budgetGz: 72_000 },
  { name: "full", entry: '"jpki-verify/sync" and the Node entries (Rust provider, CMS, card, revocation)', budgetGz: null },
];
const kb = (n) => (n / 1000).toFixed(1);

// --- where the bytes go: code size per function, from the name section -----------------------
function leb(buf, pos) {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [result, pos];
  }
}
function sections(buf) {
  const out = [];
  let pos = 8;
  while (pos < buf.length) {
    const id = buf[pos];
    const [size, start] = leb(buf, pos + 1);
    let name = null;
    if (id === 0) {
      const [len, p] = leb(buf, start);
      name = buf.subarray(p, p + len).toString("utf8");
    }
    out.push({ id, name, start, end: start + size });
    pos = start + size;
  }
  return out;
}
function topFunctions(file, n) {
  const buf = readFileSync(file);
  const secs = sections(buf);
  let imported = 0;
  const imports = secs.find((s) => s.id === 2);
  if (imports) {
    let [count, p] = leb(buf, imports.start);
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < 2; k++) {
        const [len, q] = leb(buf, p);
        p = q + len;
      }
      const kind = buf[p++];
      if (kind === 0) {
        [, p] = leb(buf, p);
        imported++;
      } else if (kind === 1) {
        p += 1;
        const flags = buf[p++];
        [, p] = leb(buf, p);
        if (flags & 1) [, p] = leb(buf, p);
      } else if (kind === 2) {
        const flags = buf[p++];
        [, p] = leb(buf, p);
        if (flags & 1) [, p] = leb(buf, p);
      } else if (kind === 3) p += 2;
      else throw new Error(`import kind ${kind}`);
    }
  }
  const names = new Map();
  const nameSec = secs.find((s) => s.name === "name");
  if (nameSec) {
    let p = nameSec.start;
    const [len, q] = leb(buf, p);
    p = q + len;
    while (p < nameSec.end) {
      const sub = buf[p];
      const [size, s] = leb(buf, p + 1);
      if (sub === 1) {
        let [count, r] = leb(buf, s);
        for (let i = 0; i < count; i++) {
          const [idx, r1] = leb(buf, r);
          const [l, r2] = leb(buf, r1);
          names.set(idx, buf.subarray(r2, r2 + l).toString("utf8"));
          r = r2 + l;
        }
      }
      p = s + size;
    }
  }
  const code = secs.find((s) => s.id === 10);
  let [count, p] = leb(buf, code.start);
  const funcs = [];
  for (let i = 0; i < count; i++) {
    const [size, body] = leb(buf, p);
    funcs.push({ name: names.get(imported + i) ?? `func[${imported + i}]`, size });
    p = body + size;
  }
  // The crate (and, for this crate, the module) a mangled name belongs to: legacy `_ZN<len><name>`
  // (the first path segment after any `<impl …>` prefix) or v0 `_R…C[s<hash>_]<len><name>`.
  const crateOf = (name) => {
    const segs = [];
    if (name.startsWith("_ZN")) {
      for (const m of name.slice(3).matchAll(/(\d+)/g)) {
        const len = Number(m[1]);
        const seg = name.slice(3 + m.index + m[1].length, 3 + m.index + m[1].length + len);
        if (/^[a-z_][a-z0-9_]*$/.test(seg)) segs.push(seg);
        if (segs.length === 2) break;
      }
    } else if (name.startsWith("_R")) {
      const m = name.match(/C(?:s[0-9A-Za-z]*_)?(\d+)([a-z_][a-z0-9_]*)/);
      if (m) segs.push(m[2].slice(0, Number(m[1])));
    }
    if (segs.length === 0) return name.startsWith("__") ? "(runtime)" : "(other)";
    return segs[0] === "jpki_verify" && segs[1] ? `jpki_verify::${segs[1]}` : segs[0];
  };
  const byCrate = new Map();
  for (const f of funcs) byCrate.set(crateOf(f.name), (byCrate.get(crateOf(f.name)) ?? 0) + f.size);
  const total = funcs.reduce((a, f) => a + f.size, 0);
  console.log(`${file}: ${buf.length} B, code ${total} B in ${funcs.length} functions; data ${(secs.find((s) => s.id === 11)?.end ?? 0) - (secs.find((s) => s.id === 11)?.start ?? 0)} B`);
  console.log("code by crate (B):");
  for (const [c, size] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${String(size).padStart(7)}  ${c}`);
  console.log(`largest ${n} functions (B):`);
  for (const f of funcs.sort((a, b) => b.size - a.size).slice(0, n)) console.log(`  ${String(f.size).padStart(7)}  ${f.name.slice(0, 150)}`);
}

const args = process.argv.slice(2);
if (args[0] === "--top") {
  topFunctions(args[1], Number(args[2] ?? 40));
  process.exit(0);
}

let over = 0;
for (const b of BUILDS) {
  const path = `${ROOT}pkg/dist/${b.name}/jpki_verify_bg.wasm`;
  if (!existsSync(path)) {
    console.error(`wasm-size: ${path} missing: run make pkg`);
    process.exit(1);
  }
  const raw = readFileSync(path);
  const gz = gzipSync(raw, { level: 9 }).length;
  console.log(`BENCH wasm_${b.name}_raw_kb ${kb(raw.length)} KB`);
  console.log(`BENCH wasm_${b.name}_gzip_kb ${kb(gz)} KB`);
  if (b.budgetGz !== null) {
    const ok = gz <= b.budgetGz;
    if (!ok) over++;
    console.log(`${ok ? "PASS" : "OVER"} dist/${b.name} ${b.entry}: ${kb(gz)} KB gzip (${gz} B), budget ${kb(b.budgetGz)} KB`);
  } else {
    console.log(`INFO dist/${b.name} ${b.entry}: ${kb(gz)} KB gzip (${gz} B), not budgeted`);
  }
}
process.exit(over > 0 ? 1 : 0);
