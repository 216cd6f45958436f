import { describe, expect, it } from "vitest";
import { checkHistoryFields } from "../../src/environments/history-check.js";
import type { LockfileSnapshot } from "../../src/environments/lockfile-history.js";
import { emptyLockfile, type LockfileEntry } from "../../src/lockfile/lockfile.js";

const ANN = "Ann <ann@acme.test>";
const NOW = Date.parse("2026-11-30T00:00:00Z");

/** support's entry in production after activating `version` on day `day` of November 2026. */
function entry(version: number, day: number, previous: number | null, by = ANN): LockfileEntry {
  const at = `2026-11-${String(day).padStart(2, "0")}T09:00:00Z`;
  return {
    version,
    hash: `sha256:${String(version).repeat(64)}`,
    commit: "c".repeat(40),
    activatedAt: at,
    activatedBy: by,
    previous,
  };
}

/** One commit of the lockfile per entry, each made by Ann an hour after the activation it holds. */
function history(...entries: Array<LockfileEntry | null>): LockfileSnapshot[] {
  return entries.map(
    (e, i): LockfileSnapshot => ({
      commit: {
        sha: `${i}`.repeat(40).slice(0, 40),
        author: ANN,
        date: e ? e.activatedAt.replace("T09", "T10") : `2026-11-${String(i + 1).padStart(2, "0")}T10:00:00Z`,
        subject: `change ${i}`,
      },
      environments: e ? { production: { support: e } } : {},
    }),
  );
}

function check(current: LockfileEntry, snapshots: LockfileSnapshot[], shallow = false) {
  const lockfile = { ...emptyLockfile(), environments: { production: { support: current } } };
  return checkHistoryFields(lockfile, snapshots, { shallow, now: NOW }).map(
    (m) => `${m.field}: ${String(m.expected)}`,
  );
}

describe("checkHistoryFields", () => {
  const v1 = entry(1, 1, null);
  const v2 = entry(2, 2, 1);
  const v3 = entry(3, 3, 2);

  it("accepts activations as activate recorded and committed them", () => {
    expect(check(v3, history(v1, v2, v3))).toEqual([]);
  });

  it("accepts a rollback, whose previous is the one the target had when last active", () => {
    const back = entry(2, 4, 1);
    expect(check(back, history(v1, v2, v3, back))).toEqual([]);
  });

  it("accepts a lockfile commit that git revert brought back", () => {
    expect(check(v2, history(v1, v2, v3, v2))).toEqual([]);
  });

  it("flags a previous that skips the version really replaced, and backs that one", () => {
    const forged = { ...v3, previous: 1 };
    expect(check(forged, history(v1, v2, forged))).toEqual(["previous: 2"]);
    expect(check(forged, history(v1, v2, v3))).toEqual(["previous: 2"]);
  });

  it("cannot tell what came before the oldest commit of a shallow clone, so does not guess", () => {
    expect(check(v3, history(v3), true)).toEqual([]);
    expect(check(v3, history(v3), false)).toEqual(["previous: null"]);
  });

  it("takes an activation not committed yet as the newest, checking only that its time moves forward", () => {
    expect(check(entry(1, 5, 3), history(v1, v2, v3))).toEqual([]);
    expect(check(entry(1, 2, 3), history(v1, v2, v3))).toEqual(["activatedAt: 2026-11-03T09:00:00Z"]);
  });

  it("flags who and when changed while the version stayed active, and backs the values of its activation", () => {
    expect(check({ ...v3, activatedBy: "Eve <eve@x.test>" }, history(v1, v2, v3))).toEqual([
      `activatedBy: ${ANN}`,
    ]);
    expect(check({ ...v3, activatedAt: "2026-11-03T08:00:00Z" }, history(v1, v2, v3))).toEqual([
      "activatedAt: 2026-11-03T09:00:00Z",
    ]);
  });

  it("flags an activation committed by someone else than it names, or dated after its commit", () => {
    const eve = entry(3, 3, 2, "Eve <eve@x.test>");
    expect(check(eve, history(v1, v2, eve))).toEqual([`activatedBy: ${ANN}`]);
    const late = { ...v3, activatedAt: "2026-11-03T11:00:00Z" };
    const snapshots = history(v1, v2, late);
    snapshots[2]!.commit.date = "2026-11-03T10:00:00Z";
    expect(check(late, snapshots)).toEqual(["activatedAt: 2026-11-03T10:00:00Z"]);
  });
});
