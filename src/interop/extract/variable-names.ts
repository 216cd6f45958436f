import type * as TS from "@typescript/typescript6";
import type { TypeScriptApi } from "./load-typescript.js";

// Words a Nunjucks expression reads as its own (literals, operators, loop state): never a variable name.
const RESERVED = new Set([
  "true",
  "false",
  "none",
  "null",
  "and",
  "or",
  "not",
  "in",
  "is",
  "if",
  "else",
  "loop",
  "range",
]);

/**
 * A readable variable name for an interpolated expression: the identifiers and property names it
 * reads, in order, in camelCase — `userMessage`, `customer.name` → `customerName`, `text.trim()` →
 * `textTrim`, `ticket.tier ?? "standard"` → `ticketTier`. `this.` is left out.
 */
export function variableNameFor(ts: TypeScriptApi, expr: TS.Expression): string {
  const words: string[] = [];
  const pending: TS.Node[] = [expr];
  while (pending.length > 0 && words.length < 4) {
    const node = pending.shift()!;
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) words.push(node.text.replace(/^#/, ""));
    else if (ts.isPropertyAccessExpression(node)) {
      pending.unshift(node.expression, node.name);
    } else if (!ts.isStringLiteralLike(node) && !ts.isNumericLiteral(node)) {
      const children: TS.Node[] = [];
      ts.forEachChild(node, (child) => {
        children.push(child);
      });
      pending.unshift(...children);
    }
  }
  const name = words
    .map((word) => word.replace(/[^A-Za-z0-9_]/g, ""))
    .filter((word) => word !== "")
    .map((word, index) =>
      index > 0
        ? word.charAt(0).toUpperCase() + word.slice(1)
        : // `JSON.stringify(x)` → jsonStringifyX, `URLPath` → urlPath: a leading capital run is one word.
          word.replace(/^[A-Z]+(?=[A-Z][a-z]|$)|^[A-Z]/, (head) => head.toLowerCase()),
    )
    .join("");
  if (name === "" || /^[0-9]/.test(name)) return "value";
  return RESERVED.has(name) ? `${name}Value` : name;
}

/** `name`, or `name2`, `name3`… when another expression already took it. */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}${n}`)) n++;
  return `${base}${n}`;
}
