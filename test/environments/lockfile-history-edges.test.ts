import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LockfileAudit } from "../../src/environments/audit-lockfile.js";
import { auditPeriod } from "../../src/environments/audit-report.js";
import { type LockfileSnapshot, lockfileHistory } from "../../src/environments/lockfile-history.js";
import type { Environments } from "../../src/environments/lockfile-tracker.js";
import { fileHistory } from "../../src/git/index.js";
import { openGitProject } from "../../src/versions/git-project.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

const LOCKFILE = "promptops.lock";
const T0 = Date.UTC(2026, 10, 2, 9) / 1000;

function entry(id: string, version: number, previous: number | null, day: number, reason: string) {
  return {
    activatedAt: new Date((T0 + day * 86_400) * 1000).toISOString().replace(".000", ""),
    activatedBy: "Ann <ann@acme.io>",
    commit: "c".repeat(40),
    hash: `sha256:${id}${version}`.padEnd(71, "0"),
    previous,
    reason,
    version,
  };
}

type Envs = Record<string, Record<string, ReturnType<typeof entry>>>;

/** The lockfile promptops writes for these environments: every version they point at, compiled. */
function lockfile(envs: Envs): string {
  const prompts: Record<string, unknown> = {};
  for (const entries of Object.values(envs))
    for (const [id, e] of Object.entries(entries))
      prompts[e.hash] = {
        id,
        messages: [{ content: `You are ${id} v${e.version}.`, role: "system" }],
        version: e.version,
      };
  const sorted = Object.fromEntries(
    Object.keys(prompts)
      .sort()
      .map((k) => [k, prompts[k]]),
  );
  return `${JSON.stringify({ environments: envs, lockfileVersion: 1, prompts: sorted }, null, 2)}\n`;
}

const a1 = entry("a", 1, null, 0, "first");
const b1 = entry("b", 1, null, 0, "first");
const a2 = entry("a", 2, 1, 1, "ship a v2");
const b2 = entry("b", 2, 1, 3, "ship b v2");
const a3 = entry("a", 3, 2, 4, "ship a v3");
const a4 = entry("a", 4, 3, 6, "ship a v4");
const states: Envs[] = [
  { production: { a: a1, b: b1 }, staging: { a: a1 } },
  { production: { a: a2, b: b1 }, staging: { a: a1 } },
  { production: { a: a2, b: b1 }, staging: { a: a1, b: b1 } },
  { production: { a: a2, b: b1 }, staging: { b: b1 } },
  { canary: { a: a2 }, production: { a: a2, b: b1 }, staging: { b: b1 } },
];
const shipB = { ...states[4]!, production: { a: a2, b: b2 } };
const onBranch = { ...shipB, staging: { b: { ...b2, activatedAt: "2026-11-05T10:00:00Z" } } };
const shipA3 = { ...shipB, production: { a: a3, b: b2 } };
const merged = { ...onBranch, production: { a: a3, b: b2 } };
// `lock` repairing every production entry, written with its keys in another order.
const repaired = {
  staging: merged.staging,
  production: {
    b: { ...b2, activatedBy: "Lock <lock@acme.io>" },
    a: { ...a3, activatedAt: "2026-11-06T00:00:00Z" },
  },
  canary: (merged as Envs).canary,
};
const shipA4 = { ...merged, production: { a: a4, b: b2 } };

let repo: TempRepo;
const commits: Record<string, string> = {};

