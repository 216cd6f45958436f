import type { AST } from "@handlebars/parser";
import type { JsonSchema } from "./picoschema.js";

/**
 * Handlebars looks names up in a context that `#each` and `#with` change; Nunjucks names every
 * value. A scope is one context: the Nunjucks expression that holds it and its schema when known.
 */
export interface Scope {
  /** Undefined for the root context (the prompt's variables). */
  expr: string | undefined;
  schema: JsonSchema | undefined;
  /** In an `#each`: the loop's key variable (objects) or undefined (arrays, whose @key is the index). */
  loop?: { key: string | undefined };
  /** `as |item index|`: block parameter names to their Nunjucks expressions. */
  blockParams?: Map<string, { expr: string; schema: JsonSchema | undefined }>;
}

export interface Resolved {
  expr: string;
  schema: JsonSchema | undefined;
  /** The prompt variable the expression starts from, when it reads one. */
  root?: string;
  /** A property its object's schema does not require: it may be absent. */
  optional?: boolean;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Looks a path up as Handlebars would, or says why it cannot be carried over. */
export function resolvePath(
  path: AST.PathExpression,
  scopes: Scope[],
  schemaOf: (name: string) => JsonSchema | undefined,
): Resolved | string {
  const parts = path.parts as string[];
  if (path.data) return resolveData(parts, scopes, schemaOf);
  if (!path.this && path.depth === 0 && parts.length > 0) {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const param = scopes[i]!.blockParams?.get(parts[0]!);
      if (param) return member(param.expr, param.schema, parts.slice(1));
    }
  }
  const scope = scopes[scopes.length - 1 - path.depth];
  if (!scope) return `"${path.original}" reaches above the prompt's variables`;
  if (scope.expr === undefined) {
    if (parts.length === 0) return `"${path.original}" (the whole input) has no equivalent`;
    const root = parts[0]!;
    if (!IDENTIFIER.test(root)) return `"${path.original}" is not a variable name promptops accepts`;
    return { ...member(root, schemaOf(root), parts.slice(1)), root };
  }
  return member(scope.expr, scope.schema, parts);
}

function resolveData(
  parts: string[],
  scopes: Scope[],
  schemaOf: (name: string) => JsonSchema | undefined,
): Resolved | string {
  const [head, ...rest] = parts;
  if (head === "root") {
    if (rest.length === 0) return `"@root" (the whole input) has no equivalent`;
    return { ...member(rest[0]!, schemaOf(rest[0]!), rest.slice(1)), root: rest[0]! };
  }
  const loop = [...scopes].reverse().find((s) => s.loop);
  if (!loop || rest.length > 0) return `"@${parts.join(".")}" has no equivalent here`;
  if (head === "index") return { expr: "loop.index0", schema: { type: "integer" } };
  if (head === "first") return { expr: "loop.first", schema: { type: "boolean" } };
  if (head === "last") return { expr: "loop.last", schema: { type: "boolean" } };
  if (head === "key") return { expr: loop.loop!.key ?? "loop.index0", schema: undefined };
  return `"@${head}" has no equivalent`;
}

function member(base: string, schema: JsonSchema | undefined, parts: string[]): Resolved {
  let expr = base;
  let current = schema;
  let optional = false;
  for (const part of parts) {
    const required = current?.required;
    optional ||= !(Array.isArray(required) && required.includes(part));
    expr += IDENTIFIER.test(part)
      ? `.${part}`
      : /^\d+$/.test(part)
        ? `[${part}]`
        : `[${JSON.stringify(part)}]`;
    current = propertySchema(current, part);
  }
  return optional ? { expr, schema: current, optional } : { expr, schema: current };
}

function propertySchema(schema: JsonSchema | undefined, name: string): JsonSchema | undefined {
  if (!schema) return undefined;
  if (/^\d+$/.test(name)) return itemsSchema(schema);
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  return properties?.[name];
}

export function itemsSchema(schema: JsonSchema | undefined): JsonSchema | undefined {
  const items = schema?.items;
  return typeof items === "object" && items !== null && !Array.isArray(items)
    ? (items as JsonSchema)
    : undefined;
}

export function hasType(schema: JsonSchema | undefined, type: string): boolean {
  const t = schema?.type;
  return t === type || (Array.isArray(t) && t.includes(type));
}

/** A loop variable name not taken by a variable or an enclosing loop: `items` → `item`. */
export function loopVariable(listExpr: string, taken: (name: string) => boolean): string {
  const last =
    listExpr
      .split(/[.[\]"]+/)
      .filter(Boolean)
      .at(-1) ?? "";
  const singular = /^[A-Za-z_]\w*s$/.test(last) && last.length > 2 ? last.slice(0, -1) : "item";
  let name = singular;
  for (let n = 2; taken(name); n++) name = `${singular}${n}`;
  return name;
}

/** Handlebars prints null and a missing value as nothing; promptops refuses to print either. */
export function mayBeEmpty(value: Resolved): boolean {
  const schema = value.schema;
  return Boolean(
    value.optional || hasType(schema, "null") || (Array.isArray(schema?.enum) && schema.enum.includes(null)),
  );
}
