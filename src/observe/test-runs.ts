import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { ProjectConfig } from "../config/config.js";
import { inspectLocalState } from "../config/local-state.js";
import { readProjectFile, UnreadableFileError } from "../fs/project-file.js";
import { modelName } from "./call-log-line.js";

/** One case of a recorded test run, as much of it as `stats` and `drift` use. */
export interface RecordedCase {
  prompt: string;
  version: number | string;
  hash: string;
  /** "provider:model", e.g. "openai:gpt-4o-mini". */
  provider: string;
  test: string;
  status: "pass" | "fail" | "error";
  output: string;
  cached: boolean;
  /** The samples' pass rate with --repeat, else 1 or 0 from status. */
  passRate: number;
}

export interface RecordedRun {
  /** File name under .promptops/runs/. */
  name: string;
  /** Epoch milliseconds the run was recorded. */
  at: number;
  cases: RecordedCase[];
}

export interface SkippedRun {
  name: string;
  /** "tracked": git tracks it, so it came from a commit, not from this machine's runs. */
  reason: "tracked" | "not a run record";
}

export interface TestRuns {
  runs: RecordedRun[];
  /** Files under .promptops/runs/ that were not used, and why. */
  skipped: SkippedRun[];
}

// `promptops test` names each record by its ISO time with ":" and "." as "-" (conclude-run.ts).
const RUN_NAME = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z-[0-9a-f]+\.json$/;

/**
 * Every run recorded under .promptops/runs/, oldest first, read defensively: they are local state,
 * and a file git tracks there is ignored (DESIGN.md section 1), like a file that is not a run.
 */
export async function readTestRuns(config: ProjectConfig, since?: number): Promise<TestRuns> {
  const dir = join(config.root, ".promptops", "runs");
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(".json"));
  } catch {
    return { runs: [], skipped: [] };
  }
  const localState = await inspectLocalState(config);
  const runs: RecordedRun[] = [];
  const skipped: SkippedRun[] = [];
  for (const name of names.sort()) {
    const when = RUN_NAME.exec(name);
    const at = when ? Date.parse(`${when[1]}T${when[2]}:${when[3]}:${when[4]}.${when[5]}Z`) : Number.NaN;
    const file = join(dir, name);
    if (!localState.trusts(file)) {
      skipped.push({ name, reason: "tracked" });
      continue;
    }
    if (!Number.isFinite(at)) {
      skipped.push({ name, reason: "not a run record" });
      continue;
    }
    if (since !== undefined && at < since) continue;
    const cases = readRunCases(file, config.root);
    if (cases) runs.push({ name, at, cases });
    else skipped.push({ name, reason: "not a run record" });
  }
  return { runs, skipped };
}

function readRunCases(file: string, root: string): RecordedCase[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readProjectFile(file, root, "the project"));
  } catch (error) {
    if (error instanceof UnreadableFileError || error instanceof SyntaxError) return undefined;
    throw error;
  }
  const results = (value as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) return undefined;
  return results.flatMap((result) => {
    const c = recordedCase(result);
    return c ? [c] : [];
  });
}

function recordedCase(value: unknown): RecordedCase | undefined {
  if (!value || typeof value !== "object") return undefined;
  const r = value as Record<string, unknown>;
  const status = r.status;
  if (status !== "pass" && status !== "fail" && status !== "error") return undefined;
  const provider = modelName(r.provider);
  if (typeof r.prompt !== "string" || typeof r.hash !== "string" || typeof r.test !== "string" || !provider) {
    return undefined;
  }
  if (typeof r.version !== "number" && typeof r.version !== "string") return undefined;
  const repeats = r.repeats as { passRate?: unknown } | undefined;
  const samplesRate = typeof repeats?.passRate === "number" ? repeats.passRate : undefined;
  return {
    prompt: r.prompt,
    version: r.version,
    hash: r.hash,
    provider,
    test: r.test,
    status,
    output: typeof r.output === "string" ? r.output : "",
    cached: r.cached === true,
    passRate: samplesRate ?? (status === "pass" ? 1 : 0),
  };
}
