#!/usr/bin/env node
// The last step of `make pkg`: turns wasm-pack's output in pkg/dist/{web,full} into what the
// npm package ships, then packs it (target/npm/jpki-verify-<version>.tgz).
//
// * wasm-pack writes a `.gitignore` containing `*` into each out-dir; npm honours nested
//   .gitignore files even with "files", so the tarball would lack dist/ entirely. Removed,
//   together with anything else wasm-pack may leave (package.json, README, LICENSE).
// * wasm-bindgen declares `[Symbol.dispose](): void` on every class. That needs TypeScript's
//   `esnext.disposable` lib; a consumer compiling with `lib: ["es2022"]` and `skipLibCheck:
//   false` fails on it. The member is removed from the declarations (the runtime method stays,
//   so `using` works where the consumer's lib declares Symbol.dispose).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
// jpki_verify_bg.wasm.d.ts (the raw wasm exports) is imported by nothing a consumer reaches.
const SHIPPED = new Set(["jpki_verify.js", "jpki_verify.d.ts", "jpki_verify_bg.wasm"]);

for (const build of ["web", "full"]) {
  const dir = join(root, "pkg/dist", build);
  if (!existsSync(dir)) throw new Error(`finish-pkg: ${dir} missing (run wasm-pack first)`);
  for (const name of readdirSync(dir)) {
    if (!SHIPPED.has(name)) rmSync(join(dir, name), { recursive: true, force: true });
  }
  for (const name of ["jpki_verify.d.ts"]) {
    const file = join(dir, name);
    const text = readFileSync(file, "utf8");
    const fixed = text.replace(/^\s*\[Symbol\.dispose\]\(\): void;\n/gm, "");
    if (/Symbol\.dispose/.test(fixed)) throw new Error(`finish-pkg: ${file}: Symbol.dispose left in an unexpected form`);
    writeFileSync(file, fixed);
  }
}

const out = join(root, "target/npm");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const packed = JSON.parse(
  execFileSync("npm", ["pack", "--json", "--pack-destination", out], { cwd: join(root, "pkg"), encoding: "utf8" }),
)[0];
console.log(`finish-pkg: ${join(out, packed.filename)} (${packed.entryCount} files, ${(packed.size / 1000).toFixed(1)} kB)`);
