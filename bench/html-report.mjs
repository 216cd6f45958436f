// The HTML report of a large run must open and filter without a wait: a 10,000-case --baseline run
// (every case with its baseline's output and diff) is opened in headless Chromium, and the page's
// load (navigation start to its first drawing) and each filter change (the event to the next frame
// drawn) are timed. Bars: each under 1 s. The same-run baseline is the same page without its script,
// parsing all its data and drawing nothing: the ratio says what the report's lazy drawing saves.
// The first search reads every case's results (report-app.ts), so it is timed after the full parse.
// Usage: node bench/html-report.mjs [cases=10000]
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { countArgument, median, printTable, repoRoot, requireBuiltCli, round, writeResults } from "./lib.mjs";

const RUNS = 5;
const BAR_MS = 1000;
const CHROMIUM = process.env.PROMPTOPS_CHROMIUM ?? "/usr/bin/chromium";
const count = countArgument("cases", 10_000);

requireBuiltCli();
if (!existsSync(CHROMIUM)) {
  console.error(`bench: Chromium is needed at ${CHROMIUM} (apt-get install -y chromium)`);
  process.exit(2);
}
const { formatHtmlReport } = await import(join(repoRoot, "dist/reporters/html/format-html-report.js"));
const { chromium } = await import("playwright-core");

const PROVIDERS = ["openai:gpt-4o-mini", "openai:gpt-4o", "anthropic:claude-haiku-4-5", "local:llama"];

/** 25 prompts × count/100 tests × 4 providers; every 7th case failing, every 50th an error. */
function largeRun(n) {
  const results = [];
  for (let i = 0; i < n; i++) {
    const status = i % 50 === 0 ? "error" : i % 7 === 0 ? "fail" : "pass";
    const output = `Reply number ${i}. ${"Refunds are possible within 30 days of purchase. ".repeat(6)}`;
    const before = output.replace("30 days", "14 days");
    results.push({
      prompt: `prompt-${Math.floor(i / 4) % 25}`,
      version: "draft",
      hash: `sha256:${"a".repeat(64)}`,
      provider: PROVIDERS[i % 4],
      test: `test ${Math.floor(i / 100)}`,
      status,
      output,
      latencyMs: 500 + (i % 700),
      cached: false,
      tokens: { input: 350, output: 75 },
      costUsd: 0.0002,
      assertions: [
        { type: "contains", pass: status !== "fail", score: status === "fail" ? 0 : 1, message: "refund" },
      ],
      ...(status === "error" ? { error: `503 unavailable (case ${i})` } : {}),
      baseline: {
        version: 3,
        hash: `sha256:${"b".repeat(64)}`,
        status: "pass",
        output: before,
        cached: false,
        tokens: { input: 340, output: 70 },
        costUsd: 0.0002,
        latencyMs: 480,
        score: 1,
        assertions: [],
        diff: `--- prompt@v3\n+++ prompt@draft\n@@ -1,1 +1,1 @@\n-${before}\n+${output}\n`,
        change: status === "fail" ? "regressed" : "unchanged",
        delta: {
          score: status === "fail" ? -1 : 0,
          tokens: { input: 10, output: 5 },
          costUsd: 0,
          latencyMs: 20,
        },
      },
    });
  }
  const passed = results.filter((r) => r.status === "pass").length;
  const errors = results.filter((r) => r.status === "error").length;
  return {
    summary: {
      total: n,
      passed,
      failed: n - passed - errors,
      errors,
      durationMs: 600_000,
      tokens: { input: 350 * n, output: 75 * n },
      costUsd: 0.0002 * n,
    },
    results,
  };
}

