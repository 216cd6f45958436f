import type * as ts from "@typescript/typescript6";
import type { TypeScriptApi as TypeScript } from "../extract/load-typescript.js";
import type { TextEdit } from "./text-edits.js";

interface Range {
  start: number;
  end: number;
}

/**
 * The removals of what the call-site edits leave unused: a constant that held a prompt (SYSTEM_PROMPT,
 * a local `messages`), then an import only that constant used (an app with `noUnusedLocals` would not
 * compile otherwise). Only what is certainly unused goes: a name declared once in the file, not
 * exported, whose every reference was in replaced or removed code, and whose initializer has no side
 * effects (literals, templates, names, arrays and objects of them). Names are compared as text: a
 * shadowing name elsewhere keeps the declaration, which is the safe side.
 */
export function unusedDeclarationRemovals(
  typescript: TypeScript,
  source: ts.SourceFile,
  edits: readonly TextEdit[],
): TextEdit[] {
  const references = referencesByName(typescript, source);
  // Names the new text uses (the variables' expressions) stay used.
  const inserted = new Set(edits.flatMap((edit) => identifierNames(typescript, edit.text)));
  const declarations = declarationsByName(typescript, source);
  // Code whose references no longer count: the replaced properties, then each removed declaration.
  const gone: Range[] = [...edits];
  const statements: Range[] = [];
  const bindings: Array<ts.ImportSpecifier | ts.ImportClause | ts.NamespaceImport> = [];

  const candidates = new Set(namesWithin(references, gone));
  const removed = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of candidates) {
      const declared = declarations.get(name);
      if (declared?.length !== 1 || inserted.has(name)) continue;
      if ((references.get(name) ?? []).some((use) => !inside(use, gone))) continue;
      const declaration = declared[0]!;
      if (typescript.isVariableStatement(declaration)) {
        if (!removableConstant(typescript, declaration)) continue;
        const range = wholeLines(source, declaration);
        statements.push(range);
        gone.push(range);
      } else if (isImportBinding(typescript, declaration)) {
        bindings.push(declaration);
        gone.push({ start: declaration.getStart(source), end: declaration.getEnd() });
      } else continue;
      removed.add(name);
      for (const more of namesWithin(references, gone)) if (!removed.has(more)) candidates.add(more);
      candidates.delete(name);
      changed = true;
    }
  }
  return [...statements, ...importRemovals(typescript, source, bindings)].map((range) => ({
    ...range,
    text: "",
  }));
}

function isImportBinding(
  typescript: TypeScript,
  node: ts.Node,
): node is ts.ImportSpecifier | ts.ImportClause | ts.NamespaceImport {
  return (
    typescript.isImportSpecifier(node) ||
    typescript.isImportClause(node) ||
    typescript.isNamespaceImport(node)
  );
}

function removableConstant(typescript: TypeScript, statement: ts.VariableStatement): boolean {
  const exported = statement.modifiers?.some(
    (m) => m.kind === typescript.SyntaxKind.ExportKeyword || m.kind === typescript.SyntaxKind.DeclareKeyword,
  );
  const initializer = statement.declarationList.declarations[0]!.initializer;
  return !exported && initializer !== undefined && isPure(typescript, initializer);
}

/**
 * An import whose every binding goes is removed whole (TypeScript elides such an import too); else
 * each unused name with its comma. A default import beside named ones stays when only one part goes.
 */
