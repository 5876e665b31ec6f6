// Project Wycheproof (C2SP) signature vectors in Node, through the npm package: every vector of
// the six RSA/ECDSA files is checked with each JS-side provider — node:crypto (the Node entry's
// `verifySignature`) and WebCrypto (`verifySignature` of "jpki-verify/load": Node's
// crypto.subtle) — and with the Rust provider compiled to wasm (`verifySignatureSync`,
// RustCrypto). Each JS-side provider is scored against Wycheproof exactly as the Rust harness
// (tests/wycheproof.rs) scores RustCrypto, with the same reviewed exceptions
// (tests/wycheproof/exceptions.json, rules in tests/wycheproof/README.md), must really reach its
// crypto call, and must give the Rust provider's answer on every vector.
//
//   make pkg && node --test tests/js/wycheproof.test.mjs
//
// prints one line per file and `wycheproof (node, <provider>): N passed, N failed, N skipped`.
// The vectors are read from <repository root>/../shared/vectors/wycheproof/ (never edited).
import { fileURLToPath, pathToFileURL } from "node:url";
import nodeCrypto from "node:crypto";
import { syncBuiltinESMExports } from "node:module";
import { root as repoRoot } from "./paths.mjs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { verifySignature } from "jpki-verify";
import { verifySignatureSync } from "jpki-verify/sync";
import { load } from "jpki-verify/load";

const webCrypto = await load(readFileSync(fileURLToPath(import.meta.resolve("jpki-verify/wasm"))));

const root = pathToFileURL(repoRoot + "/");
const vectorDir = new URL("../shared/vectors/wycheproof/", root);
const exceptionsFile = new URL("tests/wycheproof/exceptions.json", root);

// The files, the upstream schema each must declare, and the SDK algorithm name it is run with
// (the names `verifySignature` takes; the same SignatureAlgorithm the Rust harness uses).
const FILES = [
  { name: "rsa_signature_2048_sha256_test.json", schema: "rsassa_pkcs1_verify_schema_v1.json", alg: "RS256" },
  { name: "rsa_pss_2048_sha256_mgf1_32_test.json", schema: "rsassa_pss_verify_schema_v1.json", alg: "PS256" },
  {
    name: "rsa_pss_2048_sha256_mgf1_32_params_test.json",
    schema: "rsassa_pss_with_parameters_verify_schema.json",
    alg: "PS256",
  },
  { name: "rsa_pss_2048_sha256_mgf1_0_test.json", schema: "rsassa_pss_verify_schema_v1.json", alg: "PS256" },
  { name: "ecdsa_secp256r1_sha256_test.json", schema: "ecdsa_verify_schema_v1.json", alg: "ECDSA-P256-SHA256-DER" },
  { name: "ecdsa_secp256r1_sha256_p1363_test.json", schema: "ecdsa_p1363_verify_schema_v1.json", alg: "ES256" },
];

const hex = (s) => {
  assert.equal(s.length % 2, 0, "odd-length hex string");
  return new Uint8Array(Buffer.from(s, "hex"));
};

// --- Exceptions: the Rust harness's list and rules, unchanged. -------------------------------

const EXCEPTION_FIELDS = new Set(["file", "tcId", "group", "flag", "reason"]);

function loadExceptions() {
  const list = JSON.parse(readFileSync(exceptionsFile, "utf8"));
  assert.ok(Array.isArray(list), "exceptions.json must be a list");
  for (const e of list) {
    for (const k of Object.keys(e)) assert.ok(EXCEPTION_FIELDS.has(k), `exception field ${k} is unknown`);
    assert.equal(typeof e.file, "string", "exception without file");
    assert.ok(typeof e.reason === "string" && e.reason.trim() !== "", `exception ${selector(e)} has no reason`);
    assert.ok(
      e.tcId !== undefined || e.group !== undefined || e.flag !== undefined,
      `exception for ${e.file} selects a whole file; name a tcId, group or flag`,
    );
    e.used = 0;
  }
  // Only the files run here; the JWS file's exceptions belong to the Rust harness alone.
  return list.filter((e) => FILES.some((f) => f.name === e.file));
}

function selector(e) {
  const parts = [e.file];
  if (e.tcId !== undefined) parts.push(`tcId ${e.tcId}`);
  if (e.group !== undefined) parts.push(`group ${e.group}`);
  if (e.flag !== undefined) parts.push(`flag ${e.flag}`);
  return parts.join(", ");
}

const matches = (e, file, groupIndex, c) =>
  e.file === file &&
  (e.tcId === undefined || e.tcId === c.tcId) &&
  (e.group === undefined || e.group === groupIndex) &&
  (e.flag === undefined || c.flags.includes(e.flag));

// --- The run. ---------------------------------------------------------------------------------

const tally = () => ({ passed: 0, failed: 0, skipped: 0 });
const show = (t) => `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`;

