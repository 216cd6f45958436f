import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PairwiseComparison } from "../../src/regression/baseline/baseline-results.js";
import type { CaseResult } from "../../src/regression/results.js";
import { runTests, type TestRunOptions } from "../../src/regression/run-tests.js";
import { schemaValidator } from "../../src/schemas/ajv.js";
import { publishVersions } from "../../src/versions/publish.js";
import type { FakeRequest } from "../fake-provider/fake-provider-server.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { allMessages } from "../fixtures/baseline/baseline-repo.js";
import { isJudgeRequest, requestText } from "../fixtures/judge/judge-project.js";
import { openaiEnv } from "../fixtures/runner/runner-project.js";
import { reportDataOf } from "../helpers/html-report-data.js";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// The story: `greeting` v1 says hello; the draft also greets "warmly". The fake tested model
// answers with its request's messages, so the draft's replies hold the marker and v1's do not.
// Judges are gpt-4o: an llm-judge request is answered with a passing verdict, a pairwise one as
// each test scripts it.
const KEY = "sk-pairwise-test-0123456789abcdef";
const MARKER = "warmly";
const JUDGE_USAGE = { input: 500, output: 50 };
const JUDGE_COST = (500 * 2.5 + 50 * 10) / 1_000_000;
const validateResults = schemaValidator("results");

const greeting = (system: string) =>
  [
    "model: { provider: openai, name: gpt-4o-mini }",
    "variables:",
    "  name: { type: string }",
    "messages:",
    "  - role: system",
    `    content: ${system}`,
    "  - role: user",
    '    content: "Greet {{ name }}."',
    "tests:",
    "  - name: greets the customer",
    "    vars: { name: Ada }",
    "    assert:",
    '      - llm-judge: "Greets the customer by name."',
    "  - name: stays plain",
    "    vars: { name: Grace }",
    "    assert:",
    `      - not-contains: ${MARKER}`,
    '      - llm-judge: { rubric: "Sounds friendly.", threshold: 0.5 }',
    "",
  ].join("\n");

const server = fakeProviderServerPerFile({ apiKey: KEY });
let repo: TempRepo;
/** What the pairwise judge says, given the two outputs in the order it was shown them. */
let prefer: (first: string, second: string) => string;

const isPairwise = (request: FakeRequest) =>
  isJudgeRequest(request) && request.body?.response_format?.json_schema?.name === "pairwise_preference";
const between = (text: string, tag: string) =>
  text.slice(text.indexOf(`<${tag}>\n`) + tag.length + 3, text.indexOf(`\n</${tag}>`));

beforeAll(async () => {
  repo = await makeTempRepo();
  await repo.write(
    "promptops.config.yaml",
    [
      "promptsDir: prompts",
      "providers: [openai:gpt-4o-mini]",
      'judge: "openai:gpt-4o"',
      "test: { concurrency: 4, retries: 0, timeoutMs: 10000 }",
      "",
    ].join("\n"),
  );
  await repo.write("prompts/greeting.prompt.yaml", greeting("Say hello."));
  await repo.commit("Add the greeting prompt");
  await publishVersions({ cwd: repo.root, ids: [] });
  await repo.write("prompts/greeting.prompt.yaml", greeting(`Say hello, ${MARKER}.`));
});
afterAll(async () => {
  await repo.cleanup();
});
beforeEach(async () => {
  await rm(join(repo.root, ".promptops"), { recursive: true, force: true });
  prefer = () => '{"preferred": "tie", "reasoning": "Alike."}';
  server.reply = (request) => {
    if (isPairwise(request)) {
      const user = requestText(request);
      return { text: prefer(between(user, "first"), between(user, "second")), usage: JUDGE_USAGE };
    }
    if (isJudgeRequest(request))
      return { text: '{"score": 1, "pass": true, "reasoning": "Meets it."}', usage: JUDGE_USAGE };
    const text = allMessages(request);
    return { text, usage: { input: 100, output: 20 } };
  };
});