function importRemovals(
  typescript: TypeScript,
  source: ts.SourceFile,
  bindings: ReadonlyArray<ts.ImportSpecifier | ts.ImportClause | ts.NamespaceImport>,
): Range[] {
  const byImport = new Map<ts.ImportDeclaration, Set<ts.Node>>();
  for (const binding of bindings) {
    const statement = importOf(typescript, binding);
    byImport.set(statement, (byImport.get(statement) ?? new Set()).add(binding));
  }
  const ranges: Range[] = [];
  for (const [statement, unused] of byImport) {
    if (unused.size === bindingCount(typescript, statement)) {
      ranges.push(wholeLines(source, statement));
      continue;
    }
    // Part of `import Default, { named } from …` or `import Default, * as all from …`.
    const clause = statement.importClause!;
    const named = clause.namedBindings;
    if (clause.name && named && unused.has(clause)) {
      ranges.push({ start: clause.name.getStart(source), end: named.getStart(source) });
    }
    if (!named) continue;
    const namedGone = typescript.isNamespaceImport(named)
      ? unused.has(named)
      : named.elements.every((element) => unused.has(element));
    if (clause.name && namedGone) {
      ranges.push({ start: clause.name.getEnd(), end: named.getEnd() });
      continue;
    }
    if (!typescript.isNamedImports(named)) continue;
    // Each unused name with the comma after it, or before it when it is the last.
    named.elements.forEach((element, index) => {
      if (!unused.has(element)) return;
      const next = named.elements[index + 1];
      ranges.push(
        next
          ? { start: element.getStart(source), end: next.getStart(source) }
          : { start: named.elements[index - 1]!.getEnd(), end: element.getEnd() },
      );
    });
  }
  return ranges;
}

