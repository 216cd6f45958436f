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

// What the HTML report's page script gets: an index to draw the summary, filters, list and matrix
// from, and each case's result as the JSON reporter writes it, for its details. Figures come
// written as the other reports write them, so the page formats nothing itself and says what the
// console says.

/** One case in the index: what the list, the matrix and the filters need. */
export interface CaseSummary {
  /** Its place in the run's results, and in `ReportPayload.cases`. */
  i: number;
  status: CaseResult["status"];
  allowed: boolean;
  /** The prompt id, and with the version ("support v3") as the report names it. */
  prompt: string;
  label: string;
  version: string;
  provider: string;
  test: string;
  latency: string;
  tokens: string;
  cost: string;
  cached: boolean;
  /** The first reason it did not pass, or its repeats' pass rate. */
  note?: string;
  /** How it moved against its baseline, when it did. */
  change?: "regressed" | "improved";
  /** With --repeat: the share of its samples that passed. */
  passRate?: number;
}

/** One case in full: the result as in results.json, and how the report shows it. */
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

export interface ReportIndex {
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
  cases: CaseSummary[];
}

export interface ReportPayload {
  index: ReportIndex;
  /** In run order, as `CaseSummary.i` counts. */
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
  const cases = safe.results.map(caseView);
  const index: ReportIndex = {
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
    cases: cases.map(caseSummary),
  };
  if (safe.baseline) {
    index.baseline = {
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
  return { index, cases };
}

function caseSummary(view: CaseView, i: number): CaseSummary {
  const r = view.result;
  const summary: CaseSummary = {
    i,
    status: r.status,
    allowed: r.allowedFailure === true,
    prompt: r.prompt,
    label: view.label,
    version: view.version,
    provider: r.provider,
    test: r.test,
    latency: view.latency,
    tokens: view.tokens,
    cost: view.cost,
    cached: r.cached,
  };
  const note = view.problems[0] ?? view.repeats;
  if (note !== undefined) summary.note = note;
  const change = r.baseline?.change;
  if (change === "regressed" || change === "improved") summary.change = change;
  if (r.repeats) summary.passRate = r.repeats.passRate;
  return summary;
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
