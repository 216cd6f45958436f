import { oneLine } from "../../text/truncate.js";
import type { AssertionContext, AssertionOutcome } from "../assertions/index.js";
import { formatScore, type GraderScope, graderError, readThreshold } from "./grader-scope.js";
import { judgeRequest } from "./judge-prompt.js";
import { parseJudgment } from "./parse-judgment.js";

export const DEFAULT_JUDGE_THRESHOLD = 0.7;

export const NO_JUDGE = "no judge provider configured (set `judge:` in promptops.config.yaml)";

export interface JudgeOptions {
  rubric: string;
  threshold: number;
  provider: string | undefined;
}

/**
 * `llm-judge: "rubric"` or `{ rubric, threshold, provider }`: the judge prompt asks the judge model
 * for a JSON verdict on the output; the score against the threshold decides. A judge that cannot be
 * asked, or whose reply is no usable verdict, throws: the case is an `error`, never a silent pass.
 */
export async function llmJudge(
  value: unknown,
  context: AssertionContext,
  scope: GraderScope,
): Promise<AssertionOutcome> {
  const options = judgeOptions(value);
  if (typeof options === "string") return { pass: false, score: 0, message: options };
  const provider = scope.judgeProvider(options.provider);
  if (!provider) return { pass: false, score: 0, message: NO_JUDGE };
  const prompt = scope.judgePrompt;
  if (!prompt) throw new Error("llm-judge: the run has a judge but no judge prompt (a bug in promptops)");
  const request = judgeRequest(prompt, {
    rubric: options.rubric,
    output: context.output,
    vars: context.vars,
  });
  let reply: Awaited<ReturnType<GraderScope["caller"]["call"]>>;
  try {
    // An unreadable verdict is not cached: the next run asks again rather than repeat the error.
    reply = await scope.caller.call(provider, request, 1, { keep: (output) => parseJudgment(output).ok });
  } catch (error) {
    throw graderError(`llm-judge: the judge ${provider.id} failed`, error);
  }
  scope.record(provider, reply);
  const parsed = parseJudgment(reply.output);
  if (!parsed.ok)
    throw new Error(`llm-judge: the judge ${provider.id} gave no usable verdict: ${parsed.problem}`);
  const { score, pass: said, reasoning } = parsed.judgment;
  const pass = score >= options.threshold;
  const verdict =
    said === undefined ? `judge ${provider.id}` : `judge ${provider.id} said ${said ? "pass" : "fail"}`;
  const why = reasoning ? `: ${oneLine(reasoning, 300)}` : "";
  return {
    pass,
    score,
    message: `score ${formatScore(score, options.threshold)} ${pass ? ">=" : "<"} ${options.threshold} (${verdict})${why}`,
  };
}

/** An llm-judge assertion's value read as options, or what is wrong with it. */
export function judgeOptions(value: unknown): JudgeOptions | string {
  if (typeof value === "string") {
    if (value.trim() === "") return "llm-judge: the rubric is empty";
    return { rubric: value, threshold: DEFAULT_JUDGE_THRESHOLD, provider: undefined };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return `llm-judge expects a rubric or { rubric, threshold, provider }, found ${JSON.stringify(value)}`;
  const { rubric, threshold, provider } = value as Record<string, unknown>;
  if (typeof rubric !== "string" || rubric.trim() === "")
    return "llm-judge: `rubric` must be a non-empty text";
  const checked = readThreshold(threshold, DEFAULT_JUDGE_THRESHOLD);
  if (typeof checked === "string") return `llm-judge: ${checked}`;
  return { rubric, threshold: checked, provider: typeof provider === "string" ? provider : undefined };
}
