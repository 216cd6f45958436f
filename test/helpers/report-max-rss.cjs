// Preloaded into a CLI run under test (NODE_OPTIONS=--require): writes the process's peak resident
// memory, in KiB, to $PROMPTOPS_TEST_MAX_RSS_FILE when it exits, however it exits.
const { writeFileSync } = require("node:fs");

process.on("exit", () => {
  const file = process.env.PROMPTOPS_TEST_MAX_RSS_FILE;
  if (file) writeFileSync(file, String(process.resourceUsage().maxRSS));
});
