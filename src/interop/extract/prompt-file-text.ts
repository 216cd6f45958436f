import { relative } from "node:path";
import { stringify } from "yaml";
import type { CallShape, ExtractedPrompt } from "./extracted-prompt.js";

const PROVIDER: Record<CallShape, string> = {
  "openai-chat": "openai",
  "openai-responses": "openai",
  "anthropic-messages": "anthropic",
};

/**
 * The prompt file for an extracted prompt: where it came from, its model and literal params,
 * each variable with its JSON Schema type where the code's types say it, the messages.
 * `schemaRef` is the editor schema's path relative to the file.
 */
export function promptFileText(prompt: ExtractedPrompt, projectRoot: string, schemaRef: string): string {
  const file: Record<string, unknown> = {};
  const where = `${relative(projectRoot, prompt.call.file).split("\\").join("/")}:${prompt.call.line}`;
  file.description = `Extracted from ${where}${prompt.functionName ? ` (${prompt.functionName})` : ""} by promptops extract`;
  if (prompt.model !== undefined) {
    const params = Object.keys(prompt.params).length > 0 ? { params: prompt.params } : {};
    file.model = { provider: PROVIDER[prompt.shape], name: prompt.model, ...params };
  }
  if (prompt.variables.length > 0)
    file.variables = Object.fromEntries(
      prompt.variables.map((v) => [v.name, v.type ? { type: v.type } : {}]),
    );
  if (prompt.responseFormat !== undefined) file.response_format = prompt.responseFormat;
  file.messages = prompt.messages.map((m) => ({ role: m.role, content: m.content }));
  const header = `# yaml-language-server: $schema=${schemaRef}\n`;
  return header + stringify(file, { lineWidth: 0, aliasDuplicateObjects: false });
}
