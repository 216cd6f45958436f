import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RunResults } from "../../src/regression/results.js";
import type { FakeRequest } from "../fake-provider/fake-provider-server.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { runCli } from "../helpers/run-cli.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// DESIGN.md §5, "Which models a prompt is tested on": the built CLI in a git repository, against
// the fake OpenAI and Anthropic endpoints.
const KEY = "sk-own-model-0123456789abcdef";
const server = fakeProviderServerPerFile({ apiKey: KEY });
let repo: TempRepo;
afterEach(() => repo?.cleanup());

const env = () => ({
  OPENAI_BASE_URL: server.openaiBaseURL,
  OPENAI_API_KEY: KEY,
  ANTHROPIC_BASE_URL: server.anthropicBaseURL,
  ANTHROPIC_API_KEY: KEY,
});
const promptops = (...args: string[]) => runCli(args, { cwd: repo.root, env: env() });

/**
 * A prompt that asks its question back (the fake server replies with the last user message); its
 * system message names its model, so that prompts written for two models send different requests.
 */
const prompt = (model: string, extra = "") => `${model ? `model: ${model}\n` : ""}variables:
  question: { type: string }
messages:
  - role: system
    content: "You answer questions. (${model})"
  - role: user
    content: "{{ question }}"
${extra}tests:
  - name: answers about refunds
    vars: { question: "How do refunds work?" }
    assert:
      - icontains: refund
`;

async function project(files: Record<string, string>): Promise<TempRepo> {
  repo = await makeTempRepo();
  for (const [path, content] of Object.entries(files)) await repo.write(path, content);
  await repo.commit("prompts");
  return repo;
}

/** Which model each request named, per prompt-run order does not matter. */
const modelsAsked = (requests: readonly FakeRequest[]) => requests.map((r) => r.body?.model as string).sort();

async function jsonRun(...args: string[]) {
  const run = await promptops("test", "--reporter", "json", "--output", "r.json", ...args);
  const results: RunResults = JSON.parse(readFileSync(join(repo.root, "r.json"), "utf8"));
  const ranOn = (id: string) =>
    results.results
      .filter((r) => r.prompt === id)
      .map((r) => r.provider)
      .sort();
  return { run, results, ranOn };
}