/** Where each name is declared as a removable constant or an import binding; other declarations count too, to see shadowing. */
function declarationsByName(typescript: TypeScript, source: ts.SourceFile): Map<string, ts.Node[]> {
  const found = new Map<string, ts.Node[]>();
  const add = (name: string, node: ts.Node) => found.set(name, [...(found.get(name) ?? []), node]);
  const visit = (node: ts.Node): void => {
    if (
      typescript.isVariableDeclaration(node) ||
      typescript.isParameter(node) ||
      typescript.isBindingElement(node)
    ) {
      if (typescript.isIdentifier(node.name)) {
        const statement = node.parent?.parent;
        const single =
          typescript.isVariableDeclaration(node) &&
          typescript.isVariableDeclarationList(node.parent) &&
          node.parent.declarations.length === 1 &&
          statement !== undefined &&
          typescript.isVariableStatement(statement);
        add(node.name.text, single ? statement : node);
      }
    } else if (
      typescript.isFunctionDeclaration(node) ||
      typescript.isClassDeclaration(node) ||
      typescript.isEnumDeclaration(node) ||
      typescript.isFunctionExpression(node) ||
      typescript.isClassExpression(node)
    ) {
      if (node.name) add(node.name.text, node);
    } else if (typescript.isImportSpecifier(node) || typescript.isNamespaceImport(node)) {
      add(node.name.text, node);
    } else if (typescript.isImportClause(node) && node.name) {
      add(node.name.text, node);
    } else if (typescript.isImportEqualsDeclaration(node)) {
      add(node.name.text, node);
    }
    typescript.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every identifier that refers to a binding (not a property name, a declaration's own name, a label). */
function referencesByName(typescript: TypeScript, source: ts.SourceFile): Map<string, number[]> {
  const found = new Map<string, number[]>();
  const visit = (node: ts.Node): void => {
    if (typescript.isIdentifier(node) && isReference(typescript, node)) {
      found.set(node.text, [...(found.get(node.text) ?? []), node.getStart(source)]);
    }
    typescript.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isReference(typescript: TypeScript, node: ts.Identifier): boolean {
  const parent = node.parent;
  if (!parent) return true;
  if (typescript.isShorthandPropertyAssignment(parent)) return true;
  if (typescript.isPropertyAccessExpression(parent)) return parent.expression === node;
  if (typescript.isQualifiedName(parent)) return parent.left === node;
  const named = parent as ts.Node & { name?: ts.Node; propertyName?: ts.Node; label?: ts.Node };
  if (typescript.isExportSpecifier(parent)) return (parent.propertyName ?? parent.name) === node;
  return named.name !== node && named.propertyName !== node && named.label !== node;
}

function identifierNames(typescript: TypeScript, text: string): string[] {
  const parsed = typescript.createSourceFile(
    "inserted.ts",
    `(${text})`,
    typescript.ScriptTarget.Latest,
    true,
  );
  return [...referencesByName(typescript, parsed).keys()];
}

function namesWithin(references: Map<string, number[]>, ranges: readonly Range[]): string[] {
  return [...references].filter(([, uses]) => uses.some((use) => inside(use, ranges))).map(([name]) => name);
}

function inside(offset: number, ranges: readonly Range[]): boolean {
  return ranges.some((range) => offset >= range.start && offset < range.end);
}

function importOf(typescript: TypeScript, node: ts.Node): ts.ImportDeclaration {
  let at = node;
  while (!typescript.isImportDeclaration(at)) at = at.parent;
  return at;
}

function bindingCount(typescript: TypeScript, statement: ts.ImportDeclaration): number {
  const clause = statement.importClause;
  if (!clause) return 0;
  const named = clause.namedBindings;
  const more = !named ? 0 : typescript.isNamespaceImport(named) ? 1 : named.elements.length;
  return (clause.name ? 1 : 0) + more;
}

/** Evaluating it does nothing but make the value: removing it changes nothing else. */
function isPure(typescript: TypeScript, node: ts.Expression): boolean {
  const pure = (child: ts.Node): boolean => isPure(typescript, child as ts.Expression);
  if (
    typescript.isStringLiteral(node) ||
    typescript.isNoSubstitutionTemplateLiteral(node) ||
    typescript.isNumericLiteral(node) ||
    typescript.isIdentifier(node) ||
    node.kind === typescript.SyntaxKind.TrueKeyword ||
    node.kind === typescript.SyntaxKind.FalseKeyword ||
    node.kind === typescript.SyntaxKind.NullKeyword
  ) {
    return true;
  }
  if (typescript.isTemplateExpression(node)) return node.templateSpans.every((span) => pure(span.expression));
  if (typescript.isPropertyAccessExpression(node)) return pure(node.expression);
  if (
    typescript.isParenthesizedExpression(node) ||
    typescript.isAsExpression(node) ||
    typescript.isSatisfiesExpression(node)
  ) {
    return pure(node.expression);
  }
  if (typescript.isArrayLiteralExpression(node)) {
    return node.elements.every((e) => (typescript.isSpreadElement(e) ? pure(e.expression) : pure(e)));
  }
  if (typescript.isObjectLiteralExpression(node)) {
    return node.properties.every(
      (p) =>
        typescript.isShorthandPropertyAssignment(p) ||
        (typescript.isPropertyAssignment(p) &&
          !typescript.isComputedPropertyName(p.name) &&
          pure(p.initializer)),
    );
  }
  return false;
}

/**
 * The statement's lines, with the comment lines right above it (they describe it) and, when that
 * leaves two blank lines side by side, one of them.
 */
function wholeLines(source: ts.SourceFile, node: ts.Node): Range {
  const text = source.text;
  let start = text.lastIndexOf("\n", node.getStart(source) - 1) + 1;
  for (;;) {
    const previousStart = text.lastIndexOf("\n", start - 2) + 1;
    if (start === 0 || !/^\s*(\/\/|\/\*|\*)/.test(text.slice(previousStart, start - 1))) break;
    start = previousStart;
  }
  const lineEnd = text.indexOf("\n", node.getEnd());
  let end = lineEnd === -1 ? text.length : lineEnd + 1;
  const blankBefore =
    start === 0 || /^[ \t]*\r?\n$/.test(text.slice(text.lastIndexOf("\n", start - 2) + 1, start));
  const blankAfter = /^[ \t]*\r?\n/.exec(text.slice(end));
  if (blankBefore && blankAfter) end += blankAfter[0].length;
  return { start, end };
}
