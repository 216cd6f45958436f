import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadPrompts } from "../../src/runtime/index.js";
import { expectPromptOpsRejection } from "../helpers/expect-error.js";
import { observedProject, records, recordsIn, until, vars } from "./observe-fixtures.js";

let project: ReturnType<typeof observedProject>;
let log: string;
beforeEach(() => {
  project = observedProject();
  log = project.path("logs/calls.jsonl");
});
afterEach(() => project.cleanup());

describe("an application records each call it makes with a prompt", () => {
  it("writes one JSONL line per ended call, with the version, latency, tokens and cost", async () => {
    const prompts = await loadPrompts({
      lockfile: project.lockfile,
      env: "production",
      observe: { file: log },
    });
    const call = prompts.prepare("support-agent", vars);
    expect(call).toMatchObject({
      id: "support-agent",
      version: 3,
      env: "production",
      model: { provider: "openai", name: "gpt-4o-mini" },
      params: { temperature: 0.2 },
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(call.messages).toEqual(prompts.messages("support-agent", vars));
    expect(call.anthropic()).toEqual(prompts.anthropic("support-agent", vars));
    await new Promise((resolve) => setTimeout(resolve, 20));
    call.end({ output: "Yes, within 30 days.", usage: { input: 350, output: 75 } });
    await prompts.close();

    expect(records(log)).toEqual([
      {
        ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        traceId: call.traceId,
        env: "production",
        prompt: "support-agent",
        version: 3,
        hash: prompts.get("support-agent").hash,
        provider: "openai",
        model: "gpt-4o-mini",
        latencyMs: expect.any(Number),
        tokens: { input: 350, output: 75 },
        // gpt-4o-mini: $0.15 in, $0.60 out per million tokens.
        costUsd: (350 * 0.15 + 75 * 0.6) / 1e6,
        status: "ok",
        vars,
        output: "Yes, within 30 days.",
        error: null,
      },
    ]);
    expect(records(log)[0]!.latencyMs).toBeGreaterThanOrEqual(19);
    expect(prompts.observeStats()).toMatchObject({ recorded: 1, written: 1, dropped: 0, queued: 0 });
  });

  it("records a failed call as an error, and feedback as a line of its own", async () => {
    const prompts = await loadPrompts({
      lockfile: project.lockfile,
      env: "production",
      observe: { file: log },
    });
    const call = prompts.prepare("support-agent", vars);
    call.end({ error: Object.assign(new Error("429 Rate limit reached"), { code: "rate_limit_exceeded" }) });
    call.end({ output: "a second end is ignored" });
    prompts.feedback(call.traceId, { score: 0, comment: "never answered" });
    await prompts.close();

    const [failed, feedback, ...rest] = records(log);
    expect(rest).toEqual([]);
    expect(failed).toMatchObject({
      status: "error",
      error: { type: "rate_limit_exceeded", message: "429 Rate limit reached" },
      tokens: null,
      costUsd: null,
      output: null,
    });
    expect(feedback).toEqual({
      ts: expect.any(String),
      traceId: call.traceId,
      feedback: { score: 0, comment: "never answered" },
    });
  });

  it("redacts variable paths before anything is written, and leaves the app's objects alone", async () => {
    const prompts = await loadPrompts({
      lockfile: project.lockfile,
      env: "production",
      observe: { file: log, redact: ["customer.name", "history.*.content", "not.there"] },
    });
    const input = {
      ...vars,
      customer: { name: "Ann Lee", plan: "pro" },
      history: [
        { role: "user", content: "my email is ann@example.com" },
        { role: "assistant", content: "Thanks Ann Lee" },
      ],
    };
    prompts.prepare("support-agent", input).end({ output: "ok" });
    await prompts.close();

    const text = JSON.stringify(records(log));
    expect(text).not.toContain("Ann Lee");
    expect(text).not.toContain("ann@example.com");
    expect(records(log)[0]!.vars).toEqual({
      userMessage: "Can I get a refund?",
      customer: { name: "[redacted]", plan: "pro" },
      history: [
        { role: "user", content: "[redacted]" },
        { role: "assistant", content: "[redacted]" },
      ],
    });
    expect(input.customer.name).toBe("Ann Lee");
    expect(input.history[0]!.content).toBe("my email is ann@example.com");
  });

  it("samples by trace id: feedback follows its call in or out of the log", async () => {
    const prompts = await loadPrompts({
      lockfile: project.lockfile,
      env: "production",
      observe: { file: log, sampleRate: 0.5 },
    });
    const traceIds: string[] = [];
    for (let i = 0; i < 400; i++) {
      const call = prompts.prepare("support-agent", vars);
      call.end({ output: `reply ${i}` });
      prompts.feedback(call.traceId, { score: 1 });
      traceIds.push(call.traceId);
    }
    await prompts.close();

    const lines = records(log);
    const calls = lines.filter((line) => "status" in line).map((line) => line.traceId);
    const feedback = lines.filter((line) => "feedback" in line).map((line) => line.traceId);
    // 400 fair coin flips: 200 ± 10 standard deviations.
    expect(calls.length).toBeGreaterThan(100);
    expect(calls.length).toBeLessThan(300);
    expect(new Set(feedback)).toEqual(new Set(calls));
    expect(prompts.observeStats()).toMatchObject({
      recorded: calls.length * 2,
      sampledOut: (400 - calls.length) * 2,
      dropped: 0,
    });
  });

  it("writes nothing at sampleRate 0, and prepare() works without observe at all", async () => {
    const none = await loadPrompts({
      lockfile: project.lockfile,
      env: "production",
      observe: { file: log, sampleRate: 0 },
    });
    none.prepare("support-agent", vars).end({ output: "x" });
    await none.close();
    expect(existsSync(log)).toBe(false);
    expect(none.observeStats()).toMatchObject({ recorded: 0, sampledOut: 1, written: 0 });

    const plain = await loadPrompts({ lockfile: project.lockfile, env: "production" });
    const call = plain.prepare("support-agent", vars);
    expect(call.messages[1]).toEqual({ role: "user", content: "Can I get a refund?" });
    call.end({ output: "x" });
    await plain.close();
    expect(plain.observeStats()).toEqual({
      recorded: 0,
      sampledOut: 0,
      written: 0,
      dropped: 0,
      queued: 0,
      rotations: 0,
    });
  });

  it("never throws into the app: an output that is not JSON is dropped, counted and reported", async () => {
    const errors: Error[] = [];
    const prompts = await loadPrompts({
      lockfile: project.lockfile,
      env: "production",
      observe: { file: log, onError: (error) => errors.push(error) },
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => prompts.prepare("support-agent", vars).end({ output: cyclic })).not.toThrow();
    expect(() => prompts.prepare("support-agent", vars).end({ output: 10n })).not.toThrow();
    expect(() => prompts.feedback("abc", { score: Number.NaN })).not.toThrow();
    prompts.prepare("support-agent", vars).end({ output: "fine" });
    await prompts.close();

    expect(records(log).map((line) => line.output)).toEqual(["fine"]);
    expect(prompts.observeStats()).toMatchObject({ written: 1, dropped: 2 });
    expect(errors.map((error) => (error as { code?: string }).code)).toEqual([
      "observe-write-failed",
      "observe-write-failed",
      "observe-write-failed",
    ]);
  });

  it("drops and counts a record larger than its buffer, and writes multi-byte text whole", async () => {
    const prompts = await loadPrompts({
      lockfile: project.lockfile,
      env: "production",
      observe: { file: log, maxBufferBytes: 4000 },
    });
    prompts.prepare("support-agent", vars).end({ output: "€".repeat(700) });
    prompts.prepare("support-agent", vars).end({ output: "€".repeat(300) });
    await prompts.close();
    expect(records(log).map((line) => line.output)).toEqual(["€".repeat(300)]);
    expect(prompts.observeStats()).toMatchObject({ written: 1, dropped: 1 });
  });

  it("refuses bad options at start-up, with the option named", async () => {
    for (const [observe, message] of [
      [{ file: log, sampleRate: 2 }, /sampleRate must be a number from 0 to 1/],
      [{ file: log, redact: ["customer..name"] }, /"customer..name" is not a variable path/],
      [{ file: log, maxFileBytes: 0 }, /maxFileBytes must be a whole number/],
      [{ otel: { tracer: {} } }, /observe.otel must be/],
    ] as const) {
      await expectPromptOpsRejection(
        // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong options, as plain JS could pass
        loadPrompts({ lockfile: project.lockfile, env: "production", observe: observe as any }),
        { code: "observe-options-invalid", exitCode: 2, message },
      );
    }
  });

  it("rotates a file about to grow past maxFileBytes, stamping the old one with the time", async () => {
    const prompts = await loadPrompts({
      lockfile: project.lockfile,
      env: "production",
      observe: { file: log, maxFileBytes: 4000 },
    });
    for (let i = 0; i < 30; i++) {
      prompts.prepare("support-agent", vars).end({ output: `reply ${i}` });
      // One batch per call: each lands in the file on its own.
      await until(() => prompts.observeStats().written === i + 1, `call ${i} is written`);
    }
    await prompts.close();

    const names = readdirSync(project.path("logs")).sort();
    expect(names.length).toBeGreaterThan(2);
    expect(names).toContain("calls.jsonl");
    for (const name of names.filter((n) => n !== "calls.jsonl"))
      expect(name).toMatch(/^calls\.\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z(-\d+)?\.jsonl$/);
    const outputs = recordsIn(project.path("logs")).map((line) => line.output);
    expect(outputs.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `reply ${i}`).sort());
    expect(prompts.observeStats().rotations).toBe(names.length - 1);
  });

  it("never rotates a file that is not a regular one (/dev/null, a named pipe): it is written into and stays what it was", async () => {
    mkdirSync(project.path("logs"), { recursive: true });
    const fifo = project.path("logs/calls.jsonl");
    execFileSync("mkfifo", [fifo]);
    // The pipe's reader is another process, as a log shipper would be; it holds the pipe open
    // read-write, so that each batch's open and close is not the end of its input.
    const received = project.path("received.jsonl");
    const reader = spawn("sh", ["-c", 'exec 3<>"$1"; exec cat <&3 > "$2"', "sh", fifo, received]);
    const readerDone = new Promise((resolve) => reader.on("close", resolve));
    const prompts = await loadPrompts({
      lockfile: project.lockfile,
      env: "production",
      observe: { file: fifo, maxFileBytes: 4000 },
    });
    for (let i = 0; i < 30; i++) {
      prompts.prepare("support-agent", vars).end({ output: `reply ${i}` });
      await until(() => prompts.observeStats().written === i + 1, `call ${i} is written`);
    }
    await prompts.close();
    await until(
      () => existsSync(received) && readFileSync(received, "utf8").includes('"reply 29"'),
      "the reader has it all",
    );
    reader.kill();
    await readerDone;

    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(project.path("logs"))).toEqual(["calls.jsonl"]);
    expect(prompts.observeStats().rotations).toBe(0);
    expect(records(received).map((line) => line.output)).toContain("reply 29");
  });
});
