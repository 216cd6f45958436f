import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../src/regression/results.js";
import { createPrettyReporter } from "../../src/reporters/pretty-reporter.js";
import type { RunProgress } from "../../src/reporters/reporter.js";
import { allCases, cached, errored, failed, fakeStream, passed, runResults } from "./fixtures.js";

const ESC = "\u001b[";

function progressAfter(cases: CaseResult[], total: number): RunProgress {
  const count = (status: string) => cases.filter((c) => c.status === status).length;
  return { done: cases.length, total, passed: count("pass"), failed: count("fail"), errors: count("error") };
}

/** Feeds the cases to the reporter as a runner would, then finishes the run. */
async function run(reporter: ReturnType<typeof createPrettyReporter>, cases = allCases) {
  cases.forEach((c, i) => {
    reporter.onCaseFinished?.(c, progressAfter(cases.slice(0, i + 1), cases.length));
  });
  return reporter.finish(runResults(cases));
}

const options = (stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = {}) => ({
  stream,
  streamName: "stdout" as const,
  env,
  projectRoot: "/work/proj",
  cwd: "/work/proj",
});

describe("the pretty reporter in CI and logs", () => {
  it("prints one plain line per finished case, then the failures and a summary", async () => {
    const out = fakeStream(false);
    const written = await run(createPrettyReporter(options(out.stream)));
    expect(written).toEqual({ reporter: "pretty", written: [{ kind: "stdout" }] });
    const text = out.text();
    expect(text).not.toContain(ESC);
    expect(text).not.toContain("\r");
    const lines = text.split("\n");
    expect(lines.slice(0, 4)).toEqual([
      "✓ support-agent › mentions refund window [openai:gpt-4o-mini] 812ms",
      '✗ support-agent › answers "short", politely [openai:gpt-4o-mini] 1.5s',
      "! support-agent › mentions refund window [anthropic:claude-3-5-haiku] 30.0s",
      "✓ billing/refund v3 › quotes the policy | verbatim [openai:my-finetune] 2ms (cached)",
    ]);
    expect(text.trimEnd().split("\n").at(-1)).toBe(
      "2 passed, 1 failed, 1 error, 4 total · 5.3s · 830 in / 345 out tokens · cost unknown",
    );
  });

  it("says under the summary that the run was rate-limited and how long it waited", async () => {
    const out = fakeStream(false);
    const reporter = createPrettyReporter(options(out.stream));
    const results = runResults(allCases);
    results.summary.rateLimited = { responses: 37, waitedMs: 3_250 };
    await reporter.finish(results);
    expect(out.text().trimEnd().split("\n").at(-1)).toBe("rate-limited: 37 × 429, waited 3.3s");
  });

  it("shows, for each failure, where it is, expected vs found, and an excerpt of the reply", async () => {
    const out = fakeStream(false);
    await run(createPrettyReporter(options(out.stream)));
    const failures = out.text().slice(out.text().indexOf("Failures (2):"));
    expect(failures).toContain(
      '✗ support-agent › answers "short", politely [openai:gpt-4o-mini]  prompts/support-agent.prompt.yaml:20',
    );
    expect(failures).toContain("    max-length: expected at most 200 characters, found 563\n");
    expect(failures).toContain('    not-contains: expected no "Dear", found "Dear" at 0\n');
    expect(failures).not.toContain("starts-with");
    // The first 300 characters, indented; the escape sequence in the reply is neutralised.
    expect(failures).toContain(
      "    output:\n      Dear <customer> & co,\uFFFD[31m here is a very long answer\uFFFD",
    );
    const excerptLine = failures.split("\n").find((l) => l.startsWith("      Dear"))!;
    expect(Array.from(excerptLine.trim())).toHaveLength(301);
    expect(excerptLine.endsWith("…")).toBe(true);
    expect(failures).toContain("    error: 529 overloaded_error (3 attempts)\n    x-api-key: sk-…[redacted]");
  });

  it("prints a case the runner never reported as finished, so every case appears", async () => {
    const out = fakeStream(false);
    const reporter = createPrettyReporter(options(out.stream));
    reporter.onCaseFinished?.(passed, progressAfter([passed], 2));
    await reporter.finish(runResults([passed, cached]));
    const caseLines = out
      .text()
      .split("\n")
      .filter((l) => l.startsWith("✓"));
    expect(caseLines).toHaveLength(2);
    expect(out.text().match(/mentions refund window/g)).toHaveLength(1);
  });

  it("says how much the run cost when every price is known", async () => {
    const out = fakeStream(false);
    await run(createPrettyReporter(options(out.stream)), [passed, failed]);
    expect(out.text()).toContain(
      "1 passed, 1 failed, 0 errors, 2 total · 5.3s · 710 in / 315 out tokens · $0.0006",
    );
  });

  it("prints plain lines on a terminal when CI is set", async () => {
    const out = fakeStream(true);
    await run(createPrettyReporter(options(out.stream, { CI: "true", NO_COLOR: "1" })));
    expect(out.text()).not.toContain("\r");
    expect(out.text().split("\n")[0]).toBe(
      "✓ support-agent › mentions refund window [openai:gpt-4o-mini] 812ms",
    );
  });
});

