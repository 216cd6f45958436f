import parser from "nunjucks/src/parser.js";
import "./fast-lexer.js";

/** A node of Nunjucks' template AST; lineno and colno are 0-based. */
export type AstNode = {
  typename: string;
  lineno: number;
  colno: number;
  fields?: readonly string[];
  children?: AstNode[];
  [field: string]: unknown;
};

/** Parses with Nunjucks' parser only; its compiler (which generates code) is never used. */
export function parseAst(source: string): AstNode {
  return parser.parse(source) as AstNode;
}

export function child(node: AstNode, field: string): AstNode | undefined {
  const value = node[field];
  return isNode(value) ? value : undefined;
}

export function children(node: AstNode | undefined): AstNode[] {
  return node?.children ?? [];
}

export function isNode(value: unknown): value is AstNode {
  return typeof value === "object" && value !== null && typeof (value as AstNode).typename === "string";
}
