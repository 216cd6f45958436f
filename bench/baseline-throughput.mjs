// `promptops test --baseline env:production` at scale: 200 cases of an example-like project (the
// support-bot example's prompt and partials, ten times over), on the draft and on the version that
// production runs, against a local stand-in for the OpenAI chat API that takes 100 ms a reply. Both
// sides share one --concurrency 16 limit, so nothing can finish sooner than
// ceil(2 × 200 / 16) × 100 ms = 2.5 s; the run should stay within 1.2× that, keep exactly 16
// requests in flight, and report a verdict for every prompt.
// Usage: node bench/baseline-throughput.mjs [runs=3]
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBareSdkLoop } from "./bare-sdk-loop.mjs";
import { startFakeOpenAI } from "./fake-openai.mjs";
import {
  cliBin,
  countArgument,
  median,
  printTable,
  repoRoot,
  requireBuiltCli,
  round,
  writeResults,
} from "./lib.mjs";
import { runAgainstServer } from "./run-against-server.mjs";

const PROMPTS = 10;
const TESTS_PER_PROMPT = 20;
const CASES = PROMPTS * TESTS_PER_PROMPT;
const REQUESTS = 2 * CASES;
const CONCURRENCY = 16;
const LATENCY_MS = 100;
const FLOOR_MS = Math.ceil(REQUESTS / CONCURRENCY) * LATENCY_MS;
const TARGETS = { wallOverFloor: 1.2 };
const API_KEY = "sk-bench-baseline-0123456789abcdef";
const EXAMPLE = join(repoRoot, "examples", "support-bot");
const runs = countArgument("runs", 3);

requireBuiltCli();

function startBenchServer() {
  return startFakeOpenAI({
    apiKey: API_KEY,
    latencyMs: LATENCY_MS,
    replyText: (body) =>
      body.messages.map((m) => (typeof m.content === "string" ? m.content : "")).join("\n"),
  });
}

function git(cwd, ...args) {
  const result = spawnSync("git", args, {
    cwd,
    encoding: "utf8",
    // The user's config (signing, hooks, templates) has no place in a generated fixture.
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_AUTHOR_NAME: "Bench",
      GIT_AUTHOR_EMAIL: "bench@example.test",
      GIT_COMMITTER_NAME: "Bench",
      GIT_COMMITTER_EMAIL: "bench@example.test",
    },
  });
  if (result.status !== 0) throw new Error(`git ${args[0]} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

function promptops(cwd, ...args) {
  const result = spawnSync(process.execPath, [cliBin, ...args], { cwd, encoding: "utf8" });
  if (result.status !== 0)
    throw new Error(`promptops ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
}

/**
 * The support-bot example's partials and config, and ten support agents written like its
 * support-agent prompt, 20 tests each: a customer's question quoted back with their name, and the
 * 30-day refund guarantee stated.
 */
function generateProject(root) {
  mkdirSync(join(root, "prompts"), { recursive: true });
  cpSync(join(EXAMPLE, "prompts", "partials"), join(root, "prompts", "partials"), { recursive: true });
  writeFileSync(
    join(root, "promptops.config.yaml"),
    [
      "promptsDir: prompts",
      "environments: [staging, production]",
      "providers: [openai:gpt-4o-mini]",
      `test: { concurrency: ${CONCURRENCY}, retries: 0, timeoutMs: 30000 }`,
      "",
    ].join("\n"),
  );
  for (let p = 1; p <= PROMPTS; p++) {
    const tests = [];
    for (let t = 1; t <= TESTS_PER_PROMPT; t++) {
      const order = `${p}-${t}`;
      const plan = ["free", "pro", "enterprise"][t % 3];
      tests.push(`  - name: order ${order} is answered by name
    vars:
      userMessage: Where is my order ${order}?
      customer: { name: Customer ${order}, plan: ${plan} }
    assert:
      - contains: "${order}"
      - contains: "{{ customer.name }}"
${t === 1 ? '      - contains: "30-day money-back guarantee"\n' : ""}`);
    }
    writeFileSync(
      join(root, "prompts", `support-${String(p).padStart(2, "0")}.prompt.yaml`),
      `description: Support agent ${p} of the baseline bench, written like the support-bot example's.
model: { provider: openai, name: gpt-4o-mini, params: { temperature: 0.2, max_tokens: 400 } }
variables:
  userMessage: { type: string, minLength: 1, maxLength: 4000 }
  customer:
    type: object
    properties:
      name: { type: string }
      plan: { type: string, enum: [free, pro, enterprise] }
    required: [name, plan]
    additionalProperties: false
messages:
  - role: system
    content: |
      You are Ava, support assistant ${p} for Acme Cloud.
      You are talking to {{ customer.name }}, who is on the {{ customer.plan }} plan.
      {% include "partials/tone.njk" %}
      {% include "partials/refund-policy.njk" %}
  - role: user
    content: "{{ userMessage }}"
tests:
${tests.join("")}`,
    );
  }
}

