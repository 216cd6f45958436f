import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { bundleBuildId } from "../build-id.js";
import type { ProjectConfig } from "../config/config.js";
import { loadConfigOrThrow } from "../config/load-config.js";
import { inspectLocalState, type LocalState } from "../config/local-state.js";
import { PromptOpsError } from "../errors.js";
import { discoverPromptFiles } from "../prompt/discover.js";
import { type CheckedPrompt, checkPrompts, refuseInvalidPrompts } from "../prompt/prompt-project.js";
import { selectPrompt } from "../prompt/select-prompt.js";
import { checkProviderCredentials, createProvider } from "../providers/create-provider.js";
import { costUsd } from "../providers/pricing.js";
import type { Provider } from "../providers/provider.js";
import { selectProviders } from "../providers/provider-spec.js";
import { redactDeep } from "../redact-secrets.js";
import type { ResolvedVersion } from "../versions/resolve-version.js";
import { parseVersionRef, type VersionRef } from "../versions/version-ref.js";
import { ParsedYamlCache } from "../yaml/parsed-yaml-cache.js";
import {
  type OnMissingVersion,
  planBaseline,
  refusePairwiseWithoutBaseline,
} from "./baseline/plan-baseline.js";
import { startBaseline } from "./baseline/run-baseline.js";
import { boundaryNotes, isSent, rejectedInputResult } from "./boundary/boundary-cases.js";
import { estimateRunCost, refuseOverBudget } from "./estimate-cost.js";
import { createGraders } from "./judge/graders.js";
import { graderOf, planGrading } from "./judge/grading-plan.js";
import { type CaseSelection, type PromptUnderTest, planCases, type TestCase } from "./plan-cases.js";
import { createProviderCaller } from "./provider-caller.js";
import { collectCaseResults } from "./repeats.js";
import { ResponseCache } from "./response-cache.js";
import type { CaseResult, RunResults } from "./results.js";
import { defaultRetryPolicy } from "./retry.js";
import { BudgetReached, type CaseRunnerDeps, runCases } from "./run-cases.js";
import { MAX_DURATION_REACHED, startRunDeadline } from "./run-deadline.js";
import { regressionsAllowed, runPassed } from "./run-verdict.js";
import { selectChangedSince } from "./select-changed.js";
import { summarise } from "./summarise.js";
import { writeLocalStateFile } from "./write-local-state.js";

export interface TestRunOptions {
  cwd: string;
  /** The project's config, when the caller has loaded it already (from cwd). */
  config?: ProjectConfig;
  ids: string[];
  providers?: string[];
  /** Test that version of each prompt instead of its draft. */
  version?: VersionRef;
  filter?: string;
  since?: string;
  shard?: CaseSelection["shard"];
  repeat?: number;
  concurrency?: number;
  retries?: number;
  timeoutMs?: number;
  /** The run-level deadline: nothing is sent after it, requests in flight end, reports still come. */
  maxDurationMs?: number;
  noCache?: boolean;
  maxCostUsd?: number;
  /** Add generated adversarial inputs for each string variable, checked with `boundary:` assertions. */
  boundary?: boolean;
  /** `env:production` or `v3`: run every selected test on that version too and compare. */
  baseline?: string;
  /** A test that passed on the baseline and fails now fails the run, even when it is allow-fail. */
  failOnRegression?: boolean;
  /** With a baseline: a judge compares both outputs for each llm-judge rubric, in both orders. */
  judgePairwise?: boolean;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Local state left unused (files under .promptops/ that git tracks), said before anything runs. */
  onWarning?(warning: { message: string; hint: string }): void;
  /** Called once the plan is known, before any request. */
  onPlanned?(cases: readonly TestCase[]): void;
  onCaseFinished?(result: CaseResult): void;
}

export interface TestRun extends RunResults {
  projectRoot: string;
  cancelled: boolean;
  /** The run's verdict: what the exit code says (allow-fail tests and baselines considered). */
  passed: boolean;
  /** Where the run was recorded (.promptops/runs/…json). */
  recordFile: string | undefined;
  /** Things worth a line on stderr that are not results, e.g. prompts --boundary could not vary. */
  notes: string[];
}

