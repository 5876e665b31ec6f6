// The account-opening flow of www/ end to end, in headless Chromium (Debian's /usr/bin/chromium
// driven by playwright-core), against a real `jpki-verify serve` on SQLite with the test PKI:
// consent → reader → signature password (a wrong one first) → the card signs the server's
// challenge in wasm → the browser pre-check → the server's verdict and record → login with the
// authentication certificate and the audit trail; the last-try guard; Japanese and English.
//
//   node --test tests/js/flow.e2e.mjs        (after `cargo build -p jpki-verify-server` and `make pkg`)
//
// JPKI_VERIFY_BIN overrides the server binary, CHROMIUM_BIN the browser. Screenshots of each
// step go to target/e2e/NN-name.png. The test fails on any request to a host that is not
// loopback and on any page error or console error.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("../../", import.meta.url));
const serverBin = process.env.JPKI_VERIFY_BIN ?? join(root, "target/debug/jpki-verify");
const chromiumBin = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";
const shotDir = join(root, "target/e2e");
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

let server;
let serverLog = "";
let tmp;
let base;
let browser;
let page;
const shots = [];
const problems = []; // page errors, console errors, non-loopback requests

async function startServer() {
  tmp = mkdtempSync(join(tmpdir(), "jpki-e2e-"));
  // The test CAs' CRLs issued now: the server checks revocation, as `make demo` does.
  const crls = spawnSync(serverBin, ["testpki", "--current-crls", join(tmp, "crl")], { cwd: root });
  assert.equal(crls.status, 0, `testpki --current-crls: ${crls.stderr}`);
  server = spawn(serverBin, [
    "serve",
    "--listen", "127.0.0.1:0",
    "--db", `sqlite://${tmp}/jpki.db`,
    "--trust", "test",
    "--crl-dir", join(tmp, "crl"),
    "--www", join(root, "www"),
    "--pkg", join(root, "pkg"),
    // Eighteen flows from one address in a minute are more than one person: no per-client
    // limit here (server/tests/hostile_clients.rs tests it).
    "--rate-challenges", "0",
    "--rate-verifications", "0",
  ], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  server.stderr.on("data", (d) => {
    serverLog = (serverLog + d).slice(-20000);
  });
  const lines = createInterface({ input: server.stdout });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready in 30 s\n${serverLog}`)), 30000);
    server.once("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${serverBin}: ${e.message} (build it with cargo build -p jpki-verify-server)`));
    });
    server.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (${code})\n${serverLog}`));
    });
    lines.on("line", (line) => {
      const m = /^LISTENING (http:\/\/127\.0\.0\.1:\d+)$/.exec(line.trim());
      if (m) {
        clearTimeout(timer);
        server.removeAllListeners("exit");
        resolve(m[1]);
      }
    });
  });
}

async function stopServer() {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((r) => server.once("exit", r));
  server.kill("SIGTERM");
  const timer = setTimeout(() => server.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

before(async () => {
  rmSync(shotDir, { recursive: true, force: true });
  mkdirSync(shotDir, { recursive: true });
  base = await startServer();
  browser = await chromium.launch({
    executablePath: chromiumBin,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = await newPage();
});

after(async () => {
  await browser?.close();
  await stopServer();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  if (shots.length) {
    console.log(`screenshots (${shots.length}) in ${shotDir}:`);
    for (const s of shots) console.log(`  target/e2e/${s}`);
  }
});

/** A page in a fresh context: loopback only, page and console errors recorded. */
async function newPage(initScript) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: "ja-JP", timezoneId: "Asia/Tokyo" });
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (["http:", "https:", "ws:", "wss:"].includes(url.protocol) && !LOOPBACK.has(url.hostname)) {
      problems.push(`request to a non-loopback host: ${url.href}`);
      return route.abort();
    }
    return route.continue();
  });
  if (initScript) await context.addInitScript(initScript);
  const p = await context.newPage();
  p.setDefaultTimeout(20000);
  p.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  p.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  return p;
}

/**
 * A scripted navigator.smartCard (the Web Smart Card API exists only in isolated web apps on
 * ChromeOS): one reader whose card is the SDK's VirtualCard, every call logged.
 */
function fakeSmartCard() {
  const log = (window.__smartCardLog = []);
  let card = null;
  const manager = {
    async establishContext() {
      log.push("establishContext");
      return {
        async listReaders() {
          log.push("listReaders");
          return ["Fake PC/SC Reader 00 00"];
        },
        async connect(reader, mode, options) {
          log.push(`connect ${reader} ${mode} ${JSON.stringify(options)}`);
          if (!card) {
            const { VirtualCard } = await import("/pkg/sync.browser.js");
            card = new VirtualCard({ persona: "taro" });
          }
          return {
            activeProtocol: "t1",
            connection: {
              async transmit(apdu) {
                log.push("transmit");
                return card.transmit(new Uint8Array(apdu)).slice().buffer;
              },
              async disconnect(disposition) {
                log.push(`disconnect ${disposition}`);
                card.powerOff();
                card.powerOn();
              },
            },
          };
        },
      };
    },
  };
  Object.defineProperty(Navigator.prototype, "smartCard", { get: () => manager, configurable: true });
}

function assertClean() {
  assert.deepEqual(problems, [], `the page must not fail nor leave the loopback\n${serverLog.slice(-3000)}`);
}

// What a page must never show: a value the code failed to render (an element or object in a
// template string, a missing field, a failed number conversion).
// ("NaN" as a word: the random record ids may hold the letters.)
const UNRENDERED = [/\[object/, /undefined/, /\bNaN\b/];

/** A full-page screenshot and, beside it, the page's visible text (NN-name.png, NN-name.txt). */
async function shot(name) {
  const text = await page.evaluate(() => document.body.innerText);
  const base = `${String(shots.length + 1).padStart(2, "0")}-${name}`;
  writeFileSync(join(shotDir, `${base}.txt`), text);
  for (const bad of UNRENDERED) {
    const m = text.match(bad);
    assert.equal(m, null, `${name}: the page shows ${m?.[0]}: …${text.slice(Math.max(0, (m?.index ?? 0) - 60), (m?.index ?? 0) + 60)}…`);
  }
  const file = `${base}.png`;
  await page.screenshot({ path: join(shotDir, file), fullPage: true });
  shots.push(file);
}

const byId = (id) => page.getByTestId(id);

/** Waits for a step to be shown and checks that focus moved to its heading. */
async function expectStep(id) {
  await byId(id).waitFor({ state: "visible" });
  const focused = await page.evaluate(() => document.activeElement?.tagName + "#" + document.activeElement?.closest("section")?.dataset.testid);
  assert.equal(focused, `H2#${id}`, `focus on the heading of ${id}`);
}

