import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import vm from "node:vm";
import { writeFileAtomicSync } from "../fs/write-file-atomic.js";

interface LoadedChunk {
  exports: unknown;
}

/**
 * Requires a CommonJS bundle (dist/bundle/: chunks that require each other as "./name-hash.cjs")
 * with V8's code cache, for the Node versions that lack `module.enableCompileCache()` (Node 20).
 *
 * A cache is written when a process exits, after the code ran, so it holds the bytecode of every
 * function the run compiled, not only the top level: the next run skips compiling them. On Node 20
 * that saved ~75 ms of a `promptops test` start-up of ~350 ms (bench/baseline-throughput.mjs).
 * V8 itself checks only the source's length, its version and flags, and applies a cache with a
 * flipped byte as it is (a crash on every start until the file goes) or one made for other code
 * of the same length (that code runs): each cache file starts with a digest of the source it was
 * made from and one of its own data, both checked before V8 sees the data (cache-envelope below).
 *
 * The cache is a speed-up, never a requirement: a cache that cannot be read, written or is
 * rejected by V8 changes nothing but the time taken.
 */
export function requireWithCodeCache(entry: string, cacheDir: string | undefined): unknown {
  const entryFile = resolve(entry);
  const chunkDir = dirname(entryFile);
  const loaded = new Map<string, LoadedChunk>();
  const toWrite: Array<{ script: vm.Script; cacheFile: string; sourceDigest: Buffer }> = [];
  const usableCacheDir = prepareCacheDir(cacheDir);

  const load = (file: string): unknown => {
    const known = loaded.get(file);
    if (known) return known.exports;
    const chunk: LoadedChunk = { exports: {} };
    loaded.set(file, chunk);
    const cacheFile = usableCacheDir && join(usableCacheDir, `${file.slice(chunkDir.length + 1)}.v8`);
    const source = readFileSync(file);
    const sourceDigest = cacheFile ? sha256(source) : undefined;
    const cachedData = sourceDigest && openEnvelope(readIfPresent(cacheFile!), sourceDigest);
    const script = new vm.Script(wrap(source.toString("utf8")), {
      filename: file,
      ...(cachedData ? { cachedData } : {}),
    });
    if (cacheFile && sourceDigest && (!cachedData || script.cachedDataRejected))
      toWrite.push({ script, cacheFile, sourceDigest });
    const nodeRequire = createRequire(file);
    // Chunks of the bundle load through here; Node's built-ins through Node.
    const chunkRequire = Object.assign(
      (specifier: string) =>
        specifier.startsWith("./") ? load(resolve(chunkDir, specifier)) : nodeRequire(specifier),
      { resolve: nodeRequire.resolve, cache: nodeRequire.cache, main: undefined },
    );
    const run = script.runInThisContext() as (...args: unknown[]) => void;
    run.call(chunk.exports, chunk.exports, chunkRequire, chunk, file, chunkDir, importFromHere);
    return chunk.exports;
  };

  // At exit, every chunk loaded by then has run: its cache holds what the run compiled.
  process.once("exit", () => {
    if (toWrite.length === 0 || !usableCacheDir) return;
    for (const { script, cacheFile, sourceDigest } of toWrite)
      writeAtomically(cacheFile, sealEnvelope(script.createCachedData(), sourceDigest));
    pruneStaleCaches(usableCacheDir, chunkDir);
  });
  return load(entryFile);
}

/**
 * A cache file: a magic, then sha256 of the chunk's source, then sha256 of V8's data, then the
 * data. Hashing costs ~0.7 ms per MB (node:crypto with the CPU's SHA instructions): ~0.2 ms for
 * `--help`, ~1.8 ms for `validate`'s 2.5 MB of chunks and caches, against a crash or foreign code
 * on every start. A file that fails a check is ignored and written anew at exit, never trusted.
 */
const MAGIC = Buffer.from("promptops-v8-cache-1\n");
const DIGEST_BYTES = 32;
const HEADER_BYTES = MAGIC.length + 2 * DIGEST_BYTES;

const sha256 = (data: Uint8Array): Buffer => createHash("sha256").update(data).digest();

function sealEnvelope(data: Buffer, sourceDigest: Buffer): Buffer {
  return Buffer.concat([MAGIC, sourceDigest, sha256(data), data]);
}