/** Plans the matrix, checks credentials before sending anything, runs it, and records the run. */
export async function runTests(options: TestRunOptions): Promise<TestRun> {
  const started = performance.now();
  const env = options.env ?? process.env;
  const cancel = options.signal ?? new AbortController().signal;
  const config = options.config ?? loadConfigOrThrow(options.cwd);
  const all = discoverPromptFiles(config.promptsDir);
  const refs = options.ids.length > 0 ? options.ids.map((id) => selectPrompt(all, id)) : all;
  // Caches and run history are this machine's own: what git tracks there is ignored, with a warning.
  const localState = await inspectLocalState(config);
  for (const { message, hint } of localState.problems) options.onWarning?.({ message, hint });
  // Prompt files seldom change between two test runs: their parsed YAML is kept in .promptops/.
  const buildId = bundleBuildId();
  const parsedYamlFile = join(config.root, ".promptops", "parsed-yaml.json");
  const parseCache =
    buildId && !options.noCache && localState.trusts(parsedYamlFile)
      ? new ParsedYamlCache(parsedYamlFile, buildId)
      : undefined;
  const run = checkPrompts(config, refs, [], parseCache);
  refuseInvalidPrompts(run.prompts, "test");
  let checked = run.prompts;
  if (options.since) checked = await selectChangedSince(config, checked, options.since);

  const specs = selectProviders(options.providers, config.providers);
  const units: PromptUnderTest[] = options.version
    ? await versionsUnderTest(config, checked, options.version, options.ids.length > 0)
    : checked.map((prompt) => ({
        prompt,
        version: "draft",
        hash: prompt.result!.hash,
        compiled: prompt.result!.compiled,
      }));
  const cases = planCases(config, units, {
    providers: specs.map((s) => s.id),
    ...(options.filter ? { filter: options.filter } : {}),
    repeat: options.repeat ?? 1,
    ...(options.shard ? { shard: options.shard } : {}),
    ...(options.boundary ? { boundary: true } : {}),
  });
  const notes = options.boundary ? boundaryNotes(units) : [];
  parseCache?.save(); // after planning, which asks where each test is
  // --baseline: the same cases on another version of each prompt, planned before anything is sent.
  if (options.judgePairwise) refusePairwiseWithoutBaseline(options.baseline);
  const baseline = options.baseline
    ? await planBaseline(options.baseline, cases, (ref, onMissing) =>
        versionsUnderTest(config, checked, parseVersionRef(ref), options.ids.length > 0, onMissing),
      )
    : undefined;
  const usedSpecs = specs.filter((spec) => cases.some((c) => c.provider === spec.id));
  // llm-judge and similar providers: checked with the tested ones, before any request.
  const grading = planGrading(config, [...cases, ...(baseline?.cases ?? [])]);
  checkProviderCredentials([...usedSpecs, ...grading.specs], env);
  // --judge-pairwise asks the llm-judge assertions' own judges (in the grading plan already).
  const pairwisePrompt =
    options.judgePairwise && baseline
      ? (await import("./judge/pairwise-prompt.js")).loadPairwisePrompt(config)
      : undefined;
  const providers = new Map<string, Provider>();
  for (const spec of usedSpecs)
    providers.set(
      spec.id,
      await createProvider(spec, env, { cwd: config.root, maxReplyBytes: config.test.maxReplyBytes }),
    );
  options.onPlanned?.(cases);

  const cache = options.noCache
    ? undefined
    : new ResponseCache(resolve(config.root, config.test.cacheDir), localState.trusts);
  const price = (provider: Pick<Provider, "kind" | "model">, tokens: { input: number; output: number }) =>
    costUsd({ kind: provider.kind, model: provider.model }, tokens, config.pricing);
  if (options.maxCostUsd !== undefined) {
    const tested = new Set(cases);
    refuseOverBudget(
      await estimateRunCost(
        [...cases.filter(isSent), ...(baseline?.cases ?? [])],
        (id) => providers.get(id)!,
        price,
        cache,
        {
          judge: (assertion) => graderOf(grading, "llm-judge", assertion),
          embeddings: (assertion) => graderOf(grading, "similar", assertion),
          // Counted on the tested side of each pair; a baseline with the same content is a tie
          // without asking.
          pairwise: (testCase) =>
            options.judgePairwise === true &&
            baseline?.versions.get(testCase.promptId)?.same === false &&
            tested.has(testCase),
        },
      ),
      options.maxCostUsd,
    );
  }
  // Spent is counted as cases finish; once --max-cost is reached nothing new is sent, and requests
  // already in flight finish (they are paid for).
  let spentUsd = 0;
  // Counted from the start of the run, planning included: it is the CI job's clock that matters.
  const maxDurationMs = options.maxDurationMs ?? config.test.maxDurationMs;
  const deadline = startRunDeadline(
    cancel,
    maxDurationMs === undefined ? undefined : Math.max(1, maxDurationMs - (performance.now() - started)),
  );
  const signal = deadline.signal;
  // Once per provider and note, however many replies said it (a deprecated model: every one).
  const providerNotes = new Set<string>();
  const caller = createProviderCaller({
    concurrency: options.concurrency ?? config.test.concurrency,
    providerConcurrency: new Map(
      [...usedSpecs, ...grading.specs].filter((s) => s.concurrency).map((s) => [s.id, s.concurrency!]),
    ),
    retry: { ...defaultRetryPolicy, retries: options.retries ?? config.test.retries },
    timeoutMs: options.timeoutMs ?? config.test.timeoutMs,
    signal,
    cache,
    beforeSend: () => {
      if (options.maxCostUsd !== undefined && spentUsd >= options.maxCostUsd)
        throw new BudgetReached(spentUsd);
    },
    onNotes: (provider, said) => {
      for (const note of said) providerNotes.add(`${provider.id}: ${note}`);
    },
  });
  const graders = await createGraders(grading, { caller, providers, env, config, price });
  const uninstallGraders = graders.install();
  // One result per case: --repeat samples become one (repeats.ts); boundary inputs the variable
  // schemas reject pass without a request (boundary/boundary-cases.ts).
  const collected = collectCaseResults(cases, (result) => options.onCaseFinished?.(result));
  for (const testCase of cases) if (!isSent(testCase)) collected.add(testCase, rejectedInputResult(testCase));
  const sent = cases.filter(isSent);
  const deps: CaseRunnerDeps = {
    provider: (id) => providers.get(id)!,
    evaluate: graders.evaluate,
    price,
    caller,
  };
  // --baseline: each pair's diff is worked out once both replies are in, while requests are out.
  const diffs = baseline ? new (await import("./baseline/output-diffs.js")).OutputDiffs() : undefined;
  let startedTested: () => void = () => undefined;
  const testedStarted = new Promise<void>((resolve) => {
    startedTested = resolve;
  });
  const baselineRun =
    baseline &&
    startBaseline(baseline, deps, {
      signal,
      testedStarted,
      onSampleFinished: (result) => {
        graders.attach(result);
        diffs?.pairUp("baseline", result);
        spentUsd += (result.costUsd ?? 0) + (result.judge?.costUsd ?? 0);
      },
    });
  const sampleResults = await runCases(sent, baselineRun ? baselineRun.currentDeps : deps, {
    signal,
    onCaseFinished: (result, testCase) => {
      graders.attach(result);
      diffs?.pairUp("current", result);
      spentUsd += (result.costUsd ?? 0) + (result.judge?.costUsd ?? 0);
      collected.add(testCase, result);
    },
    onStarted: () => startedTested(),
  });
  const ownResults = collected.finish(sent, sampleResults);
  // --baseline: each case with its twin on the baseline version, and a verdict per prompt × provider.
  const compared =
    baseline && baselineRun
      ? (await import("./baseline/compare-baseline.js")).compareWithBaseline({
          plan: baseline,
          current: ownResults,
          baseline: await baselineRun.results,
          price: (result) => price(providers.get(result.provider)!, result.tokens),
          ...(diffs ? { diffs } : {}),
        })
      : undefined;
  uninstallGraders();
  if (compared && pairwisePrompt) {
    compared.results = await (await import("./judge/pairwise.js")).judgePairwise(compared.results, cases, {
      caller,
      prompt: pairwisePrompt,
      judgeProvider: graders.judgeProvider,
      record: (provider, reply) => {
        const priced = graders.record(provider, reply);
        if (!reply.cached) spentUsd += priced.costUsd ?? 0;
        return priced;
      },
      signal,
    });
  }
  deadline.dispose();
  const results = compared ? compared.results : ownResults;
  if (deadline.reached()) {
    const unfinished = results.filter((r) => r.error === MAX_DURATION_REACHED).length;
    notes.push(`--max-duration (${maxDurationMs} ms) reached: ${unfinished} case(s) not finished`);
  }
  const baselineReport = compared ? { baseline: compared.report } : {};
  const summary = summarise(results, Math.round(performance.now() - started));
  const judgeUsage = graders.usage(); // judges and embeddings, apart from the tested prompts' totals
  if (judgeUsage) summary.judge = judgeUsage;
  const rateLimited = caller.rateLimits();
  if (rateLimited) summary.rateLimited = rateLimited;
  const recordFile = recordRun(config.root, localState, { summary, results, ...baselineReport });
  const allowed = new Set(
    cases.filter((c) => c.test["allow-fail"]).map((c) => `${c.promptId}\u0000${c.test.name}`),
  );
  const passed =
    !signal.aborted &&
    runPassed({ summary, results }, (r) => allowed.has(`${r.prompt}\u0000${r.test}`)) &&
    regressionsAllowed({ summary, results }, options.failOnRegression);
  return {
    summary,
    results,
    ...baselineReport,
    projectRoot: config.root,
    cancelled: cancel.aborted,
    passed,
    recordFile,
    notes: [...notes, ...providerNotes],
  };
}

