import { afterEach, describe, expect, it } from "vitest";
import { loadConfigOrThrow } from "../../src/config/load-config.js";
import { discoverPromptFiles } from "../../src/prompt/discover.js";
import { checkPrompts } from "../../src/prompt/prompt-project.js";
import type { PromptUnderTest } from "../../src/regression/plan-cases.js";
import { testMatrix } from "../../src/regression/test-matrix.js";
import { expectPromptOpsError } from "../helpers/expect-error.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";

let project: ProjectDir | undefined;
afterEach(() => project?.cleanup());

const prompt = (
  model: string,
  extra = "",
  tests = true,
) => `${model ? `model: ${model}\n` : ""}${extra}messages:
  - role: user
    content: Hi
${tests ? "tests:\n  - name: says hi\n    assert: [{ icontains: hi }]\n" : ""}`;

/** The matrix of a project's drafts, as `promptops test` plans it (with `--providers`: `selected`). */
function matrixOf(files: Record<string, string>, selected?: string[]) {
  project = makeProjectDir(files);
  const config = loadConfigOrThrow(project.root);
  const units: PromptUnderTest[] = checkPrompts(config, discoverPromptFiles(config.promptsDir)).prompts.map(
    (checked) => {
      if (!checked.result) throw new Error(`${checked.id}: ${JSON.stringify(checked.diagnostics)}`);
      return {
        prompt: checked,
        version: "draft",
        hash: checked.result.hash,
        compiled: checked.result.compiled,
      };
    },
  );
  return testMatrix(config, units, selected);
}

describe("which providers each prompt is tested on", () => {
  it("its own model first, then the config's matrix, each provider once", () => {
    const matrix = matrixOf({
      "promptops.config.yaml": "providers: [openai:gpt-4o-mini, anthropic:claude-haiku-4-5]\n",
      "prompts/a.prompt.yaml": prompt("{ provider: openai, name: gpt-4o }"),
      "prompts/b.prompt.yaml": prompt("{ provider: anthropic, name: claude-haiku-4-5 }"),
    });
    expect(Object.fromEntries(matrix.byPrompt)).toEqual({
      a: ["openai:gpt-4o", "openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"],
      b: ["anthropic:claude-haiku-4-5", "openai:gpt-4o-mini"],
    });
    expect(matrix.providers.map((p) => p.id)).toEqual([
      "openai:gpt-4o",
      "openai:gpt-4o-mini",
      "anthropic:claude-haiku-4-5",
    ]);
  });

  it("--providers openai,anthropic gives each prompt its own model of either kind", () => {
    const matrix = matrixOf(
      {
        "promptops.config.yaml": "providers: [openai:gpt-4o-mini]\n",
        "prompts/a.prompt.yaml": prompt("{ provider: openai, name: gpt-4o }"),
        "prompts/b.prompt.yaml": prompt("{ provider: anthropic, name: claude-sonnet-4-5 }"),
      },
      ["openai", "anthropic", "echo"],
    );
    expect(Object.fromEntries(matrix.byPrompt)).toEqual({
      a: ["openai:gpt-4o", "echo"],
      b: ["anthropic:claude-sonnet-4-5", "echo"],
    });
  });

  it("a prompt without tests needs no provider; one with tests and none is refused (exit 2)", () => {
    expect(Object.fromEntries(matrixOf({ "prompts/a.prompt.yaml": prompt("", "", false) }).byPrompt)).toEqual(
      { a: [] },
    );
    const error = expectPromptOpsError(() =>
      matrixOf({ "prompts/a.prompt.yaml": prompt("{ provider: openai, name: gpt-4o }", "providers: []\n") }, [
        "anthropic",
      ]),
    );
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      '--providers anthropic leaves prompt "a" with no provider: its own model is openai:gpt-4o',
    );
    expect(error.location).toEqual({ file: "prompts/a.prompt.yaml" });
  });
});
