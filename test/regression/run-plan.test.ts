import { afterEach, describe, expect, it } from "vitest";
import { loadConfigOrThrow } from "../../src/config/load-config.js";
import { discoverPromptFiles } from "../../src/prompt/discover.js";
import { checkPrompts } from "../../src/prompt/prompt-project.js";
import { parseProviderSpec } from "../../src/providers/provider-spec.js";
import type { PromptUnderTest, TestCase } from "../../src/regression/plan-cases.js";
import { estimatePlanCost, type PlanInputs, planTestRun } from "../../src/regression/run-plan.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";

let project: ProjectDir | undefined;
afterEach(() => project?.cleanup());

const prompt = (tests: string) => `model: { provider: openai, name: gpt-4o-mini, params: { max_tokens: 100 } }
variables:
  question: { type: string }
messages:
  - role: user
    content: "{{ question }}"
tests:
${tests}`;

/**
 * A support project: `greeting` (one test an llm-judge grades, one plain) and `refund` (one plain
 * test), tested on two models, its judge a third. No key is set anywhere: the plan needs none.
 */
function supportProject(): PlanInputs["config"] {
  project = makeProjectDir({
    "promptops.config.yaml": `promptsDir: prompts
providers: [openai:gpt-4o-mini, "openai:gpt-4.1-nano"]
judge: openai:gpt-4o
`,
    "prompts/greeting.prompt.yaml": prompt(`  - name: is warm
    vars: { question: Hello? }
    assert:
      - llm-judge: Greets the customer warmly
  - name: is short
    vars: { question: Hi }
    assert:
      - max-length: 200
`),
    "prompts/refund.prompt.yaml": prompt(`  - name: mentions refunds
    vars: { question: Refund? }
    assert:
      - icontains: refund
`),
  });
  return loadConfigOrThrow(project.root);
}

function draftsOf(config: PlanInputs["config"]): PromptUnderTest[] {
  return checkPrompts(config, discoverPromptFiles(config.promptsDir)).prompts.map((checked) => ({
    prompt: checked,
    version: "draft",
    hash: checked.result!.hash,
    compiled: checked.result!.compiled,
  }));
}

/** --baseline env:production: greeting v1 differs from its draft, refund v2 is the draft's content. */
function withProductionBaseline(config: PlanInputs["config"], repeat: number, judgePairwise = false) {
  const tested = draftsOf(config);
  const [greeting, refund] = tested;
  const greetingV1: PromptUnderTest = {
    ...greeting!,
    version: 1,
    hash: "sha256:greeting-v1",
    compiled: { ...greeting!.compiled, messages: [{ role: "user", content: "Say hi: {{ question }}" }] },
  };
  const refundV2: PromptUnderTest = { ...refund!, version: 2 };
  const inputs: PlanInputs = {
    config,
    providers: config.providers.map(parseProviderSpec),
    tested,
    selection: { repeat },
    baseline: { ref: "env:production", units: [greetingV1, refundV2], missing: [] },
    judgePairwise,
  };
  return inputs;
}

const keys = (cases: readonly TestCase[]) => cases.map((c) => c.key);

describe("the plan of a test run, made before any provider exists", () => {
  it("with a baseline and --repeat 2: every sample on both models, and the baseline's own calls only where content differs", () => {
    const config = supportProject();
    const plan = planTestRun(withProductionBaseline(config, 2));

    expect(plan.cases).toHaveLength(3 * 2 * 2); // 3 tests × 2 models × 2 samples
    expect(keys(plan.cases).slice(0, 4)).toEqual([
      "greeting@draft|is warm|openai:gpt-4o-mini|1",
      "greeting@draft|is warm|openai:gpt-4o-mini|2",
      "greeting@draft|is warm|openai:gpt-4.1-nano|1",
      "greeting@draft|is warm|openai:gpt-4.1-nano|2",
    ]);
    expect(plan.sent).toEqual(plan.cases);
    expect(plan.providers.map((s) => s.id)).toEqual(["openai:gpt-4o-mini", "openai:gpt-4.1-nano"]);

    // refund v2 is the draft's content: its cases take the tested replies and send nothing of their own.
    expect(plan.baseline?.versions.get("refund")).toEqual({
      version: 2,
      hash: plan.cases.at(-1)!.hash,
      same: true,
    });
    expect(plan.baseline?.versions.get("greeting")).toMatchObject({ version: 1, same: false });
    expect(keys(plan.baseline!.cases)).toEqual(
      keys(plan.cases.filter((c) => c.promptId === "greeting")).map((key) => key.replace("@draft|", "@1|")),
    );
    expect(plan.baseline!.cases[0]!.compiled.messages).toEqual([
      { role: "user", content: "Say hi: {{ question }}" },
    ]);

    // The judge grades both sides' "is warm" samples: it is planned (and its key checked) up front.
    expect(plan.grading.specs.map((s) => s.id)).toEqual(["openai:gpt-4o"]);
    expect(plan.grading.asksJudge).toBe(true);
    expect(plan.pairwise).toBe(false);
  });

  it("prices every call the plan makes at list price: tested, baseline and judge, and pairwise in both orders", () => {
    const config = supportProject();
    // A flat price per call by model, so the estimate counts calls.
    const perCall: Record<string, number> = { "gpt-4o-mini": 0.001, "gpt-4.1-nano": 0.0001, "gpt-4o": 0.01 };
    const price = (provider: { model: string }) => perCall[provider.model] ?? null;

    const plain = planTestRun(withProductionBaseline(config, 2));
    // Tested: 6 cases a model, 12 calls; baseline: greeting's 4 cases a model, 8 calls;
    // judge: the 4 "is warm" samples on each side, 8 calls.
    const estimate = estimatePlanCost(plain, price);
    expect(estimate).toMatchObject({ unpriced: [], cached: 0 });
    expect(estimate.usd).toBeCloseTo(0.0066 + 0.0044 + 0.08, 10);

    const pairwise = planTestRun(withProductionBaseline(config, 2, true));
    expect(pairwise.pairwise).toBe(true);
    // --judge-pairwise: two more judge calls (one per order) for each tested "is warm" sample.
    expect(estimatePlanCost(pairwise, price).usd).toBeCloseTo(0.0066 + 0.0044 + 0.08 + 8 * 0.01, 10);

    // What the response cache holds costs nothing: all of gpt-4o-mini's tested calls here.
    const cached = new Set(plain.cases.filter((c) => c.provider === "openai:gpt-4o-mini"));
    expect(estimatePlanCost(plain, price, cached)).toMatchObject({ cached: 6 });
    expect(estimatePlanCost(plain, price, cached).usd).toBeCloseTo(0.0006 + 0.0044 + 0.08 - 2 * 0.01, 10);
  });

  it("refuses --judge-pairwise without a baseline before anything else is planned to run", () => {
    const config = supportProject();
    const inputs = withProductionBaseline(config, 1, true);
    delete inputs.baseline;
    expect(() => planTestRun(inputs)).toThrow("--judge-pairwise compares with a baseline");
  });

  it("plans nothing for an llm-judge with no judge to ask, even in a version validate never saw", () => {
    const config = supportProject();
    const inputs = withProductionBaseline(config, 1);
    // The published versions were checked with a judge; this run's config has none.
    const unjudged = { ...inputs, config: { ...config, judge: undefined } };
    expect(() => planTestRun(unjudged)).toThrow(
      expect.objectContaining({
        code: "no-judge",
        exitCode: 2,
        message: "llm-judge in greeting › is warm has no judge to ask",
      }),
    );
  });
});
