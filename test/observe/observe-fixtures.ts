import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { buildLockfile, makeTempDir, type TempDir } from "../lockfile/lockfile-fixtures.js";

/** A temp dir with a production lockfile: support-agent v3 (openai gpt-4o-mini). */
export function observedProject(): TempDir & { lockfile: string } {
  const dir = makeTempDir("promptops-observe-");
  const lockfile = dir.path("promptops.lock");
  writeFileSync(lockfile, serializeLockfile(buildLockfile({ production: { "support-agent": 3 } })));
  return { ...dir, lockfile };
}

export const vars = { userMessage: "Can I get a refund?", customer: { name: "Ann", plan: "pro" } };

/** The JSONL lines of a file, parsed; none when it does not exist. */
export function records(file: string): Array<Record<string, unknown>> {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Every record in a directory's .jsonl files (the current and the rotated ones). */
export function recordsIn(dir: string): Array<Record<string, unknown>> {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".jsonl"))
    .flatMap((name) => records(`${dir}/${name}`));
}

/** Waits (polling, bounded) until `done` holds: the writer works on libuv's thread pool. */
export async function until(done: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
