import { PromptOpsError } from "../../errors.js";
import { addUsd } from "../../providers/pricing.js";
import type { CaseResult } from "../results.js";
import type { BaselineReport, MissingBaseline } from "./baseline-results.js";
import { summariseBaseline } from "./compare-baseline.js";

/**
 * The baseline comparison of merged shards: verdicts worked out again from every shard's cases
 * (a prompt's cases may be spread over several), prompts without a baseline and spend summed.
 */
export function mergeBaselineReports(
  reports: ReadonlyArray<BaselineReport | undefined>,
  results: readonly CaseResult[],
): BaselineReport | undefined {
  const refs = [...new Set(reports.map((report) => report?.ref))];
  if (refs.length === 1 && refs[0] === undefined) return undefined;
  if (refs.length > 1) {
    const named = refs.map((ref) => (ref === undefined ? "no baseline" : ref)).join(" and ");
    throw new PromptOpsError("merge-baseline-mismatch", `the shards were compared with ${named}`, {
      exitCode: 2,
      hint: "merge the shards of one run: every job with the same --baseline",
    });
  }
  const given = reports as BaselineReport[];
  const missing = new Map<string, MissingBaseline>();
  for (const report of given) for (const entry of report.missing) missing.set(entry.prompt, entry);
  const costs = given.map((report) => report.costUsd);
  return summariseBaseline(refs[0]!, results, [...missing.values()], {
    tokens: {
      input: given.reduce((n, report) => n + report.tokens.input, 0),
      output: given.reduce((n, report) => n + report.tokens.output, 0),
    },
    costUsd: costs.reduce(addUsd, 0),
  });
}