/** The history, as one fast-import stream: each commit at its own hour, a side branch merged back. */
function history(): string {
  let mark = 0;
  let stream = "";
  const commit = (branch: string, subject: string, content: string | null, extra = "") => {
    mark++;
    const text =
      content === null
        ? `D ${LOCKFILE}\n`
        : `M 100644 inline ${LOCKFILE}\ndata ${Buffer.byteLength(content)}\n${content}\n`;
    stream += `commit refs/heads/${branch}\nmark :${mark}\ncommitter Ann <ann@acme.io> ${T0 + mark * 3600} +0000\ndata ${Buffer.byteLength(subject)}\n${subject}\n${extra}${text}\n`;
    return mark;
  };
  commit("main", "Activate a and b", lockfile(states[0]!));
  commit("main", "Ship a v2", lockfile(states[1]!));
  commit("main", "Stage b", lockfile(states[2]!));
  commit("main", "Retire a from staging", lockfile(states[3]!));
  commit("main", "Add the canary environment", lockfile(states[4]!));
  commit("main", "Reformat the lockfile by hand", lockfile(states[4]!).replace(/\n( +)/g, "\n$1$1"));
  const base = commit("main", "Ship b v2", lockfile(shipB));
  const side = commit("side", "Stage b v2 on a branch", lockfile(onBranch), `from :${base}\n`);
  const main = commit("main", "Ship a v3", lockfile(shipA3), `from :${base}\n`);
  commit("main", "Merge the staging branch", lockfile(merged), `from :${main}\nmerge :${side}\n`);
  commit(
    "main",
    "Repair the lockfile",
    `${JSON.stringify({ environments: repaired, lockfileVersion: 1, prompts: {} }, null, 2)}\n`,
  );
  commit(
    "main",
    "Merge with conflicts",
    `<<<<<<< HEAD\n${lockfile(merged)}=======\n${lockfile(shipA4)}>>>>>>> other\n`,
  );
  commit(
    "main",
    "Ship a v4 (broken prompts)",
    lockfile(shipA4).replace('"prompts": {\n    "', '"prompts": {\n    ,"'),
  );
  commit("main", "Fix the lockfile", lockfile(shipA4));
  commit("main", "Remove the lockfile", null);
  commit("main", "Bring the lockfile back", lockfile({ production: { a: a4 } }));
  return stream;
}

beforeAll(async () => {
  repo = await makeTempRepo();
  await repo.fastImport(history());
  await repo.git("checkout", "--quiet", "--force", "main");
  await repo.write("promptops.config.yaml", "providers: [echo]\n");
  for (const line of (await repo.git("log", "--format=%H %s")).trim().split("\n")) {
    const [sha, ...subject] = line.split(" ");
    commits[subject.join(" ")] = sha!;
  }
});
afterAll(async () => {
  await repo.cleanup();
});

/** Every committed version parsed whole, as the history was read before it was read in steps. */
async function wholeVersions(): Promise<LockfileSnapshot[]> {
  const snapshots: LockfileSnapshot[] = [];
  for (const commit of await fileHistory(repo.root, LOCKFILE)) {
    let text: string;
    try {
      text = await repo.git("show", `${commit.sha}:${LOCKFILE}`);
    } catch {
      snapshots.push({ commit, environments: {} });
      continue;
    }
    try {
      snapshots.push({
        commit,
        environments: (JSON.parse(text) as { environments?: Environments }).environments ?? {},
      });
    } catch {
      // Not JSON: skipped.
    }
  }
  return snapshots;
}

describe("the lockfile's history read version by version", () => {
  it("gives what parsing every version whole gives: entries added and removed, a new environment, a hand reformat, a merge, a rewrite, broken and deleted versions", async () => {
    const project = await openGitProject(repo.root);
    const whole = await wholeVersions();
    // 16 commits, two of which do not parse.
    expect(whole).toHaveLength(14);
    expect(await lockfileHistory(project, `${repo.root}/${LOCKFILE}`)).toEqual(whole);
  });

  it("gives the audit report the same activations, rollbacks, removals and active versions", async () => {
    const whole = await wholeVersions();
    for (const env of [null, ["staging"]]) {
      const period = { from: Date.UTC(2026, 10, 2, 14), to: Date.UTC(2026, 10, 2, 21) };
      const expected = new LockfileAudit(env, period);
      let previous: Environments = {};
      for (const snapshot of whole) {
        expected.visit(snapshot.commit, snapshot.environments, { kind: "whole", previous });
        previous = snapshot.environments;
      }
      const report = await auditPeriod({
        cwd: repo.root,
        from: new Date(period.from).toISOString(),
        to: new Date(period.to).toISOString(),
        ...(env ? { env: env[0] } : {}),
      });
      const iso = (events: Array<{ at: string }>) =>
        events.map((e) => ({ ...e, at: new Date(e.at).toISOString() }));
      expect(report.events).toEqual(iso(expected.events));
      expect(report.active).toEqual(expected.active());
      expect(report.events.length).toBeGreaterThan(env ? 2 : 6);
    }
  });

  it("skips a commit whose stored prompts do not parse, though its environments do: the activation is the fix's", async () => {
    const report = await auditPeriod({ cwd: repo.root });
    const atBroken = report.events.filter((e) => e.commit === commits["Ship a v4 (broken prompts)"]);
    expect(atBroken).toEqual([]);
    const v4 = report.events.filter((e) => e.prompt === "a" && e.version === 4 && e.env === "production");
    expect(v4.map((e) => [e.type, e.commit])).toEqual([
      ["activation", commits["Fix the lockfile"]],
      ["activation", commits["Bring the lockfile back"]],
    ]);
  });
});
