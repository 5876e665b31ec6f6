#!/usr/bin/env node
// The consumer matrix (`make test-consumers`): the packed tarball (target/npm/, from `make pkg`)
// installed with `npm install <tgz>` into a fresh project outside the repository for every
// case, then used the way each kind of application uses it (tests/consumers/<case>/):
//
//   node-esm, node-cjs   `import` / `require` of "jpki-verify" and "jpki-verify/sync"
//   deno, bun            the same under Deno (`npm:` specifiers, type-checked) and Bun
//   typescript           tsc --noEmit, strict, skipLibCheck false, moduleResolution bundler and
//                        nodenext, on a program using every export and every verdict field;
//                        and a wrong program that must be refused
//   vite, webpack,       browser bundles built with each bundler's API, served on loopback and
//   esbuild, rollup      run in headless Chromium (esbuild and Rollup hand the wasm to
//                        "jpki-verify/load": bytes, a fetch Response)
//
// Every runtime and bundle verifies the same fixture assertion; each verdict must equal the
// Node ESM one, which must be valid. The tools are the versions pinned in package-lock.json
// (the repository's node_modules); nothing is fetched from the network.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
const consumers = join(root, "tests/consumers");
const bin = (name) => join(root, "node_modules/.bin", name);
const pkg = JSON.parse(readFileSync(join(root, "pkg/package.json"), "utf8"));
const tarball = join(root, "target/npm", `${pkg.name}-${pkg.version}.tgz`);
if (!existsSync(tarball)) {
  console.error(`test-consumers: ${tarball} missing: run make pkg`);
  process.exit(1);
}
const only = process.argv.slice(2);

// The fixture every case verifies: an account-opening JWS of the test PKI, with its manifest options.
const FIXTURE = "jws-account-opening-taro";
const fixtureDir = join(root, "tests/fixtures/assertions");
const manifest = JSON.parse(readFileSync(join(fixtureDir, "manifest.json"), "utf8"));
const fixtureCase = manifest.cases.find((c) => c.name === FIXTURE);
const fixture = JSON.stringify({
  input: readFileSync(join(fixtureDir, fixtureCase.file), "utf8"),
  options: fixtureCase.options,
});

const projects = [];
/** A fresh project with the tarball installed and tests/consumers/<dirs> copied in. */
function project(dirs, { type = "module" } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `jpki-consumer-${dirs[0]}-`));
  projects.push(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `consumer-${dirs[0]}`, private: true, ...(type ? { type } : {}) }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", tarball], { cwd: dir, stdio: "inherit" });
  for (const d of dirs) cpSync(join(consumers, d), join(dir, d), { recursive: true });
  writeFileSync(join(dir, "fixture.json"), fixture);
  return dir;
}

