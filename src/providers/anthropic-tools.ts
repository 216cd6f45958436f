import type { FunctionTool } from "../prompt/prompt-file.js";

/** OpenAI's function tool as an Anthropic tool: its `parameters` are the `input_schema`. */
export function toAnthropicTool(tool: FunctionTool): Record<string, unknown> {
  const { name, description, parameters, strict } = tool.function;
  return {
    name,
    ...(description ? { description } : {}),
    input_schema: parameters ?? { type: "object", properties: {} },
    ...(strict === undefined ? {} : { strict }),
  };
}

const ANTHROPIC_CHOICES = new Set(["auto", "any", "tool", "none"]);

/**
 * A prompt written for OpenAI says `tool_choice: required` or `{ type: function, function: { name } }`
 * and `parallel_tool_calls: false`; the Messages API takes `{ type: any }`, `{ type: tool, name }` and
 * `disable_parallel_tool_use`, and refuses OpenAI's forms with a 400 that would fail every case.
 * Anthropic's own form passes as written. Undefined: send no tool_choice.
 */
export function toAnthropicToolChoice(
  choice: unknown,
  parallelToolCalls: unknown,
  notes: string[],
): Record<string, unknown> | undefined {
  let mapped: Record<string, unknown> | undefined;
  if (choice === "auto" || choice === "none") mapped = { type: choice };
  else if (choice === "required") mapped = { type: "any" };
  else if (typeof choice === "object" && choice !== null && !Array.isArray(choice)) {
    const record = choice as { type?: unknown; function?: { name?: unknown } };
    if (record.type === "function" && typeof record.function?.name === "string")
      mapped = { type: "tool", name: record.function.name };
    else if (typeof record.type === "string" && ANTHROPIC_CHOICES.has(record.type))
      mapped = { ...(choice as Record<string, unknown>) };
  }
  if (choice !== undefined && choice !== null && mapped === undefined)
    notes.push(`tool_choice ${JSON.stringify(choice)} has no Anthropic equivalent: not sent`);
  if (parallelToolCalls === false && mapped?.type !== "none")
    mapped = { ...(mapped ?? { type: "auto" }), disable_parallel_tool_use: true };
  return mapped;
}
