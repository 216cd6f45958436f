import { redactDeep } from "../../redact-secrets.js";
import { describePairwise } from "../../regression/judge/pairwise-verdict.js";
import { type CaseResult, type RunResults, versionLabel } from "../../regression/results.js";
import { caseDeltas, currentVersionOf, verdictCounts, verdictDeltas } from "../format-baseline.js";
import { formatRepeats } from "../format-repeats.js";
import {
  formatCost,
  formatMs,
  formatRunCounts,
  formatTokens,
  formatTotals,
  groupByPromptAndProvider,
  hasBlockingProblem,
  problemMessages,
  promptLabel,
} from "../format-results.js";

// What the HTML report's page script gets: the run's results as the JSON reporter writes them,
// with the figures already written as the other reports write them, so the page formats nothing
// itself and says what the console says.

/** One case: the result as in results.json, and how the report shows it. */
export interface CaseView {
  result: CaseResult;
  /** "support" or "support v3". */
  label: string;
  /** "draft" or "v3". */
  version: string;
  latency: string;
  tokens: string;
  cost: string;
  /** Why it failed or errored (empty for a pass). */
  problems: string[];
  repeats?: string;
  pairwise?: string;
  delta?: { score: string; tokens: string; cost: string; latency: string };
}

export interface GroupView {
  prompt: string;
  /** The prompt id and version label the group's cases share, for the filters. */
  promptId: string;
  version: string;
  provider: string;
  cases: number;
  passed: number;
  failed: number;
  errors: number;
  passRate: string;
  tokens: string;
  cost: string;
  /** Mean latency of its cases. */
  latency: string;
}

export interface VerdictView {
  prompt: string;
  provider: string;
  versions: string;
  verdict: string;
  counts: string;
  passRate: string;
  score: string;
  tokens: string;
  cost: string;
  latency: string;
}

export interface ReportPayload {
  /** `10 passed, 1 failed, 1 error, 12 total`. */
  counts: string;
  /** Whether a failure or error that is not allowed fails the run. */
  failedRun: boolean;
  /** Duration, tokens, cost; then the judges' spend and rate limits when there were any. */
  totals: string[];
  groups: GroupView[];
  baseline?: {
    ref: string;
    verdicts: VerdictView[];
    missing: Array<{ prompt: string; reason: string }>;
  };
  cases: CaseView[];
}

const percent = (part: number, whole: number) => `${whole === 0 ? 0 : Math.round((part / whole) * 100)}%`;

/** The page's data, with every secret the run saw redacted. */
export function reportPayload(run: RunResults): ReportPayload {
  const safe = redactDeep(run);
  const { summary } = safe;
  const totals = formatTotals(summary);
  if (summary.judge)
    totals.push(
      `judge: ${summary.judge.calls} calls · ${formatTokens(summary.judge.tokens)} · ${formatCost(summary.judge.costUsd)}`,
    );
  if (summary.rateLimited)
    totals.push(
      `rate-limited: ${summary.rateLimited.responses} × 429, waited ${formatMs(summary.rateLimited.waitedMs)}`,
    );
  const payload: ReportPayload = {
    counts: formatRunCounts(summary, safe.results),
    failedRun: hasBlockingProblem(safe.results),
    totals,
    groups: groupByPromptAndProvider(safe.results).map((group) => {
      const first = group.cases[0]!;
      const sum = (pick: (r: CaseResult) => number) => group.cases.reduce((n, r) => n + pick(r), 0);
      const costs = group.cases.map((r) => r.costUsd);
      return {
        prompt: group.prompt,
        promptId: first.prompt,
        version: versionLabel(first.version),
        provider: group.provider,
        cases: group.cases.length,
        passed: group.passed,
        failed: group.failed,
        errors: group.errors,
        passRate: percent(group.passed, group.cases.length),
        tokens: formatTokens({ input: sum((r) => r.tokens.input), output: sum((r) => r.tokens.output) }),
        cost: formatCost(costs.includes(null) ? null : sum((r) => r.costUsd ?? 0)),
        latency: formatMs(sum((r) => r.latencyMs) / group.cases.length),
      };
    }),
    cases: safe.results.map(caseView),
  };
  if (safe.baseline) {
    payload.baseline = {
      ref: safe.baseline.ref,
      missing: safe.baseline.missing,
      verdicts: safe.baseline.verdicts.map((verdict) => ({
        prompt: verdict.prompt,
        provider: verdict.provider,
        versions: `v${verdict.version} → ${versionLabel(currentVersionOf(safe.results, verdict))}`,
        verdict: verdict.verdict,
        counts: verdictCounts(verdict),
        ...verdictDeltas(verdict),
      })),
    };
  }
  return payload;
}

function caseView(result: CaseResult): CaseView {
  const view: CaseView = {
    result,
    label: promptLabel(result),
    version: versionLabel(result.version),
    latency: formatMs(result.latencyMs),
    tokens: formatTokens(result.tokens),
    cost: formatCost(result.costUsd),
    problems: result.status === "pass" ? [] : problemMessages(result),
  };
  if (result.repeats) view.repeats = formatRepeats(result.repeats);
  const pairwise = describePairwise(result.baseline?.pairwise);
  if (pairwise) view.pairwise = pairwise;
  if (result.baseline?.delta) view.delta = caseDeltas(result.baseline.delta);
  return view;
}
