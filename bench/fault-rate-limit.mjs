// A provider enforcing 20 requests a second (a token bucket of 20, 429 + retry-after in whole
// seconds when empty): 100 cases at --concurrency 8 must all pass, within 1.3× the ideal wall time
// of cases ÷ rate = 5 s, and the summary must say the run was rate-limited.
// Usage: node bench/fault-rate-limit.mjs
import { runFaultBench, runFaultTest } from "./fault-project.mjs";
import { printTable, round, writeResults } from "./lib.mjs";

const CASES = 100;
const PER_SECOND = 20;
const IDEAL_MS = (CASES / PER_SECOND) * 1000;
const TARGET = 1.3;

await runFaultBench(
  { cases: CASES, faults: { rateLimit: { perSecond: PER_SECOND, burst: PER_SECOND } } },
  async ({ project, server, failures }) => {
    const run = await runFaultTest(project, server, ["--concurrency", "8"], 120_000);
    const ratio = run.wallMs / IDEAL_MS;
    if (run.stderr.trim()) failures.push(`stderr: ${run.stderr.slice(0, 300)}`);
    if (run.killed) failures.push("the run had not ended after 120 s: killed");
    if (run.code !== 0) failures.push(`exit ${run.code}: ${run.stderr.slice(0, 300)}`);
    if (run.summary?.errors !== 0) failures.push(`${run.summary?.errors} errors, not 0`);
    if (ratio > TARGET)
      failures.push(`wall ${round(run.wallMs)} ms is ${round(ratio, 3)}× the ideal ${IDEAL_MS} ms`);
    if (!run.summary?.rateLimited) failures.push("the summary does not say the run was rate-limited");

    printTable(`promptops test: ${CASES} cases, --concurrency 8, a ${PER_SECOND} requests/s token bucket`, [
      {
        "wall ms": round(run.wallMs),
        "× ideal": round(ratio, 3),
        passed: run.summary?.passed ?? "-",
        errors: run.summary?.errors ?? "-",
        "429s": server.stats.rateLimited,
        "reported waited ms": run.summary?.rateLimited?.waitedMs ?? "-",
        requests: run.requests,
      },
    ]);
    if (run.phases)
      console.log(
        `wall = ${round(run.phases.startupMs)} ms before the first request + ${round(run.phases.requestsMs)} ms of requests + ${round(run.phases.tailMs)} ms after the last reply`,
      );
    console.log(
      `ideal: ${CASES} cases ÷ ${PER_SECOND}/s = ${IDEAL_MS} ms; target ≤ ${TARGET}× ideal, 0 errors`,
    );
    writeResults("fault-rate-limit", {
      cases: CASES,
      perSecond: PER_SECOND,
      idealMs: IDEAL_MS,
      target: TARGET,
      wallMs: round(run.wallMs),
      overIdeal: round(ratio, 3),
      exitCode: run.code,
      summary: run.summary ?? null,
      rateLimitedResponses: server.stats.rateLimited,
      requests: run.requests,
      failures,
    });
  },
);
