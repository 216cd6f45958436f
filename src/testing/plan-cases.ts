import { dirname, relative } from "node:path";
import type { ProjectConfig } from "../config/config.js";
import { PromptOpsError } from "../errors.js";
import type { CompiledPrompt, PromptTest } from "../prompt/prompt-file.js";
import type { CheckedPrompt } from "../prompt/prompt-project.js";
import { checkVariables } from "../prompt/variables.js";

/** One prompt version's tests, ready to run. */
export interface PromptUnderTest {
  prompt: CheckedPrompt;
  version: "draft" | number;
  hash: string;
  compiled: CompiledPrompt;
}

/** One test of one prompt version against one provider (one sample of it, with --repeat). */
export interface TestCase {
  /** Stable across runs: prompt, version, test, provider, sample. */
  key: string;
  promptId: string;
  version: "draft" | number;
  hash: string;
  compiled: CompiledPrompt;
  test: PromptTest;
  vars: Record<string, unknown>;
  provider: string;
  sample: number;
  promptDir: string;
  location: { file: string; line: number };
}

export interface CaseSelection {
  providers: string[];
  /** Only tests whose name contains this text (case-insensitive). */
  filter?: string;
  repeat: number;
  /** 1-based shard index and count, e.g. { index: 2, count: 4 }. */
  shard?: { index: number; count: number };
}

/** The full matrix: every selected test × every provider × every sample, in a stable order. */
export function planCases(
  config: ProjectConfig,
  units: readonly PromptUnderTest[],
  selection: CaseSelection,
): TestCase[] {
  const needle = selection.filter?.toLowerCase();
  const cases: TestCase[] = [];
  for (const unit of units) {
    const { prompt } = unit;
    const tests = prompt.prompt?.tests ?? [];
    tests.forEach((test, index) => {
      if (needle && !test.name.toLowerCase().includes(needle)) return;
      const { values, problems } = checkVariables(unit.compiled.variables ?? {}, test.vars ?? {});
      if (problems.length > 0) {
        throw new PromptOpsError(
          "test-vars-invalid",
          `${prompt.id} › ${test.name}: ${problems[0]!.message}`,
          {
            exitCode: 1,
            hint: "run `promptops validate`",
          },
        );
      }
      const line = prompt.source.locate(["tests", index, "name"]).line;
      const file = relative(config.root, prompt.file).split("\\").join("/");
      for (const provider of selection.providers) {
        for (let sample = 1; sample <= selection.repeat; sample++) {
          cases.push({
            key: `${prompt.id}@${unit.version}|${test.name}|${provider}|${sample}`,
            promptId: prompt.id,
            version: unit.version,
            hash: unit.hash,
            compiled: unit.compiled,
            test,
            vars: values,
            provider,
            sample,
            promptDir: dirname(prompt.file),
            location: { file, line },
          });
        }
      }
    });
  }
  return selection.shard ? shardCases(cases, selection.shard) : cases;
}

/**
 * Round-robin over the stable case order: shards differ in size by at most one case, and every
 * case lands in exactly one shard whatever machine computes it.
 */
export function shardCases<T>(cases: readonly T[], shard: { index: number; count: number }): T[] {
  return cases.filter((_, i) => i % shard.count === shard.index - 1);
}

export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new PromptOpsError("bad-shard", `--shard expects i/n with 1 <= i <= n, got "${text}"`, {
      exitCode: 2,
      hint: "e.g. --shard 2/4",
    });
  }
  return { index, count };
}
