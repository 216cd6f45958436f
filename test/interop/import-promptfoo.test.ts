import { existsSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { importPromptfoo } from "../../src/interop/promptfoo/import-promptfoo.js";
import { expectPromptOpsError } from "../helpers/expect-error.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";

// The promptfoo config is untrusted input (a pull request can change it): it is parsed as data,
// reads nothing outside its folder, runs none of its code, and never overwrites a file unasked.
let dir: ProjectDir;
afterEach(() => dir.cleanup());

function project(config: string, files: Record<string, string> = {}) {
  dir = makeProjectDir({ "pf/promptfooconfig.yaml": config, ...files });
  return (force = false) =>
    importPromptfoo({ cwd: dir.root, file: "pf/promptfooconfig.yaml", outDir: "out", force });
}

const promptFile = (id: string) =>
  parse(readFileSync(join(dir.root, "out/prompts", `${id}.prompt.yaml`), "utf8"));

describe("import promptfoo treats the config as untrusted", () => {
  it("reads no prompt file outside the promptfoo folder, by a ../ path or a link, and says where it was named", () => {
    const run = project("prompts:\n  - file://../secret.txt\n  - file://linked.txt\n  - hello {{name}}\n", {
      "secret.txt": "TOP SECRET {{x}}",
    });
    symlinkSync(join(dir.root, "secret.txt"), join(dir.root, "pf/linked.txt"));
    const result = run();
    expect(result.prompts.map((p) => p.id)).toEqual(["prompt-3"]);
    expect(result.notCarried.map((n) => [n.location.line, n.location.col, n.message])).toEqual([
      [2, 5, "not read: a prompt file outside the promptfoo project"],
      [
        3,
        5,
        expect.stringMatching(/^not read: the prompt file is a link to a file outside the promptfoo project/),
      ],
    ]);
    expect(JSON.stringify(result)).not.toContain("TOP SECRET");
  });

  it("never loads prompts written as code, and carries javascript assertions over as text for review", () => {
    const run = project(
      [
        "prompts: [file://make_prompt.py, file://prompt.js, 'Q: {{q}}']",
        "tests:",
        "  - vars: { q: hi }",
        "    assert:",
        "      - type: javascript",
        "        value: process.exit(7) || output.length > 0",
        "      - type: python",
        "        value: len(output) > 0",
        "",
      ].join("\n"),
      { "pf/make_prompt.py": "raise SystemExit(7)", "pf/prompt.js": "process.exit(7)" },
    );
    const result = run();
    expect(result.prompts.map((p) => p.id)).toEqual(["prompt-3"]);
    expect(promptFile("prompt-3").tests[0].assert).toEqual([
      { javascript: "process.exit(7) || output.length > 0" },
    ]);
    expect(result.notCarried.map((n) => [n.kind, n.location.line, n.message.slice(0, 41)])).toEqual([
      ["dropped", 1, "not carried over: a prompt written as cod"],
      ["dropped", 1, "not carried over: a prompt written as cod"],
      ["review", 6, "javascript assertion carried over as text"],
      ["dropped", 7, 'not carried over: assertion "python": pro'],
    ]);
  });

  it("refuses to overwrite an existing file and writes nothing; --force replaces it", () => {
    const run = project("prompts: ['Hi {{name}}']\n", { "out/prompts/prompt-1.prompt.yaml": "mine\n" });
    expectPromptOpsError(() => run(), {
      code: "import-would-overwrite",
      exitCode: 2,
      location: { file: join(dir.root, "out/prompts/prompt-1.prompt.yaml") },
    });
    expect(readFileSync(join(dir.root, "out/prompts/prompt-1.prompt.yaml"), "utf8")).toBe("mine\n");
    expect(existsSync(join(dir.root, "out/promptops.config.yaml"))).toBe(false);
    run(true);
    expect(promptFile("prompt-1").messages).toEqual([{ role: "user", content: "Hi {{name}}" }]);
  });

  it("points at a YAML error in the config (a duplicate key)", () => {
    const run = project("prompts: [a]\ndescription: x\nprompts: [b]\n");
    expectPromptOpsError(() => run(), {
      code: "import-source-invalid",
      exitCode: 1,
      location: { file: "pf/promptfooconfig.yaml", line: 3 },
    });
  });
});

describe("import promptfoo maps each assertion to the promptops one of the same meaning", () => {
  it.each([
    [{ type: "equals", value: "Yes" }, { equals: "Yes" }],
    [{ type: "not-contains", value: "sorry" }, { "not-contains": "sorry" }],
    [{ type: "contains-any", value: "a, b" }, { "contains-any": ["a", "b"] }],
    [{ type: "not-icontains-all", value: ["a", "b"] }, { "not-icontains-all": ["a", "b"] }],
    [{ type: "is-json" }, { "is-json": true }],
    [{ type: "is-json", value: { type: "object" } }, { "json-schema": { type: "object" } }],
    [{ type: "not-is-json" }, { "is-json": false }],
    [{ type: "contains-json" }, { "contains-json": true }],
    [{ type: "is-refusal" }, { "is-refusal": true }],
    [{ type: "not-is-refusal" }, { "not-refusal": true }],
    [{ type: "latency", threshold: 1500 }, { "max-latency-ms": 1500 }],
    [{ type: "cost", threshold: 0.002 }, { "max-cost-usd": 0.002 }],
    [{ type: "levenshtein", value: "hi", threshold: 3 }, { levenshtein: { to: "hi", "max-distance": 3 } }],
    [{ type: "similar", value: "hi" }, { similar: { to: "hi", threshold: 0.75 } }],
    [
      { type: "llm-rubric", value: "polite", provider: "openai:gpt-4o" },
      { "llm-judge": { rubric: "polite", provider: "openai:gpt-4o" } },
    ],
    [
      { type: "finish-reason", value: "stop", weight: 2 },
      { "finish-reason": "stop", weight: 2 },
    ],
  ])("%j", (assertion, expected) => {
    const run = project(
      `prompts: ['Hi {{name}}']\ntests:\n  - vars: { name: Ann }\n    assert: [${JSON.stringify(assertion)}]\n`,
    );
    const result = run();
    expect(result.notCarried).toEqual([]);
    expect(promptFile("prompt-1").tests[0].assert).toEqual([expected]);
  });
});

describe("import promptfoo keeps promptfoo's rendering", () => {
  it("a variable a test leaves out renders empty, as in promptfoo, and the import says so at the test", () => {
    const run = project(
      "prompts: ['Hi {{name}}{{suffix}}']\ntests:\n  - description: no suffix\n    vars: { name: Ann }\n    assert: []\n",
    );
    const result = run();
    expect(promptFile("prompt-1").tests[0].vars).toEqual({ name: "Ann", suffix: "" });
    expect(result.notCarried).toEqual([
      {
        location: { file: "pf/promptfooconfig.yaml", line: 3, col: 5 },
        kind: "review",
        message:
          'test "no suffix" gives prompt "prompt-1" no "suffix": promptfoo renders it empty, so it is "" here',
      },
    ]);
  });
});

describe("import promptfoo lists what would change meaning", () => {
  it("a list variable, which promptfoo expands into one case per value, is listed at the variable", () => {
    const run = project(
      "prompts: ['Hi {{name}}']\ntests:\n  - vars:\n      name: [Ann, Bob]\n    assert: []\n",
    );
    const result = run();
    expect(result.notCarried.map((n) => [n.location.line, n.location.col, n.message])).toEqual([
      [
        4,
        13,
        'not carried over: promptfoo runs one case per value of the list "name"; here it is one case with the whole list',
      ],
    ]);
  });
});
