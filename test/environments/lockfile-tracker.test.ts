import { describe, expect, it } from "vitest";
import { LockfileAudit } from "../../src/environments/audit-lockfile.js";
import {
  type Environments,
  type LockfileStep,
  LockfileTracker,
} from "../../src/environments/lockfile-tracker.js";
import type { HistoryCommit } from "../../src/git/index.js";

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

/** One edit a team (or a hand in a pull request) makes to the lockfile's content. */
function edit(envs: Envs, prompts: Record<string, unknown>, next: () => number): void {
  const names = Object.keys(envs);
  const env = names[Math.floor(next() * names.length)]!;
  const ids = Object.keys(envs[env] ?? {});
  const id = ids[Math.floor(next() * ids.length)];
  const roll = next();
  if (roll < 0.45 && id) envs[env]![id] = entry(Math.floor(next() * 50) + 1, 1, `ship ${id}`);
  else if (roll < 0.6)
    envs[env]![`p${Math.floor(next() * 40)}`] = entry(1, null, 'new, with \\n and "quotes" and }\n{');
  else if (roll < 0.72 && id) delete envs[env]![id];
  else if (roll < 0.76) envs[`env${Math.floor(next() * 4)}`] = {};
  else if (roll < 0.8 && names.length > 1) delete envs[env];
  else if (roll < 0.83)
    envs[env]![String(Math.floor(next() * 20))] = entry(2, 1, "an id a JS object sorts first");
  else if (roll < 0.86 && id) envs[env]![id] = { ...envs[env]![id], reason: '      }\n    "x": {' };
  // Activating and pruning change the stored content as well (or only it, after a `lock`).
  if (next() < 0.5) prompts[`sha256:${Math.floor(next() * 30)}`] = { id: "p1", messages: [{ role: "user" }] };
  if (next() < 0.3) delete prompts[Object.keys(prompts)[0] ?? ""];
}

function canonical(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The bytes a commit holds: what promptops writes, or now and then what a hand or a merge leaves. */
function text(lockfile: unknown, next: () => number): string | null {
  const written = canonical(lockfile);
  const roll = next();
  if (roll < 0.04) return JSON.stringify(lockfile);
  if (roll < 0.06) return `${JSON.stringify(lockfile, null, 4)}\n`;
  if (roll < 0.08) return written.slice(0, Math.floor(next() * written.length));
  // Valid-looking environments, broken content further down.
  if (roll < 0.1) return written.replace(/"prompts": \{\n {4}"/, '"prompts": {\n    ,"');
  if (roll < 0.12) return written.replace(/\n {6}"activatedBy"/, '\n<<<<<<< HEAD\n      "activatedBy"');
  if (roll < 0.13) return null;
  // A hand edit that repeats an entry: the later one wins in a whole parse.
  if (roll < 0.15) return written.replace(/(\n {6}("[^"]+": \{[^}]*\n {6}\}))/, "$1,\n      $2");
  // An entry put on one line, or a line indented as if it were a level up.
  if (roll < 0.17) return written.replace(/\{\n {8}"activatedAt": ("[^"]*"),\n {8}/, '{ "activatedAt": $1, ');
  if (roll < 0.19) return written.replace(/\n {8}"activatedBy"/, '\n    "activatedBy"');
  return written;
}

const commitAt = (i: number, next: () => number): HistoryCommit => ({
  sha: String(i).padStart(40, "0"),
  author: "Ann <ann@acme.io>",
  // Mostly in order, as a history with merges is not quite.
  date: new Date(Date.UTC(2026, 10, 1) + (i + Math.floor(next() * 3)) * 3_600_000).toISOString(),
  subject: `change ${i}`,
});

describe("reading each lockfile version from the one before", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    "gives what parsing each whole file gives, and the same audit (seed %i)",
    (seed) => {
      const next = random(seed);
      const envs: Envs = { production: {}, staging: {} };
      for (let i = 0; i < 20; i++) envs.production![`p${i}`] = entry(i + 1, null, "initial");
      const prompts: Record<string, unknown> = { "sha256:x": { id: "p1" } };
      const tracker = new LockfileTracker();
      const period = { from: Date.UTC(2026, 10, 3), to: Date.UTC(2026, 10, 9) };
      const fast = new LockfileAudit(null, period);
      const whole = new LockfileAudit(["production", "env2"], period);
      const wholeReference = new LockfileAudit(["production", "env2"], period);
      const fastReference = new LockfileAudit(null, period);
      let accepted: Environments = {};
      const kinds: Record<string, number> = {};
      for (let step = 0; step < 300; step++) {
        edit(envs, prompts, next);
        const bytes = text({ environments: envs, lockfileVersion: 1, prompts }, next);
        const label = `seed ${seed}, step ${step}`;
        let expected: Environments | undefined;
        try {
          expected =
            bytes === null ? {} : ((JSON.parse(bytes) as { environments?: Environments }).environments ?? {});
        } catch {
          expected = undefined;
        }
        const read = tracker.next(bytes === null ? null : Buffer.from(bytes));
        if (expected === undefined) {
          expect(read, label).toBeUndefined();
          continue;
        }
        expect(read, label).toBeDefined();
        expect(tracker.environments, label).toEqual(expected);
        kinds[read!.kind] = (kinds[read!.kind] ?? 0) + 1;
        const commit = commitAt(step, next);
        const reference: LockfileStep = { kind: "whole", previous: accepted };
        fast.visit(commit, tracker.environments, read!);
        whole.visit(commit, tracker.environments, read!);
        fastReference.visit(commit, expected, reference);
        wholeReference.visit(commit, expected, reference);
        accepted = expected;
      }
      // The audit built from the steps is the one built from whole versions, with and without --env.
      expect(fast.events).toEqual(fastReference.events);
      expect(fast.active()).toEqual(fastReference.active());
      expect(whole.events).toEqual(wholeReference.events);
      expect(whole.active()).toEqual(wholeReference.active());
      expect(fast.events.length).toBeGreaterThan(50);
      // A good share of versions were read from the one before, not parsed whole (the rest are hand
      // edits, versions after them and new environments).
      expect(kinds.entries).toBeGreaterThan(80);
    },
  );

  it("skips a version that is not JSON, and parses a file with no canonical layout whole", () => {
    const tracker = new LockfileTracker();
    expect(tracker.next(Buffer.from("{ nope"))).toBeUndefined();
    expect(tracker.next(Buffer.from('{"environments":{"s":{"a":{"version":2}}}}'))?.kind).toBe("whole");
    expect(tracker.environments).toEqual({ s: { a: { version: 2 } } });
  });
});
