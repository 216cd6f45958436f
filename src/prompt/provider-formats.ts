import type { ContentPart } from "./prompt-file.js";
import type { RenderedMessage } from "./render.js";

type TextPart = Extract<ContentPart, { type: "text" }>;

/**
 * An OpenAI chat message, by role as the SDK types them, so that `messages: prompts.messages(…)`
 * type-checks in an application: the API takes images in user messages only.
 */
export type OpenAIChatMessage =
  | { role: "system"; content: string | TextPart[]; name?: string }
  | { role: "user"; content: string | ContentPart[]; name?: string }
  | { role: "assistant"; content: string | TextPart[]; name?: string };

/** OpenAI chat completions `messages`: our rendered shape already is it. */
export function toOpenAIMessages(messages: readonly RenderedMessage[]): OpenAIChatMessage[] {
  // A prompt file may put an image in any role; the API refuses it outside user messages, as it would
  // refuse it from any other client, so the SDK's narrower types are the useful ones to declare.
  return messages.map((m) => ({ ...m }) as OpenAIChatMessage);
}

export type AnthropicContentBlock =
  | { type: "text"; text: string }
  | {
      type: "image";
      source: { type: "url"; url: string } | { type: "base64"; media_type: AnthropicImageType; data: string };
    };

/** The image types Anthropic accepts, as its SDK types them; a data URL of another type is sent as it is. */
export type AnthropicImageType = "image/jpeg" | "image/png" | "image/gif" | "image/webp";

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

/** A content part of OpenAI Responses API input. */
export type ResponsesInputContent =
  | { type: "input_text"; text: string }
  | { type: "input_image"; image_url: string; detail: "auto" | "low" | "high" };

export interface ResponsesRequestInput {
  instructions?: string;
  input: string | Array<{ role: "user" | "assistant"; content: string | ResponsesInputContent[] }>;
}

/**
 * OpenAI Responses API shape: system messages move to `instructions` (joined as for Anthropic); a
 * lone user text message is sent as the plain `input` string, as code written for this API
 * usually does, and anything else as a list of messages.
 */
export function toResponsesInput(messages: readonly RenderedMessage[]): ResponsesRequestInput {
  const system = messages.filter((m) => m.role === "system").map((m) => textOf(m.content));
  const rest = messages.filter((m) => m.role !== "system");
  const lone = rest.length === 1 && rest[0]!.role === "user" ? rest[0]!.content : undefined;
  const input =
    typeof lone === "string"
      ? lone
      : rest.map((m) => ({
          role: m.role as "user" | "assistant",
          // Input parts (`input_text`) are for user turns only: the API refuses them in an assistant
          // turn, whose text it takes as a plain string.
          content:
            typeof m.content === "string"
              ? m.content
              : m.role === "assistant"
                ? textOf(m.content)
                : m.content.map(toResponsesPart),
        }));
  return system.length > 0 ? { instructions: system.join("\n\n"), input } : { input };
}

function toResponsesPart(part: ContentPart): ResponsesInputContent {
  if (part.type === "text") return { type: "input_text", text: part.text };
  return { type: "input_image", image_url: part.image_url.url, detail: part.image_url.detail ?? "auto" };
}

function toAnthropicBlock(part: ContentPart): AnthropicContentBlock {
  if (part.type === "text") return { type: "text", text: part.text };
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(part.image_url.url);
  if (dataUrl)
    return {
      type: "image",
      source: { type: "base64", media_type: dataUrl[1] as AnthropicImageType, data: dataUrl[2]! },
    };
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
