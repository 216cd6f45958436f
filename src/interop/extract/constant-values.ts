import type * as TS from "@typescript/typescript6";
import type { TypeScriptApi } from "./load-typescript.js";
import { unwrap } from "./sdk-clients.js";
import { CannotExtract, lineOf, shortText } from "./source-span.js";
import { declaringScope, findInTree } from "./syntax-walk.js";

/**
 * What an identifier stands for, when the prompt may be read through it: the initializer of a
 * `const` (or of a `let`/`var` never assigned again), in this file or imported from another. A
 * parameter, or anything else, is undefined: its value is known only at run time.
 * A `let` that is assigned again (`prompt += …`) throws CannotExtract: the text is built by code.
 */
export function constantValue(
  ts: TypeScriptApi,
  checker: TS.TypeChecker,
  identifier: TS.Identifier,
): { value: TS.Expression; literalOnly: boolean } | undefined {
  // `{ system }` in an object literal names the variable, not the property.
  let symbol =
    identifier.parent && ts.isShorthandPropertyAssignment(identifier.parent)
      ? checker.getShorthandAssignmentValueSymbol(identifier.parent)
      : checker.getSymbolAtLocation(identifier);
  if (!symbol) return undefined;
  let imported = false;
  if (symbol.flags & ts.SymbolFlags.Alias) {
    symbol = checker.getAliasedSymbol(symbol);
    imported = true;
  }
  const declaration = symbol.valueDeclaration;
  if (!declaration || !ts.isVariableDeclaration(declaration) || !ts.isIdentifier(declaration.name))
    return undefined;
  if (!declaration.initializer) return undefined;
  const list = declaration.parent;
  const isConst = ts.isVariableDeclarationList(list) && (list.flags & ts.NodeFlags.Const) !== 0;
  if (!isConst) {
    const assignment = assignmentTo(ts, checker, symbol, declaration);
    if (assignment) {
      const loop = enclosingLoop(ts, assignment);
      throw new CannotExtract(
        assignment,
        loop
          ? `\`${declaration.name.text}\` is built in a loop (line ${lineOf(loop)})`
          : `\`${declaration.name.text}\` is assigned again (line ${lineOf(assignment)}): its text is chosen at run time`,
      );
    }
  }
  const value = unwrap(ts, declaration.initializer);
  // An array or object can change after it is made (`messages.push(…)`): read it only when the
  // code never does more with it than spread it or pass it as the prompt.
  if (ts.isArrayLiteralExpression(value) || ts.isObjectLiteralExpression(value)) {
    const use = changingUse(ts, checker, symbol, declaration);
    if (use)
      throw new CannotExtract(
        use,
        `\`${declaration.name.text}\` may be changed before the call: \`${shortText(use.getText())}\` (line ${lineOf(use)})`,
      );
  }
  // A module constant is computed once, when the module loads, and another file's constant out of
  // the call's scope: either is inlined only when it is literal text.
  return { value, literalOnly: imported || ts.isSourceFile(declaringScope(ts, declaration)) };
}

// Each walks a whole scope; a file with many calls reading the same constant asks again and again.
const assignments = new WeakMap<TS.Symbol, TS.Node | null>();
const changingUses = new WeakMap<TS.Symbol, TS.Node | null>();

function remembered(
  cache: WeakMap<TS.Symbol, TS.Node | null>,
  symbol: TS.Symbol,
  find: () => TS.Node | undefined,
): TS.Node | undefined {
  if (!cache.has(symbol)) cache.set(symbol, find() ?? null);
  return cache.get(symbol) ?? undefined;
}

/** The first assignment (`=`, `+=`, `++`…) to the variable in the scope that declares it. */
export function assignmentTo(
  ts: TypeScriptApi,
  checker: TS.TypeChecker,
  symbol: TS.Symbol,
  declaration: TS.Node,
): TS.Node | undefined {
  return remembered(assignments, symbol, () =>
    findInTree(ts, declaringScope(ts, declaration), (node) => {
      const target = assignedIdentifier(ts, node);
      return target && checker.getSymbolAtLocation(target) === symbol ? node : undefined;
    }),
  );
}

/**
 * A use of an array or object constant that may change it or let other code change it: a method
 * call or property write on it (`messages.push(…)`, `messages[0] = …`), or passing it to a function.
 * Reading it as a whole (`...EXAMPLES`, `messages,` in a request) is not.
 */
