import { describe, expect, it } from "vitest";
import { type ReadEnvironments, readEnvironments } from "../../src/environments/environments-history.js";
import { canonicalJson } from "../fixtures/environments/env-repo.js";

/** A small deterministic generator, so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Envs = Record<string, Record<string, Record<string, unknown>>>;

function entry(version: number, previous: number | null, reason: string) {
  return {
    activatedAt: `2026-11-${String(1 + (version % 28)).padStart(2, "0")}T09:00:00Z`,
    activatedBy: "Ann <ann@acme.io>",
    commit: "c".repeat(40),
    hash: `sha256:${String(version).padStart(64, "0")}`,
    previous,
    reason,
    version,
  };
}

/** One edit a team (or a hand in a pull request) makes to the lockfile. */
function edit(envs: Envs, next: () => number): void {
  const names = Object.keys(envs);
  const env = names[Math.floor(next() * names.length)]!;
  const ids = Object.keys(envs[env]!);
  const id = ids[Math.floor(next() * ids.length)];
  const roll = next();
  if (roll < 0.5 && id) envs[env]![id] = entry(Math.floor(next() * 50) + 1, 1, `ship ${id}`);
  else if (roll < 0.65)
    envs[env]![`p${Math.floor(next() * 40)}`] = entry(1, null, 'new, with \\n and "quotes" and }\n{');
  else if (roll < 0.8 && id) delete envs[env]![id];
  else if (roll < 0.85) envs[`env${Math.floor(next() * 4)}`] = {};
  else if (roll < 0.9 && names.length > 1) delete envs[env];
  else if (id) envs[env]![id] = { ...envs[env]![id], reason: '      }\n    "x": {' };
}

describe("reading the environments of each lockfile version from the one before", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("gives what parsing each whole file gives (seed %i)", (seed) => {
    const next = random(seed);
    const envs: Envs = { production: {}, staging: {} };
    for (let i = 0; i < 20; i++) envs.production![`p${i}`] = entry(i + 1, null, "initial");
    let previous: ReadEnvironments | null = null;
    for (let step = 0; step < 300; step++) {
      edit(envs, next);
      const lockfile = { environments: envs, lockfileVersion: 1, prompts: { "sha256:x": { id: "p1" } } };
      // Now and then a version in another layout, as a hand edit or another formatter writes it.
      const text = next() < 0.05 ? JSON.stringify(lockfile) : canonicalJson(lockfile);
      const read = readEnvironments(Buffer.from(text), previous);
      expect(read?.environments, `seed ${seed}, step ${step}`).toEqual(JSON.parse(text).environments);
      previous = read ?? null;
    }
  });

  it("skips a version that is not JSON, and parses a file with no canonical layout whole", () => {
    expect(readEnvironments(Buffer.from("{ nope"), null)).toBeUndefined();
    expect(
      readEnvironments(Buffer.from('{"environments":{"s":{"a":{"version":2}}}}'), null)?.environments,
    ).toEqual({
      s: { a: { version: 2 } },
    });
  });
});
