import type { Diagnostic } from "../diagnostics.js";
import { regexProblem } from "../schemas/safe-regexp.js";
import type { PathSegment, YamlSource } from "../yaml/yaml-source.js";
import { assertionParts } from "./assertion-parts.js";
import { toolCallTexts } from "./check-tool-calls.js";
import { javascriptValueProblem } from "./javascript-value.js";
import { jsonSchemaOf } from "./json-schema-value.js";
import { diagnosticAt, type LoadedPrompt } from "./load-prompt.js";
import { type Assertion, isDatasetEntry, type PromptFile, type PromptTest } from "./prompt-file.js";
import { isRegexProblem, regexSpec } from "./regex-value.js";
import { analyseTemplate, TemplateSyntaxError } from "./template-analysis.js";
import {
  checkVariables,
  type SchemaProblem,
  type VariableProblem,
  variableSchemaProblem,
  variableValidator,
} from "./variables.js";

/** The variable schemas themselves, and the response_format schema, must be usable JSON Schemas. */
export function checkSchemas(loaded: LoadedPrompt, prompt: PromptFile): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const [name, schema] of Object.entries(prompt.variables ?? {})) {
    const problem = variableSchemaProblem(schema);
    if (problem) {
      diagnostics.push(
        diagnosticAt(
          loaded.source,
          ["variables", name, ...problem.path],
          "variable-schema",
          `variable "${name}" has an invalid JSON Schema: ${problem.message}`,
          schemaProblemOptions(problem),
        ),
      );
      continue;
    }
    if ("default" in schema && !variableValidator(schema)(structuredClone(schema.default))) {
      diagnostics.push(
        diagnosticAt(
          loaded.source,
          ["variables", name, "default"],
          "variable-default",
          `the default of variable "${name}" does not satisfy its own schema`,
        ),
      );
    }
  }
  const responseSchema = prompt.response_format?.json_schema?.schema;
  if (responseSchema) {
    const problem = variableSchemaProblem(responseSchema);
    // The provider applies this schema, never promptops: a pattern RE2 cannot run is no problem here.
    if (problem && !problem.unsupportedPattern) {
      diagnostics.push(
        diagnosticAt(
          loaded.source,
          ["response_format", "json_schema", "schema", ...problem.path],
          "response-schema",
          `response_format schema is not a valid JSON Schema: ${problem.message}`,
          schemaProblemOptions(problem),
        ),
      );
    }
  }
  return diagnostics;
}

/** A `patternProperties` pattern is a key: point at it, not at its schema. */
function schemaProblemOptions(problem: SchemaProblem): { hint?: string; target: "key" | "value" } {
  const target = problem.path.at(-2) === "patternProperties" ? "key" : "value";
  return problem.hint ? { hint: problem.hint, target } : { target };
}

export interface TestCheckOptions {
  /** Config `test.allowJavascript`: whether `javascript` assertions, which are code, may run. */
  allowJavascript: boolean;
  /** Config `judge` is set: an llm-judge without its own `provider:` has a judge to ask. */
  hasJudge: boolean;
}

export function checkTests(
  loaded: LoadedPrompt,
  prompt: PromptFile,
  options: TestCheckOptions,
): Diagnostic[] {
  const { source } = loaded;
  const diagnostics: Diagnostic[] = [];
  const declared = prompt.variables ?? {};
  // What the schema reported is not checked again (salvage-prompt.ts keeps the shape walkable).
  const reported = (...path: PathSegment[]) => {
    const pointer = `/${path.join("/")}`;
    return (loaded.schemaErrorPaths ?? []).some((p) => p === pointer || p.startsWith(`${pointer}/`));
  };
  const schemasUsable =
    !reported("variables") &&
    Object.values(declared).every((schema) => variableSchemaProblem(schema) === undefined);
  const names = new Map<string, number>();
  (prompt.tests ?? []).forEach((test, i) => {
    // A dataset's rows are checked with its file (check-datasets.ts); its shared assertions here.
    if (isDatasetEntry(test)) {
      checkAssertions(test.assert, i, test.file);
      return;
    }
    if (reported("tests", i, "name") || test.name === "") {
      checkAssertions(test.assert, i, test.name);
      return;
    }
    const first = names.get(test.name);
    if (first !== undefined) {
      diagnostics.push(
        diagnosticAt(
          source,
          ["tests", i, "name"],
          "test-duplicate-name",
          `test name "${test.name}" is already used by test ${first + 1}`,
          { hint: "test names identify results in reports: make them unique" },
        ),
      );
    } else names.set(test.name, i);

    if (schemasUsable && !reported("tests", i, "vars")) {
      const { problems } = checkVariables(declared, test.vars ?? {});
      for (const problem of problems)
        diagnostics.push(varsProblemDiagnostic(source, ["tests", i], test, problem));
    }
    if (Array.isArray(test.assert) && test.assert.length === 0 && !reported("tests", i, "assert"))
      diagnostics.push(
        diagnosticAt(
          source,
          ["tests", i, "assert"],
          "test-no-assertions",
          `test "${test.name}" asserts nothing`,
          {
            // A warning: a test kept only to watch its output (in a --baseline diff) is legitimate.
            severity: "warning",
            hint: "a test with `assert: []` passes whatever the model says: add a check, e.g. `- not-refusal: true`",
          },
        ),
      );
    checkAssertions(test.assert, i, test.name);
  });
  function checkAssertions(assertions: PromptTest["assert"] | undefined, i: number, name: string): void {
    (assertions ?? []).forEach((assertion, j) => {
      if (reported("tests", i, "assert", j)) return;
      diagnostics.push(...checkAssertion(loaded, ["tests", i, "assert", j], assertion, declared, options));
    });
    if (Array.isArray(assertions) && assertions.length > 0 && assertions.every((a) => weightOf(a) === 0))
      diagnostics.push(
        diagnosticAt(
          source,
          ["tests", i, "assert"],
          "test-weights-zero",
          `test "${name}": every assertion has weight 0, so nothing decides whether it passes`,
          { hint: "weight 0 shows an assertion without counting it: give at least one a weight above 0" },
        ),
      );
  }
  (prompt.boundary ?? []).forEach((assertion, j) => {
    diagnostics.push(...checkAssertion(loaded, ["boundary", j], assertion, declared, options));
  });
  return diagnostics;
}

