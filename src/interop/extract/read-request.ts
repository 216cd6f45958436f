import type * as TS from "@typescript/typescript6";
import { constantValue, literalJson, propertyName } from "./constant-values.js";
import type { CallShape, SourceSpan } from "./extracted-prompt.js";
import type { TypeScriptApi } from "./load-typescript.js";
import type { PromptReader, TextPart } from "./prompt-text.js";
import { unwrap } from "./sdk-clients.js";
import { CannotExtract, lineOf, shortText as short, spanOf } from "./source-span.js";

export interface MessageParts {
  role: "system" | "user" | "assistant";
  parts: TextPart[];
}

export interface ReadRequest {
  model?: string;
  params: Record<string, unknown>;
  responseFormat?: unknown;
  messages: MessageParts[];
  replacedProperties: Array<{ name: string; span: SourceSpan }>;
}

/** The properties that hold the prompt, per call shape; the rewrite replaces exactly these. */
const PROMPT_PROPERTIES: Record<CallShape, readonly string[]> = {
  "openai-chat": ["messages"],
  "openai-responses": ["instructions", "input"],
  "anthropic-messages": ["system", "messages"],
};

// Request settings that are not the model's params: they stay at the call as written.
const NOT_PARAMS = new Set([
  "model",
  "response_format",
  "stream",
  "stream_options",
  "tools",
  "functions",
  "signal",
]);

const ROLES: Record<CallShape, readonly string[]> = {
  "openai-chat": ["system", "user", "assistant"],
  "openai-responses": ["system", "user", "assistant"],
  "anthropic-messages": ["user", "assistant"],
};

// Arrays of arrays of constants…: bounded, as every walk over untrusted code.
const MAX_SPREAD_DEPTH = 16;

/** Reads one SDK call's request object; throws CannotExtract when any of its prompt is not a template. */
export function readRequest(
  ts: TypeScriptApi,
  checker: TS.TypeChecker,
  reader: PromptReader,
  shape: CallShape,
  call: TS.CallExpression,
): ReadRequest {
  const argument = call.arguments[0];
  const request = argument ? unwrap(ts, argument) : undefined;
  if (!request || !ts.isObjectLiteralExpression(request))
    throw new CannotExtract(argument ?? call, "the request is not an object written at the call");
  const found = new Map<string, TS.Expression>();
  const result: ReadRequest = { params: {}, messages: [], replacedProperties: [] };
  for (const property of request.properties) {
    let name: string | undefined;
    let value: TS.Expression | undefined;
    if (ts.isPropertyAssignment(property)) {
      name = propertyName(ts, property.name);
      value = property.initializer;
    } else if (ts.isShorthandPropertyAssignment(property)) {
      name = property.name.text;
      value = property.name;
    }
    if (name === undefined || value === undefined)
      throw new CannotExtract(
        property,
        `the request has \`${short(property.getText())}\` (line ${lineOf(property)}): which settings it holds is known only at run time`,
      );
    if (PROMPT_PROPERTIES[shape].includes(name)) {
      found.set(name, value);
      result.replacedProperties.push({ name, span: spanOf(property) });
    } else if (name === "model") result.model = reader.literal(value);
    else if (name === "response_format") result.responseFormat = literalJson(ts, value)?.value;
    else if (!NOT_PARAMS.has(name)) {
      const literal = literalJson(ts, value);
      if (literal) result.params[name] = literal.value;
    }
  }
  const system = found.get(shape === "openai-responses" ? "instructions" : "system");
  if (system) result.messages.push({ role: "system", parts: reader.text(system, "the system prompt") });
  const list = found.get(shape === "openai-responses" ? "input" : "messages");
  if (list) {
    const elements =
      shape === "openai-responses" && !isArray(ts, checker, list)
        ? undefined
        : arrayElements(ts, checker, list, 0);
    if (elements)
      result.messages.push(
        ...elements.map((element, index) => message(ts, checker, reader, shape, element, index)),
      );
    else result.messages.push({ role: "user", parts: reader.text(list, "the input") });
  }
  if (result.messages.length === 0)
    throw new CannotExtract(request, "the request has no prompt written at the call");
  return result;
}

