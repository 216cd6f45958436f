import { type AstNode, child, children } from "./template-ast.js";
import { ALLOWED_FILTERS, ALLOWED_TESTS } from "./template-filters.js";
import { FORBIDDEN_PROPERTIES } from "./template-values.js";

/**
 * "Templates are data, never code": the tags, expressions, filters and tests a prompt template may
 * use. Everything else — calling a value, reading `constructor` or `__proto__`, macros, regex
 * literals, Nunjucks' function globals — is a violation found here, once, when the template is
 * compiled, before anything in it is evaluated.
 */
export interface TemplateViolation {
  message: string;
  hint: string;
  /** 0-based, as the parser counts. */
  line0: number;
  col0: number;
}

/** Expressions that compute a value from values; checked child by child. */
const PLAIN_EXPRESSIONS = new Set([
  "Group",
  "Array",
  "Dict",
  "InlineIf",
  "Compare",
  "In",
  "Or",
  "And",
  "Not",
  "Add",
  "Concat",
  "Sub",
  "Mul",
  "Div",
  "FloorDiv",
  "Mod",
  "Pow",
  "Neg",
  "Pos",
]);
/** Globals that are functions in Nunjucks; only `range(…)` may be called, and none read. */
const FUNCTION_GLOBALS = new Set(["range", "cycler", "joiner", "caller", "super"]);
/** Tags the prompt format handles elsewhere: include is inlined, the rest are reported as unsupported. */
const OTHER_TAGS = new Set(["Include", "Extends", "Import", "FromImport"]);

const DATA_HINT =
  "templates only read their variables' data and use the allowed tags and filters: see `promptops validate`";

/**
 * `includes`: whether {% include %} (and the tags the loader reports as unsupported) are left to the
 * prompt loader, as in a prompt file; a compiled template, whose partials are inlined, has none.
 */
export function findViolations(root: AstNode, options: { includes: boolean }): TemplateViolation[] {
  const violations: TemplateViolation[] = [];
  const refuse = (node: AstNode, message: string, hint = DATA_HINT) =>
    violations.push({ message, hint, line0: node.lineno, col0: node.colno });

  const visit = (node: AstNode | undefined): void => {
    if (!node) return;
    switch (node.typename) {
      case "Root":
      case "NodeList":
      case "Output":
      case "Capture":
        visitAll(children(node), node.typename === "Capture" ? child(node, "body") : undefined);
        return;
      case "TemplateData":
        return;
      case "Literal":
        if (node.value instanceof RegExp)
          refuse(
            node,
            "regular expression literals (r/…/) are not allowed",
            "use the replace filter with plain text",
          );
        return;
      case "Symbol":
        if (FUNCTION_GLOBALS.has(String(node.value)))
          refuse(node, `"${String(node.value)}" is a function and cannot be read as a value`);
        return;
      case "LookupVal": {
        visit(child(node, "target"));
        const key = child(node, "val");
        if (key?.typename === "Literal" && FORBIDDEN_PROPERTIES.has(String(key.value)))
          refuse(key, `reading "${String(key.value)}" is not allowed: templates only read data`);
        else visit(key);
        return;
      }
      case "Pair": {
        const key = child(node, "key");
        if (key?.typename !== "Symbol" && !(key?.typename === "Literal" && typeof key.value === "string"))
          refuse(key ?? node, "dictionary keys must be names or quoted strings");
        visit(child(node, "value"));
        return;
      }
      case "CompareOperand":
        visit(child(node, "expr"));
        return;
      case "If":
      case "For":
        visitAll([child(node, "cond"), child(node, "arr"), child(node, "body"), child(node, "else_")]);
        return;
      case "Set":
        for (const target of (node.targets as AstNode[]) ?? []) {
          if (target.typename !== "Symbol") refuse(target, "{% set %} can only assign a plain name");
        }
        visitAll([child(node, "value"), child(node, "body")]);
        return;
      case "FunCall":
        checkCall(node);
        return;
      case "Filter":
        checkFilter(node);
        return;
      case "Is":
        checkTest(node);
        return;
      case "KeywordArgs":
        refuse(node, "keyword arguments are not supported", "pass filter arguments by position");
        return;
      default:
        if (PLAIN_EXPRESSIONS.has(node.typename)) {
          visitAll(expressionParts(node));
          return;
        }
        if (OTHER_TAGS.has(node.typename) && options.includes) {
          // The include's name is a literal the prompt loader checks; an expression is checked here.
          if (node.typename === "Include") visit(child(node, "template"));
          return;
        }
        refuse(node, `${describe(node)} is not allowed in prompt templates`, hintFor(node));
    }
  };
  const visitAll = (nodes: Array<AstNode | undefined>, extra?: AstNode) => {
    for (const n of nodes) visit(n);
    if (extra) visit(extra);
  };

  function checkCall(node: AstNode): void {
    const name = child(node, "name");
    if (name?.typename === "Symbol" && name.value === "range") {
      visitAll(children(child(node, "args")));
      return;
    }
    refuse(
      leftmost(node),
      "calling a function or method is not allowed: templates are data, never code",
      "use a filter instead, e.g. {{ name | upper }}; range(n) is the only function",
    );
  }

  function checkFilter(node: AstNode): void {
    const name = String(child(node, "name")?.value);
    if (!ALLOWED_FILTERS.has(name)) {
      refuse(
        node,
        `filter "${name}" is not allowed`,
        `allowed filters: ${[...ALLOWED_FILTERS].sort().join(", ")}`,
      );
    }
    visitAll(children(child(node, "args")));
  }

  function checkTest(node: AstNode): void {
    visit(child(node, "left"));
    const right = child(node, "right");
    const call = right?.typename === "FunCall";
    const name = String(call ? child(right, "name")?.value : right?.value);
    // `is none` parses as the literal null, which Nunjucks names "null".
    const named =
      right?.typename === "Symbol" || call || (right?.typename === "Literal" && right.value === null);
    if (!right || !named || !ALLOWED_TESTS.has(name)) {
      refuse(
        right ?? node,
        `test "${name}" is not allowed`,
        `allowed tests: ${[...ALLOWED_TESTS].sort().join(", ")}`,
      );
    }
    if (call) visitAll(children(child(right, "args")));
  }

  visit(root);
  return violations;
}

