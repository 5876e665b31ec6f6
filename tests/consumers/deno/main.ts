// Deno consumer: the installed package through `npm:` specifiers (deno.json: nodeModulesDir
// "manual", so Deno uses this project's node_modules and never the registry). Type-checked
// by `deno run --check` against the package's declarations.
import { verifyAssertion, sdkVersion, type Verdict, type VerifyOptions } from "npm:jpki-verify";
import { verifyAssertionSync } from "npm:jpki-verify/sync";

const { input, options }: { input: string; options: VerifyOptions } = JSON.parse(await Deno.readTextFile("fixture.json"));
const verdict: Verdict = await verifyAssertion(input, options);
const verdictSync: Verdict = verifyAssertionSync(input, options);
console.log(`RESULT ${JSON.stringify({ sdkVersion: sdkVersion(), verdict, verdictSync })}`);
