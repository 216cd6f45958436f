import type { ErrorObject } from "ajv/dist/2020.js";
import { variableValidator } from "../../prompt/variables.js";
import { pointerSegments, valueAtSegments } from "../../schemas/json-pointer.js";
import { truncate } from "../../text/truncate.js";
import type { AssertionContext, AssertionHandler, AssertionOutcome } from "./context.js";
import { badValue, describeOutput, verdict } from "./messages.js";

type ParsedOutput = { ok: true; value: unknown; fenced: boolean } | { ok: false; problem: string };

// Chat models wrap JSON in a Markdown fence even when told not to; a reply that is exactly one
// fenced block is read as its contents. Prose around the fence is not JSON, and the message says so.
const WHOLE_FENCE = /^\s*```[ \t]*(?:json)?[ \t]*\r?\n([\s\S]*?)\r?\n?[ \t]*```\s*$/i;
const ANY_FENCE = /```[ \t]*json[ \t]*\r?\n/i;
const FENCE = "```json";
const FENCED = ` (inside a ${FENCE} fenced block)`;

function parseOutput(output: string): ParsedOutput {
  const fence = WHOLE_FENCE.exec(output);
  const text = fence ? fence[1]! : output;
  try {
    return { ok: true, value: JSON.parse(text), fenced: fence !== null };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (fence) return { ok: false, problem: `the ${FENCE} fenced block does not parse (${reason})` };
    if (ANY_FENCE.test(output))
      return {
        ok: false,
        problem: `it has a ${FENCE} block but also text around it (${describeOutput(output)})`,
      };
    return { ok: false, problem: `it does not parse (${reason}); ${describeOutput(output)}` };
  }
}

/** `is-json: false` asserts the opposite: the reply is prose, not JSON. */
function isJson(value: unknown, { output }: AssertionContext): AssertionOutcome {
  if (typeof value !== "boolean") return badValue("is-json", "true or false", value);
  const parsed = parseOutput(output);
  if (value) {
    if (parsed.ok) return verdict(true, `output is JSON${parsed.fenced ? FENCED : ""}`);
    return verdict(false, `expected output to be JSON; ${parsed.problem}`);
  }
  if (!parsed.ok) return verdict(true, "output is not JSON");
  return verdict(
    false,
    `expected output not to be JSON; it is${parsed.fenced ? FENCED : ""}: ${describeOutput(output)}`,
  );
}

function jsonSchema(value: unknown, { output }: AssertionContext): AssertionOutcome {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return badValue("json-schema", "a JSON Schema object", value);
  let validate: ReturnType<typeof variableValidator>;
  try {
    // The same compiler and cache as variable schemas: each distinct schema is compiled once per run.
    validate = variableValidator(value as Record<string, unknown>);
  } catch (error) {
    return verdict(false, `json-schema: not a valid JSON Schema: ${(error as Error).message}`);
  }
  const parsed = parseOutput(output);
  if (!parsed.ok) return verdict(false, `expected output to be JSON matching the schema; ${parsed.problem}`);
  const where = parsed.fenced ? FENCED : "";
  if (validate(parsed.value)) return verdict(true, `output is JSON matching the schema${where}`);
  const errors = validate.errors ?? [];
  const shown = errors.slice(0, 3).map((error) => describeSchemaError(error, parsed.value));
  const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : "";
  return verdict(false, `expected output to match the JSON schema${where}; ${shown.join("; ")}${more}`);
}

function describeSchemaError(error: ErrorObject, document: unknown): string {
  const segments = pointerSegments(error.instancePath);
  const at = segments.length > 0 ? `/${segments.join("/")}` : "the document";
  if (error.keyword === "additionalProperties")
    return `${at} has unknown property "${String(error.params.additionalProperty)}"`;
  let detail = error.message ?? "is invalid";
  if (error.keyword === "enum")
    detail += `: ${(error.params.allowedValues as unknown[]).map(String).join(", ")}`;
  if (error.keyword === "required") return `${at} ${detail}`;
  const found = valueAtSegments(document, segments);
  const text = JSON.stringify(found) ?? "nothing";
  return `${at} ${detail} (found ${truncate(text, 40)})`;
}

export const jsonAssertions: Record<string, AssertionHandler> = {
  "is-json": isJson,
  "json-schema": jsonSchema,
};