/** V8's data from a cache file, when the file is whole and was made from this very source. */
function openEnvelope(file: Buffer | undefined, sourceDigest: Buffer): Buffer | undefined {
  if (!file || file.length <= HEADER_BYTES || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const madeFrom = file.subarray(MAGIC.length, MAGIC.length + DIGEST_BYTES);
  const dataDigest = file.subarray(MAGIC.length + DIGEST_BYTES, HEADER_BYTES);
  const data = file.subarray(HEADER_BYTES);
  return madeFrom.equals(sourceDigest) && dataDigest.equals(sha256(data)) ? data : undefined;
}

const STALE_AFTER_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Every upgrade of promptops brings chunks with new names, and their caches would pile up: caches
 * of chunks this bundle does not have go once they are a month old. Another install of promptops
 * on the machine may still use them; if so, it writes them again, once.
 */
function pruneStaleCaches(cacheDir: string, chunkDir: string): void {
  try {
    const current = new Set(readdirSync(chunkDir).map((chunk) => `${chunk}.v8`));
    const before = Date.now() - STALE_AFTER_MS;
    for (const name of readdirSync(cacheDir)) {
      if (!name.endsWith(".v8") || current.has(name)) continue;
      const file = join(cacheDir, name);
      if (statSync(file).mtimeMs < before) rmSync(file, { force: true });
    }
  } catch {
    // Tidying up is a courtesy: it never fails a run.
  }
}

/**
 * Node's CommonJS wrapper, so a chunk sees the same five names as under require(), and the import()
 * that src/startup/import-at-run-time.ts uses in its place: a script compiled here cannot call import().
 */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname, __promptopsImport) { ${source}\n});`;
}

// Specifiers are absolute file URLs or package names, resolved from this package's install.
const importFromHere = (specifier: string): Promise<unknown> => import(specifier);

/**
 * Where caches go: `NODE_COMPILE_CACHE` (the variable Node 22 reads for its own cache) or the
 * user's cache folder, never a shared temp folder, where another user could plant code for this
 * process to run; then one folder per Node version and per command. A cache is written once and
 * holds what that first run compiled, so `promptops test` must not inherit the cache of a
 * `promptops --version` that ran first (it would miss most of what `test` runs).
 */
export function codeCacheDir(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const cacheHome = absolutePath(env.XDG_CACHE_HOME) ?? userCacheHome();
  const base =
    absolutePath(env.NODE_COMPILE_CACHE) ??
    (cacheHome === undefined ? undefined : join(cacheHome, "promptops", "compile-cache"));
  if (base === undefined) return undefined;
  // The first plain word is the command (`test`, `report`); `--cwd dir test` keys by "dir", which
  // is stable for that way of calling it and only ever costs speed.
  const command = argv.slice(2).find((arg) => /^[a-z][a-z-]{0,31}$/.test(arg)) ?? "none";
  return join(base, `${process.version}-${process.arch}`, command);
}

/** A folder named by a variable: unset, empty and relative ones are ignored, as XDG says. */
const absolutePath = (value: string | undefined) => (value && isAbsolute(value) ? value : undefined);

/** ~/.cache, unless the user has no home (a container's uid with no passwd entry). */
function userCacheHome(): string | undefined {
  try {
    return join(homedir(), ".cache");
  } catch {
    return undefined;
  }
}

/**
 * The cache folder, made if missing, when it is this user's own and writable by nobody else
 * (Windows: a user's profile folder is theirs, and its mode bits say nothing).
 */
function prepareCacheDir(dir: string | undefined): string | undefined {
  if (dir === undefined) return undefined;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (process.platform === "win32") return dir;
    const stats = statSync(dir);
    const ownedByUs = process.getuid === undefined || stats.uid === process.getuid();
    const writableByOthers = (stats.mode & 0o022) !== 0;
    return ownedByUs && !writableByOthers ? dir : undefined;
  } catch {
    return undefined;
  }
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeAtomically(file: string, data: Buffer): void {
  try {
    writeFileAtomicSync(file, data);
  } catch {
    // A read-only home or a full disk: the next run compiles again, no worse than without a cache.
  }
}
