// Datasets at scale: one prompt whose 10,000 cases come from a JSONL file, from a CSV file, or are
// written inline in the prompt file (the baseline, same cases). Bars (issue 14): a 10,000-row
// dataset plans in under 1 s, no slower than the same cases inline (ratio within 1.25), and the
// pretty, JSON and JUnit reports of its run write in under 1 s each.
// In-process, from tsc's dist/: planning is readRunInputs + planTestRun (read, check and expand the
// dataset, every case planned), as `promptops test` does before it sends anything.
// Usage: node bench/datasets.mjs [runs=5]
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { countArgument, median, printTable, repoRoot, reportFailures, round, writeResults } from "./lib.mjs";

const ROWS = 10_000;
const BARS = { planMs: 1000, planOverInline: 1.25, reportMs: 1000 };
const runs = countArgument("runs", 5);

const dist = (path) => import(pathToFileURL(join(repoRoot, "dist", path)).href);
const { readRunInputs } = await dist("regression/run-inputs.js");
const { planTestRun } = await dist("regression/run-plan.js");
const { runTests } = await dist("regression/run-tests.js");
const { createReporters } = await dist("reporters/create-reporters.js");

const PROMPT_HEAD = `description: Refund questions, ${ROWS.toLocaleString("en")} cases.
variables:
  question: { type: string, minLength: 1 }
  order: { type: integer, minimum: 1 }
messages:
  - role: system
    content: Refunds are possible within 30 days of purchase.
  - role: user
    content: "Order {{ order }}: {{ question }}"
tests:
`;
const question = (i) => `Where is the refund for order ${i + 1}, bought on day ${i % 28}?`;

/** The same 10,000 cases three ways: inline YAML, a JSONL file, a CSV file. */
function generateProject(kind) {
  const root = mkdtempSync(join(tmpdir(), `promptops-bench-datasets-${kind}-`));
  mkdirSync(join(root, "prompts"));
  writeFileSync(join(root, "promptops.config.yaml"), "providers: [echo]\n");
  let tests;
  if (kind === "inline") {
    tests = Array.from(
      { length: ROWS },
      (_, i) =>
        `  - name: case ${i + 1}\n    vars: { question: "${question(i)}", order: ${i + 1} }\n    assert:\n      - contains: "Order {{ order }}"\n`,
    ).join("");
  } else {
    tests = `  - file: refund-cases.${kind}\n    assert:\n      - contains: "Order {{ order }}"\n`;
    const rows =
      kind === "jsonl"
        ? Array.from({ length: ROWS }, (_, i) =>
            JSON.stringify({ name: `case ${i + 1}`, vars: { question: question(i), order: i + 1 } }),
          )
        : [
            "__name,question,order",
            ...Array.from({ length: ROWS }, (_, i) => `case ${i + 1},"${question(i)}",${i + 1}`),
          ];
    writeFileSync(join(root, "prompts", `refund-cases.${kind}`), `${rows.join("\n")}\n`);
  }
  writeFileSync(join(root, "prompts", "refund.prompt.yaml"), PROMPT_HEAD + tests);
  return root;
}

const options = (root) => ({ cwd: root, ids: [], providers: ["echo"], noCache: true });

async function timePlan(root) {
  const samples = [];
  let cases = 0;
  for (let i = 0; i <= runs; i++) {
    const start = performance.now();
    const inputs = await readRunInputs(options(root));
    cases = planTestRun(inputs.plan).cases.length;
    if (i > 0) samples.push(performance.now() - start); // the first run warms the module and disk caches
  }
  if (cases !== ROWS) throw new Error(`planned ${cases} cases, expected ${ROWS}`);
  return median(samples);
}

async function timeReport(name, results, root) {
  const samples = [];
  // stdout redirected to a file, as in CI (`promptops test > log`); never /dev/null by path: were it
  // ever missing, opening it for writing would create a regular file there for everything to read.
  const stdout = createWriteStream(join(root, `${name}-stdout.txt`));
  for (let i = 0; i <= runs; i++) {
    const [reporter] = createReporters([name], {
      ...(name === "pretty" ? {} : { outputDir: join(root, "reports") }),
      stdout,
      stderr: stdout,
      env: {},
      projectRoot: root,
      cwd: root,
    });
    const start = performance.now();
    await reporter.finish(results);
    if (i > 0) samples.push(performance.now() - start);
  }
  await new Promise((resolve) => stdout.end(resolve));
  return median(samples);
}

const roots = Object.fromEntries(["inline", "jsonl", "csv"].map((kind) => [kind, generateProject(kind)]));
try {
  const plan = {};
  for (const kind of Object.keys(roots)) plan[kind] = await timePlan(roots[kind]);
  const runStart = performance.now();
  const run = await runTests(options(roots.jsonl));
  const runMs = performance.now() - runStart;
  const inlineStart = performance.now();
  await runTests(options(roots.inline));
  const inlineRunMs = performance.now() - inlineStart;
  if (run.results.length !== ROWS || run.summary.passed !== ROWS)
    throw new Error(`the dataset run passed ${run.summary.passed} of ${run.results.length} cases`);
  const report = {};
  for (const name of ["pretty", "json", "junit"]) report[name] = await timeReport(name, run, roots.jsonl);

  const rows = [
    ...Object.entries(plan).map(([kind, ms]) => ({
      measure: `plan ${ROWS} cases, ${kind}`,
      ms: round(ms),
      "vs inline": round(ms / plan.inline),
      bar: kind === "inline" ? "baseline" : `< ${BARS.planMs} ms, <= ${BARS.planOverInline}x`,
    })),
    { measure: "run (echo), jsonl", ms: round(runMs), "vs inline": round(runMs / inlineRunMs), bar: "" },
    { measure: "run (echo), inline", ms: round(inlineRunMs), "vs inline": 1, bar: "baseline" },
    ...Object.entries(report).map(([name, ms]) => ({
      measure: `write ${name} report`,
      ms: round(ms),
      "vs inline": "",
      bar: `< ${BARS.reportMs} ms`,
    })),
  ];
  printTable(`datasets: ${ROWS.toLocaleString("en")} rows, median of ${runs} runs`, rows);
  writeResults("datasets", {
    rows: ROWS,
    runs,
    planMs: plan,
    runMs,
    inlineRunMs,
    reportMs: report,
    bars: BARS,
  });

  const failures = [];
  for (const kind of ["jsonl", "csv"]) {
    if (plan[kind] >= BARS.planMs) failures.push(`${kind}: planning took ${round(plan[kind])} ms`);
    if (plan[kind] / plan.inline > BARS.planOverInline)
      failures.push(`${kind}: planning took ${round(plan[kind] / plan.inline)}x the inline tests' time`);
  }
  for (const [name, ms] of Object.entries(report))
    if (ms >= BARS.reportMs) failures.push(`the ${name} report took ${round(ms)} ms to write`);
  reportFailures(failures);
} finally {
  for (const root of Object.values(roots)) rmSync(root, { recursive: true, force: true });
}