const EXPRESSION_FIELDS = ["cond", "body", "else_", "left", "right", "target", "expr", "ops"];

/** The operands of an expression node: a list's items, or its named fields. */
function expressionParts(node: AstNode): AstNode[] {
  const parts = [...children(node)];
  for (const field of EXPRESSION_FIELDS) {
    const value = node[field];
    if (Array.isArray(value)) parts.push(...(value as AstNode[]));
    else {
      const one = child(node, field);
      if (one) parts.push(one);
    }
  }
  return parts;
}

/** Where a call's expression starts (`range` in `range.constructor("…")()`): what a reader looks for. */
function leftmost(node: AstNode): AstNode {
  const inner =
    node.typename === "FunCall"
      ? child(node, "name")
      : node.typename === "LookupVal"
        ? child(node, "target")
        : undefined;
  return inner ? leftmost(inner) : node;
}

function describe(node: AstNode): string {
  const tags: Record<string, string> = {
    Include: "{% include %} (outside a prompt file)",
    Extends: "{% extends %}",
    Import: "{% import %}",
    FromImport: "{% from … import %}",
    Macro: "{% macro %}",
    Caller: "{% call %}",
    Block: "{% block %}",
    Super: "super()",
    Switch: "{% switch %}",
    CallExtension: "a tag extension",
    CallExtensionAsync: "a tag extension",
    FilterAsync: "an async filter",
    IfAsync: "{% ifAsync %}",
    AsyncEach: "{% asyncEach %}",
    AsyncAll: "{% asyncAll %}",
  };
  return tags[node.typename] ?? `"${node.typename}"`;
}

function hintFor(node: AstNode): string {
  if (node.typename === "Macro" || node.typename === "Caller")
    return 'share text with {% include "partials/name.njk" %} instead of macros';
  if (node.typename === "Switch") return "use {% if %} / {% elif %} / {% else %}";
  return DATA_HINT;
}
