// Cold start: how long a user waits for the CLI to do nothing much, against bare `node -e 0`.
// Start-up is what every editor save, git hook and CI step pays, so heavy imports must stay lazy.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { cliBin, printTable, repoRoot, requireBuiltCli, round, timeCommand, writeResults } from "./lib.mjs";

const RUNS = 15;
const EXAMPLE = join(repoRoot, "examples", "support-bot");
// The SDKs a provider-free command has no reason to load (design: `--help` and `validate` must not load
// openai): from node_modules, or the openai SDK's own chunk of the CLI bundle (scripts/bundle-cli.mjs).
const FORBIDDEN = ["/node_modules/openai/", "/node_modules/@anthropic-ai/sdk/", "/dist/bundle/openai-sdk-"];

requireBuiltCli();

const scenarios = [
  { name: "node -e 0", args: ["-e", "0"] },
  { name: "promptops --version", args: [cliBin, "--version"] },
  { name: "promptops --help", args: [cliBin, "--help"] },
  { name: "promptops validate (support-bot)", args: [cliBin, "validate", "--cwd", EXAMPLE] },
];

const failures = [];
const measured = scenarios.map((scenario) => {
  const timing = timeCommand(process.execPath, scenario.args, { runs: RUNS, warmup: 2 });
  const bad = timing.codes.filter((code) => code !== 0);
  if (bad.length > 0) {
    failures.push(`${scenario.name} exited ${bad[0]} in ${bad.length}/${RUNS} runs`);
    const output = `${timing.last.stdout}${timing.last.stderr}`.trim().split("\n").slice(0, 15).join("\n");
    console.error(`FAIL ${scenario.name} exited ${bad[0]}:\n${output}`);
  }
  return { ...scenario, ...timing };
});

const baseline = measured[0].medianMs;
const rows = measured.map((m) => ({
  scenario: m.name,
  "median ms": m.medianMs,
  "p90 ms": m.p90Ms,
  "x node -e 0": round(m.medianMs / baseline),
  "over node ms": round(m.medianMs - baseline),
}));
printTable(`cold start, median of ${RUNS} runs (${process.version})`, rows);

/** Runs the CLI once with the module tracker preloaded and returns every module URL it loaded. */
function loadedModules(args) {
  const dir = mkdtempSync(join(tmpdir(), "promptops-bench-modules-"));
  const log = join(dir, "modules.log");
  try {
    const tracker = pathToFileURL(join(repoRoot, "bench", "track-modules.mjs")).href;
    const nodeOptions = [process.env.NODE_OPTIONS, `--import=${tracker}`].filter(Boolean).join(" ");
    const { code } = timeCommand(process.execPath, args, {
      runs: 1,
      warmup: 0,
      // Without the code cache, Node 20 loads the bundle's chunks with require(), where the tracker
      // sees them (the cache's loader compiles them itself).
      env: { NODE_OPTIONS: nodeOptions, PROMPTOPS_BENCH_MODULE_LOG: log, NODE_DISABLE_COMPILE_CACHE: "1" },
    });
    let urls = [];
    try {
      urls = [...new Set(readFileSync(log, "utf8").split("\n").filter(Boolean))];
    } catch {
      // No log at all means the tracker never ran; the sanity check below reports it.
    }
    return { code, urls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function packagesIn(urls) {
  const names = urls.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter(Boolean);
  return [...new Set(names)].sort();
}

const imports = {};
for (const scenario of measured.slice(2)) {
  const { code, urls } = loadedModules(scenario.args);
  const forbidden = urls.filter((u) => FORBIDDEN.some((f) => u.includes(f)));
  // A tracker that silently failed would report "no SDK loaded" for the wrong reason.
  const sawCli = urls.some((u) => u.includes("/dist/"));
  const packages = packagesIn(urls);
  imports[scenario.name] = { exitCode: code, modules: urls.length, packages, forbidden };
  if (!sawCli) failures.push(`${scenario.name}: the module tracker recorded nothing from dist/`);
  if (forbidden.length > 0) failures.push(`${scenario.name} loaded a provider SDK: ${forbidden[0]}`);
  const verdict = !sawCli
    ? "FAIL (tracker saw nothing)"
    : forbidden.length > 0
      ? "FAIL (loads a provider SDK)"
      : "ok";
  console.log(`\n${scenario.name}: ${urls.length} modules, packages [${packages.join(", ")}] -> ${verdict}`);
}

writeResults("cold-start", {
  runs: RUNS,
  baselineMs: baseline,
  scenarios: measured.map(({ name, args, last: _last, ...timing }) => ({
    name,
    command: ["node", ...args.map((a) => a.replace(repoRoot, "."))].join(" "),
    ratioToNode: round(timing.medianMs / baseline),
    ...timing,
  })),
  imports,
  failures,
});

if (failures.length > 0) {
  console.error(`\nFAIL\n- ${failures.join("\n- ")}`);
  process.exitCode = 1;
}
