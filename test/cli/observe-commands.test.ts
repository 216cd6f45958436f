import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// DESIGN.md section 8: `stats` and `logs` over the JSONL call logs the runtime writes, in a project
// whose prompts are versioned with git tags; `drift` lives in drift-command.test.ts.
let repo: TempRepo;
afterEach(() => repo?.cleanup());
const promptops = (...args: string[]) => runCli(args, { cwd: repo.root });

const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

const prompt = (owners: string[]) => `owners: ${JSON.stringify(owners)}
model: { provider: openai, name: gpt-4o-mini }
variables:
  question: { type: string }
messages:
  - role: user
    content: "{{ question }}"
`;

interface CallFields {
  trace: string;
  prompt?: string;
  version: number;
  at: string;
  env?: string;
  latencyMs: number;
  input: number;
  output: number;
  costUsd: number | null;
  status?: "ok" | "error";
  reply?: string;
}

const call = (c: CallFields) =>
  JSON.stringify({
    ts: c.at,
    traceId: c.trace,
    env: c.env ?? "production",
    prompt: c.prompt ?? "support",
    version: c.version,
    hash: `sha256:${String(c.version).repeat(8)}`,
    model: "openai:gpt-4o-mini",
    latencyMs: c.latencyMs,
    tokens: { input: c.input, output: c.output },
    costUsd: c.costUsd,
    status: c.status ?? "ok",
    vars: ["customer.email"],
    output: c.status === "error" ? null : (c.reply ?? "Refunds take 30 days."),
    ...(c.status === "error" ? { error: "429 rate limited" } : {}),
  });
const feedback = (trace: string, score: number, comment = "") =>
  JSON.stringify({ traceId: trace, feedback: { score, comment } });

async function project(files: Record<string, string>): Promise<void> {
  repo = await makeTempRepo();
  for (const [path, content] of Object.entries(files)) await repo.write(path, content);
  await repo.commit("prompts and logs");
}

/** Two rotated log files: v1's traffic in the older one, v2's in the newer, feedback across both. */
function rotatedLogs(): Record<string, string> {
  // Each pair was logged in the same millisecond: two calls to ago() a tick apart would order them.
  const threeDaysAgo = ago(3 * DAY);
  const dayAgo = ago(DAY);
  const older = [
    call({
      trace: "a1",
      version: 1,
      at: threeDaysAgo,
      latencyMs: 400,
      input: 100,
      output: 20,
      costUsd: 0.001,
    }),
    feedback("b1", 0, "wrong policy"), // written before its call, in the other file
    call({
      trace: "a2",
      version: 1,
      at: threeDaysAgo,
      latencyMs: 600,
      input: 100,
      output: 20,
      costUsd: 0.001,
    }),
    feedback("a1", 1, "resolved"),
  ];
  const newer = [
    call({ trace: "b1", version: 2, at: dayAgo, latencyMs: 900, input: 140, output: 30, costUsd: 0.0014 }),
    "{this line was cut off by a crash",
    call({
      trace: "b2",
      version: 2,
      at: dayAgo,
      latencyMs: 1500,
      input: 140,
      output: 30,
      costUsd: 0.0014,
      status: "error",
    }),
    feedback("a2", 0.5),
  ];
  return {
    // Named as the runtime rotates `observe.file: ".promptops/calls.jsonl"` (rotated-name.ts).
    ".promptops/calls.2026-12-01T03-45-12-345Z.jsonl": `${older.join("\n")}\n`,
    ".promptops/calls.jsonl": `${newer.join("\n")}\n`,
  };
}

