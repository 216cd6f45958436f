import { join } from "node:path";
import type { ProjectConfig } from "../config/config.js";
import { loadConfigOrThrow } from "../config/load-config.js";
import { inspectLocalState, type LocalState } from "../config/local-state.js";
import { checkDatasets } from "../prompt/check-datasets.js";
import { discoverPromptFiles } from "../prompt/discover.js";
import { loadJavascriptParser } from "../prompt/javascript-code.js";
import { type CheckedPrompt, checkPrompts, refuseInvalidPrompts } from "../prompt/prompt-project.js";
import { selectPrompt } from "../prompt/select-prompt.js";
import { bundleBuildId } from "../startup/build-id.js";
import { parseVersionRef } from "../versions/version-ref.js";
import { ParsedYamlCache } from "../yaml/parsed-yaml-cache.js";
import type { MissingBaseline } from "./baseline/baseline-results.js";
import { type BaselineVersions, checkBaselineRef } from "./baseline/plan-baseline.js";
import type { SelectionFacts } from "./empty-run.js";
import { refuseMissingJudge } from "./judge/grading-plan.js";
import type { PlanInputs } from "./run-plan.js";
import { selectChangedSince } from "./select-changed.js";
import { testMatrix } from "./test-matrix.js";
import type { TestRunOptions } from "./test-run-options.js";

export interface RunInputs {
  config: ProjectConfig;
  /** Which files under .promptops/ this run may use (caches, run records). */
  localState: LocalState;
  /** What planTestRun needs: all read from the working tree, git and the lockfile, nothing sent. */
  plan: PlanInputs;
  /** Saved once the plan is made: planning asks where each test is, which the cache keeps too. */
  parseCache: ParsedYamlCache | undefined;
  /** How the selection narrowed: says why a run that selects nothing is empty. */
  facts: SelectionFacts;
}

/** Reads what a run plans from: its config, the prompts under test and the versions it compares. */
export async function readRunInputs(options: TestRunOptions): Promise<RunInputs> {
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
  if (config.test.allowJavascript) await loadJavascriptParser();
  const run = checkPrompts(config, refs, [], parseCache);
  await checkDatasets(config, run.prompts);
  // A missing judge is the config's problem, not the prompt's: exit 2 before anything is sent.
  refuseMissingJudge(run.prompts);
  refuseInvalidPrompts(run.prompts, "test");
  let checked = run.prompts;
  if (options.since) checked = await selectChangedSince(config, checked, options.since);
  const facts: SelectionFacts = {
    promptFiles: all.length,
    promptsDir: config.promptsDir,
    ...(options.since ? { since: { ref: options.since, prompts: checked.length } } : {}),
  };

  const named = options.ids.length > 0;
  const tested = options.version
    ? await (await publishedVersions()).versionsUnderTest(config, checked, options.version, named)
    : checked.map((prompt) => ({
        prompt,
        version: "draft" as const,
        hash: prompt.result!.hash,
        compiled: prompt.result!.compiled,
      }));
  const matrix = testMatrix(config, tested, options.providers);
  // (--judge-pairwise without a baseline is refused by the plan: run-plan.ts.)
  const baseline = options.baseline
    ? await readBaselineVersions(config, checked, options.baseline, named)
    : undefined;
  return {
    config,
    localState,
    parseCache,
    facts,
    plan: {
      config,
      providers: matrix.providers,
      matrix: matrix.byPrompt,
      tested,
      selection: {
        ...(options.filter ? { filter: options.filter } : {}),
        repeat: options.repeat ?? 1,
        ...(options.shard ? { shard: options.shard } : {}),
        ...(options.boundary ? { boundary: true } : {}),
      },
      ...(baseline ? { baseline } : {}),
      ...(options.judgePairwise ? { judgePairwise: true } : {}),
    },
  };
}

/**
 * --baseline: the version of each prompt to compare with. A prompt without one is compared with
 * nothing (the plan says so for those it tests), unless it was named, which is an error.
 */
async function readBaselineVersions(
  config: ProjectConfig,
  prompts: CheckedPrompt[],
  ref: string,
  named: boolean,
): Promise<BaselineVersions> {
  checkBaselineRef(ref);
  const missing: MissingBaseline[] = [];
  const { versionsUnderTest } = await publishedVersions();
  const units = await versionsUnderTest(config, prompts, parseVersionRef(ref), named, (prompt, error) => {
    missing.push({ prompt, reason: error.message });
  });
  return { ref, units, missing };
}

/**
 * Loaded only when a run tests or compares a published version: the lockfile's parser with its
 * schema validator and the reading of prompts at a tag are ~150 KB of bundle (dist/bundle's
 * lockfile, resolve-version, version-index and compile-at-commit chunks) that a plain
 * `promptops test` never runs.
 */
const publishedVersions = () => import("../versions/versions-under-test.js");
