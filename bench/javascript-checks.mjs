// What a `javascript` check costs per case: 1,000 cases (50 prompts × 20 tests) on the offline echo
// provider, once with a javascript check on each case and once with the same verdict as a
// `contains` (the baseline, in the same run). Checks run on a worker thread that is ended at their
// deadline (src/regression/assertions/check-thread.ts): the difference over the baseline, per case,
// is that thread's cost, and should stay well under a millisecond.
// Usage: node bench/javascript-checks.mjs [runs=3]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  cliBin,
  countArgument,
  printTable,
  reportFailures,
  requireBuiltCli,
  round,
  timeCommand,
  writeResults,
} from "./lib.mjs";

const PROMPTS = 50;
const TESTS_PER_PROMPT = 20;
const CASES = PROMPTS * TESTS_PER_PROMPT;
const TARGET_MS_PER_CHECK = 1;
const runs = countArgument("runs", 3);

requireBuiltCli();

function generateProject(root, assertion) {
  mkdirSync(join(root, "prompts"), { recursive: true });
  writeFileSync(
    join(root, "promptops.config.yaml"),
    "test: { concurrency: 16, retries: 0, allowJavascript: true }\n",
  );
  for (let p = 1; p <= PROMPTS; p++) {
    const tests = [];
    for (let t = 1; t <= TESTS_PER_PROMPT; t++) {
      tests.push(`  - name: order ${p}-${t} is quoted back
    vars: { question: "Where is my order ${p}-${t}?" }
    assert:
      - ${assertion(`${p}-${t}`)}
`);
    }
    writeFileSync(
      join(root, "prompts", `support-${String(p).padStart(2, "0")}.prompt.yaml`),
      `model: { provider: openai, name: gpt-4o-mini }
variables:
  question: { type: string }
messages:
  - role: user
    content: "{{ question }}"
tests:
${tests.join("")}`,
    );
  }
}

const tmp = mkdtempSync(join(tmpdir(), "promptops-bench-javascript-"));
const failures = [];
try {
  const projects = {
    contains: (order) => `contains: "${order}"`,
    javascript: (order) => `javascript: "output.includes('${order}')"`,
  };
  const timings = {};
  for (const [name, assertion] of Object.entries(projects)) {
    const root = join(tmp, name);
    generateProject(root, assertion);
    // --no-cache: every case is run and checked, not read back from the response cache.
    const args = [cliBin, "test", "--cwd", root, "--providers", "echo", "--no-cache", "--reporter", "json"];
    timings[name] = timeCommand(process.execPath, args, { runs, warmup: 1 });
    const bad = timings[name].codes.filter((code) => code !== 0);
    if (bad.length > 0) failures.push(`${name}: promptops test exited ${bad[0]}`);
  }
  const perCheckMs = (timings.javascript.medianMs - timings.contains.medianMs) / CASES;
  printTable(`${CASES} cases on echo, median of ${runs} runs (${process.version})`, [
    { assertion: "contains (baseline)", "median ms": timings.contains.medianMs },
    { assertion: "javascript", "median ms": timings.javascript.medianMs },
  ]);
  console.log(
    `\njavascript over baseline: ${round(perCheckMs, 3)} ms per check (target < ${TARGET_MS_PER_CHECK})`,
  );
  if (perCheckMs >= TARGET_MS_PER_CHECK)
    failures.push(`a javascript check costs ${round(perCheckMs, 3)} ms over the baseline`);
  writeResults("javascript-checks", {
    cases: CASES,
    containsMs: round(timings.contains.medianMs),
    javascriptMs: round(timings.javascript.medianMs),
    perCheckMs: round(perCheckMs, 3),
    target: { perCheckMs: TARGET_MS_PER_CHECK },
  });
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
reportFailures(failures);
