import { relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { validateProject } from "../../src/prompt/validate-project.js";
import { loadCaseFiles, VALIDATE_CASE } from "../helpers/golden-cases.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";

interface ValidateCase {
  name: string;
  files: Record<string, string>;
  /** `path:line:col: severity: message`, in output order; empty when the project is clean. */
  expect: string[];
  /** Substrings the hints must contain, keyed by the index of the expected line. */
  hints?: Record<number, string>;
}

const dir = new URL("../fixtures/validate/", import.meta.url);
const cases = loadCaseFiles<ValidateCase>(dir, VALIDATE_CASE);

describe("validate golden cases", () => {
  let project: ProjectDir | undefined;
  afterEach(() => project?.cleanup());

  it.each(cases)("$file: $name", async ({ files, expect: expected, hints }) => {
    project = makeProjectDir(files);
    const root = project.root;
    const report = await validateProject({ cwd: root });
    const lines = report.diagnostics.map(
      (d) => `${relative(root, d.file)}:${d.line}:${d.col}: ${d.severity}: ${d.message}`,
    );
    expect(lines).toEqual(expected ?? []);
    for (const [index, text] of Object.entries(hints ?? {})) {
      expect(report.diagnostics[Number(index)]?.hint).toContain(text);
    }
  });
});
