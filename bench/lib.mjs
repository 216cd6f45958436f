// Shared helpers for the benchmarks: plain Node, no dependencies, so a bench measures the CLI and nothing else.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
export const cliBin = join(repoRoot, "bin", "promptops.js");
export const resultsDir = join(repoRoot, "bench", "results");

/** bin/promptops.js runs the bundle in dist/bundle/, so without a build every CLI timing is meaningless. */
export function requireBuiltCli() {
  if (existsSync(cliBin) && existsSync(join(repoRoot, "dist", "bundle", "manifest.json"))) return;
  console.error("bench: the CLI is not built (no dist/bundle/manifest.json); run `npm run build` first");
  process.exit(2);
}

/** The bench's one optional argument, a whole number >= 1 (`runs`, `count`), else usage and exit 2. */
export function countArgument(name, fallback) {
  const text = process.argv[2];
  const value = text === undefined ? fallback : Number(text);
  if (Number.isInteger(value) && value >= 1) return value;
  console.error(`usage: node ${process.argv[1].replace(`${repoRoot}/`, "")} [${name}=${fallback}]`);
  process.exit(2);
}

/** Runs a command to completion; the wall time includes process start-up, which is what users wait for. */
export function runCommand(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const child = spawnSync(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.error) throw child.error;
  return { code: child.status, signal: child.signal, stdout: child.stdout, stderr: child.stderr, ms };
}

/**
 * Times `runs` executions after `warmup` untimed ones (the first run pays for a cold disk cache,
 * which would otherwise land in one sample and skew p90). Every run's exit code is kept, so a
 * command that fails fast cannot pass for a fast command.
 */
export function timeCommand(command, args, { runs = 15, warmup = 1, ...options } = {}) {
  for (let i = 0; i < warmup; i++) runCommand(command, args, options);
  const samples = [];
  const codes = [];
  let last;
  for (let i = 0; i < runs; i++) {
    last = runCommand(command, args, options);
    samples.push(last.ms);
    codes.push(last.code);
  }
  return { ...summarise(samples), codes, last };
}

/** Nearest-rank percentiles: with 5–15 samples, interpolation would invent precision. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarise(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    runs: samples.length,
    medianMs: round(median(samples)),
    p90Ms: round(percentile(sorted, 90)),
    minMs: round(sorted[0]),
    maxMs: round(sorted[sorted.length - 1]),
    samplesMs: samples.map((ms) => round(ms)),
  };
}

export function round(n, digits = 2) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** A fixed-width table; columns are the keys of the first row, in order. */
export function printTable(title, rows) {
  console.log(`\n${title}`);
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const cell = (v) => (typeof v === "number" ? String(round(v)) : String(v ?? ""));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values) =>
    values.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join("  ");
  console.log(line(columns));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(columns.map((c) => cell(row[c]))));
}

/** Writes bench/results/<name>.json with the environment, so numbers from different machines are not confused. */
export function writeResults(name, data) {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${name}.json`);
  const record = {
    name,
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    ...data,
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
  return file;
}

/** Whether this module is the entry point (`node bench/x.mjs`) rather than imported by another bench. */
export function isMain(importMetaUrl) {
  return process.argv[1] !== undefined && fileURLToPath(importMetaUrl) === resolve(process.argv[1]);
}

/** mulberry32: a tiny seeded PRNG, so generated fixtures are identical on every run and machine. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick(random, items) {
  return items[Math.floor(random() * items.length)];
}

export function shuffle(random, items) {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A bench's verdict: each missed bar on its own line, and exit code 1 when there is any. */
export function reportFailures(failures) {
  if (failures.length === 0) return;
  console.error(`\nFAIL\n- ${failures.join("\n- ")}`);
  process.exitCode = 1;
}
