import { readFileSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunResults } from "../../src/regression/results.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { openaiEnv, userText } from "../fixtures/runner/runner-project.js";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// A support team keeps its refund cases in files next to the prompt — a JSONL file written by a
// script, a CSV exported from the spreadsheet the support leads edit — and runs them as tests with
// the built CLI, in a git repository, against the fake OpenAI server (which echoes the last user
// message, so a row passes when its own question comes back).
const KEY = "sk-datasets-test-0123456789abcdef";
const server = fakeProviderServerPerFile({ apiKey: KEY });
let repo: TempRepo;

const REFUND_PROMPT = `description: Answers refund questions.
variables:
  question: { type: string, minLength: 1 }
  order: { type: integer, minimum: 1 }
messages:
  - role: system
    content: Refunds are possible within 30 days of purchase.
  - role: user
    content: "Order {{ order }}: {{ question }}"
tests:
  - name: answers a refund question
    vars: { question: Can I get a refund?, order: 1 }
    assert:
      - icontains: refund
  - file: cases/refund-cases.jsonl
    assert:
      - contains: "Order {{ order }}"
`;

const JSONL = [
  '{"name": "late refund", "vars": {"question": "Is it too late for a refund?", "order": 4711}, "assert": [{"icontains": "too late"}]}',
  "",
  '{"vars": {"question": "Where is my money?", "order": 12}}',
  '{"vars": {"question": "Refund please", "order": 99}, "assert": [{"max-length": 200}]}',
  "",
].join("\n");

beforeEach(async () => {
  repo = await makeTempRepo();
  await repo.write(
    "promptops.config.yaml",
    "promptsDir: prompts\nproviders: [openai:gpt-4o-mini]\ntest: { concurrency: 4, retries: 0, timeoutMs: 10000 }\n",
  );
  await repo.write("prompts/refund.prompt.yaml", REFUND_PROMPT);
  await repo.write("prompts/cases/refund-cases.jsonl", JSONL);
  await repo.write(
    "prompts/greeting.prompt.yaml",
    `variables:\n  name: { type: string }\nmessages:\n  - role: user\n    content: "Say hello to {{ name }}."\ntests:\n  - name: greets Ada\n    vars: { name: Ada }\n    assert: [ { contains: Ada } ]\n`,
  );
  await repo.commit("Add prompts and their datasets");
});
afterEach(() => repo.cleanup());

const promptops = (...args: string[]) =>
  runCli(args, { cwd: repo.root, env: { ...openaiEnv(server, KEY), GITHUB_WORKSPACE: repo.root } });
const results = (stdout: string) => (JSON.parse(stdout) as RunResults).results;
const names = (stdout: string) => results(stdout).map((r) => `${r.prompt} › ${r.test}`);
const sortedUserTexts = () => server.requests.map(userText).sort();

