import type { AstNode } from "../../prompt/template-ast.js";
import { children } from "../../prompt/template-ast.js";
import { hasType, itemsSchema } from "./handlebars-scope.js";
import type { JsonSchema } from "./picoschema.js";

/** A template construct Handlebars cannot express; the export is refused at its place (0-based). */
export class Unexpressible extends Error {
  constructor(
    message: string,
    readonly line0: number,
    readonly col0: number,
  ) {
    super(message);
  }
}

/** Text, or a Handlebars tag; `block` tags are the ones Handlebars may treat as a standalone line. */
export type HandlebarsToken = { text: string } | { tag: string; block: boolean };

interface Loop {
  item: string;
  key: string | undefined;
  schema: JsonSchema | undefined;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A Nunjucks template (its AST) as Handlebars tokens with the same output under dotprompt.
 * Loops name their item with block parameters (`{{#each items as |item|}}`), so names keep their
 * meaning inside them; prompt variables read inside a loop are written `@root.name`.
 */
export function nunjucksToHandlebars(
  source: string,
  root: AstNode,
  schemaOf: (name: string) => JsonSchema | undefined,
): { tokens: HandlebarsToken[]; lostComments: number } {
  const tokens: HandlebarsToken[] = [];
  // Nunjucks' parser drops comments. Those next to a run of text are found again in the source
  // between the runs (or before the first, after the last) and kept as Handlebars comments.
  const lineStarts = [0];
  for (let i = source.indexOf("\n"); i !== -1; i = source.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  let textEnd = 0;
  let kept = 0;
  const commentsIn = (from: number, to: number) => {
    for (const match of source.slice(from, to).matchAll(/\{#-?([\s\S]*?)-?#\}/g)) {
      const text = match[1]!;
      if (text.includes("--}}") || text.trim() === "") continue;
      tokens.push({ tag: `{{!--${text}--}}`, block: true });
      kept++;
    }
  };
  const loops: Loop[] = [];
  const refuse = (node: AstNode, what: string): never => {
    throw new Unexpressible(what, node.lineno, node.colno);
  };

  const path = (node: AstNode): { path: string; schema: JsonSchema | undefined } => {
    if (node.typename === "Symbol") {
      const name = node.value as string;
      const loop = [...loops].reverse().find((l) => l.item === name || l.key === name);
      if (loop) return { path: name, schema: loop.item === name ? loop.schema : undefined };
      if (name === "loop") refuse(node, "loop on its own");
      if (!IDENTIFIER.test(name)) refuse(node, `the name "${name}"`);
      return { path: loops.length > 0 ? `@root.${name}` : name, schema: schemaOf(name) };
    }
    if (node.typename === "LookupVal") {
      const target = node.target as AstNode;
      const key = (node.val as AstNode).typename === "Literal" ? (node.val as AstNode).value : undefined;
      if (target.typename === "Symbol" && target.value === "loop" && !loops.some((l) => l.item === "loop")) {
        const data = { index0: "@index", first: "@first", last: "@last" }[String(key)];
        if (!data || loops.length === 0)
          refuse(node, `loop.${String(key)} (Handlebars has @index, counted from 0, @first and @last)`);
        return { path: data!, schema: undefined };
      }
      const base = path(target);
      if (typeof key === "number" && Number.isInteger(key) && key >= 0)
        return { path: `${base.path}.[${key}]`, schema: itemsSchema(base.schema) };
      if (typeof key === "string" && IDENTIFIER.test(key))
        return {
          path: `${base.path}.${key}`,
          schema: (base.schema?.properties as Record<string, JsonSchema> | undefined)?.[key],
        };
      return refuse(node, "a computed lookup (x[y])");
    }
    return refuse(node, `a ${node.typename} expression`);
  };

  const operand = (node: AstNode): string => {
    if (node.typename === "Literal") {
      const value = node.value;
      if (typeof value === "string" && !/["\\]/.test(value)) return JSON.stringify(value);
      if (typeof value === "number" || typeof value === "boolean") return String(value);
      if (value === null) return "null";
      return refuse(node, "a string with quotes or backslashes in a comparison");
    }
    return path(node).path;
  };

  /** An #if/#unless test: Handlebars treats [] as false, Nunjucks as true, so lists are tested by length. */
  const condition = (node: AstNode): { helper: string; args: string } => {
    if (node.typename === "Group" && children(node).length === 1) return condition(children(node)[0]!);
    if (node.typename === "Not") {
      const inner = condition(node.target as AstNode);
      if (inner.helper !== "if") refuse(node, "not applied to a comparison");
      return { helper: "unless", args: inner.args };
    }
    if (node.typename === "Compare") {
      const ops = node.ops as AstNode[];
      const type = ops[0]?.type;
      if (ops.length !== 1 || (type !== "===" && type !== "!=="))
        refuse(node, "a comparison other than === or !== (dotprompt has ifEquals and unlessEquals)");
      const helper = type === "===" ? "ifEquals" : "unlessEquals";
      return { helper, args: `${operand(node.expr as AstNode)} ${operand(ops[0]!.expr as AstNode)}` };
    }
    if (node.typename === "Filter" && (node.name as AstNode).value === "length") {
      const args = children(node.args as AstNode);
      const value = path(args[0]!);
      if (args.length !== 1 || !(hasType(value.schema, "array") || hasType(value.schema, "string")))
        refuse(node, "| length of something not declared a list or a string");
      return { helper: "if", args: value.path };
    }
    const value = path(node);
    if (hasType(value.schema, "array"))
      refuse(
        node,
        "a list tested as true or false (Handlebars treats an empty list as false: test `| length`)",
      );
    return { helper: "if", args: value.path };
  };

  const output = (node: AstNode): string => {
    if (node.typename === "Filter" && (node.name as AstNode).value === "dump") {
      const args = children(node.args as AstNode);
      const indent = args[1];
      if (args.length > 2 || (indent && (indent.typename !== "Literal" || typeof indent.value !== "number")))
        refuse(node, "dump with arguments other than a number of spaces");
      const spaces = indent ? (indent.value as number) : 0;
      return `{{json ${path(args[0]!).path}${spaces ? ` indent=${spaces}` : ""}}}`;
    }
    if (node.typename === "InlineIf") {
      // `x if x != none else ""`: how the import prints a value that may be absent, as Handlebars does.
      const cond = node.cond as AstNode;
      const op = (cond.ops as AstNode[] | undefined)?.[0];
      const otherwise = node.else_ as AstNode | undefined;
      const shown = node.body as AstNode;
      if (
        cond.typename === "Compare" &&
        (cond.ops as AstNode[]).length === 1 &&
        op?.type === "!=" &&
        (op.expr as AstNode).typename === "Literal" &&
        (op.expr as AstNode).value === null &&
        otherwise?.typename === "Literal" &&
        otherwise.value === "" &&
        path(cond.expr as AstNode).path === path(shown).path
      )
        return `{{${path(shown).path}}}`;
      refuse(node, "an inline if (Handlebars has none)");
    }
    if (node.typename === "Filter")
      refuse(
        node,
        `the filter "${String((node.name as AstNode).value)}" (no Handlebars helper in dotprompt)`,
      );
    return `{{${path(node).path}}}`;
  };

  const walk = (node: AstNode | undefined): void => {
    if (!node) return;
    switch (node.typename) {
      case "Root":
      case "NodeList":
      case "Output":
        for (const c of children(node)) walk(c);
        return;
      case "TemplateData": {
        const start = (lineStarts[node.lineno] ?? 0) + node.colno;
        pushText(start, node.value as string, start + (node.value as string).length);
        return;
      }
      case "If": {
        const { helper, args } = condition(node.cond as AstNode);
        tokens.push({ tag: `{{#${helper} ${args}}}`, block: true });
        walk(node.body as AstNode);
        if (node.else_) {
          tokens.push({ tag: "{{else}}", block: true });
          walk(node.else_ as AstNode);
        }
        tokens.push({ tag: `{{/${helper}}}`, block: true });
        return;
      }
      case "For":
        forLoop(node);
        return;
      default:
        if (node.typename === "Literal") {
          printedLiteral(node);
          return;
        }
        if (["Symbol", "LookupVal", "Filter", "InlineIf"].includes(node.typename)) {
          tokens.push({ tag: output(node), block: false });
          return;
        }
        refuse(node, `the Nunjucks ${node.typename} (no Handlebars equivalent in dotprompt)`);
    }
  };

  // `{{ "{" }}` is how promptops (extract, import) writes a literal `{{`: printed text, which the
  // text run around it carries (so a `{{` split across the two is escaped too).
  const printedLiteral = (node: AstNode): void => {
    if (typeof node.value !== "string" && typeof node.value !== "number")
      refuse(node, "a literal printed by a tag");
    const start = (lineStarts[node.lineno] ?? 0) + node.colno;
    pushText(start, String(node.value), tagEnd(source, start));
  };

  // One token per run of text, so that handlebarsText escapes a `{{` wherever its braces came from.
  const pushText = (start: number, text: string, end: number): void => {
    const last = tokens.at(-1);
    if (last === undefined) commentsIn(0, start);
    else if ("text" in last && start > textEnd) commentsIn(textEnd, start);
    const previous = tokens.at(-1);
    if (previous !== undefined && "text" in previous) previous.text += text;
    else tokens.push({ text });
    textEnd = end;
  };

  const forLoop = (node: AstNode): void => {
    const list = path(node.arr as AstNode);
    const name = node.name as AstNode;
    const names =
      name.typename === "Array" ? children(name).map((c) => c.value as string) : [name.value as string];
    if (names.length > 2) refuse(node, "a loop over more than two names");
    const map = names.length === 2;
    if (map && !(hasType(list.schema, "object") && !hasType(list.schema, "array")))
      refuse(node, "a key, value loop over something not declared an object");
    const [keyName, itemName] = map ? [names[0]!, names[1]!] : [undefined, names[0]!];
    const schema = map
      ? (list.schema?.additionalProperties as JsonSchema | undefined)
      : itemsSchema(list.schema);
    tokens.push({
      tag: `{{#each ${list.path} as |${itemName}${keyName ? ` ${keyName}` : ""}|}}`,
      block: true,
    });
    loops.push({ item: itemName, key: keyName, schema: typeof schema === "object" ? schema : undefined });
    walk(node.body as AstNode);
    loops.pop();
    if (node.else_) {
      tokens.push({ tag: "{{else}}", block: true });
      walk(node.else_ as AstNode);
    }
    tokens.push({ tag: "{{/each}}", block: true });
  };

  walk(root);
  const last = tokens.at(-1);
  if (last === undefined) commentsIn(0, source.length);
  else if ("text" in last) commentsIn(textEnd, source.length);
  const written = [...source.matchAll(/\{#-?([\s\S]*?)-?#\}/g)].filter((m) => m[1]!.trim() !== "").length;
  return { tokens, lostComments: Math.max(0, written - kept) };
}

/** Where the output tag holding the literal at `start` ends, past its string's closing quote. */
function tagEnd(source: string, start: number): number {
  let i = start;
  const quote = source[i];
  if (quote === '"' || quote === "'") {
    for (i++; i < source.length && source[i] !== quote; i++) if (source[i] === "\\") i++;
  }
  const close = source.indexOf("}}", i);
  return close === -1 ? source.length : close + 2;
}

/**
 * One message's tokens as Handlebars text. Handlebars drops a block tag's whole line when the tag
 * stands alone on it; Nunjucks keeps the line's whitespace. An empty comment before such a tag
 * keeps Handlebars from seeing it alone (its standalone test looks at the neighbouring statements
 * only), and the import drops empty comments. The message follows a {{role}} tag, so its start is
 * never the start of a line for that test; only the template's last message ends at the end.
 */
export function handlebarsText(tokens: HandlebarsToken[], endsTemplate: boolean): string {
  let out = "";
  for (const [i, token] of tokens.entries()) {
    if ("text" in token) {
      out += token.text.replace(/\{\{/g, "\\{{");
      continue;
    }
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const alonePrev = prev !== undefined && "text" in prev && /\r?\n\s*?$/.test(prev.text);
    const aloneNext =
      next === undefined
        ? endsTemplate
        : "text" in next &&
          (endsTemplate && i + 1 === tokens.length - 1 ? /^\s*?(\r?\n|$)/ : /^\s*?\r?\n/).test(next.text);
    if (token.block && alonePrev && aloneNext) out += "{{!}}";
    out += token.tag;
  }
  return out;
}
