import type { AST } from "@handlebars/parser";
import { type NunjucksContext, statementsToNunjucks, TemplateRefused } from "./handlebars-to-nunjucks.js";

export type ImportedPart = { type: "text"; text: string } | { type: "image_url"; image_url: { url: string } };
export type ImportedMessage =
  | { role: "system" | "user" | "assistant"; content: string | ImportedPart[] }
  | { placeholder: string };

const ROLES: Record<string, "system" | "user" | "assistant"> = {
  system: "system",
  user: "user",
  model: "assistant",
};

type Piece = { statements: AST.Statement[] } | { media: AST.MustacheStatement };
interface Source {
  role: "system" | "user" | "assistant";
  pieces: Piece[];
}

/**
 * dotprompt renders the whole template, then cuts the text at role and history markers into
 * messages and at media markers into parts, dropping whitespace-only pieces (js/src/parse.ts
 * toMessages, toParts). Markers are top-level tags here, so the cuts are made on the template.
 */
export function templateToMessages(
  program: AST.Program,
  ctx: NunjucksContext,
  history: string,
): ImportedMessage[] {
  let current: Source = { role: "user", pieces: [] };
  const sources: Array<Source | "history"> = [current];
  const text = () => {
    const last = current.pieces.at(-1);
    if (last && "statements" in last) return last.statements;
    const fresh: AST.Statement[] = [];
    current.pieces.push({ statements: fresh });
    return fresh;
  };
  for (const statement of program.body) {
    const marker = markerOf(statement);
    if (marker === "role") {
      const role = roleOf(statement as AST.MustacheStatement);
      if (hasContent(current)) {
        current = { role, pieces: [] };
        sources.push(current);
      } else {
        // Only whitespace since the last marker: dotprompt drops it and gives the message the new role.
        // Its comments (they render nothing) move along, so an author's note is not lost.
        current.role = role;
        const comments = current.pieces.flatMap((p) =>
          "statements" in p ? p.statements.filter((st) => st.type === "CommentStatement") : [],
        );
        current.pieces = comments.length > 0 ? [{ statements: comments }] : [];
      }
    } else if (marker === "history") {
      sources.push("history");
      current = { role: "assistant", pieces: [] };
      sources.push(current);
    } else if (marker === "media") current.pieces.push({ media: statement as AST.MustacheStatement });
    else if (marker === "section") {
      ctx.notes.push({
        at: statement.loc.start,
        kind: "dropped",
        message: "not carried over: {{section}} (a pending part the application fills)",
      });
    } else text().push(statement);
  }
  const messages: ImportedMessage[] = [];
  for (const source of sources) {
    if (source === "history") messages.push({ placeholder: history });
    else if (hasContent(source)) messages.push({ role: source.role, content: contentOf(source, ctx) });
  }
  return messages;
}

function markerOf(statement: AST.Statement): string | undefined {
  if (statement.type !== "MustacheStatement") return undefined;
  const path = (statement as AST.MustacheStatement).path;
  if (path.type !== "PathExpression") return undefined;
  const p = path as AST.PathExpression;
  if (p.data || p.depth !== 0 || p.parts.length !== 1) return undefined;
  return ["role", "history", "media", "section"].includes(p.original) ? p.original : undefined;
}

function roleOf(statement: AST.MustacheStatement): "system" | "user" | "assistant" {
  const param = statement.params[0];
  if (statement.params.length !== 1 || param?.type !== "StringLiteral")
    throw new TemplateRefused("{{role}} takes one quoted role name", statement.loc.start);
  const name = (param as AST.StringLiteral).value;
  const role = ROLES[name];
  if (!role) throw new TemplateRefused(`the role "${name}" has no promptops equivalent`, statement.loc.start);
  return role;
}

/** A piece of text only whitespace is dropped by dotprompt; one that renders something is kept. */
function isBlank(statements: AST.Statement[]): boolean {
  return statements.every(
    (s) =>
      s.type === "CommentStatement" ||
      (s.type === "ContentStatement" && (s as AST.ContentStatement).value.trim() === ""),
  );
}

function hasContent(source: Source): boolean {
  return source.pieces.some((piece) => "media" in piece || !isBlank(piece.statements));
}

function contentOf(source: Source, ctx: NunjucksContext): string | ImportedPart[] {
  const parts: ImportedPart[] = [];
  for (const piece of source.pieces) {
    if ("statements" in piece) {
      if (!isBlank(piece.statements))
        parts.push({
          type: "text",
          text: statementsToNunjucks(piece.statements, [{ expr: undefined, schema: undefined }], ctx),
        });
    } else {
      const url = mediaUrl(piece.media, ctx);
      if (url !== undefined) parts.push({ type: "image_url", image_url: { url } });
    }
  }
  if (parts.length === 1 && parts[0]!.type === "text") return parts[0]!.text;
  return parts;
}

function mediaUrl(node: AST.MustacheStatement, ctx: NunjucksContext): string | undefined {
  const pairs = node.hash?.pairs ?? [];
  const url = pairs.find((p: AST.HashPair) => p.key === "url");
  for (const pair of pairs)
    if (pair.key !== "url")
      ctx.notes.push({
        at: pair.loc.start,
        kind: "dropped",
        message: `not carried over: the media ${pair.key} (promptops image parts carry a URL only)`,
      });
  if (!url) {
    ctx.notes.push({
      at: node.loc.start,
      kind: "dropped",
      message: "not carried over: {{media}} without a url",
    });
    return undefined;
  }
  // The URL is rendered like any other value: a variable or a literal.
  const mustache = {
    ...node,
    type: "MustacheStatement",
    path: url.value,
    params: [],
    hash: undefined,
  } as AST.Statement;
  if (url.value.type === "StringLiteral") return (url.value as AST.StringLiteral).value;
  return statementsToNunjucks([mustache], [{ expr: undefined, schema: undefined }], ctx);
}
