import type { ProjectConfig } from "../config/config.js";
import type { LoggedCall } from "./call-log-line.js";
import { LatencySketch } from "./latency-sketch.js";
import { resolveLogFiles } from "./log-files.js";
import { NO_OWNER, promptOwners } from "./prompt-owners.js";
import { noSkippedLines, type SkippedLines, scanCallLogs } from "./scan-call-logs.js";
import { readTestRuns, type SkippedRun } from "./test-runs.js";

/** What `--by` can add to prompt × version (which are always there). */
export const STATS_DIMENSIONS = ["prompt", "version", "model", "env", "owner", "day"] as const;
export type StatsDimension = (typeof STATS_DIMENSIONS)[number];
type ExtraDimension = "model" | "env" | "owner" | "day";

export interface StatsOptions {
  ids: readonly string[];
  logs: readonly string[] | undefined;
  since: number | undefined;
  by: readonly StatsDimension[];
}

export interface StatsRow {
  prompt: string;
  version: number | string;
  model?: string;
  env?: string;
  owner?: string;
  day?: string;
  calls: number;
  errors: number;
  tokens: { input: number; output: number };
  /** null when calls were made and none had a price. */
  costUsd: number | null;
  /** Within 1% (a bounded sketch, see latency-sketch.ts); null without calls. */
  latencyMs: { p50: number | null; p95: number | null };
  /** Mean pass rate of the recorded test cases of this version (and model, day); null without any. */
  passRate: number | null;
  testCases: number;
  feedback: { count: number; mean: number | null };
}

export interface OwnerTotal {
  owner: string;
  calls: number;
  costUsd: number;
}

export interface StatsReport {
  rows: StatsRow[];
  /** With --by owner: each owner's share of the spend, most expensive first. */
  owners?: OwnerTotal[];
  logFiles: string[];
  logsDefaulted: boolean;
  skippedLines: SkippedLines;
  /** Feedback whose call is not in the logs read (or not in the window). */
  unmatchedFeedback: number;
  runsRead: number;
  skippedRuns: SkippedRun[];
}

interface Group {
  keys: Pick<StatsRow, "prompt" | "version" | ExtraDimension>;
  calls: number;
  errors: number;
  input: number;
  output: number;
  cost: number;
  priced: number;
  latency: LatencySketch;
  passSum: number;
  passCount: number;
  feedbackCount: number;
  scoreSum: number;
  scored: number;
}

interface FeedbackTally {
  count: number;
  scoreSum: number;
  scored: number;
}

// The UTC date of a call; a `ts` already in UTC ISO form gives it without a Date (once per call).
const UTC_ISO = /^\d{4}-\d{2}-\d{2}T[^+]*Z$/;
const dayOf = (at: number, ts?: string) =>
  ts !== undefined && UTC_ISO.test(ts) ? ts.slice(0, 10) : new Date(at).toISOString().slice(0, 10);

/**
 * Aggregates call logs and recorded test runs per prompt × version (× --by dimensions). Two
 * streaming passes over the logs: the first keeps only feedback (by trace id), the second
 * aggregates calls and joins their feedback, wherever in the files it was written. Memory grows
 * with the number of groups and of feedback records, never with the number of calls.
 */
