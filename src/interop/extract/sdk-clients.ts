import type * as TS from "@typescript/typescript6";
import type { TypeScriptApi } from "./load-typescript.js";

export type SdkKind = "openai" | "anthropic";

/** `openai`, `openai/…` and `@anthropic-ai/sdk`, `@anthropic-ai/sdk/…`: the packages whose clients we know. */
export function sdkOfModule(specifier: string): SdkKind | undefined {
  if (specifier === "openai" || specifier.startsWith("openai/")) return "openai";
  if (specifier === "@anthropic-ai/sdk" || specifier.startsWith("@anthropic-ai/sdk/")) return "anthropic";
  return undefined;
}

const SDK_PATH: Array<[RegExp, SdkKind]> = [
  [/[\\/]node_modules[\\/]openai[\\/]/, "openai"],
  [/[\\/]node_modules[\\/]@anthropic-ai[\\/]sdk[\\/]/, "anthropic"],
];

/**
 * Whether an expression (a variable, a property, a parameter) holds an OpenAI or Anthropic client:
 * by the type checker when the SDK's types resolve, otherwise by how it was made or declared —
 * `new X()`, a type annotation `X` — where X is bound by an import or require of the SDK.
 */
export function clientKind(
  ts: TypeScriptApi,
  checker: TS.TypeChecker,
  expr: TS.Expression,
): SdkKind | undefined {
  return kindByType(checker, expr) ?? kindByBinding(ts, checker, expr);
}

function kindByType(checker: TS.TypeChecker, expr: TS.Expression): SdkKind | undefined {
  const type = checker.getTypeAtLocation(expr);
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  for (const declaration of symbol?.declarations ?? []) {
    const file = declaration.getSourceFile().fileName;
    for (const [pattern, kind] of SDK_PATH) if (pattern.test(file)) return kind;
  }
  return undefined;
}

function kindByBinding(ts: TypeScriptApi, checker: TS.TypeChecker, expr: TS.Expression): SdkKind | undefined {
  let symbol = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(expr) ? expr.name : expr);
  // A client made in another module and imported (`import { openai } from "./clients.js"`).
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  for (const declaration of symbol?.declarations ?? []) {
    const made = madeBy(ts, declaration);
    const kind =
      (made && ts.isNewExpression(made) ? kindOfName(ts, checker, made.expression) : undefined) ??
      kindOfTypeNode(ts, checker, (declaration as { type?: TS.TypeNode }).type);
    if (kind) return kind;
  }
  return undefined;
}

/** The expression a declaration takes its value from: an initializer, or `this.x = …` in JavaScript. */
function madeBy(ts: TypeScriptApi, declaration: TS.Declaration): TS.Expression | undefined {
  const initializer = (declaration as { initializer?: TS.Expression }).initializer;
  if (initializer) return unwrap(ts, initializer);
  if (ts.isExportAssignment(declaration)) return unwrap(ts, declaration.expression);
  const parent = declaration.parent;
  if (parent && ts.isBinaryExpression(parent) && (parent.left as TS.Node) === declaration)
    return unwrap(ts, parent.right);
  return undefined;
}

function kindOfTypeNode(
  ts: TypeScriptApi,
  checker: TS.TypeChecker,
  type: TS.TypeNode | undefined,
): SdkKind | undefined {
  if (!type || !ts.isTypeReferenceNode(type)) return undefined;
  let name: TS.EntityName = type.typeName;
  while (ts.isQualifiedName(name)) name = name.left;
  return kindOfName(ts, checker, name);
}

/** The SDK a constructor or type name is bound to by an import or require, if any. */
function kindOfName(ts: TypeScriptApi, checker: TS.TypeChecker, node: TS.Node): SdkKind | undefined {
  let name: TS.Node = node;
  while (ts.isPropertyAccessExpression(name)) name = name.expression;
  const symbol = checker.getSymbolAtLocation(name);
  for (const declaration of symbol?.declarations ?? []) {
    const specifier = moduleOf(ts, declaration);
    const kind = specifier === undefined ? undefined : sdkOfModule(specifier);
    if (kind) return kind;
  }
  return undefined;
}

/** The module an import binding or a `require(…)` / `await import(…)` variable comes from. */
function moduleOf(ts: TypeScriptApi, declaration: TS.Node): string | undefined {
  let node: TS.Node | undefined = declaration;
  while (
    node &&
    !ts.isImportDeclaration(node) &&
    !ts.isVariableDeclaration(node) &&
    !ts.isImportEqualsDeclaration(node)
  )
    node = node.parent;
  if (!node) return undefined;
  if (ts.isImportDeclaration(node))
    return ts.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : undefined;
  if (ts.isImportEqualsDeclaration(node)) {
    const reference = node.moduleReference;
    return ts.isExternalModuleReference(reference) && ts.isStringLiteral(reference.expression)
      ? reference.expression.text
      : undefined;
  }
  let value = node.initializer ? unwrap(ts, node.initializer) : undefined;
  while (value && ts.isPropertyAccessExpression(value)) value = unwrap(ts, value.expression);
  if (value && ts.isAwaitExpression(value)) value = unwrap(ts, value.expression);
  if (
    value &&
    ts.isCallExpression(value) &&
    (value.expression.kind === ts.SyntaxKind.ImportKeyword ||
      (ts.isIdentifier(value.expression) && value.expression.text === "require")) &&
    value.arguments.length === 1 &&
    ts.isStringLiteralLike(value.arguments[0]!)
  )
    return (value.arguments[0] as TS.StringLiteralLike).text;
  return undefined;
}

/** Parentheses, `as`, `satisfies`, `!` and `<T>x` change nothing a prompt is made of. */
export function unwrap(ts: TypeScriptApi, expr: TS.Expression): TS.Expression {
  let current = expr;
  for (;;) {
    if (
      ts.isParenthesizedExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isSatisfiesExpression(current) ||
      ts.isNonNullExpression(current) ||
      ts.isTypeAssertionExpression(current)
    )
      current = current.expression;
    else return current;
  }
}