/** The repository: every prompt published as v1 and active in production, then a changed draft. */
function makeRepo(root) {
  generateProject(root);
  git(root, "init", "--quiet", "--initial-branch=main");
  git(root, "add", "--all");
  git(root, "commit", "--quiet", "--message", "Add the support agents");
  promptops(root, "publish");
  for (let p = 1; p <= PROMPTS; p++)
    promptops(root, "activate", `support-${String(p).padStart(2, "0")}@1`, "--env", "production");
  // The draft: a new line of tone for every prompt, and a refund guarantee cut to 14 days, which
  // each prompt's first test catches (one regression per prompt).
  const tone = join(root, "prompts", "partials", "tone.njk");
  writeFileSync(tone, `${readFileSync(tone, "utf8")}- Close with one sentence that sums up the answer.\n`);
  const refund = join(root, "prompts", "partials", "refund-policy.njk");
  writeFileSync(
    refund,
    readFileSync(refund, "utf8").replaceAll("30-day", "14-day").replaceAll("30 days", "14 days"),
  );
}

/**
 * One run of the built CLI, in the background (the fake server lives in this process); without
 * `baseline`, the same cases on the draft alone, for reference.
 */
async function runTest(project, server, output, { baseline = true, env = {} } = {}) {
  rmSync(output, { force: true });
  // Every request goes to the server; --no-cache would also make each run parse the prompts afresh.
  rmSync(join(project, ".promptops", "cache"), { recursive: true, force: true });
  const args = [
    cliBin,
    "test",
    ...(baseline ? ["--baseline", "env:production"] : []),
    "--concurrency",
    String(CONCURRENCY),
    "--reporter",
    "json",
    "--output",
    output,
  ];
  const { phases, ...run } = await runAgainstServer(server, args, { cwd: project, apiKey: API_KEY, env });
  const report = existsSync(output) ? JSON.parse(readFileSync(output, "utf8")) : undefined;
  return {
    code: run.code,
    stderr: run.stderr,
    wallMs: run.wallMs,
    startupMs: phases?.startupMs ?? Number.NaN,
    requestsMs: phases?.requestsMs ?? Number.NaN,
    tailMs: phases?.tailMs ?? Number.NaN,
    requests: run.requests,
    peakActive: run.peakActive,
    results: report?.results.length ?? 0,
    compared: report?.results.filter((r) => r.baseline).length ?? 0,
    verdicts: report?.baseline?.verdicts.map((v) => v.verdict) ?? [],
  };
}