describe("a prompt is tested on the model it declares, plus the config's matrix", () => {
  it("a prompt written for gpt-4o runs on gpt-4o and the config's gpt-4o-mini; one written for gpt-4o-mini runs once", async () => {
    await project({
      "promptops.config.yaml": "providers: [openai:gpt-4o-mini]\n",
      "prompts/refunds.prompt.yaml": prompt("{ provider: openai, name: gpt-4o }"),
      "prompts/faq.prompt.yaml": prompt("{ provider: openai, name: gpt-4o-mini }"),
    });
    const { run, ranOn } = await jsonRun();
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(ranOn("refunds")).toEqual(["openai:gpt-4o", "openai:gpt-4o-mini"]);
    expect(ranOn("faq")).toEqual(["openai:gpt-4o-mini"]);
    expect(modelsAsked(server.requests)).toEqual(["gpt-4o", "gpt-4o-mini", "gpt-4o-mini"]);
  });

  it("the run says which providers each prompt ran on", async () => {
    await project({
      "promptops.config.yaml": "providers: [openai:gpt-4o-mini]\n",
      "prompts/refunds.prompt.yaml": prompt("{ provider: openai, name: gpt-4o }"),
      "prompts/faq.prompt.yaml": prompt("{ provider: openai, name: gpt-4o-mini }"),
      "prompts/billing.prompt.yaml": prompt("{ provider: openai, name: gpt-4o }"),
    });
    const run = await promptops("test");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("billing, refunds ran on openai:gpt-4o, openai:gpt-4o-mini\n");
    expect(run.stdout).toContain("faq ran on openai:gpt-4o-mini\n");
  });

  it("the prompt's own params are what is sent to its model, whatever a matrix entry pins", async () => {
    await project({
      "promptops.config.yaml": `providers:
  - { id: fast, kind: openai, model: gpt-4o-mini, params: { temperature: 0, seed: 7 } }
`,
      "prompts/refunds.prompt.yaml": prompt(
        "{ provider: openai, name: gpt-4o, params: { temperature: 0.7, max_tokens: 50 } }",
      ),
      // Its model is the config entry `fast`: that endpoint, with the prompt's own temperature.
      "prompts/faq.prompt.yaml": prompt(
        "{ provider: fast, name: gpt-4o-mini, params: { temperature: 0.4 } }",
      ),
    });
    const { run, ranOn } = await jsonRun();
    expect(run.code).toBe(0);
    expect(ranOn("refunds")).toEqual(["fast", "openai:gpt-4o"]);
    // faq's own model is `fast` with the prompt's temperature, which the entry pins otherwise: two runs.
    expect(ranOn("faq")).toEqual(["fast", "fast:gpt-4o-mini"]);
    const sent = server.requests.map((r) => ({
      model: r.body.model,
      temperature: r.body.temperature,
      max_tokens: r.body.max_tokens,
      seed: r.body.seed,
    }));
    expect(sent).toContainEqual({ model: "gpt-4o", temperature: 0.7, max_tokens: 50, seed: undefined });
    // The matrix entry pins its temperature over refunds' own…
    expect(sent).toContainEqual({ model: "gpt-4o-mini", temperature: 0, max_tokens: 50, seed: 7 });
    expect(sent).toContainEqual({ model: "gpt-4o-mini", temperature: 0, max_tokens: undefined, seed: 7 });
    // …but faq's own model is `fast`, and its own temperature wins there.
    expect(sent).toContainEqual({ model: "gpt-4o-mini", temperature: 0.4, max_tokens: undefined, seed: 7 });
    expect(sent).toHaveLength(4);
  });

  it("two prompts on one model each send their own params, never the other's", async () => {
    await project({
      "promptops.config.yaml": `providers:
  - { id: fast, kind: openai, model: gpt-4o-mini, params: { temperature: 0, seed: 7 } }
`,
      "prompts/a-chatty.prompt.yaml": prompt(
        "{ provider: openai, name: gpt-4o, params: { temperature: 0.9, max_tokens: 300 } }",
      ),
      "prompts/b-exact.prompt.yaml": prompt("{ provider: openai, name: gpt-4o, params: { temperature: 0 } }"),
      "prompts/c-plain.prompt.yaml": prompt("{ provider: openai, name: gpt-4o }", "providers: []\n"),
      // Two prompts whose own model is the entry `fast` under another temperature: `fast:gpt-4o-mini`.
      "prompts/d-warm.prompt.yaml": prompt(
        "{ provider: fast, name: gpt-4o-mini, params: { temperature: 0.4 } }",
        "providers: []\n",
      ),
      "prompts/e-hot.prompt.yaml": prompt(
        "{ provider: fast, name: gpt-4o-mini, params: { temperature: 0.8, max_tokens: 20 } }",
        "providers: []\n",
      ),
    });
    const { run } = await jsonRun();
    expect(run.code).toBe(0);
    const sent = (model: string) =>
      server.requests
        .filter((r) => r.body.model === model && !r.body.seed)
        .map((r) => ({ system: r.body.messages[0].content, t: r.body.temperature, max: r.body.max_tokens }));
    expect(sent("gpt-4o").sort((x, y) => x.system.localeCompare(y.system))).toEqual([
      { system: "You answer questions. ({ provider: openai, name: gpt-4o })", t: undefined, max: undefined },
      { system: expect.stringContaining("temperature: 0 }"), t: 0, max: undefined },
      { system: expect.stringContaining("temperature: 0.9"), t: 0.9, max: 300 },
    ]);
    const own = server.requests
      .filter((r) => r.body.model === "gpt-4o-mini" && String(r.body.messages[0].content).includes("fast"))
      .map((r) => ({ t: r.body.temperature, max: r.body.max_tokens, seed: r.body.seed }))
      .sort((x, y) => x.t - y.t);
    expect(own).toEqual([
      { t: 0.4, max: undefined, seed: 7 },
      { t: 0.8, max: 20, seed: 7 },
    ]);
  });

  it("a prompt with no model and no configured providers is refused before anything is sent", async () => {
    await project({ "prompts/faq.prompt.yaml": prompt("") });
    const run = await promptops("test");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: prompts/faq.prompt.yaml: prompt "faq" has no model to test on');
    expect(run.stderr).toContain("declare `model:` in the prompt, or list `providers:`");
    expect(server.stats.total).toBe(0);
  });
});

