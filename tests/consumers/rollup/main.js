// Rollup (with @rollup/plugin-node-resolve) does not copy the wasm: the application ships
// "jpki-verify/wasm" as a static asset and hands load() the Response of fetching it.
import { load } from "jpki-verify/load";
import { report } from "../browser/report.js";

report(await load(fetch(new URL("./jpki_verify_bg.wasm", import.meta.url))));
