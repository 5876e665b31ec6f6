// Types of the "jpki-verify/sync" entry: the default API plus the synchronous Rust provider.
export * from "./index.js";
export { verifySignatureSync, JpkiCard, VirtualCard, CrlIndex, PasoriReader, ReaderSimulator } from "./dist/full/jpki_verify.js";
export type { UsbDeviceLike, PollOptions } from "./dist/full/jpki_verify.js";
import type { UsbDeviceLike, ReaderSimulator } from "./dist/full/jpki_verify.js";

/** USB ids `findPasori` asks for: RC-S380/S, RC-S380/P, RC-S300/S, RC-S300/P (Sony 054C). */
export const PASORI_FILTERS: ReadonlyArray<{ vendorId: number; productId: number }>;

/** The subset of `navigator.usb` `findPasori` needs. */
export interface UsbLike {
  getDevices(): Promise<UsbDeviceLike[]>;
  requestDevice(options: { filters: Array<{ vendorId: number; productId: number }> }): Promise<UsbDeviceLike>;
}

/** The PaSoRi to use: a pre-granted one from `getDevices()` (kiosk policy), else — with
 * `request` (default true; needs a user gesture) — the browser's chooser. Rejects with
 * `JPKI_READER_NOT_FOUND` / `JPKI_READER_BUSY`. */
export function findPasori(options?: { usb?: UsbLike; request?: boolean }): Promise<UsbDeviceLike>;

/** A scripted USBDevice (RC-S380/P; RC-S300/P for a `model: "rcs300"` simulator) over a `ReaderSimulator`, for tests and demos. */
export function simulatedPasori(
  simulator: ReaderSimulator,
  options?: { productId?: number; claimError?: string },
): UsbDeviceLike & { unplug(): void };

/** A `navigator.usb` stand-in with one pre-granted simulated PaSoRi. */
export function simulatedUsb(
  simulator: ReaderSimulator,
  options?: { productId?: number; claimError?: string },
): UsbLike & {
  simulator: ReaderSimulator;
  addEventListener(type: "connect" | "disconnect", listener: (event: { type: string; device: UsbDeviceLike }) => void): void;
  removeEventListener(type: "connect" | "disconnect", listener: (event: { type: string; device: UsbDeviceLike }) => void): void;
  unplug(): void;
  replug(): void;
};
import type { Verdict, VerifyOptions } from "./dist/full/jpki_verify.js";
import type { CrlIndex } from "./dist/full/jpki_verify.js";

/** Which certificate an operator's answer is about: its SHA-256, or its issuer DN and serial. */
export type OperatorAnswerAbout =
  | { certificateSha256: string; issuer?: never; serialNumber?: never }
  | { issuer: string; serialNumber: string; certificateSha256?: never };

/** A platform operator's answer, trusted as the caller configured it (must be fresh: 15 min)
 *  and refused for any certificate but the one it names. */
export type OperatorAnswer = OperatorAnswerAbout & {
  status: "good" | "revoked" | "unknown";
  /** RFC 5280 name, e.g. "affiliationChanged" (the 4 basic information changed). */
  reason?: string;
  source: string;
  /** Unix seconds. */
  producedAt: number;
};

/** Revocation evidence for one verification (the verdict's `revocation` slot is filled from it). */
export interface RevocationInput {
  /** Verified CRL indexes (`CrlIndex.build`, `CrlIndex.fromBytes`); the one covering the signer's CA answers. */
  crls?: CrlIndex[];
  /** An OCSP response about the signer (from `fetchOcsp`) and the nonce its request carried. */
  ocsp?: { response: Uint8Array; nonce?: Uint8Array };
  external?: OperatorAnswer;
}

export type VerifyOptionsWithRevocation = VerifyOptions & { revocation?: RevocationInput };

/** WebCrypto verification with revocation evidence. */
export function verifyAssertion(
  assertion: string | Uint8Array | ArrayBuffer,
  options: VerifyOptionsWithRevocation,
): Promise<Verdict>;
/** The same with the Rust provider, synchronously. */
export function verifyAssertionSync(assertion: string | Uint8Array | ArrayBuffer, options: VerifyOptionsWithRevocation): Verdict;
/**
 * Asks an OCSP responder about the signer of `assertion` (read without verification): POSTs the
 * request with `fetch` and returns `{ response, nonce }` for `options.revocation.ocsp`.
 */
export function fetchOcsp(
  assertion: string | Uint8Array | ArrayBuffer,
  options: { url: string; fetch?: typeof fetch; trust?: "jlis" | "test" },
): Promise<{ response: Uint8Array; nonce: Uint8Array }>;
