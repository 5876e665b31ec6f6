// DOM helpers: $ (by id), el (an element builder), tx (a translated span).

import { t } from "./i18n.js";

export const $ = (id) => document.getElementById(id);

/** A small element builder: el("p", { class: "x", "data-i18n": "k" }, "text", child…). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export const tx = (key, args) => el("span", { "data-i18n": key, "data-i18n-args": args ? JSON.stringify(args) : undefined }, t(key, args));
