// A provider that never answers some requests: 100 cases, 10 of them hung, --timeout 5000 and the
// default 8 in flight and 3 retries. Every attempt must end at its timeout whatever else is in
// flight, so the run ends by itself as 10 errors and 90 passes, in under 60 s (the hung cases
// need 4 attempts × 5 s each: 40 attempts over 8 slots is a 25 s floor). A run still going after
// 120 s is killed and counted as a hang. Usage: node bench/fault-hung-requests.mjs
import { lastUserText, runFaultBench, runFaultTest } from "./fault-project.mjs";
import { printTable, round, writeResults } from "./lib.mjs";

const CASES = 100;
const HUNG = new Set([5, 15, 25, 35, 45, 55, 65, 75, 85, 95].map((n) => `question ${n}`));
const TIMEOUT_MS = 5_000;
const LIMIT_MS = 60_000;
const KILL_AFTER_MS = 120_000;

await runFaultBench(
  { cases: CASES, faults: { hang: (body) => HUNG.has(lastUserText(body)) } },
  async ({ project, server, failures }) => {
    const run = await runFaultTest(project, server, ["--timeout", String(TIMEOUT_MS)], KILL_AFTER_MS);
    if (run.stderr.trim()) failures.push(`stderr: ${run.stderr.slice(0, 300)}`);
    const hungErrors = run.results.filter((r) => HUNG.has(r.test) && r.status === "error").length;
    if (run.killed) failures.push(`the run had not ended after ${KILL_AFTER_MS / 1000} s: killed`);
    else {
      if (run.code !== 1) failures.push(`exit ${run.code}, not 1: ${run.stderr.slice(0, 300)}`);
      if (run.summary?.passed !== CASES - HUNG.size || run.summary?.errors !== HUNG.size)
        failures.push(`${run.summary?.passed} passed and ${run.summary?.errors} errors, not 90 and 10`);
      if (hungErrors !== HUNG.size) failures.push(`${hungErrors} of the ${HUNG.size} hung cases are errors`);
    }
    if (run.wallMs >= LIMIT_MS) failures.push(`took ${round(run.wallMs / 1000, 1)} s, not under 60 s`);

    printTable(`promptops test: ${CASES} cases, ${HUNG.size} never answered, --timeout ${TIMEOUT_MS}`, [
      {
        "ended by itself": run.killed ? "no (killed)" : "yes",
        "wall s": round(run.wallMs / 1000, 1),
        passed: run.summary?.passed ?? "-",
        errors: run.summary?.errors ?? "-",
        "hung → error": hungErrors,
        requests: run.requests,
      },
    ]);
    writeResults("fault-hung-requests", {
      cases: CASES,
      hung: HUNG.size,
      timeoutMs: TIMEOUT_MS,
      limitMs: LIMIT_MS,
      endedByItself: !run.killed,
      wallMs: round(run.wallMs),
      exitCode: run.code,
      summary: run.summary ?? null,
      hungErrors,
      requests: run.requests,
      failures,
    });
  },
);
