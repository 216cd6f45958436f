import type { ProjectConfig } from "../../config/config.js";
import type { Assertion } from "../../prompt/prompt-file.js";
import { createProvider } from "../../providers/create-provider.js";
import type { Provider } from "../../providers/provider.js";
import { PROVIDER_BACKED } from "../assertions/handlers.js";
import type { AssertionContext, AssertionHandler, AssertionOutcome } from "../assertions/index.js";
import { assertionHandlers, evaluateAssertions } from "../assertions/index.js";
import type { ProviderCaller } from "../provider-caller.js";
import type { AssertionResult, CaseResult, JudgeUsage } from "../results.js";
import type { GraderScope } from "./grader-scope.js";
import type { GradingPlan } from "./grading-plan.js";
import type { JudgePrompt } from "./judge-prompt.js";
import { type GraderReply, UsageTally } from "./judge-usage.js";
import { llmJudge } from "./llm-judge.js";
import { similar } from "./similar.js";

export interface GraderDeps {
  caller: ProviderCaller;
  /** The run's tested providers: a judge that is also under test is reused, not created twice. */
  providers: ReadonlyMap<string, Provider>;
  env: NodeJS.ProcessEnv;
  config: ProjectConfig;
  price(provider: Provider, tokens: { input: number; output: number }): number | null;
  /** Loaded when the plan has a judge to ask (GradingPlan.asksJudge). */
  judgePrompt: JudgePrompt | undefined;
}

/** The llm-judge and similar graders of one run. */
export interface Graders {
  /** The runner's `evaluate`: checks a case's assertions with this run's graders, counting their usage. */
  evaluate(assertions: readonly Assertion[], context: AssertionContext): Promise<AssertionResult[]>;
  /** Puts the judge usage of a finished case on its result (`judge`), when it had any. */
  attach(result: CaseResult): void;
  /** The run's judge usage so far (undefined when no grader replied). */
  usage(): JudgeUsage | undefined;
  /** The judge for an llm-judge's `provider:` (or config `judge`), for graders outside a case (--judge-pairwise). */
  judgeProvider(ref: string | undefined): Provider | undefined;
  /** Counts a reply of a grader outside a case in the run's judge usage; returns it priced. */
  record(
    provider: Provider,
    reply: { tokens: { input: number; output: number }; cached: boolean },
  ): GraderReply;
}

export async function createGraders(plan: GradingPlan, deps: GraderDeps): Promise<Graders> {
  const providers = new Map<string, Provider>();
  for (const spec of plan.specs)
    providers.set(
      spec.id,
      deps.providers.get(spec.id) ??
        (await createProvider(spec, deps.env, {
          cwd: deps.config.root,
          maxReplyBytes: deps.config.test.maxReplyBytes,
        })),
    );
  const lookup = (ref: string | undefined, fallback: GradingPlan["judge"]) => {
    const spec = ref === undefined ? fallback : plan.byRef.get(ref.trim());
    if (ref !== undefined && !spec) throw new Error(`the grader provider "${ref}" was not in the run's plan`);
    return spec ? providers.get(spec.id) : undefined;
  };
  const run = new UsageTally();
  const done = new WeakMap<readonly AssertionResult[], UsageTally>();
  // A case whose grading threw gets a fresh result from the runner, found again by its output.
  const failed = new Map<string, UsageTally[]>();

  return {
    async evaluate(assertions, context) {
      // A case with no grader has no judge usage to count: its assertions are checked as they are.
      if (!assertions.some(needsGrader)) return evaluateAssertions(assertions, context);
      const usage = new UsageTally();
      const scope: GraderScope = {
        caller: deps.caller,
        judgePrompt: deps.judgePrompt,
        judgeProvider: (ref) => lookup(ref, plan.judge),
        embeddingsProvider: (ref) => lookup(ref, plan.embeddings),
        record(provider, reply) {
          const graded = { ...reply, costUsd: deps.price(provider, reply.tokens) };
          usage.add(graded);
          run.add(graded);
        },
      };
      // Grader calls of the case still running: waited for when a sibling assertion throws.
      const pending = new Set<Promise<unknown>>();
      const handler =
        (grade: Grade): AssertionHandler =>
        (value, caseContext) => {
          const outcome = grade(value, caseContext, scope);
          pending.add(outcome);
          return outcome;
        };
      // This case's graders, handed to its assertions: each call knows its run and case by closure.
      const handlers = assertionHandlers({ "llm-judge": handler(llmJudge), similar: handler(similar) });
      try {
        const results = await evaluateAssertions(assertions, context, handlers);
        done.set(results, usage);
        return results;
      } catch (error) {
        // The case ends now; its other judges' replies (already paid for) are still counted.
        await Promise.allSettled(pending);
        failed.set(context.output, [...(failed.get(context.output) ?? []), usage]);
        throw error;
      }
    },
    attach(result) {
      let usage = done.get(result.assertions);
      if (!usage && result.status === "error") usage = failed.get(result.output)?.shift();
      const judge = usage?.usage();
      if (judge) result.judge = judge;
    },
    usage: () => run.usage(),
    judgeProvider: (ref) => lookup(ref, plan.judge),
    record(provider, reply) {
      const graded = { ...reply, costUsd: deps.price(provider, reply.tokens) };
      run.add(graded);
      return graded;
    },
  };
}

function needsGrader(assertion: Assertion): boolean {
  return Object.keys(assertion).some((type) => Object.hasOwn(PROVIDER_BACKED, type));
}

type Grade = (value: unknown, context: AssertionContext, scope: GraderScope) => Promise<AssertionOutcome>;
