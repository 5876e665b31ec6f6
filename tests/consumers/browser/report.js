// What every browser bundle runs: verify the fixture served next to the page and publish the
// verdict (window.__result, read by scripts/test-consumers.mjs) and show it on the page.
export async function report(jpki) {
  try {
    const { input, options } = await (await fetch("/fixture.json")).json();
    const verdict = await jpki.verifyAssertion(input, options);
    window.__result = JSON.stringify({ sdkVersion: jpki.sdkVersion(), verdict });
    document.body.textContent = `valid: ${verdict.valid}`;
  } catch (e) {
    window.__result = JSON.stringify({ error: `${e?.name}: ${e?.message}` });
  }
}
