// Node CommonJS consumer: `require` of both entries (require(esm): the entries have no
// top-level await under the "node" condition).
const { readFileSync } = require("node:fs");
const { verifyAssertion, sdkVersion } = require("jpki-verify");
const { verifyAssertionSync } = require("jpki-verify/sync");

const { input, options } = JSON.parse(readFileSync("fixture.json", "utf8"));
verifyAssertion(input, options).then((verdict) => {
  const verdictSync = verifyAssertionSync(input, options);
  console.log(`RESULT ${JSON.stringify({ sdkVersion: sdkVersion(), verdict, verdictSync })}`);
});
