// Shared by the JS tests: the assertion fixture's time, nonce and audience, and `rejects`.
import assert from "node:assert/strict";

/** Unix seconds at which the fixture assertions are valid. */
export const T = 1780272000;
export const nonce = "_q4V4Mp8ENFXeEQBNFw47D5iwo03f7QXvt-8-gb8vos";
export const audience = "https://bank.example.jp";

/** Awaits `promise`, which must reject with a JpkiError whose code is `code`; returns it. */
export async function rejects(promise, code) {
  try {
    await promise;
  } catch (e) {
    assert.equal(e.name, "JpkiError", `${e.name}: ${e.message}`);
    assert.equal(e.code, code, `${e.code}: ${e.message}`);
    return e;
  }
  assert.fail(`expected ${code}`);
}
