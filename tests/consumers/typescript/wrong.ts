// Must NOT type-check (scripts/test-consumers.mjs expects these errors): the declarations are
// strict enough to refuse a misspelt verdict field, a wrong purpose and a missing option.
import { verifyAssertion, type VerifyOptions } from "jpki-verify";

export async function wrong(jws: string): Promise<boolean> {
  const typo: VerifyOptions = { audience: "https://bank.example.jp", nonce: "n", purpose: "acount-opening" };
  const incomplete: VerifyOptions = { audience: "https://bank.example.jp", purpose: "login" };
  const verdict = await verifyAssertion(jws, typo);
  await verifyAssertion(jws, incomplete);
  return verdict.isValid;
}
