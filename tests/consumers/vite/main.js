// Vite: the default entry as is; Vite follows new URL("…wasm", import.meta.url) and emits the wasm.
import * as jpki from "jpki-verify";
import { report } from "../browser/report.js";

report(jpki);
