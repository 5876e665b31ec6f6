// Browser / Deno entry: fetch and instantiate the wasm once (top-level await), relative to
// this module's URL, so bundlers and plain <script type="module"> both find it.
import init from "./dist/web/jpki_verify.js";

await init({ module_or_path: new URL("./dist/web/jpki_verify_bg.wasm", import.meta.url) });

export * from "./api.js";