describe("promptops stats: is the new version more expensive, and did its feedback drop?", () => {
  it("aggregates each version's calls, errors, tokens, cost, latency and feedback joined by trace id across rotated files", async () => {
    await project({ "prompts/support.prompt.yaml": prompt(["@acme/support"]), ...rotatedLogs() });
    const run = await promptops("stats", "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).rows).toEqual([
      {
        prompt: "support",
        version: 1,
        calls: 2,
        errors: 0,
        tokens: { input: 200, output: 40 },
        costUsd: 0.002,
        latencyMs: { p50: 400, p95: 600 },
        passRate: null,
        testCases: 0,
        feedback: { count: 2, mean: 0.75 },
      },
      {
        prompt: "support",
        version: 2,
        calls: 2,
        errors: 1,
        tokens: { input: 280, output: 60 },
        costUsd: 0.0028,
        latencyMs: { p50: 900, p95: 1500 },
        passRate: null,
        testCases: 0,
        feedback: { count: 1, mean: 0 },
      },
    ]);
    // The broken line is skipped, counted and located, never a crash or a silent gap.
    expect(run.stderr).toContain("skipped 1 malformed log line(s), e.g. .promptops/calls.jsonl:2: not JSON");
  });

  it("says how much feedback matched no call read, e.g. when --since leaves its call out", async () => {
    await project({ "prompts/support.prompt.yaml": prompt(["@acme/support"]), ...rotatedLogs() });
    const run = await promptops("stats", "--since", "2d", "--json");
    expect(JSON.parse(run.stdout).rows.map((r: { version: number }) => r.version)).toEqual([2]);
    expect(run.stderr).toContain(
      "note: 2 feedback record(s) match no call read (other logs, or before --since)",
    );
  });

  it("prints a table a person reads, one row per version", async () => {
    await project({ "prompts/support.prompt.yaml": prompt(["@acme/support"]), ...rotatedLogs() });
    const run = await promptops("stats");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(
      /^PROMPT\s+VERSION\s+CALLS\s+ERRORS\s+TOKENS IN\s+TOKENS OUT\s+COST\s+P50\s+P95\s+PASS\s+FEEDBACK$/,
    );
    expect(lines[1]).toMatch(
      /^support\s+v1\s+2\s+0\s+200\s+40\s+\$0\.0020\s+400ms\s+600ms\s+-\s+0\.75 \(2\)$/,
    );
    expect(lines[2]).toMatch(
      /^support\s+v2\s+2\s+1\s+280\s+60\s+\$0\.0028\s+900ms\s+1500ms\s+-\s+0\.00 \(1\)$/,
    );
  });

  it("--since 2d leaves out older calls; --by env and --by day split the rows", async () => {
    const yesterday = ago(DAY);
    await project({
      "prompts/support.prompt.yaml": prompt(["@acme/support"]),
      ".promptops/calls.jsonl": [
        call({
          trace: "old",
          version: 1,
          at: ago(10 * DAY),
          latencyMs: 100,
          input: 1,
          output: 1,
          costUsd: 0.5,
        }),
        call({
          trace: "s1",
          version: 2,
          at: yesterday,
          env: "staging",
          latencyMs: 100,
          input: 1,
          output: 1,
          costUsd: 0.1,
        }),
        call({ trace: "p1", version: 2, at: yesterday, latencyMs: 100, input: 1, output: 1, costUsd: 0.2 }),
      ].join("\n"),
    });
    const run = await promptops("stats", "--since", "2d", "--by", "env", "--by", "day", "--json");
    expect(run.code).toBe(0);
    const day = yesterday.slice(0, 10);
    expect(
      JSON.parse(run.stdout).rows.map((r: Record<string, unknown>) => [r.version, r.env, r.day, r.costUsd]),
    ).toEqual([
      [2, "production", day, 0.2],
      [2, "staging", day, 0.1],
    ]);
  });

  it("--logs takes other files, with * for rotated ones; prompt ids narrow the rows", async () => {
    await project({
      "prompts/support.prompt.yaml": prompt(["@acme/support"]),
      "prompts/triage.prompt.yaml": prompt(["@acme/ops"]),
      "var/log/app-1.jsonl": call({
        trace: "x",
        version: 4,
        at: ago(DAY),
        latencyMs: 5,
        input: 1,
        output: 1,
        costUsd: 1,
      }),
      "var/log/app-2.jsonl": call({
        trace: "y",
        prompt: "triage",
        version: 1,
        at: ago(DAY),
        latencyMs: 5,
        input: 1,
        output: 1,
        costUsd: 1,
      }),
    });
    const run = await promptops("stats", "support", "--logs", "var/log/app-*.jsonl", "--json");
    expect(run.code).toBe(0);
    expect(
      JSON.parse(run.stdout).rows.map(
        (r: { prompt: string; version: number }) => `${r.prompt} v${r.version}`,
      ),
    ).toEqual(["support v4"]);
  });

  it("says where it looked when there are no logs yet, and still exits 0", async () => {
    await project({ "prompts/support.prompt.yaml": prompt(["@acme/support"]) });
    const run = await promptops("stats");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("no calls and no test runs to show\n");
    expect(run.stderr).toContain("no call logs in .promptops/calls*.jsonl* (name them with --logs)");
  });

  it.each([
    [["--by", "colour"], "bad-flag", "--by colour: not a dimension"],
    [["--logs", "missing.jsonl"], "logs-not-found", "--logs missing.jsonl: no such file"],
    [["--since", "soon"], "bad-time", '--since "soon" is neither a duration nor a date'],
  ])("refuses %j with one line and exit 2", async (args, _code, message) => {
    await project({ "prompts/support.prompt.yaml": prompt(["@acme/support"]) });
    const run = await promptops("stats", ...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain("internal error");
  });
});

