// Node ESM consumer: both entries by their bare specifiers, as an application imports them.
import { readFileSync } from "node:fs";
import { verifyAssertion, sdkVersion } from "jpki-verify";
import { verifyAssertionSync } from "jpki-verify/sync";

const { input, options } = JSON.parse(readFileSync("fixture.json", "utf8"));
const verdict = await verifyAssertion(input, options);
const verdictSync = verifyAssertionSync(input, options);
console.log(`RESULT ${JSON.stringify({ sdkVersion: sdkVersion(), verdict, verdictSync })}`);