async function runFile(file, exceptions, disagreements, { verify, counter }) {
  const callsBefore = counter.calls;
  const data = JSON.parse(readFileSync(new URL(file.name, vectorDir), "utf8"));
  assert.equal(data.schema, file.schema, `${file.name}: unexpected schema`);
  const count = data.testGroups.reduce((n, g) => n + g.tests.length, 0);
  assert.equal(count, data.numberOfTests, `${file.name}: numberOfTests disagrees with the file`);

  const t = tally();
  const acceptable = { accepted: [], rejected: [] };
  for (const [groupIndex, group] of data.testGroups.entries()) {
    // The key is imported from the group's SPKI for every vector, as in production.
    const spki = hex(group.publicKeyDer);
    for (const c of group.tests) {
      const msg = hex(c.msg);
      const sig = hex(c.sig);
      const web = await verify(file.alg, spki, msg, sig);
      const rust = verifySignatureSync(file.alg, spki, msg, sig);
      assert.equal(typeof web, "boolean", `${file.name} tcId ${c.tcId}: verifySignature returned ${web}`);
      if (web !== rust) {
        disagreements.push(
          `${file.name} group ${groupIndex} tcId ${c.tcId} (${JSON.stringify(c.comment)}; flags ` +
            `${JSON.stringify(c.flags)}; ${c.result}): the JS-side provider ${web ? "accepts" : "rejects"}, ` +
            `rust ${rust ? "accepts" : "rejects"}`,
        );
      }

      let mismatch = null;
      if (c.result === "acceptable") {
        acceptable[web ? "accepted" : "rejected"].push(c.tcId);
      } else if (c.result === "valid" && !web) {
        mismatch = "valid vector rejected";
      } else if (c.result === "invalid" && web) {
        mismatch = "INVALID VECTOR ACCEPTED";
      } else {
        assert.ok(c.result === "valid" || c.result === "invalid", `unknown result ${c.result}`);
      }
      if (mismatch === null) {
        t.passed++;
        continue;
      }
      // Accepting an invalid vector is only excused by an exception naming its tcId.
      const acceptedInvalid = c.result === "invalid";
      const excuse = exceptions.find(
        (e) => matches(e, file.name, groupIndex, c) && (!acceptedInvalid || e.tcId !== undefined),
      );
      if (excuse) {
        excuse.used++;
        t.skipped++;
      } else {
        t.failed++;
        console.log(
          `  FAILED ${file.name} group ${groupIndex} tcId ${c.tcId} (${JSON.stringify(c.comment)}; ` +
            `flags ${JSON.stringify(c.flags)}): ${mismatch}`,
        );
      }
    }
  }
  for (const [way, ids] of Object.entries(acceptable)) {
    if (ids.length) console.log(`  ${file.name}: ${ids.length} acceptable vector(s) ${way}: tcId ${JSON.stringify(ids)}`);
  }
  console.log(`  ${file.name}: ${counter.calls - callsBefore} of ${count} vectors reached ${counter.what}`);
  console.log(`${file.name}: ${show(t)}`);
  return t;
}

// Count the vectors that really reach the crypto call: `verifySignature` first runs the checks
// shared with the Rust provider (SPKI classification, strict DER → r ‖ s, raw length), and a
// vector refused there never reaches OpenSSL.
function countSubtleVerify() {
  const subtle = globalThis.crypto.subtle;
  const original = subtle.verify;
  const counter = { what: "crypto.subtle.verify", calls: 0, restore: () => void (subtle.verify = original) };
  subtle.verify = function (...args) {
    counter.calls++;
    return original.apply(this, args);
  };
  return counter;
}

// node:crypto's `verify` as the package's ESM import sees it (builtin named exports follow the
// CommonJS object after syncBuiltinESMExports).
function countNodeVerify() {
  const original = nodeCrypto.verify;
  const counter = {
    what: "node:crypto verify",
    calls: 0,
    restore: () => {
      nodeCrypto.verify = original;
      syncBuiltinESMExports();
    },
  };
  nodeCrypto.verify = function (...args) {
    counter.calls++;
    return original.apply(this, args);
  };
  syncBuiltinESMExports();
  return counter;
}

const PROVIDERS = [
  { name: "node:crypto", verify: verifySignature, count: countNodeVerify },
  { name: "webcrypto", verify: webCrypto.verifySignature, count: countSubtleVerify },
];

for (const provider of PROVIDERS) {
  test(`Wycheproof RSA/ECDSA vectors: ${provider.name} (Node) scored, Rust provider (wasm) agrees`, async () => {
    const started = Date.now();
    const exceptions = loadExceptions();
    const counter = provider.count();
    const disagreements = [];
    const total = tally();
    let vectors = 0;
    try {
      for (const file of FILES) {
        const t = await runFile(file, exceptions, disagreements, { verify: provider.verify, counter });
        for (const k of Object.keys(total)) total[k] += t[k];
        vectors += t.passed + t.failed + t.skipped;
      }
    } finally {
      counter.restore();
    }

    let stale = 0;
    for (const e of exceptions) {
      if (e.used === 0) {
        stale++;
        console.log(`  STALE exception (${selector(e)}): matched no mismatch; remove it`);
      } else {
        console.log(`  exception (${selector(e)}): ${e.used} vector(s) skipped`);
      }
    }
    for (const d of disagreements) console.log(`  DISAGREE ${d}`);
    console.log(`wycheproof (node): ${provider.name} and rust (wasm) agree on ${vectors - disagreements.length} of ${vectors} vectors`);
    console.log(
      `wycheproof (node): ${counter.what} answered ${counter.calls} vectors; ` +
        `${vectors - counter.calls} were refused before it by the checks shared with the Rust provider`,
    );
    console.log(`wycheproof (node, ${provider.name}): ${show(total)}`);
    console.log(`  (${Date.now() - started} ms, node ${process.version})`);

    assert.ok(total.passed > 0, "no vector ran");
    assert.ok(counter.calls > vectors / 2, `only ${counter.calls} vectors reached ${counter.what}`);
    assert.equal(total.failed, 0, `Wycheproof mismatches with ${provider.name} (see the FAILED lines above)`);
    assert.equal(stale, 0, "stale exceptions in tests/wycheproof/exceptions.json");
    assert.deepEqual(disagreements, [], `${provider.name} and the Rust provider disagree (see the DISAGREE lines above)`);
  });
}
