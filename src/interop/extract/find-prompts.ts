import type * as TS from "@typescript/typescript6";
import type { CallShape, NotExtracted, SourceSpan } from "./extracted-prompt.js";
import type { TypeScriptApi } from "./load-typescript.js";
import { type FoundVariable, PromptReader } from "./prompt-text.js";
import { type ReadRequest, readRequest } from "./read-request.js";
import { clientKind, type SdkKind } from "./sdk-clients.js";
import { CannotExtract, spanOf } from "./source-span.js";
import { findInTree } from "./syntax-walk.js";

/** An inline prompt at one SDK call, read but not yet named or checked. */
export interface FoundPrompt extends ReadRequest {
  shape: CallShape;
  call: SourceSpan;
  functionName?: string;
  variables: FoundVariable[];
}

const SHAPES: Array<{ path: readonly string[]; shape: CallShape; sdk: SdkKind }> = [
  { path: ["chat", "completions", "create"], shape: "openai-chat", sdk: "openai" },
  { path: ["responses", "create"], shape: "openai-responses", sdk: "openai" },
  { path: ["messages", "create"], shape: "anthropic-messages", sdk: "anthropic" },
];

/** Every SDK call in the files, in source order: read into a FoundPrompt, or NotExtracted with why. */
export function findPrompts(
  ts: TypeScriptApi,
  checker: TS.TypeChecker,
  files: readonly TS.SourceFile[],
): { found: FoundPrompt[]; notExtracted: NotExtracted[] } {
  const found: FoundPrompt[] = [];
  const notExtracted: NotExtracted[] = [];
  for (const file of files) {
    for (const call of sdkCalls(ts, file)) {
      const match = shapeOf(ts, checker, call);
      if (!match || rendersFromRegistry(ts, call)) continue;
      const functionName = enclosingFunctionName(ts, call);
      const reader = new PromptReader(ts, checker);
      try {
        const request = readRequest(ts, checker, reader, match, call);
        found.push({
          ...request,
          shape: match,
          call: spanOf(call),
          functionName,
          variables: reader.variables,
        });
      } catch (error) {
        if (!(error instanceof CannotExtract)) throw error;
        notExtracted.push({
          call: spanOf(call),
          functionName,
          at: spanOf(error.node),
          reason: error.message,
        });
      }
    }
  }
  return { found, notExtracted };
}

/** Calls whose callee ends in `.create`, found without recursion (source files are untrusted). */
function sdkCalls(ts: TypeScriptApi, file: TS.SourceFile): TS.CallExpression[] {
  const calls: TS.CallExpression[] = [];
  findInTree(ts, file, (node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === "create"
    )
      calls.push(node);
    return undefined;
  });
  return calls.sort((a, b) => a.getStart() - b.getStart());
}

function shapeOf(ts: TypeScriptApi, checker: TS.TypeChecker, call: TS.CallExpression): CallShape | undefined {
  for (const { path, shape, sdk } of SHAPES) {
    let callee: TS.Expression = call.expression;
    let matches = true;
    for (const name of [...path].reverse()) {
      if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== name) {
        matches = false;
        break;
      }
      callee = callee.expression;
    }
    if (matches && clientKind(ts, checker, callee) === sdk) return shape;
  }
  return undefined;
}

const REGISTRY_SHAPES = new Set(["messages", "anthropic", "responses"]);

/**
 * A call whose prompt already comes from the runtime (`messages: prompts.messages("id", …)`,
 * `...prompts.anthropic("id", …)`), as `extract --write` leaves it: nothing to extract, and nothing
 * the user should read as "left as written" when running extract again.
 */
function rendersFromRegistry(ts: TypeScriptApi, call: TS.CallExpression): boolean {
  const request = call.arguments[0];
  if (!request || !ts.isObjectLiteralExpression(request)) return false;
  return request.properties.some((property) => {
    const value = ts.isPropertyAssignment(property)
      ? property.initializer
      : ts.isSpreadAssignment(property)
        ? property.expression
        : undefined;
    return (
      value !== undefined &&
      ts.isCallExpression(value) &&
      ts.isPropertyAccessExpression(value.expression) &&
      ts.isIdentifier(value.expression.expression) &&
      REGISTRY_SHAPES.has(value.expression.name.text) &&
      value.arguments[0] !== undefined &&
      ts.isStringLiteralLike(value.arguments[0])
    );
  });
}

/** `answerSupportQuestion`, `RefundDesk.explainRefund`, the name of an arrow function's variable. */
function enclosingFunctionName(ts: TypeScriptApi, node: TS.Node): string | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isFunctionDeclaration(current) && current.name) return current.name.text;
    if ((ts.isMethodDeclaration(current) || ts.isGetAccessor(current)) && ts.isIdentifier(current.name)) {
      const owner = current.parent;
      const className = ts.isClassLike(owner) && owner.name ? `${owner.name.text}.` : "";
      return `${className}${current.name.text}`;
    }
    if (ts.isArrowFunction(current) || ts.isFunctionExpression(current)) {
      if (ts.isFunctionExpression(current) && current.name) return current.name.text;
      const parent = current.parent;
      if (
        (ts.isVariableDeclaration(parent) ||
          ts.isPropertyAssignment(parent) ||
          ts.isPropertyDeclaration(parent)) &&
        ts.isIdentifier(parent.name)
      )
        return parent.name.text;
    }
  }
  return undefined;
}
