// Validating a large prompt tree: `promptops validate` runs on every save and in every CI job, so it
// must stay well under a second for a repository of 1000 prompts. Usage: node bench/validate-1000.mjs [count]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateProject } from "./gen-prompts.mjs";
import {
  cliBin,
  countArgument,
  printTable,
  requireBuiltCli,
  round,
  timeCommand,
  writeResults,
} from "./lib.mjs";

const RUNS = 5;
const count = countArgument("count", 1000);

requireBuiltCli();

const tmp = mkdtempSync(join(tmpdir(), "promptops-bench-validate-"));
const failures = [];
try {
  const genStart = process.hrtime.bigint();
  const project = generateProject(join(tmp, "project"), count);
  const generateMs = Number(process.hrtime.bigint() - genStart) / 1e6;

  // Start-up measured the same way, so the per-file figure is the validation work alone.
  const startup = timeCommand(process.execPath, [cliBin, "--version"], { runs: RUNS, warmup: 1 });
  const validate = timeCommand(process.execPath, [cliBin, "validate", "--cwd", project], {
    runs: RUNS,
    warmup: 1,
  });

  const bad = validate.codes.filter((code) => code !== 0);
  if (bad.length > 0) {
    // The generated prompts are meant to be valid: a non-zero exit is a bug in the generator or the CLI.
    failures.push(`validate exited ${bad[0]} in ${bad.length}/${RUNS} runs`);
    const output = `${validate.last.stdout}${validate.last.stderr}`
      .trim()
      .split("\n")
      .slice(0, 20)
      .join("\n");
    console.error(`FAIL validate exited ${bad[0]}:\n${output}`);
  }

  const workMs = Math.max(0, validate.medianMs - startup.medianMs);
  printTable(`validate ${count} prompts, median of ${RUNS} runs (${process.version})`, [
    {
      scenario: `validate ${count} prompts`,
      "median ms": validate.medianMs,
      "p90 ms": validate.p90Ms,
      "ms/file": round(validate.medianMs / count, 3),
      "ms/file excl. start-up": round(workMs / count, 3),
    },
    {
      scenario: "promptops --version",
      "median ms": startup.medianMs,
      "p90 ms": startup.p90Ms,
      "ms/file": "",
      "ms/file excl. start-up": "",
    },
  ]);

  const { last: _v, ...validateTiming } = validate;
  const { last: _s, ...startupTiming } = startup;
  writeResults("validate-1000", {
    prompts: count,
    runs: RUNS,
    generateMs: round(generateMs),
    validate: validateTiming,
    startup: startupTiming,
    perFileMs: round(validate.medianMs / count, 4),
    perFileExcludingStartupMs: round(workMs / count, 4),
    failures,
  });
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\nFAIL\n- ${failures.join("\n- ")}`);
  process.exitCode = 1;
}
