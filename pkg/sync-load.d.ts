// "jpki-verify/sync/load": the "jpki-verify/sync" API behind an explicit wasm initialisation.
export type * from "./sync.js";
export type { WasmSource } from "./load.js";
import type { WasmSource } from "./load.js";

/** Instantiates the full build once and resolves to the API of the "jpki-verify/sync" entry. */
export function load(source: WasmSource): Promise<typeof import("./sync.js")>;
