// Builds the repository the audit-report benchmark reads: node bench/gen-audit-repo.mjs [dir]
// 500 prompts x 20 versions = 10,000 annotated version tags, a promptops.lock committed 2,000 times
// (the first commit activates every prompt in staging and production, each later one activates,
// promotes or rolls back one prompt, as a busy team would), and 1,000 approval and test records as
// notes under refs/notes/promptops. The lockfile holds the compiled content of every version it points
// at, as `promptops lock` writes it (~1 MB at 500 prompts). Everything is one `git fast-import` stream.
// Built once: a marker in .git records the format, and a repeated call returns at once.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { defaultCacheDir } from "./gen-version-repo.mjs";
import { isMain, mulberry32, round } from "./lib.mjs";

const FORMAT = 1;
const MARKER = "promptops-bench-audit-repo.json";
const PROMPTS = 500;
const VERSIONS = 20;
const LOCK_COMMITS = 2000;
const RECORDS = 1000;
const EPOCH = 1_760_000_000;
const IDENT = "Bench Publisher <bench@example.test>";
const ENVS = ["production", "staging"];

const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
const hex = (n, width) => n.toString(16).padStart(width, "0");
const hashOf = (p, v) => `sha256:${hex(p, 8)}${hex(v, 8)}${"0".repeat(48)}`;
const idOf = (p) => `team-${p % 25}/prompt-${p}`;
const iso = (seconds) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");

/** What `promptops lock` writes: sorted keys, 2-space indent, a trailing newline. */
function canonical(value) {
  const sorted = (v) => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v === null || typeof v !== "object") return v;
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sorted(v[k])]),
    );
  };
  return `${JSON.stringify(sorted(value), null, 2)}\n`;
}

function compiled(p, v) {
  return {
    id: idOf(p),
    version: v,
    messages: [
      {
        role: "system",
        content: `You are support assistant ${p} (revision ${v}). ${"Answer briefly and politely. ".repeat(6)}`,
      },
      { role: "user", content: "{{ question }}" },
    ],
    model: { provider: "openai", name: "gpt-4o-mini", params: { temperature: 0.2, max_tokens: 400 } },
    variables: { question: { type: "string", maxLength: 4000 } },
  };
}

function git(cwd, args, input) {
  const result = spawnSync("git", args, {
    cwd,
    input,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
  });
  if (result.status !== 0) throw new Error(`git ${args[0]} failed: ${String(result.stderr).trim()}`);
  return String(result.stdout);
}

