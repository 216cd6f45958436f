import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { RunResults, RunSummary } from "../../src/regression/results.js";
import { mergeResultFiles } from "../../src/reporters/merge-results.js";
import { makeProjectDir } from "../helpers/project-dir.js";
import { runResults } from "./fixtures.js";

const shard = (rateLimited: RunSummary["rateLimited"]): RunResults => {
  const results = runResults([]);
  if (rateLimited) results.summary.rateLimited = rateLimited;
  return results;
};

it("report merge adds up the shards' rate limits, and says none when no shard met one", async () => {
  const project = makeProjectDir();
  try {
    const files = [
      shard({ responses: 3, waitedMs: 1000 }),
      shard(undefined),
      shard({ responses: 2, waitedMs: 500 }),
    ].map((results, i) => {
      const file = join(project.root, `shard-${i}.json`);
      writeFileSync(file, JSON.stringify(results));
      return file;
    });
    expect((await mergeResultFiles(files)).summary.rateLimited).toEqual({ responses: 5, waitedMs: 1500 });
    expect((await mergeResultFiles([files[1]!])).summary).not.toHaveProperty("rateLimited");
  } finally {
    project.cleanup();
  }
});
