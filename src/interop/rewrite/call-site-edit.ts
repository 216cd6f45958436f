import type * as ts from "@typescript/typescript6";
import type { CallShape, ExtractedPrompt, ExtractedVariable } from "../extract/extracted-prompt.js";
import type { TypeScriptApi as TypeScript } from "../extract/load-typescript.js";
import { indentationAt, type TextEdit } from "./text-edits.js";

/** Why one call site cannot be rewritten; the whole rewrite is then refused. */
export class CallSiteProblem extends Error {}

/** The runtime call of each shape, and the properties it returns, in the order it returns them. */
const RUNTIME: Record<CallShape, { method: string; keys: readonly string[] }> = {
  "openai-chat": { method: "messages", keys: ["messages"] },
  "anthropic-messages": { method: "anthropic", keys: ["system", "messages"] },
  "openai-responses": { method: "responses", keys: ["instructions", "input"] },
};

/** Keys of a rendered message, in the order the runtime writes them (and the SDK sends them). */
const MESSAGE_KEYS = ["role", "content", "name"];

/** Lines longer than this get one variable a line, as a formatter would put them. */
const LINE_WIDTH = 100;

/**
 * The edit that replaces a call's prompt properties by the runtime call that renders the same
 * request: `messages: prompts.messages(id, vars)` or `...prompts.anthropic(id, vars)` /
 * `...prompts.responses(id, vars)` in the place of the properties, so that the request's keys keep
 * their order (JSON key order is part of the bytes sent).
 */
export function callSiteEdit(
  typescript: TypeScript,
  source: ts.SourceFile,
  prompt: ExtractedPrompt,
  registry: string,
): TextEdit {
  const properties = prompt.replacedProperties.map(({ name, span }) => {
    const found = findProperty(typescript, source, span.start, span.end);
    if (!found || propertyName(typescript, found) !== name) {
      throw new CallSiteProblem(
        `the property "${name}" is not where extract found it (line ${span.line}): did the file change?`,
      );
    }
    return found;
  });
  const first = properties[0];
  if (!first) throw new CallSiteProblem("extract found no prompt property to replace");
  const { method, keys } = RUNTIME[prompt.shape];
  const names = properties.map((p) => propertyName(typescript, p)!);
  const parent = first.parent as ts.ObjectLiteralExpression;
  const index = parent.properties.indexOf(first);
  const adjacent = properties.every((p, i) => parent.properties[index + i] === p);
  const inOrder = names.every((name, i) => i === 0 || keys.indexOf(name) > keys.indexOf(names[i - 1]!));
  if (!adjacent || !inOrder || names.some((name) => !keys.includes(name))) {
    throw new CallSiteProblem(
      `${names.join(", ")} would be sent in another place among the request's keys: prompts.${method} returns ${keys.join(", ")}, in this order, side by side`,
    );
  }
  for (const property of properties) checkMessageKeyOrder(typescript, property, prompt);

  const last = properties.at(-1)!;
  const start = first.getStart(source);
  const text = source.text;
  const call = `${registry}.${method}(${JSON.stringify(prompt.id)}`;
  const head = prompt.shape === "openai-chat" ? `messages: ${call}` : `...${call}`;
  const indent = indentationAt(text, start);
  const column = start - (text.lastIndexOf("\n", start - 1) + 1);
  return {
    start,
    end: last.getEnd(),
    text: `${head}${varsArgument(typescript, prompt.variables, head, indent, column)})`,
  };
}