export async function collectStats(config: ProjectConfig, options: StatsOptions): Promise<StatsReport> {
  const { files, defaulted } = resolveLogFiles(config.root, options.logs);
  const extra = (["model", "env", "day"] as const).filter((d) => options.by.includes(d));
  const byOwner = options.by.includes("owner");
  const wanted = options.ids.length > 0 ? new Set(options.ids) : undefined;

  const feedback = new Map<string, FeedbackTally>();
  await scanCallLogs(files, config.root, {
    needle: '"feedback"',
    feedback(f) {
      const tally = feedback.get(f.traceId) ?? { count: 0, scoreSum: 0, scored: 0 };
      tally.count++;
      if (f.score !== undefined) {
        tally.scoreSum += f.score;
        tally.scored++;
      }
      feedback.set(f.traceId, tally);
    },
  });

  const groups = new Map<string, Group>();
  const groupFor = (keys: Group["keys"]): Group => {
    // A template, not JSON.stringify: this runs once per logged call. NUL never occurs in the keys' text.
    const id = `${keys.prompt}\u0000${keys.version}\u0000${keys.model ?? ""}\u0000${keys.env ?? ""}\u0000${keys.day ?? ""}`;
    let group = groups.get(id);
    if (!group) {
      group = {
        keys,
        calls: 0,
        errors: 0,
        input: 0,
        output: 0,
        cost: 0,
        priced: 0,
        latency: new LatencySketch(),
        passSum: 0,
        passCount: 0,
        feedbackCount: 0,
        scoreSum: 0,
        scored: 0,
      };
      groups.set(id, group);
    }
    return group;
  };
  const [byModel, byEnv, byDay] = [extra.includes("model"), extra.includes("env"), extra.includes("day")];
  const keysOf = (
    prompt: string,
    version: number | string,
    model?: string,
    env?: string,
    at?: number,
    ts?: string,
  ) => {
    const keys: Group["keys"] = { prompt, version };
    if (byModel) keys.model = model ?? "(unknown)";
    if (byEnv) keys.env = env ?? "(unknown)";
    if (byDay && at !== undefined) keys.day = dayOf(at, ts);
    return keys;
  };

  const skippedLines = noSkippedLines();
  const addCall = (call: LoggedCall) => {
    if (options.since !== undefined && call.at < options.since) return;
    if (wanted && !wanted.has(call.prompt)) return;
    const group = groupFor(keysOf(call.prompt, call.version, call.model, call.env, call.at, call.ts));
    group.calls++;
    if (call.status === "error") group.errors++;
    group.input += call.tokens.input;
    group.output += call.tokens.output;
    if (call.costUsd !== null) {
      group.cost += call.costUsd;
      group.priced++;
    }
    if (call.latencyMs !== undefined) group.latency.add(call.latencyMs);
    const tally = call.traceId === undefined ? undefined : feedback.get(call.traceId);
    if (tally) {
      group.feedbackCount += tally.count;
      group.scoreSum += tally.scoreSum;
      group.scored += tally.scored;
      feedback.delete(call.traceId as string); // a repeated trace id does not count its feedback twice
    }
  };
  await scanCallLogs(files, config.root, { call: addCall }, skippedLines);
  let unmatchedFeedback = 0;
  for (const tally of feedback.values()) unmatchedFeedback += tally.count;

  const { runs, skipped: skippedRuns } = await readTestRuns(config, options.since);
  // Test runs have no environment: a version's pass rate shows on each of its environments' rows.
  const passKey = (prompt: string, version: number | string, model?: string, day?: string) =>
    JSON.stringify([prompt, String(version), extra.includes("model") ? model : undefined, day]);
  const passRates = new Map<string, { sum: number; count: number; keys: Group["keys"] }>();
  for (const run of runs) {
    for (const c of run.cases) {
      if (wanted && !wanted.has(c.prompt)) continue;
      const keys = keysOf(c.prompt, c.version, c.provider, "(tests only)", run.at);
      const key = passKey(c.prompt, c.version, keys.model, keys.day);
      const rate = passRates.get(key) ?? { sum: 0, count: 0, keys };
      rate.sum += c.passRate;
      rate.count++;
      passRates.set(key, rate);
    }
  }
  const withCalls = new Set<string>();
  for (const group of groups.values()) {
    const key = passKey(group.keys.prompt, group.keys.version, group.keys.model, group.keys.day);
    const rate = passRates.get(key);
    withCalls.add(key);
    if (rate) {
      group.passSum = rate.sum;
      group.passCount = rate.count;
    }
  }
  for (const [key, rate] of passRates) {
    if (withCalls.has(key)) continue;
    const group = groupFor(rate.keys);
    group.passSum = rate.sum;
    group.passCount = rate.count;
  }

  let rows = [...groups.values()].map(toRow).sort(compareRows);
  let owners: OwnerTotal[] | undefined;
  if (byOwner) ({ rows, owners } = splitByOwner(rows, promptOwners(config)));
  return {
    rows,
    ...(owners ? { owners } : {}),
    logFiles: files,
    logsDefaulted: defaulted,
    skippedLines,
    unmatchedFeedback,
    runsRead: runs.length,
    skippedRuns,
  };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

function toRow(group: Group): StatsRow {
  return {
    ...group.keys,
    calls: group.calls,
    errors: group.errors,
    tokens: { input: group.input, output: group.output },
    costUsd: group.calls > 0 && group.priced === 0 ? null : round(group.cost, 6),
    latencyMs: { p50: group.latency.quantile(0.5), p95: group.latency.quantile(0.95) },
    passRate: group.passCount === 0 ? null : round(group.passSum / group.passCount, 4),
    testCases: group.passCount,
    feedback: {
      count: group.feedbackCount,
      mean: group.scored === 0 ? null : round(group.scoreSum / group.scored, 4),
    },
  };
}

function compareRows(a: StatsRow, b: StatsRow): number {
  const keys = (row: StatsRow) => [row.prompt, row.model ?? "", row.env ?? "", row.day ?? ""];
  const [ka, kb] = [keys(a), keys(b)];
  for (let i = 0; i < ka.length; i++)
    if (ka[i] !== kb[i]) return (ka[i] as string) < (kb[i] as string) ? -1 : 1;
  // Versions in order, "draft" after the published ones.
  const rank = (v: number | string) => (typeof v === "number" ? v : Number.POSITIVE_INFINITY);
  return rank(a.version) - rank(b.version);
}

/**
 * Cost allocation: a prompt's spend is split evenly between its owners, so the owners' shares add
 * up to the bill; the traffic itself (calls, tokens, latency, feedback, pass rate) is shown whole
 * on each owner's row, since each owner owns all of it.
 */
function splitByOwner(
  rows: readonly StatsRow[],
  owners: ReadonlyMap<string, string[]>,
): { rows: StatsRow[]; owners: OwnerTotal[] } {
  const totals = new Map<string, OwnerTotal>();
  const split: StatsRow[] = [];
  for (const row of rows) {
    const names = owners.get(row.prompt) ?? [NO_OWNER];
    for (const owner of names) {
      const share = row.costUsd === null ? null : round(row.costUsd / names.length, 6);
      // Keys in the order of the contract: prompt, version, the other group keys, then the numbers.
      const { prompt, version, model, env, day, ...numbers } = row;
      split.push({ prompt, version, model, env, owner, day, ...numbers, costUsd: share });
      const total = totals.get(owner) ?? { owner, calls: 0, costUsd: 0 };
      total.calls += row.calls;
      total.costUsd = round(total.costUsd + (share ?? 0), 6);
      totals.set(owner, total);
    }
  }
  split.sort((a, b) => ((a.owner ?? "") < (b.owner ?? "") ? -1 : (a.owner ?? "") > (b.owner ?? "") ? 1 : 0));
  const ownerTotals = [...totals.values()].sort(
    (a, b) => b.costUsd - a.costUsd || (a.owner < b.owner ? -1 : 1),
  );
  return { rows: split, owners: ownerTotals };
}
