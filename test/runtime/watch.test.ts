import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { loadPrompts, type PromptRegistry } from "../../src/runtime/index.js";
import {
  buildLockfile,
  makeTempDir,
  replaceAtomically,
  supportAgent,
  type TempDir,
} from "../lockfile/lockfile-fixtures.js";

/** Events as they arrive; next() waits for one, but never longer than the timeout. */
function eventQueue<T>() {
  const items: T[] = [];
  let wake: (() => void) | undefined;
  return {
    items,
    push(item: T) {
      items.push(item);
      wake?.();
    },
    // 10 s: a reload a loaded 2-core machine delivers late is still a reload.
    async next(what: string, timeoutMs = 10_000): Promise<T> {
      const deadline = Date.now() + timeoutMs;
      while (items.length === 0) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return items.shift()!;
    },
  };
}

const vars = { userMessage: "Hi", customer: { name: "Ann", plan: "pro" } };
const lockfileText = (version: number) =>
  serializeLockfile(buildLockfile({ production: { "support-agent": version } }));

let dir: TempDir;
let registry: PromptRegistry | undefined;
beforeEach(() => {
  dir = makeTempDir("promptops-watch-");
});
afterEach(() => {
  registry?.close();
  dir.cleanup();
});

async function watched(file: string) {
  const reloads = eventQueue<{ changed: string[] }>();
  const errors = eventQueue<Error>();
  registry = await loadPrompts({
    lockfile: file,
    env: "production",
    watch: true,
    onReload: (event) => reloads.push(event),
    onError: (error) => errors.push(error),
  });
  return { prompts: registry, reloads, errors };
}

describe("loadPrompts with watch", () => {
  it("picks up successive atomic replacements, and never lets a broken lockfile replace a good one", async () => {
    const file = dir.path("promptops.lock");
    writeFileSync(file, lockfileText(1));
    const { prompts, reloads, errors } = await watched(file);
    expect(prompts.get("support-agent").version).toBe(1);

    for (const version of [2, 3, 4, 5, 6]) {
      replaceAtomically(file, lockfileText(version));
      expect(await reloads.next(`v${version}`)).toEqual({ changed: ["support-agent"] });
      expect(prompts.get("support-agent").version).toBe(version);
      expect(prompts.messages("support-agent", vars)[0]!.content).toContain(`prompt v${version}`);
    }

    replaceAtomically(file, lockfileText(7).replace('"temperature": 0.2', '"temperature": 0.9'));
    const tampered = await errors.next("the tampering error");
    expect(tampered).toMatchObject({ code: "lockfile-invalid", message: expect.stringMatching(/tampered/) });
    replaceAtomically(file, "{ half a lockf");
    expect(await errors.next("the syntax error")).toMatchObject({
      code: "lockfile-invalid",
      location: { file, line: 1, col: 3 },
    });
    expect(prompts.get("support-agent").version).toBe(6);
    expect(prompts.messages("support-agent", vars)[0]!.content).toContain("prompt v6");

    replaceAtomically(file, lockfileText(8));
    expect(await reloads.next("v8 after the broken ones")).toEqual({ changed: ["support-agent"] });
    expect(prompts.get("support-agent").version).toBe(8);
    expect(reloads.items).toEqual([]);
    expect(errors.items).toEqual([]);
  });

  it("keeps serving when the environment disappears from the lockfile", async () => {
    const file = dir.path("promptops.lock");
    writeFileSync(file, lockfileText(1));
    const { prompts, errors } = await watched(file);
    replaceAtomically(file, serializeLockfile(buildLockfile({ staging: { "support-agent": 2 } })));
    expect(await errors.next("the missing environment")).toMatchObject({ code: "unknown-environment" });
    expect(prompts.get("support-agent").version).toBe(1);
  });

  it("keeps watching when the lockfile's directory is removed and created again", async () => {
    const folder = dir.path("config");
    const file = join(folder, "promptops.lock");
    mkdirSync(folder);
    writeFileSync(file, lockfileText(1));
    const { prompts, reloads, errors } = await watched(file);

    rmSync(folder, { recursive: true });
    mkdirSync(folder);
    writeFileSync(file, lockfileText(2));
    expect(await reloads.next("v2 in the new directory")).toEqual({ changed: ["support-agent"] });
    // A watcher on the new directory: later replacements are seen too.
    replaceAtomically(file, lockfileText(3));
    await reloads.next("v3");
    expect(prompts.get("support-agent").version).toBe(3);
    // While the directory was gone the lockfile was missing; that may or may not have been noticed.
    for (const error of errors.items) expect(error).toMatchObject({ code: "lockfile-not-found" });
  });

  it("fires onReload only when this environment's active prompts changed, not for another environment", async () => {
    const file = dir.path("promptops.lock");
    const both = (production: number, staging: number) =>
      serializeLockfile(
        buildLockfile({ production: { "support-agent": production }, staging: { "support-agent": staging } }),
      );
    writeFileSync(file, both(1, 1));
    const { prompts, reloads, errors } = await watched(file);

    replaceAtomically(file, both(1, 2));
    // Time for the change to be seen; were it noticed later, it would merge with the next one.
    await expect(reloads.next("no reload for staging's change", 500)).rejects.toThrow(/timed out/);
    replaceAtomically(file, both(2, 2));
    expect(await reloads.next("production's change")).toEqual({ changed: ["support-agent"] });
    expect(prompts.get("support-agent").version).toBe(2);
    expect(reloads.items).toEqual([]);
    expect(errors.items).toEqual([]);
  });

  it("counts a new version with an earlier version's content (a revert) as a change", async () => {
    const file = dir.path("promptops.lock");
    writeFileSync(file, lockfileText(1));
    const { prompts, reloads } = await watched(file);
    const revert = buildLockfile({
      production: { "support-agent": { version: 3, content: supportAgent(1) } },
    });
    replaceAtomically(file, serializeLockfile(revert));
    expect(await reloads.next("the revert")).toEqual({ changed: ["support-agent"] });
    expect(prompts.get("support-agent").version).toBe(3);
  });

  it("stops reloading after close() and keeps serving what it has", async () => {
    const file = dir.path("promptops.lock");
    writeFileSync(file, lockfileText(1));
    const { prompts, reloads } = await watched(file);
    prompts.close();
    replaceAtomically(file, lockfileText(2));
    await expect(reloads.next("no reload", 300)).rejects.toThrow(/timed out/);
    expect(prompts.get("support-agent").version).toBe(1);
  });
});
