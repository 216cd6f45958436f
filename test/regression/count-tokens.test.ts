import { describe, expect, it } from "vitest";
import { PromptOpsError } from "../../src/errors.js";
import { loadTokenCounter } from "../../src/regression/count-tokens.js";

describe("the --max-cost token counter", () => {
  it("counts with OpenAI's o200k tokenizer, special tokens counted as text", async () => {
    const count = await loadTokenCounter();
    expect(count("hello world")).toBe(2);
    expect(count("<|endoftext|>")).toBeGreaterThan(1);
  });

  it("says which optional package to install when gpt-tokenizer is not there, before anything is sent", async () => {
    const missing = () => Promise.reject(new Error("Cannot find package 'gpt-tokenizer'"));
    const error = await loadTokenCounter(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PromptOpsError);
    expect(error).toMatchObject({ code: "tokenizer-missing", exitCode: 2 });
    expect((error as PromptOpsError).hint).toContain("npm install -D gpt-tokenizer");
  });
});
