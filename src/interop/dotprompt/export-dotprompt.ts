import { resolve } from "node:path";
import type { AST } from "@handlebars/parser";
import { stringify } from "yaml";
import { loadConfigOrThrow } from "../../config/load-config.js";
import { PromptOpsError } from "../../errors.js";
import { discoverPromptFiles } from "../../prompt/discover.js";
import { type CompiledPrompt, isPlaceholder, type PromptMessage } from "../../prompt/prompt-file.js";
import { checkPrompts, refuseInvalidPrompts } from "../../prompt/prompt-project.js";
import { selectPrompt } from "../../prompt/select-prompt.js";
import { parseTemplate } from "../../prompt/template-analysis.js";
import type { YamlSource } from "../../yaml/yaml-source.js";
import type { NotCarried } from "../promptfoo/not-carried.js";
import { writeNewFiles } from "../write-new-files.js";
import { type ExportNote, exportFrontMatter } from "./export-front-matter.js";
import { loadHandlebarsParser } from "./import-dotprompt.js";
import {
  type HandlebarsToken,
  handlebarsText,
  nunjucksToHandlebars,
  Unexpressible,
} from "./nunjucks-to-handlebars.js";
import type { JsonSchema } from "./picoschema.js";

export interface DotpromptExportOptions {
  cwd: string;
  id: string;
  /** The .prompt file to write (relative to cwd); undefined: the text is returned only. */
  out: string | undefined;
  force: boolean;
}

export interface DotpromptExportResult {
  text: string;
  written: string | undefined;
  notCarried: NotCarried[];
}

const ROLE_NAMES = { system: "system", user: "user", assistant: "model" } as const;

/**
 * A prompt as a dotprompt .prompt file, for what dotprompt can express. A template construct
 * Handlebars cannot express refuses the export (nothing written) rather than writing something
 * that renders differently; the written text is parsed back to check its whitespace survives.
 */
export async function exportDotprompt(options: DotpromptExportOptions): Promise<DotpromptExportResult> {
  const config = loadConfigOrThrow(options.cwd);
  const ref = selectPrompt(discoverPromptFiles(config.promptsDir), options.id);
  const [checked] = checkPrompts(config, [ref]).prompts;
  if (!checked?.result || !checked.prompt) {
    refuseInvalidPrompts(checked ? [checked] : [], "export");
    throw new Error(`no check result for ${ref.id}`);
  }
  const { compiled } = checked.result;
  const notes: ExportNote[] = [];
  const placeholders = compiled.messages.filter(isPlaceholder).map((m) => m.placeholder);
  const frontMatter = exportFrontMatter(ref.id, checked.prompt, compiled, placeholders, notes);
  const body = await exportBody(ref.id, checked.source, checked.prompt.messages, compiled, notes);
  const yaml =
    Object.keys(frontMatter).length > 0
      ? stringify(frontMatter, { lineWidth: 0, aliasDuplicateObjects: false })
      : "";
  const text = yaml ? `---\n${yaml}---\n${body}\n` : body;
  const written = options.out === undefined ? undefined : resolve(options.cwd, options.out);
  if (written)
    writeNewFiles(
      [{ path: written, text }],
      options.force,
      "export-would-overwrite",
      "choose another --out file",
    );
  const at = (path: (string | number)[]) => checked.source.locate(path, "key");
  return {
    text,
    written,
    notCarried: notes
      .map(
        (n): NotCarried => ({
          location: { file: checked.file, ...at(n.path) },
          kind: "dropped",
          message: n.message,
        }),
      )
      .sort((a, b) => a.location.line - b.location.line || a.location.col - b.location.col),
  };
}

