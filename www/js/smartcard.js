// A JpkiCard transport over the Web Smart Card API (navigator.smartCard): PC/SC readers from
// isolated web apps and managed kiosks (Chrome on ChromeOS today). `transmit(apdu)` resolves
// with the response APDU (data + SW1 SW2) as a Uint8Array, which is all JpkiCard needs.
//
// The API is exposed only in isolated contexts with the "smart-card" permissions policy; on an
// ordinary web page navigator.smartCard is absent and the page offers the virtual card only.

/** True when this browser exposes the Web Smart Card API to this page. */
export function smartCardAvailable() {
  return typeof navigator !== "undefined" && navigator.smartCard != null;
}

function cardIoError(message, cause) {
  const e = new Error(message);
  e.name = "JpkiError";
  e.code = "JPKI_CARD_IO";
  if (cause !== undefined) e.cause = cause;
  return e;
}

async function establishContext() {
  if (!smartCardAvailable()) throw cardIoError("Web Smart Card API not available");
  const manager = navigator.smartCard;
  try {
    // The specification's name is establishContext(); accept getContext() from early builds.
    if (typeof manager.establishContext === "function") return await manager.establishContext();
    if (typeof manager.getContext === "function") return await manager.getContext();
  } catch (e) {
    throw cardIoError(`smart card context: ${e?.name ?? "Error"}`, e);
  }
  throw cardIoError("navigator.smartCard has no establishContext()");
}

/** The names of the connected readers (no permission prompt). */
export async function listSmartCardReaders() {
  const context = await establishContext();
  try {
    return await context.listReaders();
  } catch (e) {
    // "no-readers-available" style answers mean an empty list, not a failure.
    if (e?.responseCode === "no-readers-available") return [];
    throw cardIoError(`listReaders: ${e?.responseCode ?? e?.name ?? "Error"}`, e);
  }
}

export class SmartCardTransport {
  #context;
  #connection;

  constructor(context, connection, readerName, activeProtocol) {
    this.#context = context;
    this.#connection = connection;
    this.readerName = readerName;
    this.activeProtocol = activeProtocol;
  }

  /**
   * Connects (exclusive, T=1 preferred) to `readerName`, or to the first reader. The browser
   * asks the person for permission here on first use. Exclusive, not shared (review-security
   * L10): no other PC/SC client may slip a command in between reading the tries and VERIFY, or
   * select another application under the My Number guard, whose model is that only its own
   * commands change the card's state. The native path holds a PC/SC transaction instead.
   */
  static async open(readerName) {
    const context = await establishContext();
    let readers;
    try {
      readers = await context.listReaders();
    } catch (e) {
      throw cardIoError(`listReaders: ${e?.responseCode ?? e?.name ?? "Error"}`, e);
    }
    const name = readerName && readers.includes(readerName) ? readerName : readers[0];
    if (!name) throw cardIoError("no smart card reader is connected");
    let result;
    try {
      result = await context.connect(name, "exclusive", { preferredProtocols: ["t1", "t0"] });
    } catch (e) {
      throw cardIoError(`connect: ${e?.responseCode ?? e?.name ?? "Error"}`, e);
    }
    // The specification resolves with { connection, activeProtocol }.
    const connection = result?.connection ?? result;
    return new SmartCardTransport(context, connection, name, result?.activeProtocol ?? null);
  }

  /** Sends one command APDU; resolves with the response APDU. */
  async transmit(apdu) {
    if (!this.#connection) throw cardIoError("the reader connection is closed");
    const response = await this.#connection.transmit(apdu);
    return new Uint8Array(response);
  }

  /** Disconnects and resets the card, so no verified PIN outlives this flow. */
  async close() {
    const connection = this.#connection;
    this.#connection = null;
    this.#context = null;
    if (!connection) return;
    try {
      await connection.disconnect("reset");
    } catch {
      // Already gone (card removed, reader unplugged): nothing left to release.
    }
  }
}
