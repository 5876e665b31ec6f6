// Revocation evidence for verifyAssertion / verifyAssertionSync ("jpki-verify/sync" only: the
// small default build carries no CRL or OCSP code).
//
//   const crl = await CrlIndex.build(crlBytes, "jlis");              // or CrlIndex.fromBytes(saved)
//   const ocsp = await fetchOcsp(jws, { url, fetch, trust: "jlis" }); // { response, nonce }
//   await verifyAssertion(jws, { ...options, revocation: { crls: [crl], ocsp,
//     external: { status: "good", source: "my-pf", producedAt, certificateSha256 } } });
//
// The core does no I/O and makes no random numbers: fetchOcsp does both here, on the caller's
// side, with the `fetch` it is given and crypto.getRandomValues for the request's nonce.

/** Builds a wasm RevocationEvidence from `options.revocation` (the caller frees it). */
function evidenceOf(RevocationEvidence, revocation) {
  if (revocation === null || typeof revocation !== "object") {
    throw Object.assign(new Error("revocation must be an object { crls?, ocsp?, external? }"), {
      name: "JpkiError",
      code: "JPKI_INVALID_OPTIONS",
    });
  }
  const evidence = new RevocationEvidence();
  try {
    for (const index of revocation.crls ?? []) evidence.addCrl(index);
    if (revocation.ocsp !== undefined) evidence.setOcsp(revocation.ocsp.response, revocation.ocsp.nonce ?? undefined);
    if (revocation.external !== undefined) evidence.setExternal(revocation.external);
    return evidence;
  } catch (e) {
    evidence.free();
    throw e;
  }
}

/**
 * A prepare function (for the WebCrypto driver) or a synchronous verify function that takes
 * `options.revocation`: without it, `plain`; with it, `withEvidence` and the evidence, freed
 * as soon as the call returns (the planned verification keeps only what it needs).
 */
export function acceptingRevocation(plain, withEvidence, RevocationEvidence) {
  return function (input, options) {
    if (options === null || typeof options !== "object" || options.revocation === undefined) {
      return plain(input, options);
    }
    const { revocation, ...rest } = options;
    const evidence = evidenceOf(RevocationEvidence, revocation);
    try {
      return withEvidence(input, rest, evidence);
    } finally {
      evidence.free();
    }
  };
}

/**
 * Asks an OCSP responder about the signer of `assertion` (read without verification): POSTs
 * the DER request (SHA-256 CertID, a fresh 16-byte nonce) with `fetch` (any fetch-like
 * function) and returns `{ response, nonce }` for `options.revocation.ocsp`. The response is
 * verified with the assertion, not here.
 */
export function makeFetchOcsp(ocspRequestFor) {
  return async function fetchOcsp(assertion, { url, fetch = globalThis.fetch, trust = "jlis" } = {}) {
    if (typeof url !== "string" || typeof fetch !== "function") {
      throw Object.assign(new Error("fetchOcsp needs { url, fetch }"), { name: "JpkiError", code: "JPKI_INVALID_OPTIONS" });
    }
    const nonce = globalThis.crypto.getRandomValues(new Uint8Array(16));
    const request = ocspRequestFor(assertion, trust, nonce);
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/ocsp-request", accept: "application/ocsp-response" },
      body: request,
    });
    if (!res.ok) {
      throw Object.assign(new Error(`OCSP responder answered HTTP ${res.status}`), { name: "JpkiError", code: "JPKI_REVOCATION_SOURCE_INVALID" });
    }
    return { response: new Uint8Array(await res.arrayBuffer()), nonce };
  };
}
