// The numbers helpers of the npm package, imported by name the way a user would: the Node entry
// (dist/full) and the browsers' default build (dist/web, through "jpki-verify/load") give the
// same answers, which are the core's (`src/numbers.rs` holds the worked examples and sources).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as node from "jpki-verify";
import * as sync from "jpki-verify/sync";
import { load } from "jpki-verify/load";

const web = await load(readFileSync(fileURLToPath(import.meta.resolve("jpki-verify/wasm"))));
const entries = { node, sync, web };

for (const [name, jpki] of Object.entries(entries)) {
  test(`${name}: isValidMyNumber takes the forms people type`, () => {
    // Published worked example: base 12345678901 → check digit 8.
    for (const form of ["123456789018", "1234 5678 9018", "1234-5678-9018", "1234ー5678ー9018",
      "1234−5678−9018", "１２３４　５６７８　９０１８", "１２３４－５６７８－９０１８", "1234‐5678‐9018"]) {
      assert.equal(jpki.isValidMyNumber(form), true, form);
    }
    for (const bad of ["123456789019", "12345678901", "1234567890180", "-123456789018", "abc", ""]) {
      assert.equal(jpki.isValidMyNumber(bad), false, bad);
    }
  });

  test(`${name}: isValidCorporateNumber with real Corporate Numbers`, () => {
    // 国税庁 7000012050002; 日本税理士会連合会 7010705000725 (sources in src/numbers.rs).
    for (const n of ["7000012050002", "7010705000725", "７０００　０１２０　５０００２"]) {
      assert.equal(jpki.isValidCorporateNumber(n), true, n);
    }
    assert.equal(jpki.isValidCorporateNumber("7000012050003"), false);
    assert.equal(jpki.isValidCorporateNumber("123456789018"), false);
  });

  test(`${name}: redactMyNumbers leaves no My Number in any typed form`, () => {
    const text = "番号 １２３４ー５６７８ー９０１８ と 1234 - 5678 - 9018、tel 03-1234-5678、法人 7000012050002";
    const out = jpki.redactMyNumbers(text);
    assert.equal(out, "番号 [REDACTED] と [REDACTED]、tel 03-1234-5678、法人 7000012050002");
    assert.equal(jpki.redactMyNumbers("nothing here"), "nothing here");
    assert.equal(typeof jpki.redactMyNumbers(""), "string");
  });
}
