import type { ProjectConfig } from "../config/config.js";
import type { LoggedCall } from "./call-log-line.js";
import { resolveLogFiles } from "./log-files.js";
import { noSkippedLines, type SkippedLines, scanCallLogs } from "./scan-call-logs.js";

export interface FindCallsOptions {
  id: string;
  /** A version number, or a string version as the log wrote it. */
  version: number | string | undefined;
  since: number | undefined;
  trace: string | undefined;
  logs: readonly string[] | undefined;
  limit: number;
}

export interface FoundCall {
  ts: string;
  traceId: string | null;
  env: string | null;
  prompt: string;
  version: number | string;
  hash: string | null;
  model: string | null;
  status: "ok" | "error";
  latencyMs: number | null;
  tokens: { input: number; output: number };
  costUsd: number | null;
  /** As the runtime logged them: after `redact`. */
  vars: unknown;
  output: unknown;
  error: unknown;
  feedback: { score: number | null; comment: string | null }[];
}

export interface FoundCalls {
  calls: FoundCall[];
  /** Calls that matched, shown or not (--limit). */
  matched: number;
  logFiles: string[];
  logsDefaulted: boolean;
  skippedLines: SkippedLines;
}

/**
 * The newest `limit` calls of one prompt that match the filters, with their feedback. One streaming
 * pass keeps only the newest `limit` (memory bounded by --limit, not by the log), a second reads
 * only lines that mention a kept trace id. Lines that cannot mention the prompt id are not parsed.
 */
export async function findCalls(config: ProjectConfig, options: FindCallsOptions): Promise<FoundCalls> {
  const { files, defaulted } = resolveLogFiles(config.root, options.logs);
  const idText = JSON.stringify(options.id);
  const traceText = options.trace === undefined ? undefined : JSON.stringify(options.trace);
  const kept: LoggedCall[] = []; // newest first
  let matched = 0;
  const skippedLines = noSkippedLines();
  await scanCallLogs(
    files,
    config.root,
    {
      // The rarer text of the two: a trace id names one call.
      needle: traceText ?? idText,
      call(call) {
        if (call.prompt !== options.id) return;
        if (options.version !== undefined && String(call.version) !== String(options.version)) return;
        if (options.since !== undefined && call.at < options.since) return;
        if (options.trace !== undefined && call.traceId !== options.trace) return;
        matched++;
        if (kept.length === options.limit && kept[kept.length - 1]!.at >= call.at) return;
        // Insert in order; with a small limit this beats a heap and keeps ties in file order.
        let i = kept.length;
        while (i > 0 && kept[i - 1]!.at < call.at) i--;
        kept.splice(i, 0, call);
        if (kept.length > options.limit) kept.pop();
      },
    },
    skippedLines,
  );

  const feedback = new Map<string, FoundCall["feedback"]>();
  for (const call of kept) if (call.traceId !== undefined) feedback.set(call.traceId, []);
  if (feedback.size > 0) {
    await scanCallLogs(files, config.root, {
      needle: '"feedback"',
      feedback(f) {
        feedback.get(f.traceId)?.push({ score: f.score ?? null, comment: f.comment ?? null });
      },
    });
  }
  return {
    calls: kept.map((call) => ({
      ts: call.ts,
      traceId: call.traceId ?? null,
      env: call.env ?? null,
      prompt: call.prompt,
      version: call.version,
      hash: call.hash ?? null,
      model: call.model ?? null,
      status: call.status,
      latencyMs: call.latencyMs ?? null,
      tokens: call.tokens,
      costUsd: call.costUsd,
      vars: call.vars ?? null,
      output: call.output ?? null,
      error: call.error ?? null,
      feedback: (call.traceId !== undefined && feedback.get(call.traceId)) || [],
    })),
    matched,
    logFiles: files,
    logsDefaulted: defaulted,
    skippedLines,
  };
}