function isArray(ts: TypeScriptApi, checker: TS.TypeChecker, node: TS.Expression): boolean {
  const expr = unwrap(ts, node);
  if (ts.isArrayLiteralExpression(expr)) return true;
  if (ts.isIdentifier(expr)) {
    const constant = constantValue(ts, checker, expr);
    return constant !== undefined && ts.isArrayLiteralExpression(constant.value);
  }
  return false;
}

/** The messages of an array literal, through constants and spreads of constant arrays. */
function arrayElements(
  ts: TypeScriptApi,
  checker: TS.TypeChecker,
  node: TS.Expression,
  depth: number,
): TS.Expression[] {
  const expr = unwrap(ts, node);
  if (depth > MAX_SPREAD_DEPTH) throw new CannotExtract(expr, "the messages go through too many constants");
  let array: TS.Expression | undefined = expr;
  if (ts.isIdentifier(expr)) array = constantValue(ts, checker, expr)?.value;
  if (!array || !ts.isArrayLiteralExpression(array))
    throw new CannotExtract(
      expr,
      `the messages, \`${short(expr.getText())}\` (line ${lineOf(expr)}), are not an array written in the code`,
    );
  const elements: TS.Expression[] = [];
  for (const element of array.elements) {
    if (ts.isSpreadElement(element)) {
      const spread = unwrap(ts, element.expression);
      if (!ts.isIdentifier(spread) && !ts.isArrayLiteralExpression(spread))
        throw new CannotExtract(
          element,
          `the messages spread \`${short(spread.getText())}\` (line ${lineOf(element)}), which is not a constant array`,
        );
      try {
        elements.push(...arrayElements(ts, checker, spread, depth + 1));
      } catch (error) {
        if (!(error instanceof CannotExtract) || error.node !== spread) throw error;
        throw new CannotExtract(
          element,
          `the messages spread \`${short(spread.getText())}\` (line ${lineOf(element)}), which is not a constant array`,
        );
      }
    } else elements.push(element);
  }
  return elements;
}

function message(
  ts: TypeScriptApi,
  checker: TS.TypeChecker,
  reader: PromptReader,
  shape: CallShape,
  node: TS.Expression,
  index: number,
): MessageParts {
  let expr = unwrap(ts, node);
  if (ts.isIdentifier(expr)) expr = constantValue(ts, checker, expr)?.value ?? expr;
  const what = `message ${index + 1}`;
  if (!ts.isObjectLiteralExpression(expr))
    throw new CannotExtract(expr, `${what} (line ${lineOf(expr)}) is not an object written in the code`);
  let role: string | undefined;
  let content: TS.Expression | undefined;
  for (const property of expr.properties) {
    const name =
      ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)
        ? propertyName(ts, property.name)
        : undefined;
    const value = ts.isPropertyAssignment(property)
      ? property.initializer
      : ts.isShorthandPropertyAssignment(property)
        ? property.name
        : undefined;
    if (name === "role" && value) role = reader.literal(value);
    else if (name === "content" && value) content = value;
    else if (name === "type" && value && shape === "openai-responses" && reader.literal(value) === "message")
      continue;
    else
      throw new CannotExtract(
        property,
        `${what} has \`${short(property.getText())}\` (line ${lineOf(property)}), which a prompt file's message does not hold`,
      );
  }
  if (role === undefined || !ROLES[shape].includes(role))
    throw new CannotExtract(
      expr,
      `${what} (line ${lineOf(expr)}) has ${role === undefined ? "no literal role" : `the role "${role}"`}: a prompt file's messages are ${ROLES[shape].join(", ")}`,
    );
  if (!content) throw new CannotExtract(expr, `${what} (line ${lineOf(expr)}) has no content`);
  const value = unwrap(ts, content);
  if (ts.isArrayLiteralExpression(value))
    throw new CannotExtract(
      value,
      `${what} (line ${lineOf(value)}) has a list of content parts: extract takes text content`,
    );
  return { role: role as MessageParts["role"], parts: reader.text(content, `the content of ${what}`) };
}