function findProperty(
  typescript: TypeScript,
  source: ts.SourceFile,
  start: number,
  end: number,
): ts.ObjectLiteralElementLike | undefined {
  let found: ts.ObjectLiteralElementLike | undefined;
  const visit = (node: ts.Node): void => {
    if (found || node.getEnd() < end || node.getStart(source) > start) return;
    if (
      (typescript.isPropertyAssignment(node) || typescript.isShorthandPropertyAssignment(node)) &&
      node.getStart(source) === start &&
      node.getEnd() === end &&
      typescript.isObjectLiteralExpression(node.parent)
    ) {
      found = node;
      return;
    }
    typescript.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function propertyName(typescript: TypeScript, property: ts.ObjectLiteralElementLike): string | undefined {
  const name = property.name;
  if (!name) return undefined;
  if (typescript.isIdentifier(name) || typescript.isStringLiteral(name)) return name.text;
  return undefined;
}

/**
 * Literal messages written as `{ content, role }` are sent with their keys in that order; the
 * runtime writes `{ role, content }`. Where the code shows the message objects, their order is
 * checked; a spread or a variable was resolved by extract and is covered by its render check.
 */
function checkMessageKeyOrder(
  typescript: TypeScript,
  property: ts.ObjectLiteralElementLike,
  prompt: ExtractedPrompt,
): void {
  if (!typescript.isPropertyAssignment(property)) return;
  const value = property.initializer;
  if (!typescript.isArrayLiteralExpression(value)) return;
  for (const element of value.elements) {
    if (!typescript.isObjectLiteralExpression(element)) continue;
    const keys = element.properties.map((p) =>
      p.name && typescript.isIdentifier(p.name) ? p.name.text : "?",
    );
    const expected = MESSAGE_KEYS.filter((key) => keys.includes(key));
    if (keys.join() !== expected.join()) {
      throw new CallSiteProblem(
        `a message at line ${lineOf(element)} has its keys in the order ${keys.join(", ")}; the runtime sends ${expected.join(", ")}`,
      );
    }
  }
  // `input: [{ role: "user", content }]` is sent as a list; prompts.responses sends one user text as a string.
  if (prompt.shape === "openai-responses" && value.elements.length === 1) {
    const rest = prompt.messages.filter((m) => m.role !== "system");
    if (rest.length === 1 && rest[0]!.role === "user") {
      throw new CallSiteProblem(
        "`input` is a list of one user message here; prompts.responses sends one user message as a plain string",
      );
    }
  }
}

function lineOf(node: ts.Node): number {
  const source = node.getSourceFile();
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

/** `, { userMessage, customerName: customer.name }`, or nothing for a prompt without variables. */
function varsArgument(
  typescript: TypeScript,
  variables: readonly ExtractedVariable[],
  head: string,
  indent: string,
  column: number,
): string {
  if (variables.length === 0) return "";
  const entries = variables.map(({ name, expression, asText }) => {
    const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
    // An untyped value goes as the text `${value}` made of it: String() is that same conversion.
    if (asText) return `${key}: String(${valueText(typescript, expression)})`;
    return key === expression.trim() ? key : `${key}: ${valueText(typescript, expression)}`;
  });
  const oneLine = `, { ${entries.join(", ")} }`;
  // The closing parenthesis and a trailing comma follow.
  if (column + head.length + oneLine.length + 2 <= LINE_WIDTH) return oneLine;
  return `, {\n${entries.map((entry) => `${indent}  ${entry},\n`).join("")}${indent}}`;
}

/** The expression as a property value: parenthesised when a comma in it would end the property. */
function valueText(typescript: TypeScript, expression: string): string {
  const wrapped = `(${expression})`;
  const parsed = typescript.createSourceFile("value.ts", wrapped, typescript.ScriptTarget.Latest, true);
  const statement = parsed.statements[0];
  const inner =
    parsed.statements.length === 1 &&
    statement !== undefined &&
    typescript.isExpressionStatement(statement) &&
    typescript.isParenthesizedExpression(statement.expression) &&
    statement.expression.getEnd() === wrapped.length
      ? statement.expression.expression
      : undefined;
  if (!inner) throw new CallSiteProblem(`the value of a variable is not one expression: ${expression}`);
  const comma =
    typescript.isBinaryExpression(inner) && inner.operatorToken.kind === typescript.SyntaxKind.CommaToken;
  return comma ? wrapped : expression;
}
