import { basename, extname, resolve } from "node:path";
import { isInside, readProjectFile, UnreadableFileError } from "../../fs/project-file.js";
import { type PathSegment, parseYamlSource } from "../../yaml/yaml-source.js";
import { isRecord, type NotCarriedList } from "./not-carried.js";

export interface ImportedMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ImportedPrompt {
  /** Where the id came from (label, file name), before it is made a valid, unique id. */
  name: string;
  messages: ImportedMessage[];
}

const ROLES = new Set(["system", "user", "assistant"]);

/**
 * promptfoo's `prompts`: `file://` paths (text, or a chat array in .json/.yaml), inline strings
 * (text, or a chat array written as JSON), `{ id, label, raw }` objects. Files are read only from
 * inside the promptfoo project, size-capped; code prompts (.js, .py) are never loaded.
 */
export function convertPrompts(value: unknown, root: string, notes: NotCarriedList): ImportedPrompt[] {
  const items = typeof value === "string" ? [value] : Array.isArray(value) ? value : undefined;
  if (!items) {
    notes.add(["prompts"], "not carried over: `prompts` is neither a text nor a list");
    return [];
  }
  const path = (i: number): PathSegment[] => (typeof value === "string" ? ["prompts"] : ["prompts", i]);
  const prompts: ImportedPrompt[] = [];
  items.forEach((item, i) => {
    const found = convertPrompt(item, path(i), i, root, notes);
    if (found) prompts.push(found);
  });
  return prompts;
}

function convertPrompt(
  item: unknown,
  path: PathSegment[],
  index: number,
  root: string,
  notes: NotCarriedList,
): ImportedPrompt | undefined {
  if (isRecord(item)) {
    const raw = item.raw ?? item.id;
    const label = typeof item.label === "string" ? item.label : undefined;
    if (typeof raw !== "string") {
      notes.add(path, "not carried over: a prompt object without `raw` or `id` text");
      return undefined;
    }
    const found = convertPrompt(raw, path, index, root, notes);
    return found && label ? { ...found, name: label } : found;
  }
  if (typeof item !== "string") {
    notes.add(path, "not carried over: a prompt that is not a text");
    return undefined;
  }
  if (item.startsWith("file://")) return promptFromFile(item.slice("file://".length), path, root, notes);
  const chat = chatFromJson(item);
  return { name: `prompt-${index + 1}`, messages: chat ?? [{ role: "user", content: item }] };
}

function promptFromFile(relative: string, path: PathSegment[], root: string, notes: NotCarriedList) {
  const ext = extname(relative).toLowerCase();
  if (/[*?{[]/.test(relative)) {
    notes.add(path, "not carried over: a glob of prompt files; list each file instead");
    return undefined;
  }
  if ([".js", ".cjs", ".mjs", ".ts", ".py"].includes(ext) || relative.includes(":")) {
    notes.add(path, "not carried over: a prompt written as code (promptops prompts are data)");
    return undefined;
  }
  const file = resolve(root, relative);
  if (!isInside(file, root)) {
    notes.add(path, "not read: a prompt file outside the promptfoo project");
    return undefined;
  }
  let text: string;
  try {
    text = readProjectFile(file, root, "the promptfoo project");
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    notes.add(path, `not read: the prompt file ${error.message}`);
    return undefined;
  }
  const name = basename(relative, extname(relative));
  if (ext === ".json" || ext === ".yaml" || ext === ".yml") {
    const parsed = ext === ".json" ? chatFromJson(text) : chatFromValue(parseYamlSource(file, text).value);
    if (!parsed) {
      notes.add(path, "not carried over: the file is not a chat list of { role, content } messages");
      return undefined;
    }
    return { name, messages: parsed };
  }
  return { name, messages: [{ role: "user" as const, content: text.replace(/\r?\n$/, "") }] };
}

function chatFromJson(text: string): ImportedMessage[] | undefined {
  if (!text.trimStart().startsWith("[")) return undefined;
  try {
    return chatFromValue(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function chatFromValue(value: unknown): ImportedMessage[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const messages: ImportedMessage[] = [];
  for (const message of value) {
    if (!isRecord(message) || !ROLES.has(String(message.role)) || typeof message.content !== "string")
      return undefined;
    messages.push({ role: message.role as ImportedMessage["role"], content: message.content });
  }
  return messages;
}
