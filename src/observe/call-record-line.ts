/** The prompt as a record needs it: PromptInfo's fields (observe/ cannot import runtime/). */
export interface RecordedPrompt {
  id: string;
  version: number;
  hash: string;
  provider: string | undefined;
  model: string | undefined;
  params: Readonly<Record<string, unknown>>;
}

/** One ended call, as the JSONL line says it (README: Observe). */
export interface CallRecord {
  startedAt: number;
  traceId: string;
  latencyMs: number;
  tokens: { input: number; output: number } | null;
  costUsd: number | null;
  error: { type: string; message: string } | null;
  /** After redaction. */
  vars: unknown;
  output: unknown;
}

// The prompt's part of the line (env, id, version, hash, provider, model) is the same for every
// call of a loaded prompt: serialised once per PromptInfo, which a reload replaces.
const prefixes = new WeakMap<RecordedPrompt, string>();

function promptPart(prompt: RecordedPrompt, env: string): string {
  let part = prefixes.get(prompt);
  if (part === undefined) {
    part = [
      `"env":${JSON.stringify(env)}`,
      `"prompt":${JSON.stringify(prompt.id)}`,
      `"version":${prompt.version}`,
      `"hash":${JSON.stringify(prompt.hash)}`,
      `"provider":${JSON.stringify(prompt.provider ?? null)}`,
      `"model":${JSON.stringify(prompt.model ?? null)}`,
    ].join(",");
    prefixes.set(prompt, part);
  }
  return part;
}

// toISOString costs ~0.6 µs, a third of a record: calls in the same second share its first part.
let isoSecond = Number.NaN;
let isoPrefix = "";

/** `new Date(ms).toISOString()`, from a cached "2026-12-05T03:45:12." and the milliseconds. */
function isoTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const millis = ms - second * 1000;
  return `${isoPrefix}${millis < 10 ? "00" : millis < 100 ? "0" : ""}${millis}Z`;
}

/**
 * The line, built by hand around JSON.stringify of the parts that come from the application (vars,
 * output, error): on the application's thread, a call's recording cost is mostly this. Numbers are
 * finite by construction (call-recorder.ts). Throws what JSON.stringify throws (a cycle, a BigInt).
 */
export function callRecordLine(prompt: RecordedPrompt, env: string, record: CallRecord): string {
  const tokens = record.tokens ? `{"input":${record.tokens.input},"output":${record.tokens.output}}` : "null";
  return (
    `{"ts":"${isoTime(record.startedAt)}","traceId":${JSON.stringify(record.traceId)},` +
    `${promptPart(prompt, env)},"latencyMs":${record.latencyMs},"tokens":${tokens},` +
    `"costUsd":${record.costUsd ?? "null"},"status":"${record.error ? "error" : "ok"}",` +
    `"vars":${json(record.vars ?? {})},"output":${json(record.output ?? null)},"error":${json(record.error)}}`
  );
}

/** JSON.stringify, but a function or a symbol (which it skips) is written as null, never as nothing. */
function json(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}