describe("a JSONL dataset next to the prompt", () => {
  it("runs every row as a test, after the inline tests, each named and located in the dataset", async () => {
    const run = await promptops("test", "refund", "--reporter", "json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const rows = results(run.stdout);
    expect(rows.map((r) => [r.test, r.status, r.location])).toEqual([
      ["answers a refund question", "pass", { file: "prompts/refund.prompt.yaml", line: 11 }],
      ["late refund", "pass", { file: "prompts/cases/refund-cases.jsonl", line: 1 }],
      ["cases/refund-cases.jsonl:3", "pass", { file: "prompts/cases/refund-cases.jsonl", line: 3 }],
      ["cases/refund-cases.jsonl:4", "pass", { file: "prompts/cases/refund-cases.jsonl", line: 4 }],
    ]);
    // The row's own assertions come first, then the entry's, rendered with the row's variables.
    expect(rows[1]!.assertions.map((a) => a.type)).toEqual(["icontains", "contains"]);
    expect(rows[2]!.assertions.map((a) => a.type)).toEqual(["contains"]);
    expect(sortedUserTexts()).toEqual([
      "Order 12: Where is my money?",
      "Order 1: Can I get a refund?",
      "Order 4711: Is it too late for a refund?",
      "Order 99: Refund please",
    ]);
  });

  it("fails a row on the entry's shared assertion, pointing GitHub and JUnit at the row's line", async () => {
    server.reply = (request) =>
      userText(request).includes("money") ? "Your money is on its way." : userText(request);
    const run = await promptops(
      "test",
      "refund",
      "--reporter",
      "github",
      "--reporter",
      "junit",
      "--output-dir",
      "out",
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^::error file=prompts\/cases\/refund-cases\.jsonl,line=3,title=promptops test failed%3A refund › cases\/refund-cases\.jsonl%3A3 \[openai%3Agpt-4o-mini\]::contains: expected output to contain "Order 12"/m,
    );
    const junit = readFileSync(join(repo.root, "out/junit.xml"), "utf8");
    expect(junit).toMatch(
      /<testcase name="cases\/refund-cases\.jsonl:3"[^>]*file="prompts\/cases\/refund-cases\.jsonl" line="3">/,
    );
    expect(junit).toMatch(
      /<testcase name="late refund"[^>]*file="prompts\/cases\/refund-cases\.jsonl" line="1" \/>/,
    );
  });

  it("--filter picks rows by name, --shard splits rows, and a second run is answered by the cache", async () => {
    const filtered = await promptops("test", "--filter", "refund-cases.jsonl:4", "--reporter", "json");
    expect(names(filtered.stdout)).toEqual(["refund › cases/refund-cases.jsonl:4"]);

    const one = names((await promptops("test", "--shard", "1/2", "--reporter", "json")).stdout);
    const two = names((await promptops("test", "--shard", "2/2", "--reporter", "json")).stdout);
    expect(one.filter((name) => two.includes(name))).toEqual([]);
    expect([...one, ...two].sort()).toEqual([
      "greeting › greets Ada",
      "refund › answers a refund question",
      "refund › cases/refund-cases.jsonl:3",
      "refund › cases/refund-cases.jsonl:4",
      "refund › late refund",
    ]);
    const sent = server.stats.total;
    expect(sent).toBe(5);
    const again = await promptops("test", "--reporter", "json");
    expect(again.code).toBe(0);
    expect(results(again.stdout).every((r) => r.cached)).toBe(true);
    expect(server.stats.total).toBe(sent);
  });

  it("--since tests a prompt whose dataset changed, and not the prompts whose files did not", async () => {
    const base = await repo.git("rev-parse", "HEAD");
    const unchanged = await promptops("test", "--since", base.trim(), "--reporter", "json");
    expect(names(unchanged.stdout)).toEqual([]);
    await repo.write(
      "prompts/cases/refund-cases.jsonl",
      `${JSONL}{"name": "new row", "vars": {"question": "Refund twice?", "order": 5}}\n`,
    );
    const changed = await promptops("test", "--since", base.trim(), "--reporter", "json");
    expect(changed.code).toBe(0);
    expect(names(changed.stdout)).toEqual([
      "refund › answers a refund question",
      "refund › late refund",
      "refund › cases/refund-cases.jsonl:3",
      "refund › cases/refund-cases.jsonl:4",
      "refund › new row",
    ]);
  });
});

describe("the entry's settings apply to every row", () => {
  it("allow-fail on the entry reports a failing row without failing the run", async () => {
    await repo.write(
      "prompts/refund.prompt.yaml",
      REFUND_PROMPT.replace(
        "  - file: cases/refund-cases.jsonl\n",
        "  - file: cases/refund-cases.jsonl\n    allow-fail: true\n",
      ),
    );
    server.reply = (request) => (userText(request).includes("money") ? "No." : userText(request));
    const run = await promptops("test", "refund", "--reporter", "json");
    expect(run.code).toBe(0);
    const failed = results(run.stdout).filter((r) => r.status === "fail");
    expect(failed.map((r) => [r.test, r.allowedFailure])).toEqual([["cases/refund-cases.jsonl:3", true]]);
  });

  it("an llm-judge in a row with no judge configured stops the run with exit 2 before sending", async () => {
    await repo.write(
      "prompts/cases/refund-cases.jsonl",
      '{"vars": {"question": "Refund?", "order": 1}, "assert": [{"llm-judge": {"rubric": "Polite"}}]}\n',
    );
    const run = await promptops("test");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("prompts/cases/refund-cases.jsonl:1:");
    expect(run.stderr).toContain("llm-judge has no judge to ask");
    expect(server.stats.total).toBe(0);
  });
});

describe("a CSV dataset exported from a spreadsheet", () => {
  beforeEach(async () => {
    await repo.write(
      "prompts/refund.prompt.yaml",
      REFUND_PROMPT.replace("refund-cases.jsonl", "refund-cases.csv"),
    );
  });

  it("reads a BOM, CRLF, quoted commas, quotes and line breaks, numbers and a __name column", async () => {
    await repo.write(
      "prompts/cases/refund-cases.csv",
      '\uFEFFquestion,order,__name\r\n"Refund, please: it said ""new""\r\nbut was used",4711,used item\r\n\r\nCan I return it?,12,\r\n',
    );
    const run = await promptops("test", "refund", "--reporter", "json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(results(run.stdout).map((r) => [r.test, r.status, r.location?.line])).toEqual([
      ["answers a refund question", "pass", 11],
      ["used item", "pass", 2],
      ["cases/refund-cases.csv:5", "pass", 5],
    ]);
    expect(sortedUserTexts()).toContain('Order 4711: Refund, please: it said "new"\r\nbut was used');
    expect(sortedUserTexts()).toContain("Order 12: Can I return it?");
  });

  it("refuses promptfoo's assertion columns and columns that are not variables, with a hint", async () => {
    await repo.write(
      "prompts/cases/refund-cases.csv",
      "question,order,__expected,assert,ordr\nRefund?,1,contains: refund,x,2\n",
    );
    const run = await promptops("validate");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'prompts/cases/refund-cases.csv:1:1: error: unknown special column "__expected"',
    );
    expect(run.stdout).toContain("promptops does not read assertions from CSV columns");
    expect(run.stdout).toContain('column "assert" is not a variable of this prompt');
    expect(run.stdout).toContain('column "ordr" is not a variable of this prompt (did you mean "order"?)');
  });

  it("points at a row with the wrong number of fields, or a value its schema rejects", async () => {
    await repo.write(
      "prompts/cases/refund-cases.csv",
      'question,order\nfine,1\nRefund, please,2\n"",3\nok,many\n',
    );
    const run = await promptops("validate");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "prompts/cases/refund-cases.csv:3:1: error: this row has 3 fields, the header has 2",
    );
    expect(run.stdout).toContain(
      'prompts/cases/refund-cases.csv:4:1: error: test "cases/refund-cases.csv:4": variable question must NOT have fewer than 1 characters',
    );
    expect(run.stdout).toContain(
      'prompts/cases/refund-cases.csv:5:4: error: test "cases/refund-cases.csv:5": variable order must be integer (found "many")',
    );
  });
});

