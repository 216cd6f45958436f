import { execFileSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { codeCacheDir } from "../../src/startup/code-cache-loader.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

const LOADER = new URL("../../dist/startup/code-cache-loader.js", import.meta.url).href;

let project: ProjectDir;
afterEach(() => project?.cleanup());

/**
 * A two-chunk bundle shaped like dist/bundle/: the entry requires a chunk by relative path, a Node
 * built-in by name, and imports a user's ES module at run time the way src/startup/import-at-run-time.ts does.
 */
function writeBundle(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "shared-abc123.cjs"),
    "exports.greet = (name) => 'hello ' + name;\nexports.loadedAs = typeof module.exports;\n",
  );
  writeFileSync(join(dir, "user-module.mjs"), "export const answer = 42;\n");
  writeFileSync(
    join(dir, "main-def456.cjs"),
    [
      'const shared = require("./shared-abc123.cjs");',
      'const path = require("node:path");',
      "exports.main = async () => {",
      '  const url = require("node:url").pathToFileURL(path.join(__dirname, "user-module.mjs")).href;',
      "  const user = await __promptopsImport(url);",
      '  return [shared.greet("ann"), shared.loadedAs, user.answer, path.basename(__filename)].join(" ");',
      "};",
    ].join("\n"),
  );
  return join(dir, "main-def456.cjs");
}

/** Loads the bundle in a fresh Node process, as bin/promptops.js does on Node 20, and runs main(). */
function runBundle(entry: string, cacheDir: string): string {
  const script = `
    const { requireWithCodeCache } = await import(${JSON.stringify(LOADER)});
    const { main } = requireWithCodeCache(${JSON.stringify(entry)}, ${JSON.stringify(cacheDir)});
    process.stdout.write(await main());
  `;
  return execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
}

const cacheFiles = (dir: string) => readdirSync(dir).sort();

