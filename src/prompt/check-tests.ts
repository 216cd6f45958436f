import type { Diagnostic } from "../diagnostics.js";
import { regexProblem } from "../schemas/safe-regexp.js";
import type { PathSegment, YamlSource } from "../yaml/yaml-source.js";
import { diagnosticAt, type LoadedPrompt } from "./load-prompt.js";
import { type Assertion, isDatasetEntry, type PromptFile } from "./prompt-file.js";
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
  const schemasUsable = Object.values(declared).every(
    (schema) => variableSchemaProblem(schema) === undefined,
  );
  const names = new Map<string, number>();
  (prompt.tests ?? []).forEach((test, i) => {
    // A dataset's rows are checked with its file (check-datasets.ts); its shared assertions here.
    if (isDatasetEntry(test)) {
      (test.assert ?? []).forEach((assertion, j) => {
        diagnostics.push(...checkAssertion(loaded, ["tests", i, "assert", j], assertion, declared, options));
      });
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

    if (schemasUsable) {
      const { problems } = checkVariables(declared, test.vars ?? {});
      for (const problem of problems)
        diagnostics.push(varsProblemDiagnostic(source, ["tests", i], test, problem));
    }
    test.assert.forEach((assertion, j) => {
      diagnostics.push(...checkAssertion(loaded, ["tests", i, "assert", j], assertion, declared, options));
    });
  });
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
  loaded: Pick<LoadedPrompt, "source">,
  path: PathSegment[],
  assertion: Assertion,
  declared: Record<string, unknown>,
  options: TestCheckOptions,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const [type, value] = Object.entries(assertion)[0] ?? [];
  if (!type) return diagnostics;
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
  if (type === "llm-judge" && !options.hasJudge && !hasOwnProvider(value))
    diagnostics.push(noJudge(loaded, valuePath));
  if (type === "regex" || type === "not-regex")
    diagnostics.push(...checkRegex(loaded, valuePath, type, value));
  if (type === "json-schema" && value && typeof value === "object") {
    const problem = variableSchemaProblem(value as Record<string, unknown>);
    if (problem)
      diagnostics.push(
        diagnosticAt(
          loaded.source,
          [...valuePath, ...problem.path],
          "assertion-schema",
          `json-schema: not a valid JSON Schema: ${problem.message}`,
          schemaProblemOptions(problem),
        ),
      );
  }
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
