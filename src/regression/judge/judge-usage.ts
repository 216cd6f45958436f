import { addUsd } from "../../providers/pricing.js";
import type { JudgeUsage } from "../results.js";

/** A grader reply as usage sees it: tokens, whether it came from the cache, and its price. */
export interface GraderReply {
  tokens: { input: number; output: number };
  cached: boolean;
  /** Of these tokens; null when the model's price is unknown. */
  costUsd: number | null;
}

/** Adds up grader replies, as a case's tokens and cost are added up: a cache hit spends nothing. */
export class UsageTally {
  calls = 0;
  readonly tokens = { input: 0, output: 0 };
  costUsd: number | null = 0;

  add(reply: GraderReply): void {
    this.calls++;
    this.tokens.input += reply.tokens.input;
    this.tokens.output += reply.tokens.output;
    if (!reply.cached) this.costUsd = addUsd(this.costUsd, reply.costUsd);
  }

  /** Another tally's sums, e.g. a case's into the run's. */
  addAll(usage: JudgeUsage): void {
    this.calls += usage.calls;
    this.tokens.input += usage.tokens.input;
    this.tokens.output += usage.tokens.output;
    this.costUsd = addUsd(this.costUsd, usage.costUsd);
  }

  /** The JSON field, or undefined when no grader replied (the field is then left out). */
  usage(): JudgeUsage | undefined {
    if (this.calls === 0) return undefined;
    return { calls: this.calls, tokens: { ...this.tokens }, costUsd: this.costUsd };
  }
}

/** The sum of several runs' (or shards') judge usage; undefined when none had any. */
export function sumJudgeUsage(usages: ReadonlyArray<JudgeUsage | undefined>): JudgeUsage | undefined {
  const total = new UsageTally();
  for (const usage of usages) if (usage) total.addAll(usage);
  return total.usage();
}
