import type { Assertion } from "../../prompt/prompt-file.js";
import { BASELINE_TARGET } from "../judge/similar.js";
import type { TestCase } from "../plan-cases.js";
import type { AssertionInput, CaseRunnerDeps } from "../run-cases.js";
import type { BaselinePlan } from "./plan-baseline.js";

/**
 * The baseline's reply to each case, for assertions that compare with it (`similar: { to: baseline }`):
 * such a case waits, after its own reply, for its twin's; every other case grades at once.
 */
export interface BaselineOutputs {
  /** The tested side's runner: hands the twin's output to the assertions as `baselineOutput`. */
  current(deps: CaseRunnerDeps): CaseRunnerDeps;
  /** The baseline side's runner: records each reply as it is graded (and is its own baseline). */
  baseline(deps: CaseRunnerDeps): CaseRunnerDeps;
  /** A baseline sample is over: a twin that got no reply has no output (never leaves a case waiting). */
  settle(testCase: TestCase): void;
}

const sampleKey = (testCase: TestCase) =>
  JSON.stringify([testCase.promptId, testCase.test.name, testCase.provider, testCase.sample]);

/** Whether any assertion compares with the baseline's output. */
function comparesWithBaseline(assertions: readonly Assertion[]): boolean {
  return assertions.some((assertion) => {
    const value = assertion.similar;
    return typeof value === "object" && value !== null && (value as { to?: unknown }).to === BASELINE_TARGET;
  });
}

export function baselineOutputs(plan: BaselinePlan): BaselineOutputs {
  const outputs = new Map<string, { promise: Promise<string | undefined>; resolve(output?: string): void }>();
  const slot = (testCase: TestCase) => {
    const key = sampleKey(testCase);
    let entry = outputs.get(key);
    if (!entry) {
      let resolve!: (output?: string) => void;
      const promise = new Promise<string | undefined>((r) => (resolve = r));
      entry = { promise, resolve };
      outputs.set(key, entry);
    }
    return entry;
  };
  const twins = new Set(plan.cases.map(sampleKey));

  return {
    current: (deps) => ({
      ...deps,
      async evaluate(assertions, input, testCase) {
        if (!comparesWithBaseline(assertions)) return deps.evaluate(assertions, input, testCase);
        const version = plan.versions.get(testCase.promptId);
        // Same content on both sides: the twin's reply is this one.
        const baselineOutput = version?.same
          ? input.output
          : twins.has(sampleKey(testCase))
            ? await slot(testCase).promise
            : undefined;
        const context: AssertionInput & { baselineOutput?: string } = { ...input };
        if (baselineOutput !== undefined) context.baselineOutput = baselineOutput;
        return deps.evaluate(assertions, context, testCase);
      },
    }),
    baseline: (deps) => ({
      ...deps,
      evaluate(assertions, input, testCase) {
        slot(testCase).resolve(input.output);
        // On the baseline version, the baseline's output is its own: it is as close to it as can be.
        const context: AssertionInput & { baselineOutput?: string } = {
          ...input,
          baselineOutput: input.output,
        };
        return deps.evaluate(assertions, context, testCase);
      },
    }),
    settle: (testCase) => slot(testCase).resolve(undefined),
  };
}
