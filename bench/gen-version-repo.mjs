// Builds a git repository full of published versions for the versions benchmark:
//   node bench/gen-version-repo.mjs [dir] [prompts=500] [versionsPerPrompt=20]
// 500 prompts x 20 versions = 10,000 annotated tags, each with the trailers `promptops publish` writes and
// the real Prompt-Hash of its content (computed with the built compile code in dist/), so `verify` agrees.
// Commits and tags are written by one `git fast-import` stream, not by thousands of git processes.
// Built once: a marker in .git records the parameters, and a repeated call with the same ones returns
// at once. Without a dir it builds into the benchmark cache (what bench/versions.mjs uses).
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { generateProject } from "./gen-prompts.mjs";
import { isMain, repoRoot, requireBuiltCli, round } from "./lib.mjs";

// Bump when the generated repository changes, so cached copies are rebuilt.
const FORMAT = 1;
const MARKER = "promptops-bench-version-repo.json";
const SEED = 20_251_125;
// Fixed dates: the same parameters give byte-identical commits and tags on every machine.
const EPOCH = 1_750_000_000;
const IDENT = "Bench Publisher <bench@example.test>";
// Every tenth prompt gets a committed but unpublished edit, so status has changed drafts to report.
const DRAFT_EVERY = 10;

export const defaultCacheDir = () =>
  process.env.PROMPTOPS_BENCH_CACHE ?? join(tmpdir(), "promptops-bench-cache");

function git(cwd, args, input) {
  const result = spawnSync("git", args, {
    cwd,
    input,
    encoding: input === undefined ? "utf8" : undefined,
    maxBuffer: 256 * 1024 * 1024,
    // The user's config (signing, hooks, templates) has no place in a generated fixture.
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: process.platform === "win32" ? "NUL" : "/dev/null",
      GIT_CONFIG_NOSYSTEM: "1",
    },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`git ${args[0]} failed: ${String(result.stderr).trim()}`);
  return String(result.stdout ?? "");
}

function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

/** Version r of a prompt: the system message names its revision, so every version has its own hash. */
function revise(text, revision) {
  const revised = text.replace(/\(case family (\d+)\)/, `(case family $1, revision ${revision})`);
  if (revised === text) throw new Error("gen-version-repo: the generated prompt has no revision marker");
  return revised;
}

const draftEdit = (text) => text.replace(/, revision (\d+)\)/, ", revision $1, draft)");

/** The Prompt-Hash of each text, with the same code `promptops publish` runs. */
async function hasher(promptsDir, partials) {
  const dist = (path) => import(pathToFileURL(join(repoRoot, "dist", path)).href);
  const [{ loadPrompt }, { compilePrompt }, { PartialStore }] = await Promise.all([
    dist("prompt/load-prompt.js"),
    dist("prompt/compile-prompt.js"),
    dist("prompt/partials.js"),
  ]);
  const store = new PartialStore(promptsDir, (file) => {
    const text = partials.get(file);
    if (text === undefined) throw new Error(`no partial ${file}`);
    return text;
  });
  return (id, text) => {
    const loaded = loadPrompt({ id, file: join(promptsDir, `${id}.prompt.yaml`) }, () => text);
    if (!loaded.prompt) throw new Error(`gen-version-repo: generated ${id} is invalid`);
    return compilePrompt(loaded.prompt, store).hash;
  };
}

/** fast-import's `data` command: an exact byte count, then the bytes. */
const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;

