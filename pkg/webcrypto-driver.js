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
// caching cannot change an answer. The entry holds the import's promise (so that concurrent
// verifications import a key once) and, once imported, the CryptoKey itself, so that a cache
// hit starts its verify at once instead of a promise hop later; a failed import is not kept.
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
  const entry = { key: undefined, promise: subtle.importKey("jwk", jwk, importAlg, false, ["verify"]) };
  if (keys.size >= KEY_CACHE_SIZE) keys.delete(keys.keys().next().value);
  keys.set(id, entry);
  entry.promise.then(
    (key) => {
      entry.key = key;
    },
    () => {
      if (keys.get(id) === entry) keys.delete(id);
    },
  );
  return entry;
}

const nothing = () => {};
const utf8 = new TextEncoder();
// ≤ 3 UTF-8 bytes per UTF-16 unit: below the wasm adapter's 1 MiB cut for byte input.
const MAX_ENCODED_STRING = 300_000;

/**
 * The assertion as it crosses into wasm: a JWS string as UTF-8 from the engine's encoder
 * (native, faster than the glue's per-character copy; the bytes are the same, both replace
 * lone surrogates). Long strings stay strings so that the size error reports their length.
 */
function assertionInput(assertion) {
  return typeof assertion === "string" && assertion.length <= MAX_ENCODED_STRING ? utf8.encode(assertion) : assertion;
}

/**
 * Answers one job: true only when crypto.subtle.verify says the signature verifies.
 * `issued` is called exactly once, when the job's verify has been started (or the job has
 * been answered without one).
 */
export async function runJob(job, issued = nothing) {
  let verifying;
  try {
    if (job === null || job === undefined) return false;
    const subtle = globalThis.crypto?.subtle;
    if (subtle === undefined) return false;
    const [kind, a, b, spki, signature, message] = job;
    const [importAlg, verifyAlg] = ALGORITHMS[kind];
    let key;
    if (a === null) key = await subtle.importKey("spki", spki, importAlg, false, ["verify"]);
    else {
      const entry = importJwk(subtle, kind, a, b);
      key = entry.key ?? (await entry.promise);
    }
    verifying = subtle.verify(verifyAlg, key, signature, message);
  } catch {
    return false;
  } finally {
    issued();
  }
  try {
    return (await verifying) === true;
  } catch {
    return false;
  }
}

/**
 * verifyAssertion over a wasm module's verifyAssertionPrepare / verifyAssertionFinish, the
 * signature checks answered by `answerAll(jobs, finish)` (which calls `finish(answers)`, maybe
 * more than once, and returns a verdict or its promise). The pending verification is freed
 * whatever happens. Shared with node-crypto-driver.js.
 */
export function makeVerifyAssertionWith(prepare, finish, answerAll) {
  return async function verifyAssertion(assertion, options) {
    const [pending, jobs] = prepare(assertionInput(assertion), options);
    try {
      return await answerAll(jobs, (answers) => finish(pending, answers));
    } finally {
      pending.free();
    }
  };
}

/**
 * The WebCrypto answers. Once every signature check has been started (WebCrypto works off the
 * main thread), the otherwise idle main thread renders the verdict that all-true answers give
 * (finish borrows the pending verification, so it can be asked twice). That verdict is returned
 * only if every answer is true; otherwise the verdict is finished again from the real answers.
 * Nothing is cached across calls and no check is skipped: this only moves the verdict's
 * rendering into the wait.
 */
async function answerWithWebCrypto(jobs, finish) {
  if (jobs.length === 0) return finish([]);
  let left = jobs.length;
  let allStarted;
  const started = new Promise((resolve) => {
    allStarted = resolve;
  });
  const issued = () => {
    if (--left === 0) allStarted();
  };
  const answers = Promise.all(jobs.map((j) => runJob(j, issued)));
  await started;
  const speculative = finish(jobs.map(() => true));
  const got = await answers;
  return got.every((a) => a === true) ? speculative : finish(got);
}

/** verifyAssertion with WebCrypto over a wasm module's prepare / finish. */
export const makeVerifyAssertion = (prepare, finish) => makeVerifyAssertionWith(prepare, finish, answerWithWebCrypto);

/** verifySignature over a wasm module's signatureJob, answered by `answer(job)` (WebCrypto by default). */
export function makeVerifySignature(signatureJob, answer = runJob) {
  return async function verifySignature(algorithm, spki, message, signature) {
    return answer(signatureJob(algorithm, spki, message, signature));
  };
}
