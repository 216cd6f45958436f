import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

// The package ships what it uses (`npm run build` first): the CLI bundle and what the runtime
// library imports, nothing of tsc's CLI output that nothing imports, source maps only for the
// bundle (`--debug` maps stack traces through them), a LICENSE that matches `license`.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
let packed: string[];

beforeAll(async () => {
  const { stdout } = await promisify(execFile)("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  packed = (JSON.parse(stdout)[0].files as Array<{ path: string }>).map((f) => f.path).sort();
}, 60_000);

/** Every file `start` reaches through relative imports (ES `from`/`import()`, CommonJS `require`). */
function reachable(start: string): string[] {
  const seen = new Set<string>();
  const pending = [normalize(start)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(join(ROOT, file), "utf8");
    // The bundle's chunks require each other; tsc's modules import each other.
    const imports = file.endsWith(".cjs")
      ? /\brequire\(\s*["'](\.\/[^"']+\.cjs)["']/g
      : /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g;
    for (const match of text.matchAll(imports)) {
      const target = normalize(join(dirname(file), match[1]!));
      // A .d.ts names its neighbour by the .js it describes.
      pending.push(file.endsWith(".d.ts") ? target.replace(/\.js$/, ".d.ts") : target);
    }
  }
  return [...seen];
}

function needed(): string[] {
  const exported = pkg.exports["."];
  const bin = Object.values(pkg.bin as Record<string, string>);
  const manifest = JSON.parse(readFileSync(join(ROOT, "dist/bundle/manifest.json"), "utf8"));
  return [
    ...bin.flatMap((file) => reachable(file)),
    ...reachable(exported.default),
    ...reachable(exported.types),
    ...reachable(`dist/bundle/${manifest.entry}`),
    "dist/bundle/manifest.json",
    ...packed.filter(
      (f) => /^schemas\/[^/]+\.schema\.json$/.test(f) || /^judges\/[^/]+\.prompt\.yaml$/.test(f),
    ),
    "package.json",
    "README.md",
    "LICENSE",
  ].map((f) => normalize(f).replace(/^\.\//, ""));
}

describe("the npm package", () => {
  it("holds every file the bin, the exports and the bundle's chunks need", () => {
    const missing = needed().filter((file) => !packed.includes(file));
    expect(missing).toEqual([]);
  });

  it("holds nothing else but the bundle's source maps and the licenses of what it bundles", () => {
    const need = new Set(needed());
    const extra = packed.filter((file) => !need.has(file));
    const allowed = (file: string) =>
      (/^dist\/bundle\/[^/]+\.cjs\.map$/.test(file) && need.has(file.replace(/\.map$/, ""))) ||
      // The declarations tsc writes beside each module the runtime loads.
      (/^dist\/lib\/.*\.d\.ts$/.test(file) && need.has(file.replace(/\.d\.ts$/, ".js"))) ||
      file === "dist/bundle/THIRD-PARTY-LICENSES.txt";
    expect(extra.filter((file) => !allowed(file))).toEqual([]);
    // Not tsc's output for the CLI, which the bundle already holds.
    expect(packed.filter((file) => /^dist\/(cli|regression|reporters|providers|git)\//.test(file))).toEqual(
      [],
    );
  });

  it("has a LICENSE that says what package.json's license says, and a repository", () => {
    expect(pkg.license).toBe("MIT");
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/^MIT License\n/);
    expect(pkg.repository?.url).toMatch(/^git\+https:\/\//);
  });

  it("keeps source maps for --debug without the sources' text", () => {
    const maps = packed.filter((file) => file.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps)
      expect(Object.keys(JSON.parse(readFileSync(join(ROOT, map), "utf8"))), map).not.toContain(
        "sourcesContent",
      );
  });
});
