import { PromptOpsError } from "../../errors.js";
import { canonicalJson } from "../../prompt/hash.js";
import type { VariableSchema } from "../../prompt/prompt-file.js";
import { checkVariables } from "../../prompt/variables.js";
import { isSent } from "../boundary/boundary-cases.js";
import type { PromptUnderTest, TestCase } from "../plan-cases.js";
import type { MissingBaseline } from "./baseline-results.js";

/** The baseline version of one prompt. */
export interface BaselineVersion {
  version: number;
  hash: string;
  /**
   * Its content is the tested version's own: the requests would be identical, so its cases are not
   * sent again but take the tested cases' replies (as a cache hit would).
   */
  same: boolean;
}

export interface BaselinePlan {
  /** As given: "env:production" or "v3". */
  ref: string;
  /** Per prompt id, for the prompts of the plan that have one. */
  versions: ReadonlyMap<string, BaselineVersion>;
  /** Prompts of the plan without one: compared against nothing. */
  missing: MissingBaseline[];
  /** The baseline cases that need calls of their own, in the order of the tested ones. */
  cases: TestCase[];
  /** Cases (by pairKey) whose variables the baseline version does not accept: why not. */
  unfit: ReadonlyMap<string, string>;
}

/** `ref` resolved for the tested prompts (versions/versions-under-test.ts), before planning. */
export interface BaselineVersions {
  /** As given: "env:production" or "v3". */
  ref: string;
  units: readonly PromptUnderTest[];
  /** Prompts that have no such version (not named, so skipped): why not. */
  missing: readonly MissingBaseline[];
}

/** The case a result or a case stands for on both sides: prompt, test and provider. */
export function pairKey(item: { prompt: string; test: string; provider: string }): string {
  return JSON.stringify([item.prompt, item.test, item.provider]);
}

const caseKeyOf = (testCase: TestCase) =>
  pairKey({ prompt: testCase.promptId, test: testCase.test.name, provider: testCase.provider });

/** --baseline's value: a published version (`v3`, `3`) or an environment's (`env:production`). */
export function checkBaselineRef(ref: string): string {
  if (/^v?[1-9]\d*$/.test(ref) || /^env:[^\s:]+$/.test(ref)) return ref;
  throw new PromptOpsError("bad-baseline", `--baseline expects vN or env:<environment>, got "${ref}"`, {
    exitCode: 2,
    hint: "e.g. --baseline env:production or --baseline v3",
  });
}

/**
 * The same cases on the baseline version of each prompt, worked out before anything is sent.
 * Tests come from the working tree on both sides (as with --version), so each case has a twin.
 */
export function planBaseline(resolved: BaselineVersions, current: readonly TestCase[]): BaselinePlan {
  const { ref, units } = resolved;
  const tested = new Set(current.map((c) => c.promptId));
  const missing = resolved.missing.filter(({ prompt }) => tested.has(prompt));
  const byId = new Map(units.map((unit) => [unit.prompt.id, unit]));
  const versions = new Map<string, BaselineVersion>();
  const cases: TestCase[] = [];
  const unfit = new Map<string, string>();
  for (const testCase of current) {
    const unit = byId.get(testCase.promptId);
    if (!unit || unit.version === "draft") continue;
    const same = unit.hash === testCase.hash;
    versions.set(testCase.promptId, { version: unit.version, hash: unit.hash, same });
    // An input the variable schemas refused never reaches a model, on either side.
    if (same || !isSent(testCase)) continue;
    const { values, problems } = checkVariables(
      unit.compiled.variables ?? {},
      givenVars(testCase, testCase.compiled.variables ?? {}),
    );
    if (problems.length > 0) {
      unfit.set(caseKeyOf(testCase), `v${unit.version} cannot run this test: ${problems[0]!.message}`);
      continue;
    }
    const prefix = `${testCase.promptId}@${testCase.version}|`;
    cases.push({
      ...testCase,
      key: testCase.key.startsWith(prefix)
        ? `${testCase.promptId}@${unit.version}|${testCase.key.slice(prefix.length)}`
        : `${testCase.key}|baseline`,
      version: unit.version,
      hash: unit.hash,
      compiled: unit.compiled,
      vars: values,
    });
  }
  return { ref, versions, missing, cases, unfit };
}

/**
 * The variables a case was given, without those the tested version filled in from its own
 * defaults: the baseline version fills in its own (or has no such variable).
 */
function givenVars(testCase: TestCase, declared: Readonly<Record<string, VariableSchema>>) {
  const explicit = testCase.test.vars ?? {};
  return Object.fromEntries(
    Object.entries(testCase.vars).filter(([name, value]) => {
      if (Object.hasOwn(explicit, name)) return true;
      const schema = declared[name];
      return !(schema && "default" in schema && canonicalJson(schema.default) === canonicalJson(value));
    }),
  );
}

/** --judge-pairwise compares each case with its baseline twin: without --baseline it has nothing to compare. */
export function refusePairwiseWithoutBaseline(baseline: string | undefined): void {
  if (baseline !== undefined) return;
  throw new PromptOpsError("pairwise-without-baseline", "--judge-pairwise compares with a baseline", {
    exitCode: 2,
    hint: "add --baseline env:<environment> or --baseline vN",
  });
}
