/**
 * One line of a call log (DESIGN.md section 8), as `stats`, `logs` and the runtime's recorder agree
 * on it. Logs are untrusted input: a line is read field by field, unknown fields are ignored, and a
 * line that is not a call or a feedback record is reported as malformed, never trusted half-way.
 */

export interface LoggedCall {
  kind: "call";
  /** Epoch milliseconds of `ts`. */
  at: number;
  ts: string;
  traceId: string | undefined;
  env: string | undefined;
  prompt: string;
  /** The published version number; a string when the log says so (e.g. "draft"). */
  version: number | string;
  hash: string | undefined;
  /** "provider:name", as test results name providers. */
  model: string | undefined;
  latencyMs: number | undefined;
  tokens: { input: number; output: number };
  /** null when the log had no price for the model. */
  costUsd: number | null;
  status: "ok" | "error";
  vars: unknown;
  output: unknown;
  error: unknown;
}

export interface LoggedFeedback {
  kind: "feedback";
  traceId: string;
  score: number | undefined;
  comment: string | undefined;
}

export interface MalformedLine {
  kind: "malformed";
  reason: string;
}

export type CallLogLine = LoggedCall | LoggedFeedback | MalformedLine;

const malformed = (reason: string): MalformedLine => ({ kind: "malformed", reason });

const finite = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** `{ provider, name }` (what `prepare` returns) or a "provider:name" string, as one string. */
export function modelName(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const { provider, name } = value as { provider?: unknown; name?: unknown };
    if (typeof name === "string") return typeof provider === "string" ? `${provider}:${name}` : name;
  }
  return undefined;
}

export function parseCallLogLine(line: string): CallLogLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return malformed("not JSON");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return malformed("not a JSON object");
  const record = value as Record<string, unknown>;
  if (record.feedback !== undefined && record.prompt === undefined) return feedbackLine(record);
  return callLine(record);
}

function feedbackLine(record: Record<string, unknown>): CallLogLine {
  const traceId = text(record.traceId);
  if (!traceId) return malformed("feedback without a traceId");
  const feedback = record.feedback;
  if (!feedback || typeof feedback !== "object") return malformed("feedback is not an object");
  const { score, comment } = feedback as { score?: unknown; comment?: unknown };
  return { kind: "feedback", traceId, score: finite(score), comment: text(comment) };
}

function callLine(record: Record<string, unknown>): CallLogLine {
  const prompt = text(record.prompt);
  if (!prompt) return malformed("no prompt id");
  const version = record.version;
  if (!(typeof version === "string" || (typeof version === "number" && Number.isInteger(version)))) {
    return malformed("no version");
  }
  const ts = text(record.ts);
  const at = ts === undefined ? Number.NaN : Date.parse(ts);
  if (!Number.isFinite(at)) return malformed("no valid ts");
  const tokens = record.tokens as { input?: unknown; output?: unknown } | undefined;
  const status = record.status === "error" || (record.status === undefined && record.error) ? "error" : "ok";
  return {
    kind: "call",
    at,
    ts: ts as string,
    traceId: text(record.traceId),
    env: text(record.env),
    prompt,
    version,
    hash: text(record.hash),
    model: modelName(record.model),
    latencyMs: finite(record.latencyMs),
    tokens: {
      input: (tokens && typeof tokens === "object" && finite(tokens.input)) || 0,
      output: (tokens && typeof tokens === "object" && finite(tokens.output)) || 0,
    },
    costUsd: finite(record.costUsd) ?? null,
    status,
    vars: record.vars,
    output: record.output,
    error: record.error,
  };
}
