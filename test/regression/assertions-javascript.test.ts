import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type AssertionContext, evaluateAssertion } from "../../src/regression/assertions/index.js";
import {
  JAVASCRIPT_ASYNC_TIMEOUT_MS,
  JAVASCRIPT_TIMEOUT_MS,
} from "../../src/regression/assertions/javascript.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";

const promptDir = fileURLToPath(new URL("../fixtures/assertions/", import.meta.url));

function context(output: string, overrides: Partial<AssertionContext> = {}): AssertionContext {
  return {
    output,
    vars: { customer: { name: "Ann" }, maxWords: 4 },
    tokens: { input: 120, output: 12 },
    latencyMs: 300,
    costUsd: 0.0001,
    promptDir,
    ...overrides,
  };
}

describe("javascript assertions", () => {
  let project: ProjectDir | undefined;
  afterEach(() => project?.cleanup());

  it("runs a module's default export, resolved from the prompt's folder, with the test's vars", async () => {
    const assertion = { javascript: "./checks/greets-customer.mjs" };
    expect(await evaluateAssertion(assertion, context("Hi Ann, welcome back."))).toEqual({
      type: "javascript",
      pass: true,
      score: 1,
      message: "./checks/greets-customer.mjs returned true",
    });
    const failed = await evaluateAssertion(assertion, context("Hello there."));
    expect(failed).toMatchObject({ pass: false, score: 0 });
    expect(failed.message).toBe(
      './checks/greets-customer.mjs returned false; output (12 chars) is "Hello there."',
    );
  });

  it("runs a named assert that returns pass, score and reason, and sees the call's measurements", async () => {
    const assertion = { javascript: "./checks/tone.mjs" };
    expect(await evaluateAssertion(assertion, context("Glad to help!"))).toMatchObject({
      pass: true,
      score: 1,
      message: "./checks/tone.mjs returned pass: true, score: 1: polite in 12 tokens",
    });
    expect(await evaluateAssertion(assertion, context("Calm down, it is obviously fine."))).toMatchObject({
      pass: false,
      score: 0,
      message: "./checks/tone.mjs returned pass: false, score: 0: rude words: calm down, obviously",
    });
  });

  it("takes a number from a CommonJS module as a score that passes at 0.5", async () => {
    const assertion = { javascript: "./checks/word-budget.cjs" };
    expect(await evaluateAssertion(assertion, context("one two three four"))).toMatchObject({
      pass: true,
      score: 1,
    });
    const long = await evaluateAssertion(
      assertion,
      context("one two three four five six seven eight nine ten"),
    );
    expect(long).toMatchObject({ pass: false, score: 0.4 });
    expect(long.message).toContain("./checks/word-budget.cjs scored 0.4 (passes at 0.5)");
  });

  it("turns an error thrown by the check into a failing result with its message", async () => {
    expect(await evaluateAssertion({ javascript: "./checks/crashes.mjs" }, context("x"))).toEqual({
      type: "javascript",
      pass: false,
      score: 0,
      message: "./checks/crashes.mjs threw: tone service unavailable",
    });
  });

  it("stops a check that never ends, failing it, so the run (and Ctrl-C) goes on", async () => {
    const started = Date.now();
    const endless = await evaluateAssertion({ javascript: "while (true) {}" }, context("x"));
    expect(endless).toMatchObject({ pass: false, score: 0 });
    expect(endless.message).toBe(
      `\`while (true) {}\` did not finish within ${JAVASCRIPT_TIMEOUT_MS} ms: a check must return promptly`,
    );
    expect(Date.now() - started).toBeLessThan(JAVASCRIPT_TIMEOUT_MS + 3000);
    // The next check runs as usual.
    expect(await evaluateAssertion({ javascript: "output === 'x'" }, context("x"))).toMatchObject({
      pass: true,
    });
  });

  it("fails a check whose promise never settles, rather than leaving the run waiting", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const pending = evaluateAssertion({ javascript: "new Promise(() => {})" }, context("x"));
      await vi.advanceTimersByTimeAsync(JAVASCRIPT_ASYNC_TIMEOUT_MS);
      expect(await pending).toMatchObject({
        pass: false,
        message: `\`new Promise(() => {})\` returned a promise that did not settle within ${JAVASCRIPT_ASYNC_TIMEOUT_MS} ms`,
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it("evaluates an inline expression with output, vars and result", async () => {
    const assertion = { javascript: "output.includes(vars.customer.name) && result.costUsd < 0.01" };
    expect(await evaluateAssertion(assertion, context("Thanks, Ann!"))).toMatchObject({
      pass: true,
      score: 1,
    });
    expect(await evaluateAssertion(assertion, context("Thanks, Ann!", { costUsd: 0.5 }))).toMatchObject({
      pass: false,
    });
  });

  it("says when a module has no function to call", async () => {
    const result = await evaluateAssertion({ javascript: "./checks/not-a-check.mjs" }, context("x"));
    expect(result.message).toBe(
      "./checks/not-a-check.mjs: the module exports no default or named `assert` function",
    );
  });

  it("reports a module that does not load, and accepts an absolute path", async () => {
    project = makeProjectDir({ "broken.mjs": "export function assert( {\n" });
    const result = await evaluateAssertion({ javascript: `${project.root}/broken.mjs` }, context("x"));
    expect(result.pass).toBe(false);
    expect(result.message).toContain(`${project.root}/broken.mjs: cannot load the module:`);
  });

  it("gives each check its own copy of vars", async () => {
    const vars = { customer: { name: "Ann" } };
    const first = await evaluateAssertion(
      { javascript: "./checks/mutates-vars.mjs" },
      context("x", { vars }),
    );
    expect(first.pass).toBe(true);
    expect(vars.customer.name).toBe("Ann");
    expect(
      await evaluateAssertion({ contains: "{{ customer.name }}" }, context("Ann", { vars })),
    ).toMatchObject({
      pass: true,
    });
  });
});
