// Runs every benchmark scenario in bench/ one after another (never in parallel: they would skew each
// other's timings) and summarises. Usage: node bench/run.mjs [name-filter]
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { printTable, repoRoot, requireBuiltCli, round } from "./lib.mjs";

// Helpers and tools that live beside the scenarios but measure nothing themselves.
const NOT_SCENARIOS = new Set([
  "lib.mjs",
  "gen-prompts.mjs",
  "gen-lockfile.mjs",
  "fleet-app.mjs",
  "gen-version-repo.mjs",
  "gen-audit-repo.mjs",
  "fake-openai.mjs",
  "fault-project.mjs",
  "bare-sdk-loop.mjs",
  "run-against-server.mjs",
  "run.mjs",
  "track-modules.mjs",
]);
const benchDir = join(repoRoot, "bench");
const filter = process.argv[2];

requireBuiltCli();

const scenarios = readdirSync(benchDir)
  .filter((file) => file.endsWith(".mjs") && !NOT_SCENARIOS.has(file))
  .filter((file) => !filter || file.includes(filter))
  .sort();
if (scenarios.length === 0) {
  console.error(`bench: no scenario matches ${JSON.stringify(filter)}`);
  process.exit(2);
}

const summary = [];
for (const file of scenarios) {
  console.log(`\n=== ${file}`);
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [join(benchDir, file)], { cwd: repoRoot, stdio: "inherit" });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const status = child.status === 0 ? "ok" : `FAIL (exit ${child.status ?? child.signal})`;
  summary.push({ scenario: file.replace(/\.mjs$/, ""), status, "took s": round(seconds, 1) });
}

printTable("benchmarks", summary);
console.log(`\nresults: ${join("bench", "results")}/<scenario>.json`);
if (summary.some((row) => row.status !== "ok")) process.exitCode = 1;
