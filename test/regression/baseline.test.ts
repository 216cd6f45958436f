import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CaseResult } from "../../src/regression/results.js";
import { runTests, type TestRunOptions } from "../../src/regression/run-tests.js";
import { schemaValidator } from "../../src/schemas/ajv.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import {
  answerWithTheRequest,
  BASELINE_PROJECT,
  DRAFT_CHANGES,
  makeBaselineRepo,
  refundPrompt,
} from "../fixtures/baseline/baseline-repo.js";
import { openaiEnv } from "../fixtures/runner/runner-project.js";
import { expectPromptOpsRejection } from "../helpers/expect-error.js";
import { runCli } from "../helpers/run-cli.js";
import type { TempRepo } from "../helpers/temp-repo.js";

const KEY = "sk-baseline-test-0123456789abcdef";
const validateResults = schemaValidator("results");

const server = fakeProviderServerPerFile({ apiKey: KEY });
let repo: TempRepo;

beforeAll(async () => {
  repo = await makeBaselineRepo();
});
afterAll(async () => {
  await repo.cleanup();
});
beforeEach(async () => {
  server.reply = answerWithTheRequest;
  await rm(join(repo.root, ".promptops"), { recursive: true, force: true });
  for (const [path, text] of Object.entries(DRAFT_CHANGES)) await repo.write(path, text);
});

function run(options: Partial<TestRunOptions> = {}) {
  return runTests({
    cwd: repo.root,
    ids: [],
    providers: ["openai:gpt-4o-mini"],
    env: openaiEnv(server, KEY),
    ...options,
  });
}

const find = (results: readonly CaseResult[], prompt: string, test: string) => {
  const found = results.find((r) => r.prompt === prompt && r.test === test);
  if (!found) throw new Error(`no result for ${prompt} › ${test}`);
  return found;
};

