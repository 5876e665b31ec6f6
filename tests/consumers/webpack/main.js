// webpack 5: the default entry as is; webpack's asset modules follow new URL("…wasm", import.meta.url).
import * as jpki from "jpki-verify";
import { report } from "../browser/report.js";

report(jpki);