describe("a bad row is an error at the dataset's file and line", () => {
  beforeEach(async () => {
    await repo.write(
      "prompts/cases/refund-cases.jsonl",
      [
        '{"vars": {"question": "Fine", "order": 1}}',
        '{"vars": {"question": "Broken", "order": 2}',
        '{"vars": {"question": "Typo", "order": 3}, "assert": [{"contans": "x"}]}',
        '{"vars": {"question": 42, "order": 4}}',
        '{"vars": {"question": "Extra", "order": 5, "tone": "warm"}}',
        '{"vars": {"question": "Fine"}, "asserts": []}',
        '{"name": "answers a refund question", "vars": {"question": "Twice", "order": 7}}',
      ].join("\n"),
    );
  });

  it("validate lists every bad row with file:line:col", async () => {
    const run = await promptops("validate");
    expect(run.code).toBe(1);
    const lines = run.stdout.split("\n").filter((line) => line.includes(": error: "));
    expect(lines).toEqual([
      "prompts/cases/refund-cases.jsonl:2:44: error: not a JSON object: Expected ',' or '}' after property value",
      'prompts/cases/refund-cases.jsonl:3:56: error: unknown key "contans" in assert.0 (did you mean "contains"?)',
      'prompts/cases/refund-cases.jsonl:4:23: error: test "cases/refund-cases.jsonl:4": variable question must be string (found 42)',
      'prompts/cases/refund-cases.jsonl:5:44: error: test "cases/refund-cases.jsonl:5": unknown variable "tone"',
      'prompts/cases/refund-cases.jsonl:6:32: error: unknown key "asserts" in top level (did you mean "assert"?)',
      'prompts/cases/refund-cases.jsonl:7:10: error: test name "answers a refund question" is already used',
    ]);
  });

  it("validate given the dataset's path (as a pre-commit hook passes changed files) checks it too", async () => {
    const run = await promptops("validate", "prompts/cases/refund-cases.jsonl");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("1 prompt checked: 6 errors");
    expect(run.stdout).toContain(
      'prompts/cases/refund-cases.jsonl:4:23: error: test "cases/refund-cases.jsonl:4"',
    );
    await repo.write("prompts/cases/unused.csv", "question,order\n");
    const unused = await promptops("validate", "prompts/cases/unused.csv");
    expect(unused.code).toBe(2);
    expect(unused.stderr).toContain("prompts/cases/unused.csv is not a prompt file");
    expect(unused.stderr).toContain("a dataset is checked with a prompt that names it");
  });

  it("test refuses to run before sending anything, pointing at the first bad row", async () => {
    const run = await promptops("test");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "error: prompts/cases/refund-cases.jsonl:2:44: cannot test invalid prompt: refund",
    );
    expect(server.stats.total).toBe(0);
  });
});

