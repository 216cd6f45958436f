import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { PromptOpsError } from "../errors.js";
import { costUsd } from "../pricing/model-prices.js";
import {
  type AnthropicRequestMessages,
  toAnthropicMessages,
  toOpenAIMessages,
} from "../prompt/provider-formats.js";
import type { RenderedMessage } from "../prompt/render.js";
import { callRecordLine, type RecordedPrompt } from "./call-record-line.js";
import { createJsonlWriter, type JsonlWriter } from "./jsonl-writer.js";
import { type CheckedObserveOptions, checkObserveOptions, type ObserveOptions } from "./observe-options.js";
import {
  endCallSpan,
  loadOtelTracer,
  type OtelSpan,
  type OtelTracer,
  startCallSpan,
  traceIdOf,
} from "./otel-spans.js";
import { redactVars } from "./redact-vars.js";
import { isSampled } from "./trace-sampling.js";

/** What `call.end()` takes: the reply's text (or parsed output) and token usage, or the error. */
export interface CallResult {
  output?: unknown;
  usage?: { input?: number; output?: number };
  error?: unknown;
}

/** A rendered prompt ready to send, and the handle that records the call when it ends. */
export interface PreparedCall {
  id: string;
  version: number;
  hash: string;
  env: string;
  /** `{ provider, name }`: `model: call.model.name` in an SDK call. */
  model: Readonly<{ provider: string | undefined; name: string | undefined }>;
  params: Readonly<Record<string, unknown>>;
  /** OpenAI chat messages. */
  messages: RenderedMessage[];
  /** The same render in Anthropic's shape. */
  anthropic(): AnthropicRequestMessages;
  /** 32 hex digits; the span's trace id when OpenTelemetry is on. Give it to feedback(). */
  traceId: string;
  /** Records the call (once; later calls are ignored). Never throws. */
  end(result?: CallResult): void;
}

export interface Feedback {
  score: number;
  comment?: string;
}

export interface ObserveStats {
  /** Calls ended and feedback given, sampled in. */
  recorded: number;
  /** Sampled out by sampleRate: never meant to be written. */
  sampledOut: number;
  written: number;
  /** Meant to be written but lost: a full buffer (slow disk), a failed write, or after close(). */
  dropped: number;
  queued: number;
  rotations: number;
}

export interface CallRecorder {
  prepare(prompt: RecordedPrompt, rendered: RenderedMessage[], vars: unknown): PreparedCall;
  feedback(traceId: string, feedback: Feedback): void;
  stats(): ObserveStats;
  close(): Promise<void>;
}

/**
 * Starts recording (a no-op recorder without `observe`, so that prepare() works either way).
 * Throws only here, at start-up: bad options, or `otel: true` without @opentelemetry/api.
 */
export async function startCallRecorder(
  observe: ObserveOptions | undefined,
  env: string,
  fallbackOnError: (error: Error) => void,
): Promise<CallRecorder> {
  const options = checkObserveOptions(observe ?? { sampleRate: 0 });
  const onError = observe?.onError ?? fallbackOnError;
  const tracer =
    options.otel === true ? await loadOtelTracer() : options.otel ? options.otel.tracer : undefined;
  const writer = options.file
    ? createJsonlWriter({
        file: resolve(options.file),
        maxFileBytes: options.maxFileBytes,
        maxBufferBytes: options.maxBufferBytes,
        onError,
      })
    : undefined;
  return createCallRecorder(options, env, onError, writer, tracer);
}

/** The recorder of a registry loaded without `observe` (loadPromptsSync): records nothing, needs no await. */
export function unobservedCallRecorder(env: string, onError: (error: Error) => void): CallRecorder {
  return createCallRecorder(checkObserveOptions({ sampleRate: 0 }), env, onError, undefined, undefined);
}