function run(options: Partial<TestRunOptions> = {}) {
  return runTests({
    cwd: repo.root,
    ids: [],
    env: openaiEnv(server, KEY),
    baseline: "v1",
    judgePairwise: true,
    noCache: true,
    ...options,
  });
}

/** `promptops test --baseline v1 --judge-pairwise --no-cache` and `args`, as in CI. */
const pairwiseCli = (args: string[], env: Record<string, string> = {}) =>
  runCli(["test", "--baseline", "v1", "--judge-pairwise", "--no-cache", ...args], {
    cwd: repo.root,
    env: { ...openaiEnv(server, KEY), CI: "1", ...env },
  });

const find = (results: readonly CaseResult[], test: string) => results.find((r) => r.test === test)!;
const comparisons = (result: CaseResult) => result.baseline?.pairwise as PairwiseComparison[];
/** A judge that prefers the output holding `marker`, wherever it is shown. */
const preferring =
  (holds: (text: string) => boolean) =>
  (first: string, second: string): string =>
    holds(first) === holds(second)
      ? '{"preferred": "tie", "reasoning": "Alike."}'
      : `{"preferred": "${holds(first) ? "first" : "second"}", "reasoning": "It is the warmer one."}`;

describe("promptops test --baseline --judge-pairwise", () => {
  it("asks the judge in both orders and names the current side when it is preferred in both", async () => {
    prefer = preferring((text) => text.includes(MARKER));
    const outcome = await run();

    const greets = find(outcome.results, "greets the customer");
    expect(greets.status).toBe("pass");
    expect(greets.baseline!.pairwise).toEqual([
      {
        rubric: "Greets the customer by name.",
        winner: "current",
        consistent: true,
        votes: [
          { order: "current-first", preferred: "current", reasoning: "It is the warmer one." },
          { order: "baseline-first", preferred: "current", reasoning: "It is the warmer one." },
        ],
      },
    ]);
    // The pairwise judgment never changes a status: "stays plain" regressed on its not-contains.
    const plain = find(outcome.results, "stays plain");
    expect(plain).toMatchObject({ status: "fail", baseline: { change: "regressed" } });
    expect(comparisons(plain)).toMatchObject([{ rubric: "Sounds friendly.", winner: "current" }]);

    // Two cases × two orders, each showing the two replies in the order named.
    const asked = server.requests.filter(isPairwise);
    expect(asked).toHaveLength(4);
    const firsts = asked.map((r) => between(requestText(r), "first").includes(MARKER)).sort();
    expect(firsts).toEqual([false, false, true, true]);
    const user = asked[0]!.body.messages[1].content as string;
    expect(user).toContain('"name": "');
    expect(asked[0]!.body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { strict: true },
    });

    // Its calls count as judge usage: on the case (1 llm-judge + 2 pairwise) and for the run
    // (4 llm-judge, two per side, + 4 pairwise).
    expect(greets.judge).toMatchObject({ calls: 3, tokens: { input: 1500, output: 150 } });
    expect(greets.judge!.costUsd).toBeCloseTo(3 * JUDGE_COST, 12);
    expect(outcome.summary.judge).toMatchObject({ calls: 8 });
    expect(outcome.summary.judge!.costUsd).toBeCloseTo(8 * JUDGE_COST, 12);
    expect(
      validateResults({ summary: outcome.summary, results: outcome.results, baseline: outcome.baseline }),
    ).toBe(true);
  });

  it("names the baseline when the judge prefers its output in both orders", async () => {
    prefer = preferring((text) => !text.includes(MARKER));
    const outcome = await run();
    for (const test of ["greets the customer", "stays plain"]) {
      const [comparison] = comparisons(find(outcome.results, test));
      expect(comparison).toMatchObject({ winner: "baseline", consistent: true });
      expect(comparison!.votes.map((v) => v.preferred)).toEqual(["baseline", "baseline"]);
    }
  });

  it("calls a judge that always prefers the first output a tie, and not consistent", async () => {
    prefer = () => '{"preferred": "first", "reasoning": "The first one is better."}';
    const outcome = await run();
    expect(comparisons(find(outcome.results, "greets the customer"))).toEqual([
      {
        rubric: "Greets the customer by name.",
        winner: "tie",
        consistent: false,
        votes: [
          { order: "current-first", preferred: "current", reasoning: "The first one is better." },
          { order: "baseline-first", preferred: "baseline", reasoning: "The first one is better." },
        ],
      },
    ]);
  });

  it("records a garbage reply as that comparison's error, with the reply, and finishes the run", async () => {
    prefer = (first) =>
      first.includes(MARKER) ? "I like both of them." : '{"preferred": "second", "reasoning": "Warmer."}';
    const outcome = await run();
    const greets = find(outcome.results, "greets the customer");
    expect(greets.status).toBe("pass");
    expect(greets.baseline!.pairwise).toEqual([
      {
        rubric: "Greets the customer by name.",
        error:
          'the judge openai:gpt-4o gave no usable preference (current-first): the reply holds no JSON object: "I like both of them."',
      },
    ]);
    // Both replies were paid for, the unreadable one too.
    expect(greets.judge).toMatchObject({ calls: 3 });
    expect(outcome.summary).toMatchObject({ passed: 1, failed: 1, errors: 0 });
    expect(
      validateResults({ summary: outcome.summary, results: outcome.results, baseline: outcome.baseline }),
    ).toBe(true);
  });

  it("config pairwiseJudgePrompt replaces the shipped pairwise prompt with the project's own", async () => {
    const config = await readFile(join(repo.root, "promptops.config.yaml"), "utf8");
    const own = `variables:
  rubric: { type: string }
  first: { type: string }
  second: { type: string }
  vars: { type: object }
messages:
  - role: system
    content: |
      You are the ACME house referee. Answer {% raw %}{"preferred": "first" | "second" | "tie", "reasoning": "..."}{% endraw %}.
  - role: user
    content: |
      {{ rubric }}
      <first>
      {{ first }}
      </first>
      <second>
      {{ second }}
      </second>
response_format:
  type: json_schema
  json_schema: { name: pairwise_preference, schema: { type: object } }
`;
    await repo.write("prompts/graders/referee.prompt.yaml", own);
    await repo.write("promptops.config.yaml", `${config}pairwiseJudgePrompt: graders/referee\n`);
    try {
      prefer = preferring((text) => text.includes(MARKER));
      const outcome = await run({ ids: ["greeting"] });
      const texts = server.requests.filter(isPairwise).map(requestText);
      expect(texts).toHaveLength(4);
      for (const text of texts) {
        expect(text).toContain("You are the ACME house referee.");
        expect(text).not.toContain("You compare two outputs of an AI system");
      }
      expect(comparisons(find(outcome.results, "greets the customer"))[0]).toMatchObject({
        winner: "current",
      });

      // One that does not take the grader's variables stops the run before any request.
      server.reset();
      await repo.write(
        "prompts/graders/referee.prompt.yaml",
        // "other" instead of "second": a valid prompt, not one the pairwise judge can fill in.
        own.replaceAll("{{ second }}", "{{ other }}").replace("second: { type", "other: { type"),
      );
      const error = await run({ ids: ["greeting"] }).catch((e: unknown) => e);
      expect(error).toMatchObject({ exitCode: 2 });
      expect((error as Error).message).toContain(
        'the pairwise judge prompt "graders/referee" (config pairwiseJudgePrompt) must take the variables rubric, first, second and vars',
      );
      expect(server.stats.total).toBe(0);
    } finally {
      await repo.write("promptops.config.yaml", config);
      await rm(join(repo.root, "prompts/graders"), { recursive: true, force: true });
    }
  });

  it("refuses --judge-pairwise without --baseline with exit 2, before sending anything", async () => {
    const result = await runCli(["test", "--judge-pairwise"], {
      cwd: repo.root,
      env: openaiEnv(server, KEY),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--judge-pairwise compares with a baseline");
    expect(server.stats.total).toBe(0);
  });

  it("shows the pairwise winner under a regressed case in the pretty and markdown reports", async () => {
    prefer = preferring((text) => !text.includes(MARKER));
    const result = await pairwiseCli([
      "--reporter",
      "pretty",
      "--reporter",
      "markdown",
      "--output",
      "summary.md",
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('pairwise: baseline preferred for "Sounds friendly."');
    const markdown = await readFile(join(repo.root, "summary.md"), "utf8");
    expect(markdown).toContain('- pairwise: baseline preferred for "Sounds friendly."');
  });

  it("a second run answered from the cache keeps every pairwise vote, asking nobody", async () => {
    prefer = preferring((text) => text.includes(MARKER));
    const first = await run({ noCache: false });
    const votes = (results: readonly CaseResult[]) =>
      results.map((r) => ({ test: r.test, pairwise: r.baseline?.pairwise }));
    expect(comparisons(find(first.results, "greets the customer"))[0]).toMatchObject({ winner: "current" });
    server.reset();
    const second = await run({ noCache: false });
    expect(server.stats.total).toBe(0);
    expect(votes(second.results)).toEqual(votes(first.results));
    // Every judge call is still counted, paid for by nobody this time.
    expect(second.summary.judge).toMatchObject({ calls: first.summary.judge!.calls, costUsd: 0 });
    expect(second.results.map((r) => r.judge?.calls)).toEqual(first.results.map((r) => r.judge?.calls));
  });

  it("the CLI's second run, from the cache, reports the same pairwise votes in its JSON", async () => {
    prefer = preferring((text) => text.includes(MARKER));
    const cli = () =>
      runCli(["test", "--baseline", "v1", "--judge-pairwise", "--reporter", "json"], {
        cwd: repo.root,
        env: { ...openaiEnv(server, KEY), CI: "1" },
      });
    const votes = (stdout: string) =>
      (JSON.parse(stdout).results as CaseResult[]).map((r) => ({
        test: r.test,
        pairwise: r.baseline?.pairwise,
      }));
    const first = await cli();
    expect(votes(first.stdout)[0]?.pairwise).toHaveLength(1);
    server.reset();
    const second = await cli();
    expect(server.stats.total).toBe(0);
    expect(votes(second.stdout)).toEqual(votes(first.stdout));
  });

  it("shows the pairwise verdict of every pair, not only regressions, in every reporter", async () => {
    // The draft greets warmly and the judge likes that: "greets the customer" passes on both
    // versions (no regression), yet its verdict is in each report.
    prefer = preferring((text) => text.includes(MARKER));
    const summaryFile = join(repo.root, "step-summary.md");
    const reporters = ["pretty", "github", "json", "junit", "markdown", "html"];
    const result = await pairwiseCli(
      [...reporters.flatMap((name) => ["--reporter", name]), "--output-dir", "reports"],
      { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summaryFile },
    );
    expect(result.stderr).not.toContain("internal error");
    const verdict = 'current preferred for "Greets the customer by name."';
    const report = (name: string) => readFile(join(repo.root, "reports", name), "utf8");
    expect(result.stdout).toMatch(
      /Pairwise judgments \(2\):\n {2}greeting › greets the customer \[openai:gpt-4o-mini\] · pairwise: current preferred/,
    );
    const markdown = await report("report.md");
    expect(markdown).toContain(
      `- greeting › greets the customer \\[openai:gpt-4o-mini\\]: pairwise: ${verdict}`,
    );
    expect(await readFile(summaryFile, "utf8")).toContain(`pairwise: ${verdict}`);
    const html = reportDataOf(await report("report.html"));
    expect(html.cases.find((c) => c.result.test === "greets the customer")?.pairwise).toBe(
      `pairwise: ${verdict}`,
    );
    expect(await report("junit.xml")).toContain(
      '<property name="pairwise" value="pairwise: current preferred for &quot;Greets the customer by name.&quot;" />',
    );
    const json = JSON.parse(await report("results.json")) as { results: CaseResult[] };
    expect(comparisons(find(json.results, "greets the customer"))[0]).toMatchObject({ winner: "current" });
  });
});