/** Runs a program; its `RESULT <json>` line is the case's result. */
function runProgram(command, args, cwd, env = {}) {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });
  const line = (r.stdout ?? "").split("\n").find((l) => l.startsWith("RESULT "));
  if (r.status !== 0 || !line) {
    throw new Error(`${command} ${args.join(" ")} exited ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  }
  return JSON.parse(line.slice("RESULT ".length));
}

// --- browsers ------------------------------------------------------------------------------
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
function serve(dir) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/favicon.ico") return res.writeHead(204).end();
    const file = path === "/fixture.json" ? null : normalize(join(dir, path === "/" ? "index.html" : path));
    if (file && !file.startsWith(dir)) return res.writeHead(403).end();
    try {
      const body = file ? readFileSync(file) : fixture;
      res.writeHead(200, { "content-type": TYPES[extname(file ?? ".json")] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

let browser;
async function runInChromium(distDir) {
  if (!browser) {
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_BIN ?? "/usr/bin/chromium",
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }
  const server = await serve(distDir);
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  try {
    await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 30_000 }).catch(() => {});
    const raw = await page.evaluate(() => window.__result);
    if (!raw || problems.length > 0) throw new Error(`no verdict in Chromium\n${problems.join("\n")}`);
    const result = JSON.parse(raw);
    if (result.error) throw new Error(`${result.error}\n${problems.join("\n")}`);
    const shown = await page.evaluate(() => document.body.textContent);
    if (shown !== `valid: ${result.verdict.valid}`) throw new Error(`the page shows ${JSON.stringify(shown)}`);
    return result;
  } finally {
    await page.close();
    server.close();
  }
}
const page = (title) =>
  `<!doctype html>\n<meta charset="utf-8">\n<title>${title}</title>\n<script type="module" src="./main.js"></script>\n`;

// --- the cases -----------------------------------------------------------------------------
const cases = {
  "node-esm": () => runProgram(process.execPath, ["node-esm/main.mjs"], project(["node-esm"])),
  "node-cjs": () => runProgram(process.execPath, ["node-cjs/main.cjs"], project(["node-cjs"], { type: null })),
  deno: () => {
    const dir = project(["deno"]);
    copyFileSync(join(dir, "deno/deno.json"), join(dir, "deno.json"));
    return runProgram(bin("deno"), ["run", "--check", "--allow-read", "--no-prompt", "deno/main.ts"], dir, {
      DENO_DIR: join(dir, ".deno"),
      DENO_NO_UPDATE_CHECK: "1",
    });
  },
  bun: () => runProgram(bin("bun"), ["bun/main.mjs"], project(["bun"])),
  typescript: () => {
    const dir = join(project(["typescript"]), "typescript");
    const tsc = (config) => spawnSync(bin("tsc"), ["-p", config], { cwd: dir, encoding: "utf8" });
    for (const config of ["tsconfig.bundler.json", "tsconfig.nodenext.json"]) {
      const r = tsc(config);
      if (r.status !== 0) throw new Error(`tsc -p ${config}:\n${r.stdout}${r.stderr}`);
    }
    const wrong = tsc("tsconfig.wrong.json");
    const output = `${wrong.stdout}${wrong.stderr}`;
    for (const expected of ["'isValid' does not exist", '"acount-opening"', "'nonce' is missing"]) {
      if (wrong.status === 0 || !output.includes(expected)) throw new Error(`tsc accepted wrong.ts or missed ${expected}:\n${output}`);
    }
    const version = execFileSync(bin("tsc"), ["--version"], { encoding: "utf8" }).trim();
    return { checked: `${version}: bundler + nodenext clean, wrong.ts refused` };
  },
  vite: async () => {
    const dir = project(["vite", "browser"]);
    const { build } = await import("vite");
    await build({ root: join(dir, "vite"), base: "./", logLevel: "warn", configFile: false, build: { outDir: "dist", emptyOutDir: true } });
    return runInChromium(join(dir, "vite/dist"));
  },
  webpack: async () => {
    const dir = project(["webpack", "browser"]);
    const { default: webpack } = await import("webpack");
    const stats = await new Promise((resolve, reject) =>
      webpack(
        { mode: "production", context: dir, entry: "./webpack/main.js", target: "web", output: { path: join(dir, "webpack/dist"), filename: "main.js" } },
        (err, s) => (err ? reject(err) : resolve(s)),
      ),
    );
    if (stats.hasErrors()) throw new Error(stats.toString("errors-only"));
    writeFileSync(join(dir, "webpack/dist/index.html"), page("jpki-verify with webpack").replace(' type="module"', ""));
    return runInChromium(join(dir, "webpack/dist"));
  },
  esbuild: async () => {
    const dir = project(["esbuild", "browser"]);
    const esbuild = await import("esbuild");
    await esbuild.build({
      absWorkingDir: dir,
      entryPoints: ["esbuild/main.js"],
      bundle: true,
      format: "esm",
      platform: "browser",
      outfile: join(dir, "esbuild/dist/main.js"),
      loader: { ".wasm": "binary" },
      logLevel: "warning",
    });
    writeFileSync(join(dir, "esbuild/dist/index.html"), page("jpki-verify with esbuild"));
    return runInChromium(join(dir, "esbuild/dist"));
  },
  rollup: async () => {
    const dir = project(["rollup", "browser"]);
    const { rollup } = await import("rollup");
    const { nodeResolve } = await import("@rollup/plugin-node-resolve");
    const bundle = await rollup({ input: join(dir, "rollup/main.js"), plugins: [nodeResolve({ browser: true })] });
    await bundle.write({ dir: join(dir, "rollup/dist"), format: "es", entryFileNames: "main.js" });
    await bundle.close();
    // The application's copy step: "jpki-verify/wasm" next to the bundle.
    const wasm = createRequire(join(dir, "package.json")).resolve("jpki-verify/wasm");
    copyFileSync(wasm, join(dir, "rollup/dist/jpki_verify_bg.wasm"));
    writeFileSync(join(dir, "rollup/dist/index.html"), page("jpki-verify with Rollup"));
    return runInChromium(join(dir, "rollup/dist"));
  },
};

let reference;
const failures = [];
let passed = 0;
try {
  for (const [name, run] of Object.entries(cases)) {
    if (only.length > 0 && !only.includes(name) && name !== "node-esm") continue;
    try {
      const result = await run();
      if (result.verdict) {
        if (!reference) {
          reference = result.verdict;
          if (!reference.valid || reference.errors.length > 0 || !reference.identity?.name) {
            throw new Error(`the reference verdict is not a valid account opening: ${JSON.stringify(reference)}`);
          }
        }
        for (const [key, v] of Object.entries(result)) {
          if (key.startsWith("verdict") && !isDeepStrictEqual(v, reference)) {
            throw new Error(`${key} differs from the Node ESM verdict:\n${JSON.stringify(v)}\n${JSON.stringify(reference)}`);
          }
        }
        if (result.sdkVersion !== pkg.version) throw new Error(`sdkVersion() ${result.sdkVersion}, package ${pkg.version}`);
      }
      passed += 1;
      const what = result.verdict ? `valid=${result.verdict.valid}, ${result.verdict.identity.name}, same verdict as Node ESM` : result.checked;
      console.log(`consumer ${name}: ok (${what})`);
    } catch (e) {
      failures.push(name);
      console.error(`consumer ${name}: FAILED\n${e.stack ?? e}`);
    }
  }
} finally {
  await browser?.close();
  for (const dir of projects) rmSync(dir, { recursive: true, force: true });
}
console.log(`test-consumers: ${passed} passed, ${failures.length} failed${failures.length ? ` (${failures.join(", ")})` : ""}`);
process.exit(failures.length > 0 ? 1 : 0);