describe("loading the CLI bundle with a code cache (Node 20, which has no compile cache of its own)", () => {
  it("runs the bundle's chunks as CommonJS and keeps a cache of each after the run", () => {
    project = makeProjectDir();
    const entry = writeBundle(join(project.root, "bundle"));
    const cacheDir = join(project.root, "cache");
    expect(runBundle(entry, cacheDir)).toBe("hello ann object 42 main-def456.cjs");
    expect(cacheFiles(cacheDir)).toEqual(["main-def456.cjs.v8", "shared-abc123.cjs.v8"]);
  });

  it("a second run uses the caches as they are: V8 accepts them and nothing is rewritten", () => {
    project = makeProjectDir();
    const entry = writeBundle(join(project.root, "bundle"));
    const cacheDir = join(project.root, "cache");
    runBundle(entry, cacheDir);
    const written = statSync(join(cacheDir, "main-def456.cjs.v8")).mtimeMs;
    expect(runBundle(entry, cacheDir)).toBe("hello ann object 42 main-def456.cjs");
    expect(statSync(join(cacheDir, "main-def456.cjs.v8")).mtimeMs).toBe(written);
  });

  it("a corrupt cache is rejected, the code still runs, and a good cache replaces it", () => {
    project = makeProjectDir();
    const entry = writeBundle(join(project.root, "bundle"));
    const cacheDir = join(project.root, "cache");
    const cacheFile = join(cacheDir, "main-def456.cjs.v8");
    runBundle(entry, cacheDir);
    writeFileSync(cacheFile, "not a V8 code cache");
    expect(runBundle(entry, cacheDir)).toBe("hello ann object 42 main-def456.cjs");
    expect(readFileSync(cacheFile, "utf8")).not.toBe("not a V8 code cache");
    // The new cache is one V8 accepts: the next run leaves it as it is.
    const repaired = statSync(cacheFile).mtimeMs;
    runBundle(entry, cacheDir);
    expect(statSync(cacheFile).mtimeMs).toBe(repaired);
    expect(cacheFiles(cacheDir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("never applies a cache made from other code of the same length: the chunk's own code runs", () => {
    project = makeProjectDir();
    const entry = writeBundle(join(project.root, "bundle"));
    const cacheDir = join(project.root, "cache");
    runBundle(entry, cacheDir);
    // The same chunk name with other code of the same length, as a planted or stale cache would have.
    const other = writeBundle(join(project.root, "other"));
    const sharedChunk = join(project.root, "other", "shared-abc123.cjs");
    const original = readFileSync(sharedChunk, "utf8");
    const planted = original.replace("'hello '", "'PWNED '");
    expect(planted.length).toBe(original.length);
    writeFileSync(sharedChunk, planted);
    const otherCache = join(project.root, "other-cache");
    expect(runBundle(other, otherCache)).toBe("PWNED ann object 42 main-def456.cjs");
    writeFileSync(
      join(cacheDir, "shared-abc123.cjs.v8"),
      readFileSync(join(otherCache, "shared-abc123.cjs.v8")),
    );
    expect(runBundle(entry, cacheDir)).toBe("hello ann object 42 main-def456.cjs");
    // The foreign cache was rewritten from this chunk: the next run finds it good and keeps it.
    const rewritten = readFileSync(join(cacheDir, "shared-abc123.cjs.v8"));
    expect(rewritten.equals(readFileSync(join(otherCache, "shared-abc123.cjs.v8")))).toBe(false);
    runBundle(entry, cacheDir);
    expect(readFileSync(join(cacheDir, "shared-abc123.cjs.v8")).equals(rewritten)).toBe(true);
  });

  it("never hands V8 a cache with a flipped byte (V8 would crash on it): it is rewritten", () => {
    project = makeProjectDir();
    const entry = writeBundle(join(project.root, "bundle"));
    const cacheDir = join(project.root, "cache");
    const cacheFile = join(cacheDir, "main-def456.cjs.v8");
    runBundle(entry, cacheDir);
    const good = readFileSync(cacheFile);
    // Ten places spread over the file: whatever format it has, some are in V8's own data.
    for (let offset = 3; offset < good.length; offset += Math.ceil(good.length / 10)) {
      const flipped = Buffer.from(good);
      flipped[offset]! ^= 0xff;
      writeFileSync(cacheFile, flipped);
      expect({ offset, output: runBundle(entry, cacheDir) }).toEqual({
        offset,
        output: "hello ann object 42 main-def456.cjs",
      });
      expect({ offset, rewritten: !readFileSync(cacheFile).equals(flipped) }).toEqual({
        offset,
        rewritten: true,
      });
    }
  });

  it("drops the month-old caches of chunks the bundle no longer has (an older promptops), and only those", () => {
    project = makeProjectDir();
    const entry = writeBundle(join(project.root, "bundle"));
    const cacheDir = join(project.root, "cache");
    mkdirSync(cacheDir);
    const monthAgo = new Date(Date.now() - 31 * 24 * 60 * 60 * 1000);
    for (const name of ["main-old111.cjs.v8", "main-recent222.cjs.v8", "notes.txt"])
      writeFileSync(join(cacheDir, name), "a cache of another promptops");
    utimesSync(join(cacheDir, "main-old111.cjs.v8"), monthAgo, monthAgo);
    utimesSync(join(cacheDir, "notes.txt"), monthAgo, monthAgo);
    runBundle(entry, cacheDir);
    expect(cacheFiles(cacheDir)).toEqual([
      "main-def456.cjs.v8",
      "main-recent222.cjs.v8",
      "notes.txt",
      "shared-abc123.cjs.v8",
    ]);
  });

  it.runIf(process.platform !== "win32")(
    "never reads or writes a cache folder other users can write to: it could hold their code",
    () => {
      project = makeProjectDir();
      const entry = writeBundle(join(project.root, "bundle"));
      const cacheDir = join(project.root, "shared-cache");
      mkdirSync(cacheDir);
      chmodSync(cacheDir, 0o777);
      expect(runBundle(entry, cacheDir)).toBe("hello ann object 42 main-def456.cjs");
      expect(cacheFiles(cacheDir)).toEqual([]);
    },
  );

  it("a cache folder that cannot be made leaves the run as it was, only slower", () => {
    project = makeProjectDir({ "not-a-folder": "a file where the cache folder should go" });
    const entry = writeBundle(join(project.root, "bundle"));
    expect(runBundle(entry, join(project.root, "not-a-folder", "cache"))).toBe(
      "hello ann object 42 main-def456.cjs",
    );
  });
});

describe("the promptops command's code cache", () => {
  it("is kept per command, so `test` never runs on what a `--version` compiled", () => {
    const env = { NODE_COMPILE_CACHE: "/caches" };
    const dir = (...args: string[]) => codeCacheDir(["node", "promptops", ...args], env);
    expect(dir("test", "--baseline", "env:production")).toBe(
      join("/caches", `${process.version}-${process.arch}`, "test"),
    );
    expect(dir("--debug", "test")).toBe(dir("test"));
    expect(dir("--version")).not.toBe(dir("test"));
    expect(dir("validate")).not.toBe(dir("test"));
    expect(codeCacheDir(["node", "promptops"], { HOME: "/home/ann", XDG_CACHE_HOME: "/xdg" })).toBe(
      join("/xdg", "promptops", "compile-cache", `${process.version}-${process.arch}`, "none"),
    );
    // Empty or relative folders are ignored (XDG's rule), never a folder in the project.
    for (const unusable of ["", "cache"]) {
      expect(
        codeCacheDir(["node", "promptops"], { NODE_COMPILE_CACHE: unusable, XDG_CACHE_HOME: unusable }),
      ).toBe(
        join(homedir(), ".cache", "promptops", "compile-cache", `${process.version}-${process.arch}`, "none"),
      );
    }
  });

  it("is kept in NODE_COMPILE_CACHE when set, and a cached start gives the same output", async () => {
    project = makeProjectDir();
    const cacheDir = join(project.root, "compile-cache");
    const env = { NODE_COMPILE_CACHE: cacheDir };
    const first = await runCli(["--help"], { cwd: project.root, env });
    expect(first.code).toBe(0);
    expect(readdirSync(cacheDir, { recursive: true }).length).toBeGreaterThan(0);
    const second = await runCli(["--help"], { cwd: project.root, env });
    expect(second).toEqual(first);
  });

  it("is not kept with NODE_DISABLE_COMPILE_CACHE=1, Node's own switch for it", async () => {
    project = makeProjectDir();
    const cacheDir = join(project.root, "compile-cache");
    const env = { NODE_COMPILE_CACHE: cacheDir, NODE_DISABLE_COMPILE_CACHE: "1" };
    expect((await runCli(["--version"], { cwd: project.root, env })).code).toBe(0);
    expect(() => readdirSync(cacheDir)).toThrow();
  });

  it("a cached start still loads a user's check module for a javascript assertion", async () => {
    project = makeProjectDir({
      "promptops.config.yaml": "providers: [echo]\ntest: { allowJavascript: true }\n",
      "prompts/greet.prompt.yaml": [
        "model: { provider: openai, name: gpt-4o-mini }",
        "variables: { name: { type: string } }",
        "messages:",
        '  - { role: user, content: "Say hello to {{ name }}" }',
        "tests:",
        "  - name: greets by name",
        "    vars: { name: Ann }",
        "    assert:",
        "      - javascript: ./checks/greets.mjs",
        "",
      ].join("\n"),
      "prompts/checks/greets.mjs": 'export default (output) => output.includes("Ann");\n',
    });
    const env = { NODE_COMPILE_CACHE: join(project.root, "compile-cache") };
    for (const run of ["first", "cached"]) {
      const result = await runCli(["test", "--providers", "echo", "--no-cache", "--reporter", "json"], {
        cwd: project.root,
        env,
      });
      expect({ run, code: result.code, stderr: result.stderr }).toEqual({ run, code: 0, stderr: "" });
      expect(JSON.parse(result.stdout).results[0].assertions[0]).toMatchObject({
        type: "javascript",
        pass: true,
      });
    }
  });
});
