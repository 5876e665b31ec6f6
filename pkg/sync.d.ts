// Types of the "jpki-verify/sync" entry: the default API plus the synchronous Rust provider.
export * from "./index.js";
export { verifyAssertionSync, verifySignatureSync, JpkiCard, VirtualCard } from "./dist/full/jpki_verify.js";
