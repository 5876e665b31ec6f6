// The flow's state, its views and their steps, and the SDK (loaded in the background).

import { readerKind } from "./screens/reader.js";

// The SDK (wasm) loads in the background, so the page renders at once.
export const sdkPromise = import("/pkg/sync.browser.js");

export const ASSERTION_LIFETIME_SECONDS = 300;

export const FLOWS = {
  open: {
    purpose: "account-opening",
    pin: "sign",
    steps: ["step-consent", "step-reader", "step-pin", "step-review", "step-result"],
  },
  audit: {
    purpose: "login",
    pin: "auth",
    steps: ["step-audit", "step-reader", "step-pin", "step-trail"],
  },
  login: {
    purpose: "login",
    pin: "auth",
    steps: ["step-login", "step-reader", "step-pin", "step-session"],
  },
  // Consent to checks of the latest 4 basic information, signed with the signature key.
  lbi: {
    purpose: "sign",
    pin: "sign",
    steps: ["step-lbi", "step-reader", "step-pin", "step-lbi-done"],
  },
  // Its withdrawal, by a login with the authentication key.
  withdraw: {
    purpose: "login",
    pin: "auth",
    steps: ["step-withdraw", "step-reader", "step-pin", "step-withdraw-done"],
  },
};

export const STEP_LABELS = {
  "step-consent": () => "progress.consent",
  "step-reader": () => "progress.reader",
  "step-pin": (flow) => `progress.pin.${FLOWS[flow].pin}`,
  "step-review": () => "progress.review",
  "step-result": () => "progress.result",
  "step-audit": () => "progress.auditIntro",
  "step-trail": () => "progress.trail",
  "step-login": () => "progress.auditIntro",
  "step-session": () => "progress.session",
  "step-lbi": () => "progress.consent",
  "step-lbi-done": () => "progress.result",
  "step-withdraw": () => "progress.auditIntro",
  "step-withdraw-done": () => "progress.result",
};

export const state = {
  config: null,
  view: "open",
  step: null,
  busy: false,
  virtualCards: new Map(), // persona → VirtualCard, for the page's lifetime
  card: null, // the JpkiCard of the current flow
  transport: null, // SmartCardTransport when a real reader is used
  pasori: null, // PasoriReader (WebUSB), kept open for the page's lifetime
  pasoriDevice: null, // its USBDevice
  removal: null, // { token, promise } of the "take your card" watch
  handoff: null, // on the phone: { id, nonce, code } claimed from the first screen
  handoffWatch: null, // on the first screen: { id, nonce, timer }
  readerKind: "virtual",
  tries: null, // number | "verified" | null
  status: null, // i18n key of the status line
  errors: new Map(), // container id → { code, triesLeft, details }
  pending: null, // the signed assertion awaiting "Send"
  result: null, // the server's answer to /v1/assertions
  trail: null, // the server's answer to /v1/audit
  session: null, // the bank's login session (POST /v1/sessions), its token in memory only
  consentText: null, // GET /v1/consents/text: { version, text, sha256 }
  consent: null, // the server's answer to POST /v1/consents
  withdrawal: null, // the server's answer to POST /v1/consents/withdrawal
};