const dir = mkdtempSync(join(tmpdir(), "promptops-bench-html-"));
const context = await chromium.launchPersistentContext(join(dir, "profile"), {
  executablePath: CHROMIUM,
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const failures = [];
try {
  const generateStart = process.hrtime.bigint();
  const html = formatHtmlReport(largeRun(count));
  const generateMs = Number(process.hrtime.bigint() - generateStart) / 1e6;
  const report = join(dir, "report.html");
  writeFileSync(report, html);
  // The baseline: the same page without its script, parsing its data and drawing nothing.
  const bare = join(dir, "bare.html");
  const withoutScript = html
    .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, "")
    .replace(/<script>[^<]*(?:<(?!\/script>)[^<]*)*<\/script>/, "");
  writeFileSync(
    bare,
    withoutScript.replace(
      "</body>",
      `<script>for (const id of ["report-index", "report-data"]) JSON.parse(document.getElementById(id).textContent);
performance.mark("report-ready");document.documentElement.dataset.ready = "true"</script></body>`,
    ),
  );

  /** From navigation start: the page's "report-ready" mark, and DOMContentLoaded (every byte parsed). */
  async function load(file) {
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector("html[data-ready]");
    const times = await page.evaluate(() => ({
      ready: performance.getEntriesByName("report-ready")[0].startTime,
      parsed: performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd,
    }));
    if (errors.length > 0) failures.push(`${file}: ${errors[0]}`);
    return { page, ...times };
  }

  // Each change: from the event to the next frame drawn after it. (Written out inside the page:
  // its Content-Security-Policy refuses eval.)
  const changes = ["status: hide passes", "provider: one of four", "search: one reply", "view: matrix"];
  const timeChange = (name) =>
    new Promise((done) => {
      const start = performance.now();
      if (name === "status: hide passes") document.querySelector('button[data-status="pass"]').click();
      else if (name === "provider: one of four") {
        const select = document.querySelector('select[aria-label="provider"]');
        select.value = "openai:gpt-4o";
        select.dispatchEvent(new Event("change"));
      } else if (name === "search: one reply") {
        const input = document.querySelector('input[aria-label="search"]');
        input.value = "reply number 9989.";
        input.dispatchEvent(new Event("input"));
      } else [...document.querySelectorAll("button.view")].at(-1).click();
      requestAnimationFrame(() => setTimeout(() => done(performance.now() - start), 0));
    });
  const loads = { report: [], parsed: [], bare: [] };
  const changeMs = Object.fromEntries(changes.map((name) => [name, []]));
  for (let run = 0; run < RUNS + 1; run++) {
    const bareLoad = await load(bare);
    await bareLoad.page.close();
    const { page, ready, parsed } = await load(report);
    for (const name of changes) {
      const took = await page.evaluate(timeChange, name);
      if (run > 0) changeMs[name].push(took);
    }
    const shown = await page.locator(".pager .shown").textContent();
    if (run === 0 && !/ of \d/.test(shown ?? "")) failures.push(`the matrix shows "${shown}"`);
    await page.close();
    // The first run warms the disk cache and Chromium's code cache: it is not counted.
    if (run > 0) {
      loads.report.push(ready);
      loads.parsed.push(parsed);
      loads.bare.push(bareLoad.ready);
    }
  }

  const rows = [
    {
      measure: "load: first page drawn",
      "median ms": median(loads.report),
      "max ms": Math.max(...loads.report),
    },
    {
      measure: "load: every byte parsed",
      "median ms": median(loads.parsed),
      "max ms": Math.max(...loads.parsed),
    },
    {
      measure: "baseline: data parsed, no script",
      "median ms": median(loads.bare),
      "max ms": Math.max(...loads.bare),
    },
    ...Object.entries(changeMs).map(([name, samples]) => ({
      measure: `filter: ${name}`,
      "median ms": median(samples),
      "max ms": Math.max(...samples),
    })),
  ];
  printTable(
    `HTML report of ${count.toLocaleString("en-US")} cases (${round(html.length / 1e6, 1)} MB, generated in ${round(generateMs)} ms)`,
    rows,
  );
  const ratio = median(loads.report) / median(loads.bare);
  console.log(`\nload ratio, first page drawn / baseline: ${round(ratio)}×`);
  // The bars: the first page drawn and each change; the baseline and full parse are context.
  for (const row of rows.filter((r) => r.measure.startsWith("filter") || r.measure.startsWith("load: first")))
    if (row["median ms"] >= BAR_MS)
      failures.push(`${row.measure}: median ${round(row["median ms"])} ms, bar ${BAR_MS} ms`);
  writeResults("html-report", {
    cases: count,
    bytes: html.length,
    generateMs: round(generateMs),
    rows,
    loadRatio: round(ratio),
    barMs: BAR_MS,
    failures,
  });
} finally {
  await context.close();
  rmSync(dir, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(`\nFAIL\n${failures.map((f) => `- ${f}`).join("\n")}`);
  process.exitCode = 1;
}
