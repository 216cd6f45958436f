import { type AstNode, isNode, parseAst } from "./template-ast.js";
import { findViolations, type TemplateViolation } from "./template-policy.js";

/** A position inside a template's text; 0-based, as Nunjucks counts. */
export interface TemplatePosition {
  line0: number;
  col0: number;
}

export interface IncludeTag extends TemplatePosition {
  /** The literal partial name, or undefined when the include names a variable or expression. */
  name: string | undefined;
  ignoreMissing: boolean;
}

export interface TemplateAnalysis {
  /** Top-level names the template reads from its context, with their first use. */
  variables: Map<string, TemplatePosition>;
  includes: IncludeTag[];
  /** extends / import / from-import: template inheritance is not part of the prompt format. */
  unsupportedTags: Array<TemplatePosition & { tag: string }>;
  /** Uses of anything templates may not reach (code, prototypes, macros…): see template-policy. */
  violations: TemplateViolation[];
}

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: TemplatePosition,
  ) {
    super(message);
  }
}

// Names Nunjucks provides itself; reading them is not reading a variable.
const BUILTIN_NAMES = new Set([
  "range",
  "cycler",
  "joiner",
  "loop",
  "caller",
  "super",
  "true",
  "false",
  "none",
]);

export function parseTemplate(source: string): AstNode {
  try {
    return parseAst(source);
  } catch (error) {
    throw toSyntaxError(error, source);
  }
}

/** Nunjucks' parser errors carry 1-based lineno/colno, or none when the problem is the end of input. */
export function toSyntaxError(error: unknown, source: string): TemplateSyntaxError {
  const {
    message = String(error),
    lineno,
    colno,
  } = error as { message?: string; lineno?: number; colno?: number };
  const text = message.replace(/^\w+: /, "");
  if (typeof lineno === "number" && typeof colno === "number") {
    return new TemplateSyntaxError(text, { line0: lineno - 1, col0: Math.max(0, colno - 1) });
  }
  const lines = source.replace(/\n$/, "").split("\n");
  return new TemplateSyntaxError(text, { line0: lines.length - 1, col0: lines.at(-1)?.length ?? 0 });
}

// The same short templates recur across a project (`contains: "{{ customer.name }}"` in every
// test): parse each distinct text once per process. Bounded, so a huge repo cannot grow it forever.
const analyses = new Map<string, TemplateAnalysis | TemplateSyntaxError>();
const MAX_CACHED_ANALYSES = 5_000;

/** Variables, includes and unsupported tags of a template; throws TemplateSyntaxError. Callers must not mutate the result. */
export function analyseTemplate(source: string): TemplateAnalysis {
  let entry = analyses.get(source);
  if (!entry) {
    try {
      entry = analyse(source);
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      entry = error;
    }
    if (analyses.size >= MAX_CACHED_ANALYSES) analyses.clear();
    analyses.set(source, entry);
  }
  if (entry instanceof TemplateSyntaxError) throw entry;
  return entry;
}

function analyse(source: string): TemplateAnalysis {
  const ast = parseTemplate(source);
  const analysis: TemplateAnalysis = {
    variables: new Map(),
    includes: [],
    unsupportedTags: [],
    violations: findViolations(ast, { includes: true }),
  };
  const assigned = new Set<string>();
  collectAssignments(ast, assigned);
  walk(ast, new Set(), analysis, assigned);
  return analysis;
}

// `{% set %}` and macro names are visible after their definition; treating them as bound for the
// whole template keeps the analysis simple and never reports a false "undeclared variable".
function collectAssignments(node: AstNode, assigned: Set<string>): void {
  if (node.typename === "Set")
    for (const target of node.targets as AstNode[]) assigned.add(String(target.value));
  if (node.typename === "Macro") assigned.add(String((node.name as AstNode).value));
  forEachChild(node, (child) => collectAssignments(child, assigned));
}

function walk(node: AstNode, bound: Set<string>, analysis: TemplateAnalysis, assigned: Set<string>): void {
  switch (node.typename) {
    case "Symbol": {
      const name = String(node.value);
      if (
        !bound.has(name) &&
        !assigned.has(name) &&
        !BUILTIN_NAMES.has(name) &&
        !analysis.variables.has(name)
      ) {
        analysis.variables.set(name, { line0: node.lineno, col0: node.colno });
      }
      return;
    }
    case "For":
    case "AsyncEach":
    case "AsyncAll": {
      walk(node.arr as AstNode, bound, analysis, assigned);
      const inner = new Set(bound);
      bindNames(node.name as AstNode, inner);
      inner.add("loop");
      walk(node.body as AstNode, inner, analysis, assigned);
      if (node.else_) walk(node.else_ as AstNode, bound, analysis, assigned);
      return;
    }
    case "Macro":
    case "Caller": {
      const inner = new Set(bound);
      const args = node.args as AstNode;
      for (const arg of args.children ?? []) {
        if (arg.typename === "KeywordArgs") {
          for (const pair of arg.children ?? []) {
            bindNames(pair.key as AstNode, inner);
            walk(pair.value as AstNode, bound, analysis, assigned);
          }
        } else bindNames(arg, inner);
      }
      walk(node.body as AstNode, inner, analysis, assigned);
      return;
    }
    case "Filter":
    case "FilterAsync":
      // The filter's own name is not a variable; its arguments are expressions.
      walk(node.args as AstNode, bound, analysis, assigned);
      return;
    case "Is":
      walk(node.left as AstNode, bound, analysis, assigned);
      return;
    case "Pair":
      walk(node.value as AstNode, bound, analysis, assigned);
      return;
    case "Include": {
      const template = node.template as AstNode;
      analysis.includes.push({
        name:
          template.typename === "Literal" && typeof template.value === "string" ? template.value : undefined,
        ignoreMissing: Boolean(node.ignoreMissing),
        line0: node.lineno,
        col0: node.colno,
      });
      if (template.typename !== "Literal") walk(template, bound, analysis, assigned);
      return;
    }
    case "Extends":
    case "Import":
    case "FromImport":
      analysis.unsupportedTags.push({
        tag: node.typename === "FromImport" ? "from … import" : node.typename.toLowerCase(),
        line0: node.lineno,
        col0: node.colno,
      });
      return;
  }
  forEachChild(node, (child) => walk(child, bound, analysis, assigned));
}

function bindNames(target: AstNode, into: Set<string>): void {
  if (target.typename === "Symbol") into.add(String(target.value));
  for (const child of target.children ?? []) bindNames(child, into);
}

function forEachChild(node: AstNode, visit: (child: AstNode) => void): void {
  // A block `{% set x %}…{% endset %}` keeps its text in `body`, which is not among Set's fields.
  const fields = node.typename === "Set" ? [...(node.fields ?? []), "body"] : (node.fields ?? []);
  for (const field of fields) {
    const value = node[field];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) visit(item);
    } else if (isNode(value)) visit(value);
  }
}

/** Heuristic for `{{`/`{%` meant as literal text, e.g. a JSON example: the hint explains {% raw %}. */
export function looksLikeLiteralBraces(source: string, position: TemplatePosition): boolean {
  const line = source.split("\n")[position.line0] ?? "";
  return /\{\{\s*["'{[]|\{\{\s*\}\}|\{%\s*["'{[]/.test(line);
}

export const RAW_HINT =
  "if the braces are meant as literal text (e.g. a JSON example), wrap it in {% raw %}…{% endraw %}";
