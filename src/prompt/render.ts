import { PromptOpsError } from "../errors.js";
import { type CompiledTemplate, compileTemplate, TemplateUnsafeError } from "./compile-template.js";
import { type CompiledPrompt, type ContentPart, isPlaceholder, type Role } from "./prompt-file.js";
import { TemplateSyntaxError, toSyntaxError } from "./template-analysis.js";
import { TemplateRenderError } from "./template-values.js";
import { checkVariables } from "./variables.js";

export interface RenderedMessage {
  role: Role;
  content: string | ContentPart[];
  name?: string;
}

/** A prompt's templates, compiled and checked: text -> template. Build with compilePromptTemplates. */
export type PromptTemplates = ReadonlyMap<string, CompiledTemplate>;

// The CLI renders the same few templates again and again (one prompt, many test cases); bounded, so
// that a long run over many versions does not keep every template it ever saw. The runtime keeps
// its own, with its active prompts (see compilePromptTemplates).
const cache = new Map<string, CompiledTemplate>();
const MAX_CACHED_TEMPLATES = 1_000;

/** How many compiled templates the CLI's cache holds (never more than MAX_CACHED_TEMPLATES). */
export function cachedTemplateCount(): number {
  return cache.size;
}

/** Text with no tags needs no engine; most system prompts and every literal part are like this. */
const LITERAL: CompiledTemplate = { render: () => "" };

function cachedTemplate(source: string): CompiledTemplate {
  let compiled = cliStore.get(source);
  if (!compiled) {
    compiled = compileChecked(source);
    cliStore.set(source, compiled);
  }
  return compiled;
}

/**
 * Compiles one template or says, as a PromptOpsError, why it cannot be rendered: a syntax error or
 * a use of something templates may not reach. `where` ("<prompt id>: ") names the template in the message.
 */
export function compileChecked(source: string, where = ""): CompiledTemplate {
  if (!source.includes("{")) return LITERAL;
  try {
    return compileTemplate(source);
  } catch (error) {
    if (error instanceof TemplateUnsafeError) {
      const more = error.violations.length > 1 ? ` (and ${error.violations.length - 1} more)` : "";
      throw new PromptOpsError("template-unsafe", `${where}${error.message}${more}`, {
        exitCode: 1,
        hint: error.violations[0]!.hint,
      });
    }
    const syntax = error instanceof TemplateSyntaxError ? error : toSyntaxError(error, source);
    const { line0, col0 } = syntax.position;
    throw new PromptOpsError(
      "template-syntax",
      `${where}template syntax error at line ${line0 + 1}, column ${col0 + 1}: ${syntax.message}`,
      { exitCode: 1, hint: "run promptops validate to see it in the prompt file" },
    );
  }
}

const LIMITS_HINT =
  "a template renders text from its variables' data, within limits: range() up to 10,000 numbers, 100,000 loop iterations, 32 MiB of text, values nested up to 100 levels";

export function renderTemplate(source: string, context: Record<string, unknown>): string {
  return renderCompiled(source, cachedTemplate(source), context);
}

function renderCompiled(source: string, template: CompiledTemplate, context: object, where = ""): string {
  if (template === LITERAL) return source;
  try {
    return template.render(context);
  } catch (error) {
    // The budgets stop what a template builds on purpose; a RangeError (the stack, V8's longest
    // string) is the backstop for what they do not foresee: still the template's fault, not ours.
    if (error instanceof RangeError) {
      throw new PromptOpsError("render-failed", `${where}cannot render template: ${error.message}`, {
        exitCode: 1,
        hint: LIMITS_HINT,
      });
    }
    if (!(error instanceof TemplateRenderError)) throw error;
    const at = error.line0 === undefined ? "" : `line ${error.line0 + 1}, column ${(error.col0 ?? 0) + 1}: `;
    throw new PromptOpsError("render-failed", `${where}cannot render template: ${at}${error.message}`, {
      exitCode: 1,
      hint: / is (undefined|null)$/.test(error.message)
        ? "every variable the template reads must be declared and given a value"
        : LIMITS_HINT,
    });
  }
}

