// The npm package, imported by name the way a user would, in Node (node:test).
//
// 1. wasm and native agree: for every certificate of the test PKI and every J-LIS anchor, the
//    object `parseCertificate` returns deep-equals the JSON `jpki-verify inspect` prints.
// 2. Fields a bank relies on are right in JS (identity, era, partial dates, flags).
// 3. Bad input throws an Error named JpkiError with a stable `code`.
//
// Needs `make pkg` and a native build of the CLI; the path of the binary can be overridden
// with JPKI_VERIFY_BIN. Both wasm builds are compared with native: the Node entry's (dist/full)
// and the browsers' default one (dist/web, through "jpki-verify/load").
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { execFileSync, spawnSync } from "node:child_process";
import { root } from "./paths.mjs";
import { join } from "node:path";

import { fileURLToPath } from "node:url";
import { parseCertificate, sdkVersion } from "jpki-verify";
import { load } from "jpki-verify/load";

const browserBuild = await load(readFileSync(fileURLToPath(import.meta.resolve("jpki-verify/wasm"))));

const cli = process.env.JPKI_VERIFY_BIN ?? join(root, "target/debug/jpki-verify");
const testpki = join(root, "tests/fixtures/testpki");
const jlis = join(root, "anchors/jlis");

const certificates = [
  ...readdirSync(testpki).filter((f) => f.endsWith(".der") && !f.endsWith(".key.der")).map((f) => join(testpki, f)),
  ...readdirSync(jlis).filter((f) => f.endsWith(".cer")).map((f) => join(jlis, f)),
];

test("the package exposes a version", () => {
  assert.match(sdkVersion(), /^\d+\.\d+\.\d+/);
});

test("wasm and native parse every certificate identically", () => {
  assert.equal(certificates.length, 46, "40 test-PKI certificates + 6 J-LIS anchors");
  for (const file of certificates) {
    const native = JSON.parse(execFileSync(cli, ["inspect", file], { encoding: "utf8" }));
    const der = readFileSync(file);
    assert.deepStrictEqual(parseCertificate(der), native, file);
    const web = browserBuild.parseCertificate(der);
    if (file.includes("-gen1-")) {
      // dist/web is built with feature current-anchors: the generation-1 CAs (expired
      // 2025-10-19) are not among its anchors, so it parses their certificates the same but
      // cannot label them (docs/security.md).
      const { anchor, caGeneration, notes, ...rest } = web;
      const { anchor: _a, caGeneration: _g, notes: _n, ...nativeRest } = native;
      assert.deepStrictEqual(rest, nativeRest, `${file} (dist/web)`);
      assert.deepStrictEqual([anchor, caGeneration], [null, null], `${file} (dist/web)`);
      assert.ok(notes.some((n) => n.includes("generation unknown")), `${file} (dist/web): ${notes}`);
    } else {
      assert.deepStrictEqual(web, native, `${file} (dist/web)`);
    }
  }
});

test("taro's signature certificate in JS", () => {
  const c = parseCertificate(readFileSync(join(testpki, "taro-sign.der")));
  assert.equal(c.kind, "signature");
  assert.equal(c.token, "card");
  assert.equal(c.environment, "test");
  assert.equal(c.anchor.id, "test-sign-ca");
  assert.equal(c.identity.name, "山田\u3000太郎");
  assert.equal(c.identity.sex, "male");
  assert.deepEqual(
    { era: c.identity.dateOfBirth.era, eraName: c.identity.dateOfBirth.eraName, eraYear: c.identity.dateOfBirth.eraYear, gregorian: c.identity.dateOfBirth.gregorian },
    { era: "showa", eraName: "昭和", eraYear: 60, gregorian: "1985-04-12" },
  );
  assert.deepEqual(c.keyUsage, ["digitalSignature", "nonRepudiation"]);
});

test("partial dates and substitution flags in JS", () => {
  const fumi = parseCertificate(readFileSync(join(testpki, "fumi-sign.der"))).identity;
  assert.deepEqual([fumi.dateOfBirth.year, fumi.dateOfBirth.month, fumi.dateOfBirth.day, fumi.dateOfBirth.gregorian], [1910, null, null, "1910"]);
  const hanako = parseCertificate(readFileSync(join(testpki, "hanako-sign.der"))).identity;
  assert.deepEqual(hanako.nameSubstituted, [true, false, false, false, false]);
  assert.equal(parseCertificate(readFileSync(join(testpki, "taro-auth.der"))).identity, null);
});

test("J-LIS anchors carry generation and purpose", () => {
  const c = parseCertificate(readFileSync(join(jlis, "jpki-auth-ca-gen2-2019.cer")));
  assert.deepEqual([c.role, c.kind, c.caGeneration, c.anchor.id, c.environment], ["ca", "authentication", 2, "jpki-auth-ca-gen2-2019", "production"]);
});

function thrown(input) {
  try {
    parseCertificate(input);
  } catch (e) {
    assert.ok(e instanceof Error, "an Error instance");
    assert.equal(e.name, "JpkiError");
    return e;
  }
  assert.fail("did not throw");
}

test("bad input throws JpkiError with a stable code", () => {
  const taro = readFileSync(join(testpki, "taro-sign.der"));
  let e = thrown(taro.subarray(0, 300));
  assert.equal(e.code, "JPKI_MALFORMED");
  assert.equal(e.offset, 1);
  e = thrown(Buffer.concat([taro, Buffer.from([0])]));
  assert.equal(e.code, "JPKI_MALFORMED");
  assert.equal(e.offset, taro.length);
  const wrongTag = Buffer.from(taro);
  wrongTag[4] = 0x31;
  assert.equal(thrown(wrongTag).code, "JPKI_MALFORMED");
  const blob = new Uint8Array(10 * 1024 * 1024);
  for (let i = 0, x = 1; i < blob.length; i++) blob[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  blob[0] = 0x30;
  assert.equal(thrown(blob).code, "JPKI_INPUT_TOO_LARGE");
  assert.equal(thrown("-----BEGIN CERTIFICATE-----\nMII%%%garbage\n-----END CERTIFICATE-----\n").code, "JPKI_MALFORMED");
  assert.equal(thrown(42).code, "JPKI_MALFORMED");
});

test("the CLI refuses bad input with exit 2 and one line", () => {
  const r = spawnSync(cli, ["inspect", join(testpki, "README.md")], { encoding: "utf8" });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^jpki-verify: JPKI_MALFORMED: .+\n$/);
});
