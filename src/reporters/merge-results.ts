import { readFile } from "node:fs/promises";
import { PromptOpsError } from "../errors.js";
import { mergeBaselineReports } from "../regression/baseline/merge-baseline.js";
import { sumJudgeUsage } from "../regression/judge/judge-usage.js";
import type { RunResults } from "../regression/results.js";
import { summarise } from "../regression/summarise.js";
import { resultsValidator } from "../schemas/generated/results-validator.js";
import { checkShardSet } from "./check-shards.js";

const MERGE_HINT = "merge the files written by `promptops test --reporter json -o <file>`";

/**
 * Joins the JSON results of several shards (`--shard i/n` jobs) into one run. Shards ran side by
 * side, so the merged duration is the longest shard's, not their sum. A case reported by two
 * files (a shard uploaded twice) is an error: merging must not double-count.
 */
export async function mergeResultFiles(
  files: readonly string[],
  options: { allowPartial?: boolean } = {},
): Promise<RunResults> {
  if (files.length === 0) {
    throw new PromptOpsError("merge-nothing", "name the result files to merge", {
      exitCode: 2,
      hint: "e.g. promptops report merge shard-*/results.json",
    });
  }
  const validate = resultsValidator();
  const runs: RunResults[] = [];
  for (const file of files) {
    let data: unknown;
    try {
      data = JSON.parse(await readFile(file, "utf8"));
    } catch (error) {
      throw new PromptOpsError("merge-unreadable", `${file}: ${(error as Error).message.split("\n")[0]}`, {
        exitCode: 2,
        hint: MERGE_HINT,
      });
    }
    if (!validate(data)) {
      const first = validate.errors?.[0];
      throw new PromptOpsError(
        "merge-invalid",
        `${file} is not a promptops results file: ${first?.instancePath || "/"} ${first?.message ?? ""}`.trim(),
        { exitCode: 2, hint: MERGE_HINT },
      );
    }
    runs.push(data as RunResults);
  }
  if (!options.allowPartial)
    checkShardSet(
      files,
      runs.map((r) => r.shard),
    );
  const seen = new Map<string, number>();
  const results = runs.flatMap((run, i) =>
    run.results.map((result) => {
      const key = JSON.stringify([result.prompt, result.version, result.test, result.provider]);
      const other = seen.get(key);
      // The same case twice within one file is --repeat; across files it is a shard merged twice.
      if (other !== undefined && other !== i) {
        throw new PromptOpsError(
          "merge-duplicate",
          `${result.prompt} › ${result.test} [${result.provider}] is in both ${files[other]} and ${files[i]}`,
          { exitCode: 2, hint: "merge each shard's results once" },
        );
      }
      seen.set(key, i);
      return result;
    }),
  );
  const summary = summarise(results, Math.max(...runs.map((r) => r.summary.durationMs)));
  // Shards hold disjoint cases, so their graders' usage adds up.
  const judge = sumJudgeUsage(runs.map((r) => r.summary.judge));
  // --baseline: the verdicts again, from the cases of every shard.
  const baseline = mergeBaselineReports(
    runs.map((r) => r.baseline),
    results,
  );
  // Each shard waited on its own rate limits: the merged run says how much in all.
  const limited = runs.flatMap((r) => (r.summary.rateLimited ? [r.summary.rateLimited] : []));
  const rateLimited = limited.length
    ? {
        responses: limited.reduce((n, r) => n + r.responses, 0),
        waitedMs: limited.reduce((n, r) => n + r.waitedMs, 0),
      }
    : undefined;
  return {
    summary: { ...summary, ...(judge ? { judge } : {}), ...(rateLimited ? { rateLimited } : {}) },
    results,
    ...(baseline ? { baseline } : {}),
  };
}
