import { mkdirSync, mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CommandModules } from "../../src/cli/command-modules.js";
import { buildProgram, main } from "../../src/cli/main.js";

/**
 * What each command line turns into: the options object a command's run function receives, or a
 * usage error with exit 2. The command modules are replaced by ones that record the call (main
 * takes them as an argument), so nothing here touches git, files or providers.
 */
interface Call {
  run: string;
  options: Record<string, unknown>;
}

function recordingModules(calls: Call[]): CommandModules {
  const module = new Proxy(
    {},
    {
      // `then` must stay undefined, or `await` would take the module for a promise.
      get: (_target, name) =>
        name === "then"
          ? undefined
          : async (options: Record<string, unknown>) => {
              calls.push({ run: String(name), options });
              return 0;
            },
    },
  );
  const load = async () => module;
  return Object.fromEntries(
    ["init", "validate", "render", "status", "publish", "log", "diff", "verify"]
      .concat([
        "activation",
        "lock",
        "keygen",
        "types",
        "report",
        "test",
        "serve",
        "stats",
        "callLogs",
        "drift",
        "approve",
        "codeowners",
        "auditReport",
        "import",
        "extract",
        "export",
      ])
      .map((name) => [name, load]),
  ) as unknown as CommandModules;
}

let stderr: string;
let noColor: string | undefined;
beforeEach(() => {
  stderr = "";
  noColor = process.env.NO_COLOR;
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  if (noColor === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = noColor;
});

async function parse(argv: string[]): Promise<{ code: number; calls: Call[] }> {
  const calls: Call[] = [];
  const code = await main(["node", "promptops", ...argv], recordingModules(calls));
  return { code, calls };
}

// A real folder: --cwd to one that does not exist is a usage error of its own.
const CWD = realpathSync(mkdtempSync(join(tmpdir(), "promptops-argv-")));
const at = { cwd: CWD, debug: false };

/** argv (after `--cwd /tmp/project`), the run function called, and the options it receives. */
const accepted: Array<[string, string[], string, Record<string, unknown>]> = [
  ["init: defaults", ["init"], "runInit", { ...at, force: false, ci: undefined }],
  [
    "init: --force --ci github",
    ["init", "--force", "--ci", "github"],
    "runInit",
    { ...at, force: true, ci: "github" },
  ],

  ["validate: defaults", ["validate"], "runValidate", { ...at, paths: [], json: false, format: "text" }],
  [
    "validate: paths, --json, --format github",
    ["validate", "prompts/a", "prompts/b.prompt.yaml", "--json", "--format", "github"],
    "runValidate",
    { ...at, paths: ["prompts/a", "prompts/b.prompt.yaml"], json: true, format: "github" },
  ],

  [
    "render: the draft, OpenAI shape",
    ["render", "billing/refund"],
    "runRender",
    {
      ...at,
      id: "billing/refund",
      varsFile: undefined,
      vars: [],
      format: "openai",
      version: undefined,
      json: false,
    },
  ],
  [
    "render: --version, --vars, repeated --var, --format text",
    [
      "render",
      "a",
      "--version",
      "3",
      "--vars",
      "v.yaml",
      "--var",
      "x=1",
      "--var",
      "y.z=2",
      "--format",
      "text",
    ],
    "runRender",
    { ...at, id: "a", varsFile: "v.yaml", vars: ["x=1", "y.z=2"], format: "text", version: "3", json: false },
  ],
  [
    // The command parses --version and --env into one typed version reference (version-flags.ts).
    "render: --env reaches the command as given",
    ["render", "a", "--env", "production", "--format", "anthropic"],
    "runRender",
    {
      ...at,
      id: "a",
      varsFile: undefined,
      vars: [],
      format: "anthropic",
      version: undefined,
      env: "production",
      json: false,
    },
  ],

  ["status", ["status"], "runStatus", { ...at, json: false }],
  ["status --json", ["status", "--json"], "runStatus", { ...at, json: true }],

  [
    "publish: defaults",
    ["publish"],
    "runPublish",
    {
      ...at,
      ids: [],
      message: undefined,
      push: false,
      remote: "origin",
      dryRun: false,
      allowDetached: false,
      json: false,
    },
  ],
  [
    "publish: every flag",
    ["publish", "a", "b", "-m", "why", "--push", "--remote", "up", "--dry-run", "--allow-detached", "--json"],
    "runPublish",
    {
      ...at,
      ids: ["a", "b"],
      message: "why",
      push: true,
      remote: "up",
      dryRun: true,
      allowDetached: true,
      json: true,
    },
  ],
  [
    "publish: --message spelt out",
    ["publish", "--message", "long form"],
    "runPublish",
    {
      ...at,
      ids: [],
      message: "long form",
      push: false,
      remote: "origin",
      dryRun: false,
      allowDetached: false,
      json: false,
    },
  ],

  ["log", ["log", "a"], "runLog", { ...at, id: "a", json: false }],
  ["log --json", ["log", "a", "--json"], "runLog", { ...at, id: "a", json: true }],

  [
    "diff: latest to draft",
    ["diff", "a"],
    "runDiff",
    { ...at, id: "a", from: undefined, to: undefined, json: false },
  ],
  [
    "diff: from, to, --json",
    ["diff", "a", "v2", "draft", "--json"],
    "runDiff",
    { ...at, id: "a", from: "v2", to: "draft", json: true },
  ],

  ["verify", ["verify"], "runVerify", { ...at, json: false }],
  ["verify --json", ["verify", "--json"], "runVerify", { ...at, json: true }],
  [
    "serve: defaults",
    ["serve"],
    "runServe",
    { ...at, port: "7070", host: "127.0.0.1", lockfile: undefined, tokenEnv: undefined },
  ],
  [
    "serve: --port --host --lockfile --token-env",
    [
      "serve",
      "--port",
      "0",
      "--host",
      "0.0.0.0",
      "--lockfile",
      "dist/promptops.lock",
      "--token-env",
      "TOKEN",
    ],
    "runServe",
    { ...at, port: "0", host: "0.0.0.0", lockfile: "dist/promptops.lock", tokenEnv: "TOKEN" },
  ],
  [
    "stats: defaults",
    ["stats"],
    "runStats",
    { ...at, ids: [], logs: undefined, since: undefined, by: [], json: false },
  ],
  [
    "stats: ids, --since, repeated --by, --logs with several files, --json",
    [
      "stats",
      "support",
      "--since",
      "7d",
      "--by",
      "owner",
      "--by",
      "day",
      "--json",
      "--logs",
      "a.jsonl",
      "b.jsonl",
    ],
    "runStats",
    { ...at, ids: ["support"], logs: ["a.jsonl", "b.jsonl"], since: "7d", by: ["owner", "day"], json: true },
  ],
  [
    "logs: --version --trace --limit --since --logs --json",
    [
      "logs",
      "support",
      "--version",
      "3",
      "--trace",
      "t1",
      "--limit",
      "5",
      "--since",
      "24h",
      "--json",
      "--logs",
      "c.jsonl",
    ],
    "runCallLogs",
    {
      ...at,
      id: "support",
      version: "3",
      logs: ["c.jsonl"],
      since: "24h",
      trace: "t1",
      limit: "5",
      json: true,
    },
  ],
  [
    "drift: ids and thresholds",
    [
      "drift",
      "support",
      "--since",
      "30d",
      "--min-similarity",
      "0.7",
      "--max-pass-rate-change",
      "0.1",
      "--json",
    ],
    "runDrift",
    { ...at, ids: ["support"], since: "30d", minSimilarity: "0.7", maxPassRateChange: "0.1", json: true },
  ],

  [
    "approve",
    ["approve", "support-agent@3"],
    "runApprove",
    { ...at, target: "support-agent@3", message: undefined, push: false, remote: "origin", json: false },
  ],
  [
    "approve: -m, --push, --remote, --json",
    ["approve", "a@v2", "-m", "reviewed", "--push", "--remote", "upstream", "--json"],
    "runApprove",
    { ...at, target: "a@v2", message: "reviewed", push: true, remote: "upstream", json: true },
  ],
  [
    "import promptfoo: defaults",
    ["import", "promptfoo", "promptfooconfig.yaml"],
    "runImport",
    {
      ...at,
      tool: "promptfoo",
      file: "promptfooconfig.yaml",
      files: ["promptfooconfig.yaml"],
      out: undefined,
      force: false,
      json: false,
    },
  ],
  [
    "import promptfoo: --out --force --json",
    ["import", "promptfoo", "pf/promptfooconfig.yaml", "--out", "imported", "--force", "--json"],
    "runImport",
    {
      ...at,
      tool: "promptfoo",
      file: "pf/promptfooconfig.yaml",
      files: ["pf/promptfooconfig.yaml"],
      out: "imported",
      force: true,
      json: true,
    },
  ],
  [
    "export prompty: --out --force --json",
    ["export", "prompty", "billing/refund", "--out", "refund.prompty", "--force", "--json"],
    "runExport",
    { ...at, format: "prompty", id: "billing/refund", out: "refund.prompty", force: true, json: true },
  ],
  [
    "import prompty: several files",
    ["import", "prompty", "chat.prompty", "rag/answer.prompty", "--out", "imported"],
    "runImport",
    {
      ...at,
      tool: "prompty",
      file: "chat.prompty",
      files: ["chat.prompty", "rag/answer.prompty"],
      out: "imported",
      force: false,
      json: false,
    },
  ],
  [
    "export dotprompt: --out --force",
    ["export", "dotprompt", "billing/refund", "--out", "refund.prompt", "--force"],
    "runExport",
    { ...at, format: "dotprompt", id: "billing/refund", out: "refund.prompt", force: true, json: false },
  ],
  [
    "import dotprompt: several files",
    ["import", "dotprompt", "a.prompt", "b.casual.prompt", "--out", "imported"],
    "runImport",
    {
      ...at,
      tool: "dotprompt",
      file: "a.prompt",
      files: ["a.prompt", "b.casual.prompt"],
      out: "imported",
      force: false,
      json: false,
    },
  ],
  [
    "extract: defaults",
    ["extract", "src"],
    "runExtract",
    { ...at, paths: ["src"], out: undefined, id: [], force: false, json: false, write: false },
  ],
  [
    "extract: paths, --out, --id (repeatable), --force, --json, --write",
    [
      "extract",
      "src",
      "lib/a.ts",
      "--out",
      "p",
      "--id",
      "src/a.ts:3=a",
      "--id",
      "lib/a.ts:9=b",
      "--force",
      "--json",
      "--write",
    ],
    "runExtract",
    {
      ...at,
      paths: ["src", "lib/a.ts"],
      out: "p",
      id: ["src/a.ts:3=a", "lib/a.ts:9=b"],
      force: true,
      json: true,
      write: true,
    },
  ],

  [
    "activate",
    ["activate", "support-agent@3", "--env", "production"],
    "runActivate",
    { ...at, target: "support-agent@3", env: "production", message: undefined, json: false },
  ],
  [
    "activate: -m, --json",
    ["activate", "a@v2", "--env", "staging", "-m", "canary", "--json"],
    "runActivate",
    { ...at, target: "a@v2", env: "staging", message: "canary", json: true },
  ],

  [
    "rollback",
    ["rollback", "a", "--env", "production"],
    "runRollback",
    { ...at, id: "a", env: "production", message: undefined, json: false },
  ],
  [
    "rollback: -m, --json",
    ["rollback", "a", "--env", "production", "--message", "bad", "--json"],
    "runRollback",
    { ...at, id: "a", env: "production", message: "bad", json: true },
  ],

  [
    "promote: named ids",
    ["promote", "a", "b", "--from", "staging", "--to", "production"],
    "runPromote",
    {
      ...at,
      ids: ["a", "b"],
      all: false,
      from: "staging",
      to: "production",
      message: undefined,
      json: false,
    },
  ],
  [
    "promote: --all, -m, --json",
    ["promote", "--all", "--from", "staging", "--to", "production", "-m", "release", "--json"],
    "runPromote",
    { ...at, ids: [], all: true, from: "staging", to: "production", message: "release", json: true },
  ],

  ["lock", ["lock"], "runLock", { ...at, check: false, json: false }],
  ["lock --check --json", ["lock", "--check", "--json"], "runLock", { ...at, check: true, json: true }],
  [
    "lock --sign",
    ["lock", "--sign", "k.key"],
    "runLock",
    { ...at, check: false, sign: "k.key", json: false },
  ],
  [
    "activate --sign",
    ["activate", "a@2", "--env", "production", "--sign", "keys/prod.key"],
    "runActivate",
    { ...at, target: "a@2", env: "production", message: undefined, sign: "keys/prod.key", json: false },
  ],
  ["keygen", ["keygen", "keys/prod"], "runKeygen", { ...at, name: "keys/prod", force: false, json: false }],
  [
    "keygen: --force, --json",
    ["keygen", "prod", "--force", "--json"],
    "runKeygen",
    { ...at, name: "prod", force: true, json: true },
  ],

  [
    "audit",
    ["audit", "a", "--env", "production"],
    "runAudit",
    { ...at, id: "a", env: "production", at: undefined, json: false },
  ],
  [
    "audit: --at, --json",
    ["audit", "a", "--env", "production", "--at", "2026-11-20T09:00:00Z", "--json"],
    "runAudit",
    { ...at, id: "a", env: "production", at: "2026-11-20T09:00:00Z", json: true },
  ],

  [
    "audit --report: --from, --to, --env, --format",
    [
      "audit",
      "--report",
      "--from",
      "2026-11-01",
      "--to",
      "2026-11-30",
      "--env",
      "production",
      "--format",
      "csv",
    ],
    "runAuditReport",
    { ...at, from: "2026-11-01", to: "2026-11-30", env: "production", format: "csv" },
  ],
  [
    "audit --report: markdown by default, --json for JSON",
    ["audit", "--report", "--json"],
    "runAuditReport",
    { ...at, from: undefined, to: undefined, env: undefined, format: "json" },
  ],
  ["codeowners", ["codeowners"], "runCodeowners", { ...at, out: undefined, check: false, json: false }],
  [
    "codeowners: --out, --check, --json",
    ["codeowners", "--out", "docs/CODEOWNERS", "--check", "--json"],
    "runCodeowners",
    { ...at, out: "docs/CODEOWNERS", check: true, json: true },
  ],

  ["types", ["types"], "runTypes", { ...at, out: undefined, drafts: false, stdout: false }],
  [
    "types: --out, --drafts, --stdout",
    ["types", "--out", "types.d.ts", "--drafts", "--stdout"],
    "runTypes",
    { ...at, out: "types.d.ts", drafts: true, stdout: true },
  ],

  [
    "report merge",
    ["report", "merge", "1.json", "2.json"],
    "runReportMerge",
    {
      ...at,
      files: ["1.json", "2.json"],
      reporter: [],
      output: undefined,
      outputDir: undefined,
      json: false,
      junitStrict: false,
      allowPartial: false,
    },
  ],
  [
    "report merge: repeated --reporter, --output, --output-dir",
    [
      "report",
      "merge",
      "1.json",
      "--reporter",
      "junit",
      "--reporter",
      "markdown",
      "--output",
      "r.xml",
      "--output-dir",
      "out",
    ],
    "runReportMerge",
    {
      ...at,
      files: ["1.json"],
      reporter: ["junit", "markdown"],
      output: "r.xml",
      outputDir: "out",
      json: false,
      junitStrict: false,
      allowPartial: false,
    },
  ],
  [
    "report merge: -o, --json, --junit-strict, --allow-partial",
    ["report", "merge", "1.json", "-o", "-", "--json", "--junit-strict", "--allow-partial"],
    "runReportMerge",
    {
      ...at,
      files: ["1.json"],
      reporter: [],
      output: "-",
      outputDir: undefined,
      json: true,
      junitStrict: true,
      allowPartial: true,
    },
  ],
];

const TEST_DEFAULTS = {
  ...at,
  ids: [],
  providers: undefined,
  version: undefined,
  filter: undefined,
  since: undefined,
  shard: undefined,
  repeat: undefined,
  concurrency: undefined,
  retries: undefined,
  timeout: undefined,
  maxDuration: undefined,
  maxCost: undefined,
  cache: true,
  boundary: false,
  baseline: undefined,
  failOnRegression: false,
  judgePairwise: false,
  reporter: [],
  output: undefined,
  outputDir: undefined,
  json: false,
  progress: true,
  junitStrict: false,
  passWithNoTests: false,
  push: false,
};

accepted.push(
  ["test: defaults", ["test"], "runTestCommand", TEST_DEFAULTS],
  ["test: --draft is the default", ["test", "--draft"], "runTestCommand", TEST_DEFAULTS],
  [
    "test: ids and every value flag",
    [
      "test",
      "a",
      "b",
      "--providers",
      "echo,openai:gpt-4o-mini",
      "--version",
      "3",
      "--filter",
      "refund",
      "--since",
      "main",
      "--shard",
      "1/3",
      "--repeat",
      "5",
      "--concurrency",
      "2",
      "--retries",
      "1",
      "--timeout",
      "30000",
      "--max-duration",
      "10m",
      "--max-cost",
      "0.5",
      "--output",
      "r.json",
    ],
    "runTestCommand",
    {
      ...TEST_DEFAULTS,
      ids: ["a", "b"],
      providers: "echo,openai:gpt-4o-mini",
      version: "3",
      filter: "refund",
      since: "main",
      shard: "1/3",
      repeat: "5",
      concurrency: "2",
      retries: "1",
      timeout: "30000",
      maxDuration: "10m",
      maxCost: "0.5",
      output: "r.json",
    },
  ],
  [
    "test: --env, the switches, repeated --reporter, --output-dir",
    [
      "test",
      "--env",
      "production",
      "--no-cache",
      "--boundary",
      "--baseline",
      "env:staging",
      "--fail-on-regression",
      "--judge-pairwise",
      "--reporter",
      "json",
      "--reporter",
      "junit",
      "--output-dir",
      "reports",
    ],
    "runTestCommand",
    {
      ...TEST_DEFAULTS,
      env: "production",
      cache: false,
      boundary: true,
      baseline: "env:staging",
      failOnRegression: true,
      judgePairwise: true,
      reporter: ["json", "junit"],
      outputDir: "reports",
    },
  ],
  [
    "test: -o, --json, --no-progress, --junit-strict, --pass-with-no-tests, --push",
    [
      "test",
      "-o",
      "junit.xml",
      "--json",
      "--no-progress",
      "--junit-strict",
      "--pass-with-no-tests",
      "--push",
    ],
    "runTestCommand",
    {
      ...TEST_DEFAULTS,
      push: true,
      output: "junit.xml",
      json: true,
      progress: false,
      junitStrict: true,
      passWithNoTests: true,
    },
  ],
);

describe("each command line becomes its command's options", () => {
  it.each(accepted)("%s", async (_name, argv, run, options) => {
    const { code, calls } = await parse(["--cwd", CWD, ...argv]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(calls).toEqual([{ run, options }]);
  });

  it("covers every command the program declares", () => {
    const covered = new Set(
      accepted.map(([, argv]) => (argv[0] === "report" ? `report ${argv[1]}` : argv[0])),
    );
    const declared = buildProgram(() => {}, recordingModules([])).commands.flatMap((command) =>
      command.commands.length > 0
        ? command.commands.map((sub) => `${command.name()} ${sub.name()}`)
        : [command.name()],
    );
    expect([...covered].sort()).toEqual(declared.sort());
  });
});

describe("options every command takes", () => {
  it("--cwd defaults to the current directory and resolves a relative one", async () => {
    expect((await parse(["status"])).calls[0]?.options.cwd).toBe(process.cwd());
    // A relative folder that exists wherever the suite runs from (the repository's root).
    expect((await parse(["status", "--cwd", "test/cli"])).calls[0]?.options.cwd).toBe(resolve("test/cli"));
  });

  it("--cwd and --debug after the command name win over the program's", async () => {
    const [a, b] = ["a", "b"].map((name) => join(CWD, name));
    for (const folder of [a!, b!]) mkdirSync(folder, { recursive: true });
    const { calls } = await parse(["--cwd", a!, "lock", "--cwd", b!, "--debug"]);
    expect(calls[0]?.options).toMatchObject({ cwd: b, debug: true });
    expect((await parse(["--debug", "lock"])).calls[0]?.options.debug).toBe(true);
  });

  it("--no-color turns colour off for the run (NO_COLOR=1)", async () => {
    delete process.env.NO_COLOR;
    await parse(["validate", "--no-color"]);
    expect(process.env.NO_COLOR).toBe("1");
  });
});

/** argv, and a part of the one-line usage error commander prints; each exits 2 and runs nothing. */
const refused: Array<[string[], string]> = [
  [["valdate"], "unknown command 'valdate'"],
  [["validate", "--frobnicate"], "unknown option '--frobnicate'"],
  [["init", "--ci", "gitlab"], "argument 'gitlab' is invalid"],
  [["validate", "--format", "xml"], "argument 'xml' is invalid"],
  [["render"], "missing required argument 'id'"],
  [["render", "a", "--format", "yaml"], "argument 'yaml' is invalid"],
  [["render", "a", "--version", "3", "--env", "production"], "cannot be used with option '--env <env>'"],
  [["render", "a", "--vars"], "option '--vars <file>' argument missing"],
  [["log"], "missing required argument 'id'"],
  [["diff"], "missing required argument 'id'"],
  [["status", "extra"], "too many arguments for 'status'"],
  [["activate", "a@3"], "required option '--env <env>' not specified"],
  [["activate", "--env", "production"], "missing required argument 'id@version'"],
  [["rollback", "a"], "required option '--env <env>' not specified"],
  [["promote", "--all", "--from", "staging"], "required option '--to <env>' not specified"],
  [["promote", "--all", "--to", "production"], "required option '--from <env>' not specified"],
  [["audit", "a"], "required option '--env <env>' not specified"],
  [["audit", "--env", "production"], "missing required argument 'id'"],
  [["audit", "a", "--report"], "--report covers every prompt"],
  [["audit", "--report", "--at", "2026-11-20T09:00:00Z"], "cannot be used with option '--report'"],
  [["audit", "a", "--env", "production", "--from", "2026-11-01"], "--from needs --report"],
  [["audit", "--report", "--format", "xlsx"], "argument 'xlsx' is invalid"],
  [["audit", "--report", "--format", "csv", "--json"], "--json prints JSON, --format csv does not"],
  [["lock", "--frobnicate"], "unknown option '--frobnicate'"],
  [["types", "--out"], "option '--out <file>' argument missing"],
  [["report", "merge"], "missing required argument 'files'"],
  [["test", "--version", "3", "--env", "production"], "cannot be used with option '--env <env>'"],
  [["test", "--version", "3", "--draft"], "cannot be used with option '--draft'"],
  [["test", "--env", "production", "--draft"], "cannot be used with option '--draft'"],
  [["test", "--shard"], "option '--shard <i/n>' argument missing"],
  [["publish", "--remote"], "option '--remote <name>' argument missing"],
  [["verify", "--cwd"], "option '--cwd <dir>' argument missing"],
];

describe("a command line that cannot be understood is a usage error (exit 2)", () => {
  it.each(refused)("%j", async (argv, message) => {
    const { code, calls } = await parse(argv);
    expect(calls).toEqual([]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toContain("(run with --help for usage)");
  });
});
