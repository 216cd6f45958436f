import nunjucks from "nunjucks";
import { PromptOpsError } from "../errors.js";
import { type CompiledPrompt, type ContentPart, isPlaceholder, type Role } from "./prompt-file.js";
import { checkVariables } from "./variables.js";

export interface RenderedMessage {
  role: Role;
  content: string | ContentPart[];
  name?: string;
}

// Our own environment, configured once: no loader (partials are already inlined into the
// compiled content), no autoescape (prompts are not HTML), and undefined output is an error.
const environment = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true });
const templates = new Map<string, nunjucks.Template>();

function template(source: string): nunjucks.Template {
  let compiled = templates.get(source);
  if (!compiled) {
    compiled = new nunjucks.Template(source, environment, undefined, true);
    templates.set(source, compiled);
  }
  return compiled;
}

export function renderTemplate(source: string, context: Record<string, unknown>): string {
  // Text with no tags needs no engine; most system prompts and every literal part are like this.
  if (!source.includes("{")) return source;
  try {
    return template(source).render(context);
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const detail = raw.replace(/^\(unknown path\)\s*(\[Line \d+, Column \d+\])?\s*/, "").replace(/\s+/g, " ");
    throw new PromptOpsError("render-failed", `cannot render template: ${detail.replace(/^Error: /, "")}`, {
      exitCode: 1,
      hint: "every variable the template reads must be declared and given a value",
    });
  }
}

/**
 * Renders a prompt's messages. Variable values are validated first and are data: they are
 * substituted into contents, never parsed as templates, and cannot add messages or change roles.
 */
export function renderPrompt(
  id: string,
  compiled: CompiledPrompt,
  given: Readonly<Record<string, unknown>>,
): RenderedMessage[] {
  const { values, problems } = checkVariables(compiled.variables ?? {}, given);
  if (problems.length > 0) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    throw new PromptOpsError("invalid-variables", `${id}: ${first.message}${more}`, {
      exitCode: 1,
      hint: hintFor(first.kind, Object.keys(compiled.variables ?? {})),
    });
  }
  const rendered: RenderedMessage[] = [];
  for (const message of compiled.messages) {
    if (isPlaceholder(message)) {
      rendered.push(...(values[message.placeholder] as RenderedMessage[]));
      continue;
    }
    const content =
      typeof message.content === "string"
        ? renderTemplate(message.content, values)
        : message.content.map((part) => renderPart(part, values));
    rendered.push({ role: message.role, content, ...(message.name ? { name: message.name } : {}) });
  }
  return rendered;
}

function renderPart(part: ContentPart, values: Record<string, unknown>): ContentPart {
  if (part.type === "text") return { type: "text", text: renderTemplate(part.text, values) };
  return {
    type: "image_url",
    image_url: { ...part.image_url, url: renderTemplate(part.image_url.url, values) },
  };
}

function hintFor(kind: string, declared: string[]): string {
  if (kind === "unknown") return `declared variables: ${declared.join(", ") || "(none)"}`;
  if (kind === "missing") return "pass it with --var name=value or --vars file.yaml";
  return "the value must satisfy the variable's schema under `variables:`";
}
