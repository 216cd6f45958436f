// `promptops test` at scale: 1,000 cases against a local stand-in for the OpenAI chat API that takes
// 100 ms a reply. With --concurrency 16 nothing can finish sooner than ceil(1000/16) × 100 ms = 6.3 s;
// the runner should stay within 15% of that, keep exactly 16 requests in flight, spend little CPU
// per case, and answer a cached re-run of the same cases with no request in under a second.
// Usage: node bench/test-throughput.mjs [runs=3]
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBareSdkLoop } from "./bare-sdk-loop.mjs";
import { startFakeOpenAI } from "./fake-openai.mjs";
import { cliBin, countArgument, median, printTable, requireBuiltCli, round, writeResults } from "./lib.mjs";
import { GNU_TIME, runAgainstServer } from "./run-against-server.mjs";

const PROMPTS = 50;
const TESTS_PER_PROMPT = 20;
const CASES = PROMPTS * TESTS_PER_PROMPT;
const CONCURRENCY = 16;
const LATENCY_MS = 100;
const FLOOR_MS = Math.ceil(CASES / CONCURRENCY) * LATENCY_MS;
const TARGETS = { wallOverFloor: 1.15, cachedMs: 1000 };
const API_KEY = "sk-bench-throughput-0123456789abcdef";
const runs = countArgument("runs", 3);

requireBuiltCli();

function startBenchServer() {
  return startFakeOpenAI({
    apiKey: API_KEY,
    latencyMs: LATENCY_MS,
    replyText: (body) => {
      const user = body.messages.filter((m) => m.role === "user").at(-1);
      return typeof user?.content === "string" ? user.content : "";
    },
  });
}

/** 50 prompts × 20 tests, each asking for a distinct order number and checking it comes back. */
function generateProject(root) {
  mkdirSync(join(root, "prompts"), { recursive: true });
  writeFileSync(
    join(root, "promptops.config.yaml"),
    `providers: [openai:gpt-4o-mini]\ntest: { concurrency: ${CONCURRENCY}, retries: 0, timeoutMs: 30000 }\n`,
  );
  for (let p = 1; p <= PROMPTS; p++) {
    const tests = [];
    for (let t = 1; t <= TESTS_PER_PROMPT; t++) {
      const order = `${p}-${t}`;
      tests.push(`  - name: order ${order} is quoted back
    vars: { question: "Where is my order ${order}?", customer: "Customer ${order}" }
    assert:
      - contains: "${order}"
      - contains: "{{ customer }}"
`);
    }
    writeFileSync(
      join(root, "prompts", `support-${String(p).padStart(2, "0")}.prompt.yaml`),
      `description: Support prompt ${p} of the throughput bench.
model: { provider: openai, name: gpt-4o-mini, params: { temperature: 0 } }
variables:
  question: { type: string, minLength: 1 }
  customer: { type: string }
messages:
  - role: system
    content: You are the support assistant of Acme Cloud. Answer briefly and quote the order number.
  - role: user
    content: "{{ customer }} asks: {{ question }}"
tests:
${tests.join("")}`,
    );
  }
}

/** One `promptops test` run of the project, with its JSON report's summary and cached count. */
async function runTest(project, server, { cache, output }) {
  rmSync(output, { force: true });
  const args = [
    cliBin,
    "test",
    "--providers",
    "openai:gpt-4o-mini",
    "--concurrency",
    String(CONCURRENCY),
    "--reporter",
    "json",
    "--output",
    output,
    ...(cache ? [] : ["--no-cache"]),
  ];
  const run = await runAgainstServer(server, args, { cwd: project, apiKey: API_KEY });
  const report = existsSync(output) ? JSON.parse(readFileSync(output, "utf8")) : undefined;
  return {
    ...run,
    summary: report?.summary,
    cachedResults: report?.results.filter((r) => r.cached).length ?? 0,
  };
}

