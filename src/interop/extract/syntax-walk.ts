import type * as TS from "@typescript/typescript6";
import type { TypeScriptApi } from "./load-typescript.js";

/**
 * The first result `found` gives for a node under `root` (root included), in no set order, or
 * undefined. Without recursion: source files are untrusted, and a recursive walk of a deeply
 * nested one would overflow the stack.
 */
export function findInTree<T>(
  ts: TypeScriptApi,
  root: TS.Node,
  found: (node: TS.Node) => T | undefined,
): T | undefined {
  const pending: TS.Node[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    const result = found(node);
    if (result !== undefined) return result;
    ts.forEachChild(node, (child) => {
      pending.push(child);
    });
  }
  return undefined;
}

/** The function (or the file) whose variables a declaration belongs to. */
export function declaringScope(ts: TypeScriptApi, node: TS.Node): TS.Node {
  let scope: TS.Node = node;
  while (scope.parent && !ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  return scope;
}
