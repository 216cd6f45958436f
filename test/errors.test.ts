import { readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { handleError } from "../src/cli/handle-error.js";
import { ERROR_CODES, type ErrorCode, PromptOpsError } from "../src/errors.js";

/** The catalogue of error codes is the truth about them: no stale code, no site that disagrees. */
const SRC = new URL("../src/", import.meta.url);
const sources = (readdirSync(SRC, { recursive: true }) as string[])
  .filter((file) => file.endsWith(".ts") && file !== "errors.ts")
  .map((file) => ({ file, text: readFileSync(new URL(file, SRC), "utf8") }));

/** The text between `(` at `open` and its `)`, string and template contents skipped. */
function callArguments(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'" || c === "`") {
      for (i++; text[i] !== c; i++) if (text[i] === "\\") i++;
    } else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error("unbalanced call");
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the error catalogue", () => {
  it("lists only codes that some part of promptops throws", () => {
    const all = sources.map((s) => s.text).join("\n");
    const stale = Object.keys(ERROR_CODES).filter((code) => !all.includes(`"${code}"`));
    expect(stale).toEqual([]);
  });

  it("gives each code the exit code its throw sites state", () => {
    const disagreeing: string[] = [];
    let sites = 0;
    for (const { file, text } of sources) {
      for (const match of text.matchAll(/new PromptOpsError\(\s*"([a-z0-9-]+)"/g)) {
        sites++;
        const code = match[1] as ErrorCode;
        const stated = /exitCode:\s*([12])\b/.exec(callArguments(text, match.index + match[0].indexOf("(")));
        if (stated && Number(stated[1]) !== ERROR_CODES[code])
          disagreeing.push(`${file}: ${code} exits ${stated[1]}`);
      }
    }
    expect(sites).toBeGreaterThan(50);
    expect(disagreeing).toEqual([]);
  });

  it("decides the exit code the handler returns when a throw site states none", () => {
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(handleError(new PromptOpsError("include-cycle", "a includes itself"), false)).toBe(1);
    expect(handleError(new PromptOpsError("bad-flag", "--repeat expects a number"), false)).toBe(2);
    expect(handleError(new PromptOpsError("bad-flag", "stated", { exitCode: 1 }), false)).toBe(1);
  });
});