describe("a prompt narrows or extends its own matrix with `providers:`", () => {
  const config = "providers: [openai:gpt-4o-mini, openai:gpt-4.1-nano]\n";

  it("`providers: []` tests only its own model; a list replaces the config's, Anthropic included", async () => {
    await project({
      "promptops.config.yaml": config,
      "prompts/refunds.prompt.yaml": prompt("{ provider: openai, name: gpt-4o }", "providers: []\n"),
      "prompts/faq.prompt.yaml": prompt(
        "{ provider: openai, name: gpt-4o }",
        "providers: [openai:gpt-4o-mini, anthropic:claude-haiku-4-5]\n",
      ),
      "prompts/billing.prompt.yaml": prompt("{ provider: openai, name: gpt-4o }"),
    });
    expect((await promptops("validate")).code).toBe(0);
    const { run, ranOn } = await jsonRun();
    expect(run.code).toBe(0);
    expect(ranOn("refunds")).toEqual(["openai:gpt-4o"]);
    expect(ranOn("faq")).toEqual(["anthropic:claude-haiku-4-5", "openai:gpt-4o", "openai:gpt-4o-mini"]);
    expect(ranOn("billing")).toEqual(["openai:gpt-4.1-nano", "openai:gpt-4o", "openai:gpt-4o-mini"]);
    expect(server.requests.filter((r) => r.api === "anthropic")).toHaveLength(1);
  });

  it("editing `providers:` is not a new version of the prompt", async () => {
    await project({
      "promptops.config.yaml": config,
      "prompts/refunds.prompt.yaml": prompt("{ provider: openai, name: gpt-4o }"),
    });
    expect((await promptops("publish", "-m", "first")).code).toBe(0);
    await repo.write(
      "prompts/refunds.prompt.yaml",
      prompt("{ provider: openai, name: gpt-4o }", "providers: [anthropic:claude-haiku-4-5]\n"),
    );
    await repo.commit("test refunds on Claude too");
    const status = await promptops("status", "--json");
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).prompts[0]).toMatchObject({
      id: "refunds",
      latest: { version: 1 },
      draft: "unchanged",
    });
    const published = await promptops("publish", "--dry-run");
    expect(published.stdout).not.toContain("v2");
  });
});

describe("--providers replaces the whole matrix for one run", () => {
  const files = {
    "promptops.config.yaml": "providers: [openai:gpt-4.1-nano]\n",
    "prompts/refunds.prompt.yaml": prompt("{ provider: openai, name: gpt-4o }"),
    "prompts/faq.prompt.yaml": prompt("{ provider: openai, name: gpt-4o-mini }", "providers: [echo]\n"),
  };

  it("a bare kind tests each prompt on its own model of that kind", async () => {
    await project(files);
    const { run, ranOn } = await jsonRun("--providers", "openai");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(ranOn("refunds")).toEqual(["openai:gpt-4o"]);
    expect(ranOn("faq")).toEqual(["openai:gpt-4o-mini"]);
  });

  it("kind:model runs every prompt on that model only", async () => {
    await project(files);
    const { run, results } = await jsonRun("--providers", "anthropic:claude-haiku-4-5");
    expect(run.code).toBe(0);
    expect(results.results.map((r) => r.provider)).toEqual([
      "anthropic:claude-haiku-4-5",
      "anthropic:claude-haiku-4-5",
    ]);
    expect(server.requests.every((r) => r.api === "anthropic")).toBe(true);
  });

  it("a bare kind that is not a prompt's own model's says what is wrong, and sends nothing", async () => {
    await project({
      ...files,
      "prompts/summaries.prompt.yaml": prompt("{ provider: anthropic, name: claude-haiku-4-5 }"),
    });
    const run = await promptops("test", "--providers", "openai");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'error: prompts/summaries.prompt.yaml: --providers openai leaves prompt "summaries" with no provider: its own model is anthropic:claude-haiku-4-5',
    );
    expect(run.stderr).toContain("--providers openai,anthropic:claude-haiku-4-5");
    expect(server.stats.total).toBe(0);
  });
});

describe("promptops init", () => {
  it("leaves no echo in the matrix: its example is tested on its own model, and --providers echo checks it offline", async () => {
    repo = await makeTempRepo();
    expect((await promptops("init")).code).toBe(0);
    const config = readFileSync(join(repo.root, "promptops.config.yaml"), "utf8");
    expect(config).toMatch(/^providers: \[\]$/m);
    // A model that answers well passes the example's tests.
    server.reply = (request) => {
      const asked = JSON.stringify(request.body.messages.at(-1).content);
      return asked.includes("Ann")
        ? "Hi Ann, yes: returns are accepted for 30 days after delivery."
        : "Hi Bo, your parcel ships within 2 business days of your order.";
    };
    const { run, ranOn } = await jsonRun();
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(ranOn("order-help")).toEqual(["openai:gpt-4o-mini", "openai:gpt-4o-mini"]);
    expect(server.stats.total).toBe(2);

    const offline = await runCli(["test", "--providers", "echo"], { cwd: repo.root, env: {} });
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain("order-help ran on echo");
    expect(server.stats.total).toBe(2);
  });
});
