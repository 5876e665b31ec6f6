// esbuild does not follow new URL("…wasm", import.meta.url): the wasm is handed over
// explicitly, as bytes from esbuild's binary loader (--loader:.wasm=binary).
import { load } from "jpki-verify/load";
import wasm from "jpki-verify/wasm";
import { report } from "../browser/report.js";

report(await load(wasm));
