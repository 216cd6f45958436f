import { describe, expect, it } from "vitest";
import { driveReporters } from "../../src/reporters/drive-reporters.js";
import type { Reporter, RunProgress } from "../../src/reporters/reporter.js";
import { cached, errored, failed, passed, runResults } from "./fixtures.js";

function recorder(name: Reporter["name"], fail = false) {
  const seen: RunProgress[] = [];
  const finished: string[] = [];
  const reporter: Reporter = {
    name,
    onCaseFinished: (_result, progress) => seen.push(progress),
    async finish() {
      finished.push(name);
      if (fail) throw new Error(`${name} could not write`);
      return { reporter: name, written: [{ kind: "stdout" }] };
    },
  };
  return { reporter, seen, finished };
}

describe("driving reporters from the runner's callbacks", () => {
  it("gives every reporter running counts as cases finish", () => {
    const a = recorder("pretty");
    const b = recorder("github");
    const driver = driveReporters([a.reporter, b.reporter]);
    driver.onPlanned(4);
    for (const c of [passed, failed, errored, cached]) driver.onCaseFinished(c);
    expect(a.seen.at(-1)).toEqual({ done: 4, total: 4, passed: 2, failed: 1, errors: 1 });
    expect(a.seen[1]).toEqual({ done: 2, total: 4, passed: 1, failed: 1, errors: 0 });
    expect(b.seen).toEqual(a.seen);
  });

  it("finishes every reporter even when one fails, then reports the failure", async () => {
    const a = recorder("json", true);
    const b = recorder("junit");
    const driver = driveReporters([a.reporter, b.reporter]);
    await expect(driver.finish(runResults())).rejects.toThrow("json could not write");
    expect(b.finished).toEqual(["junit"]);
  });
});