function createCallRecorder(
  options: CheckedObserveOptions,
  env: string,
  onError: (error: Error) => void,
  writer: JsonlWriter | undefined,
  tracer: OtelTracer | undefined,
): CallRecorder {
  let recorded = 0;
  let sampledOut = 0;

  /** Serialised now, on the caller's turn: the app may change its objects as soon as we return. */
  const write = (serialise: () => string) => {
    if (!writer) return;
    let line: string;
    try {
      line = serialise();
    } catch (error) {
      // A BigInt or a cycle in the variables or the output: the record is lost, the app is not.
      writer.drop(1);
      onError(
        new PromptOpsError(
          "observe-write-failed",
          `a call record cannot be written as JSON: ${(error as Error).message}`,
        ),
      );
      return;
    }
    recorded++;
    writer.write(line);
  };

  const keep = (traceId: string) => {
    if (!writer) return false;
    if (isSampled(traceId, options.sampleRate)) return true;
    sampledOut++;
    return false;
  };

  return {
    prepare(prompt, rendered, vars) {
      const startedAt = Date.now();
      const start = performance.now();
      const span = tracer ? startCallSpan(tracer, { ...prompt, env }) : undefined;
      const traceId = (span && traceIdOf(span)) ?? randomUUID().replaceAll("-", "");
      let ended = false;
      return {
        id: prompt.id,
        version: prompt.version,
        hash: prompt.hash,
        env,
        model: { provider: prompt.provider, name: prompt.model },
        params: prompt.params,
        messages: toOpenAIMessages(rendered),
        anthropic: () => toAnthropicMessages(rendered),
        traceId,
        end(result = {}) {
          if (ended) return;
          ended = true;
          try {
            const latencyMs = Math.round((performance.now() - start) * 100) / 100;
            const outcome = outcomeOf(prompt, result, options);
            if (span) endCallSpan(span as OtelSpan, outcome);
            if (!keep(traceId)) return;
            write(() =>
              callRecordLine(prompt, env, {
                startedAt,
                traceId,
                latencyMs,
                ...outcome,
                vars: options.redact.length > 0 ? redactVars(vars ?? {}, options.redact) : vars,
                output: result.output,
              }),
            );
          } catch (error) {
            // A throwing tracer or a hostile getter: recording must never break the application.
            writer?.drop(1);
            onError(error as Error);
          }
        },
      };
    },
    feedback(traceId, feedback) {
      const score = feedback?.score;
      if (typeof traceId !== "string" || typeof score !== "number" || !Number.isFinite(score)) {
        onError(
          new PromptOpsError("observe-write-failed", "feedback needs a trace id and a finite number score", {
            hint: 'prompts.feedback(call.traceId, { score: 1, comment: "resolved" })',
          }),
        );
        return;
      }
      if (!keep(traceId)) return;
      const comment = typeof feedback.comment === "string" ? feedback.comment : null;
      write(() => JSON.stringify({ ts: new Date().toISOString(), traceId, feedback: { score, comment } }));
    },
    stats() {
      const { written = 0, dropped = 0, queued = 0, rotations = 0 } = writer?.stats() ?? {};
      return { recorded, sampledOut, written, dropped, queued, rotations };
    },
    close: async () => writer?.close(options.closeTimeoutMs),
  };
}

interface Outcome {
  tokens: { input: number; output: number } | null;
  costUsd: number | null;
  error: { type: string; message: string } | null;
}

function outcomeOf(prompt: RecordedPrompt, result: CallResult, options: CheckedObserveOptions): Outcome {
  const usage = result.usage;
  const tokens =
    usage && (typeof usage.input === "number" || typeof usage.output === "number")
      ? { input: count(usage.input), output: count(usage.output) }
      : null;
  const priced = tokens && prompt.provider && prompt.model;
  return {
    tokens,
    costUsd: priced
      ? costUsd({ kind: prompt.provider!, model: prompt.model! }, tokens, options.prices)
      : null,
    error: result.error === undefined ? null : errorOf(result.error),
  };
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}

function errorOf(error: unknown): { type: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { type: typeof code === "string" ? code : error.name, message: error.message };
  }
  return { type: "error", message: String(error) };
}
