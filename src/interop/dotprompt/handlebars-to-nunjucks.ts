import type { AST } from "@handlebars/parser";
import {
  hasType,
  itemsSchema,
  loopVariable,
  mayBeEmpty,
  type Resolved,
  resolvePath,
  type Scope,
} from "./handlebars-scope.js";
import type { JsonSchema } from "./picoschema.js";

/** Something in the template with no equivalent, at its Handlebars position (line 1-based, column 0-based). */
export interface TemplateNote {
  at: AST.Position;
  kind: "dropped" | "review";
  message: string;
}

/** A template whose message structure cannot be carried over; the prompt is not imported. */
export class TemplateRefused extends Error {
  constructor(
    message: string,
    readonly at: AST.Position,
  ) {
    super(message);
  }
}

/** How the template uses each prompt variable: what an undeclared one is inferred as. */
export type VariableUse = "value" | "list" | "map";

export interface NunjucksContext {
  schemaOf: (name: string) => JsonSchema | undefined;
  notes: TemplateNote[];
  uses: Map<string, VariableUse>;
}

/**
 * Handlebars statements to Nunjucks text with the same output, as dotprompt renders them: with
 * noEscape (js/src/dotprompt.ts compiles with `noEscape: true`), so `{{x}}` and `{{{x}}}` both
 * print the value as is. Whitespace is already what Handlebars leaves (the parser applies `~` and
 * standalone-line rules to the text), so tags are written tight against it, adding none.
 */
export function statementsToNunjucks(
  statements: AST.Statement[],
  scopes: Scope[],
  ctx: NunjucksContext,
): string {
  return statements.map((statement) => statementToNunjucks(statement, scopes, ctx)).join("");
}

function statementToNunjucks(statement: AST.Statement, scopes: Scope[], ctx: NunjucksContext): string {
  switch (statement.type) {
    case "ContentStatement":
      return literalText((statement as AST.ContentStatement).value);
    case "CommentStatement": {
      // An empty comment says nothing: export writes {{!}} to keep a tag off a line of its own.
      const text = (statement as AST.CommentStatement).value;
      return text.trim() === "" ? "" : `{#${text.replace(/#}/g, "# }")}#}`;
    }
    case "MustacheStatement":
      return mustache(statement as AST.MustacheStatement, scopes, ctx);
    case "BlockStatement":
      return block(statement as AST.BlockStatement, scopes, ctx);
    case "PartialStatement": {
      const name = (statement as AST.PartialStatement).name;
      const label = name.type === "PathExpression" ? (name as AST.PathExpression).original : "(dynamic)";
      return drop(
        statement,
        `the partial {{> ${label}}} (dotprompt resolves partials in the application)`,
        ctx,
      );
    }
    default:
      return drop(statement, `a Handlebars ${statement.type}`, ctx);
  }
}

