import type { AssertionContext, AssertionOutcome } from "../assertions/index.js";
import { formatScore, type GraderScope, graderError, readThreshold } from "./grader-scope.js";
import { cosine, lexicalSimilarity } from "./similarity.js";

export const DEFAULT_SIMILAR_THRESHOLD = 0.8;

/** `to: baseline` compares with the baseline's output, which a --baseline run puts on the context. */
export interface BaselineAwareContext extends AssertionContext {
  /** The same case's output on the baseline version; absent when the run has no baseline. */
  baselineOutput?: string;
}

export const BASELINE_TARGET = "baseline";

interface SimilarOptions {
  to: string;
  threshold: number;
  provider: string | undefined;
}

/**
 * `similar: "text"` or `{ to, threshold, provider }`: cosine similarity of the output and the
 * expected text (or the baseline's output), by embeddings when an embeddings provider is set, else
 * by a lexical measure; the message says which. A failed embeddings request throws (case `error`).
 */
export async function similar(
  value: unknown,
  context: BaselineAwareContext,
  scope: GraderScope,
): Promise<AssertionOutcome> {
  const options = similarOptions(value);
  if (typeof options === "string") return { pass: false, score: 0, message: options };
  let expected = options.to;
  let against = "";
  if (options.to === BASELINE_TARGET) {
    if (typeof context.baselineOutput !== "string")
      return { pass: false, score: 0, message: "similar to baseline needs --baseline" };
    expected = context.baselineOutput;
    against = " to the baseline's output";
  }

  const provider = scope.embeddingsProvider(options.provider);
  let similarity: number;
  let method: string;
  if (context.output.trim() === "" || expected.trim() === "") {
    // Nothing to embed (an embeddings API refuses empty input): only two empty texts are alike.
    similarity = context.output.trim() === expected.trim() ? 1 : 0;
    method = context.output.trim() === "" ? "the output is empty" : "the expected text is empty";
  } else if (provider) {
    let reply: Awaited<ReturnType<GraderScope["caller"]["embed"]>>;
    try {
      reply = await scope.caller.embed(provider, [context.output, expected]);
    } catch (error) {
      throw graderError(`similar: embeddings from ${provider.id} failed`, error);
    }
    scope.record(provider, reply);
    const [a, b] = reply.vectors;
    if (!a || !b || a.length !== b.length || a.length === 0)
      throw new Error(
        `similar: ${provider.id} returned unusable embeddings (${reply.vectors.length} vectors)`,
      );
    similarity = cosine(a, b);
    method = `embeddings ${provider.id}`;
  } else {
    similarity = lexicalSimilarity(context.output, expected);
    method = "lexical fallback: no embeddings provider configured";
  }
  const pass = similarity >= options.threshold;
  return {
    pass,
    // Rounding can put a cosine a hair outside 0..1, and embeddings can be negatively aligned.
    score: Math.min(1, Math.max(0, similarity)),
    message: `similarity ${formatScore(similarity, options.threshold)}${against} (${method}) ${pass ? ">=" : "<"} ${options.threshold}`,
  };
}

function similarOptions(value: unknown): SimilarOptions | string {
  if (typeof value === "string")
    return { to: value, threshold: DEFAULT_SIMILAR_THRESHOLD, provider: undefined };
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return `similar expects a text or { to, threshold, provider }, found ${JSON.stringify(value)}`;
  const { to, threshold, provider } = value as Record<string, unknown>;
  if (typeof to !== "string") return "similar: `to` must be a text (or baseline)";
  const checked = readThreshold(threshold, DEFAULT_SIMILAR_THRESHOLD);
  if (typeof checked === "string") return `similar: ${checked}`;
  return { to, threshold: checked, provider: typeof provider === "string" ? provider : undefined };
}
