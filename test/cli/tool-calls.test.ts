import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunResults } from "../../src/regression/results.js";
import { schemaValidator } from "../../src/schemas/ajv.js";
import type { FakeReply, FakeRequest } from "../fake-provider/fake-provider-server.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { filesUnder, userText } from "../fixtures/runner/runner-project.js";
import { reportDataOf } from "../helpers/html-report-data.js";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// The built CLI (`npm run build` first): a support team's prompt may look orders up and refund
// them; its tests say which tools the model must (and must not) call, on OpenAI and Anthropic.
const KEY = "sk-tool-calls-0123456789abcdef";
const server = fakeProviderServerPerFile({ apiKey: KEY });
const validateResults = schemaValidator("results");
let repo: TempRepo;

const config = `promptsDir: prompts
providers: [openai:gpt-4o-mini, anthropic:claude-haiku-4-5]
test: { concurrency: 4, retries: 0, timeoutMs: 10000 }
`;

const supportPrompt = `variables:
  question: { type: string }
messages:
  - role: system
    content: You help Acme customers with their orders.
  - role: user
    content: "{{ question }}"
tools:
  - type: function
    function:
      name: lookup_order
      description: Find an order by its id
      parameters: { type: object, properties: { order_id: { type: string } }, required: [order_id] }
  - type: function
    function:
      name: issue_refund
      parameters: { type: object, properties: { order_id: { type: string }, amount: { type: number } } }
tests:
  - name: looks the order up
    vars: { question: "Where is order A-17?" }
    assert:
      - tool-call: { name: lookup_order, args: { order_id: A-17 } }
      - no-tool-call: issue_refund
  - name: looks up and refunds, in any order
    vars: { question: "Refund order B-2 in full" }
    assert:
      - tool-call:
          - name: issue_refund
            args-schema: { type: object, required: [order_id, amount], properties: { amount: { type: number, minimum: 1 } } }
          - { name: lookup_order, args: { order_id: B-2 } }
  - name: answers a policy question in text
    vars: { question: "What is your refund policy?" }
    assert:
      - no-tool-call: true
      - contains: "30 days"
`;

/** What a well-behaved model does with each question. */
function modelReply(request: FakeRequest): FakeReply {
  const asked = userText(request);
  if (asked.includes("A-17"))
    return { text: null, toolCalls: [{ name: "lookup_order", arguments: '{"order_id":"A-17"}' }] };
  if (asked.includes("B-2"))
    return {
      text: "Let me refund that.",
      toolCalls: [
        { name: "lookup_order", arguments: '{"order_id":"B-2"}' },
        { name: "issue_refund", arguments: '{"order_id":"B-2","amount":40}' },
      ],
    };
  return "Refunds are accepted within 30 days.";
}

beforeEach(async () => {
  repo = await makeTempRepo();
  await repo.write("promptops.config.yaml", config);
  await repo.write("prompts/support.prompt.yaml", supportPrompt);
  await repo.write(".gitignore", ".promptops/\n");
  await repo.commit("support prompt with tools");
  server.reply = modelReply;
});
afterEach(() => repo.cleanup());

const env = () => ({
  OPENAI_BASE_URL: server.openaiBaseURL,
  OPENAI_API_KEY: KEY,
  ANTHROPIC_BASE_URL: server.anthropicBaseURL,
  ANTHROPIC_API_KEY: KEY,
});
const promptops = (...args: string[]) => runCli(args, { cwd: repo.root, env: env() });
const read = (path: string) => readFileSync(join(repo.root, path), "utf8");
const readResults = (path: string): RunResults => JSON.parse(read(path));
const result = (run: RunResults, test: string, provider: string) =>
  run.results.find((r) => r.test === test && r.provider === provider)!;
const PROVIDERS = ["openai:gpt-4o-mini", "anthropic:claude-haiku-4-5"];

