import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createReporters,
  parseReporterName,
  type ReporterOptions,
} from "../../src/reporters/create-reporters.js";
import type { ReporterName } from "../../src/reporters/reporter.js";
import { expectPromptOpsError } from "../helpers/expect-error.js";
import { fakeStream, runResults, type TempDir, tempDir } from "./fixtures.js";
import { parseXml } from "./parse-xml.js";

let dir: TempDir | undefined;
afterEach(() => dir?.cleanup());

function setup(extra: Partial<ReporterOptions> = {}) {
  dir = tempDir();
  const stdout = fakeStream(false);
  const stderr = fakeStream(false);
  const options: ReporterOptions = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: {},
    projectRoot: dir.path,
    cwd: dir.path,
    ...extra,
  };
  return { dir: dir.path, stdout, stderr, options };
}

const usageError = (names: ReporterName[], options: ReporterOptions) =>
  expectPromptOpsError(() => createReporters(names, options));

describe("choosing where reports go", () => {
  it("refuses --output for two file-writing reporters, before anything runs (exit 2)", () => {
    const { options, dir } = setup({ output: "report.out" });
    const error = usageError(["json", "junit"], options);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe("--output names the file of one report, but json and junit each write one");
    expect(error.hint).toContain("--output-dir");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses --output with no file-writing reporter, and --output with --output-dir", () => {
    const { options } = setup({ output: "r.json" });
    expect(usageError(["pretty", "github"], options).exitCode).toBe(2);
    expect(usageError(["json"], { ...options, outputDir: "out" }).message).toContain(
      "cannot be used together",
    );
  });

  it("refuses two reports on stdout", () => {
    const { options } = setup();
    const error = usageError(["json", "markdown", "junit"], options);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      "only one report can print to stdout, but json, markdown and junit were selected",
    );
  });

  it("writes the one file reporter to --output, creating folders, with no temp file left", async () => {
    const { options, dir, stdout } = setup({ output: "reports/ci/results.xml" });
    const reporters = createReporters(["pretty", "junit"], options);
    const outputs = await Promise.all(reporters.map((r) => r.finish(runResults())));
    const file = join(dir, "reports/ci/results.xml");
    expect(outputs.map((o) => o.written)).toEqual([
      [{ kind: "stdout" }],
      [{ kind: "file", path: file, mode: "write" }],
    ]);
    expect(parseXml(readFileSync(file, "utf8")).attributes.tests).toBe("4");
    expect(readdirSync(join(dir, "reports/ci"))).toEqual(["results.xml"]);
    expect(stdout.text()).toContain("2 passed, 1 failed, 1 error, 4 total");
  });

  it("writes each file reporter's own file in --output-dir, replacing an older report", async () => {
    const { options, dir } = setup({ outputDir: "out" });
    const reporters = createReporters(["json", "junit", "markdown", "json"], options);
    expect(reporters.map((r) => r.name)).toEqual(["json", "junit", "markdown"]);
    for (const r of reporters) await r.finish(runResults([]));
    writeFileSync(join(dir, "out/results.json"), "old");
    await reporters[0]!.finish(runResults());
    expect(readdirSync(join(dir, "out")).sort()).toEqual(["junit.xml", "report.md", "results.json"]);
    expect(JSON.parse(readFileSync(join(dir, "out/results.json"), "utf8")).summary.total).toBe(4);
  });

  it("prints a report to stdout and moves pretty and github to stderr, so stdout stays parseable", async () => {
    const { options, stdout, stderr } = setup();
    const reporters = createReporters(["pretty", "json", "github"], options);
    const outputs = await Promise.all(reporters.map((r) => r.finish(runResults())));
    expect(outputs.map((o) => o.written[0]?.kind)).toEqual(["stderr", "stdout", "stderr"]);
    expect(JSON.parse(stdout.text()).results).toHaveLength(4);
    expect(stdout.text().endsWith("}\n")).toBe(true);
    expect(stderr.text()).toContain("::error file=prompts/support-agent.prompt.yaml,line=20,");
  });

  it("reports a report it cannot write as a usage error naming the file", async () => {
    const { options, dir } = setup({ output: "taken" });
    writeFileSync(join(dir, "blocker"), "");
    const [json] = createReporters(["json"], { ...options, output: "blocker/results.json" });
    await expect(json!.finish(runResults())).rejects.toMatchObject({
      code: "report-write-failed",
      exitCode: 2,
    });
  });

  it("uses pretty when no reporter is named, and checks --reporter values", () => {
    const { options } = setup();
    expect(createReporters([], options).map((r) => r.name)).toEqual(["pretty"]);
    expect(parseReporterName("junit")).toBe("junit");
    expect(() => parseReporterName("junt")).toThrow(/unknown reporter "junt"/);
    expect(() => parseReporterName("junt")).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('did you mean "junit"') }),
    );
  });
});
