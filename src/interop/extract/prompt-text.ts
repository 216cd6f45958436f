import type * as TS from "@typescript/typescript6";
import { constantValue, reassignedRead } from "./constant-values.js";
import type { ExtractedVariable } from "./extracted-prompt.js";
import type { TypeScriptApi } from "./load-typescript.js";
import { unwrap } from "./sdk-clients.js";
import { CannotExtract, lineOf, shortText as short } from "./source-span.js";
import { uniqueName, variableNameFor } from "./variable-names.js";
import { variableTypeOf } from "./variable-types.js";

/** A message's text as the code builds it: literal text, and the values it interpolates. */
export type TextPart = { text: string } | { variable: string };

/** A variable found in the code, with where it is and what cannot be proven about it. */
export interface FoundVariable extends ExtractedVariable {
  node: TS.Expression;
  /** Why the prompt cannot be proven to render what the code sends for this value, if it cannot. */
  unprovable?: string;
}

// Constants that name constants that name constants…: a bound, so that a cycle or a very long chain
// in untrusted code stops.
const MAX_DEPTH = 32;

/** Reads the text of one call's prompt; collects the variables it needs. One reader per call. */
export class PromptReader {
  readonly variables: FoundVariable[] = [];
  /** The local constant whose initializer is being read, if any: its values are read there, not at the call. */
  private inlining: string | undefined;

  constructor(
    private readonly ts: TypeScriptApi,
    private readonly checker: TS.TypeChecker,
  ) {}

  /** The text of a whole message content or system prompt; `what` names it in a reason. */
  text(node: TS.Expression, what: string): TextPart[] {
    const expr = unwrap(this.ts, node);
    const parts = this.textOf(expr, 0, false);
    if (parts) return parts;
    // `const system = buildSystemPrompt(lang); … content: system` is another function's result too.
    let made: TS.Expression | undefined = expr;
    for (let depth = 0; made && this.ts.isIdentifier(made) && depth < MAX_DEPTH; depth++)
      made = constantValue(this.ts, this.checker, made)?.value;
    const call =
      made && this.ts.isCallExpression(made) ? made : this.ts.isCallExpression(expr) ? expr : undefined;
    if (call)
      throw new CannotExtract(
        call,
        `${what} is the result of ${short(call.expression.getText())}() (line ${lineOf(call)})`,
      );
    if (this.ts.isIdentifier(expr) || this.isMemberChain(expr)) return [this.variable(expr, true)];
    throw new CannotExtract(
      expr,
      `${what} is computed at run time (line ${lineOf(expr)}: ${short(expr.getText())})`,
    );
  }

  /** Text known to be literal, with no variable (a model name, a role): or undefined. */
  literal(node: TS.Expression): string | undefined {
    const before = this.variables.length;
    let parts: TextPart[] | undefined;
    try {
      parts = this.textOf(unwrap(this.ts, node), 0, true);
    } catch (error) {
      // Text that is not literal (`gpt-${version}`) is simply not a literal.
      if (!(error instanceof CannotExtract)) throw error;
      return undefined;
    }
    if (!parts || this.variables.length !== before) return undefined;
    return parts.map((part) => ("text" in part ? part.text : "")).join("");
  }

  /**
   * Text parts for string-building syntax (literals, template literals, `+`, constants), or
   * undefined for anything else. `literalOnly`: inside another file's constant, where no
   * expression can be carried to the call site.
   */
  private textOf(expr: TS.Expression, depth: number, literalOnly: boolean): TextPart[] | undefined {
    const ts = this.ts;
    if (depth > MAX_DEPTH)
      throw new CannotExtract(expr, `the text goes through more than ${MAX_DEPTH} constants`);
    if (ts.isStringLiteralLike(expr)) return [{ text: expr.text }];
    if (ts.isTemplateExpression(expr)) {
      const parts: TextPart[] = [{ text: expr.head.text }];
      for (const span of expr.templateSpans) {
        parts.push(...this.interpolation(unwrap(ts, span.expression), depth, literalOnly));
        parts.push({ text: span.literal.text });
      }
      return parts;
    }
    if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const left = this.textOf(unwrap(ts, expr.left), depth + 1, literalOnly);
      if (!left) return undefined;
      return [...left, ...this.interpolation(unwrap(ts, expr.right), depth, literalOnly)];
    }
    if (ts.isIdentifier(expr)) {
      const constant = constantValue(ts, this.checker, expr);
      if (!constant) return undefined;
      const outer = this.inlining;
      this.inlining = expr.text;
      try {
        return this.textOf(constant.value, depth + 1, literalOnly || constant.literalOnly);
      } finally {
        this.inlining = outer;
      }
    }
    return undefined;
  }

  /** One `${…}` (or `+ …`): literal text when it is a constant, a variable otherwise. */
  private interpolation(expr: TS.Expression, depth: number, literalOnly: boolean): TextPart[] {
    const ts = this.ts;
    if (ts.isNumericLiteral(expr)) return [{ text: String(Number(expr.text)) }];
    if (expr.kind === ts.SyntaxKind.TrueKeyword || expr.kind === ts.SyntaxKind.FalseKeyword)
      return [{ text: expr.getText() }];
    const parts = this.textOf(expr, depth + 1, literalOnly);
    if (parts) return parts;
    if (literalOnly)
      throw new CannotExtract(
        expr,
        `\`${short(expr.getText())}\` (line ${lineOf(expr)}) is part of a constant that is not literal text: only literal constants are inlined from other files and module scope`,
      );
    return [this.variable(expr)];
  }

  private isMemberChain(expr: TS.Expression): boolean {
    let current: TS.Expression = expr;
    while (this.ts.isPropertyAccessExpression(current)) current = current.expression;
    return (
      current !== expr && (this.ts.isIdentifier(current) || current.kind === this.ts.SyntaxKind.ThisKeyword)
    );
  }

  /**
   * `whole`: the value is the whole content, sent as it is rather than written into text: an untyped
   * one is declared a string, so that anything else is refused at run time, never sent differently.
   */
  private variable(expr: TS.Expression, whole = false): TextPart {
    const expression = expr.getText();
    const known = this.variables.find((v) => v.expression === expression);
    if (known) return { variable: known.name };
    const name = uniqueName(variableNameFor(this.ts, expr), new Set(this.variables.map((v) => v.name)));
    const typed = variableTypeOf(this.ts, this.checker, expr);
    if (whole) delete typed.asText;
    const assigned = this.inlining === undefined ? undefined : reassignedRead(this.ts, this.checker, expr);
    if (assigned && !typed.unprovable)
      typed.unprovable = `\`${short(expression)}\` is read where \`${this.inlining}\` is made, and assigned again (line ${lineOf(assigned)}): at the call it may hold another value`;
    this.variables.push({ name, expression, node: expr, ...typed });
    return { variable: name };
  }
}