function changingUse(
  ts: TypeScriptApi,
  checker: TS.TypeChecker,
  symbol: TS.Symbol,
  declaration: TS.VariableDeclaration,
): TS.Node | undefined {
  return remembered(changingUses, symbol, () =>
    findInTree(ts, declaration.getSourceFile(), (node) => {
      if (!ts.isIdentifier(node) || node === declaration.name) return undefined;
      const parent = node.parent;
      const reads =
        ts.isSpreadElement(parent) ||
        (ts.isPropertyAssignment(parent) && parent.initializer === node) ||
        (ts.isShorthandPropertyAssignment(parent) && parent.name === node) ||
        ts.isExportSpecifier(parent) ||
        ts.isImportSpecifier(parent);
      if (reads) return undefined;
      const target = ts.isShorthandPropertyAssignment(parent)
        ? checker.getShorthandAssignmentValueSymbol(parent)
        : checker.getSymbolAtLocation(node);
      if (target !== symbol) return undefined;
      return ts.isPropertyAccessExpression(parent) && ts.isCallExpression(parent.parent)
        ? parent.parent
        : parent;
    }),
  );
}

function assignedIdentifier(ts: TypeScriptApi, node: TS.Node): TS.Identifier | undefined {
  if (
    ts.isBinaryExpression(node) &&
    node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
    node.operatorToken.kind <= ts.SyntaxKind.LastAssignment &&
    ts.isIdentifier(node.left)
  )
    return node.left;
  if (
    (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
    (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken) &&
    ts.isIdentifier(node.operand)
  )
    return node.operand;
  return undefined;
}

function enclosingLoop(ts: TypeScriptApi, node: TS.Node): TS.Node | undefined {
  for (let current = node.parent; current && !ts.isFunctionLike(current); current = current.parent)
    if (ts.isIterationStatement(current, false)) return current;
  return undefined;
}

/**
 * An assignment to a variable or parameter that an expression reads, if there is one: a value
 * that a local constant's initializer reads, and that changes later, is not what the call sees.
 */
export function reassignedRead(
  ts: TypeScriptApi,
  checker: TS.TypeChecker,
  expr: TS.Expression,
): TS.Node | undefined {
  return findInTree(ts, expr, (node) => {
    if (!ts.isIdentifier(node)) return undefined;
    const symbol = checker.getSymbolAtLocation(node);
    const declaration = symbol?.valueDeclaration;
    if (!symbol || !declaration || !(ts.isParameter(declaration) || ts.isVariableDeclaration(declaration)))
      return undefined;
    return assignmentTo(ts, checker, symbol, declaration);
  });
}

/**
 * A literal JSON value written in the code (`0.2`, `"json_object"`, `{ type: "json_object" }`,
 * `-1`, `null`), or undefined when any part of it is computed.
 */
export function literalJson(
  ts: TypeScriptApi,
  node: TS.Expression,
  depth = 0,
): { value: unknown } | undefined {
  const expr = unwrap(ts, node);
  if (depth > 20) return undefined;
  if (ts.isStringLiteralLike(expr)) return { value: expr.text };
  if (ts.isNumericLiteral(expr)) return { value: Number(expr.text) };
  if (
    ts.isPrefixUnaryExpression(expr) &&
    expr.operator === ts.SyntaxKind.MinusToken &&
    ts.isNumericLiteral(expr.operand)
  )
    return { value: -Number(expr.operand.text) };
  if (expr.kind === ts.SyntaxKind.TrueKeyword) return { value: true };
  if (expr.kind === ts.SyntaxKind.FalseKeyword) return { value: false };
  if (expr.kind === ts.SyntaxKind.NullKeyword) return { value: null };
  if (ts.isArrayLiteralExpression(expr)) {
    const items: unknown[] = [];
    for (const element of expr.elements) {
      const item = literalJson(ts, element, depth + 1);
      if (!item) return undefined;
      items.push(item.value);
    }
    return { value: items };
  }
  if (ts.isObjectLiteralExpression(expr)) {
    const object: Record<string, unknown> = {};
    for (const property of expr.properties) {
      if (!ts.isPropertyAssignment(property)) return undefined;
      const name = propertyName(ts, property.name);
      const item = name === undefined ? undefined : literalJson(ts, property.initializer, depth + 1);
      if (name === undefined || !item) return undefined;
      object[name] = item.value;
    }
    return { value: object };
  }
  return undefined;
}

/** A property's name when it is written plainly (`a`, `"a"`, `1`), not computed. */
export function propertyName(ts: TypeScriptApi, name: TS.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}