/** Text that holds Nunjucks delimiters stays text. */
export function literalText(text: string): string {
  if (!/[{][{%#]/.test(text)) return text;
  return text
    .split(/({%-?\s*(?:end)?raw\s*-?%})/)
    .map((piece, i) =>
      i % 2 === 1 ? `{{ ${JSON.stringify(piece)} }}` : piece ? `{% raw %}${piece}{% endraw %}` : "",
    )
    .join("");
}

function drop(node: AST.Node, what: string, ctx: NunjucksContext): string {
  ctx.notes.push({ at: node.loc.start, kind: "dropped", message: `not carried over: ${what}` });
  return "";
}

function mustache(node: AST.MustacheStatement, scopes: Scope[], ctx: NunjucksContext): string {
  if (node.path.type !== "PathExpression") return drop(node, "a mustache that is not a name", ctx);
  const path = node.path as AST.PathExpression;
  const name = path.original;
  const hashed = (node.hash?.pairs.length ?? 0) > 0;
  if (name === "json" && node.params.length === 1) {
    const value = expression(node.params[0]!, scopes, ctx, "value");
    if (value === undefined) return "";
    const indent = node.hash?.pairs.find((p: AST.HashPair) => p.key === "indent");
    if (indent && indent.value.type !== "NumberLiteral")
      return drop(node, "a {{json}} indent that is not a number", ctx);
    const spaces = indent ? (indent.value as AST.NumberLiteral).value : 0;
    return `{{ ${value.expr} | dump${spaces ? `(${spaces})` : ""} }}`;
  }
  if ((name === "role" || name === "history") && !path.data && path.depth === 0)
    throw new TemplateRefused(
      `{{${name}}} inside a block (promptops messages are not conditional)`,
      node.loc.start,
    );
  if ((name === "media" || name === "section") && !path.data && path.depth === 0)
    return drop(node, `{{${name}}} inside a block (promptops parts are not conditional)`, ctx);
  if (node.params.length > 0 || hashed)
    return drop(node, `the helper "${name}" (no promptops equivalent)`, ctx);
  const value = expression(path, scopes, ctx, "value");
  if (value === undefined) return "";
  return mayBeEmpty(value) ? `{{ ${value.expr} if ${value.expr} != none else "" }}` : `{{ ${value.expr} }}`;
}

function expression(
  node: AST.Expression,
  scopes: Scope[],
  ctx: NunjucksContext,
  use: VariableUse,
): Resolved | undefined {
  switch (node.type) {
    case "PathExpression": {
      const resolved = resolvePath(node as AST.PathExpression, scopes, ctx.schemaOf);
      if (typeof resolved === "string") {
        drop(node, resolved, ctx);
        return undefined;
      }
      if (resolved.root) {
        const known = ctx.uses.get(resolved.root);
        const nested = resolved.expr !== resolved.root;
        const kind: VariableUse = nested ? "map" : use;
        if (!known || known === "value") ctx.uses.set(resolved.root, kind);
      }
      return resolved;
    }
    case "StringLiteral":
      return { expr: JSON.stringify((node as AST.StringLiteral).value), schema: { type: "string" } };
    case "NumberLiteral":
      return { expr: String((node as AST.NumberLiteral).value), schema: { type: "number" } };
    case "BooleanLiteral":
      return { expr: String((node as AST.BooleanLiteral).value), schema: { type: "boolean" } };
    case "NullLiteral":
    case "UndefinedLiteral":
      return { expr: "none", schema: { type: "null" } };
    default:
      drop(node, "a subexpression (a helper call inside a tag)", ctx);
      return undefined;
  }
}

/** Handlebars' `#if` treats an empty list as false; Nunjucks does not, so a list is tested by its length. */
function condition(value: Resolved): string {
  return hasType(value.schema, "array") ? `${value.expr} | length` : value.expr;
}

function block(node: AST.BlockStatement, scopes: Scope[], ctx: NunjucksContext): string {
  const name = node.path.original;
  const inner = (program: AST.Program | undefined, within: Scope[]) =>
    program ? statementsToNunjucks(program.body, within, ctx) : "";
  const otherwise = (within: Scope[]) => (node.inverse ? `{% else %}${inner(node.inverse, within)}` : "");
  if ((node.hash?.pairs.length ?? 0) > 0) return drop(node, `{{#${name}}} with options`, ctx);
  if ((name === "if" || name === "unless" || name === "with" || name === "each") && node.params.length !== 1)
    return drop(node, `{{#${name}}} with ${node.params.length} arguments`, ctx);
  if (name === "if" || name === "unless") {
    const value = expression(node.params[0]!, scopes, ctx, "value");
    if (!value) return "";
    const test = name === "if" ? condition(value) : `not (${condition(value)})`;
    return `{% if ${test} %}${inner(node.program, scopes)}${otherwise(scopes)}{% endif %}`;
  }
  if ((name === "ifEquals" || name === "unlessEquals") && node.params.length === 2) {
    const [a, b] = node.params.map((p: AST.Expression) => expression(p, scopes, ctx, "value"));
    if (!a || !b) return "";
    const op = name === "ifEquals" ? "===" : "!==";
    return `{% if ${a.expr} ${op} ${b.expr} %}${inner(node.program, scopes)}${otherwise(scopes)}{% endif %}`;
  }
  if (name === "with") {
    const value = expression(node.params[0]!, scopes, ctx, "map");
    if (!value) return "";
    const params = node.program.blockParams ?? [];
    const scope: Scope = { expr: value.expr, schema: value.schema };
    if (params[0]) scope.blockParams = new Map([[params[0], { expr: value.expr, schema: value.schema }]]);
    return `{% if ${condition(value)} %}${inner(node.program, [...scopes, scope])}${otherwise(scopes)}{% endif %}`;
  }
  if (name === "each") return eachBlock(node, scopes, ctx, inner, otherwise);
  return drop(node, `the block helper {{#${name}}} (no promptops equivalent)`, ctx);
}

function eachBlock(
  node: AST.BlockStatement,
  scopes: Scope[],
  ctx: NunjucksContext,
  inner: (program: AST.Program | undefined, within: Scope[]) => string,
  otherwise: (within: Scope[]) => string,
): string {
  const isMap = (value: Resolved) => hasType(value.schema, "object") && !hasType(value.schema, "array");
  const list = expression(node.params[0]!, scopes, ctx, "list");
  if (!list) return "";
  if (isMap(list) && list.root && ctx.uses.get(list.root) === "list" && list.expr === list.root)
    ctx.uses.set(list.root, "map");
  const taken = (name: string) =>
    ctx.schemaOf(name) !== undefined ||
    ctx.uses.has(name) ||
    scopes.some((s) => s.expr === name || s.loop?.key === name || s.blockParams?.has(name));
  const params = node.program.blockParams ?? [];
  const item = params[0] ?? loopVariable(list.expr, taken);
  const itemSchema = isMap(list)
    ? (list.schema?.additionalProperties as JsonSchema | undefined)
    : itemsSchema(list.schema);
  const key = isMap(list) ? (params[1] ?? loopVariable("keys", (n) => n === item || taken(n))) : undefined;
  const scope: Scope = {
    expr: item,
    schema: typeof itemSchema === "object" ? itemSchema : undefined,
    loop: { key },
  };
  if (params.length > 0) {
    scope.blockParams = new Map([[item, { expr: item, schema: scope.schema }]]);
    if (params[1]) scope.blockParams.set(params[1], { expr: key ?? "loop.index0", schema: undefined });
  }
  const head = key ? `${key}, ${item}` : item;
  return `{% for ${head} in ${list.expr} %}${inner(node.program, [...scopes, scope])}${otherwise(scopes)}{% endfor %}`;
}
