import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { ResponseCache } from "../../src/regression/response-cache.js";
import { filesUnder } from "../fixtures/runner/runner-project.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";

let dir: ProjectDir | undefined;
afterEach(() => dir?.cleanup());

describe("the response cache never stores a key", () => {
  it("redacts a reply that reached it with one, whatever path it came by", async () => {
    dir = makeProjectDir();
    const key = "sk-ant-api03-CachedKey0123456789abcdef";
    const cache = new ResponseCache(dir.root);
    await cache.set("ab".padEnd(64, "0"), {
      output: `my key is ${key}`,
      tokens: { input: 1, output: 2, estimated: false },
      latencyMs: 3,
      notes: [`Authorization: Bearer ${key}`],
    });
    const [entry] = filesUnder(dir.root);
    expect(readFileSync(entry!.path, "utf8")).not.toContain(key);
    expect(await cache.get("ab".padEnd(64, "0"))).toMatchObject({
      output: "my key is sk-…[redacted]",
      notes: ["Authorization: Bearer sk-…[redacted]"],
    });
  });
});