describe("a prompt's tests check the tools the model calls", () => {
  it("pass on OpenAI and Anthropic when the model calls what it should, and the results list the calls", async () => {
    const run = await promptops("test", "--reporter", "json", "--output", "results.json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const results = readResults("results.json");
    expect(validateResults(results), JSON.stringify(validateResults.errors)).toBe(true);
    expect(results.summary).toMatchObject({ total: 6, passed: 6 });
    for (const provider of PROVIDERS) {
      expect(result(results, "looks the order up", provider).toolCalls).toEqual([
        { name: "lookup_order", args: { order_id: "A-17" } },
      ]);
      expect(result(results, "looks up and refunds, in any order", provider).toolCalls).toEqual([
        { name: "lookup_order", args: { order_id: "B-2" } },
        { name: "issue_refund", args: { order_id: "B-2", amount: 40 } },
      ]);
      // The prompt declares tools: "called none" is said, not left out.
      expect(result(results, "answers a policy question in text", provider).toolCalls).toEqual([]);
    }
    // Each API got the tools in its own shape.
    const openai = server.requests.find((r) => r.api === "openai")!.body;
    const anthropic = server.requests.find((r) => r.api === "anthropic")!.body;
    expect(openai.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual([
      "lookup_order",
      "issue_refund",
    ]);
    expect(anthropic.tools[0]).toEqual({
      name: "lookup_order",
      description: "Find an order by its id",
      input_schema: { type: "object", properties: { order_id: { type: "string" } }, required: ["order_id"] },
    });
  });

  it("fail when the model calls with the wrong arguments, and every report shows what it called", async () => {
    server.reply = (request) =>
      userText(request).includes("A-17")
        ? { text: null, toolCalls: [{ name: "lookup_order", arguments: '{"order_id":"A-71"}' }] }
        : modelReply(request);
    const run = await promptops(
      "test",
      ...["--reporter", "pretty", "--reporter", "json", "--reporter", "junit"],
      ...["--reporter", "markdown", "--reporter", "html", "--output-dir", "reports"],
    );
    expect(run.code).toBe(1);
    const called = 'lookup_order {"order_id":"A-71"}';
    const why = `tool-call: expected a call to lookup_order with args {"order_id":"A-17"}; lookup_order was called, but /order_id is "A-71", expected "A-17"`;
    expect(run.stdout).toContain(why);
    expect(run.stdout).toContain(`    tool calls:\n      ${called}\n`);
    const results = readResults("reports/results.json");
    for (const provider of PROVIDERS) {
      const failed = result(results, "looks the order up", provider);
      expect(failed.status).toBe("fail");
      expect(failed.toolCalls).toEqual([{ name: "lookup_order", args: { order_id: "A-71" } }]);
    }
    // After the reply's text in <system-out>, and in the <failure> body.
    expect(read("reports/junit.xml")).toContain(`tool calls: ${called}</system-out>`);
    expect(read("reports/junit.xml")).toContain(`tool calls: ${called}</failure>`);
    expect(read("reports/report.md")).toContain(`Tool calls: \`${called}\``);
    // The HTML page draws each case from its embedded data (html-report-browser.test.ts shows it drawn).
    const page = reportDataOf(read("reports/report.html"));
    expect(
      page.cases.filter((c) => c.result.test === "looks the order up").map((c) => c.result.toolCalls),
    ).toEqual(PROVIDERS.map(() => [{ name: "lookup_order", args: { order_id: "A-71" } }]));

    const github = await promptops("test", "--reporter", "github");
    expect(github.code).toBe(1);
    const annotation = github.stdout.split("\n").find((line) => line.startsWith("::error"))!;
    expect(annotation).toContain("file=prompts/support.prompt.yaml,line=");
    expect(annotation).toContain(`%0Atool calls: ${called}`);
  });

  it("fail, not crash, when OpenAI's model writes arguments that are not JSON", async () => {
    server.reply = (request) =>
      request.api === "openai" && userText(request).includes("A-17")
        ? { text: null, toolCalls: [{ name: "lookup_order", arguments: '{"order_id": "A-17"' }] }
        : modelReply(request);
    const run = await promptops("test", "--reporter", "json", "--output", "results.json");
    expect(run.code).toBe(1);
    const results = readResults("results.json");
    expect(validateResults(results), JSON.stringify(validateResults.errors)).toBe(true);
    expect(results.summary).toMatchObject({ total: 6, passed: 5, failed: 1, errors: 0 });
    const broken = result(results, "looks the order up", "openai:gpt-4o-mini");
    expect(broken.toolCalls).toEqual([
      { name: "lookup_order", args: '{"order_id": "A-17"', argsError: expect.stringContaining("JSON") },
    ]);
    expect(broken.assertions[0]!.message).toMatch(
      /^expected a call to lookup_order with args \{"order_id":"A-17"\}; lookup_order was called, but its arguments are not valid JSON \(.+\): "\{\\"order_id\\": \\"A-17\\""/,
    );
  });

  it("report a hostile model's calls as written, and end normally", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    server.reply = (request) =>
      request.api === "openai" && userText(request).includes("A-17")
        ? {
            text: null,
            toolCalls: [
              { name: "lookup_order", arguments: `{"__proto__":{"order_id":"A-17"},"order_id":"A-17"}` },
              { name: "lookup_order", arguments: `{"order_id":${deep}}` },
            ],
          }
        : modelReply(request);
    const run = await promptops(
      ...["test", "--reporter", "pretty", "--reporter", "json", "--reporter", "junit"],
      ...["--reporter", "markdown", "--reporter", "html", "--output-dir", "reports"],
    );
    expect(run.stderr).not.toContain("internal error");
    expect(run.code).toBe(0);
    const results = readResults("reports/results.json");
    expect(validateResults(results), JSON.stringify(validateResults.errors)).toBe(true);
    const hostile = result(results, "looks the order up", "openai:gpt-4o-mini");
    // A __proto__ key is a key like any other, in the report as in the check.
    expect(JSON.stringify(hostile.toolCalls![0]!.args)).toBe(
      '{"__proto__":{"order_id":"A-17"},"order_id":"A-17"}',
    );
    expect(hostile.toolCalls![1]).toMatchObject({ argsError: "they nest more than 64 levels deep" });
  });

  it("fail when the model calls a tool it must not, naming the call", async () => {
    server.reply = (request) =>
      userText(request).includes("policy")
        ? {
            text: "Refunds within 30 days.",
            toolCalls: [{ name: "issue_refund", arguments: '{"amount":5}' }],
          }
        : modelReply(request);
    const run = await promptops("test");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'no-tool-call: expected no tool call; the model called issue_refund {"amount":5}',
    );
  });

  it("keep their calls in the response cache: a re-run sends nothing and judges the same", async () => {
    const first = await promptops("test", "--reporter", "json", "--output", "first.json");
    expect(first.code).toBe(0);
    server.resetForNextTest();
    server.reply = () => "I would never call a tool.";
    const second = await promptops("test", "--reporter", "json", "--output", "second.json");
    expect(server.stats.total).toBe(0);
    expect(second.code).toBe(0);
    const strip = (run: RunResults) =>
      run.results.map(({ toolCalls, status, test, provider }) => ({ toolCalls, status, test, provider }));
    expect(strip(readResults("second.json"))).toEqual(strip(readResults("first.json")));
    expect(readResults("second.json").results.every((r) => r.cached)).toBe(true);
  });

  it("do not take a cached reply that kept no calls (written before replies kept them) as 'no call made'", async () => {
    expect((await promptops("test")).code).toBe(0);
    const entries = filesUnder(join(repo.root, ".promptops", "cache"));
    expect(entries).toHaveLength(6);
    for (const entry of entries) {
      const { toolCalls: _dropped, ...older } = JSON.parse(entry.text);
      writeFileSync(entry.path, JSON.stringify(older));
    }
    server.resetForNextTest();
    server.reply = modelReply;
    const run = await promptops("test");
    expect(run.code).toBe(0);
    expect(server.stats.total).toBe(6);
  });

  it("with --repeat, show each sample's own calls, and pass at the test's pass-rate", async () => {
    await repo.write(
      "prompts/support.prompt.yaml",
      supportPrompt.replace(
        "  - name: looks the order up\n",
        "  - name: looks the order up\n    pass-rate: 0.5\n",
      ),
    );
    // A model that looks the order up only every other time it is asked.
    let asked = 0;
    server.reply = (request) =>
      userText(request).includes("A-17") && asked++ % 2 === 1
        ? "Which order do you mean?"
        : modelReply(request);
    const run = await promptops(
      "test",
      "--filter",
      "looks the order up",
      "--providers",
      "openai:gpt-4o-mini",
      "--repeat",
      "2",
      "--reporter",
      "json",
      "--output",
      "results.json",
    );
    expect(run.code).toBe(0);
    const results = readResults("results.json");
    expect(validateResults(results), JSON.stringify(validateResults.errors)).toBe(true);
    const [repeated] = results.results;
    expect(repeated!.repeats!.passRate).toBe(0.5);
    expect(repeated!.repeats!.samples.map((s) => s.toolCalls)).toEqual(
      expect.arrayContaining([[], [{ name: "lookup_order", args: { order_id: "A-17" } }]]),
    );
  });

  it("with --baseline, show which calls the published version made and the draft no longer does", async () => {
    expect((await promptops("publish", "-m", "first support prompt")).code).toBe(0);
    await repo.write(
      "prompts/support.prompt.yaml",
      supportPrompt.replace(
        "You help Acme customers with their orders.",
        "Answer from memory, in text only.",
      ),
    );
    server.reply = (request) =>
      JSON.stringify(request.body.messages ?? request.body.system).includes("in text only")
        ? "Your order is on its way."
        : modelReply(request);
    const run = await promptops(
      ...["test", "--baseline", "v1", "--providers", "openai:gpt-4o-mini"],
      ...["--reporter", "pretty", "--reporter", "json", "--output", "results.json"],
    );
    expect(run.code).toBe(1);
    const regressed = result(readResults("results.json"), "looks the order up", "openai:gpt-4o-mini");
    expect(regressed.baseline).toMatchObject({
      change: "regressed",
      toolCalls: [{ name: "lookup_order", args: { order_id: "A-17" } }],
    });
    expect(regressed.toolCalls).toEqual([]);
    expect(run.stdout).toContain('tool calls: v1 lookup_order {"order_id":"A-17"} → draft none');
  });

  it("on echo, fail with a note that echo makes no tool calls", async () => {
    const run = await promptops("test", "--providers", "echo");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "note: echo: echo makes no tool calls: a tool-call assertion fails on it, and no-tool-call always holds",
    );
    expect(run.stdout).toContain("tool-call: expected a call to lookup_order");
    expect(server.stats.total).toBe(0);
  });
});

describe("validate checks tool assertions against the tools the prompt declares", () => {
  it("points at a tool the prompt does not declare, and at a prompt without tools, with what was meant", async () => {
    await repo.write(
      "prompts/support.prompt.yaml",
      supportPrompt.replace(
        "- tool-call: { name: lookup_order, args: { order_id: A-17 } }",
        "- tool-call: { name: lookup_ordr, args: { order_id: A-17 } }",
      ),
    );
    await repo.write(
      "prompts/greeting.prompt.yaml",
      `messages:
  - role: user
    content: Say hello.
tests:
  - name: greets
    assert:
      - tool-call: lookup_order
`,
    );
    const run = await promptops("validate");
    expect(run.code).toBe(1);
    const said = run.stdout + run.stderr;
    expect(said).toContain(
      "prompts/greeting.prompt.yaml:7:9: error: tool-call: the prompt declares no tools",
    );
    expect(said).toContain(
      'prompts/support.prompt.yaml:22:28: error: tool-call: the prompt declares no tool "lookup_ordr" (did you mean "lookup_order"?)',
    );
    // Nothing is sent for a project that does not validate.
    const test = await promptops("test");
    expect(test.code).not.toBe(0);
    expect(server.stats.total).toBe(0);
  });
});