describe("the pretty reporter after Ctrl-C", () => {
  it("prints one line for the cancelled cases instead of one error each", async () => {
    const out = fakeStream(false);
    const stopped = (test: string) => ({ ...errored, test, error: "cancelled before it finished" });
    await run(createPrettyReporter(options(out.stream)), [
      passed,
      failed,
      stopped("a"),
      stopped("b"),
      stopped("c"),
    ]);
    const text = out.text();
    expect(text).not.toContain("cancelled before it finished");
    expect(text).not.toContain("› a [");
    expect(text).toContain("Failures (1):");
    expect(text).toContain("\n3 cases cancelled\n");
  });
});

describe("the pretty reporter with --no-progress", () => {
  it("draws no progress bar on a terminal and prints no passing case, but the failures and the summary", async () => {
    const out = fakeStream(true);
    await run(createPrettyReporter({ ...options(out.stream, { NO_COLOR: "1" }), progress: false }));
    const text = out.text();
    expect(text).not.toContain("\r");
    expect(text).not.toContain("░");
    expect(text).not.toContain("✓ support-agent › mentions refund window");
    expect(text.split("\n")[0]).toBe('✗ support-agent › answers "short", politely [openai:gpt-4o-mini] 1.5s');
    expect(text).toContain("2 passed, 1 failed, 1 error, 4 total");
  });
});

describe("the pretty reporter on a terminal", () => {
  it("redraws one progress line with \\r, at most about ten times a second", async () => {
    const out = fakeStream(true);
    let clock = 1000;
    const reporter = createPrettyReporter({ ...options(out.stream, { NO_COLOR: "1" }), now: () => clock });
    const cases = Array.from({ length: 10 }, (_, i) => ({ ...passed, test: `case ${i}` }));
    cases.forEach((c, i) => {
      clock += i === 5 ? 150 : 5;
      reporter.onCaseFinished?.(c, progressAfter(cases.slice(0, i + 1), cases.length));
    });
    const draws = out.chunks.filter((chunk) => chunk.startsWith("\r"));
    // The first case, the first after 100 ms had passed, and the last.
    expect(draws).toHaveLength(3);
    // 5 ms for the first case: the other nine take about 45 ms more at that pace.
    expect(draws[0]).toBe(`\r${ESC}2K██░░░░░░░░░░░░░░░░░░ 1/10 ✓ 1 ✗ 0 ! 0 5ms · ETA 45ms`);
    expect(draws.at(-1)).toBe(`\r${ESC}2K████████████████████ 10/10 ✓ 10 ✗ 0 ! 0 195ms`);
    expect(out.text()).not.toContain("\n");

    await reporter.finish(runResults(cases));
    const after = out.text().slice(out.text().lastIndexOf("████"));
    expect(after).toContain(
      `\r${ESC}2K\nsupport-agent ran on openai:gpt-4o-mini\n10 passed, 0 failed, 0 errors, 10 total`,
    );
  });

  it("prints failures above the progress line as they happen, in colour", async () => {
    const out = fakeStream(true);
    await run(createPrettyReporter(options(out.stream)), [passed, failed, errored]);
    const text = out.text();
    expect(text).toContain(ESC);
    expect(text).toContain(`\r${ESC}2K${ESC}31m✗${ESC}39m support-agent › answers "short", politely`);
    expect(text).toContain("\r");
  });

  it("keeps the line narrower than the terminal so \\r can redraw it", () => {
    const out = fakeStream(true, 30);
    const reporter = createPrettyReporter(options(out.stream));
    reporter.onCaseFinished?.(passed, progressAfter([passed], 4));
    const line = out.chunks[0]!.replace(`\r${ESC}2K`, "");
    expect(line).toHaveLength(29);
    expect(line.startsWith("█████░░░░░░░░░░░░░░░ 1/4 ✓ 1")).toBe(true);
  });

  it("uses no colour with NO_COLOR", async () => {
    const out = fakeStream(true);
    await run(createPrettyReporter(options(out.stream, { NO_COLOR: "1" })));
    expect(out.text().replaceAll(`${ESC}2K`, "")).not.toContain(ESC);
  });
});
