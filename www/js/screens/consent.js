// Screen: consent to reading the certificate.

import { $, el, tx } from "../dom.js";
import { setStatus } from "../status.js";
import { kioskMode, kioskReader } from "./place-card.js";
import { showReaderStep } from "./reader.js";

export function onConsent(ev) {
  ev.preventDefault();
  if (!$("consent-check").checked) {
    $("consent-error").replaceChildren(el("p", { class: "error-text" }, tx("consent.required")));
    $("consent-check").focus();
    return;
  }
  $("consent-error").replaceChildren();
  setStatus(null);
  if (kioskMode()) {
    kioskReader();
    return;
  }
  showReaderStep();
}