export async function generateAuditRepo(dir = join(defaultCacheDir(), "audit-report")) {
  const root = resolve(dir);
  const markerFile = join(root, ".git", MARKER);
  if (existsSync(markerFile)) {
    const marker = JSON.parse(readFileSync(markerFile, "utf8"));
    if (marker.format === FORMAT) return { root, cached: true, ...marker };
    rmSync(root, { recursive: true, force: true });
  } else if (existsSync(root) && readdirSync(root).length > 0) {
    throw new Error(`${root} is not empty and was not made by gen-audit-repo`);
  }
  const start = process.hrtime.bigint();
  mkdirSync(root, { recursive: true });
  git(root, ["init", "--quiet", "--initial-branch=main"]);
  git(root, ["config", "gc.auto", "0"]);
  const random = mulberry32(20_261_205);
  const importer = spawn("git", ["fast-import", "--quiet"], {
    cwd: root,
    stdio: ["pipe", "inherit", "inherit"],
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
  });
  const exited = once(importer, "close");
  // Written as generated, with backpressure: the whole stream is ~2 GB.
  const chunks = {
    async push(...texts) {
      for (const text of texts) if (!importer.stdin.write(text)) await once(importer.stdin, "drain");
    },
  };
  let mark = 0;
  let time = EPOCH;
  const commit = async (message, files) => {
    mark++;
    time += 600;
    await chunks.push(
      `commit refs/heads/main\nmark :${mark}\nauthor ${IDENT} ${time} +0000\ncommitter ${IDENT} ${time} +0000\n${data(message)}`,
      mark > 1 ? `from :${mark - 1}\n` : "",
      ...Object.entries(files).map(([path, text]) => `M 100644 inline ${path}\n${data(text)}`),
      "\n",
    );
    return mark;
  };
  await commit("Add the config", { "promptops.config.yaml": "providers: [echo]\n" });
  // Version v of every prompt is tagged on commit `versionMarks[v]`.
  const versionMarks = [];
  const tags = [];
  for (let v = 1; v <= VERSIONS; v++) {
    versionMarks[v] = await commit(`Revision ${v}`, { [`revision-${v}.txt`]: `${v}\n` });
    for (let p = 0; p < PROMPTS; p++) {
      const message = `Revision ${v} of ${idOf(p)}\n\nPrompt-Id: ${idOf(p)}\nPrompt-Version: ${v}\nPrompt-Hash: ${hashOf(p, v)}\n`;
      tags.push(
        `tag prompt/${idOf(p)}/v${v}\nfrom :${mark}\ntagger ${IDENT} ${time + 60} +0000\n${data(message)}`,
      );
    }
  }
  // The lockfile: every prompt at v1..v10 in both environments, then one change per commit.
  const environments = { production: {}, staging: {} };
  const entry = (p, v, previous, reason) => ({
    activatedAt: iso(time + 600),
    activatedBy: "Ann Example <ann@acme.io>",
    commit: "c".repeat(40),
    hash: hashOf(p, v),
    previous,
    reason,
    version: v,
  });
  for (let p = 0; p < PROMPTS; p++)
    for (const env of ENVS) environments[env][idOf(p)] = entry(p, 1 + (p % 10), null, "initial");
  // Built from cached pieces (each entry and each compiled prompt stringified once): the same bytes
  // as canonical() of the whole file, without re-serialising 1 MB 2,000 times.
  const indent = (text, pad) => text.replaceAll("\n", `\n${pad}`);
  const pieceCache = new Map();
  const piece = (key, value, pad) => {
    let text = pieceCache.get(key);
    if (text === undefined) {
      text = indent(canonical(value).trimEnd(), pad);
      pieceCache.set(key, text);
    }
    return text;
  };
  const ids = Object.keys(environments.production).sort();
  const lockText = () => {
    const out = ['{\n  "environments": {\n'];
    ENVS.forEach((env, i) => {
      out.push(`    "${env}": {\n`);
      out.push(
        ids
          .map((id) => `      "${id}": ${indent(canonical(environments[env][id]).trimEnd(), "      ")}`)
          .join(",\n"),
      );
      out.push(`\n    }${i < ENVS.length - 1 ? "," : ""}\n`);
    });
    out.push('  },\n  "lockfileVersion": 1,\n  "prompts": {\n');
    const hashes = new Map();
    for (const env of ENVS)
      for (const id of ids) hashes.set(environments[env][id].hash, [id, environments[env][id].version]);
    out.push(
      [...hashes.keys()]
        .sort()
        .map((hash) => {
          const [id, v] = hashes.get(hash);
          const p = Number(id.slice(id.lastIndexOf("-") + 1));
          return `    "${hash}": ${piece(hash, compiled(p, v), "    ")}`;
        })
        .join(",\n"),
    );
    out.push("\n  }\n}\n");
    return out.join("");
  };
  let lockBytes = 0;
  for (let c = 0; c < LOCK_COMMITS; c++) {
    if (c > 0) {
      const p = Math.floor(random() * PROMPTS);
      const env = ENVS[c % 2];
      const current = environments[env][idOf(p)];
      const rollback = current.previous !== null && random() < 0.2;
      const version = rollback ? current.previous : Math.min(VERSIONS, current.version + 1);
      environments[env][idOf(p)] = rollback
        ? entry(p, version, null, `roll back v${current.version} to v${version}`)
        : entry(p, version, current.version, `ship ${idOf(p)} v${version}`);
    }
    const text = lockText();
    lockBytes = text.length;
    await commit(c === 0 ? "Activate every prompt" : `Change ${c}`, { "promptops.lock": text });
  }
  // Notes: approvals and test records on the tag commits, several per note (one per line).
  const notes = new Map();
  for (let r = 0; r < RECORDS; r++) {
    const p = Math.floor(random() * PROMPTS);
    const v = 1 + Math.floor(random() * VERSIONS);
    const base = {
      promptops: 1,
      kind: r % 2 ? "approval" : "test",
      prompt: idOf(p),
      version: v,
      hash: hashOf(p, v),
    };
    const record =
      r % 2
        ? { ...base, by: "Bob Approver <bob@acme.io>", at: iso(EPOCH + r * 1200), reason: "reviewed" }
        : {
            ...base,
            by: "CI <ci@acme.io>",
            at: iso(EPOCH + r * 1200),
            providers: ["openai:gpt-4o-mini"],
            summary: { total: 10, passed: 10, failed: 0, errors: 0 },
          };
    const lines = notes.get(versionMarks[v]) ?? [];
    lines.push(JSON.stringify(record));
    notes.set(versionMarks[v], lines);
  }
  await chunks.push(
    `commit refs/notes/promptops\ncommitter ${IDENT} ${time} +0000\n${data("Records")}`,
    ...[...notes].map(([m, lines]) => `N inline :${m}\n${data(`${lines.join("\n")}\n`)}`),
    "\n",
  );

  await chunks.push(...tags);
  importer.stdin.end();
  const [code] = await exited;
  if (code !== 0) throw new Error(`git fast-import exited ${code}`);
  git(root, ["pack-refs", "--all"]);
  git(root, ["reset", "--quiet", "--hard", "main"]);
  const marker = {
    format: FORMAT,
    prompts: PROMPTS,
    tags: PROMPTS * VERSIONS,
    lockCommits: LOCK_COMMITS,
    lockBytes,
    records: RECORDS,
    firstLockTime: iso(EPOCH + (VERSIONS + 2) * 600),
    lastTime: iso(time),
    generateMs: round(Number(process.hrtime.bigint() - start) / 1e6),
  };
  writeFileSync(markerFile, `${JSON.stringify(marker, null, 2)}\n`);
  return { root, cached: false, ...marker };
}

if (isMain(import.meta.url)) {
  const repo = await generateAuditRepo(process.argv[2]);
  console.log(
    `${repo.root}: ${repo.tags} tags, ${repo.lockCommits} lockfile commits (${repo.lockBytes} bytes each), ${repo.records} records (${repo.cached ? "cached" : `built in ${round(repo.generateMs / 1000, 1)} s`})`,
  );
}
