import { nestedDeeperThan } from "../json-depth.js";
import type { ToolCall } from "../providers/provider.js";
import { truncate } from "../text/truncate.js";
import type { ToolCallResult } from "./results.js";

const MAX_ARGS_DEPTH = 64;

/**
 * The calls of a reply as reports and assertions see them: arguments parsed from the JSON text the
 * model wrote. A model may write arguments that do not parse (OpenAI sends them as a string): that
 * call keeps its text, and `argsError` says why, so an assertion on its arguments fails saying so
 * and a report shows what was written, rather than the run failing.
 */
export function toolCallResults(calls: readonly ToolCall[]): ToolCallResult[] {
  return calls.map(({ name, arguments: text }) => {
    try {
      const args: unknown = JSON.parse(text);
      // Kept as text: every report would walk the value, and no tool's parameters nest this deep.
      if (nestedDeeperThan(args, MAX_ARGS_DEPTH))
        return { name, args: text, argsError: `they nest more than ${MAX_ARGS_DEPTH} levels deep` };
      return { name, args };
    } catch (error) {
      const reason = text.trim() === "" ? "they are empty" : (error as Error).message;
      return { name, args: text, argsError: reason };
    }
  });
}

/** `lookup_order {"order_id":"A-17"}`, the arguments cut to `max` characters. */
export function describeCall(call: ToolCallResult, max = 80): string {
  return call.argsError === undefined
    ? `${call.name} ${truncate(JSON.stringify(call.args) ?? "undefined", max)}`
    : `${call.name} (arguments not valid JSON) ${JSON.stringify(truncate(String(call.args), max))}`;
}
