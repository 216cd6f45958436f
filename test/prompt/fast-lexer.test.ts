import { readdirSync, readFileSync } from "node:fs";
import lexer from "nunjucks/src/lexer.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { extractMatching, nunjucksExtractMatching } from "../../src/prompt/fast-lexer.js";

/**
 * The faster scanning primitive must leave Nunjucks' tokens unchanged: same types, values, lines
 * and columns, and the same errors, for every template we have and for generated text full of
 * delimiters, whitespace (with U+00A0), newlines and non-ASCII characters.
 */
type Tokenizer = { nextToken(): { type: string; value: unknown; lineno: number; colno: number } | null };
const proto = Object.getPrototypeOf(lexer.lex("")) as { _extractMatching: unknown };

function tokens(source: string, implementation: unknown): unknown[] {
  proto._extractMatching = implementation;
  try {
    const tokenizer = lexer.lex(source) as Tokenizer;
    const all: unknown[] = [];
    for (let token = tokenizer.nextToken(); token; token = tokenizer.nextToken()) all.push({ ...token });
    return all;
  } catch (error) {
    return [{ error: (error as Error).message }];
  } finally {
    proto._extractMatching = extractMatching;
  }
}

function fixtureTemplates(): string[] {
  const texts: string[] = [];
  const collect = (value: unknown) => {
    if (typeof value === "string" && value.includes("{")) texts.push(value);
    else if (value && typeof value === "object") for (const v of Object.values(value)) collect(v);
  };
  for (const folder of ["render", "validate", "template-injection", "nunjucks-parity"]) {
    const dir = new URL(`../fixtures/${folder}/`, import.meta.url);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".yaml"))) {
      const data = parse(readFileSync(new URL(file, dir), "utf8")) as unknown;
      collect(data);
      // Prompt files inside fixtures are YAML text themselves.
      JSON.stringify(data, (_key, value) => {
        if (typeof value === "string" && value.includes("messages:")) {
          try {
            collect(parse(value));
          } catch {}
        }
        return value;
      });
    }
  }
  return texts;
}

/** Deterministic text from an alphabet that exercises every branch of the tokenizer. */
function generated(count: number): string[] {
  const alphabet = [
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    "-",
    "{",
    "}",
    "%",
    "#",
    " ",
    "\n",
    "\t",
    "\r",
    "\u00a0",
    "é",
    "日",
    "a",
    "if",
    "(",
    ")",
    "'",
    '"',
    "\\",
    ".",
    "|",
    "r/",
    "/",
    "1",
    "_",
  ];
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + (next() % 40) }, () => alphabet[next() % alphabet.length]).join(""),
  );
}

describe("the fast scanning primitive", () => {
  it("is what the tokenizer uses", () => {
    expect(proto._extractMatching).toBe(extractMatching);
  });

  it("gives Nunjucks' own tokens for every fixture template and 5,000 generated texts", () => {
    const sources = [...fixtureTemplates(), ...generated(5_000)];
    expect(sources.length).toBeGreaterThan(5_100);
    const differing = sources.filter(
      (source) =>
        JSON.stringify(tokens(source, extractMatching)) !==
        JSON.stringify(tokens(source, nunjucksExtractMatching)),
    );
    expect(differing).toEqual([]);
  });
});
