import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../src", import.meta.url));
// Read for verbatimModuleSyntax: under it `import { type A } from` stays `import {} from` at run time.
const TSCONFIG = fileURLToPath(new URL("../../tsconfig.json", import.meta.url));

/** One import that crosses from a folder of src/ to another: where it is, for the failure message. */
interface CrossImport {
  from: string;
  to: string;
  site: string;
}

/** The folder of src/ a file belongs to; a file at the top of src/ counts as its own folder. */
function folderOf(path: string): string {
  const [first, ...rest] = path.split("/");
  return rest.length > 0 ? first! : first!.replace(/\.(?:ts|js)$/, "");
}

function sourceFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .map((path) => path.split(sep).join("/"))
    .filter((path) => /\.(?:ts|mts|cts)$/.test(path) && !path.endsWith(".d.ts"));
}

/**
 * Every import from one folder of `root` to another that runs: static imports, re-exports and
 * `import("…")`, as esbuild's parser resolves them (it drops `import type` and type positions as
 * the compiler does). Every file is an entry point, so code no command reaches is counted too.
 */
async function crossFolderImports(root: string): Promise<CrossImport[]> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: sourceFiles(root),
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    splitting: true,
    outdir: "out",
    write: false,
    metafile: true,
    logLevel: "silent",
    tsconfig: TSCONFIG,
  });
  const crossings: CrossImport[] = [];
  for (const [path, input] of Object.entries(result.metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.external || imported.path.startsWith("../")) continue; // a package, or outside src/
      const [from, to] = [folderOf(path), folderOf(imported.path)];
      if (from !== to) crossings.push({ from, to, site: `${path} -> ${imported.original ?? imported.path}` });
    }
  }
  return crossings;
}

/** The cycles among folders (strongly connected components of two or more), each with the imports that close it. */
function folderCycles(crossings: readonly CrossImport[]): string[] {
  const edges = new Map<string, Map<string, string>>();
  for (const { from, to, site } of crossings) {
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, site);
  }
  const nodes = [...new Set(crossings.flatMap((c) => [c.from, c.to]))].sort();
  // Tarjan's algorithm: each component of more than one folder is a cycle.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const components: string[][] = [];
  const strongConnect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) components.push(component.sort());
  };
  for (const v of nodes) if (!index.has(v)) strongConnect(v);
  return components.map((component) => {
    const inside = new Set(component);
    const sites = component.flatMap((from) =>
      [...(edges.get(from) ?? [])].filter(([to]) => inside.has(to)).map(([, site]) => site),
    );
    return `${component.join(" <-> ")}: ${sites.join("; ")}`;
  });
}

/** A throwaway src/ laid out from a map of path -> content. */
async function importsOfTree(files: Record<string, string>): Promise<CrossImport[]> {
  const root = mkdtempSync(join(tmpdir(), "promptops-imports-"));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return await crossFolderImports(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe("the folders of src/", () => {
  it("import each other without a cycle, dynamic imports counted", async () => {
    const crossings = await crossFolderImports(SRC);

    // The walk saw the code: the CLI reaches every stage of the pipeline.
    const fromCli = new Set(crossings.filter((c) => c.from === "cli").map((c) => c.to));
    expect([...fromCli]).toEqual(
      expect.arrayContaining(["prompt", "versions", "environments", "regression"]),
    );
    expect(folderCycles(crossings)).toEqual([]);
  });
});

describe("the cycle check", () => {
  it("finds a cycle closed by a dynamic import, and says which imports close it", async () => {
    const crossings = await importsOfTree({
      "versions/status.ts": 'export async function f() { return import("../lockfile/lockfile.js"); }',
      "lockfile/lockfile.ts": 'import { g } from "../versions/version-index.js";\nexport const h = g;',
      "versions/version-index.ts": "export const g = 1;",
    });

    expect(folderCycles(crossings)).toEqual([
      "lockfile <-> versions: lockfile/lockfile.ts -> ../versions/version-index.js; versions/status.ts -> ../lockfile/lockfile.js",
    ]);
  });

  it("counts re-exports and `import { type A }`, which stay imports at run time", async () => {
    const crossings = await importsOfTree({
      "cli/output.ts": 'export { colourFor } from "../reporters/colour.js";',
      "reporters/colour.ts": "export const colourFor = 1;",
      "reporters/pretty.ts": 'import { type X } from "../cli/output.js";',
    });

    expect(folderCycles(crossings)).toEqual([
      "cli <-> reporters: cli/output.ts -> ../reporters/colour.js; reporters/pretty.ts -> ../cli/output.js",
    ]);
  });

  it("finds a cycle through three folders and through a file at the top of src/", async () => {
    const crossings = await importsOfTree({
      "a/one.ts": 'import "../b/two.js";',
      "b/two.ts": 'import "../errors.js";',
      "errors.ts": 'import "./a/one.js";',
    });

    expect(folderCycles(crossings)).toEqual([
      "a <-> b <-> errors: a/one.ts -> ../b/two.js; b/two.ts -> ../errors.js; errors.ts -> ./a/one.js",
    ]);
  });

  it("leaves out what does not run: `import type`, `export type`, type positions and packages", async () => {
    const crossings = await importsOfTree({
      "versions/a.ts": [
        'import type { L } from "../lockfile/lockfile.js";',
        'export type { M } from "../lockfile/lockfile.js";',
        'let x: import("../lockfile/lockfile.js").L;',
        'import { parse } from "yaml";',
        "export const g = parse;",
      ].join("\n"),
      "lockfile/lockfile.ts": 'import { g } from "../versions/a.js";',
    });

    expect(crossings.map((c) => c.site)).toEqual(["lockfile/lockfile.ts -> ../versions/a.js"]);
    expect(folderCycles(crossings)).toEqual([]);
  });
});
