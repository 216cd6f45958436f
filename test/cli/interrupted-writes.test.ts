import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { copyRunnerProject, filesUnder, openaiEnv } from "../fixtures/runner/runner-project.js";
import type { ProjectDir } from "../helpers/project-dir.js";
import { CLI } from "../helpers/run-cli.js";

// Ctrl-C once stops a run and still writes what it has; Ctrl-C again quits at once. Whenever the
// second one comes, nothing under .promptops/ (or a report) is left half-written or as a temp file.
const KEY = "sk-interrupt-test-0123456789abcdef";
const SLOW_DISK = fileURLToPath(new URL("../fixtures/interrupt/slow-disk.cjs", import.meta.url));
const server = fakeProviderServerPerFile({ apiKey: KEY });
let project: ProjectDir;
beforeEach(() => {
  project = copyRunnerProject();
});
afterEach(() => project.cleanup());

/** `promptops test` on a disk that is slow under .promptops/<slowFolder>/, with its stderr as it comes. */
function startRun(slowFolder: string) {
  const child = spawn(process.execPath, [CLI, "test", "--reporter", "json", "--output", "r.json"], {
    cwd: project.root,
    env: {
      ...process.env,
      ...openaiEnv(server, KEY),
      NODE_OPTIONS: `--require ${SLOW_DISK}`,
      PROMPTOPS_TEST_SLOW_DISK: slowFolder,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const waiters: Array<() => void> = [];
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  });
  const saying = (text: string) =>
    new Promise<void>((resolve) => {
      const check = () => (stderr.includes(text) ? resolve() : waiters.push(check));
      check();
    });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, saying, exited, stderr: () => stderr };
}

/** Every file the run left in the project: none a temp file, each one whole JSON. */
function expectOnlyWholeFiles(): Array<{ path: string; text: string }> {
  const files = filesUnder(project.root).filter((f) => !f.path.startsWith(`${project.root}/prompts`));
  expect(files.filter((f) => f.path.endsWith(".tmp")).map((f) => f.path)).toEqual([]);
  for (const file of files.filter((f) => f.path.endsWith(".json")))
    expect(() => JSON.parse(file.text), file.path).not.toThrow();
  return files;
}

describe("a second Ctrl-C", () => {
  it("while the run is being recorded leaves the whole record, or none, and no temp file", async () => {
    server.latencyMs = 10_000; // every request stays open until the run is stopped
    const run = startRun("runs");
    await server.whenActive(4);
    run.child.kill("SIGINT");
    await run.saying("slow disk: writing");
    run.child.kill("SIGINT");
    // It quits at once, or (when the signal came during the write) as soon as the reports are out.
    expect([130, 1]).toContain(await run.exited);
    expect(run.stderr()).toContain("stopping");
    const files = expectOnlyWholeFiles();
    expect(files.filter((f) => f.path.includes("/.promptops/runs/"))).toHaveLength(1);
    await server.whenIdle();
  });

  it("while a reply is being cached leaves the whole entry, or none, and no temp file", async () => {
    const run = startRun("cache");
    await run.saying("slow disk: writing");
    // Both while the entry is being written (it takes 600 ms): apart, so that they are two signals.
    run.child.kill("SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 100));
    run.child.kill("SIGINT");
    // How it ends depends on when JavaScript next sees the signals (the writes hold it up, and
    // the last replies may be in by then); what it leaves behind does not.
    await run.exited;
    expectOnlyWholeFiles();
    await server.whenIdle();
  });
});
