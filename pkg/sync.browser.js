// The "jpki-verify/sync" entry: the build that also contains the Rust (RustCrypto) provider,
// for verifyAssertionSync / verifySignatureSync. The default entry ships without it (smaller).
// Browser / Deno entry: fetch and instantiate the wasm once (top-level await), relative to
// this module's URL, so bundlers and plain <script type="module"> both find it.
import init from "./dist/full/jpki_verify.js";

await init({ module_or_path: new URL("./dist/full/jpki_verify_bg.wasm", import.meta.url) });

export * from "./sync-api.js";
