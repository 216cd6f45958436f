import { PromptOpsError } from "../errors.js";
import type { ModelPrice } from "../pricing/model-prices.js";
import type { OtelTracer } from "./otel-spans.js";
import { parseRedactPath, type RedactPath } from "./redact-vars.js";

/** `loadPrompts({ observe })`: what each call made with a prompt leaves behind. */
export interface ObserveOptions {
  /**
   * The JSONL file each ended call and each feedback is appended to (relative to the current
   * directory). Without it nothing is written; spans are still made with `otel`.
   * `.promptops/calls.jsonl` is where `promptops stats` and `logs` look without `--logs`.
   */
  file?: string;
  /**
   * The share of calls written to `file`, 0 to 1 (default 1). Decided from the trace id, so the
   * same trace is in or out wherever it is decided: feedback for a trace that was sampled out is
   * not written either. Spans are sampled by the OpenTelemetry SDK's own sampler, not by this.
   */
  sampleRate?: number;
  /** Variable paths written as "[redacted]": "customer.email", "history.*.content". */
  redact?: readonly string[];
  /**
   * true: each call is also a span, through `@opentelemetry/api` (an optional peer dependency,
   * loaded only then). Or `{ tracer }`: a tracer of the application's own (for bundled apps).
   */
  otel?: boolean | { tracer: OtelTracer };
  /** A file about to grow past this many bytes is renamed aside (default 100 MiB). */
  maxFileBytes?: number;
  /** Memory for records waiting for the disk, in bytes (default 8 MiB); past it, records are dropped and counted. */
  maxBufferBytes?: number;
  /** How long close() waits for the disk before it counts what is left as dropped (default 5000). */
  closeTimeoutMs?: number;
  /** Prices per million tokens by "provider:model", over the built-in table (openai, anthropic). */
  prices?: Readonly<Record<string, ModelPrice>>;
  /** Write failures and unusable feedback. Default: loadPrompts' onError. */
  onError?: (error: Error) => void;
}

export interface CheckedObserveOptions {
  file: string | undefined;
  sampleRate: number;
  redact: RedactPath[];
  otel: ObserveOptions["otel"];
  maxFileBytes: number;
  maxBufferBytes: number;
  closeTimeoutMs: number;
  prices: Readonly<Record<string, ModelPrice>>;
}

const DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024;
const DEFAULT_MAX_BUFFER_BYTES = 8 * 1024 * 1024;

/** Checked once at start-up: a mistake here throws from loadPrompts, never later from a call. */
export function checkObserveOptions(options: ObserveOptions): CheckedObserveOptions {
  const { file, sampleRate = 1, redact = [], otel = false, prices = {} } = options;
  if (file !== undefined && (typeof file !== "string" || file === "")) invalid("observe.file must be a path");
  if (typeof sampleRate !== "number" || !(sampleRate >= 0 && sampleRate <= 1))
    invalid(`observe.sampleRate must be a number from 0 to 1, not ${String(sampleRate)}`);
  if (!Array.isArray(redact)) invalid("observe.redact must be a list of variable paths");
  for (const path of redact) {
    if (typeof path !== "string" || path.split(".").some((part) => part === ""))
      invalid(`observe.redact: ${JSON.stringify(path)} is not a variable path like "customer.email"`);
  }
  if (typeof otel !== "boolean" && typeof otel?.tracer?.startSpan !== "function")
    invalid("observe.otel must be true, false or { tracer } (an OpenTelemetry Tracer)");
  return {
    file,
    sampleRate,
    redact: redact.map(parseRedactPath),
    otel,
    maxFileBytes: positive("maxFileBytes", options.maxFileBytes, DEFAULT_MAX_FILE_BYTES),
    maxBufferBytes: positive("maxBufferBytes", options.maxBufferBytes, DEFAULT_MAX_BUFFER_BYTES),
    closeTimeoutMs: positive("closeTimeoutMs", options.closeTimeoutMs, 5000),
    prices,
  };
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    invalid(`observe.${name} must be a whole number above 0, not ${String(value)}`);
  return value;
}

function invalid(message: string): never {
  throw new PromptOpsError("observe-options-invalid", message, {
    hint: "see the README's section Observe for the options",
  });
}
