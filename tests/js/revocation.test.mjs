// Revocation through the npm package ("jpki-verify/sync"): CRL indexes built with WebCrypto and
// with the Rust provider agree byte for byte and survive save/load; fetchOcsp asks a real
// `openssl ocsp` responder (started here on loopback) about an assertion the virtual card just
// signed, and the verdict's revocation slot says what the responder said.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "./paths.mjs";
import { createInterface } from "node:readline";

import { CrlIndex, JpkiCard, VirtualCard, verifyAssertion, verifyAssertionSync, fetchOcsp, parseCertificate } from "jpki-verify/sync";

const testpki = join(root, "tests/fixtures/testpki");
const fixture = (name) => new Uint8Array(readFileSync(join(testpki, name)));

test("CrlIndex: WebCrypto and Rust builds agree; saved and loaded; lookups and answers", async () => {
  const der = fixture("sign-ca.crl");
  const web = await CrlIndex.build(der, "test");
  const rust = CrlIndex.buildSync(der, "test");
  assert.deepEqual(web.toBytes(), rust.toBytes());
  const loaded = CrlIndex.fromBytes(rust.toBytes());
  assert.equal(loaded.length, rust.length);
  assert.equal(loaded.anchorId, "test-sign-ca");
  const moved = parseCertificate(fixture("moved-sign.der"));
  assert.equal(loaded.lookup(moved.serialNumber).reason, "affiliationChanged");
  assert.equal(loaded.lookup(parseCertificate(fixture("taro-sign.der")).serialNumber), null);
  // A damaged saved index is refused with a stable code.
  const bytes = rust.toBytes();
  bytes[bytes.length - 40] ^= 1;
  assert.throws(() => CrlIndex.fromBytes(bytes), (e) => e.code === "JPKI_REVOCATION_SOURCE_INVALID");
  // Not signed by a J-LIS CA: refused under production trust.
  await assert.rejects(CrlIndex.build(der, "jlis"), (e) => e.name === "JpkiError" && typeof e.code === "string");
  for (const i of [web, rust, loaded]) i.free();
});

let responder;
let dir;
after(() => {
  if (responder) responder.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function openssl(args) {
  const r = spawnSync("openssl", args, { cwd: dir });
  assert.equal(r.status, 0, `openssl ${args.join(" ")}: ${r.stderr}`);
}

async function startResponder() {
  dir = mkdtempSync(join(tmpdir(), "jpki-js-ocsp-"));
  openssl(["x509", "-inform", "DER", "-in", join(testpki, "sign-ca.der"), "-out", "ca.pem"]);
  openssl(["pkey", "-inform", "DER", "-in", join(testpki, "sign-ca.key.der"), "-out", "ca.key.pem"]);
  const serial = (stem) => parseCertificate(fixture(`${stem}.der`)).serialNumber;
  writeFileSync(
    join(dir, "index.txt"),
    `V\t301231235959Z\t\t${serial("hanako-sign")}\tunknown\t/CN=hanako\n` +
      `R\t301231235959Z\t260601000000Z,affiliationChanged\t${serial("taro-sign")}\tunknown\t/CN=taro\n`,
  );
  responder = spawn("openssl", ["ocsp", "-index", "index.txt", "-port", "0", "-rsigner", "ca.pem", "-rkey", "ca.key.pem", "-CA", "ca.pem", "-nmin", "5"], {
    cwd: dir,
    stdio: ["ignore", "pipe", "ignore"],
  });
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("openssl ocsp did not start")), 20000);
    createInterface({ input: responder.stdout }).once("line", (l) => {
      clearTimeout(timer);
      resolve(l);
    });
  });
  // "ACCEPT [::]:PORT PID=…"
  return Number(line.split(/\s+/)[1].split(":").pop());
}

/** An account-opening JWS made now by the virtual card of `persona`. */
async function assertion(persona, nonce) {
  const card = new JpkiCard(new VirtualCard({ persona }));
  await card.verifyPin("sign", "ABC123");
  const iat = Math.floor(Date.now() / 1000);
  return { jws: await card.makeAssertion({ audience: "https://bank.example.jp", nonce, purpose: "account-opening", iat, exp: iat + 300 }), iat };
}

test("fetchOcsp asks a real OCSP responder; the verdict carries its answer", async () => {
  const port = await startResponder();
  const url = `http://127.0.0.1:${port}/`;
  const nonce = "b2NzcC1qcy10ZXN0LW5vbmNlLTAwMDAwMDAwMDAwMDAwMDAwMA";
  for (const [persona, status, reason, code] of [
    ["hanako", "good", null, null],
    ["taro", "revoked", "affiliationChanged", "JPKI_REVOKED"],
  ]) {
    const { jws, iat } = await assertion(persona, nonce);
    const ocsp = await fetchOcsp(jws, { url, fetch, trust: "test" });
    assert.ok(ocsp.response.length > 100 && ocsp.nonce.length === 16);
    const options = { audience: "https://bank.example.jp", nonce, purpose: "account-opening", time: iat, trust: "test", revocation: { ocsp } };
    for (const v of [await verifyAssertion(jws, options), verifyAssertionSync(jws, options)]) {
      assert.equal(v.revocation.status, status, `${persona}: ${JSON.stringify(v.revocation)} ${JSON.stringify(v.warnings)}`);
      assert.equal(v.revocation.reason ?? null, reason);
      assert.match(v.revocation.source, /^ocsp:/);
      assert.equal(v.errors[0]?.code ?? null, code);
    }
  }
  // An answer for another request's nonce is not accepted as this one's.
  const { jws, iat } = await assertion("hanako", nonce);
  const ocsp = await fetchOcsp(jws, { url, fetch, trust: "test" });
  const v = verifyAssertionSync(jws, {
    audience: "https://bank.example.jp", nonce, purpose: "account-opening", time: iat, trust: "test",
    revocation: { ocsp: { response: ocsp.response, nonce: new Uint8Array(16) } },
  });
  assert.equal(v.revocation.status, "unchecked");
  assert.equal(v.errors[0].code, "JPKI_REVOCATION_UNCHECKED");
  assert.ok(v.warnings.some((w) => w.code === "JPKI_REVOCATION_SOURCE_INVALID"), JSON.stringify(v.warnings));
  // The small default entry has no revocation code and says so.
  const small = await import("jpki-verify");
  await assert.rejects(small.verifyAssertion(jws, { audience: "https://bank.example.jp", nonce, purpose: "account-opening", time: iat, trust: "test", revocation: { ocsp } }), (e) => e.code === "JPKI_INVALID_OPTIONS");
});