describe("a dataset is untrusted input", () => {
  const entry = (file: string) => REFUND_PROMPT.replace("cases/refund-cases.jsonl", file);

  it("refuses a path that leaves promptsDir, a link out of it, a missing file, another format, a URL", async () => {
    writeFileSync(join(repo.dir, "secret.jsonl"), '{"vars": {"question": "AWS_SECRET=abc", "order": 1}}\n');
    symlinkSync(join(repo.dir, "secret.jsonl"), join(repo.root, "prompts/cases/linked.jsonl"));
    const cases: Array<[string, string, string?]> = [
      ["../../secret.jsonl", 'dataset "../../secret.jsonl" is outside promptsDir: not read'],
      ["cases/linked.jsonl", 'dataset "cases/linked.jsonl" is a link to a file outside promptsDir: not read'],
      ["cases/nowhere.jsonl", 'dataset "cases/nowhere.jsonl" does not exist'],
      ["cases/refund-cases.txt", 'dataset "cases/refund-cases.txt" is neither .jsonl nor .csv'],
      [
        "file://cases/refund-cases.jsonl",
        'dataset "file://cases/refund-cases.jsonl" is a URL, not a path',
        "hint: write the path relative to the prompt file: file: cases/refund-cases.jsonl",
      ],
    ];
    for (const [file, message, hint = "hint: "] of cases) {
      await repo.write("prompts/refund.prompt.yaml", entry(file));
      const run = await promptops("validate");
      expect(run.code, file).toBe(1);
      expect(run.stdout).toContain(`prompts/refund.prompt.yaml:15:11: error: ${message}`);
      expect(run.stdout).toContain(hint);
      expect(run.stdout + run.stderr).not.toContain("AWS_SECRET");
    }
    expect(server.stats.total).toBe(0);
  });

  it("does not read a dataset bigger than 16 MiB", async () => {
    truncateSync(join(repo.root, "prompts/cases/refund-cases.jsonl"), 17 * 1024 * 1024);
    const run = await promptops("test");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("prompts/refund.prompt.yaml:15:11: cannot test invalid prompt: refund");
    expect(run.stderr).toContain("is 17 MiB, more than the 16 MiB");
    expect(server.stats.total).toBe(0);
  });

  it("lists twenty problems of a dataset full of bad rows, and counts the rest", async () => {
    const bad = Array.from({ length: 500 }, (_, i) => `{"vars": {"question": ${i}, "order": 1}}`).join("\n");
    await repo.write("prompts/cases/refund-cases.jsonl", bad);
    const run = await promptops("validate");
    expect(run.code).toBe(1);
    expect(
      run.stdout.split("\n").filter((line) => line.includes("variable question must be string")),
    ).toHaveLength(20);
    expect(run.stdout).toContain(
      "prompts/cases/refund-cases.jsonl:21:23: error: and 480 more problems in this dataset",
    );
  });
});
