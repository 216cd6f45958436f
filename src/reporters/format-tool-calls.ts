import { type CaseResult, versionLabel } from "../regression/results.js";
import { describeCall } from "../regression/tool-call-results.js";

/** How much of each call's arguments a report line shows; the JSON report has them whole. */
const ARGS_SHOWN = 300;

/**
 * One line per tool call the case's reply made, for the reports that show a case's output: none
 * when the case has no `toolCalls` (no tools declared, or no reply), "none" when the model called
 * no tool though it could.
 */
export function toolCallLines(result: Pick<CaseResult, "toolCalls">): string[] | undefined {
  const calls = result.toolCalls;
  if (!calls) return undefined;
  return calls.length === 0 ? ["none"] : calls.map((call) => describeCall(call, ARGS_SHOWN));
}

/** `tool calls: lookup_order {"order_id":"A-17"}; refund {…}`, or undefined as toolCallLines. */
export function toolCallsSummary(result: Pick<CaseResult, "toolCalls">): string | undefined {
  const lines = toolCallLines(result);
  return lines && `tool calls: ${lines.join("; ")}`;
}

/**
 * For a regressed case, how its calls moved: `tool calls: v1 lookup_order {…} → draft none`; undefined
 * when neither side has calls to show or both made the same ones.
 */
export function toolCallsChange(result: CaseResult): string | undefined {
  const baseline = result.baseline;
  if (!baseline || (!baseline.toolCalls && !result.toolCalls)) return undefined;
  if (JSON.stringify(baseline.toolCalls ?? []) === JSON.stringify(result.toolCalls ?? [])) return undefined;
  const side = (calls: CaseResult["toolCalls"]) =>
    (toolCallLines({ toolCalls: calls ?? [] }) ?? []).join("; ");
  return `tool calls: v${baseline.version} ${side(baseline.toolCalls)} → ${versionLabel(result.version)} ${side(result.toolCalls)}`;
}
