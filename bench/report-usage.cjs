// Preloaded into a measured CLI run (NODE_OPTIONS=--require): writes the process's peak resident
// memory (KiB) and CPU time (µs) as JSON to $PROMPTOPS_BENCH_USAGE_FILE when it exits. On a machine
// shared with other work, CPU time shows what the command itself cost when wall time cannot.
const { writeFileSync } = require("node:fs");

process.on("exit", () => {
  const file = process.env.PROMPTOPS_BENCH_USAGE_FILE;
  if (!file) return;
  const usage = process.resourceUsage();
  writeFileSync(
    file,
    JSON.stringify({ maxRSS: usage.maxRSS, cpuMicros: usage.userCPUTime + usage.systemCPUTime }),
  );
});
