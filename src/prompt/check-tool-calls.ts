import type { Diagnostic } from "../diagnostics.js";
import { closestMatch } from "../schemas/did-you-mean.js";
import type { PathSegment } from "../yaml/yaml-source.js";
import { diagnosticAt, type LoadedPrompt } from "./load-prompt.js";
import type { Assertion, PromptFile } from "./prompt-file.js";
import { variableSchemaProblem } from "./variables.js";

const TOOL_TYPES = new Set(["tool-call", "no-tool-call"]);
const isTemplate = (text: string) => text.includes("{{") || text.includes("{%");
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `tool-call` and `no-tool-call` against the tools the prompt declares: an assertion on a prompt
 * with no tools, a tool it does not declare, or an argument its tool has no parameter for is a
 * mistake a run would only show as a puzzling failure.
 */
export function checkToolCallAssertions(loaded: LoadedPrompt, prompt: PromptFile): Diagnostic[] {
  const tools = declaredTools(loaded.source.value);
  if (!tools) return [];
  const diagnostics: Diagnostic[] = [];
  const check = (path: PathSegment[], assertion: Assertion) => {
    if (!isRecord(assertion)) return;
    const [type, value] = Object.entries(assertion)[0] ?? [];
    if (type === undefined || !TOOL_TYPES.has(type)) return;
    diagnostics.push(...checkOne(loaded, [...path, type], type, value, tools));
  };
  (Array.isArray(prompt.tests) ? prompt.tests : []).forEach((test, i) => {
    const asserts: unknown = isRecord(test) ? test.assert : undefined;
    if (Array.isArray(asserts))
      asserts.forEach((a, j) => {
        check(["tests", i, "assert", j], a);
      });
  });
  (Array.isArray(prompt.boundary) ? prompt.boundary : []).forEach((a, j) => {
    check(["boundary", j], a);
  });
  return diagnostics;
}

type Tools = ReadonlyMap<string, Record<string, unknown> | undefined>;

/**
 * The tools as written, each with its parameters: read from the file itself, as a prompt that failed
 * its schema elsewhere is checked from its salvaged parts, which need not carry `tools`. Undefined
 * when `tools:` is not a list (the schema says so; "no tools" would say it twice).
 */
function declaredTools(file: unknown): Tools | undefined {
  const written = isRecord(file) ? file.tools : undefined;
  if (written !== undefined && !Array.isArray(written)) return undefined;
  const tools = new Map<string, Record<string, unknown> | undefined>();
  for (const tool of written ?? []) {
    const fn = isRecord(tool) && isRecord(tool.function) ? tool.function : undefined;
    if (typeof fn?.name === "string") tools.set(fn.name, isRecord(fn.parameters) ? fn.parameters : undefined);
  }
  return tools;
}

function checkOne(
  loaded: LoadedPrompt,
  path: PathSegment[],
  type: string,
  value: unknown,
  tools: Tools,
): Diagnostic[] {
  if (tools.size === 0) {
    // `no-tool-call` holds trivially when the model has no tool to call: most likely `tools:` was lost.
    const severity = type === "no-tool-call" ? "warning" : "error";
    return [
      diagnosticAt(loaded.source, path, "tool-call-no-tools", `${type}: the prompt declares no tools`, {
        target: "key",
        severity,
        hint: "declare the tools the model may call under `tools:` (OpenAI's function-tool shape)",
      }),
    ];
  }
  const diagnostics: Diagnostic[] = [];
  const name = (at: PathSegment[], text: unknown) => {
    if (typeof text !== "string" || isTemplate(text) || tools.has(text)) return;
    const suggestion = closestMatch(text, tools.keys());
    diagnostics.push(
      diagnosticAt(
        loaded.source,
        at,
        "tool-call-unknown-tool",
        `${type}: the prompt declares no tool "${text}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`,
        { hint: `declared tools: ${[...tools.keys()].join(", ")}` },
      ),
    );
  };
  if (type === "no-tool-call") {
    if (Array.isArray(value))
      value.forEach((item, k) => {
        name([...path, k], item);
      });
    else name(path, value);
    return diagnostics;
  }
  const expectations = Array.isArray(value)
    ? value.map((item, k) => ({ item, at: [...path, k] }))
    : [{ item: value, at: path }];
  for (const { item, at } of expectations) {
    if (typeof item === "string") {
      name(at, item);
      continue;
    }
    if (!isRecord(item)) continue;
    name([...at, "name"], item.name);
    const parameters = typeof item.name === "string" ? tools.get(item.name) : undefined;
    if (isRecord(item.args))
      diagnostics.push(...checkArgs(loaded, [...at, "args"], item.args, item.name, parameters));
    const schema = item["args-schema"];
    if (isRecord(schema)) {
      const problem = variableSchemaProblem(schema);
      if (problem)
        diagnostics.push(
          diagnosticAt(
            loaded.source,
            [...at, "args-schema", ...problem.path],
            "assertion-schema",
            `tool-call: args-schema is not a valid JSON Schema: ${problem.message}`,
            problem.hint ? { hint: problem.hint } : {},
          ),
        );
    }
  }
  return diagnostics;
}

/** A key of `args` the tool's parameters do not have is a typo: the model could never send it. */
function checkArgs(
  loaded: LoadedPrompt,
  path: PathSegment[],
  args: Record<string, unknown>,
  tool: unknown,
  parameters: Record<string, unknown> | undefined,
): Diagnostic[] {
  const properties = parameters?.properties;
  if (!isRecord(properties)) return [];
  const known = Object.keys(properties);
  return Object.keys(args)
    .filter((key) => !Object.hasOwn(properties, key))
    .map((key) => {
      const suggestion = closestMatch(key, known);
      return diagnosticAt(
        loaded.source,
        [...path, key],
        "tool-call-unknown-arg",
        `tool-call: the tool ${String(tool)} has no parameter "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`,
        { target: "key", hint: `its parameters: ${known.join(", ") || "(none)"}` },
      );
    });
}

/** The texts of a `tool-call` value that are templates over the test's vars: names and `args` texts. */
export function toolCallTexts(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(toolCallTexts);
  if (!isRecord(value)) return [];
  return [...(typeof value.name === "string" ? [value.name] : []), ...texts(value.args)];
}

function texts(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(texts);
  return isRecord(value) ? Object.values(value).flatMap(texts) : [];
}
