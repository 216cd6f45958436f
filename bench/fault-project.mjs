// The project the fault benches run: one prompt with `cases` tests, each asking "question N" and
// expecting it back from the fake server (bench/fake-openai.mjs echoes the last user message).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeOpenAI } from "./fake-openai.mjs";
import { cliBin, reportFailures, requireBuiltCli } from "./lib.mjs";
import { runAgainstServer } from "./run-against-server.mjs";

export const FAULT_BENCH_KEY = "sk-bench-faults-0123456789abcdef";

export function writeFaultProject(root, cases) {
  mkdirSync(join(root, "prompts"), { recursive: true });
  writeFileSync(join(root, "promptops.config.yaml"), "providers: [openai:gpt-4o-mini]\n");
  const tests = Array.from(
    { length: cases },
    (_, i) => `  - name: question ${i + 1}
    vars: { question: "question ${i + 1}" }
    assert:
      - contains: "question ${i + 1}"
`,
  );
  writeFileSync(
    join(root, "prompts", "many.prompt.yaml"),
    `model: { provider: openai, name: gpt-4o-mini }
messages:
  - role: user
    content: "{{ question }}"
variables:
  question: { type: string }
tests:
${tests.join("")}`,
  );
}

export const lastUserText = (body) => {
  const user = body.messages.filter((m) => m.role === "user").at(-1);
  return typeof user?.content === "string" ? user.content : "";
};

/** `promptops test` in `project` with `flags`, its JSON report's summary, killed after `killAfterMs`. */
export async function runFaultTest(project, server, flags, killAfterMs) {
  const output = join(project, "results.json");
  rmSync(output, { force: true });
  const args = [cliBin, "test", "--no-cache", "--reporter", "json", "--output", output, ...flags];
  const run = await runAgainstServer(server, args, { cwd: project, apiKey: FAULT_BENCH_KEY, killAfterMs });
  const report = existsSync(output) ? JSON.parse(readFileSync(output, "utf8")) : undefined;
  return { ...run, summary: report?.summary, results: report?.results ?? [] };
}

/**
 * One fault bench: a fake server with `faults` (fake-openai.mjs options) and a project of `cases`
 * tests, handed to `scenario`, which pushes what misses its bar onto `failures`; then the exit code.
 */
export async function runFaultBench({ cases, faults }, scenario) {
  requireBuiltCli();
  const tmp = mkdtempSync(join(tmpdir(), "promptops-bench-fault-"));
  const server = await startFakeOpenAI({
    apiKey: FAULT_BENCH_KEY,
    latencyMs: 20,
    replyText: lastUserText,
    ...faults,
  });
  const failures = [];
  try {
    const project = join(tmp, "project");
    writeFaultProject(project, cases);
    await scenario({ project, server, failures });
  } finally {
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  reportFailures(failures);
}