/**
 * The published versions to test: their content comes from git, their tests from the working tree
 * (tests are not versioned content, so today's suite runs against yesterday's prompt). Without
 * named ids, prompts that have no such version (not active in that environment) are skipped.
 */
async function versionsUnderTest(
  config: ProjectConfig,
  prompts: CheckedPrompt[],
  ref: VersionRef,
  named: boolean,
  onMissing?: OnMissingVersion,
): Promise<PromptUnderTest[]> {
  const versions = await import("../versions/resolve-version.js");
  const units: PromptUnderTest[] = [];
  const collect = async (resolve: (id: string) => ResolvedVersion | Promise<ResolvedVersion>) => {
    for (const prompt of prompts) {
      try {
        const { version, result } = await resolve(prompt.id);
        units.push({ prompt, version, hash: result.hash, compiled: result.compiled });
      } catch (error) {
        const missing =
          error instanceof PromptOpsError && ["not-active", "unknown-version"].includes(error.code);
        if (named || !missing) throw error;
        onMissing?.(prompt.id, error as PromptOpsError);
      }
    }
  };
  // An environment's versions come from the lockfile, read once: no git, no tags needed.
  if (ref.kind === "env") {
    const { env } = ref;
    const lockfile = await versions.readEnvironmentLockfile({ config }, env);
    await collect((id) => versions.lockedVersion(lockfile, env, id));
    return units;
  }
  const { openGitProject } = await import("../versions/git-project.js");
  const { readVersionIndex } = await import("../versions/version-index.js");
  const { CatFileBatch } = await import("../git/index.js");
  const project = await openGitProject(config.root);
  const index = await readVersionIndex(project.repoRoot, project.config.tagPrefix);
  const batch = new CatFileBatch(project.repoRoot);
  try {
    await collect((id) => versions.resolveVersion(project, index, batch, id, ref));
    return units;
  } finally {
    await batch.close();
  }
}

/**
 * Every run is kept in .promptops/runs/, for history and drift; never through a tracked symlink.
 * Whole or not at all, even when a second Ctrl-C quits during the write (write-local-state.ts).
 */
function recordRun(root: string, localState: LocalState, results: RunResults): string | undefined {
  const dir = join(root, ".promptops", "runs");
  if (!localState.trusts(dir)) return undefined;
  const name = `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}.json`;
  const file = join(dir, name);
  try {
    writeLocalStateFile(file, `${JSON.stringify(redactDeep(results), null, 2)}\n`);
    return file;
  } catch {
    return undefined; // a read-only checkout: the run's reports are what matters
  }
}