/** A test's variable problem, at its value under `vars:` (or at the test, when it has none). */
export function varsProblemDiagnostic(
  source: YamlSource,
  testPath: readonly PathSegment[],
  test: { name: string; vars?: unknown },
  problem: VariableProblem,
): Diagnostic {
  const path: PathSegment[] =
    problem.kind === "missing"
      ? test.vars
        ? [...testPath, "vars"]
        : [...testPath, "name"]
      : [...testPath, "vars", problem.variable, ...problem.path];
  return diagnosticAt(source, path, `test-vars-${problem.kind}`, `test "${test.name}": ${problem.message}`, {
    target: problem.kind === "unknown" ? "key" : "value",
    ...(problem.kind === "missing"
      ? { hint: "give it a value under vars:, or a default in its schema" }
      : {}),
  });
}

export function checkAssertion(
  // The prompt file's name resolves a javascript module path; `source` locates problems (a
  // dataset row's own source for its assertions).
  loaded: Pick<LoadedPrompt, "source" | "file">,
  path: PathSegment[],
  assertion: Assertion,
  declared: Record<string, unknown>,
  options: TestCheckOptions,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // A wrong count of type keys is the schema's to report, at the assertion.
  const parts = assertionParts(assertion);
  if ("problem" in parts) return diagnostics;
  const { type, value } = parts;
  const valuePath = [...path, type];
  // A prompt file is reviewed as text and may be edited by anyone who writes prompts: a line of it
  // must not become code that runs in CI, where the API keys are, unless the config says so.
  if (type === "javascript" && !options.allowJavascript) {
    diagnostics.push(
      diagnosticAt(
        loaded.source,
        valuePath,
        "javascript-not-allowed",
        "javascript assertions run code, and prompt files are not trusted to run code",
        {
          target: "key",
          hint: "allow them in promptops.config.yaml with `test: { allowJavascript: true }` (the config is reviewed as code), or use a declarative assertion",
        },
      ),
    );
  }
  // Where it may not run at all, that is the one thing to say about it.
  // `javascript: "code"` or `{ code, threshold }`: the code is checked in either form.
  const javascriptCode = typeof value === "string" ? value : (value as { code?: unknown } | null)?.code;
  if (type === "javascript" && options.allowJavascript && typeof javascriptCode === "string") {
    const problem = javascriptValueProblem(javascriptCode, loaded.file);
    const codePath = typeof value === "string" ? valuePath : [...valuePath, "code"];
    if (problem) {
      const diagnostic = diagnosticAt(loaded.source, codePath, "assertion-javascript", problem.message, {
        hint: problem.hint,
      });
      // At the parser's position inside the code, mapped into the file (a block scalar's lines too).
      if (problem.at)
        Object.assign(diagnostic, loaded.source.locateInString(codePath, problem.at.line0, problem.at.col0));
      diagnostics.push(diagnostic);
    }
  }
  if (type === "llm-judge" && !options.hasJudge && !hasOwnProvider(value))
    diagnostics.push(noJudge(loaded, valuePath));
  if (type === "regex" || type === "not-regex")
    diagnostics.push(...checkRegex(loaded, valuePath, type, value));
  diagnostics.push(...checkAssertionSchema(loaded, valuePath, type, value));
  // Expected values may use the test's variables, e.g. `contains: "{{ customer.name }}"`; a
  // javascript check is code, not a template, and judge rubrics and `similar.to` are templates too.
  for (const text of templatedValues(type, value)) {
    if (!text.includes("{{") && !text.includes("{%")) continue;
    try {
      const analysis = analyseTemplate(text);
      for (const violation of analysis.violations) {
        diagnostics.push(
          diagnosticAt(
            loaded.source,
            valuePath,
            "template-unsafe",
            `${type}: not allowed in a template: ${violation.message}`,
            {
              hint: violation.hint,
            },
          ),
        );
      }
      for (const name of analysis.variables.keys()) {
        if (!Object.hasOwn(declared, name)) {
          diagnostics.push(
            diagnosticAt(
              loaded.source,
              valuePath,
              "assertion-variable",
              `${type}: variable "${name}" is not declared`,
            ),
          );
        }
      }
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      diagnostics.push(
        diagnosticAt(
          loaded.source,
          valuePath,
          "assertion-template",
          `${type}: template syntax error: ${error.message}`,
        ),
      );
    }
  }
  return diagnostics;
}

