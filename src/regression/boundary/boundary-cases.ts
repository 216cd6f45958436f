import { dirname, relative } from "node:path";
import type { ProjectConfig } from "../../config/config.js";
import type { Assertion, VariableSchema } from "../../prompt/prompt-file.js";
import { checkVariables } from "../../prompt/variables.js";
import { caseIdentity } from "../case-results.js";
import type { CaseSelection, PromptUnderTest, TestCase } from "../plan-cases.js";
import { plannedTests } from "../planned-tests.js";
import type { BoundaryLabel, CaseResult } from "../results.js";
import { providersOf } from "../test-matrix.js";
import { type BoundaryInput, boundaryInputs, isStringVariable } from "./boundary-inputs.js";

/** What a generated case carries besides an ordinary test's fields. */
export interface BoundaryCaseInfo {
  variable: string;
  input: BoundaryInput;
  /**
   * Why the variable schemas refuse the input: such a case is never sent, and passes, since the
   * schema stopped it before any model call.
   */
  rejected?: string;
}

interface PlannedInput {
  variable: string;
  input: BoundaryInput;
  vars: Record<string, unknown>;
  rejected?: string;
}

interface PromptBoundary {
  assertions: Assertion[];
  inputs: PlannedInput[];
  /** Why some variables, or the whole prompt, got no cases. */
  notes: string[];
}

/** `--boundary` cases of one prompt version, every sample of each, in a fixed order. */
export function planBoundaryCases(
  config: ProjectConfig,
  unit: PromptUnderTest,
  selection: CaseSelection,
): TestCase[] {
  const { prompt } = unit;
  const plan = promptBoundary(unit);
  if (plan.inputs.length === 0) return [];
  const needle = selection.filter?.toLowerCase();
  const file = relative(config.root, prompt.file).split("\\").join("/");
  const location = { file, line: prompt.source.locate(["boundary"], "key").line };
  const cases: TestCase[] = [];
  for (const planned of plan.inputs) {
    const name = `boundary: ${planned.variable}: ${planned.input.name}`;
    if (needle && !name.toLowerCase().includes(needle)) continue;
    const boundary: BoundaryCaseInfo = {
      variable: planned.variable,
      input: planned.input,
      ...(planned.rejected ? { rejected: planned.rejected } : {}),
    };
    for (const provider of providersOf(selection, prompt.id)) {
      for (let sample = 1; sample <= selection.repeat; sample++) {
        cases.push({
          key: `${prompt.id}@${unit.version}|${name}|${provider}|${sample}`,
          promptId: prompt.id,
          version: unit.version,
          hash: unit.hash,
          compiled: unit.compiled,
          test: { name, assert: plan.assertions },
          vars: planned.vars,
          provider,
          sample,
          promptDir: dirname(prompt.file),
          location,
          boundary,
        });
      }
    }
  }
  return cases;
}

/** What --boundary could not generate, and why, said once per run rather than once per case. */
export function boundaryNotes(units: readonly PromptUnderTest[]): string[] {
  const plans = units.map((unit) => ({ id: unit.prompt.id, plan: promptBoundary(unit) }));
  const without = plans.filter((p) => p.plan.assertions.length === 0).map((p) => p.id);
  const notes: string[] = [];
  if (without.length > 0) {
    const them = without.length === 1 ? "it" : "them";
    notes.push(
      `--boundary: no \`boundary:\` assertions in ${without.join(", ")}, so no boundary cases for ${them}`,
    );
  }
  for (const { plan } of plans) notes.push(...plan.notes);
  return notes;
}

/** Whether the case goes to a provider; boundary inputs the schemas reject do not. */
export function isSent(testCase: TestCase): boolean {
  return !testCase.boundary?.rejected;
}

/** The result of an input the variable schemas refused: a pass, and not a token spent. */
export function rejectedInputResult(testCase: TestCase): CaseResult {
  return {
    ...caseIdentity(testCase),
    status: "pass",
    output: "",
    latencyMs: 0,
    cached: false,
    tokens: { input: 0, output: 0 },
    costUsd: 0,
    assertions: [
      {
        type: "schema",
        pass: true,
        score: 1,
        message: `rejected by the variable schema before any model call: ${testCase.boundary?.rejected ?? ""}`,
      },
    ],
  };
}

/** The `boundary` field of a generated case's result. */
export function boundaryOf(testCase: TestCase): BoundaryLabel | undefined {
  const info = testCase.boundary;
  if (!info) return undefined;
  return {
    variable: info.variable,
    input: info.input.name,
    category: info.input.category,
    rejectedBySchema: info.rejected !== undefined,
  };
}

/**
 * A prompt's generated inputs. The other variables keep the first test's values (or, with no
 * test, their defaults or first `examples`), so each case changes one variable at a time.
 */
function promptBoundary(unit: PromptUnderTest): PromptBoundary {
  const { prompt } = unit;
  const assertions = prompt.prompt?.boundary ?? [];
  const declared = unit.compiled.variables ?? {};
  const strings = Object.keys(declared).filter((name) => isStringVariable(declared[name]!));
  const id = prompt.id;
  if (assertions.length === 0) return { assertions, inputs: [], notes: [] };
  if (strings.length === 0)
    return { assertions, inputs: [], notes: [`--boundary: ${id} has no string variable to vary`] };

  const firstTest = plannedTests(prompt).next().value?.test;
  const base: Record<string, unknown> = { ...(firstTest ? {} : fromExamples(declared)), ...firstTest?.vars };
  const inputs: PlannedInput[] = [];
  const notes: string[] = [];
  for (const variable of strings) {
    const missing = Object.keys(declared).find(
      (other) => other !== variable && !(other in base) && !("default" in declared[other]!),
    );
    if (missing) {
      notes.push(
        `--boundary: ${id}: no cases for "${variable}": "${missing}" has no value to keep (no test, default or examples)`,
      );
      continue;
    }
    const planned: PlannedInput[] = [];
    let invalidBase: string | undefined;
    for (const input of boundaryInputs(declared[variable]!)) {
      const given = { ...base, [variable]: input.value };
      const { values, problems } = checkVariables(declared, given);
      const others = problems.filter((p) => p.variable !== variable);
      if (others.length > 0) {
        invalidBase = others[0]!.message;
        break;
      }
      const own = problems.map((p) => p.message).join("; ");
      planned.push(own ? { variable, input, vars: given, rejected: own } : { variable, input, vars: values });
    }
    if (invalidBase) notes.push(`--boundary: ${id}: no cases for "${variable}": ${invalidBase}`);
    else inputs.push(...planned);
  }
  return { assertions, inputs, notes };
}

function fromExamples(declared: Readonly<Record<string, VariableSchema>>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(declared)) {
    if ("default" in schema) continue;
    if (Array.isArray(schema.examples) && schema.examples.length > 0) values[name] = schema.examples[0];
  }
  return values;
}
