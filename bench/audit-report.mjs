// `promptops audit --report` on a long history: 500 prompts, 10,000 version tags, a 1.1 MB lockfile
// committed 2,000 times and 1,000 approval and test records (bench/gen-audit-repo.mjs, built once and
// cached). Target: the whole history under 3 s, and the same number of git processes for a month as
// for the whole history (one for-each-ref for tags, one log and one cat-file for the lockfile, one
// `notes list` and one cat-file for the notes: never one per tag, commit or note). Counted with a `git`
// wrapper first on PATH. Usage: node bench/audit-report.mjs
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { generateAuditRepo } from "./gen-audit-repo.mjs";
import { cliBin, printTable, requireBuiltCli, round, runCommand, timeCommand, writeResults } from "./lib.mjs";

const RUNS = 5;
const TARGET_MS = 3000;

/**
 * CPU milliseconds used by this process's finished children (node and the git it spawns), from
 * /proc/self/stat on Linux (null elsewhere): unlike wall time, it says the same on a loaded machine.
 */
function childrenCpuMs() {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    // Fields 16 and 17 of stat(5) (cutime, cstime), in clock ticks of 10 ms on Linux.
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return null;
  }
}

requireBuiltCli();

function gitCounter(dir) {
  const realGit = runCommand("sh", ["-c", "command -v git"]).stdout.trim();
  const wrapper = join(dir, "git");
  writeFileSync(
    wrapper,
    [
      "#!/bin/sh",
      "sub=?",
      'for arg in "$@"; do case "$arg" in -*) ;; *) sub="$arg"; break ;; esac; done',
      'echo "$sub" >> "$PROMPTOPS_BENCH_GIT_LOG"',
      `exec '${realGit}' "$@"`,
      "",
    ].join("\n"),
  );
  chmodSync(wrapper, 0o755);
  return (args, cwd) => {
    const log = join(dir, `calls-${Date.now()}.log`);
    writeFileSync(log, "");
    const run = runCommand(process.execPath, args, {
      cwd,
      env: { PATH: `${dir}${delimiter}${process.env.PATH}`, PROMPTOPS_BENCH_GIT_LOG: log },
    });
    const calls = readFileSync(log, "utf8").split("\n").filter(Boolean);
    return { code: run.code, stdout: run.stdout, processes: calls.length, subcommands: calls };
  };
}

const loadBefore = loadavg().map((n) => round(n));
const repo = await generateAuditRepo();
console.log(
  `${repo.tags} tags, ${repo.lockCommits} lockfile commits of ${repo.lockBytes} bytes, ${repo.records} records: ${repo.cached ? "cached repository" : `built in ${round(repo.generateMs / 1000, 1)} s`} (${repo.root})`,
);
// A month: the last ~10% of the lockfile's history (commits are 10 minutes apart).
const monthFrom = new Date(Date.parse(repo.lastTime) - 200 * 600 * 1000).toISOString();
const cases = {
  "whole history": ["audit", "--report", "--format", "json"],
  "last 200 commits": ["audit", "--report", "--format", "json", "--from", monthFrom],
  "whole history, csv": ["audit", "--report", "--format", "csv"],
};

const failures = [];
const results = [];
const tools = mkdtempSync(join(tmpdir(), "promptops-bench-git-"));
try {
  const countGit = gitCounter(tools);
  for (const [name, args] of Object.entries(cases)) {
    const argv = [cliBin, ...args, "--cwd", repo.root];
    const counted = countGit(argv, repo.root);
    if (counted.code !== 0) failures.push(`${name} exited ${counted.code}`);
    if (name === "whole history") {
      // Correct answers first: every publish and record, and as many lockfile changes as were made.
      const report = JSON.parse(counted.stdout);
      const count = (type) => report.events.filter((e) => e.type === type).length;
      const changes = count("activation") + count("rollback");
      if (count("publish") !== repo.tags)
        failures.push(`${count("publish")} publishes, expected ${repo.tags}`);
      if (count("approval") + count("test") !== repo.records)
        failures.push(`${count("approval") + count("test")} records, expected ${repo.records}`);
      // The first commit activates every prompt in both environments; each later one changes one entry.
      if (changes !== repo.prompts * 2 + repo.lockCommits - 1)
        failures.push(
          `${changes} activations and rollbacks, expected ${repo.prompts * 2 + repo.lockCommits - 1}`,
        );
    }
    const cpuBefore = childrenCpuMs();
    const timing = timeCommand(process.execPath, argv, { runs: RUNS, warmup: 1 });
    const cpuAfter = childrenCpuMs();
    const { last: _last, ...summary } = timing;
    results.push({
      case: name,
      ...summary,
      // Per run, the warm-up included.
      cpuMs: cpuBefore === null || cpuAfter === null ? null : round((cpuAfter - cpuBefore) / (RUNS + 1)),
      gitProcesses: counted.processes,
      gitSubcommands: counted.subcommands,
    });
  }
} finally {
  rmSync(tools, { recursive: true, force: true });
}

const whole = results[0];
const constant = results.every((r) => r.gitProcesses === whole.gitProcesses);
if (!constant) failures.push("a shorter period spawns a different number of git processes");
const underTarget = whole.medianMs < TARGET_MS;
if (!underTarget) failures.push(`the whole history took ${whole.medianMs} ms (target < ${TARGET_MS} ms)`);

printTable(
  `audit --report, median of ${RUNS} runs (${process.version})`,
  results.map((r) => ({
    case: r.case,
    "median ms": r.medianMs,
    "p90 ms": r.p90Ms,
    "min ms": r.minMs,
    "cpu ms": r.cpuMs ?? "n/a",
    "git processes": r.gitProcesses,
    "git calls": r.gitSubcommands.join(" "),
  })),
);
const loadAfter = loadavg().map((n) => round(n));
console.log(`\nload average before ${loadBefore.join(" ")}, after ${loadAfter.join(" ")}`);
writeResults("audit-report", {
  runs: RUNS,
  loadAverage: { before: loadBefore, after: loadAfter },
  repository: {
    tags: repo.tags,
    lockCommits: repo.lockCommits,
    lockBytes: repo.lockBytes,
    records: repo.records,
  },
  targets: { wholeHistoryMs: TARGET_MS, underTarget, gitProcessesConstant: constant },
  results,
  failures,
});
if (failures.length > 0) {
  console.error(`\nFAIL\n- ${failures.join("\n- ")}`);
  process.exitCode = 1;
}
