import { jsonSchemaOf } from "../../prompt/json-schema-value.js";
import { variableValidator } from "../../prompt/variables.js";
import type { AssertionContext, AssertionHandler, AssertionOutcome } from "./context.js";
import { describeSchemaErrors, findJson } from "./json-values.js";
import { badValue, describeOutput, verdict } from "./messages.js";

type ParsedOutput = { ok: true; value: unknown; fenced: boolean } | { ok: false; problem: string };

// Strict by default: an application that runs JSON.parse on the reply fails on a ```json fence,
// which chat models add even when told not to. `allowFence: true` accepts a reply that is exactly
// one fenced block, read as its contents; prose around a fence is never JSON.
const WHOLE_FENCE = /^\s*```[ \t]*(?:json)?[ \t]*\r?\n([\s\S]*?)\r?\n?[ \t]*```\s*$/i;
const ANY_FENCE = /```[ \t]*json[ \t]*\r?\n/i;
const FENCE = "```json";
const FENCED = ` (inside a ${FENCE} fenced block, accepted by allowFence)`;

function parseOutput(output: string, allowFence: boolean, type: string): ParsedOutput {
  const fence = WHOLE_FENCE.exec(output);
  if (fence && !allowFence) {
    const inner = parses(fence[1]!);
    const opt =
      type === "is-json" ? "is-json: { allowFence: true }" : "json-schema: { schema: …, allowFence: true }";
    return {
      ok: false,
      problem: `the reply is wrapped in a ${FENCE} fence, so JSON.parse of the raw reply fails${inner ? " (its contents are JSON)" : ""}; if your application strips the fence, write \`${opt}\``,
    };
  }
  const text = fence ? fence[1]! : output;
  try {
    return { ok: true, value: JSON.parse(text), fenced: fence !== null };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (fence) return { ok: false, problem: `the ${FENCE} fenced block does not parse (${reason})` };
    if (ANY_FENCE.test(output))
      return {
        ok: false,
        problem: `it has a ${FENCE} block but also text around it (${describeOutput(output)}); contains-json accepts JSON anywhere in a reply`,
      };
    return { ok: false, problem: `it does not parse (${reason}); ${describeOutput(output)}` };
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** `is-json: true`, `false` (the reply is prose, not JSON), or `{ allowFence: true }`. */
function isJson(value: unknown, { output }: AssertionContext): AssertionOutcome {
  const options = value as { allowFence?: unknown } | null;
  const objectForm = typeof value === "object" && value !== null && !Array.isArray(value);
  if (typeof value !== "boolean" && !(objectForm && typeof options?.allowFence === "boolean"))
    return badValue("is-json", "true, false or { allowFence: true }", value);
  const allowFence = objectForm && options?.allowFence === true;
  const parsed = parseOutput(output, allowFence, "is-json");
  if (value !== false) {
    if (parsed.ok) return verdict(true, `output is JSON${parsed.fenced ? FENCED : ""}`);
    return verdict(false, `expected output to be JSON; ${parsed.problem}`);
  }
  if (!parsed.ok) return verdict(true, "output is not JSON");
  return verdict(false, `expected output not to be JSON; it is: ${describeOutput(output)}`);
}

/** `json-schema: <schema>`, or `{ schema: <schema>, allowFence: true }`. */
function jsonSchema(value: unknown, { output }: AssertionContext): AssertionOutcome {
  const form = jsonSchemaOf(value);
  if (!form) return badValue("json-schema", "a JSON Schema object, or { schema, allowFence }", value);
  let validate: ReturnType<typeof variableValidator>;
  try {
    // The same compiler and cache as variable schemas: each distinct schema is compiled once per run.
    validate = variableValidator(form.schema);
  } catch (error) {
    return verdict(false, `json-schema: not a valid JSON Schema: ${(error as Error).message}`);
  }
  const parsed = parseOutput(output, form.allowFence, "json-schema");
  if (!parsed.ok) return verdict(false, `expected output to be JSON matching the schema; ${parsed.problem}`);
  const where = parsed.fenced ? FENCED : "";
  if (validate(parsed.value)) return verdict(true, `output is JSON matching the schema${where}`);
  return verdict(
    false,
    `expected output to match the JSON schema${where}; ${describeSchemaErrors(validate.errors ?? [], parsed.value)}`,
  );
}

/** `contains-json: true` (a JSON object or array anywhere), `false` (none), or a schema one must match. */
function containsJson(value: unknown, { output }: AssertionContext): AssertionOutcome {
  const isSchema = typeof value === "object" && value !== null && !Array.isArray(value);
  if (typeof value !== "boolean" && !isSchema)
    return badValue("contains-json", "true, false or a JSON Schema object", value);
  let validate: ReturnType<typeof variableValidator> | undefined;
  if (isSchema) {
    try {
      validate = variableValidator(value as Record<string, unknown>);
    } catch (error) {
      return verdict(false, `contains-json: not a valid JSON Schema: ${(error as Error).message}`);
    }
  }
  const found = findJson(output, validate);
  if (value === false) {
    if (found.match === undefined) return verdict(true, "output contains no JSON object or array");
    return verdict(false, `expected output to contain no JSON; found ${found.match.excerpt}`);
  }
  if (found.match) {
    const matching = validate ? " matching the schema" : "";
    return verdict(true, `output contains JSON${matching} ${found.match.excerpt}`);
  }
  if (!validate || found.candidates === 0)
    return verdict(
      false,
      `expected output to contain a JSON object or array; found none (${describeOutput(output)})`,
    );
  return verdict(
    false,
    `expected output to contain JSON matching the schema; ${found.candidates === 1 ? "the one JSON value found does not match" : `none of the ${found.candidates} JSON values found matches`}: ${found.firstProblem}`,
  );
}

export const jsonAssertions: Record<string, AssertionHandler> = {
  "is-json": isJson,
  "json-schema": jsonSchema,
  "contains-json": containsJson,
};
