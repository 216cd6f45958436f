import { loadConfigOrThrow } from "../../config/load-config.js";
import { PromptOpsError } from "../../errors.js";
import { type FoundCall, findCalls } from "../../observe/find-calls.js";
import { parseSince } from "../../observe/since.js";
import { printable, shownStrings } from "../../reporters/format-results.js";
import { truncate } from "../../text/truncate.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, printJson } from "../output.js";

export interface LogsCommandOptions extends GlobalOptions {
  id: string;
  version: string | undefined;
  logs: string[] | undefined;
  since: string | undefined;
  trace: string | undefined;
  limit: string | undefined;
  json: boolean;
}

const DEFAULT_LIMIT = 20;

function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) {
    throw new PromptOpsError("bad-flag", `--limit ${value}: not a positive whole number`, {
      hint: `e.g. --limit 50 (default ${DEFAULT_LIMIT})`,
    });
  }
  return n;
}

function parseVersion(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  const match = /^v?(\d+)$/.exec(value);
  return match ? Number(match[1]) : value;
}

export async function runCallLogs(options: LogsCommandOptions): Promise<number> {
  const limit = parseLimit(options.limit);
  const since = options.since === undefined ? undefined : parseSince(options.since);
  const config = loadConfigOrThrow(options.cwd);
  const found = await findCalls(config, {
    id: options.id,
    version: parseVersion(options.version),
    since,
    trace: options.trace,
    logs: options.logs,
    limit,
  });
  if (found.skippedLines.count > 0) {
    const first = found.skippedLines.examples.map((e) => printable(e)).join("; ");
    process.stderr.write(
      `warning: skipped ${found.skippedLines.count} malformed log line(s), e.g. ${first}\n`,
    );
  }
  if (found.logFiles.length === 0) {
    process.stderr.write(
      found.logsDefaulted
        ? "note: no call logs in .promptops/calls*.jsonl* (name them with --logs)\n"
        : "note: --logs matched no file\n",
    );
  }
  if (options.json) {
    printJson({ matched: found.matched, calls: found.calls });
    return 0;
  }
  if (found.calls.length === 0) {
    process.stdout.write(`no logged calls of ${options.id} match\n`);
    return 0;
  }
  const c = colourFor(process.stdout);
  for (const call of shownStrings(found.calls)) process.stdout.write(`${formatCall(call, c)}\n`);
  if (found.matched > found.calls.length) {
    process.stdout.write(c.dim(`${found.calls.length} of ${found.matched} matching calls shown (--limit)\n`));
  }
  return 0;
}

const oneLine = (value: unknown) => truncate(typeof value === "string" ? value : JSON.stringify(value), 2000);

function formatCall(call: FoundCall, c: ReturnType<typeof colourFor>): string {
  const version = typeof call.version === "number" ? `v${call.version}` : call.version;
  const status = call.status === "ok" ? c.green("ok") : c.red("error");
  const head = [
    c.bold(call.ts),
    `${call.prompt} ${version}`,
    call.env ?? "-",
    call.model ?? "-",
    status,
    call.latencyMs === null ? "-" : `${Math.round(call.latencyMs)}ms`,
    `${call.tokens.input}+${call.tokens.output} tokens`,
    call.costUsd === null ? "$?" : `$${call.costUsd}`,
    c.dim(`trace ${call.traceId ?? "-"}`),
  ].join("  ");
  const lines = [head, `  hash:   ${call.hash ?? "-"}`, `  vars:   ${oneLine(call.vars)}`];
  if (call.status === "error") lines.push(`  error:  ${oneLine(call.error)}`);
  else lines.push(`  output: ${oneLine(call.output).replace(/\n/g, "\n          ")}`);
  for (const f of call.feedback) {
    lines.push(`  feedback: ${f.score ?? "-"}${f.comment === null ? "" : ` ${JSON.stringify(f.comment)}`}`);
  }
  return lines.join("\n");
}
