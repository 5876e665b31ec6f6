// The assertion manifest in a real workerd process (npm `workerd`, loopback only): a worker
// imports the package through its "workerd" export condition and verifies every case with
// WebCrypto and with the Rust provider.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, normalize } from "node:path";
import { pkgDir, root } from "./paths.mjs";

const fixtures = join(root, "tests/fixtures/assertions");
const manifest = JSON.parse(readFileSync(join(fixtures, "manifest.json"), "utf8"));

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

// Lay out the worker's modules as a bundler would: the package entry chosen by the
// "workerd" condition of pkg/package.json, its relative imports, and the worker itself.
function layOut(dir) {
  const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const modules = [];
  const added = new Set();
  // A module and, transitively, the package files it imports (relative specifiers), as a
  // bundler would follow them; the .wasm is embedded as a wasm module.
  const add = (rel) => {
    rel = normalize(rel);
    if (added.has(rel)) return;
    added.add(rel);
    mkdirSync(dirname(join(dir, "pkg", rel)), { recursive: true });
    copyFileSync(join(pkgDir, rel), join(dir, "pkg", rel));
    const kind = rel.endsWith(".wasm") ? "wasm" : "esModule";
    modules.push(`(name = "pkg/${rel}", ${kind} = embed "pkg/${rel}")`);
    if (kind === "esModule") {
      const text = readFileSync(join(pkgDir, rel), "utf8");
      for (const [, spec] of text.matchAll(/(?:from|import)\s+["'](\.{1,2}\/[^"']+)["']/g)) add(join(dirname(rel), spec));
    }
  };
  // Resolve each package entry through its "workerd" export condition (what wrangler's bundler
  // does) and rewrite the worker's bare imports to those modules.
  let worker = readFileSync(join(root, "tests/js/workerd/worker.js"), "utf8");
  for (const [subpath, specifier] of [
    [".", "jpki-verify"],
    ["./sync", "jpki-verify/sync"],
  ]) {
    const entry = pkg.exports[subpath].workerd.replace(/^\.\//, "");
    worker = worker.replaceAll(`"${specifier}"`, `"pkg/${entry}"`);
    add(entry);
  }
  writeFileSync(join(dir, "worker.js"), worker);
  modules.unshift(`(name = "worker.js", esModule = embed "worker.js")`);
  return modules;
}

let child;
let workdir;
after(() => {
  if (child) child.kill("SIGKILL");
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

test("manifest in workerd: every case gives the expected verdict with both providers", { timeout: 120_000 }, async () => {
  workdir = mkdtempSync(join(tmpdir(), "jpki-workerd-"));
  const port = await freePort();
  const modules = layOut(workdir);
  writeFileSync(
    join(workdir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ ${modules.join(",\n    ")} ],
  compatibilityDate = "2025-01-01",
);
`,
  );
  const bin = join(root, "node_modules/.bin/workerd");
  child = spawn(bin, ["serve", join(workdir, "config.capnp")], { stdio: ["ignore", "inherit", "inherit"] });
  const body = JSON.stringify(
    manifest.cases.map((c) => {
      const bytes = readFileSync(join(fixtures, c.file));
      return {
        name: c.name,
        format: c.format,
        input: c.format === "jws" ? bytes.toString("utf8") : bytes.toString("base64"),
        options: c.options,
        detachedContent: c.detachedContent ? readFileSync(join(fixtures, c.detachedContent)).toString("base64") : undefined,
        revocation: c.revocation
          ? {
              crls: c.revocation.crls.map((f) => readFileSync(join(fixtures, f)).toString("base64")),
              external: c.revocation.external,
            }
          : undefined,
      };
    }),
  );
  let response;
  for (let i = 0; i < 100 && !response; i++) {
    try {
      response = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body });
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  assert.ok(response, "workerd answered");
  assert.equal(response.status, 200, await response.clone().text());
  const { results, parseError } = await response.json();
  assert.equal(results.length, manifest.cases.length);
  const failures = [];
  for (const [i, c] of manifest.cases.entries()) {
    const r = results[i];
    for (const provider of ["webcrypto", "rust"]) {
      const rev = c.expect.revocation;
      const revocationHolds =
        !rev || (r[provider].revocation.status === rev.status && (r[provider].revocation.reason ?? null) === rev.reason);
      if (r[provider].valid !== c.expect.valid || r[provider].code !== c.expect.code || !revocationHolds) {
        failures.push(`${c.name} (${provider}): ${JSON.stringify(r[provider])}`);
      }
    }
    if (!r.identical) failures.push(`${c.name}: providers disagree`);
    if (c.format === "cms" && r.smallCms !== "JPKI_FORMAT_UNAVAILABLE") failures.push(`${c.name}: the small entry gave ${r.smallCms}`);
  }
  assert.deepEqual(failures, []);
  assert.deepEqual(parseError, { name: "JpkiError", code: "JPKI_MALFORMED" });
  console.log(`workerd: ${results.length} cases, 2 providers each`);
});