/** The JSON Schema of a `json-schema` (bare or `{ schema }`) or `contains-json` must be usable. */
function checkAssertionSchema(
  loaded: Pick<LoadedPrompt, "source">,
  valuePath: PathSegment[],
  type: string,
  value: unknown,
): Diagnostic[] {
  let schema: Record<string, unknown> | undefined;
  let path = valuePath;
  if (type === "json-schema") {
    const form = jsonSchemaOf(value);
    // Not a shape the schema file can tell from a JSON Schema: `{ schema, allowFence }` with a wrong part.
    if (!form && value && typeof value === "object")
      return [
        diagnosticAt(
          loaded.source,
          valuePath,
          "assertion-schema",
          "json-schema: { schema, allowFence } takes a JSON Schema object and allowFence true or false",
        ),
      ];
    schema = form?.schema;
    if (form && form.schema !== value) path = [...valuePath, "schema"];
  } else if (type === "contains-json" && value && typeof value === "object" && !Array.isArray(value))
    schema = value as Record<string, unknown>;
  const problem = schema && variableSchemaProblem(schema);
  if (!problem) return [];
  return [
    diagnosticAt(
      loaded.source,
      [...path, ...problem.path],
      "assertion-schema",
      `${type}: not a valid JSON Schema: ${problem.message}`,
      schemaProblemOptions(problem),
    ),
  ];
}

/** A `regex`/`not-regex` value: its shape, its flags and, unless it is a template, its pattern. */
function checkRegex(
  loaded: Pick<LoadedPrompt, "source">,
  valuePath: PathSegment[],
  type: string,
  value: unknown,
): Diagnostic[] {
  const spec = regexSpec(type, value);
  if (isRegexProblem(spec)) {
    // A wrong shape is the schema's to report, with its own location; a /x/i string is ours.
    if (typeof value !== "string") return [];
    return [diagnosticAt(loaded.source, valuePath, "assertion-regex", spec.message, { hint: spec.hint })];
  }
  // A pattern with template tags gets its text at run time; the run checks it then (flags now).
  const templated = spec.pattern.includes("{{") || spec.pattern.includes("{%");
  const problem = regexProblem(templated ? "" : spec.pattern, spec.flags);
  if (!problem) return [];
  const path =
    typeof value === "string"
      ? valuePath
      : [...valuePath, /^flags/.test(problem.message) ? "flags" : "pattern"];
  return [
    diagnosticAt(loaded.source, path, "assertion-regex", `${type}: ${problem.message}`, {
      hint: problem.hint,
    }),
  ];
}

function templatedValues(type: string, value: unknown): string[] {
  if (type === "javascript") return [];
  if (type === "tool-call") return toolCallTexts(value);
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  if (value && typeof value === "object") {
    const { rubric, to, pattern } = value as { rubric?: unknown; to?: unknown; pattern?: unknown };
    return [rubric, to, pattern].filter((v): v is string => typeof v === "string");
  }
  return [];
}

/** Which code and message a missing judge gets: `test` refuses on it with exit 2 (run-inputs.ts). */
export const NO_JUDGE_CODE = "no-judge";
export const NO_JUDGE_HINT =
  'set `judge: "openai:gpt-4o"` in promptops.config.yaml, or give the assertion its own `provider:`';

/** An llm-judge with nobody to ask is a configuration problem, found before anything is sent. */
function noJudge(loaded: Pick<LoadedPrompt, "source">, path: PathSegment[]): Diagnostic {
  return diagnosticAt(
    loaded.source,
    path,
    NO_JUDGE_CODE,
    "llm-judge has no judge to ask: no `provider:` on the assertion and no `judge:` in promptops.config.yaml",
    {
      target: "key",
      hint: NO_JUDGE_HINT,
    },
  );
}

function hasOwnProvider(value: unknown): boolean {
  const ref =
    typeof value === "object" && value !== null ? (value as { provider?: unknown }).provider : undefined;
  return typeof ref === "string" && ref.trim() !== "";
}

function weightOf(assertion: Assertion): number {
  const parts = assertionParts(assertion);
  return "problem" in parts ? 1 : parts.weight;
}
