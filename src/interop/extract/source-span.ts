import type * as TS from "@typescript/typescript6";
import type { SourceSpan } from "./extracted-prompt.js";

/** Where a node is, as editors show it (1-based line and column, without its leading trivia). */
export function spanOf(node: TS.Node): SourceSpan {
  const source = node.getSourceFile();
  const start = node.getStart(source);
  const { line, character } = source.getLineAndCharacterOfPosition(start);
  return { file: source.fileName, line: line + 1, col: character + 1, start, end: node.getEnd() };
}

/** `file.ts:12` for a reason's text: where, in the user's words. */
export function lineOf(node: TS.Node): number {
  return spanOf(node).line;
}

/** Thrown while reading a call: the prompt cannot become a template, so the call is left alone. */
export class CannotExtract extends Error {
  constructor(
    readonly node: TS.Node,
    reason: string,
  ) {
    super(reason);
    this.name = "CannotExtract";
  }
}

/** Code quoted in a reason: one line, at most 60 characters. */
export function shortText(text: string): string {
  const line = text.replace(/\s+/g, " ");
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
