import { variableValidator } from "../../prompt/variables.js";
import { truncate } from "../../text/truncate.js";
import type { ToolCallResult } from "../results.js";
import { describeCall } from "../tool-call-results.js";
import type { AssertionContext, AssertionHandler, AssertionOutcome } from "./context.js";
import { badValue, describeOutput, verdict } from "./messages.js";
import { partialMismatch } from "./partial-match.js";

/** One expected call: `tool-call: name`, or `{ name, args, args-schema }`. */
interface ExpectedCall {
  name: string;
  /** A partial object: every key given must be there with a matching value; others may be too. */
  args?: unknown;
  /** A JSON Schema the arguments must satisfy. */
  argsSchema?: Record<string, unknown>;
}

const SHAPE = "a tool name, { name, args?, args-schema? }, or a list of these";

/**
 * `tool-call`: the model called the tool (with matching arguments). A list asks for several calls,
 * each matched by a call of its own, in any order; the score is the share matched.
 */
function toolCall(value: unknown, context: AssertionContext): AssertionOutcome {
  const list = Array.isArray(value) ? value : [value];
  const expected = list.map(expectedCall);
  if (list.length === 0 || expected.some((e) => e === undefined)) return badValue("tool-call", SHAPE, value);
  const wanted = expected as ExpectedCall[];
  const calls = context.toolCalls ?? [];
  const assignment = bestAssignment(wanted, calls);
  const matched = assignment.filter((i) => i !== undefined).length;
  const score = matched / wanted.length;
  if (matched === wanted.length) {
    const said = assignment.map((i) => describeCall(calls[i!]!)).join("; ");
    return { pass: true, score, message: `called ${said}` };
  }
  const missing = wanted.filter((_, i) => assignment[i] === undefined);
  const why = missing.map((e) => `expected a call to ${describeExpected(e)}; ${whyNot(e, calls)}`);
  const some = wanted.length > 1 ? `${matched} of ${wanted.length} expected calls made; ` : "";
  return { pass: false, score, message: `${some}${why.join("; ")}${madeCalls(calls, context)}` };
}

/** `no-tool-call: true`: no tool was called; a name or a list of names: none of these was. */
function noToolCall(value: unknown, context: AssertionContext): AssertionOutcome {
  const names =
    value === true
      ? undefined
      : typeof value === "string"
        ? [value]
        : Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string")
          ? (value as string[])
          : null;
  if (names === null) return badValue("no-tool-call", "true, a tool name or a list of tool names", value);
  const calls = context.toolCalls ?? [];
  const offending = names ? calls.filter((c) => names.includes(c.name)) : calls;
  if (offending.length === 0)
    return verdict(
      true,
      names
        ? `${names.join(", ")} not called${calls.length > 0 ? ` (called: ${calls.map((c) => c.name).join(", ")})` : ""}`
        : "no tool was called",
    );
  const what = names ? `no call to ${names.join(" or ")}` : "no tool call";
  return verdict(
    false,
    `expected ${what}; the model called ${offending.map((call) => describeCall(call)).join("; ")}`,
  );
}

function expectedCall(value: unknown): ExpectedCall | undefined {
  if (typeof value === "string" && value !== "") return { name: value };
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.name !== "string" || record.name === "") return undefined;
  if (Object.keys(record).some((key) => !["name", "args", "args-schema"].includes(key))) return undefined;
  const schema = record["args-schema"];
  if (schema !== undefined && (typeof schema !== "object" || schema === null || Array.isArray(schema)))
    return undefined;
  return {
    name: record.name,
    ...("args" in record ? { args: record.args } : {}),
    ...(schema ? { argsSchema: schema as Record<string, unknown> } : {}),
  };
}

/** Why a call does not satisfy an expectation; undefined when it does. */
function mismatch(expected: ExpectedCall, call: ToolCallResult): string | undefined {
  if (call.name !== expected.name) return `it is a call to ${call.name}`;
  if (expected.args === undefined && !expected.argsSchema) return undefined;
  if (call.argsError !== undefined)
    return `its arguments are not valid JSON (${call.argsError}): ${JSON.stringify(truncate(String(call.args), 60))}`;
  if (expected.args !== undefined) {
    const problem = partialMismatch(expected.args, call.args);
    if (problem) return problem;
  }
  if (expected.argsSchema) {
    let validate: ReturnType<typeof variableValidator>;
    try {
      validate = variableValidator(expected.argsSchema);
    } catch (error) {
      return `args-schema is not a valid JSON Schema: ${(error as Error).message}`;
    }
    if (!validate(call.args)) {
      const errors = validate.errors ?? [];
      const shown = errors
        .slice(0, 3)
        .map((e) => `${e.instancePath || "the arguments"} ${e.message ?? "are invalid"}`);
      return `its arguments do not match args-schema: ${shown.join("; ")}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ""}`;
    }
  }
  return undefined;
}

/**
 * For each expected call, the index of a distinct call that satisfies it, matching as many as can be
 * (a list is order-insensitive, and a call may satisfy only one expectation). Lists are short:
 * a plain search over the assignments is enough.
 */
function bestAssignment(
  wanted: readonly ExpectedCall[],
  calls: readonly ToolCallResult[],
): (number | undefined)[] {
  const fits = wanted.map((e) => calls.flatMap((call, i) => (mismatch(e, call) === undefined ? [i] : [])));
  let best: (number | undefined)[] = wanted.map(() => undefined);
  let bestCount = 0;
  const current: (number | undefined)[] = [];
  const used = new Set<number>();
  const search = (at: number, count: number) => {
    if (count + (wanted.length - at) <= bestCount) return;
    if (at === wanted.length) {
      best = [...current];
      bestCount = count;
      return;
    }
    for (const i of fits[at]!) {
      if (used.has(i)) continue;
      used.add(i);
      current[at] = i;
      search(at + 1, count + 1);
      used.delete(i);
    }
    current[at] = undefined;
    search(at + 1, count);
  };
  search(0, 0);
  return best;
}

function whyNot(expected: ExpectedCall, calls: readonly ToolCallResult[]): string {
  const same = calls.filter((c) => c.name === expected.name);
  if (same.length === 0) return `${expected.name} was not called`;
  const reasons = same.map((c) => mismatch(expected, c) ?? "it was matched by another expected call");
  return same.length === 1
    ? `${expected.name} was called, but ${reasons[0]}`
    : `${expected.name} was called ${same.length} times, but ${reasons.map((r, i) => `call ${i + 1}: ${r}`).join("; ")}`;
}

/** What the model did instead, so a failure reads without opening the report. */
function madeCalls(calls: readonly ToolCallResult[], context: AssertionContext): string {
  if (calls.length === 0) return ` (the model called no tool; ${describeOutput(context.output)})`;
  return ` (calls made: ${calls.map((call) => describeCall(call)).join("; ")})`;
}

function describeExpected(expected: ExpectedCall): string {
  const args = expected.args === undefined ? "" : ` with args ${shown(expected.args)}`;
  const schema = expected.argsSchema ? `${args ? " and" : ""} args matching args-schema` : "";
  return `${expected.name}${args}${schema}`;
}

function shown(value: unknown): string {
  return truncate(JSON.stringify(value) ?? "undefined", 80);
}

export const toolCallAssertions: Record<string, AssertionHandler> = {
  "tool-call": toolCall,
  "no-tool-call": noToolCall,
};
