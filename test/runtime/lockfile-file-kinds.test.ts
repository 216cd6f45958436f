import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  MAX_LOCKFILE_BYTES,
  readLockfileText,
  readLockfileTextSync,
} from "../../src/lockfile/read-lockfile-text.js";
import { serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { loadPrompts } from "../../src/runtime/index.js";
import {
  buildLockfile,
  DIST,
  makeTempDir,
  requireBuild,
  type TempDir,
} from "../lockfile/lockfile-fixtures.js";

// Whatever is put where the lockfile was (a FIFO, a device, a directory, a huge file), the runtime
// reads only a regular file of bounded size, reports anything else, and never holds the process.

const lockfileText = serializeLockfile(buildLockfile({ production: { "support-agent": 1 } }));

let dir: TempDir;
let lockfile: string;
beforeEach(() => {
  dir = makeTempDir("promptops-lockfile-kinds-");
  lockfile = dir.path("promptops.lock");
  writeFileSync(lockfile, lockfileText);
});
afterEach(() => dir.cleanup());

function mkfifo(file: string): void {
  rmSync(file, { force: true });
  execFileSync("mkfifo", [file]);
}

/** An application in its own process (a blocked read would hold it), with the runtime as built. */
function app(body: string): Promise<{ code: number | string; stdout: string; stderr: string }> {
  requireBuild();
  const runtime = JSON.stringify(pathToFileURL(join(DIST, "runtime", "index.js")).href);
  const script = `import { loadPrompts } from ${runtime};\n${body}`;
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ["--input-type=module", "-e", script],
      { cwd: dir.root, timeout: 10_000, killSignal: "SIGKILL" },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (error.killed ? "killed after 10 s" : Number(error.code)) : 0,
          stdout,
          stderr,
        }),
    ),
  );
}

describe("the runtime reads only a regular lockfile", () => {
  it("a FIFO at start is a clear error, and the process ends by itself", async () => {
    mkfifo(lockfile);
    const { code, stdout, stderr } = await app(`
loadPrompts({ lockfile: "promptops.lock", env: "production" }).catch((error) => {
  process.stdout.write(JSON.stringify({ code: error.code, name: error.name, message: error.message }));
});`);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      code: "lockfile-not-a-file",
      name: "PromptOpsError",
      message: `${lockfile} is a FIFO, not a regular file`,
    });
  });

  it("a FIFO put where a watched lockfile was goes to onError; the process still ends and can exit", async () => {
    const body = (ending: string) => `
import { execFileSync } from "node:child_process";
import { renameSync } from "node:fs";
// The application's own work keeps it running until the error arrives.
const work = setInterval(() => {}, 1000);
const prompts = await loadPrompts({
  lockfile: "promptops.lock",
  env: "production",
  watch: true,
  onError: (error) => {
    process.stdout.write(JSON.stringify({ code: error.code, version: prompts.get("support-agent").version }));
    clearInterval(work);
    ${ending}
  },
});
execFileSync("mkfifo", ["incoming"]);
renameSync("incoming", "promptops.lock");`;

    for (const ending of ["", "process.exit(0);"]) {
      rmSync(lockfile);
      writeFileSync(lockfile, lockfileText);
      const { code, stdout, stderr } = await app(body(ending));
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({ code: "lockfile-not-a-file", version: 1 });
    }
  });

  it("a directory or a device is refused at start, naming what it is", async () => {
    rmSync(lockfile);
    mkdirSync(lockfile);
    await expect(loadPrompts({ lockfile, env: "production" })).rejects.toMatchObject({
      code: "lockfile-not-a-file",
      exitCode: 2,
      message: `${lockfile} is a directory, not a regular file`,
    });
    await expect(loadPrompts({ lockfile: "/dev/zero", env: "production" })).rejects.toMatchObject({
      code: "lockfile-not-a-file",
      message: "/dev/zero is a character device, not a regular file",
    });
  });
});

describe("the runtime reads a lockfile of bounded size", () => {
  it(`refuses one over ${MAX_LOCKFILE_BYTES / 1024 / 1024} MiB at start, unread`, async () => {
    // Sparse: as large as it says, without writing it.
    truncateSync(lockfile, MAX_LOCKFILE_BYTES + 1);
    await expect(loadPrompts({ lockfile, env: "production" })).rejects.toMatchObject({
      code: "lockfile-too-large",
      exitCode: 2,
      message: `${lockfile} is larger than ${MAX_LOCKFILE_BYTES / 1024 / 1024} MiB`,
    });
  });

  it("reports a lockfile grown too large while watching, and keeps serving the last good one", async () => {
    const errors: Error[] = [];
    const prompts = await loadPrompts({
      lockfile,
      env: "production",
      watch: true,
      onError: (error) => errors.push(error),
    });
    try {
      const huge = dir.path("huge.lock");
      writeFileSync(huge, "");
      truncateSync(huge, MAX_LOCKFILE_BYTES + 1);
      renameSync(huge, lockfile);
      const deadline = Date.now() + 10_000;
      while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(errors).toMatchObject([{ code: "lockfile-too-large" }]);
      expect(prompts.get("support-agent").version).toBe(1);
    } finally {
      prompts.close();
    }
  });
});

describe("the lockfile reader", () => {
  it("reads a regular file whose stat does not tell its size (it grew, or lives in /proc)", async () => {
    const { text } = await readLockfileText("/proc/self/status", "");
    expect(text).toMatch(/^Name:/);
    expect(text).toMatch(/\nPid:\s+\d+\n/);
  });

  it("reads it alike without await (loadPromptsSync), not as a file that changed while it was read", () => {
    const { text } = readLockfileTextSync("/proc/self/status", "");
    expect(text).toMatch(/^Name:/);
    expect(text).toMatch(/\nPid:\s+\d+\n/);
    expect(text.length).toBeGreaterThan(100);
  });
});
