import { diffLines } from "diff";
import { describe, expect, it } from "vitest";
import { type Lockfile, parseLockfile } from "../../src/lockfile/lockfile.js";
import { pruneLockfile, serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { buildLockfile } from "./lockfile-fixtures.js";

/** The same data with every object's keys in reverse order (arrays untouched): what a hand edit or another tool might produce. */
function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>).reverse();
  return Object.fromEntries(entries.map(([k, v]) => [k, reverseKeys(v)])) as T;
}

describe("serializeLockfile", () => {
  const lockfile = buildLockfile({
    staging: { "support-agent": 4, "billing/refund": 1 },
    production: { "support-agent": 3 },
  });

  it("writes the same bytes for the same content, whatever the key order", () => {
    const text = serializeLockfile(lockfile);
    expect(serializeLockfile(reverseKeys(lockfile))).toBe(text);
    expect(serializeLockfile(JSON.parse(text) as Lockfile)).toBe(text);
  });

  it("sorts keys at every depth, keeps message order, indents by 2 and ends with a newline", () => {
    const text = serializeLockfile(lockfile);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.startsWith('{\n  "environments": {\n    "production": {\n      "support-agent": {\n')).toBe(
      true,
    );
    expect(text.indexOf('"environments"')).toBeLessThan(text.indexOf('"lockfileVersion"'));
    expect(text.indexOf('"lockfileVersion"')).toBeLessThan(text.indexOf('"prompts"'));
    // Roles in message order (system, placeholder, user), not sorted.
    const first = text.indexOf('"role": "system"');
    expect(first).toBeLessThan(text.indexOf('"placeholder": "history"'));
    expect(text.indexOf('"placeholder": "history"')).toBeLessThan(text.indexOf('"role": "user"', first));
    expect(parseLockfile(text, "promptops.lock")).toEqual(lockfile);
  });

  it("sorts integer-like keys as strings too (JSON.stringify would put them first, numerically)", () => {
    const withNumericKeys = {
      ...lockfile,
      environments: { b: {}, 10: {}, 9: {}, a: {} },
    } as unknown as Lockfile;
    const order = [...serializeLockfile(withNumericKeys).matchAll(/^ {4}"([^"]+)": \{\}/gm)].map((m) => m[1]);
    expect(order).toEqual(["10", "9", "a", "b"]);
  });

  it("puts one value per line, so an activation is a few-line diff", () => {
    const before = serializeLockfile(lockfile);
    const entry = lockfile.environments.production!["support-agent"]!;
    const moved = {
      ...lockfile,
      environments: {
        ...lockfile.environments,
        production: { "support-agent": { ...entry, reason: "why", activatedBy: "Bo <bo@acme.io>" } },
      },
    };
    const changes = diffLines(before, serializeLockfile(moved)).filter((c) => c.added || c.removed);
    // activatedBy changed (one line out, one in), reason added (one line in).
    expect(changes.map((c) => `${c.added ? "+" : "-"}${c.value.trim()}`)).toEqual([
      '-"activatedBy": "Ann <ann@acme.io>",',
      '+"activatedBy": "Bo <bo@acme.io>",',
      '+"reason": "why",',
    ]);
  });
});

describe("pruneLockfile", () => {
  it("drops stored content no environment points at, and leaves the argument alone", () => {
    const lockfile = buildLockfile({ staging: { "support-agent": 4 }, production: { "support-agent": 3 } });
    const production = lockfile.environments.production!;
    const rolledForward = {
      ...lockfile,
      environments: {
        ...lockfile.environments,
        production: { "support-agent": lockfile.environments.staging!["support-agent"]! },
      },
    };
    expect(production["support-agent"]!.version).toBe(3);

    const pruned = pruneLockfile(rolledForward);
    expect(Object.values(pruned.prompts).map((p) => `${p.id}@${p.version}`)).toEqual(["support-agent@4"]);
    expect(Object.keys(rolledForward.prompts)).toHaveLength(2);
    expect(pruneLockfile(lockfile)).toEqual(lockfile);
  });
});
