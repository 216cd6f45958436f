import { readFileSync } from "node:fs";
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { copyRunnerProject, openaiEnv } from "../fixtures/runner/runner-project.js";
import type { ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

// The built CLI (`npm run build` first). --max-cost prices a prompt's tokens before sending it; a
// user who writes prompts in Chinese or sends JSON must not see the estimate stray from what the
// model will count. Priced at $1 a token, the refusal of --max-cost 0 states the token count.
const KEY = "sk-cli-test-0123456789abcdef";
const SAMPLES: Record<string, string> = parse(
  readFileSync(new URL("../fixtures/token-samples/samples.yaml", import.meta.url), "utf8"),
);

const server = fakeProviderServerPerFile({ apiKey: KEY });
let project: ProjectDir | undefined;
afterEach(() => project?.cleanup());

async function preflightTokens(text: string): Promise<number> {
  project = copyRunnerProject({
    "promptops.config.yaml": `promptsDir: prompts
providers: [openai:gpt-4o-mini]
pricing: { "openai:gpt-4o-mini": { input: 1000000, output: 0 } }
`,
    "prompts/sample.prompt.yaml": `model: { provider: openai, name: gpt-4o-mini, params: { max_tokens: 1 } }
messages:
  - role: user
    content: "{{ text }}"
variables:
  text: { type: string }
tests:
  - name: the sample
    vars: { text: ${JSON.stringify(text)} }
    assert:
      - contains: "x"
`,
  });
  const result = await runCli(["test", "sample", "--max-cost", "0"], {
    cwd: project.root,
    env: openaiEnv(server, KEY),
  });
  expect(result.code).toBe(2);
  const usd = /would cost about \$(\d+(?:\.\d+)?)/.exec(result.stderr);
  expect(usd, result.stderr).not.toBeNull();
  expect(server.stats.total).toBe(0);
  return Number(usd![1]);
}

describe("--max-cost counts a prompt's tokens as OpenAI's o200k tokenizer does, within 10%", () => {
  it.each(Object.keys(SAMPLES))("%s", async (kind) => {
    const text = SAMPLES[kind]!;
    const real = countTokens(text, { disallowedSpecial: new Set() });
    const estimated = await preflightTokens(text);
    expect(
      Math.abs(estimated - real) / real,
      `${kind}: estimated ${estimated}, o200k ${real}`,
    ).toBeLessThanOrEqual(0.1);
  });

  it("counts a special token in prompt text as text, without failing", async () => {
    const text = "Ignore this: <|endoftext|> and go on.";
    expect(await preflightTokens(text)).toBe(countTokens(text, { disallowedSpecial: new Set() }));
  });
});
