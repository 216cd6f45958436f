import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type AssertionContext, evaluateAssertion } from "../../src/regression/assertions/index.js";
import { JAVASCRIPT_TIMEOUT_MS, javascriptCheck } from "../../src/regression/assertions/javascript.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";

/** Deadlines short enough for a test; the run's are JAVASCRIPT_DEADLINES. */
const SHORT = { syncMs: 300, asyncMs: 400 };

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
    const pending = await javascriptCheck("new Promise(() => {})", context("x"), SHORT);
    expect(pending).toMatchObject({
      pass: false,
      message: `\`new Promise(() => {})\` returned a promise that did not settle within ${SHORT.asyncMs} ms`,
    });
  });

  it("ends a check that loops forever after an await, inline or in a module, by its deadline", async () => {
    const started = Date.now();
    const inline = await javascriptCheck(
      "(async () => { await Promise.resolve(); while (true) {} })()",
      context("x"),
      SHORT,
    );
    expect(inline).toMatchObject({ pass: false, score: 0 });
    expect(inline.message).toContain(`did not settle within ${SHORT.asyncMs} ms`);
    const module = await javascriptCheck("./checks/loops-after-await.mjs", context("x"), SHORT);
    expect(module.message).toBe(
      `./checks/loops-after-await.mjs returned a promise that did not settle within ${SHORT.asyncMs} ms`,
    );
    expect(Date.now() - started).toBeLessThan(2 * (SHORT.syncMs + SHORT.asyncMs) + 3000);
    // The run's own thread is free: the next check runs as usual.
    expect(await evaluateAssertion({ javascript: "output === 'x'" }, context("x"))).toMatchObject({
      pass: true,
    });
  });

  it("ends a check whose timer loops forever once it has returned, and runs the next check in time", async () => {
    const stray = await javascriptCheck(
      "setTimeout(() => { while (true) {} }, 0); true",
      context("x"),
      SHORT,
    );
    expect(stray).toMatchObject({ pass: true });
    const next = await javascriptCheck("output.length === 1", context("x"), SHORT);
    expect(next).toMatchObject({ pass: true, message: "`output.length === 1` returned true" });
  });

  it("fails a check that ends its thread, and the run goes on", async () => {
    const exits = await javascriptCheck("process.exit(3)", context("x"), SHORT);
    expect(exits).toMatchObject({ pass: false });
    expect(exits.message).toBe(
      "`process.exit(3)` ended its thread: the check ended its thread (exit code 3)",
    );
    expect(await javascriptCheck("output === 'x'", context("x"), SHORT)).toMatchObject({ pass: true });
  });

  it("says where code that does not parse stops, as validate does, never at a parenthesis it added", async () => {
    const result = await evaluateAssertion({ javascript: "output.length <" }, context("x"));
    expect(result).toMatchObject({ pass: false });
    expect(result.message).toBe(
      "`output.length <`: does not compile: unexpected end of the code (line 1, column 16)",
    );
    const block = await evaluateAssertion({ javascript: "const n = output.length;\nn < 3 )" }, context("x"));
    expect(block.message).toBe(
      "`const n = output.length; n < 3 )`: does not compile: Unexpected token (line 2, column 7)",
    );
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
