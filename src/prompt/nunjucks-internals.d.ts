// Nunjucks' own modules we use piecemeal: its parser (for the AST) and its pure filter and test
// functions. The package's compiler (which generates JavaScript with `new Function`) is never loaded.
declare module "nunjucks/src/parser.js" {
  const parser: { parse(src: string, extensions?: unknown[], opts?: unknown): unknown };
  export = parser;
}
declare module "nunjucks/src/filters.js" {
  const filters: Record<string, (...args: unknown[]) => unknown>;
  export = filters;
}
declare module "nunjucks/src/tests.js" {
  const tests: Record<string, (...args: unknown[]) => unknown>;
  export = tests;
}
declare module "nunjucks/src/runtime.js" {
  const runtime: { SafeString: new (value: string) => object };
  export = runtime;
}
declare module "nunjucks/src/lexer.js" {
  const lexer: { lex(src: string, opts?: unknown): object };
  export = lexer;
}
