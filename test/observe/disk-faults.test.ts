import { spawnSync } from "node:child_process";
import {
  closeSync,
  constants,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadPrompts } from "../../src/runtime/index.js";
import { observedProject, records, until, vars } from "./observe-fixtures.js";

let project: ReturnType<typeof observedProject>;
beforeEach(() => {
  project = observedProject();
});
afterEach(() => project.cleanup());

describe("recording degrades, never the application, when the disk misbehaves", () => {
  it("keeps serving when the log directory becomes unwritable mid-run, and counts what was lost", async () => {
    const logs = project.path("logs");
    const log = `${logs}/calls.jsonl`;
    const errors: Error[] = [];
    const prompts = await loadPrompts({
      lockfile: project.lockfile,
      env: "production",
      observe: { file: log, onError: (error) => errors.push(error) },
    });
    const serve = (n: number) => {
      for (let i = 0; i < n; i++) {
        const call = prompts.prepare("support-agent", vars);
        expect(call.messages[1]!.content).toBe("Can I get a refund?");
        call.end({ output: "ok", usage: { input: 10, output: 2 } });
      }
    };
    serve(50);
    await until(() => prompts.observeStats().written === 50, "the first 50 are written");

    // The directory is replaced by a plain file: root as well as anyone else now gets ENOTDIR
    // (chmod would not stop root).
    renameSync(logs, project.path("logs-before"));
    writeFileSync(logs, "not a directory");
    serve(70);
    await until(() => prompts.observeStats().dropped === 70, "the 70 are counted as dropped");
    expect(prompts.observeStats()).toMatchObject({ written: 50, dropped: 70, queued: 0 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: "observe-write-failed",
      message: expect.stringMatching(/ENOTDIR/),
    });

    // Once the directory is back, recording resumes on its own.
    rmSync(logs);
    mkdirSync(logs);
    serve(5);
    await prompts.close();
    expect(records(`${project.path("logs-before")}/calls.jsonl`)).toHaveLength(50);
    expect(records(log)).toHaveLength(5);
    expect(prompts.observeStats()).toMatchObject({ recorded: 125, written: 55, dropped: 70 });
  });

  it("drops and counts instead of queueing without bound when writes do not complete", async () => {
    // A FIFO without a reader: opening it for writing blocks (in libuv's thread pool) until one
    // comes, as a hung network disk would. Nothing can be written meanwhile.
    const log = project.path("calls.jsonl");
    expect(spawnSync("mkfifo", [log]).status).toBe(0);
    const prompts = await loadPrompts({
      lockfile: project.lockfile,
      env: "production",
      observe: { file: log, maxBufferBytes: 20_000, onError: () => {} },
    });
    let reader: number | undefined;
    try {
      const started = performance.now();
      for (let i = 0; i < 2000; i++) prompts.prepare("support-agent", vars).end({ output: `reply ${i}` });
      const servedMs = performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 50));
      const stalled = prompts.observeStats();
      // ~400 characters a record: the first batch is stuck in the open, ~50 more wait, the rest are dropped.
      expect(stalled.written).toBe(0);
      expect(stalled.queued).toBeLessThanOrEqual(20_000 / 300);
      expect(stalled.dropped).toBeGreaterThan(1500);
      expect(servedMs).toBeLessThan(2000);

      // The disk comes back: everything still held is written, nothing more is lost.
      reader = openSync(log, constants.O_RDONLY | constants.O_NONBLOCK);
      const closing = prompts.close();
      const chunks: Buffer[] = [];
      await until(() => {
        const buffer = Buffer.alloc(1 << 20);
        try {
          const n = readSync(reader!, buffer);
          if (n > 0) chunks.push(buffer.subarray(0, n));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
        }
        return prompts.observeStats().queued === 0 && prompts.observeStats().written > 0;
      }, "the held records are written");
      await closing;
      const lines = Buffer.concat(chunks).toString("utf8").split("\n").filter(Boolean);
      const { written, dropped } = prompts.observeStats();
      expect(written + dropped).toBe(2000);
      expect(lines.length).toBeLessThanOrEqual(written);
    } finally {
      // Never leave a thread-pool thread blocked in open(): release it whatever happened.
      if (reader === undefined) reader = openSync(log, constants.O_RDONLY | constants.O_NONBLOCK);
      await prompts.close();
      closeSync(reader);
    }
    expect(readFileSync(project.lockfile, "utf8")).toContain("support-agent");
  });

  it("close() does not hang on a disk that never answers: it gives up after closeTimeoutMs, counting the rest", async () => {
    const log = project.path("calls.jsonl");
    expect(spawnSync("mkfifo", [log]).status).toBe(0);
    const prompts = await loadPrompts({
      lockfile: project.lockfile,
      env: "production",
      observe: { file: log, closeTimeoutMs: 200 },
    });
    let reader: number | undefined;
    try {
      for (let i = 0; i < 10; i++) prompts.prepare("support-agent", vars).end({ output: `reply ${i}` });
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (let i = 0; i < 5; i++) prompts.prepare("support-agent", vars).end({ output: `late ${i}` });
      const started = performance.now();
      await prompts.close();
      expect(performance.now() - started).toBeLessThan(2000);
      expect(prompts.observeStats()).toMatchObject({ written: 0, dropped: 15, queued: 0 });

      // The stuck write finishes after all: its lines were already counted, and stay counted once.
      reader = openSync(log, constants.O_RDONLY | constants.O_NONBLOCK);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(prompts.observeStats()).toMatchObject({ written: 0, dropped: 15 });
    } finally {
      reader ??= openSync(log, constants.O_RDONLY | constants.O_NONBLOCK);
      closeSync(reader);
    }
  });
});