async function exportBody(
  id: string,
  source: YamlSource,
  written: PromptMessage[],
  compiled: CompiledPrompt,
  notes: ExportNote[],
): Promise<string> {
  const schemaOf = (name: string) => compiled.variables?.[name] as JsonSchema | undefined;
  const segments: HandlebarsToken[][] = [];
  const pieces: string[] = [];
  const refuse = (path: (string | number)[], message: string, error?: Unexpressible): never => {
    // Partials are inlined in the compiled text: a position inside it is only meaningful without them.
    const raw = written.length === compiled.messages.length ? valueAt(written, path) : undefined;
    const at =
      error && raw === valueAt(compiled.messages, path)
        ? source.locateInString(["messages", ...path], error.line0, error.col0)
        : source.locate(["messages", ...path]);
    throw new PromptOpsError("export-not-expressible", `cannot be expressed in dotprompt: ${message}`, {
      hint: "dotprompt's Handlebars has if/unless/each, ifEquals/unlessEquals and json; rewrite the template with those, or keep this prompt in promptops",
      location: { file: source.file, ...at },
    });
  };
  const tokens = (template: string, path: (string | number)[]): HandlebarsToken[] => {
    try {
      const converted = nunjucksToHandlebars(template, parseTemplate(template), schemaOf);
      if (converted.lostComments > 0)
        notes.push({
          path: ["messages", ...path],
          message: `not carried over: ${converted.lostComments} comment${converted.lostComments === 1 ? "" : "s"} between tags`,
        });
      return converted.tokens;
    } catch (error) {
      if (!(error instanceof Unexpressible)) throw error;
      return refuse(path, error.message, error);
    }
  };
  const last = compiled.messages.length - 1;
  let history = false;
  for (const [i, message] of compiled.messages.entries()) {
    if (isPlaceholder(message)) {
      if (history) refuse([i], "a second placeholder (dotprompt has one history)");
      history = true;
      if (message.placeholder !== "history")
        notes.push({
          path: ["messages", i, "placeholder"],
          message: `not carried over: the name "${message.placeholder}" (dotprompt's history comes from the messages it is given)`,
        });
      pieces.push("{{history}}");
      continue;
    }
    if (message.name !== undefined)
      notes.push({ path: ["messages", i, "name"], message: "not carried over: the message's name" });
    const parts =
      typeof message.content === "string"
        ? [{ type: "text" as const, text: message.content }]
        : message.content;
    const messageTokens: HandlebarsToken[] = [];
    for (const [j, part] of parts.entries()) {
      const path = typeof message.content === "string" ? [i, "content"] : [i, "content", j];
      if (part.type === "text")
        messageTokens.push(
          ...tokens(part.text, typeof message.content === "string" ? path : [...path, "text"]),
        );
      else {
        if (part.image_url.detail !== undefined)
          notes.push({
            path: ["messages", ...path, "image_url", "detail"],
            message: "not carried over: the image detail",
          });
        messageTokens.push({
          tag: mediaTag(tokens(part.image_url.url, [...path, "image_url", "url"]), () =>
            refuse([...path, "image_url", "url"], "an image URL that is not one variable or a fixed URL"),
          ),
          block: false,
        });
      }
    }
    segments.push(messageTokens);
    pieces.push(`{{role "${ROLE_NAMES[message.role]}"}}${handlebarsText(messageTokens, i === last)}`);
  }
  let body = pieces.join("");
  // dotprompt trims the template: an empty comment keeps whitespace at its very end.
  if (/\s$/.test(body)) body += /\n[ \t]+$/.test(body) ? "{{!}}{{!}}" : "{{!}}";
  const parse = await loadHandlebarsParser();
  if (!sameText(segments, parse(body)))
    refuse([last], `whitespace Handlebars would not keep in the prompt "${id}"`);
  return body;
}

function mediaTag(url: HandlebarsToken[], refuse: () => never): string {
  if (url.length === 1 && "text" in url[0]! && !/["\\]/.test(url[0].text))
    return `{{media url="${url[0].text}"}}`;
  if (url.length === 1 && "tag" in url[0]! && /^\{\{[@A-Za-z_][\w.@[\]]*\}\}$/.test(url[0].tag))
    return `{{media url=${url[0].tag.slice(2, -2)}}}`;
  return refuse();
}

function valueAt(messages: PromptMessage[], path: (string | number)[]): unknown {
  let value: unknown = messages;
  for (const key of path) value = (value as Record<string | number, unknown> | undefined)?.[key];
  return value;
}

/** The runs of text between tags, as the exported tokens hold them and as Handlebars reads them back. */
function sameText(segments: HandlebarsToken[][], program: AST.Program): boolean {
  const expected: string[] = [];
  for (const segment of segments) {
    let run = "";
    for (const token of segment) {
      if ("text" in token) run += token.text;
      // A comment splits no run: the parse below reads the text on both sides of it as one.
      else if (token.tag.startsWith("{{!")) continue;
      else {
        expected.push(run);
        run = "";
      }
    }
    expected.push(run);
  }
  const actual: string[] = [];
  let run = "";
  const walk = (statements: AST.Statement[]) => {
    for (const statement of statements) {
      if (statement.type === "ContentStatement") run += (statement as AST.ContentStatement).value;
      else if (statement.type === "CommentStatement") continue;
      else {
        actual.push(run);
        run = "";
        if (statement.type === "BlockStatement") {
          const block = statement as AST.BlockStatement;
          walk(block.program.body);
          actual.push(run);
          run = "";
          if (block.inverse) walk(block.inverse.body);
          actual.push(run);
          run = "";
        }
      }
    }
  };
  walk(program.body);
  actual.push(run);
  const nonEmpty = (runs: string[]) => runs.filter((r) => r !== "");
  return JSON.stringify(nonEmpty(expected)) === JSON.stringify(nonEmpty(actual));
}