async function expectText(id, text) {
  await byId(id).filter({ hasText: text }).first().waitFor({ state: "visible" });
}

async function text(id) {
  return (await byId(id).first().textContent()).trim();
}

async function submitPin(value, { lastTry = false } = {}) {
  await byId("pin-input").fill(value);
  if (lastTry) await byId("last-try-check").check();
  await byId("pin-submit").click();
}

test("messages.js has a text in both languages for every code in docs/error-codes.md", async () => {
  // Imported as a data: URL: www/ is browser code, outside any package.json "type".
  const source = readFileSync(join(root, "www/js/messages.js"));
  const { MESSAGES } = await import(`data:text/javascript;base64,${source.toString("base64")}`);
  const table = readFileSync(join(root, "docs/error-codes.md"), "utf8");
  const codes = [...table.matchAll(/^\| `(JPKI_[A-Z_]+)` \|/gm)].map((m) => m[1]);
  assert.ok(codes.length >= 30, "the table was read");
  const server = ["JPKI_NONCE_UNKNOWN", "JPKI_NONCE_REUSED", "JPKI_NONCE_EXPIRED", "JPKI_BAD_REQUEST",
    "JPKI_HANDOFF_UNKNOWN", "JPKI_HANDOFF_USED", "JPKI_HANDOFF_EXPIRED", "JPKI_HANDOFF_WRONG_SESSION",
    "JPKI_UNAUTHORIZED", "JPKI_NOT_FOUND", "JPKI_INTERNAL", "JPKI_UNAVAILABLE"];
  for (const code of [...codes, ...server]) {
    assert.ok(MESSAGES[code]?.ja && MESSAGES[code]?.en, `${code} has Japanese and English texts`);
  }
});

