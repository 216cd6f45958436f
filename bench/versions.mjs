// Versions at scale: `promptops status` and `log <id>` in a repository with 500 prompts and 10,000 version
// tags must stay interactive (status < 2 s), and the number of git processes each spawns must not grow with
// the number of tags (one for-each-ref for all tags, never one process per tag). Measured at 50 prompts /
// 1,000 tags, 500 prompts / 10,000 tags and 50 prompts / 10,000 tags, on repositories built once by
// gen-version-repo.mjs and cached. Usage: node bench/versions.mjs
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { defaultCacheDir, generateVersionRepo } from "./gen-version-repo.mjs";
import { cliBin, printTable, requireBuiltCli, round, runCommand, timeCommand, writeResults } from "./lib.mjs";

const RUNS = 5;
const STATUS_TARGET_MS = 2000;
// The third size has as many tags as the second on a tenth of the prompts: it tells the cost of tags
// (one for-each-ref, parsed in Node) from the cost of compiling every draft.
const SCALES = [
  { prompts: 50, versions: 20 },
  { prompts: 500, versions: 20 },
  { prompts: 50, versions: 200 },
];

requireBuiltCli();

/**
 * A directory holding a `git` that logs one line per process to $PROMPTOPS_BENCH_GIT_LOG and then runs
 * the real git: put first on PATH, it counts every git process a command spawns, children of git included.
 */
function gitCounter(dir) {
  const which = runCommand("sh", ["-c", "command -v git"]);
  const realGit = which.stdout.trim();
  if (which.code !== 0 || realGit === "") throw new Error("bench: git is not on PATH");
  const wrapper = join(dir, "git");
  // Logs the subcommand: the first argument that is not an option (promptops passes --no-pager first).
  const script = [
    "#!/bin/sh",
    "sub=?",
    'for arg in "$@"; do case "$arg" in -*) ;; *) sub="$arg"; break ;; esac; done',
    'echo "$sub" >> "$PROMPTOPS_BENCH_GIT_LOG"',
    `exec '${realGit}' "$@"`,
    "",
  ];
  writeFileSync(wrapper, script.join("\n"));
  chmodSync(wrapper, 0o755);
  return (args, cwd) => {
    const log = join(dir, `calls-${Date.now()}-${Math.random().toString(36).slice(2)}.log`);
    writeFileSync(log, "");
    const run = runCommand(process.execPath, args, {
      cwd,
      env: { PATH: `${dir}${delimiter}${process.env.PATH}`, PROMPTOPS_BENCH_GIT_LOG: log },
    });
    const calls = readFileSync(log, "utf8").split("\n").filter(Boolean);
    return { code: run.code, processes: calls.length, subcommands: calls };
  };
}

// Other work on the machine inflates wall times; the load averages say how much to trust them.
const loadBefore = loadavg().map((n) => round(n));
const failures = [];
const results = [];
const tools = mkdtempSync(join(tmpdir(), "promptops-bench-git-"));
try {
  const countGit = gitCounter(tools);
  for (const scale of SCALES) {
    const dir = join(defaultCacheDir(), `versions-${scale.prompts}x${scale.versions}`);
    const repo = await generateVersionRepo(dir, scale);
    console.log(
      `${repo.prompts} prompts, ${repo.tags} tags: ${repo.cached ? "cached repository" : `built in ${round(repo.generateMs / 1000, 1)} s`} (${repo.root})`,
    );

    // Correct answers first: a fast wrong answer is no result.
    const status = JSON.parse(
      runCommand(process.execPath, [cliBin, "status", "--json", "--cwd", repo.root]).stdout,
    );
    const changed = status.prompts.filter((p) => p.draft === "changed").length;
    const atLatest = status.prompts.filter((p) => p.latest?.version === scale.versions).length;
    if (
      status.prompts.length !== repo.prompts ||
      atLatest !== repo.prompts ||
      changed !== repo.changedDrafts
    ) {
      failures.push(
        `status at ${repo.tags} tags: ${status.prompts.length} prompts, ${atLatest} at v${scale.versions}, ${changed} changed; expected ${repo.prompts}, ${repo.prompts}, ${repo.changedDrafts}`,
      );
    }
    const log = JSON.parse(
      runCommand(process.execPath, [cliBin, "log", repo.sampleId, "--json", "--cwd", repo.root]).stdout,
    );
    if (log.versions.length !== scale.versions || log.versions[0].version !== scale.versions) {
      failures.push(`log ${repo.sampleId} at ${repo.tags} tags listed ${log.versions.length} versions`);
    }

    const commands = {
      status: [cliBin, "status", "--cwd", repo.root],
      log: [cliBin, "log", repo.sampleId, "--cwd", repo.root],
    };
    for (const [command, args] of Object.entries(commands)) {
      // Timed without the counting wrapper, whose extra shell per git call is not the CLI's cost.
      const timing = timeCommand(process.execPath, args, { runs: RUNS, warmup: 1 });
      const counted = countGit(args, repo.root);
      const bad = [...timing.codes, counted.code].filter((code) => code !== 0);
      if (bad.length > 0) failures.push(`${command} at ${repo.tags} tags exited ${bad[0]}`);
      const { last: _last, ...summary } = timing;
      results.push({
        command,
        prompts: repo.prompts,
        tags: repo.tags,
        ...summary,
        gitProcesses: counted.processes,
        gitSubcommands: counted.subcommands,
      });
    }
  }
} finally {
  rmSync(tools, { recursive: true, force: true });
}

// The promise: as many git processes at 10,000 tags as at 1,000.
const constant = Object.fromEntries(
  ["status", "log"].map((command) => {
    const counts = results.filter((r) => r.command === command).map((r) => r.gitProcesses);
    return [command, counts.every((n) => n === counts[0])];
  }),
);
for (const [command, same] of Object.entries(constant)) {
  if (!same) failures.push(`${command} spawns more git processes as tags grow`);
}
const largestStatus = results.find((r) => r.command === "status" && r.prompts === 500);
const statusUnderTarget = largestStatus.medianMs < STATUS_TARGET_MS;
if (!statusUnderTarget) {
  failures.push(
    `status at ${largestStatus.tags} tags took ${largestStatus.medianMs} ms (target < ${STATUS_TARGET_MS} ms)`,
  );
}

printTable(
  `versions at scale, median of ${RUNS} runs (${process.version})`,
  results.map((r) => ({
    command: r.command,
    prompts: r.prompts,
    tags: r.tags,
    "median ms": r.medianMs,
    "p90 ms": r.p90Ms,
    "min ms": r.minMs,
    "git processes": r.gitProcesses,
    "git calls": r.gitSubcommands.join(" "),
  })),
);
console.log(
  `\nstatus < ${STATUS_TARGET_MS} ms at ${largestStatus.tags} tags: ${statusUnderTarget ? "yes" : "NO"}; git processes constant: ${Object.values(constant).every(Boolean) ? "yes" : "NO"}`,
);

writeResults("versions", {
  runs: RUNS,
  loadAverage: { before: loadBefore, after: loadavg().map((n) => round(n)) },
  targets: { statusMs: STATUS_TARGET_MS, statusUnderTarget, gitProcessesConstant: constant },
  results,
  failures,
});

if (failures.length > 0) {
  console.error(`\nFAIL\n- ${failures.join("\n- ")}`);
  process.exitCode = 1;
}