/** Every template text of a prompt's messages. */
function templateTexts(compiled: CompiledPrompt): string[] {
  const texts: string[] = [];
  for (const message of compiled.messages) {
    if (isPlaceholder(message)) continue;
    if (typeof message.content === "string") texts.push(message.content);
    else
      for (const part of message.content) texts.push(part.type === "text" ? part.text : part.image_url.url);
  }
  return texts;
}

/** Compiled templates by text, shared by the prompts that use the same text. */
export interface TemplateStore {
  get(text: string): CompiledTemplate | undefined;
  set(text: string, template: CompiledTemplate): unknown;
}

const cliStore: TemplateStore = {
  get: (text) => cache.get(text),
  set: (text, template) => {
    if (cache.size >= MAX_CACHED_TEMPLATES) cache.delete(cache.keys().next().value!);
    cache.set(text, template);
  },
};

/**
 * Compiles and checks every template of a prompt, before any is rendered: a prompt with one unsafe
 * template is refused whole. `store` defaults to the CLI's bounded cache; the runtime passes the
 * store of the lockfile it loads, so that compiled templates live exactly as long as its prompts.
 */
export function compilePromptTemplates(
  id: string,
  compiled: CompiledPrompt,
  store: TemplateStore = cliStore,
): PromptTemplates {
  const templates = new Map<string, CompiledTemplate>();
  for (const text of templateTexts(compiled)) {
    if (templates.has(text)) continue;
    let template = store.get(text);
    if (!template) {
      template = compileChecked(text, `${id}: `);
      store.set(text, template);
    }
    templates.set(text, template);
  }
  return templates;
}

/**
 * Renders a prompt's messages. Variable values are validated first and are data: they are
 * substituted into contents, never parsed as templates, and cannot add messages or change roles.
 */
export function renderPrompt(
  id: string,
  compiled: CompiledPrompt,
  given: Readonly<Record<string, unknown>>,
  templates: PromptTemplates = compilePromptTemplates(id, compiled),
  /** Where a missing variable's value goes: the CLI's flags unless the caller says otherwise. */
  missingHint: (variable: string) => string = () => "pass it with --var name=value or --vars file.yaml",
): RenderedMessage[] {
  const { values, problems } = checkVariables(compiled.variables ?? {}, given);
  if (problems.length > 0) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    throw new PromptOpsError("invalid-variables", `${id}: ${first.message}${more}`, {
      exitCode: 1,
      hint:
        first.kind === "missing"
          ? missingHint(first.variable)
          : hintFor(first.kind, Object.keys(compiled.variables ?? {})),
    });
  }
  // A render error names the prompt and the message, so that it can be found without a stack.
  let where = "";
  const render = (text: string) =>
    renderCompiled(text, templates.get(text) ?? compileChecked(text, `${id}: `), values, where);
  const rendered: RenderedMessage[] = [];
  for (const [index, message] of compiled.messages.entries()) {
    where = `${id}: message ${index + 1}: `;
    if (isPlaceholder(message)) {
      rendered.push(...(values[message.placeholder] as RenderedMessage[]));
      continue;
    }
    const content =
      typeof message.content === "string"
        ? render(message.content)
        : message.content.map((part) => renderPart(part, render));
    rendered.push({ role: message.role, content, ...(message.name ? { name: message.name } : {}) });
  }
  return rendered;
}

function renderPart(part: ContentPart, render: (text: string) => string): ContentPart {
  if (part.type === "text") return { type: "text", text: render(part.text) };
  return { type: "image_url", image_url: { ...part.image_url, url: render(part.image_url.url) } };
}

function hintFor(kind: string, declared: string[]): string {
  if (kind === "unknown") return `declared variables: ${declared.join(", ") || "(none)"}`;
  return "the value must satisfy the variable's schema under `variables:`";
}
