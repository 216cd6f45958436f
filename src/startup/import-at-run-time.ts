// Set by src/startup/code-cache-loader.ts for the bundle's chunks: code it compiles cannot call import()
// on Node 20 (a script run from a code cache loses its import callback, and the callback that
// keeps working is behind an experimental flag). Elsewhere (src, tsc's dist, Node's own loader) it
// is undefined and import() is used as is.
declare const __promptopsImport: ((specifier: string) => Promise<unknown>) | undefined;

/** import() of code that is not part of promptops: a user's module, an optional peer dependency. */
export function importAtRunTime(specifier: string): Promise<unknown> {
  return typeof __promptopsImport === "function" ? __promptopsImport(specifier) : import(specifier);
}
