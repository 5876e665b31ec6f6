// Bun consumer: both entries by their bare specifiers.
import { verifyAssertion, sdkVersion } from "jpki-verify";
import { verifyAssertionSync } from "jpki-verify/sync";

const { input, options } = await Bun.file("fixture.json").json();
const verdict = await verifyAssertion(input, options);
const verdictSync = verifyAssertionSync(input, options);
console.log(`RESULT ${JSON.stringify({ sdkVersion: sdkVersion(), verdict, verdictSync })}`);
