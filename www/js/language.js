// The language toggle and re-rendering in the other language.

import { $ } from "./dom.js";
import { getLang } from "./i18n.js";
import { renderResult, renderReview } from "./screens/account-opening.js";
import { renderTrail } from "./screens/audit.js";
import { renderConsentDone, renderWithdrawalDone } from "./screens/latest-information.js";
import { renderSession } from "./screens/session.js";
import { state } from "./state.js";
import { renderError, setStatus } from "./status.js";
import { renderProgress } from "./views.js";

export function renderLangToggle() {
  const b = $("lang-toggle");
  const other = getLang() === "ja" ? "en" : "ja";
  b.textContent = other === "en" ? "English" : "日本語";
  b.setAttribute("lang", other);
}

export function rerender() {
  renderLangToggle();
  renderProgress();
  if (state.status) setStatus(state.status);
  for (const id of state.errors.keys()) renderError(id);
  renderReview();
  renderResult();
  renderTrail();
  renderSession();
  renderConsentDone();
  renderWithdrawalDone();
}
