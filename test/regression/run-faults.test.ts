import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CaseResult } from "../../src/regression/results.js";
import { runTests, type TestRun, type TestRunOptions } from "../../src/regression/run-tests.js";
import { echoLastUserMessage, type FakeRequest } from "../fake-provider/fake-provider-server.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import {
  asking,
  copyRunnerProject,
  manyTestsPrompt,
  openaiEnv,
  userText,
} from "../fixtures/runner/runner-project.js";
import { forceGc } from "../helpers/force-gc.js";
import type { ProjectDir } from "../helpers/project-dir.js";

const server = fakeProviderServerPerFile({ apiKey: "sk-runner-test-0123456789abcdef" });
let project: ProjectDir | undefined;
/** Lets go of replies a test held back, even when that test failed before doing it. */
let releaseHeld: (() => void) | undefined;

afterEach(() => {
  releaseHeld?.();
  project?.cleanup();
});

interface Finished {
  result: CaseResult;
  /** ms since the run was planned (the moment before the first request). */
  at: number;
}

/** Runs the story project (or `files` added to it) and notes when each case finished. */
async function runTimed(
  options: Partial<TestRunOptions> & { files?: Record<string, string> } = {},
): Promise<{ run: TestRun; finished: Finished[] }> {
  const { files, ...rest } = options;
  project = copyRunnerProject(files);
  const finished: Finished[] = [];
  let planned = 0;
  const run = await runTests({
    cwd: project.root,
    ids: [],
    providers: ["openai:gpt-4o-mini"],
    env: openaiEnv(server),
    noCache: true,
    onPlanned: () => {
      planned = performance.now();
    },
    onCaseFinished: (result) => finished.push({ result, at: performance.now() - planned }),
    ...rest,
  });
  return { run, finished };
}

const byTest = (run: TestRun, name: string) => run.results.find((r) => r.test === name)!;
const requestsAsking = (text: string) => server.requests.filter(asking(text)).length;

describe("bounded concurrency", () => {
  it("keeps exactly --concurrency requests in flight: 40 cases at 4 never have a 5th", async () => {
    server.latencyMs = 30;
    const { run } = await runTimed({
      ids: ["many"],
      concurrency: 4,
      files: { "prompts/many.prompt.yaml": manyTestsPrompt(40) },
    });
    expect(run.summary).toMatchObject({ total: 40, passed: 40 });
    expect(server.stats.total).toBe(40);
    expect(server.stats.peakActive).toBe(4);
  });

  it("a provider held to 1 in flight by config does not hold back the other providers", async () => {
    // `slow` may have one request in flight; its first request is held until every `fast` case
    // is done. Its other cases must wait for their own provider's slot, not sit in the run's.
    const held = new Promise<void>((resolve) => {
      releaseHeld = resolve;
    });
    server.reply = async (request) => {
      if (request.body?.model === "gpt-4o") await held;
      return echoLastUserMessage(request);
    };
    let fastAllDone!: () => void;
    const fastDone = new Promise<void>((resolve) => {
      fastAllDone = resolve;
    });
    let fastFinished = 0;
    const running = runTimed({
      ids: ["many"],
      concurrency: 2,
      providers: ["slow", "fast"],
      files: {
        "promptops.config.yaml": `providers:
  - { id: slow, kind: openai, model: gpt-4o, concurrency: 1 }
  - { id: fast, kind: openai, model: gpt-4o-mini }
`,
        "prompts/many.prompt.yaml": manyTestsPrompt(6),
      },
      onCaseFinished: (result) => {
        if (result.provider === "fast" && ++fastFinished === 6) fastAllDone();
      },
    });
    await fastDone;
    // Meanwhile `slow` kept to its limit: its first request held, the others not sent.
    expect(server.requests.filter((r) => r.body?.model === "gpt-4o").length).toBeLessThanOrEqual(1);
    releaseHeld?.();
    const { run } = await running;
    expect(run.summary).toMatchObject({ total: 12, passed: 12 });
    expect(server.stats.peakActive).toBeLessThanOrEqual(2);
  }, 15_000);
});

