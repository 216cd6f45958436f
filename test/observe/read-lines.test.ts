import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ReadLinesOptions, readLines } from "../../src/observe/read-lines.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";

let dir: ProjectDir;
afterEach(() => dir?.cleanup());

async function linesOf(content: string, options: ReadLinesOptions = {}) {
  dir = makeProjectDir();
  const file = join(dir.root, "calls.jsonl");
  writeFileSync(file, content);
  const seen: string[] = [];
  const tooLong: number[] = [];
  const total = await readLines(
    file,
    { line: (text, n) => seen.push(`${n}:${text}`), tooLong: (n) => tooLong.push(n) },
    options,
  );
  return { seen, tooLong, total };
}

describe("streaming a call log line by line", () => {
  it("numbers lines, drops a CR before the newline and reads a last line without one", async () => {
    const { seen, total } = await linesOf('{"a":1}\r\n\n{"b":2}');
    expect(seen).toEqual(['1:{"a":1}', "2:", '3:{"b":2}']);
    expect(total).toBe(3);
  });

  it("skips a line over the bound without keeping it, and goes on with the next", async () => {
    const { seen, tooLong } = await linesOf(`short\n${"x".repeat(5000)}\nafter\n${"y".repeat(5000)}`, {
      maxLineBytes: 100,
    });
    expect(seen).toEqual(["1:short", "3:after"]);
    expect(tooLong).toEqual([2, 4]);
  });

  it("joins lines that cross the 1 MiB chunks it reads in", async () => {
    const line = "z".repeat(700_000);
    const { seen } = await linesOf(`${line}\n${line}\n${line}\n`);
    expect(seen.map((s) => s.length)).toEqual([700_002, 700_002, 700_002]);
  });

  it("keeps multi-byte characters whole across chunk boundaries", async () => {
    const line = "é".repeat(200_000); // 400 kB, across the first 1 MiB chunk's end
    const { seen } = await linesOf(`${"a".repeat(700_001)}\n${line}\n`);
    expect(seen[1]).toBe(`2:${line}`);
  });

  it("with a needle, visits only the lines that contain it, numbered as in the file", async () => {
    const lines = Array.from({ length: 300_000 }, (_, i) =>
      i % 1000 === 5 ? `{"traceId":"t${i}","feedback":{}}` : `{"n":${i}}`,
    );
    const { seen, total } = await linesOf(`${lines.join("\n")}\nlast "feedback"`, { needle: '"feedback"' });
    expect(seen.length).toBe(301);
    expect(seen[0]).toBe('6:{"traceId":"t5","feedback":{}}');
    expect(seen[299]).toBe('299006:{"traceId":"t299005","feedback":{}}');
    expect(seen[300]).toBe('300001:last "feedback"');
    expect(total).toBe(300_001);
  });
});
