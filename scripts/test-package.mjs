#!/usr/bin/env node
// The npm package as users receive it (`make test-package`):
//
// 1. the tarball `make pkg` packed (target/npm/jpki-verify-<version>.tgz) contains every file
//    the entry points reach — exports targets, their relative imports, `new URL(…,
//    import.meta.url)` assets, the declarations they import — and nothing else;
// 2. it is installed into a fresh project outside the repository (npm install of the .tgz:
//    no workspace link), and the package's JS tests (tests/js/*.test.mjs, the workerd one
//    included) run there against node_modules/jpki-verify, with the repository's fixtures
//    found through JPKI_REPO.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, "pkg/package.json"), "utf8"));
const tarball = join(root, "target/npm", `${pkg.name}-${pkg.version}.tgz`);
const fail = (msg) => {
  console.error(`test-package: ${msg}`);
  process.exit(1);
};

// --- 1. contents -----------------------------------------------------------------------------
let listing;
try {
  listing = execFileSync("tar", ["tzf", tarball], { encoding: "utf8" });
} catch {
  fail(`${tarball} missing: run make pkg`);
}
const shipped = new Set(
  listing
    .split("\n")
    .filter((l) => l && !l.endsWith("/"))
    .map((l) => l.replace(/^package\//, "")),
);
const extract = mkdtempSync(join(tmpdir(), "jpki-pkg-contents-"));
execFileSync("tar", ["xzf", tarball, "-C", extract]);
const read = (rel) => readFileSync(join(extract, "package", rel), "utf8");

const targets = [];
(function collect(v) {
  if (typeof v === "string") targets.push(v);
  else if (v && typeof v === "object") Object.values(v).forEach(collect);
})(pkg.exports);
if (pkg.types) targets.push(pkg.types);

const reachable = new Set(["package.json", "README.md"]);
const queue = targets.map((t) => normalize(t));
const SPECIFIER = /(?:from\s+|import\s*\(\s*|import\s+|new URL\(\s*)["'](\.{1,2}\/[^"']+)["']/g;
while (queue.length > 0) {
  const rel = queue.pop();
  if (reachable.has(rel)) continue;
  reachable.add(rel);
  if (!shipped.has(rel)) fail(`${rel} is reached from the entry points but not in the tarball`);
  if (!/\.(m?js|d\.ts)$/.test(rel)) continue;
  const code = read(rel).replace(/^\s*\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");
  for (const [, spec] of code.matchAll(SPECIFIER)) {
    let target = normalize(join(dirname(rel), spec));
    // In a declaration file, "./x.js" means "./x.d.ts".
    if (rel.endsWith(".d.ts") && target.endsWith(".js")) target = target.replace(/\.js$/, ".d.ts");
    queue.push(target);
  }
}
const extra = [...shipped].filter((f) => !reachable.has(f));
if (extra.length > 0) fail(`the tarball ships files nothing reaches: ${extra.join(", ")}`);
rmSync(extract, { recursive: true, force: true });
console.log(`test-package: ${tarball}: ${shipped.size} files, every one reached from the entry points, none missing`);

// --- 2. installed copy -----------------------------------------------------------------------
const project = mkdtempSync(join(tmpdir(), "jpki-pkg-installed-"));
try {
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", tarball], {
    cwd: project,
    stdio: "inherit",
  });
  const testDir = join(project, "tests/js");
  for (const name of readdirSync(join(root, "tests/js"))) {
    if (name.endsWith(".test.mjs") || name === "paths.mjs" || name === "expect.mjs" || name === "workerd") {
      cpSync(join(root, "tests/js", name), join(testDir, name), { recursive: true });
    }
  }
  const installed = join(project, "node_modules", pkg.name);
  const run = spawnSync(process.execPath, ["--test", "--test-reporter=spec", testDir], {
    cwd: project,
    stdio: "inherit",
    env: { ...process.env, JPKI_REPO: root, JPKI_PKG_DIR: installed },
  });
  if (run.status !== 0) fail(`the package's JS tests failed against the installed copy (${installed})`);
  console.log(`test-package: the JS tests passed against ${installed} (installed from the tarball)`);
} finally {
  rmSync(project, { recursive: true, force: true });
}
