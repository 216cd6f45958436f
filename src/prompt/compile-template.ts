import { parseAst } from "./template-ast.js";
import { compileAst, type RenderFunction } from "./template-evaluator.js";
import { findViolations, type TemplateViolation } from "./template-policy.js";

/** A template that passed the policy, ready to render any number of times. */
export interface CompiledTemplate {
  render: RenderFunction;
}

/** The template uses something outside the allowlist; nothing of it was evaluated. */
export class TemplateUnsafeError extends Error {
  constructor(readonly violations: TemplateViolation[]) {
    const first = violations[0]!;
    super(`template line ${first.line0 + 1}, column ${first.col0 + 1}: ${first.message}`);
  }
}

/**
 * Parses, checks against the policy and compiles a template, in that order: a template that
 * breaks the policy is refused whole, before any part of it can run. Throws the parser's error for
 * bad syntax and TemplateUnsafeError for a violation. Partials must already be inlined.
 */
export function compileTemplate(source: string): CompiledTemplate {
  const ast = parseAst(source);
  const violations = findViolations(ast, { includes: false });
  if (violations.length > 0) throw new TemplateUnsafeError(violations);
  return { render: compileAst(ast) };
}
