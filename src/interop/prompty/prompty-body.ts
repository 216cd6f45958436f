import { analyseTemplate, TemplateSyntaxError } from "../../prompt/template-analysis.js";
import type { PromptyNotes } from "./prompty-notes.js";
import { jinjaToNunjucks } from "./template-dialect.js";

export type ContentPart = { type: "text"; text: string } | { type: "image_url"; image_url: { url: string } };

export type ImportedMessage =
  | { role: "system" | "user" | "assistant"; content: string | ContentPart[]; name?: string }
  | { placeholder: string };

export interface ImportedBody {
  messages: ImportedMessage[];
  /** Variables the templates and placeholders read, in order of first use. */
  variables: string[];
  placeholders: string[];
}

/**
 * A role line, as Prompty's chat parser finds it: `system:`, `# user:`, any case, alone on its
 * line; Prompty 1.x also reads arguments, `user[name="Ann"]:`.
 */
export const ROLE_LINE = /^\s*(?:#\s*)?(assistant|function|system|user)(\[[^\]]*\])?\s*:\s*$/i;

/**
 * The chat-history loop of Prompty's own samples: each item of a list becomes a message whose
 * role and content are the item's. In promptops that is a placeholder for a messages variable.
 */
const HISTORY_LOOP =
  /^[ \t]*\{%-?\s*for\s+(\w+)\s+in\s+(\w+)\s*-?%\}[ \t]*\n[ \t]*\{\{-?\s*\1\.role\s*-?\}\}[ \t]*:[ \t]*\n[ \t]*\{\{-?\s*\1\.content\s*-?\}\}[ \t]*\n[ \t]*\{%-?\s*endfor\s*-?%\}[ \t]*$/gm;

// `![alt](url "title")`, as Prompty's parser reads it (the URL is the part before a space),
// written so that no text makes it backtrack: every repetition stops at the next bracket.
const IMAGE = /!\[[^\][]*\]\(([^()\n]*)\)/g;

interface Line {
  text: string;
  /** 1-based line in the .prompty file. */
  line: number;
  placeholder?: string;
}

interface Segment {
  role: string;
  roleLine: number;
  /** The role line's arguments, `[name="Ann"]`, if any. */
  args?: string;
  lines: Line[];
}

/**
 * Turns the body into messages the way Prompty does — text before the first role line is the
 * system message, each role line starts a message, contents are trimmed — except that roles are
 * found in the template before rendering, since a promptops prompt's messages are fixed. A body
 * whose roles only rendering decides (a role line inside `{% if %}`) is not carried over.
 * Returns undefined, with a note saying why, when the file cannot be carried over.
 */
export function convertBody(body: string, bodyLine: number, notes: PromptyNotes): ImportedBody | undefined {
  const segments = splitRoles(withPlaceholders(body, bodyLine));
  const messages: ImportedMessage[] = [];
  const variables = new Set<string>();
  const placeholders: string[] = [];
  for (const segment of segments) {
    if (segment.role === "placeholder") {
      const name = segment.lines[0]!.placeholder!;
      placeholders.push(name);
      variables.add(name);
      messages.push({ placeholder: name });
      continue;
    }
    const start = segment.lines.findIndex((l) => l.text.trim() !== "");
    if (start < 0) {
      notes.at(
        segment.roleLine,
        1,
        `not carried over: the ${segment.role} message is empty (Prompty refuses it); the file was not imported`,
      );
      return undefined;
    }
    if (segment.role === "unknown") {
      notes.at(
        first0(segment),
        1,
        "not carried over: text after a chat-history loop and before the next role line (Prompty appends it to the last history message); the file was not imported",
      );
      return undefined;
    }
    if (segment.role === "function") {
      notes.at(
        segment.roleLine,
        1,
        "not carried over: a function message (promptops messages are system, user or assistant); the file was not imported",
      );
      return undefined;
    }
    const first = segment.lines[start]!;
    const content = segment.lines
      .slice(start)
      .map((l) => l.text)
      .join("\n")
      .trim();
    const template = jinjaToNunjucks(content);
    const lead = first.text.length - first.text.trimStart().length;
    const where = (line0: number, col0: number) => ({
      line: first.line + line0,
      col: col0 + 1 + (line0 === 0 ? lead : 0),
    });
    if (!checkTemplate(template, where, notes, variables)) return undefined;
    messages.push({
      role: segment.role as "system" | "user" | "assistant",
      content: withImages(template, first.line, notes),
      ...roleArguments(segment, notes),
    });
  }
  if (messages.length === 0) {
    notes.at(bodyLine, 1, "not carried over: the prompt has no messages");
    return undefined;
  }
  return { messages, variables: [...variables], placeholders };
}

/** `user[name="Ann"]:`: the name is the message's participant name; other arguments are listed. */
function roleArguments(segment: Segment, notes: PromptyNotes): { name?: string } {
  if (!segment.args) return {};
  const result: { name?: string } = {};
  for (const [, key, quoted, bare] of segment.args.matchAll(/(\w+)\s*=\s*(?:"([^"]*)"|([^,\]\s]*))/g)) {
    if (key === "name" && quoted !== undefined) result.name = quoted;
    else notes.at(segment.roleLine, 1, `not carried over: the role argument ${key}=${quoted ?? bare}`);
  }
  return result;
}

function first0(segment: Segment): number {
  return segment.lines.find((l) => l.text.trim() !== "")?.line ?? segment.roleLine;
}

/** The wrapper of a template whose rendering Prompty trims (see trimmedAsPrompty). */
export const TRIM_OPEN = "{% filter trim %}";
export const TRIM_CLOSE = "{% endfilter %}";

/**
 * Prompty trims each message after rendering. Text at a message's edges is trimmed here already;
 * a tag at an edge with white space beside it (a loop ending the system message, its last line
 * ending in a newline) can still render it there, so such a template is wrapped in a trim filter.
 */
function trimmedAsPrompty(template: string): string {
  const first = template.startsWith("{%") ? template.indexOf("%}") : -1;
  const last = template.endsWith("%}") ? template.lastIndexOf("{%") : -1;
  const edgeSpace =
    (first >= 0 && /\s/.test(template[first + 2] ?? "")) || (last > 0 && /\s/.test(template[last - 1]!));
  return edgeSpace ? `${TRIM_OPEN}${template}${TRIM_CLOSE}` : template;
}

function withPlaceholders(body: string, bodyLine: number): Line[] {
  const found = new Map<number, { name: string; lines: number }>();
  for (const match of body.matchAll(HISTORY_LOOP)) {
    const line0 = body.slice(0, match.index).split("\n").length - 1;
    found.set(line0, { name: match[2]!, lines: match[0].split("\n").length });
  }
  const lines: Line[] = [];
  const texts = body.split("\n");
  for (let i = 0; i < texts.length; i++) {
    const loop = found.get(i);
    if (loop) {
      lines.push({ text: "", line: bodyLine + i, placeholder: loop.name });
      i += loop.lines - 1;
    } else lines.push({ text: texts[i]!, line: bodyLine + i });
  }
  return lines;
}

function splitRoles(lines: Line[]): Segment[] {
  const segments: Segment[] = [{ role: "system", roleLine: lines[0]?.line ?? 1, lines: [] }];
  for (const line of lines) {
    const found = ROLE_LINE.exec(line.text);
    const role = found?.[1];
    if (line.placeholder)
      segments.push(
        { role: "placeholder", roleLine: line.line, lines: [line] },
        { role: "continued", roleLine: line.line, lines: [] },
      );
    else if (role)
      segments.push({
        role: role.toLowerCase(),
        roleLine: line.line,
        lines: [],
        ...(found?.[2] ? { args: found[2] } : {}),
      });
    else segments.at(-1)!.lines.push(line);
  }
  // Blank text before the first role line, or after a history loop, is no message in Prompty.
  return segments
    .filter((s, i) => !((i === 0 || s.role === "continued") && s.lines.every((l) => l.text.trim() === "")))
    .map((s) => (s.role === "continued" ? { ...s, role: "unknown" } : s));
}

function checkTemplate(
  template: string,
  where: (line0: number, col0: number) => { line: number; col: number },
  notes: PromptyNotes,
  variables: Set<string>,
): boolean {
  try {
    const analysis = analyseTemplate(template);
    const problem = analysis.violations[0] ?? analysis.unsupportedTags[0] ?? analysis.includes[0];
    if (problem) {
      const at = where(problem.line0, problem.col0);
      const what =
        "message" in problem
          ? problem.message
          : "tag" in problem
            ? `{% ${problem.tag} %}: template inheritance is not part of a promptops prompt`
            : "{% include %}: Prompty renders a file alone, so nothing can be included";
      notes.at(at.line, at.col, `not carried over: ${what}; the file was not imported`);
      return false;
    }
    for (const name of analysis.variables.keys()) variables.add(name);
    return true;
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error;
    const at = where(error.position.line0, error.position.col0);
    notes.at(
      at.line,
      at.col,
      `not carried over: ${error.message} (a {% %} block that spans role lines, or Jinja that Nunjucks does not read); the file was not imported`,
    );
    return false;
  }
}

/** Prompty turns Markdown images in a message into image parts; so does the import. */
function withImages(template: string, line: number, notes: PromptyNotes): string | ContentPart[] {
  const images = [...template.matchAll(IMAGE)];
  if (images.length === 0) return trimmedAsPrompty(template);
  const parts: ContentPart[] = [];
  let from = 0;
  for (const image of images) {
    const text = template.slice(from, image.index).trim();
    if (text !== "") parts.push({ type: "text", text: trimmedAsPrompty(text) });
    const url = image[1]!.trim().split(" ")[0]!;
    if (!/^(https?:|data:|\{\{)/.test(url))
      notes.at(
        line,
        1,
        `not carried over: the local image "${url}" (Prompty inlines the file; promptops sends a URL): the part keeps the name as its URL`,
        "review",
      );
    else if (url.startsWith("{{"))
      notes.at(
        line,
        1,
        `image URL ${url}: Prompty inlines a local file named by the value; promptops sends the value as the URL`,
        "review",
      );
    parts.push({ type: "image_url", image_url: { url } });
    from = image.index + image[0].length;
  }
  const rest = template.slice(from).trim();
  if (rest !== "") parts.push({ type: "text", text: trimmedAsPrompty(rest) });
  return parts;
}
