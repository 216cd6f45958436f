import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic, writeFileAtomicSync } from "../../src/fs/write-file-atomic.js";
import { deliverReport } from "../../src/reporters/write-report.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";

// Every file promptops writes goes through these two: whole or not at all, and no temp file left.
let dir: ProjectDir;
beforeEach(() => {
  dir = makeProjectDir();
});
afterEach(() => dir.cleanup());

const namesIn = (folder: string) => readdirSync(folder).sort();

describe("writeFileAtomicSync", () => {
  it("makes the folder, writes the file whole and leaves nothing else beside it", () => {
    const file = join(dir.root, ".promptops", "runs", "run.json");
    writeFileAtomicSync(file, "{}\n");
    writeFileAtomicSync(file, Buffer.from('{"again":true}\n'));
    expect(readFileSync(file, "utf8")).toBe('{"again":true}\n');
    expect(namesIn(join(dir.root, ".promptops", "runs"))).toEqual(["run.json"]);
  });

  it("throws the file system's error when the rename fails, and removes its temp file", () => {
    const target = join(dir.root, "report.json");
    mkdirSync(join(target, "in-the-way"), { recursive: true });
    expect(() => writeFileAtomicSync(target, "{}")).toThrow(
      expect.objectContaining({ code: expect.any(String) }),
    );
    expect(namesIn(dir.root)).toEqual(["report.json"]);
    expect(statSync(target).isDirectory()).toBe(true);
  });
});

describe("writeFileAtomic", () => {
  it("replaces a file whole and keeps its exact mode", async () => {
    const file = join(dir.root, "promptops.lock");
    writeFileSync(file, "old\n");
    chmodSync(file, 0o640);
    await writeFileAtomic(file, "new\n");
    expect(readFileSync(file, "utf8")).toBe("new\n");
    if (process.platform !== "win32") expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(namesIn(dir.root)).toEqual(["promptops.lock"]);
  });

  it("rejects with the file system's error when the rename fails, and removes its temp file", async () => {
    const target = join(dir.root, "types.d.ts");
    mkdirSync(join(target, "in-the-way"), { recursive: true });
    await expect(writeFileAtomic(target, "export {};\n")).rejects.toMatchObject({ code: expect.any(String) });
    expect(namesIn(dir.root)).toEqual(["types.d.ts"]);
  });
});

describe("a target that is not a regular file (-o /dev/null, a named pipe)", () => {
  const fifoAt = (name: string) => {
    const fifo = join(dir.root, name);
    execFileSync("mkfifo", [fifo]);
    return fifo;
  };

  it("is never renamed over: both writers refuse it and leave it what it was", async () => {
    const fifo = fifoAt("pipe");
    expect(() => writeFileAtomicSync(fifo, "{}")).toThrow(expect.objectContaining({ code: "ENOTREG" }));
    await expect(writeFileAtomic(fifo, "{}")).rejects.toMatchObject({ code: "ENOTREG" });
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(namesIn(dir.root)).toEqual(["pipe"]);
  });

  it("gets a report written into it, as a shell redirect would, and stays a pipe", async () => {
    const fifo = fifoAt("report.xml");
    const received = join(dir.root, "received.xml");
    // The reader is another process: the report is written synchronously.
    const reader = spawn("sh", ["-c", 'cat "$1" > "$2"', "sh", fifo, received]);
    const done = new Promise((resolve) => reader.on("close", resolve));
    deliverReport("junit", { kind: "file", path: fifo }, "<testsuites/>\n");
    await done;
    expect(readFileSync(received, "utf8")).toBe("<testsuites/>\n");
    expect(statSync(fifo).isFIFO()).toBe(true);
  });
});
