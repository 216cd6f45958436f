import { execFile, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emptyLockfile, type Lockfile, lockedPrompt, parseLockfile } from "../../src/lockfile/lockfile.js";
import { serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { rebuildLockfile, updateLockfile } from "../../src/lockfile/write-lockfile.js";
import { hashCompiledPrompt } from "../../src/prompt/hash.js";
import {
  buildLockfile,
  COMMIT,
  DIST,
  makeTempDir,
  requireBuild,
  supportAgent,
  type TempDir,
} from "./lockfile-fixtures.js";

let dir: TempDir;
let file: string;
beforeEach(() => {
  dir = makeTempDir();
  file = dir.path("promptops.lock");
});
afterEach(() => dir.cleanup());

/** What `promptops activate <id>@<version> --env <env>` will do to the lockfile. */
function activate(lockfile: Lockfile, env: string, id: string, version: number): Lockfile {
  const content = supportAgent(version);
  const hash = hashCompiledPrompt(content);
  const previous = lockfile.environments[env]?.[id]?.version ?? null;
  lockfile.prompts[hash] = lockedPrompt(id, version, content);
  lockfile.environments[env] = {
    ...lockfile.environments[env],
    [id]: {
      version,
      hash,
      commit: COMMIT,
      activatedAt: "2026-11-20T09:12:00Z",
      activatedBy: "Ann <ann@acme.io>",
      previous,
    },
  };
  return lockfile;
}

const leftovers = () => readdirSync(dir.root).filter((name) => name !== "promptops.lock");

describe("updateLockfile", () => {
  it("starts from an empty lockfile when there is none, and writes the serialized, pruned result", async () => {
    const result = await updateLockfile(file, (current) => {
      expect(current).toEqual(emptyLockfile());
      return activate(current, "production", "support-agent", 3);
    });
    expect(result.changed).toBe(true);
    expect(result.before).toEqual(emptyLockfile());
    const text = readFileSync(file, "utf8");
    expect(text).toBe(serializeLockfile(result.after));

    // Rolling forward leaves v3's content unreferenced: it is pruned.
    const { before, after } = await updateLockfile(file, (current) =>
      activate(current, "production", "support-agent", 4),
    );
    expect(before.environments.production!["support-agent"]!.version).toBe(3);
    expect(after.environments.production!["support-agent"]).toMatchObject({ version: 4, previous: 3 });
    expect(
      Object.values(parseLockfile(readFileSync(file, "utf8"), file).prompts).map((p) => p.version),
    ).toEqual([4]);
    expect(leftovers()).toEqual([]);
  });

  it("leaves the file alone (same bytes, same inode) when nothing changed", async () => {
    await updateLockfile(file, (current) => activate(current, "production", "support-agent", 3));
    const inode = statSync(file).ino;
    const result = await updateLockfile(file, (current) => current);
    expect(result.changed).toBe(false);
    expect(statSync(file).ino).toBe(inode);
  });

  it("refuses to write an invalid lockfile, and a failing update writes nothing and releases the lock", async () => {
    await updateLockfile(file, (current) => activate(current, "production", "support-agent", 3));
    const before = readFileSync(file, "utf8");
    await expect(
      updateLockfile(file, (current) => {
        current.environments.production!["support-agent"]!.hash = `sha256:${"0".repeat(64)}`;
        return current;
      }),
    ).rejects.toMatchObject({
      code: "lockfile-invalid",
      message: expect.stringMatching(/which is not stored under "prompts"/),
    });
    await expect(
      updateLockfile(file, () => {
        throw new Error("git tag lookup failed");
      }),
    ).rejects.toThrow("git tag lookup failed");
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(leftovers()).toEqual([]);
  });

  it("refuses to update a corrupted lockfile; rebuildLockfile replaces it", async () => {
    writeFileSync(file, "{ oops");
    await expect(updateLockfile(file, (current) => current)).rejects.toMatchObject({
      code: "lockfile-invalid",
    });
    const rebuilt = buildLockfile({ production: { "support-agent": 3 } });
    let seen: string | undefined;
    expect(
      await rebuildLockfile(file, async (text) => {
        seen = text;
        return rebuilt;
      }),
    ).toMatchObject({ written: true });
    expect(seen).toBe("{ oops");
    expect(readFileSync(file, "utf8")).toBe(serializeLockfile(rebuilt));
  });

  it("rebuildLockfile reads the file inside the lock: an update that finished while it waited is what it rebuilds", async () => {
    const before = buildLockfile({ production: { "support-agent": 3 } });
    writeFileSync(file, serializeLockfile(before));
    // Another writer (this very process, alive) holds the lock while it activates v4.
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), token: "other" }));
    let seen: string | undefined;
    const rebuilding = rebuildLockfile(
      file,
      async (text) => {
        seen = text;
        return parseLockfile(text!, file);
      },
      { lockTimeoutMs: 5000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const activated = buildLockfile({ production: { "support-agent": 4 } });
    writeFileSync(file, serializeLockfile(activated));
    unlinkSync(`${file}.lock`);

    expect(await rebuilding).toMatchObject({ written: false });
    expect(seen).toBe(serializeLockfile(activated));
    expect(readFileSync(file, "utf8")).toBe(serializeLockfile(activated));
  });

  it("takes over a lock left by a process that died", async () => {
    await updateLockfile(file, (current) => activate(current, "production", "support-agent", 3));
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: dead, host: hostname(), token: "x" }));
    const result = await updateLockfile(file, (current) => activate(current, "staging", "support-agent", 4), {
      lockTimeoutMs: 2000,
    });
    expect(result.after.environments.staging!["support-agent"]!.version).toBe(4);
    expect(leftovers()).toEqual([]);
  });

  it("takes over a lock with no owner written long ago (its process died between creating and writing it)", async () => {
    writeFileSync(`${file}.lock`, "");
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, longAgo, longAgo);
    await updateLockfile(file, (current) => activate(current, "staging", "support-agent", 4), {
      lockTimeoutMs: 2000,
    });
    expect(leftovers()).toEqual([]);
  });

  it("waits for a live owner, then gives up with a clear error (exit 2) and leaves its lock alone", async () => {
    const live = JSON.stringify({ pid: process.pid, host: hostname(), token: "someone-else" });
    writeFileSync(`${file}.lock`, live);
    await expect(updateLockfile(file, (current) => current, { lockTimeoutMs: 150 })).rejects.toMatchObject({
      code: "lockfile-busy",
      exitCode: 2,
      message: `${file} is being updated by another process (pid ${process.pid})`,
    });
    expect(readFileSync(`${file}.lock`, "utf8")).toBe(live);
  });

  it("loses no update when 20 activations race from 4 processes", async () => {
    requireBuild();
    await updateLockfile(file, (current) => activate(current, "production", "support-agent", 1));
    const worker = dir.path("worker.mjs");
    const url = (path: string) => pathToFileURL(join(DIST, path)).href;
    writeFileSync(
      worker,
      `import { updateLockfile } from ${JSON.stringify(url("lockfile/write-lockfile.js"))};
import { lockedPrompt } from ${JSON.stringify(url("lockfile/lockfile.js"))};
import { hashCompiledPrompt } from ${JSON.stringify(url("prompt/hash.js"))};
const [file, workerId] = process.argv.slice(2);
await Promise.all([0, 1, 2, 3, 4].map((n) => updateLockfile(file, async (current) => {
  const id = "agent-" + workerId + "-" + n;
  const content = { messages: [{ role: "user", content: "I am " + id }] };
  const hash = hashCompiledPrompt(content);
  // Hold the lock a moment: without it, concurrent writers would now overwrite each other.
  await new Promise((resolve) => setTimeout(resolve, 2));
  current.prompts[hash] = lockedPrompt(id, 1, content);
  current.environments.staging = { ...current.environments.staging, [id]: { version: 1, hash, commit: ${JSON.stringify(COMMIT)}, activatedAt: new Date().toISOString(), activatedBy: "worker " + workerId } };
  return current;
}, { lockTimeoutMs: 10000 })));
`,
    );
    const run = (workerId: number) =>
      new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          [worker, file, String(workerId)],
          { timeout: 12_000 },
          (error, _out, stderr) =>
            error ? reject(new Error(`worker ${workerId}: ${stderr || error.message}`)) : resolve(stderr),
        ),
      );
    await Promise.all([0, 1, 2, 3].map(run));

    const lockfile = parseLockfile(readFileSync(file, "utf8"), file);
    expect(Object.keys(lockfile.environments.staging!).sort()).toEqual(
      [0, 1, 2, 3].flatMap((w) => [0, 1, 2, 3, 4].map((n) => `agent-${w}-${n}`)).sort(),
    );
    expect(lockfile.environments.production!["support-agent"]!.version).toBe(1);
    expect(Object.keys(lockfile.prompts)).toHaveLength(21);
    expect(leftovers()).toEqual(["worker.mjs"]);
  });
});
