import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Context, context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadPrompts } from "../../src/runtime/index.js";
import { observedProject, records, vars } from "./observe-fixtures.js";

let project: ReturnType<typeof observedProject>;
let provider: BasicTracerProvider | undefined;
beforeEach(() => {
  project = observedProject();
});
afterEach(async () => {
  await provider?.shutdown();
  provider = undefined;
  trace.disable();
  context.disable();
  project.cleanup();
});

/** The application's OpenTelemetry set-up: an SDK registered as the global tracer provider. */
function registerSdk(exporter: SpanExporter): BasicTracerProvider {
  provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  return provider;
}

const promptAttributes = (hash: string) => ({
  "gen_ai.operation.name": "chat",
  "gen_ai.provider.name": "openai",
  "gen_ai.system": "openai",
  "gen_ai.request.model": "gpt-4o-mini",
  "gen_ai.request.temperature": 0.2,
  "gen_ai.request.max_tokens": 400,
  "promptops.prompt.id": "support-agent",
  "promptops.prompt.version": 3,
  "promptops.prompt.hash": hash,
  "promptops.env": "production",
});

describe("with observe.otel, each call is an OpenTelemetry span any OTLP backend can chart", () => {
  it("carries the GenAI semantic-convention attributes and the prompt's version; the log shares its trace id", async () => {
    const exporter = new InMemorySpanExporter();
    registerSdk(exporter);
    const log = project.path("calls.jsonl");
    const prompts = await loadPrompts({
      lockfile: project.lockfile,
      env: "production",
      observe: { file: log, otel: true },
    });
    const call = prompts.prepare("support-agent", vars);
    call.end({ output: "Yes", usage: { input: 350, output: 75 } });
    await prompts.close();

    const [span, ...others] = exporter.getFinishedSpans();
    expect(others).toEqual([]);
    expect(span!.name).toBe("chat gpt-4o-mini");
    expect(span!.kind).toBe(SpanKind.CLIENT);
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.attributes).toEqual({
      ...promptAttributes(prompts.get("support-agent").hash),
      "gen_ai.usage.input_tokens": 350,
      "gen_ai.usage.output_tokens": 75,
      "promptops.cost_usd": (350 * 0.15 + 75 * 0.6) / 1e6,
    });
    expect(span!.spanContext().traceId).toBe(call.traceId);
    expect(records(log)[0]!.traceId).toBe(call.traceId);
  });

  it("marks a failed call's span as an error, with the error's type", async () => {
    const exporter = new InMemorySpanExporter();
    // The app's own tracer, as a bundled app passes it: no import of @opentelemetry/api by promptops.
    const tracer = registerSdk(exporter).getTracer("my-app");
    const prompts = await loadPrompts({
      lockfile: project.lockfile,
      env: "production",
      observe: { otel: { tracer } },
    });
    prompts
      .prepare("support-agent", vars)
      .end({ error: Object.assign(new Error("overloaded"), { code: "529" }) });
    await prompts.close();

    const [span] = exporter.getFinishedSpans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: "overloaded" });
    expect(span!.attributes["error.type"]).toBe("529");
    expect(span!.attributes["gen_ai.usage.input_tokens"]).toBeUndefined();
  });

  it("is a child of the span active where prepare() runs: the app's request span", async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = registerSdk(exporter).getTracer("my-app");
    context.setGlobalContextManager(new StackContextManager());
    const prompts = await loadPrompts({
      lockfile: project.lockfile,
      env: "production",
      observe: { otel: true },
    });
    const request = tracer.startSpan("POST /support");
    const call = context.with(trace.setSpan(context.active(), request), () =>
      prompts.prepare("support-agent", vars),
    );
    call.end({ output: "ok" });
    request.end();
    await prompts.close();

    const chat = exporter.getFinishedSpans().find((span) => span.name === "chat gpt-4o-mini")!;
    expect(chat.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(call.traceId).toBe(request.spanContext().traceId);
  });

  it("without an SDK registered, calls still get a trace id of their own", async () => {
    const prompts = await loadPrompts({
      lockfile: project.lockfile,
      env: "production",
      observe: { otel: true },
    });
    const a = prompts.prepare("support-agent", vars);
    const b = prompts.prepare("support-agent", vars);
    expect(a.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(a.traceId).not.toBe("0".repeat(32));
    expect(a.traceId).not.toBe(b.traceId);
    await prompts.close();
  });

  it("reaches an OTLP/HTTP receiver with its attributes", async () => {
    const received: unknown[] = [];
    const server: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        received.push({
          path: request.url,
          type: request.headers["content-type"],
          body: JSON.parse(Buffer.concat(chunks).toString()),
        });
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
    try {
      const { port } = server.address() as AddressInfo;
      registerSdk(new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` }));
      const prompts = await loadPrompts({
        lockfile: project.lockfile,
        env: "production",
        observe: { otel: true },
      });
      const call = prompts.prepare("support-agent", vars);
      call.end({ output: "Yes", usage: { input: 12, output: 3 } });
      await prompts.close();
      await provider!.forceFlush();

      expect(received).toHaveLength(1);
      const { path, type, body } = received[0] as { path: string; type: string; body: OtlpBody };
      expect(path).toBe("/v1/traces");
      expect(type).toMatch(/^application\/json/);
      const spans = body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
      expect(spans).toHaveLength(1);
      expect(spans[0]!.name).toBe("chat gpt-4o-mini");
      expect(spans[0]!.traceId).toBe(call.traceId);
      expect(attributesOf(spans[0]!)).toEqual({
        ...promptAttributes(prompts.get("support-agent").hash),
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.usage.output_tokens": 3,
        "promptops.cost_usd": (12 * 0.15 + 3 * 0.6) / 1e6,
      });
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });
});

/** The smallest context manager: synchronous `with`, as an app's AsyncLocalStorage one behaves within a call. */
class StackContextManager {
  private current: Context = ROOT_CONTEXT;
  active(): Context {
    return this.current;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const previous = this.current;
    this.current = ctx;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.current = previous;
    }
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.current = ROOT_CONTEXT;
    return this;
  }
}

interface OtlpSpan {
  name: string;
  traceId: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
}
interface OtlpBody {
  resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }>;
}

/** OTLP/JSON's typed values back to plain ones (64-bit integers may arrive as strings). */
function attributesOf(span: OtlpSpan): Record<string, unknown> {
  return Object.fromEntries(
    span.attributes.map(({ key, value }) => {
      if ("intValue" in value) return [key, Number(value.intValue)];
      if ("doubleValue" in value) return [key, Number(value.doubleValue)];
      if ("boolValue" in value) return [key, value.boolValue];
      return [key, value.stringValue];
    }),
  );
}