const tmp = mkdtempSync(join(tmpdir(), "promptops-bench-baseline-"));
const server = await startBenchServer();
const failures = [];
const check = (ok, message) => {
  if (!ok) failures.push(message);
};
try {
  const project = join(tmp, "project");
  makeRepo(project);
  const output = join(tmp, "results.json");
  // The CLI's code cache (bin/promptops.js) starts empty here, and the project has no parsed prompt
  // files kept (.promptops/parsed-yaml.json): the first run is what a first run after installing or
  // upgrading promptops takes, the others what every run after it takes.
  const env = { NODE_COMPILE_CACHE: join(tmp, "compile-cache") };
  const first = await runTest(project, server, output, { env });
  const measured = [];
  for (let i = 0; i < runs; i++) measured.push(await runTest(project, server, output, { env }));
  // What any run of these 200 cases pays before its first request (start-up, checking the prompts)
  // and after its last reply, baseline or not.
  const reference = [];
  for (let i = 0; i < runs; i++)
    reference.push(await runTest(project, server, output, { baseline: false, env }));
  const bare = await runBareSdkLoop({
    server,
    apiKey: API_KEY,
    requests: REQUESTS,
    concurrency: CONCURRENCY,
  });
  check(
    bare.code === 0 && bare.requests === REQUESTS,
    `the bare SDK loop sent ${bare.requests} (exit ${bare.code}): ${bare.stderr.slice(0, 300)}`,
  );

  for (const [i, run] of [first, ...measured].entries()) {
    const which = i === 0 ? "the first run" : `run ${i}`;
    // Exit 1: the draft's refund guarantee fails its tests, as it should.
    check(run.code === 1, `${which} exited ${run.code}: ${run.stderr.slice(0, 500)}`);
    check(run.requests === REQUESTS, `${which} sent ${run.requests} requests, not ${REQUESTS}`);
    check(run.peakActive === CONCURRENCY, `${which}: peak ${run.peakActive} in flight, not ${CONCURRENCY}`);
    check(
      run.results === CASES && run.compared === CASES,
      `${which}: ${run.compared} of ${run.results} compared`,
    );
    check(
      run.verdicts.length === PROMPTS && run.verdicts.every((v) => v === "regressed"),
      `${which}: verdicts ${run.verdicts.join(", ")}`,
    );
  }
  const wallMs = median(measured.map((r) => r.wallMs));
  const ratio = wallMs / FLOOR_MS;
  check(
    ratio <= TARGETS.wallOverFloor,
    `wall ${round(wallMs)} ms is ${round(ratio, 3)}× the ${FLOOR_MS} ms floor`,
  );

  printTable(
    `promptops test --baseline: ${CASES} cases × 2 versions, --concurrency ${CONCURRENCY}, ${LATENCY_MS} ms replies, median of ${runs} (${process.version})`,
    measured.map((run, i) => ({
      run: i + 1,
      "wall ms": round(run.wallMs),
      "× floor": round(run.wallMs / FLOOR_MS, 3),
      "startup ms": round(run.startupMs),
      "requests ms": round(run.requestsMs),
      "tail ms": round(run.tailMs),
      "peak in flight": run.peakActive,
      requests: run.requests,
    })),
  );
  const ref = {
    wallMs: median(reference.map((r) => r.wallMs)),
    startupMs: median(reference.map((r) => r.startupMs)),
    requestsMs: median(reference.map((r) => r.requestsMs)),
    tailMs: median(reference.map((r) => r.tailMs)),
  };
  const referenceFloorMs = Math.ceil(CASES / CONCURRENCY) * LATENCY_MS;
  console.log(
    `without --baseline, the same ${CASES} cases: wall ${round(ref.wallMs)} ms = ${round(ref.startupMs)} ms before the first request + ${round(ref.requestsMs)} ms of requests (${round(ref.requestsMs / referenceFloorMs, 3)}× its ${referenceFloorMs} ms floor) + ${round(ref.tailMs)} ms after`,
  );
  console.log(
    `with --baseline, requests took ${round(median(measured.map((r) => r.requestsMs)))} ms (${round(median(measured.map((r) => r.requestsMs)) / FLOOR_MS, 3)}× floor); start-up and tail beyond a plain run's: ${round(median(measured.map((r) => r.startupMs)) - ref.startupMs)} ms and ${round(median(measured.map((r) => r.tailMs)) - ref.tailMs)} ms`,
  );
  console.log(
    `a bare SDK loop (no runner) spent ${round(bare.requestsMs)} ms on the same ${REQUESTS} requests (${round(bare.requestsMs / FLOOR_MS, 3)}× floor)`,
  );
  console.log(
    `the first run, with no code cache nor parsed prompts kept yet: wall ${round(first.wallMs)} ms = ${round(first.wallMs / FLOOR_MS, 3)}× floor, start-up ${round(first.startupMs)} ms`,
  );
  console.log(
    `floor: ceil(${REQUESTS}/${CONCURRENCY}) × ${LATENCY_MS} ms = ${FLOOR_MS} ms; median wall ${round(wallMs)} ms = ${round(ratio, 3)}× (target ≤ ${TARGETS.wallOverFloor}×)`,
  );

  writeResults("baseline-throughput", {
    cases: CASES,
    requests: REQUESTS,
    prompts: PROMPTS,
    concurrency: CONCURRENCY,
    latencyMs: LATENCY_MS,
    floorMs: FLOOR_MS,
    targets: TARGETS,
    medianWallMs: round(wallMs),
    overFloor: round(ratio, 3),
    firstRun: {
      wallMs: round(first.wallMs),
      overFloor: round(first.wallMs / FLOOR_MS, 3),
      startupMs: round(first.startupMs),
    },
    medianStartupMs: round(median(measured.map((r) => r.startupMs))),
    medianRequestsMs: round(median(measured.map((r) => r.requestsMs))),
    requestsOverFloor: round(median(measured.map((r) => r.requestsMs)) / FLOOR_MS, 3),
    medianTailMs: round(median(measured.map((r) => r.tailMs))),
    peakActive: Math.max(...measured.map((r) => r.peakActive)),
    bareSdkLoop: { requestsMs: round(bare.requestsMs), overFloor: round(bare.requestsMs / FLOOR_MS, 3) },
    withoutBaseline: {
      floorMs: referenceFloorMs,
      medianWallMs: round(ref.wallMs),
      medianStartupMs: round(ref.startupMs),
      medianRequestsMs: round(ref.requestsMs),
      requestsOverFloor: round(ref.requestsMs / referenceFloorMs, 3),
      medianTailMs: round(ref.tailMs),
    },
    runs: measured.map(({ stderr: _e, verdicts, ...run }) => ({
      ...run,
      wallMs: round(run.wallMs),
      startupMs: round(run.startupMs),
      requestsMs: round(run.requestsMs),
      tailMs: round(run.tailMs),
      regressedPrompts: verdicts.filter((v) => v === "regressed").length,
    })),
    failures,
  });
} finally {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\nFAIL\n- ${failures.join("\n- ")}`);
  process.exitCode = 1;
}