const tmp = mkdtempSync(join(tmpdir(), "promptops-bench-test-"));
const server = await startBenchServer();
const failures = [];
const check = (ok, message) => {
  if (!ok) failures.push(message);
};
try {
  const project = join(tmp, "project");
  generateProject(project);
  const output = join(tmp, "results.json");

  const uncached = [];
  for (let i = 0; i < runs; i++) uncached.push(await runTest(project, server, { cache: false, output }));
  const bare = await runBareSdkLoop({ server, apiKey: API_KEY, requests: CASES, concurrency: CONCURRENCY });
  check(
    bare.code === 0 && bare.requests === CASES,
    `the bare SDK loop sent ${bare.requests} (exit ${bare.code}): ${bare.stderr.slice(0, 300)}`,
  );
  const fill = await runTest(project, server, { cache: true, output });
  const cached = [];
  for (let i = 0; i < runs; i++) cached.push(await runTest(project, server, { cache: true, output }));

  for (const [i, run] of uncached.entries()) {
    check(run.code === 0, `uncached run ${i + 1} exited ${run.code}: ${run.stderr.slice(0, 500)}`);
    check(run.summary?.passed === CASES, `uncached run ${i + 1}: ${run.summary?.passed} of ${CASES} passed`);
    check(run.requests === CASES, `uncached run ${i + 1} sent ${run.requests} requests, not ${CASES}`);
    check(
      run.peakActive === CONCURRENCY,
      `uncached run ${i + 1}: peak ${run.peakActive} in flight, not ${CONCURRENCY}`,
    );
  }
  check(
    fill.code === 0 && fill.requests === CASES,
    `the cache-filling run sent ${fill.requests} (exit ${fill.code})`,
  );
  for (const [i, run] of cached.entries()) {
    check(run.code === 0, `cached run ${i + 1} exited ${run.code}: ${run.stderr.slice(0, 500)}`);
    check(run.requests === 0, `cached run ${i + 1} sent ${run.requests} requests`);
    check(run.cachedResults === CASES, `cached run ${i + 1}: ${run.cachedResults} of ${CASES} cached`);
  }

  const wallMs = median(uncached.map((r) => r.wallMs));
  const startupMs = median(uncached.map((r) => r.phases?.startupMs ?? Number.NaN));
  const requestsMs = median(uncached.map((r) => r.phases?.requestsMs ?? Number.NaN));
  const tailMs = median(uncached.map((r) => r.phases?.tailMs ?? Number.NaN));
  const cpuMs = GNU_TIME ? median(uncached.map((r) => r.cpuMs)) : null;
  const rssMb = GNU_TIME ? Math.max(...uncached.map((r) => r.peakRssMb)) : null;
  const cachedMs = median(cached.map((r) => r.wallMs));
  const cachedCpuMs = GNU_TIME ? median(cached.map((r) => r.cpuMs)) : null;
  const ratio = wallMs / FLOOR_MS;
  check(
    ratio <= TARGETS.wallOverFloor,
    `wall ${round(wallMs)} ms is ${round(ratio, 3)}× the ${FLOOR_MS} ms floor`,
  );
  check(cachedMs < TARGETS.cachedMs, `cached re-run took ${round(cachedMs)} ms`);

  const unmeasured = "unmeasured";
  printTable(
    `promptops test: ${CASES} cases, --concurrency ${CONCURRENCY}, ${LATENCY_MS} ms replies, median of ${runs} (${process.version})`,
    [
      {
        run: "no cache",
        "wall ms": round(wallMs),
        "× floor": round(ratio, 3),
        "peak in flight": Math.max(...uncached.map((r) => r.peakActive)),
        requests: uncached.at(-1).requests,
        "CPU ms/case": cpuMs === null ? unmeasured : round(cpuMs / CASES, 3),
        "peak RSS MB": rssMb === null ? unmeasured : round(rssMb, 1),
      },
      {
        run: "cached re-run",
        "wall ms": round(cachedMs),
        "× floor": "",
        "peak in flight": Math.max(...cached.map((r) => r.peakActive)),
        requests: cached.at(-1).requests,
        "CPU ms/case": cachedCpuMs === null ? unmeasured : round(cachedCpuMs / CASES, 3),
        "peak RSS MB": GNU_TIME ? round(Math.max(...cached.map((r) => r.peakRssMb)), 1) : unmeasured,
      },
    ],
  );
  console.log(
    `no-cache wall = ${round(startupMs)} ms before the first request + ${round(requestsMs)} ms of requests (${round(requestsMs / FLOOR_MS, 3)}× floor) + ${round(tailMs)} ms after the last reply`,
  );
  console.log(
    `a bare SDK loop (no runner) spent ${round(bare.requestsMs)} ms on the same ${CASES} requests (${round(bare.requestsMs / FLOOR_MS, 3)}× floor)` +
      (bare.cpuMsPerRequest === null
        ? ""
        : `, ${round(bare.cpuMsPerRequest, 3)} ms of CPU per request beyond its ${round(bare.startupCpuMs)} ms start-up`),
  );
  console.log(
    `floor: ceil(${CASES}/${CONCURRENCY}) × ${LATENCY_MS} ms = ${FLOOR_MS} ms; target ≤ ${TARGETS.wallOverFloor}× floor, cached < ${TARGETS.cachedMs} ms`,
  );

  const strip = ({ stderr: _e, summary: _s, phases, ...run }) => ({
    ...run,
    ...(phases
      ? {
          startupMs: round(phases.startupMs),
          requestsMs: round(phases.requestsMs),
          tailMs: round(phases.tailMs),
        }
      : {}),
    wallMs: round(run.wallMs),
    cpuMs: run.cpuMs === null ? null : round(run.cpuMs),
    peakRssMb: run.peakRssMb === null ? null : round(run.peakRssMb, 1),
  });
  writeResults("test-throughput", {
    cases: CASES,
    prompts: PROMPTS,
    concurrency: CONCURRENCY,
    latencyMs: LATENCY_MS,
    floorMs: FLOOR_MS,
    targets: TARGETS,
    cpuAndRss: GNU_TIME ? `GNU time (${GNU_TIME})` : unmeasured,
    uncached: {
      medianWallMs: round(wallMs),
      overFloor: round(ratio, 3),
      medianStartupMs: round(startupMs),
      medianRequestsMs: round(requestsMs),
      requestsOverFloor: round(requestsMs / FLOOR_MS, 3),
      medianTailMs: round(tailMs),
      peakActive: Math.max(...uncached.map((r) => r.peakActive)),
      cpuMsPerCase: cpuMs === null ? null : round(cpuMs / CASES, 3),
      peakRssMb: rssMb === null ? null : round(rssMb, 1),
      runs: uncached.map(strip),
    },
    bareSdkLoop: {
      requestsMs: round(bare.requestsMs),
      overFloor: round(bare.requestsMs / FLOOR_MS, 3),
      cpuMsPerRequest: bare.cpuMsPerRequest === null ? null : round(bare.cpuMsPerRequest, 3),
      startupCpuMs: bare.startupCpuMs === null ? null : round(bare.startupCpuMs),
    },
    cacheFill: strip(fill),
    cached: {
      medianWallMs: round(cachedMs),
      requests: Math.max(...cached.map((r) => r.requests)),
      cpuMsPerCase: cachedCpuMs === null ? null : round(cachedCpuMs / CASES, 3),
      runs: cached.map(strip),
    },
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
