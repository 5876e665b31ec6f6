// The node:crypto provider's driver (the Node entries' verifyAssertion and verifySignature).
//
// The same jobs as the WebCrypto driver (webcrypto-driver.js; src/wasm/webcrypto.rs, js_job)
// answered by node:crypto: `crypto.verify` is synchronous, so a verification is prepare →
// answer every job → finish, with no promise hops and no speculation. Nothing here decides
// anything: a job is answered true only when crypto.verify says so; a job the wasm marked
// impossible (null), a key that does not import or a verify that throws are false.
//
// Job: [kind, a, b, spki, signature, message]; `kind` indexes ALGORITHMS, a/b are the JWK
// members (n, e or x, y; base64url) or null with `spki` DER instead. ECDSA signatures arrive
// as r‖s (the WebCrypto form), hence dsaEncoding "ieee-p1363".
import { constants, createPublicKey, verify } from "node:crypto";
import { makeVerifyAssertionWith, makeVerifySignature as makeVerifySignatureWith } from "./webcrypto-driver.js";

const pkcs1 = (hash) => ({ hash, options: { padding: constants.RSA_PKCS1_PADDING } });
// [digest, extra verify options, JWK kty] by job kind.
const ALGORITHMS = [
  pkcs1("sha1"),
  pkcs1("sha256"),
  pkcs1("sha384"),
  pkcs1("sha512"),
  { hash: "sha256", options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } },
  { hash: "sha256", options: { dsaEncoding: "ieee-p1363" } },
];
const KTY = ["RSA", "RSA", "RSA", "RSA", "RSA", "EC"];

// KeyObjects, least recently used first (as the WebCrypto driver's CryptoKey cache): the J-LIS
// CA keys recur on every verification and stay; each holder's key is used once and goes first.
// A key is a pure function of its JWK, so caching cannot change an answer.
const KEY_CACHE_SIZE = 16;
const keys = new Map();

function keyFor(kind, a, b) {
  const id = `${KTY[kind]}:${a}:${b}`;
  let key = keys.get(id);
  if (key !== undefined) {
    keys.delete(id);
  } else {
    const jwk = KTY[kind] === "RSA" ? { kty: "RSA", n: a, e: b } : { kty: "EC", crv: "P-256", x: a, y: b };
    key = createPublicKey({ key: jwk, format: "jwk" });
    if (keys.size >= KEY_CACHE_SIZE) keys.delete(keys.keys().next().value);
  }
  keys.set(id, key);
  return key;
}

/** Answers one job: true only when crypto.verify says the signature verifies. */
export function answerJob(job) {
  try {
    if (job === null || job === undefined) return false;
    const [kind, a, b, spki, signature, message] = job;
    const algorithm = ALGORITHMS[kind];
    if (algorithm === undefined) return false;
    const key = a === null ? createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }) : keyFor(kind, a, b);
    return verify(algorithm.hash, message, { key, ...algorithm.options }, signature) === true;
  } catch {
    return false;
  }
}

/** verifyAssertion with node:crypto over a wasm module's prepare / finish: one synchronous pass. */
export const makeVerifyAssertion = (prepare, finish) =>
  makeVerifyAssertionWith(prepare, finish, (jobs, finishWith) => finishWith(jobs.map(answerJob)));

/** verifySignature with node:crypto over a wasm module's signatureJob. */
export const makeVerifySignature = (signatureJob) => makeVerifySignatureWith(signatureJob, answerJob);
