import { isMap, isScalar, isSeq, LineCounter, type Node, type Pair, parseDocument, Scalar } from "yaml";
import type { Diagnostic } from "../diagnostics.js";
import type { ParsedEntry, ParsedYamlCache } from "./parsed-yaml-cache.js";
import { yamlValue } from "./yaml-value.js";

export type PathSegment = string | number;

/** A parsed YAML file that can still say where each of its values came from. */
export interface YamlSource {
  file: string;
  text: string;
  /** The plain JavaScript value; undefined when the file has syntax errors. */
  value: unknown;
  diagnostics: Diagnostic[];
  locate(path: readonly PathSegment[], target?: "key" | "value"): { line: number; col: number };
  /** Where character (line0, col0) of a string value's content sits in the file (0-based in, 1-based out). */
  locateInString(path: readonly PathSegment[], line0: number, col0: number): { line: number; col: number };
}

/**
 * Parses a YAML file. With a cache, a text parsed cleanly on an earlier run is not parsed again
 * unless it is asked for a position no run asked for before (parsed-yaml-cache.ts).
 */
export function parseYamlSource(file: string, text: string, cache?: ParsedYamlCache): YamlSource {
  if (!cache) return parseNow(file, text);
  const entry = cache.get(text);
  if (entry) return rememberingSource(file, text, entry.value(), entry, () => parseNow(file, text));
  const parsed = parseNow(file, text);
  if (parsed.diagnostics.length > 0) return parsed;
  const added = cache.put(text, parsed.value);
  return added ? rememberingSource(file, text, parsed.value, added, () => parsed) : parsed;
}

/** A cleanly parsed source whose positions are answered from, and recorded in, its cache entry. */
function rememberingSource(
  file: string,
  text: string,
  value: unknown,
  entry: ParsedEntry,
  parse: () => YamlSource,
): YamlSource {
  let parsed: YamlSource | undefined;
  const ask = (question: unknown[], find: (source: YamlSource) => { line: number; col: number }) => {
    const key = JSON.stringify(question);
    const known = entry.answer(key);
    if (known) return { ...known };
    parsed ??= parse();
    const at = find(parsed);
    entry.record(key, { line: at.line, col: at.col });
    return at;
  };
  return {
    file,
    text,
    value,
    diagnostics: [],
    locate: (path, target = "value") => ask(["at", path, target], (source) => source.locate(path, target)),
    locateInString: (path, line0, col0) =>
      ask(["in", path, line0, col0], (source) => source.locateInString(path, line0, col0)),
  };
}

function parseNow(file: string, text: string): YamlSource {
  try {
    return parseDocumentSource(file, text);
  } catch (error) {
    // The yaml library recurses once per level of nesting: a file nested thousands of levels deep
    // overflows the stack. No prompt, config or vars file is like that; say so where it starts.
    if (!(error instanceof RangeError)) throw error;
    const nothing = parseDocumentSource(file, "");
    return {
      ...nothing,
      text,
      value: undefined,
      diagnostics: [
        {
          file,
          line: 1,
          col: 1,
          severity: "error",
          code: "yaml-too-deep",
          message: "the YAML nests too deeply to read",
          hint: "prompt files, the config and vars files nest a few levels; this one nests thousands",
        },
      ],
    };
  }
}

function parseDocumentSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  // uniqueKeys makes a duplicate key an error instead of silently keeping the last one; without
  // resolveKnownTags, `!!binary`, `!!set` or `!!timestamp` stay plain JSON values (with a warning),
  // not a Buffer, Set or Date that every later step would have to expect.
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    merge: false,
    resolveKnownTags: false,
  });
  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    const unterminated = unterminatedQuote(text, error.code, error.message, error.pos[0]);
    if (unterminated) {
      diagnostics.push({
        file,
        ...lineCounter.linePos(unterminated.opening),
        severity: "error",
        ...unterminated.says,
      });
      continue;
    }
    const pos = lineCounter.linePos(error.pos[0]);
    diagnostics.push({
      file,
      line: pos.line,
      col: pos.col,
      severity: "error",
      code: error.code === "DUPLICATE_KEY" ? "yaml-duplicate-key" : "yaml-syntax",
      message: describeYamlError(error.code, error.message),
    });
  }
  for (const warning of doc.warnings) {
    const pos = lineCounter.linePos(warning.pos[0]);
    diagnostics.push({
      file,
      line: pos.line,
      col: pos.col,
      severity: "warning",
      code: "yaml-warning",
      message: firstLine(warning.message),
    });
  }
  let value: unknown;
  if (doc.errors.length === 0) {
    const plain = yamlValue(doc);
    if ("value" in plain) value = plain.value;
    else {
      const { offset, message, hint } = plain.problem;
      diagnostics.push({
        file,
        ...lineCounter.linePos(offset),
        severity: "error",
        code: "yaml-alias",
        message,
        hint,
      });
    }
  }

  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, col };
  };

  const findNode = (path: readonly PathSegment[]): { node: Node | null; pair?: Pair } => {
    let node: unknown = doc.contents;
    let pair: Pair | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        pair = node.items.find((item) => keyText(item.key) === String(segment));
        if (!pair) return { node: node as Node };
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)];
        if (item === undefined) return { node: node as Node };
        pair = undefined;
        node = item;
      } else {
        return { node: (node as Node) ?? null };
      }
    }
    return { node: (node as Node) ?? null, pair };
  };

  return {
    file,
    text,
    value,
    diagnostics,
    locate(path, target = "value") {
      const { node, pair } = findNode(path);
      const keyNode = pair?.key as Node | undefined;
      const chosen = target === "key" && keyNode?.range ? keyNode : (node ?? keyNode);
      const offset = chosen?.range?.[0] ?? 0;
      return position(offset);
    },
    locateInString(path, line0, col0) {
      const { node } = findNode(path);
      if (!isScalar(node) || !node.range) return this.locate(path);
      const start = position(node.range[0]);
      if (node.type === Scalar.BLOCK_LITERAL) {
        // Content starts on the line after the `|` header, at the block's indentation.
        const lines = text.split("\n");
        const firstContent = lines.slice(start.line).find((l) => l.trim() !== "");
        const indent = firstContent ? firstContent.length - firstContent.trimStart().length : 0;
        return { line: start.line + 1 + line0, col: indent + col0 + 1 };
      }
      if (line0 === 0) {
        const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
        return { line: start.line, col: start.col + col0 + (quoted ? 1 : 0) };
      }
      // Folded and multi-line flow scalars do not keep a 1:1 line mapping; point at the value.
      return start;
    },
  };
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}

/**
 * A quoted string with no closing quote runs to the end of the file, which is where yaml reports
 * it: the place to point at is the quote that opened it. That is the last quote that is not an
 * escape (\" in double quotes, '' in single ones): any later one would have closed the string.
 */
function unterminatedQuote(
  text: string,
  code: string,
  message: string,
  end: number,
): { opening: number; says: { code: string; message: string; hint: string } } | undefined {
  const quote = code === "MISSING_CHAR" ? /^Missing closing (["'])quote/.exec(message)?.[1] : undefined;
  if (!quote) return undefined;
  let opening = -1;
  for (let i = Math.min(end, text.length) - 1; i >= 0 && opening < 0; i--) {
    if (text[i] !== quote) continue;
    let run = 1;
    while (i - run >= 0 && text[i - run] === (quote === '"' ? "\\" : quote)) run++;
    // An odd run holds the quote itself: after \\ pairs (double) or before '' pairs (single).
    if (run % 2 === 1) opening = quote === '"' ? i : i - run + 1;
    else if (quote === "'") i -= run - 1;
  }
  if (opening < 0) return undefined;
  const kind = quote === '"' ? "double" : "single";
  return {
    opening,
    says: {
      code: "yaml-syntax",
      message: `YAML syntax error: this ${kind}-quoted string is never closed (no closing ${quote} before the end of the file)`,
      hint: `close it with ${quote}, or write multi-line text as a block scalar (content: |)`,
    },
  };
}

function describeYamlError(code: string, message: string): string {
  if (code === "DUPLICATE_KEY") return "duplicate key: each key may appear once in a map";
  return `YAML syntax error: ${firstLine(message).replace(/ at line \d+, column \d+.*$/, "")}`;
}
