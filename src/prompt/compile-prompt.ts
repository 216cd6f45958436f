import { hashCompiledPrompt } from "./hash.js";
import { inlinePartials } from "./inline-partials.js";
import type { PartialStore } from "./partials.js";
import { type CompiledPrompt, isPlaceholder, type PromptFile, type PromptMessage } from "./prompt-file.js";

export interface CompiledResult {
  compiled: CompiledPrompt;
  hash: string;
  /** Partials the content inlines, directly or transitively. */
  partials: string[];
}

/**
 * The versioned content of a prompt: messages with partials inlined (templates unrendered),
 * model, variables, response_format and tools. Keys absent from the file stay absent.
 */
export function compilePrompt(prompt: PromptFile, store: PartialStore): CompiledResult {
  const partials = new Set<string>();
  const inline = (text: string) => {
    const result = inlinePartials(text, store);
    for (const name of result.partials) partials.add(name);
    return result.text;
  };
  const messages: PromptMessage[] = prompt.messages.map((message) => {
    if (isPlaceholder(message)) return { placeholder: message.placeholder };
    const content =
      typeof message.content === "string"
        ? inline(message.content)
        : message.content.map((part) =>
            part.type === "text"
              ? { type: "text" as const, text: inline(part.text) }
              : {
                  type: "image_url" as const,
                  image_url: { ...part.image_url, url: inline(part.image_url.url) },
                },
          );
    return { role: message.role, content, ...(message.name !== undefined ? { name: message.name } : {}) };
  });
  const compiled: CompiledPrompt = {
    messages,
    model: prompt.model,
    variables: prompt.variables,
    response_format: prompt.response_format,
    tools: prompt.tools,
  };
  for (const key of Object.keys(compiled) as Array<keyof CompiledPrompt>) {
    if (compiled[key] === undefined) delete compiled[key];
  }
  return { compiled, hash: hashCompiledPrompt(compiled), partials: [...partials].sort() };
}
