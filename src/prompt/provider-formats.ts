import type { ContentPart } from "./prompt-file.js";
import type { RenderedMessage } from "./render.js";

/** OpenAI chat completions `messages`: our rendered shape already is it. */
export function toOpenAIMessages(messages: readonly RenderedMessage[]): RenderedMessage[] {
  return messages.map((m) => ({ ...m }));
}

export type AnthropicContentBlock =
  | { type: "text"; text: string }
  | {
      type: "image";
      source: { type: "url"; url: string } | { type: "base64"; media_type: string; data: string };
    };

export interface AnthropicRequestMessages {
  system?: string;
  messages: Array<{ role: "user" | "assistant"; content: string | AnthropicContentBlock[] }>;
}

/** Anthropic Messages API shape: system messages move to the top-level `system` string. */
export function toAnthropicMessages(messages: readonly RenderedMessage[]): AnthropicRequestMessages {
  const system: string[] = [];
  const rest: AnthropicRequestMessages["messages"] = [];
  for (const message of messages) {
    if (message.role === "system") {
      system.push(textOf(message.content));
      continue;
    }
    const content =
      typeof message.content === "string" ? message.content : message.content.map(toAnthropicBlock);
    rest.push({ role: message.role, content });
  }
  return system.length > 0 ? { system: system.join("\n\n"), messages: rest } : { messages: rest };
}

function toAnthropicBlock(part: ContentPart): AnthropicContentBlock {
  if (part.type === "text") return { type: "text", text: part.text };
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(part.image_url.url);
  if (dataUrl)
    return { type: "image", source: { type: "base64", media_type: dataUrl[1]!, data: dataUrl[2]! } };
  return { type: "image", source: { type: "url", url: part.image_url.url } };
}

export function textOf(content: string | readonly ContentPart[]): string {
  if (typeof content === "string") return content;
  return content
    .map((part) => (part.type === "text" ? part.text : `[image: ${part.image_url.url}]`))
    .join("\n");
}

/** Human-readable: each message under a role header. */
export function toText(messages: readonly RenderedMessage[]): string {
  return messages
    .map((m) => `── ${m.role}${m.name ? ` (${m.name})` : ""} ──\n${textOf(m.content)}`)
    .join("\n\n")
    .concat("\n");
}
