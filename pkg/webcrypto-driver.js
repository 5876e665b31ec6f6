// The WebCrypto provider's driver: verifyAssertion and verifySignature for both entries.
//
// The wasm module parses and plans a verification synchronously (verifyAssertionPrepare: every
// check except the signatures) and lists the signature checks as jobs; this driver answers them
// with crypto.subtle — all at once, since WebCrypto works off the main thread — and hands the
// answers back (verifyAssertionFinish), which produces the verdict. Nothing here decides
// anything: a job is answered true only when subtle.verify says so; a job the wasm marked
// impossible (null), a failed import, a rejected promise or a missing crypto.subtle are false,
// and the verdict is then invalid. Driving the checks from JS rather than from Rust futures
// saves most JS↔wasm crossings per verification and keeps the futures runtime out of the module.
//
// Job: [kind, a, b, spki, signature, message] (see src/wasm/webcrypto.rs, js_job): `kind`
// indexes ALGORITHMS; a/b are the JWK members (n, e or x, y) or null with `spki` DER instead.

const pkcs1 = (hash) => ({ name: "RSASSA-PKCS1-v1_5", hash });
// [importKey algorithm, verify algorithm, JWK kty] by job kind.
const ALGORITHMS = [
  [pkcs1("SHA-1"), pkcs1("SHA-1"), "RSA"],
  [pkcs1("SHA-256"), pkcs1("SHA-256"), "RSA"],
  [pkcs1("SHA-384"), pkcs1("SHA-384"), "RSA"],
  [pkcs1("SHA-512"), pkcs1("SHA-512"), "RSA"],
  [{ name: "RSA-PSS", hash: "SHA-256" }, { name: "RSA-PSS", saltLength: 32 }, "RSA"],
  [{ name: "ECDSA", namedCurve: "P-256" }, { name: "ECDSA", hash: "SHA-256" }, "EC"],
];

// Imported keys, least recently used first (a Map iterates in insertion order; a hit is
// re-inserted at the end). The J-LIS CA keys recur on every verification and stay; each
// holder's key is used once and is evicted first. A key is a pure function of (kind, JWK), so
// caching cannot change an answer. The promise is cached so that concurrent verifications
// import a key once; a failed import is not kept.
const KEY_CACHE_SIZE = 16;
const keys = new Map();

function importJwk(subtle, kind, a, b) {
  const id = `${kind}:${a}:${b}`;
  const hit = keys.get(id);
  if (hit !== undefined) {
    keys.delete(id);
    keys.set(id, hit);
    return hit;
  }
  const [importAlg, , kty] = ALGORITHMS[kind];
  const jwk = kty === "RSA" ? { kty, n: a, e: b } : { kty, crv: "P-256", x: a, y: b };
  const key = subtle.importKey("jwk", jwk, importAlg, false, ["verify"]);
  if (keys.size >= KEY_CACHE_SIZE) keys.delete(keys.keys().next().value);
  keys.set(id, key);
  key.catch(() => {
    if (keys.get(id) === key) keys.delete(id);
  });
  return key;
}

/** Answers one job: true only when crypto.subtle.verify says the signature verifies. */
export async function runJob(job) {
  if (job === null || job === undefined) return false;
  try {
    const subtle = globalThis.crypto?.subtle;
    if (subtle === undefined) return false;
    const [kind, a, b, spki, signature, message] = job;
    const [importAlg, verifyAlg] = ALGORITHMS[kind];
    const key =
      a === null ? await subtle.importKey("spki", spki, importAlg, false, ["verify"]) : await importJwk(subtle, kind, a, b);
    return (await subtle.verify(verifyAlg, key, signature, message)) === true;
  } catch {
    return false;
  }
}

/** verifyAssertion over a wasm module's verifyAssertionPrepare / verifyAssertionFinish. */
export function makeVerifyAssertion(prepare, finish) {
  return async function verifyAssertion(assertion, options) {
    const [pending, jobs] = prepare(assertion, options);
    const answers = await Promise.all(jobs.map(runJob));
    return finish(pending, answers);
  };
}

/** verifySignature over a wasm module's signatureJob. */
export function makeVerifySignature(signatureJob) {
  return async function verifySignature(algorithm, spki, message, signature) {
    return runJob(signatureJob(algorithm, spki, message, signature));
  };
}