describe("promptops test --baseline", () => {
  it("compares every case with v1: refund regressed, greeting improved, faq unchanged, newbie has none", async () => {
    const outcome = await run({ baseline: "v1" });

    // The current side is the draft, as without --baseline.
    expect(outcome.results.map((r) => `${r.prompt}@${r.version} › ${r.test}`)).toEqual([
      "faq@draft › cites the FAQ",
      "greeting@draft › welcomes the customer",
      "greeting@draft › names the customer",
      "newbie@draft › says hello",
      "refund@draft › quotes the 30-day window",
      "refund@draft › answers the question",
    ]);
    expect(outcome.summary).toMatchObject({ total: 6, passed: 5, failed: 1, errors: 0 });

    const regressed = find(outcome.results, "refund", "quotes the 30-day window");
    expect(regressed.status).toBe("fail");
    expect(regressed.output).toContain("within 60 days");
    expect(regressed.baseline).toMatchObject({
      version: 1,
      status: "pass",
      change: "regressed",
      score: 1,
      cached: false,
      delta: { score: -1, tokens: { input: 0, output: 0 }, costUsd: 0 },
    });
    expect(regressed.baseline!.output).toContain("within 30 days");
    expect(regressed.baseline!.hash).not.toBe(regressed.hash);
    expect(regressed.baseline!.diff).toContain("--- refund@v1\n+++ refund@draft\n");
    expect(regressed.baseline!.diff).toContain("\n-Refunds are possible within 30 days of purchase.\n");
    expect(regressed.baseline!.diff).toContain("\n+Refunds are possible within 60 days of purchase.\n");

    const improved = find(outcome.results, "greeting", "welcomes the customer");
    expect(improved).toMatchObject({ status: "pass", baseline: { status: "fail", change: "improved" } });
    // The draft's system message is longer: more tokens on both counts, and a dearer call.
    expect(improved.baseline!.delta!.tokens.input).toBeGreaterThan(0);
    expect(improved.baseline!.delta!.costUsd).toBeGreaterThan(0);
    expect(find(outcome.results, "greeting", "names the customer").baseline!.change).toBe("unchanged");

    // faq's content did not change: its baseline is its own reply, not a second request.
    const faq = find(outcome.results, "faq", "cites the FAQ");
    expect(faq.baseline).toMatchObject({
      version: 1,
      status: "pass",
      change: "unchanged",
      diff: "",
      cached: true,
    });
    expect(faq.baseline!.output).toBe(faq.output);
    expect(faq.baseline!.costUsd).toBe(0);
    // 6 cases of the draft + the 4 of refund and greeting on v1.
    expect(server.stats.total).toBe(10);

    expect(find(outcome.results, "newbie", "says hello").baseline).toBeUndefined();
    expect(outcome.baseline).toMatchObject({
      ref: "v1",
      missing: [{ prompt: "newbie", reason: "newbie has no version 1" }],
    });
    expect(outcome.baseline!.verdicts.map((v) => [v.prompt, v.provider, v.version, v.verdict])).toEqual([
      ["faq", "openai:gpt-4o-mini", 1, "unchanged"],
      ["greeting", "openai:gpt-4o-mini", 1, "improved"],
      ["refund", "openai:gpt-4o-mini", 1, "regressed"],
    ]);
    const refund = outcome.baseline!.verdicts.find((v) => v.prompt === "refund")!;
    expect(refund).toMatchObject({ cases: 2, compared: 2, regressed: 1, improved: 0, passDelta: -0.5 });
    expect(refund.tokensDelta).toEqual({ input: 0, output: 0 });
    const greeting = outcome.baseline!.verdicts.find((v) => v.prompt === "greeting")!;
    expect(greeting).toMatchObject({ cases: 2, regressed: 0, improved: 1, passDelta: 0.5, scoreDelta: 0.5 });
    // The baseline's own calls: refund's and greeting's v1 cases, 4 replies.
    expect(outcome.baseline!.tokens.input).toBeGreaterThan(400);

    const json = JSON.parse(
      JSON.stringify({ summary: outcome.summary, results: outcome.results, baseline: outcome.baseline }),
    );
    expect(validateResults(json), JSON.stringify(validateResults.errors)).toBe(true);
  });

  it("compares with what an environment runs, and says which prompts are not active there", async () => {
    const outcome = await run({ baseline: "env:production" });

    expect(outcome.baseline!.ref).toBe("env:production");
    expect(outcome.baseline!.missing).toEqual([
      { prompt: "faq", reason: "faq is not active in production" },
      { prompt: "newbie", reason: "newbie is not active in production" },
    ]);
    expect(outcome.baseline!.verdicts.map((v) => `${v.prompt} v${v.version}: ${v.verdict}`)).toEqual([
      "greeting v1: improved",
      "refund v1: regressed",
    ]);
    expect(find(outcome.results, "faq", "cites the FAQ").baseline).toBeUndefined();
    expect(find(outcome.results, "refund", "quotes the 30-day window").baseline!.change).toBe("regressed");
    expect(server.stats.total).toBe(10);
  });

  it("takes what an environment runs from the lockfile: a copy without git or tags still compares", async () => {
    // A CI checkout without tags, or a build context without .git: the lockfile holds the content.
    const copy = await mkdtemp(join(tmpdir(), "promptops-baseline-nogit-"));
    try {
      await cp(repo.root, copy, { recursive: true, filter: (path) => !path.split(sep).includes(".git") });
      const outcome = await run({ cwd: copy, baseline: "env:production" });
      expect(outcome.baseline!.verdicts.map((v) => `${v.prompt} v${v.version}: ${v.verdict}`)).toEqual([
        "greeting v1: improved",
        "refund v1: regressed",
      ]);
      expect(find(outcome.results, "refund", "quotes the 30-day window").baseline!.output).toContain(
        "30 days",
      );
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it("refuses a named prompt that has no such baseline, before sending anything", async () => {
    const error = await expectPromptOpsRejection(run({ ids: ["newbie"], baseline: "env:production" }));
    expect(error).toMatchObject({ exitCode: 2, message: "newbie is not active in production" });
    expect(server.stats.total).toBe(0);
  });

  it("refuses a --baseline that names no published version, before sending anything", async () => {
    for (const ref of ["draft", "production", "v0"]) {
      const error = await run({ baseline: ref }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "bad-baseline", exitCode: 2 });
    }
    await expectPromptOpsRejection(run({ baseline: "env:prod" }));
    expect(server.stats.total).toBe(0);
  });

  it("refuses --judge-pairwise without --baseline: there is nothing to compare with", async () => {
    expect(await run({ judgePairwise: true }).catch((e: unknown) => e)).toMatchObject({
      code: "pairwise-without-baseline",
      exitCode: 2,
    });
    expect(server.stats.total).toBe(0);
  });

  it("reports a regression of an allow-fail test; --fail-on-regression makes it fail the run", async () => {
    await repo.write("prompts/refund.prompt.yaml", refundPrompt("60 days", { allowFail: true }));

    const reported = await run({ baseline: "v1" });
    expect(find(reported.results, "refund", "quotes the 30-day window").baseline!.change).toBe("regressed");
    // The exit code follows the current side: its only failure is allow-fail, and says so.
    expect(reported.passed).toBe(true);
    expect(find(reported.results, "refund", "quotes the 30-day window").allowedFailure).toBe(true);
    expect(reported.results.filter((r) => r.allowedFailure)).toHaveLength(1);

    const gated = await run({ baseline: "v1", failOnRegression: true });
    expect(gated.passed).toBe(false);
    // --fail-on-regression: the regressed case fails the run, so it is no longer marked allowed.
    expect(find(gated.results, "refund", "quotes the 30-day window").allowedFailure).toBeUndefined();
    // Nothing regressed, nothing to fail on.
    await repo.write("prompts/refund.prompt.yaml", BASELINE_PROJECT["prompts/refund.prompt.yaml"]);
    expect((await run({ baseline: "v1", failOnRegression: true, ids: ["refund"] })).passed).toBe(true);
  });

  it("shares the cache between both sides: a re-run sends nothing and spends nothing", async () => {
    const first = await run({ baseline: "v1" });
    expect(server.stats.total).toBe(10);
    const again = await run({ baseline: "v1" });
    expect(server.stats.total).toBe(10);
    expect(again.results.every((r) => r.cached && (r.baseline === undefined || r.baseline.cached))).toBe(
      true,
    );
    expect(again.baseline!.costUsd).toBe(0);
    expect(again.baseline!.verdicts).toEqual(
      first.baseline!.verdicts.map((v) => ({ ...v, latencyDelta: expect.any(Number) })),
    );
  });

  it("compares a case the baseline cannot run (its variables do not fit) with nothing, and says why", async () => {
    const refund = DRAFT_CHANGES["prompts/refund.prompt.yaml"]
      .replace("  question: { type: string }", "  question: { type: string }\n  locale: { type: string }")
      .replace(
        "vars: { question: Can I get a refund? }",
        "vars: { question: Can I get a refund?, locale: en }",
      )
      .replace(
        "vars: { question: Can I get my money back? }",
        "vars: { question: Can I get my money back?, locale: en }",
      );
    await repo.write("prompts/refund.prompt.yaml", refund);

    const outcome = await run({ baseline: "v1", ids: ["refund"] });
    const twin = find(outcome.results, "refund", "quotes the 30-day window").baseline!;
    expect(twin).toMatchObject({ status: "error", change: "not-compared" });
    expect(twin.error).toBe('v1 cannot run this test: unknown variable "locale"');
    expect(twin.delta).toBeUndefined();
    expect(outcome.baseline!.verdicts[0]).toMatchObject({ verdict: "unchanged", compared: 0 });
    // Only the draft's two cases were sent.
    expect(server.stats.total).toBe(2);
  });

  it("with --repeat, compares each case's verdict over its samples with the baseline's", async () => {
    const outcome = await run({ baseline: "v1", repeat: 2 });
    // 6 cases × 2 samples of the draft, 4 × 2 of v1 (faq's are its own).
    expect(server.stats.total).toBe(20);
    expect(outcome.results).toHaveLength(6);
    const refund = find(outcome.results, "refund", "quotes the 30-day window");
    expect(refund).toMatchObject({ status: "fail", repeats: { runs: 2, passed: 0 } });
    expect(refund.baseline).toMatchObject({ status: "pass", change: "regressed" });
    expect(outcome.baseline!.verdicts.map((v) => v.verdict)).toEqual(["unchanged", "improved", "regressed"]);
  });

  it("hands `similar: { to: baseline }` the twin's reply, waiting for it", async () => {
    await repo.write("prompts/refund.prompt.yaml", refundPrompt("60 days", { similarToBaseline: true }));
    const compared = await run({ baseline: "v1", ids: ["refund"] });
    const close = find(compared.results, "refund", "stays close to what production says");
    expect(close.status).toBe("pass");
    expect(close.assertions[0]!.message).toContain("to the baseline's output");
    expect(close.baseline).toMatchObject({ status: "pass", change: "unchanged" });

    const alone = await run({ ids: ["refund"] });
    expect(find(alone.results, "refund", "stays close to what production says").assertions[0]).toMatchObject({
      pass: false,
      message: "similar to baseline needs --baseline",
    });
  });

  it("runs both sides through one concurrency limit, side by side", async () => {
    server.latencyMs = 30;
    try {
      await run({ baseline: "v1", concurrency: 3 });
      expect(server.stats.peakActive).toBe(3);
      expect(server.stats.total).toBe(10);
    } finally {
      server.latencyMs = 0;
    }
  });
});

// The built CLI (`npm run build` first), as a user or CI runs it.
describe("promptops test --baseline, the command", () => {
  it("shows a regressed allow-fail case's two outputs; exits 0, or 1 with --fail-on-regression", async () => {
    await repo.write("prompts/refund.prompt.yaml", refundPrompt("60 days", { allowFail: true }));
    const promptops = (...args: string[]) =>
      runCli(["test", ...args], { cwd: repo.root, env: { ...openaiEnv(server, KEY), NO_COLOR: "1" } });

    const reported = await promptops("--baseline", "env:production");
    expect(reported.stderr).toBe("");
    expect(reported.code).toBe(0);
    const section = reported.stdout.slice(reported.stdout.indexOf("Baseline env:production:"));
    expect(section).toContain("✗ regressed refund v1 → draft [openai:gpt-4o-mini] · 1 of 2 regressed");
    expect(section).toContain("↑ improved  greeting v1 → draft [openai:gpt-4o-mini] · 1 of 2 improved");
    expect(section).toContain("– no baseline faq · faq is not active in production");
    expect(section).toContain(
      "✗ refund › quotes the 30-day window [openai:gpt-4o-mini]  prompts/refund.prompt.yaml:10",
    );
    expect(section).toContain("    v1 pass → draft fail\n");
    expect(section).toMatch(
      /Refunds are possible within 30 days of purchase\. +│ Refunds are possible within 60 days of purchase\./,
    );

    const gated = await promptops("--baseline", "env:production", "--fail-on-regression");
    expect(gated.code).toBe(1);
    expect(gated.stdout).toContain("Regressions (1):");

    // In GitHub Actions the allowed failure is a warning; once it fails the run, an error.
    const annotations = async (...args: string[]) =>
      (await promptops("--baseline", "env:production", "--reporter", "github", ...args)).stdout;
    const allowed = await annotations();
    expect(allowed).toMatch(
      /^::warning file=prompts\/refund\.prompt\.yaml,line=10,title=promptops test failed \(allowed to fail\)/m,
    );
    expect(allowed).not.toContain("::error");
    expect(await annotations("--fail-on-regression")).toMatch(
      /^::error file=prompts\/refund\.prompt\.yaml,line=10,/m,
    );
  });
});