test("www/ makes no request outside this origin (no CDN, font or analytics URL)", () => {
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else files.push(join(dir, e.name));
    }
  };
  walk(join(root, "www"));
  for (const f of files) {
    const body = readFileSync(f, "utf8");
    assert.doesNotMatch(body, /(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i, `${f} loads nothing from elsewhere`);
    assert.doesNotMatch(body, /(?:import|fetch|url)\s*\(\s*["']?(?:https?:)?\/\//i, `${f} fetches nothing from elsewhere`);
  }
});

test("account opening, login and the audit trail in Chromium", async (t) => {
  assert.ok(existsSync(join(root, "pkg/dist/full/jpki_verify_bg.wasm")), "make pkg first");
  let recordId;

  await t.test("taro opens an account in Japanese, a wrong password first", async () => {
    await page.goto(`${base}/`);
    await expectStep("step-consent");
    assert.equal(await page.getAttribute("html", "lang"), "ja");
    await expectText("test-banner", "TEST PKI");
    const consent = await text("step-consent");
    for (const s of ["氏名", "住所", "生年月日", "性別", "シリアル番号", "発行者", "マイナンバー（個人番号）は読み取りません", "犯罪収益移転防止法", "署名用電子証明書のパスワード"]) {
      assert.ok(consent.includes(s), `the consent screen says ${s}`);
    }
    await shot("consent");

    // Not agreeing stops here; then the keyboard alone: focus is on the heading, Tab to the
    // checkbox, Space, Tab to the button, Enter.
    await byId("consent-continue").click();
    await expectText("consent-error", "同意");
    await byId("step-consent").locator("h2").focus();
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.id), "consent-check");
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");

    await expectStep("step-reader");
    assert.equal(await byId("reader-virtual").isChecked(), true, "the virtual card is the default");
    assert.equal(await byId("reader-smartcard").isDisabled(), true, "no Web Smart Card API in this browser");
    await expectText("step-reader", "Web NFC");
    await expectText("step-reader", "WebUSB");
    await byId("persona-select").selectOption("taro");
    await shot("reader");
    await byId("reader-continue").click();

    await expectStep("step-pin");
    await expectText("tries-left", "残り 5 回");
    assert.equal(await byId("last-try-warning").isVisible(), false);
    await shot("password");

    await submitPin("WRONG1");
    await expectText("pin-error", "残り 4 回");
    await expectText("pin-error", "JPKI_PIN_INCORRECT");
    await expectText("tries-left", "残り 4 回");
    assert.equal(await byId("pin-input").inputValue(), "", "the field is cleared after use");
    await shot("wrong-password");

    await submitPin("ABC123");
    await expectStep("step-review");
    await byId("precheck-ok").waitFor();
    assert.match(await text("identity-name"), /山田/);
    assert.match(await text("identity-address"), /東京都/);
    assert.match(await text("identity-sex"), /男性/);
    assert.match(await text("cert-serial"), /\S/);
    assert.match(await text("cert-issuer"), /JPKI-TEST/);
    assert.equal(await text("cert-token"), "マイナンバーカード");
    assert.match(await text("claims-aud"), new RegExp(base.replace(/[.:/]/g, "\\$&")));
    await byId("step-review").locator("summary").click();
    const jws = (await text("jws")).replace(/\s+/g, "");
    assert.match(jws, /^[\w-]+\.[\w-]+\.[\w-]+$/, "the compact JWS is shown");
    await shot("review");

    await byId("review-send").click();
    await expectStep("step-result");
    await byId("result-ok").waitFor();
    recordId = await text("record-id");
    assert.match(recordId, /^rec_/);
    assert.match(await text("event-id"), /^evt_/);
    assert.match(await text("identity-name"), /山田/);
    // Checked against the test signature CA's current CRL: not revoked.
    assert.match(await text("revocation-status"), /有効（失効していません）/);
    assert.match(await text("revocation-source"), /crl:test-sign-ca#42/);
    assert.equal(await byId("revocation-note").count(), 0);
    await shot("result");
    assertClean();
  });

  await t.test("the English toggle renders English and is remembered", async () => {
    await byId("lang-toggle").click();
    assert.equal(await page.getAttribute("html", "lang"), "en");
    await expectText("step-result", "Your identity has been verified");
    await expectText("revocation-status", "Good (not revoked)");
    await expectText("test-banner", "TEST PKI — not a real card");
    assert.equal(await page.evaluate(() => localStorage.getItem("jpki-demo-lang")), "en");
    await shot("result-en");
    assertClean();
  });

  await t.test("login with the authentication certificate lists the account opening", async () => {
    await byId("result-audit").click();
    await expectStep("step-audit");
    await expectText("step-audit", "See who verified me");
    await shot("audit-login-en");
    await byId("audit-continue").click();
    await expectStep("step-reader");
    assert.equal(await byId("persona-select").inputValue(), "taro", "the same card as for account opening");
    await byId("reader-continue").click();
    await expectStep("step-pin");
    await expectText("tries-left", "3 tries left");
    await expectText("step-pin", "PIN (4 digits)");
    await shot("pin-en");
    await submitPin("1234");
    await expectStep("step-trail");
    const row = byId("audit-row").and(page.locator('[data-purpose="account-opening"][data-outcome="valid"]'));
    await row.first().waitFor();
    assert.match(await row.first().textContent(), new RegExp(recordId));
    await expectText("audit-table", "Account opening");
    await shot("audit-trail-en");

    await byId("lang-toggle").click();
    assert.equal(await page.getAttribute("html", "lang"), "ja");
    await expectText("audit-table", "口座開設");
    await expectText("audit-table", "確認済み");
    // What the bank kept of the record (the default legal record).
    assert.equal(await text("record-kept"), "氏名、生年月日、性別、住所、署名データ");
    await shot("audit-trail");
    assertClean();
  });

  await t.test("the bank's login: a session for the customer, then logout", async () => {
    await byId("nav-login").click();
    await expectStep("step-login");
    await expectText("step-login", "失効していればログインできません");
    await shot("login");
    await byId("login-continue").click();
    await expectStep("step-reader");
    await byId("persona-select").selectOption("taro");
    await byId("reader-continue").click();
    await expectStep("step-pin");
    await submitPin("1234");
    await expectStep("step-session");
    await byId("session-ok").waitFor();
    assert.equal(await byId("session-lbi").isVisible(), true);
    assert.match(await text("session-customer"), /^cus_[\w-]+$/);
    assert.match(await text("session-expires"), /JST/);
    assert.equal(await text("session-revocation"), "有効（失効していません）", "the CRL was checked");
    await shot("session");
    await byId("lang-toggle").click();
    await expectText("step-session", "You are logged in.");
    await shot("session-en");
    await byId("lang-toggle").click();
    await byId("session-logout").click();
    await byId("session-logged-out").waitFor();
    assert.equal(await byId("session-logout").isVisible(), false);
    assert.equal(await page.textContent("#h-session"), "ログアウト");
    await shot("logged-out");
    assertClean();
  });

  await t.test("consent to checks of the latest 4 basic information, signed with the signature certificate", async () => {
    await page.evaluate(() => { location.hash = "lbi"; });
    await expectStep("step-lbi");
    await expectText("lbi-text", "最新の基本4情報");
    await expectText("lbi-text", "withdraw this consent");
    await byId("lbi-continue").click();
    await expectText("lbi-error", "チェック");
    await byId("lbi-check").check();
    await shot("lbi-consent");
    await byId("lbi-continue").click();
    await expectStep("step-reader");
    await byId("persona-select").selectOption("taro");
    await byId("reader-continue").click();
    await expectStep("step-pin");
    await expectText("tries-left", "残り 5 回");
    await submitPin("ABC123");
    await expectStep("step-lbi-done");
    await byId("lbi-ok").waitFor();
    assert.match(await text("lbi-consent-id"), /^cns_[\w-]+$/);
    assert.match(await text("lbi-customer"), /^cus_[\w-]+$/);
    await shot("lbi-done");
    assertClean();

    // Withdrawn by a login with the authentication certificate.
    await byId("lbi-withdraw").click();
    await expectStep("step-withdraw");
    await byId("withdraw-continue").click();
    await expectStep("step-reader");
    await byId("persona-select").selectOption("taro");
    await byId("reader-continue").click();
    await expectStep("step-pin");
    await submitPin("1234");
    await expectStep("step-withdraw-done");
    await byId("withdraw-ok").waitFor();
    assert.equal(await text("withdraw-count"), "1");
    await expectText("withdraw-ok", "照会は行われません");
    await shot("withdraw-done");
    assertClean();
    await byId("withdraw-restart").click();
    await expectStep("step-consent");
  });

  await t.test("hanako: wrong passwords down to the last try, then the guard", async () => {
    await expectStep("step-consent"); // the login test ended with "back to the start"
    await byId("consent-check").check();
    await byId("consent-continue").click();
    await expectStep("step-reader");
    await byId("persona-select").selectOption("hanako");
    await byId("reader-continue").click();
    await expectStep("step-pin");
    await expectText("tries-left", "残り 5 回");
    for (const [i, wrong] of ["WRONG1", "WRONG2", "WRONG3", "WRONG4"].entries()) {
      await submitPin(wrong);
      await expectText("tries-left", `残り ${4 - i} 回`);
    }
    await expectText("pin-error", "残り 1 回");
    await byId("last-try-warning").waitFor();
    await expectText("last-try-warning", "ロック");
    assert.equal(await byId("last-try-check").isChecked(), false);
    await shot("last-try-warning");

    // Without the checkbox nothing reaches the card: even the right password is not sent (had
    // it been, the flow would go on to the review and the counter would be back at 5).
    await submitPin("ABC123");
    await expectText("pin-error", "JPKI_PIN_LAST_TRY_GUARD");
    await expectText("tries-left", "残り 1 回");
    assert.equal(await byId("step-pin").isVisible(), true);
    assert.equal(await byId("step-review").isVisible(), false);
    assert.equal(await page.evaluate(() => document.activeElement.id), "last-try-check");
    await shot("last-try-guard");

    await submitPin("ABC123", { lastTry: true });
    await expectStep("step-review");
    assert.match(await text("identity-name"), /高橋/);
    await byId("substituted-note").waitFor();
    await shot("hanako-review");
    await byId("review-send").click();
    await expectStep("step-result");
    await byId("result-ok").waitFor();
    await shot("hanako-result");
    assertClean();
  });

  await t.test("an expired certificate fails the browser pre-check; nothing is sent", async () => {
    await byId("result-restart").click();
    await expectStep("step-consent");
    await byId("consent-check").check();
    await byId("consent-continue").click();
    await expectStep("step-reader");
    await byId("persona-select").selectOption("expired");
    await byId("reader-continue").click();
    await expectStep("step-pin");
    await submitPin("ABC123");
    await expectStep("step-review");
    await expectText("precheck-failed", "JPKI_CERT_EXPIRED");
    assert.equal(await byId("review-send").isVisible(), false, "no Send button");
    await shot("expired-precheck");
    assertClean();
  });

  await t.test("a challenge used elsewhere first: the server's JPKI_NONCE_REUSED is shown", async () => {
    await byId("review-cancel").click();
    await expectStep("step-consent");
    await byId("consent-check").check();
    await byId("consent-continue").click();
    await expectStep("step-reader");
    await byId("persona-select").selectOption("taro");
    await byId("reader-continue").click();
    await expectStep("step-pin");
    await submitPin("ABC123");
    await expectStep("step-review");
    // Someone else submits the same assertion first (as a replay would).
    const jws = (await byId("jws").textContent()).replace(/\s+/g, "");
    const first = await page.evaluate(async (assertion) => {
      const r = await fetch("/v1/assertions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ assertion, format: "jws" }) });
      return r.status;
    }, jws);
    assert.equal(first, 200);
    await byId("review-send").click();
    await expectStep("step-result");
    await expectText("result-error", "JPKI_NONCE_REUSED");
    await expectText("result-error", "すでに使用されています");
    await expectText("step-result", "本人確認ができませんでした");
    await shot("nonce-reused");
    // The browser reports the 409 response itself on the console; that one is expected.
    const expected = /^console error: Failed to load resource: the server responded with a status of 409/;
    problems.splice(0, problems.length, ...problems.filter((p) => !expected.test(p)));
    assertClean();
  });

  await t.test("moved: the server's CRL check refuses the revoked certificate (JPKI_REVOKED)", async () => {
    await byId("result-restart").click();
    await expectStep("step-consent");
    await byId("consent-check").check();
    await byId("consent-continue").click();
    await expectStep("step-reader");
    await byId("persona-select").selectOption("moved");
    await byId("reader-continue").click();
    await expectStep("step-pin");
    await submitPin("ABC123");
    await expectStep("step-review");
    await byId("review-send").click();
    await expectStep("step-result");
    await expectText("result-error", "JPKI_REVOKED");
    await expectText("result-error", "市区町村窓口");
    await shot("moved-revoked");
    const expected = /^console error: Failed to load resource: the server responded with a status of 422/;
    problems.splice(0, problems.length, ...problems.filter((p) => !expected.test(p)));
    assertClean();
  });

  await t.test("iphone: the review says smartphone, and this bank has not enabled smartphone certificates", async () => {
    await byId("result-restart").click();
    await expectStep("step-consent");
    await byId("consent-check").check();
    await byId("consent-continue").click();
    await expectStep("step-reader");
    await byId("persona-select").selectOption("iphone");
    await byId("reader-continue").click();
    await expectStep("step-pin");
    await submitPin("ABC123");
    await expectStep("step-review");
    await byId("precheck-ok").waitFor();
    assert.equal(await text("cert-token"), "スマートフォン（スマホ用電子証明書）");
    await shot("smartphone-review");
    await byId("review-send").click();
    await expectStep("step-result");
    await expectText("result-error", "JPKI_SMARTPHONE_NOT_ALLOWED");
    await expectText("result-error", "スマートフォン用電子証明書");
    await shot("smartphone-refused");
    const expected = /^console error: Failed to load resource: the server responded with a status of 422/;
    problems.splice(0, problems.length, ...problems.filter((p) => !expected.test(p)));
    assertClean();
  });

  await t.test("a reader through the Web Smart Card API (scripted navigator.smartCard)", async () => {
    const main = page;
    page = await newPage(fakeSmartCard);
    try {
      await page.goto(`${base}/`);
      await expectStep("step-consent");
      await byId("consent-check").check();
      await byId("consent-continue").click();
      await expectStep("step-reader");
      assert.equal(await byId("reader-smartcard").isDisabled(), false, "enabled when navigator.smartCard exists");
      await byId("reader-smartcard").check();
      await byId("smartcard-reader").locator("option", { hasText: "Fake PC/SC Reader 00 00" }).waitFor({ state: "attached" });
      assert.equal(await byId("persona-select").isDisabled(), true);
      await shot("smartcard-reader");
      await byId("reader-continue").click();
      await expectStep("step-pin");
      await expectText("tries-left", "残り 5 回");
      assert.equal(await byId("pin-hint").isVisible(), false, "no test password hint for a real reader");
      await submitPin("ABC123");
      await expectStep("step-review");
      assert.match(await text("identity-name"), /山田/);
      await byId("review-send").click();
      await expectStep("step-result");
      await byId("result-ok").waitFor();
      const log = await page.evaluate(() => window.__smartCardLog);
      assert.ok(log.includes('connect Fake PC/SC Reader 00 00 exclusive {"preferredProtocols":["t1","t0"]}'), log.join("\n"));
      assert.ok(log.filter((l) => l === "transmit").length > 10, "the card client spoke through transmit()");
      assert.ok(log.includes("disconnect reset"), "the card is reset when its part is done");
      assertClean();
    } finally {
      await page.context().close();
      page = main;
    }
  });

  await t.test("the language choice survives a reload", async () => {
    await byId("lang-toggle").click();
    await page.reload();
    await expectStep("step-consent");
    assert.equal(await page.getAttribute("html", "lang"), "en");
    await expectText("step-consent", "Consent to identity verification");
    await expectText("step-consent", "Your My Number (individual number) is never read");
    await shot("consent-en");
    assertClean();
  });
});

/**
 * navigator.usb replaced by a scripted device backed by the SDK's byte-exact RC-S380 simulator
 * (`ReaderSimulator` + `simulatedUsb`, the virtual card in its field); everything else is the
 * page's production code. `window.__usb` is the test's hand on the reader (card on/off,
 * unplug/replug); `window.__requested` counts chooser prompts.
 */
function fakeUsbScript({ fault = "none", persona = "taro" } = {}) {
  const install = (options) => {
    let ready = null;
    const usb = () =>
      (ready ??= import("/pkg/sync.browser.js").then(({ ReaderSimulator, simulatedUsb }) => {
        window.__usb = simulatedUsb(new ReaderSimulator(options));
        return window.__usb;
      }));
    const facade = {
      getDevices: async () => (await usb()).getDevices(),
      requestDevice: async (o) => {
        window.__requested = (window.__requested ?? 0) + 1;
        return (await usb()).requestDevice(o);
      },
      addEventListener: (type, l) => void usb().then((u) => u.addEventListener(type, l)),
      removeEventListener: (type, l) => void usb().then((u) => u.removeEventListener(type, l)),
    };
    Object.defineProperty(Navigator.prototype, "usb", { get: () => facade, configurable: true });
  };
  return `(${install})(${JSON.stringify({ fault, persona })});`;
}

const counters = () => page.evaluate(() => window.__usb.simulator.counters());

/** A fresh page through the consent to the reader choice. */
async function toReaderStep(url = `${base}/`) {
  await page.goto(url);
  await expectStep("step-consent");
  await byId("consent-check").check();
  await byId("consent-continue").click();
  await expectStep("step-reader");
}

async function toPasoriPin(url = `${base}/`) {
  await toReaderStep(url);
  assert.equal(await byId("reader-pasori").isDisabled(), false, "enabled when navigator.usb exists");
  await byId("reader-pasori").check();
  await byId("reader-continue").click();
  await expectStep("step-pin");
}

test("the PaSoRi path over WebUSB (navigator.usb scripted on the RC-S380 simulator)", async (t) => {
  const main = page;
  const requests = [];
  const withPage = async (fault, body) => {
    page = await newPage(fakeUsbScript({ fault }));
    page.on("request", (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
    try {
      await body();
    } finally {
      await page.context().close();
      page = main;
    }
  };

  await t.test("account opening ends with a stored record; a wrong password shows the tries and is sent once", async () => {
    await withPage("none", async () => {
      await toReaderStep();
      await byId("reader-pasori").check();
      await expectText("step-reader", "PaSoRi");
      await shot("pasori-reader");
      await byId("reader-continue").click();
      await expectStep("step-pin");
      await expectText("tries-left", "残り 5 回");
      assert.equal(await page.evaluate(() => window.__requested ?? 0), 0, "the pre-granted reader needs no chooser");
      const before = await counters();
      await submitPin("WRONG1");
      await expectText("pin-error", "JPKI_PIN_INCORRECT");
      await expectText("tries-left", "残り 4 回");
      const after = await counters();
      assert.equal(after.pinVerifies - before.pinVerifies, 1, "the wrong password reached the card once, not retried");
      await shot("pasori-wrong-password");
      await submitPin("ABC123");
      await expectStep("step-review");
      assert.match(await text("identity-name"), /山田/);
      await byId("card-remove").waitFor();
      await expectText("card-remove", "カード");
      await shot("pasori-review");
      await byId("review-send").click();
      await expectStep("step-result");
      await byId("result-ok").waitFor();
      assert.match(await text("record-id"), /^rec_/);
      const c = await counters();
      assert.ok(c.usbOut > 100 && c.apdus > 10, JSON.stringify(c));
      await shot("pasori-result");
      assertClean();
    });
  });

  await t.test("the card taken away during signing: a typed error, nothing sent, no record", async () => {
    requests.length = 0;
    await withPage("remove-during-signing", async () => {
      await toPasoriPin();
      await submitPin("ABC123");
      await expectText("pin-error", "JPKI_CARD_REMOVED");
      await expectText("pin-error", "カード");
      assert.equal(await byId("step-review").isVisible(), false);
      assert.ok(!requests.includes("POST /v1/assertions"), "no assertion was sent, so no record");
      await shot("pasori-card-removed");
      // Placed again: a new session; the tries are read before anything is asked.
      await page.evaluate(() => window.__usb.simulator.setCardPresent(true));
      await byId("pin-submit").click();
      await expectStep("step-pin");
      await expectText("tries-left", "残り 5 回");
      assertClean();
    });
  });

  await t.test("unplugged mid-read, then plugged in again: the flow recovers", async () => {
    await withPage("unplug-during-read", async () => {
      await toPasoriPin();
      await submitPin("ABC123");
      await expectText("pin-error", "JPKI_READER_UNPLUGGED");
      await shot("pasori-unplugged");
      await page.evaluate(() => window.__usb.replug());
      await byId("pin-submit").click(); // no card session: back to the reader choice
      await expectStep("step-reader");
      await byId("reader-pasori").check();
      await byId("reader-continue").click();
      await expectStep("step-pin");
      await submitPin("ABC123");
      await expectStep("step-review");
      await byId("review-send").click();
      await expectStep("step-result");
      await byId("result-ok").waitFor();
      assertClean();
    });
  });

  await t.test("kiosk: no chooser, place the card, large targets; idle timeout leaves nothing of the person", async () => {
    await withPage("card-absent", async () => {
      await page.goto(`${base}/?kiosk=1&idle=4`);
      await expectStep("step-consent");
      await page.waitForFunction(() => document.body.classList.contains("kiosk"), null, { timeout: 5000 });
      const height = await byId("consent-continue").evaluate((b) => b.getBoundingClientRect().height);
      assert.ok(height >= 60, `touch target ${height}px`);
      await byId("consent-check").check();
      await byId("consent-continue").click();
      await expectStep("step-place");
      await expectText("step-place", "カードをリーダーに置いてください");
      await expectText("place-reader-name", "RC-S380");
      await shot("kiosk-place-card");
      await page.evaluate(() => window.__usb.simulator.setCardPresent(true));
      await expectStep("step-pin");
      assert.equal(await page.evaluate(() => window.__requested ?? 0), 0, "never the chooser in a kiosk");
      await submitPin("ABC123");
      await expectStep("step-review");
      assert.match(await text("identity-name"), /山田/);
      await shot("kiosk-review");
      // Nobody touches the kiosk: back to the start with nothing of taro left.
      await expectStep("step-consent");
      const left = await page.evaluate(() => ({
        html: document.documentElement.outerHTML,
        local: localStorage.length,
        session: sessionStorage.length,
        pin: document.getElementById("pin-input").value,
      }));
      // (The persona menu's label "山田 太郎" is page text; the certificate's name has an ideographic space.)
      for (const s of ["山田\u3000太郎", "東京都", "eyJ", "JPKI-TEST"]) assert.ok(!left.html.includes(s), `${s} is gone from the DOM`);
      assert.deepEqual([left.local, left.session, left.pin], [0, 0, ""]);
      await shot("kiosk-after-idle");
      assertClean();
    });
  });
});

/** A scripted Web NFC (`NDEFReader`, Android Chrome only): writes are recorded, and
 * `window.__tapTag(url)` delivers a tag holding one URL record to the page's scan. */
function fakeNdefScript() {
  const install = () => {
    window.__ndefWrites = [];
    window.NDEFReader = class extends EventTarget {
      onreading = null;
      async write(message) {
        window.__ndefWrites.push(JSON.parse(JSON.stringify(message)));
      }
      async scan() {
        window.__ndefScanner = this;
      }
    };
    window.__tapTag = (url) => {
      const bytes = new TextEncoder().encode(url);
      const record = { recordType: "url", data: new DataView(bytes.buffer) };
      window.__ndefScanner?.onreading?.({ serialNumber: "04:a2:1f:7c", message: { records: [record] } });
    };
  };
  return `(${install})();`;
}

test("hand-off to a phone: QR code and NFC, single use, the first screen sees the phone's record", async () => {
  const main = page;
  const desktop = await newPage(fakeNdefScript());
  const phone = await newPage(fakeNdefScript());
  const third = await newPage();
  try {
    page = desktop;
    await toReaderStep();
    await byId("handoff-start").click();
    await expectStep("step-handoff");
    const code = await text("handoff-code");
    assert.match(code, /^\d{6}$/);
    const url = await text("handoff-url");
    assert.match(url, new RegExp(`^${base.replace(/[.:/]/g, "\\$&")}/#handoff=[\\w-]{22,}$`));
    assert.ok((await byId("handoff-qr").locator("svg path").getAttribute("d")).length > 100, "the QR code is drawn");
    await byId("handoff-write").click();
    await expectText("handoff-status", "NFC");
    const writes = await page.evaluate(() => window.__ndefWrites);
    assert.deepEqual(writes, [{ records: [{ recordType: "url", data: url }] }], "one NDEF URL record with the hand-off URL");
    await shot("handoff-qr");

    // The phone reads the kiosk's tag (Web NFC scan) and finishes with its card.
    page = phone;
    await toReaderStep();
    await byId("handoff-scan").click();
    await page.evaluate((u) => window.__tapTag(u), url);
    await expectText("handoff-banner", code);
    assert.equal(await byId("handoff-offer").isVisible(), false);
    await byId("reader-continue").click();
    await expectStep("step-pin");
    await submitPin("ABC123");
    await expectStep("step-review");
    await shot("handoff-phone-review");
    await byId("review-send").click();
    await expectStep("step-result");
    await byId("result-ok").waitFor();
    const recordId = await text("record-id");

    // The first screen sees it.
    page = desktop;
    await expectText("handoff-status", recordId);
    await shot("handoff-done");

    // The same link again (a photographed QR code): single use.
    page = third;
    await page.goto(url);
    await expectText("global-error", "JPKI_HANDOFF_USED");
    assert.equal(new URL(page.url()).hash, "", "the token left the address bar");
    await shot("handoff-used");
    const expected = /^console error: Failed to load resource: the server responded with a status of 409/;
    problems.splice(0, problems.length, ...problems.filter((p) => !expected.test(p)));
    assertClean();
  } finally {
    page = main;
    for (const p of [desktop, phone, third]) await p.context().close();
  }
});
