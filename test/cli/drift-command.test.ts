import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// DESIGN.md section 8, drift: a nightly job runs `promptops test --version N --no-cache` and then
// `promptops drift`. The "model" is an exec: provider that answers with reply.txt, so the test can
// change what the model says without touching the prompt.
let repo: TempRepo;
afterEach(() => repo?.cleanup());
const promptops = (...args: string[]) => runCli(args, { cwd: repo.root });
const MODEL = "exec:cat reply.txt";

const PROMPT = `owners: ["@acme/support"]
model: { provider: openai, name: gpt-4o-mini }
variables:
  question: { type: string }
messages:
  - role: user
    content: "{{ question }}"
tests:
  - name: explains the refund window
    vars: { question: "Can I get my money back?" }
    assert:
      - icontains: 30 days
`;

const STEADY = "Refunds are accepted within 30 days of purchase, no questions asked.";

async function nightlyProject(): Promise<void> {
  repo = await makeTempRepo();
  await repo.write("prompts/support.prompt.yaml", PROMPT);
  await repo.write("reply.txt", STEADY);
  await repo.write(".gitignore", ".promptops/\nreply.txt\n");
  await repo.commit("support prompt");
  const publish = await promptops("publish", "support", "-m", "first version");
  expect(publish.code).toBe(0);
}

async function nightlyRun(reply: string): Promise<void> {
  await repo.write("reply.txt", reply);
  await promptops("test", "--version", "1", "--providers", MODEL, "--no-cache");
  // Run records are named by the millisecond: keep two runs from sharing one.
  await new Promise((resolve) => setTimeout(resolve, 5));
}

describe("promptops drift: a provider's silent model update shows up without a prompt change", () => {
  it("exits 0 while the model answers as before", async () => {
    await nightlyProject();
    await nightlyRun(STEADY);
    await nightlyRun(STEADY);
    const run = await promptops("drift");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^0 case\(s\) drifted, 1 steady \(newest run .*\.json\)$/m);
  });

  it("exits 1 and names the case when the model's answer and pass rate move", async () => {
    await nightlyProject();
    await nightlyRun(STEADY);
    await nightlyRun(STEADY);
    await nightlyRun("I am unable to discuss refunds. Please consult a lawyer.");
    const run = await promptops("drift");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `✗ support v1 › explains the refund window [${MODEL}]: output, pass-rate moved`,
    );
    expect(run.stdout).toContain("pass rate 100% over 2 earlier run(s), now 0%");
    expect(run.stdout).toContain(`before: ${STEADY}`);

    const json = JSON.parse((await promptops("drift", "--json")).stdout);
    expect(json.drifted).toBe(1);
    expect(json.thresholds).toEqual({ minSimilarity: 0.8, maxPassRateChange: 0.25 });
    expect(json.cases[0]).toMatchObject({
      prompt: "support",
      version: 1,
      test: "explains the refund window",
      provider: MODEL,
      earlierRuns: 2,
      passRate: { before: 1, now: 0 },
      moved: ["output", "pass-rate"],
    });
    expect(json.cases[0].similarity).toBeLessThan(0.8);
  });

  it("flags reworded output that still passes as output drift only; --min-similarity tunes it", async () => {
    await nightlyProject();
    await nightlyRun(STEADY);
    await nightlyRun(
      "You may return any purchase for a full refund within 30 days; just reply to this mail.",
    );
    const run = await promptops("drift", "--json");
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).cases[0].moved).toEqual(["output"]);
    const lenient = await promptops("drift", "--min-similarity", "0.05");
    expect(lenient.code).toBe(0);
  });

  it("stats shows the version's test pass rate from the recorded runs", async () => {
    await nightlyProject();
    await nightlyRun(STEADY);
    await nightlyRun("no idea");
    const run = await promptops("stats", "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).rows).toEqual([
      expect.objectContaining({ prompt: "support", version: 1, calls: 0, passRate: 0.5, testCases: 2 }),
    ]);
  });

  it("says there is nothing to compare before the first run, and refuses a threshold outside 0..1", async () => {
    await nightlyProject();
    const none = await promptops("drift");
    expect(none.code).toBe(0);
    expect(none.stdout).toContain("no recorded test runs in .promptops/runs/");
    const bad = await promptops("drift", "--min-similarity", "80");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--min-similarity 80: not a number from 0 to 1");
  });

  it("ignores a run record that came from a commit: a pull request cannot plant the history drift compares with", async () => {
    await nightlyProject();
    await nightlyRun(STEADY);
    const planted = {
      summary: {
        total: 1,
        passed: 1,
        failed: 0,
        errors: 0,
        durationMs: 1,
        tokens: { input: 0, output: 0 },
        costUsd: 0,
      },
      results: [
        {
          prompt: "support",
          version: 1,
          hash: await hashOfV1(),
          provider: MODEL,
          test: "explains the refund window",
          status: "pass",
          output: "A planted answer that shares no words with the real one",
          latencyMs: 1,
          cached: false,
          tokens: { input: 0, output: 0 },
          costUsd: 0,
          assertions: [],
        },
      ],
    };
    await repo.write(".promptops/runs/2000-01-01T00-00-00-000Z-abcdef.json", JSON.stringify(planted));
    await repo.git("add", "--force", ".promptops/runs/2000-01-01T00-00-00-000Z-abcdef.json");
    await repo.git("commit", "-m", "plant a run");
    const run = await promptops("drift");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^0 case\(s\) drifted, 0 steady, 1 without earlier runs/m);
    expect(run.stderr).toContain("ignored file(s) in .promptops/runs/: 1 that git tracks");
  });
});

async function hashOfV1(): Promise<string> {
  const log = JSON.parse((await promptops("log", "support", "--json")).stdout);
  return log.versions[0].hash;
}
