import { PromptOpsError } from "../errors.js";

// The few parts of @opentelemetry/api used here, as shapes: the runtime's types must not need the
// package, which is an optional peer dependency.
export type OtelAttributes = Record<string, string | number | boolean>;

export interface OtelSpan {
  spanContext(): { traceId: string };
  setAttributes(attributes: OtelAttributes): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

export interface OtelTracer {
  startSpan(name: string, options?: { kind?: number; attributes?: OtelAttributes }): OtelSpan;
}

// Values of the API's enums, fixed by the specification.
const SPAN_KIND_CLIENT = 2;
const STATUS_CODE_ERROR = 2;
const INVALID_TRACE_ID = "00000000000000000000000000000000";

// Held in a variable so that bundlers leave the import to run time: an application that does not
// install the optional peer must still bundle (and only `otel: true` then fails, clearly).
const OTEL_API = "@opentelemetry/api";

/** The tracer of `otel: true`: the global provider's, through a proxy that follows a later registration. */
export async function loadOtelTracer(): Promise<OtelTracer> {
  let api: { trace: { getTracer(name: string): OtelTracer } };
  try {
    api = await import(OTEL_API);
  } catch (error) {
    throw new PromptOpsError("otel-missing", "observe.otel is on but @opentelemetry/api cannot be loaded", {
      cause: error,
      hint: "npm install @opentelemetry/api (and an OpenTelemetry SDK), or pass observe.otel: { tracer } from the app's own API (bundled apps)",
    });
  }
  return api.trace.getTracer("promptops");
}

export interface SpanPrompt {
  id: string;
  version: number;
  hash: string;
  env: string;
  provider: string | undefined;
  model: string | undefined;
  params: Readonly<Record<string, unknown>>;
}

// Request parameters with a GenAI semantic-convention attribute of their own.
const PARAM_ATTRIBUTES: Readonly<Record<string, string>> = {
  temperature: "gen_ai.request.temperature",
  max_tokens: "gen_ai.request.max_tokens",
  top_p: "gen_ai.request.top_p",
  seed: "gen_ai.request.seed",
};

/** A span per call, named and described as the OpenTelemetry GenAI semantic conventions say. */
export function startCallSpan(tracer: OtelTracer, prompt: SpanPrompt): OtelSpan {
  const attributes: OtelAttributes = {
    "gen_ai.operation.name": "chat",
    "promptops.prompt.id": prompt.id,
    "promptops.prompt.version": prompt.version,
    "promptops.prompt.hash": prompt.hash,
    "promptops.env": prompt.env,
  };
  if (prompt.provider) {
    // gen_ai.provider.name is the current name, gen_ai.system the one older backends chart by.
    attributes["gen_ai.provider.name"] = prompt.provider;
    attributes["gen_ai.system"] = prompt.provider;
  }
  if (prompt.model) attributes["gen_ai.request.model"] = prompt.model;
  for (const [param, attribute] of Object.entries(PARAM_ATTRIBUTES)) {
    const value = prompt.params[param];
    if (typeof value === "number") attributes[attribute] = value;
  }
  const name = prompt.model ? `chat ${prompt.model}` : "chat";
  return tracer.startSpan(name, { kind: SPAN_KIND_CLIENT, attributes });
}

/** The span's trace id, or undefined when no SDK is registered (the API's no-op span). */
export function traceIdOf(span: OtelSpan): string | undefined {
  const { traceId } = span.spanContext();
  return traceId && traceId !== INVALID_TRACE_ID ? traceId : undefined;
}

export interface SpanOutcome {
  tokens: { input: number; output: number } | null;
  costUsd: number | null;
  error: { type: string; message: string } | null;
}

export function endCallSpan(span: OtelSpan, outcome: SpanOutcome): void {
  const attributes: OtelAttributes = {};
  if (outcome.tokens) {
    attributes["gen_ai.usage.input_tokens"] = outcome.tokens.input;
    attributes["gen_ai.usage.output_tokens"] = outcome.tokens.output;
  }
  if (outcome.costUsd !== null) attributes["promptops.cost_usd"] = outcome.costUsd;
  if (outcome.error) {
    attributes["error.type"] = outcome.error.type;
    span.setStatus({ code: STATUS_CODE_ERROR, message: outcome.error.message });
  }
  span.setAttributes(attributes);
  span.end();
}