export async function generateVersionRepo(dir, { prompts = 500, versions = 20 } = {}) {
  const root = resolve(dir);
  const markerFile = join(root, ".git", MARKER);
  const wanted = { format: FORMAT, prompts, versions };
  if (existsSync(markerFile)) {
    const marker = JSON.parse(readFileSync(markerFile, "utf8"));
    if (marker.format === FORMAT && marker.prompts === prompts && marker.versions === versions) {
      return { root, cached: true, ...marker };
    }
    rmSync(root, { recursive: true, force: true });
  } else if (existsSync(root) && readdirSync(root).length > 0) {
    // Never delete a tree this script did not write.
    throw new Error(`${root} is not empty and was not made by gen-version-repo`);
  }
  requireBuiltCli();
  const start = process.hrtime.bigint();

  // The prompt tree bench/gen-prompts.mjs writes, read back as the content of the latest revision.
  const staging = mkdtempSync(join(tmpdir(), "promptops-bench-gen-"));
  let files;
  try {
    const project = generateProject(join(staging, "project"), prompts, SEED);
    files = listFiles(project)
      .filter((file) => !file.endsWith(".promptops-bench-generated"))
      .map((file) => ({
        path: relative(project, file).split(sep).join("/"),
        text: readFileSync(file, "utf8"),
      }));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  const promptFiles = files
    .filter((f) => f.path.endsWith(".prompt.yaml"))
    .map((f) => ({ ...f, id: f.path.slice("prompts/".length, -".prompt.yaml".length) }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const otherFiles = files.filter((f) => !f.path.endsWith(".prompt.yaml"));

  const promptsDir = join(root, "prompts");
  const partials = new Map(
    otherFiles.filter((f) => f.path.startsWith("prompts/")).map((f) => [join(root, f.path), f.text]),
  );
  const hashOf = await hasher(promptsDir, partials);

  // Commit r holds revision r of every prompt; version r of each prompt tags it. One more
  // commit makes the draft edits.
  const chunks = [];
  const commit = (mark, message, changes) => {
    const when = `${EPOCH + mark * 3600} +0000`;
    chunks.push(
      `commit refs/heads/main\nmark :${mark}\nauthor ${IDENT} ${when}\ncommitter ${IDENT} ${when}\n${data(message)}`,
      mark > 1 ? `from :${mark - 1}\n` : "",
      ...changes.map((f) => `M 100644 inline ${f.path}\n${data(f.text)}`),
      "\n",
    );
  };
  const tags = [];
  for (let r = 1; r <= versions; r++) {
    const revised = promptFiles.map((f) => ({ ...f, text: revise(f.text, r) }));
    commit(r, `Revision ${r} of every prompt`, r === 1 ? [...otherFiles, ...revised] : revised);
    for (const f of revised) {
      const message = `Revision ${r} of ${f.id}\n\nPrompt-Id: ${f.id}\nPrompt-Version: ${r}\nPrompt-Hash: ${hashOf(f.id, f.text)}\n`;
      tags.push(
        `tag prompt/${f.id}/v${r}\nfrom :${r}\ntagger ${IDENT} ${EPOCH + r * 3600 + 60} +0000\n${data(message)}`,
      );
    }
  }
  const drafted = promptFiles.filter((_, i) => i % DRAFT_EVERY === 0);
  commit(
    versions + 1,
    "Draft edits, not yet published",
    drafted.map((f) => ({ ...f, text: draftEdit(revise(f.text, versions)) })),
  );

  mkdirSync(root, { recursive: true });
  git(root, ["init", "--quiet", "--initial-branch=main"]);
  git(root, ["config", "user.name", "Bench Publisher"]);
  git(root, ["config", "user.email", "bench@example.test"]);
  git(root, ["config", "gc.auto", "0"]);
  git(root, ["fast-import", "--quiet"], Buffer.from([...chunks, ...tags].join("")));
  // A clone has its tags in packed-refs, not 10,000 loose files: measure that.
  git(root, ["pack-refs", "--all"]);
  git(root, ["reset", "--quiet", "--hard", "main"]);

  const marker = {
    ...wanted,
    tags: promptFiles.length * versions,
    changedDrafts: drafted.length,
    sampleId: promptFiles[Math.floor(promptFiles.length / 2)].id,
    generateMs: round(Number(process.hrtime.bigint() - start) / 1e6),
  };
  writeFileSync(markerFile, `${JSON.stringify(marker, null, 2)}\n`);
  return { root, cached: false, ...marker };
}

if (isMain(import.meta.url)) {
  const [dirArg, promptsArg = "500", versionsArg = "20"] = process.argv.slice(2);
  const prompts = Number(promptsArg);
  const versions = Number(versionsArg);
  if (!Number.isInteger(prompts) || prompts < 1 || !Number.isInteger(versions) || versions < 1) {
    console.error("usage: node bench/gen-version-repo.mjs [dir] [prompts=500] [versionsPerPrompt=20]");
    process.exit(2);
  }
  const dir = dirArg ?? join(defaultCacheDir(), `versions-${prompts}x${versions}`);
  try {
    const repo = await generateVersionRepo(dir, { prompts, versions });
    const how = repo.cached ? "cached" : `built in ${round(repo.generateMs / 1000, 1)} s`;
    console.log(`${repo.root}: ${repo.prompts} prompts, ${repo.tags} version tags (${how})`);
  } catch (error) {
    console.error(`gen-version-repo: ${error.message}`);
    process.exit(2);
  }
}
