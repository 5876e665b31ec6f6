// A Cloudflare worker that imports the npm package the way a deployed worker does (through the
// package's "workerd" export condition, wasm imported as a module) and verifies the posted
// assertion cases with both providers.
import { verifyAssertion as verifyAssertionSmall, parseCertificate } from "jpki-verify";
import { verifyAssertion as verifyAssertionFull, verifyAssertionSync, CrlIndex } from "jpki-verify/sync";

const fromBase64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

export default {
  async fetch(request) {
    if (request.method !== "POST") return new Response("POST a JSON array of cases", { status: 405 });
    const cases = await request.json();
    const results = [];
    for (const c of cases) {
      const input = c.format === "jws" ? c.input : fromBase64(c.input);
      const options = { ...c.options };
      if (c.detachedContent) options.detachedContent = fromBase64(c.detachedContent);
      // Revocation evidence and CMS need the full build ("jpki-verify/sync"); the CRL index is
      // built here with WebCrypto, as an edge worker would. The small entry must refuse CMS.
      let verifyAssertion = verifyAssertionSmall;
      let smallCms = null;
      if (c.format === "cms") {
        smallCms = (await verifyAssertionSmall(input, options)).errors[0]?.code ?? null;
        verifyAssertion = verifyAssertionFull;
      }
      if (c.revocation) {
        const crls = [];
        for (const der of c.revocation.crls) crls.push(await CrlIndex.build(fromBase64(der), "test"));
        options.revocation = { crls, external: c.revocation.external };
        verifyAssertion = verifyAssertionFull;
      }
      const webcrypto = await verifyAssertion(input, options);
      const rust = verifyAssertionSync(input, options);
      results.push({
        name: c.name,
        webcrypto: { valid: webcrypto.valid, code: webcrypto.errors[0]?.code ?? null, revocation: webcrypto.revocation },
        rust: { valid: rust.valid, code: rust.errors[0]?.code ?? null, revocation: rust.revocation },
        identical: JSON.stringify(webcrypto) === JSON.stringify(rust),
        smallCms,
      });
    }
    let parseError = null;
    try {
      parseCertificate(new Uint8Array([0x30, 0x82, 0x10]));
    } catch (e) {
      parseError = { name: e.name, code: e.code };
    }
    return Response.json({ results, parseError });
  },
};