describe("promptops stats --by owner: who pays for what", () => {
  it("splits a prompt's spend evenly between its two owners, so the owners' totals add up to the bill", async () => {
    await project({
      "prompts/support.prompt.yaml": prompt(["@acme/support", "@acme/billing"]),
      "prompts/triage.prompt.yaml": prompt(["@acme/support"]),
      ".promptops/calls.jsonl": [
        call({ trace: "s", version: 1, at: ago(DAY), latencyMs: 5, input: 1, output: 1, costUsd: 0.3 }),
        call({
          trace: "t",
          prompt: "triage",
          version: 1,
          at: ago(DAY),
          latencyMs: 5,
          input: 1,
          output: 1,
          costUsd: 0.1,
        }),
        call({
          trace: "u",
          prompt: "retired",
          version: 7,
          at: ago(DAY),
          latencyMs: 5,
          input: 1,
          output: 1,
          costUsd: 0.05,
        }),
      ].join("\n"),
    });
    const run = await promptops("stats", "--by", "owner", "--json");
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.rows.map((r: Record<string, unknown>) => [r.owner, r.prompt, r.calls, r.costUsd])).toEqual([
      ["(no owner)", "retired", 1, 0.05],
      ["@acme/billing", "support", 1, 0.15],
      ["@acme/support", "support", 1, 0.15],
      ["@acme/support", "triage", 1, 0.1],
    ]);
    expect(report.owners).toEqual([
      { owner: "@acme/support", calls: 2, costUsd: 0.25 },
      { owner: "@acme/billing", calls: 1, costUsd: 0.15 },
      { owner: "(no owner)", calls: 1, costUsd: 0.05 },
    ]);
    const table = await promptops("stats", "--by", "owner");
    expect(table.stdout).toMatch(/^OWNER\s+CALLS\s+COST\n@acme\/support\s+2\s+\$0\.25$/m);
  });
});

describe("promptops logs: what did version 2 say, and to whom", () => {
  it("shows the matching calls newest first: version, hash, redacted inputs, output and feedback", async () => {
    await project({ "prompts/support.prompt.yaml": prompt(["@acme/support"]), ...rotatedLogs() });
    const run = await promptops("logs", "support", "--json");
    expect(run.code).toBe(0);
    const { matched, calls } = JSON.parse(run.stdout);
    expect(matched).toBe(4);
    expect(calls.map((c: { traceId: string }) => c.traceId)).toEqual(["b1", "b2", "a1", "a2"]);
    expect(calls[0]).toMatchObject({
      version: 2,
      hash: "sha256:22222222",
      vars: ["customer.email"],
      output: "Refunds take 30 days.",
      feedback: [{ score: 0, comment: "wrong policy" }],
    });
    expect(calls[1]).toMatchObject({ status: "error", error: "429 rate limited" });
  });

  it("narrows by --version, --trace and --limit, and says how many it left out", async () => {
    await project({ "prompts/support.prompt.yaml": prompt(["@acme/support"]), ...rotatedLogs() });
    const v1 = JSON.parse((await promptops("logs", "support", "--version", "1", "--json")).stdout);
    expect(v1.calls.map((c: { traceId: string }) => c.traceId).sort()).toEqual(["a1", "a2"]);
    const one = JSON.parse((await promptops("logs", "support", "--trace", "a2", "--json")).stdout);
    expect(one.calls.map((c: { traceId: string }) => c.traceId)).toEqual(["a2"]);
    const text = await promptops("logs", "support", "--limit", "1");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /support v2 {2}production {2}openai:gpt-4o-mini {2}ok {2}900ms {2}140\+30 tokens/,
    );
    expect(text.stdout).toContain('feedback: 0 "wrong policy"');
    expect(text.stdout).toContain("1 of 4 matching calls shown (--limit)");
  });

  it("never lets a logged output repaint the terminal", async () => {
    await project({
      "prompts/support.prompt.yaml": prompt(["@acme/support"]),
      ".promptops/calls.jsonl": call({
        trace: "esc",
        version: 1,
        at: ago(DAY),
        latencyMs: 5,
        input: 1,
        output: 1,
        costUsd: 0,
        reply: "fine\u001b[2J\u001b[31mred",
      }),
    });
    const run = await promptops("logs", "support");
    expect(run.stdout).not.toContain("\u001b[2J");
    expect(run.stdout).toContain("fine\uFFFD[2J");
  });
});
