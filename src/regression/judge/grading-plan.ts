import type { ProjectConfig } from "../../config/config.js";
import { PromptOpsError, type SourceLocation } from "../../errors.js";
import { NO_JUDGE_CODE, NO_JUDGE_HINT } from "../../prompt/check-tests.js";
import type { Assertion } from "../../prompt/prompt-file.js";
import type { CheckedPrompt } from "../../prompt/prompt-project.js";
import type { ProviderKind } from "../../providers/provider.js";
import { type ProviderSpec, resolveProviderRef } from "../../providers/provider-spec.js";
import type { TestCase } from "../plan-cases.js";

/**
 * Which providers the graders of a run will call, worked out before anything is sent, so their
 * credentials are checked with the tested providers' and a bad reference stops the run at once.
 */
export interface GradingPlan {
  /** Every grader provider the plan's assertions use, once each. */
  specs: ProviderSpec[];
  /** config `judge`, when an llm-judge without its own `provider` needs it. */
  judge: ProviderSpec | undefined;
  /** config `embeddings`, when a similar without its own `provider` needs it. */
  embeddings: ProviderSpec | undefined;
  /** An assertion's own `provider:` reference (trimmed), resolved. */
  byRef: ReadonlyMap<string, ProviderSpec>;
  /** Tests whose `similar` has no embeddings provider: they compare by the lexical measure. */
  lexical: number;
  /** Some llm-judge has a judge to ask: the judge prompt is loaded before anything is sent. */
  asksJudge: boolean;
}

/** Only these kinds have an embeddings endpoint (Provider.embed). */
const EMBEDDING_KINDS: ReadonlySet<ProviderKind> = new Set(["openai", "openai-compatible"]);

export function planGrading(config: ProjectConfig, cases: readonly TestCase[]): GradingPlan {
  const specs = new Map<string, ProviderSpec>();
  const byRef = new Map<string, ProviderSpec>();
  const resolve = (ref: string) => {
    const key = ref.trim();
    const spec = byRef.get(key) ?? resolveProviderRef(key, config.providers);
    byRef.set(key, spec);
    return spec;
  };
  const uses = assertionsOf(cases);
  const judged = uses.filter((u) => u.type === "llm-judge");
  const compared = uses.filter((u) => u.type === "similar");
  // The defaults are resolved only when an assertion without its own provider needs them.
  const judge =
    config.judge && judged.some((u) => !u.ref)
      ? resolveProviderRef(config.judge, config.providers)
      : undefined;
  const embeddings =
    config.embeddings && compared.some((u) => !u.ref)
      ? checkEmbeddings(resolveProviderRef(config.embeddings, config.providers), "config `embeddings`")
      : undefined;
  // validate finds this in a prompt file; a published baseline version is checked here.
  const unjudged = judged.find((u) => !u.ref && !config.judge);
  if (unjudged) throw noJudge(`llm-judge in ${unjudged.where} has no judge to ask`, undefined);
  for (const spec of [judge, embeddings]) if (spec) specs.set(spec.id, spec);
  for (const use of judged) if (use.ref) specs.set(resolve(use.ref).id, resolve(use.ref));
  for (const use of compared)
    if (use.ref) specs.set(resolve(use.ref).id, checkEmbeddings(resolve(use.ref), use.where));
  return {
    specs: [...specs.values()],
    judge,
    embeddings,
    byRef,
    lexical: config.embeddings ? 0 : compared.filter((u) => !u.ref).length,
    asksJudge: judge !== undefined || judged.some((u) => u.ref),
  };
}

interface GraderUse {
  type: "llm-judge" | "similar";
  ref: string | undefined;
  /** The test, for messages. */
  where: string;
}

/** Each llm-judge and similar assertion of the plan, once per test (not per provider or sample). */
function assertionsOf(cases: readonly TestCase[]): GraderUse[] {
  const uses: GraderUse[] = [];
  const seen = new Set<readonly Assertion[]>();
  for (const testCase of cases) {
    const assertions = testCase.test.assert;
    if (seen.has(assertions)) continue;
    seen.add(assertions);
    for (const assertion of assertions)
      for (const type of ["llm-judge", "similar"] as const)
        if (assertion && Object.hasOwn(assertion, type))
          uses.push({
            type,
            ref: providerRef(assertion[type]),
            where: `${testCase.promptId} › ${testCase.test.name}`,
          });
  }
  return uses;
}

/** Who grades an llm-judge or similar assertion: its own `provider:`, else the config default. */
export function graderOf(
  plan: Pick<GradingPlan, "judge" | "embeddings" | "byRef">,
  type: "llm-judge" | "similar",
  assertion: Record<string, unknown>,
): ProviderSpec | undefined {
  const ref = providerRef(assertion[type]);
  if (ref) return plan.byRef.get(ref.trim());
  return type === "llm-judge" ? plan.judge : plan.embeddings;
}

/** The `provider:` of an assertion's object form, when it has one. */
function providerRef(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const ref = (value as { provider?: unknown }).provider;
  return typeof ref === "string" && ref.trim() !== "" ? ref : undefined;
}

function checkEmbeddings(spec: ProviderSpec, where: string): ProviderSpec {
  if (EMBEDDING_KINDS.has(spec.kind)) return spec;
  throw new PromptOpsError(
    "no-embeddings",
    `similar: the provider ${spec.id} (${where}) has no embeddings endpoint`,
    {
      exitCode: 2,
      hint: "use an openai or openai-compatible embeddings model, e.g. openai:text-embedding-3-small, or leave `embeddings:` unset for the lexical measure",
    },
  );
}

/** The first llm-judge with no judge to ask (a validate problem), refused as a usage error: exit 2. */
export function refuseMissingJudge(prompts: readonly CheckedPrompt[]): void {
  for (const prompt of prompts) {
    const found = prompt.diagnostics.find((d) => d.code === NO_JUDGE_CODE);
    if (found) throw noJudge(`${prompt.id}: ${found.message}`, found);
  }
}

function noJudge(message: string, location: SourceLocation | undefined): PromptOpsError {
  return new PromptOpsError("no-judge", message, {
    exitCode: 2,
    ...(location ? { location } : {}),
    hint: NO_JUDGE_HINT,
  });
}
