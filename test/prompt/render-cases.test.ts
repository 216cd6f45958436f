import { afterEach, describe, expect, it } from "vitest";
import type { ExitCode } from "../../src/errors.js";
import { toAnthropicMessages } from "../../src/prompt/provider-formats.js";
import { renderDraft } from "../../src/prompt/render-draft.js";
import { expectPromptOpsError } from "../helpers/expect-error.js";
import { loadCaseFiles, RENDER_CASE } from "../helpers/golden-cases.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";

interface RenderCase {
  name: string;
  files: Record<string, string>;
  id: string;
  vars?: Record<string, unknown>;
  assignments?: string[];
  /** OpenAI-shape messages. */
  expect?: unknown[];
  expectAnthropic?: unknown;
  /** The error: exit code and a substring of its message. */
  expectError?: { exitCode: ExitCode; message: string };
}

const dir = new URL("../fixtures/render/", import.meta.url);
const cases = loadCaseFiles<RenderCase>(dir, RENDER_CASE);

describe("render golden cases", () => {
  let project: ProjectDir | undefined;
  afterEach(() => project?.cleanup());

  it.each(cases)("$file: $name", (testCase) => {
    project = makeProjectDir(testCase.files);
    const run = () =>
      renderDraft({
        cwd: project!.root,
        id: testCase.id,
        vars: testCase.vars ?? {},
        assignments: testCase.assignments ?? [],
      });
    if (testCase.expectError) {
      expectPromptOpsError(run, testCase.expectError);
      return;
    }
    const rendered = run();
    if (testCase.expect) expect(rendered.messages).toEqual(testCase.expect);
    if (testCase.expectAnthropic)
      expect(toAnthropicMessages(rendered.messages)).toEqual(testCase.expectAnthropic);
  });
});