describe("a run against a misbehaving provider", () => {
  // One run, retries 2: a rate limit with retry-after-ms, a 5xx that clears, a 5xx that never does.
  let outcome: { run: TestRun; finished: Finished[] };
  let requests: FakeRequest[];
  const sent = (text: string) => requests.filter(asking(text)).length;
  beforeAll(async () => {
    server.reset();
    server
      .faultWhen(asking("hello to Ada"), { status: 429, retryAfterMs: "200" }, 1)
      .faultWhen(asking("order 4711"), { status: 500 }, 2)
      .faultWhen(asking("Refund please"), { status: 500 });
    outcome = await runTimed({ retries: 2, concurrency: 4 });
    requests = [...server.requests];
  });

  it("waits what retry-after-ms says, to the millisecond, then passes", () => {
    const { run, finished } = outcome;
    expect(byTest(run, "greets Ada by name").status).toBe("pass");
    expect(sent("hello to Ada")).toBe(2);
    const ada = finished.find((f) => f.result.test === "greets Ada by name")!;
    expect(ada.at).toBeGreaterThanOrEqual(200);
  });

  it("waits 1 ms when told 1 ms, not the default backoff (250 to 500 ms)", async () => {
    // When each of Grace's requests reached the server: the gap between them is the wait, without
    // the run's start-up, which a loaded machine makes slow. The rule only notes, never matches.
    const graceSent: number[] = [];
    server.faultWhen(
      (request) => {
        if (asking("hello to Grace")(request)) graceSent.push(performance.now());
        return false;
      },
      { status: 500 },
      Number.MAX_SAFE_INTEGER,
    );
    // A run of its own: a rate limit holds back every request to its provider (provider-pace.ts).
    server.faultWhen(asking("hello to Grace"), { status: 429, retryAfterMs: "1" }, 1);
    const { run, finished } = await runTimed({ retries: 2, concurrency: 4 });
    const grace = finished.find((f) => f.result.test === "greets Grace by name")!;
    expect(grace.result.status).toBe("pass");
    expect(server.requests.filter(asking("hello to Grace"))).toHaveLength(2);
    expect(graceSent).toHaveLength(2);
    expect(graceSent[1]! - graceSent[0]!).toBeLessThan(250);
    expect(run.summary.rateLimited?.responses).toBe(1);
  });

  it("retries a 500 that clears, and the case passes on the third attempt", () => {
    expect(byTest(outcome.run, "keeps the order number").status).toBe("pass");
    expect(sent("order 4711")).toBe(3);
  });

  it("gives up after the retries on a provider that keeps failing: an error naming status and attempts", () => {
    const broken = byTest(outcome.run, "stays short");
    expect(sent("Refund please")).toBe(3);
    expect(broken).toMatchObject({ status: "error", output: "", cached: false, costUsd: null });
    expect(broken.error).toContain("HTTP 500");
    expect(broken.error).toContain("The server had an error");
    expect(broken.error).toContain("after 3 attempts");
  });

  it("warns of no listener leak when many requests wait to retry at once", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      server.faultWhen(() => true, { status: 503 }, 20);
      const { run } = await runTimed({
        ids: ["many"],
        retries: 1,
        concurrency: 20,
        files: { "prompts/many.prompt.yaml": manyTestsPrompt(20) },
      });
      expect(run.summary).toMatchObject({ total: 20, passed: 20 });
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      expect(warnings).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("goes on with the other cases", () => {
    expect(outcome.run.summary).toMatchObject({ total: 6, passed: 5, failed: 0, errors: 1 });
    expect(outcome.finished).toHaveLength(6);
  });
});

describe("the per-request timeout", () => {
  it("errors a hung case promptly, while the others finish without waiting for it", async () => {
    server.faultWhen(asking("hello to Ada"), { hang: true });
    // Long enough for the other five cases to finish first on a loaded machine.
    const timeoutMs = 1_500;
    const { run, finished } = await runTimed({ timeoutMs, retries: 0, concurrency: 2 });

    const hung = byTest(run, "greets Ada by name");
    expect(hung.status).toBe("error");
    expect(hung.error).toContain("timed out");
    const last = finished.at(-1)!;
    expect(last.result.test).toBe("greets Ada by name");
    expect(last.at).toBeGreaterThanOrEqual(timeoutMs);
    // Ended by its own timeout, not by the end of the run or the SDK's timeout (minutes).
    expect(last.at).toBeLessThan(timeoutMs + 3_000);
    // The other five went through the other slot and were all done before the timeout fired.
    const others = finished.slice(0, -1);
    expect(others.map((f) => f.result.status)).toEqual(Array(5).fill("pass"));
    for (const other of others) expect(other.at).toBeLessThan(timeoutMs);

    // The request was really cancelled: the server saw its connection go away.
    const request = server.requests.find(asking("hello to Ada"))!;
    await request.closed;
    expect(request.cut).toBe(true);
    await server.whenIdle();
  });

  it("ends every hung case at its timeout in a busy run: 20 cases at 8 in flight, 2 never answered", async () => {
    const hung = ["question 3", "question 7"];
    server.faultWhen((request) => hung.includes(userText(request)), { hang: true });
    // A busy run collects garbage while requests are out; here it does so at a known moment.
    server.whenRequests(20).then(forceGc);
    const { run, finished } = await runTimed({
      ids: ["many"],
      timeoutMs: 500,
      retries: 0,
      concurrency: 8,
      files: { "prompts/many.prompt.yaml": manyTestsPrompt(20) },
    });
    expect(run.summary).toMatchObject({ total: 20, passed: 18, errors: 2 });
    for (const name of hung) {
      expect(byTest(run, name)).toMatchObject({ status: "error", error: "openai:gpt-4o-mini: timed out" });
      // A timer lost to garbage collection would leave the case hung until the test times out.
      expect(finished.find((f) => f.result.test === name)!.at).toBeLessThan(500 + 5_000);
    }
    await server.whenIdle();
  });

  it("retries a timeout like any transient failure", async () => {
    server.faultWhen(asking("hello to Ada"), { hang: true }, 1);
    const { run } = await runTimed({ timeoutMs: 300, retries: 1, concurrency: 2 });
    expect(byTest(run, "greets Ada by name").status).toBe("pass");
    expect(requestsAsking("hello to Ada")).toBe(2);
  });
});

describe("a provider that enforces a request rate (429 + retry-after)", () => {
  it("slows down to its pace instead of failing cases, and says how much it was held back", async () => {
    // 50 requests a second, 5 at once: 60 cases at 8 in flight run into it at once and again.
    server.rateLimit({ perSecond: 50, burst: 5, header: "retry-after-ms" });
    const { run } = await runTimed({
      ids: ["many"],
      retries: 3,
      concurrency: 8,
      files: { "prompts/many.prompt.yaml": manyTestsPrompt(60) },
    });
    expect(run.summary).toMatchObject({ total: 60, passed: 60, errors: 0 });
    expect(run.summary.rateLimited).toEqual({
      responses: server.stats.rateLimited,
      waitedMs: expect.any(Number),
    });
    expect(server.stats.rateLimited).toBeGreaterThan(0);
    expect(run.summary.rateLimited!.waitedMs).toBeGreaterThan(0);
    expect(run.summary.rateLimited!.waitedMs).toBeLessThanOrEqual(run.summary.durationMs);
  });

  it("does not hold the other cases for an hour when one 429 asks for an hour", async () => {
    server.faultWhen(asking("hello to Ada"), { status: 429, retryAfter: "3600" });
    const started = performance.now();
    const { run } = await runTimed({ concurrency: 1 });
    // Guards against waiting the hour; the run itself takes well under a second.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(byTest(run, "greets Ada by name")).toMatchObject({ status: "error" });
    expect(byTest(run, "greets Ada by name").error).toContain("retry after 3600000 ms");
    expect(run.summary).toMatchObject({ total: 6, passed: 5, errors: 1 });
  });

  it("waits whole seconds when that is all retry-after says, and still loses no case", async () => {
    server.rateLimit({ perSecond: 20, burst: 10, header: "retry-after" });
    const { run } = await runTimed({
      ids: ["many"],
      retries: 1,
      concurrency: 8,
      files: { "prompts/many.prompt.yaml": manyTestsPrompt(30) },
    });
    expect(run.summary).toMatchObject({ total: 30, passed: 30, errors: 0 });
    expect(run.summary.rateLimited!.responses).toBe(server.stats.rateLimited);
    expect(run.summary.rateLimited!.waitedMs).toBeGreaterThanOrEqual(1_000);
  });
});

describe("the run-level deadline (--max-duration)", () => {
  it("keeps what finished, ends the request in flight and sends nothing more", async () => {
    server.faultWhen(asking("order 4711"), { hang: true });
    const started = performance.now();
    // From the config's test.maxDurationMs, as a team sets it once for CI.
    const { run } = await runTimed({
      files: {
        "promptops.config.yaml": `promptsDir: prompts
providers: [openai:gpt-4o-mini]
test: { concurrency: 1, retries: 0, timeoutMs: 60000, maxDurationMs: 800 }
`,
      },
    });
    // The hung request's own timeout is 60 s: ending near the 800 ms deadline is what is checked.
    expect(performance.now() - started).toBeLessThan(800 + 8_000);
    const hungAt = server.requests.findIndex(asking("order 4711"));
    expect(hungAt).toBe(4);
    expect(server.stats.total).toBe(hungAt + 1);
    expect(run.summary).toMatchObject({ total: 6, passed: hungAt, errors: 6 - hungAt });
    for (const result of run.results.filter((r) => r.status === "error"))
      expect(result.error).toBe("not run: --max-duration reached");
    expect(run).toMatchObject({ passed: false, cancelled: false });
    expect(run.notes).toContain(`--max-duration (800 ms) reached: ${6 - hungAt} case(s) not finished`);
    await server.whenIdle();
    expect(server.requests[hungAt]!.cut).toBe(true);
  });
});

describe("cancelling a run", () => {
  it("stops at once, and every case still has a result: finished ones as they were, the rest cancelled", async () => {
    server.latencyMs = 10_000;
    const controller = new AbortController();
    server.whenRequests(2).then(() => controller.abort(new Error("interrupted")));
    const started = performance.now();
    const { run } = await runTimed({ concurrency: 2, signal: controller.signal });
    // Replies take 10 s: stopping at once means well before the first of them.
    expect(performance.now() - started).toBeLessThan(6_000);
    expect(run.cancelled).toBe(true);
    expect(run.results).toHaveLength(6);
    for (const result of run.results) {
      expect(result.status).toBe("error");
      expect(result.error).toContain("cancelled");
    }
    expect(server.stats.total).toBe(2);
    await server.whenIdle();
    expect(server.requests.every((r) => r.cut)).toBe(true);
    expect(userText(server.requests[0]!)).toContain("Ada");
  });
});
