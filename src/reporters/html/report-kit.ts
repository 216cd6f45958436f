/// <reference lib="dom" />
import type { Kit, Make } from "./report-app.js";

// The HTML report's DOM helpers, for every part of its page script. Inlined into the page like
// report-app.ts: it uses nothing but the DOM. Text goes in as textContent or text nodes only.

export function createKit(): Kit {
  const make: Make = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children)
      if (child !== null && child !== undefined && child !== false) node.append(child);
    return node;
  };
  return {
    make,
    table(headings, className = "") {
      const body = make("tbody");
      const head = make(
        "thead",
        {},
        make("tr", {}, ...headings.map((h) => make("th", { scope: "col", text: h }))),
      );
      return { table: make("table", className ? { class: className } : {}, head, body), body };
    },
  };
}
