import { copyFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PromptRegistry } from "../../src/runtime/index.js";
import { type EnvRepo, LOCKFILE, makeEnvRepo, SUPPORT_TONE } from "../fixtures/environments/env-repo.js";

// What an application imports: the built package entry point, not the sources.
const runtime = (await import(
  new URL("../../dist/runtime/index.js", import.meta.url).href
)) as typeof import("../../src/runtime/index.js");

let repo: EnvRepo;
let start: string;
let registry: PromptRegistry | undefined;
beforeAll(async () => {
  repo = await makeEnvRepo();
  start = (await repo.git("rev-parse", "HEAD")).trim();
});
afterEach(async () => {
  registry?.close();
  registry = undefined;
  await repo.resetTo(start);
});
afterAll(async () => {
  await repo.cleanup();
});

/** Resolves with the next reload the registry reports, or fails after `timeoutMs`. */
function reloads() {
  const waiting: Array<(event: { changed: string[] }) => void> = [];
  const arrived: Array<{ changed: string[] }> = [];
  return {
    onReload(event: { changed: string[] }) {
      const next = waiting.shift();
      if (next) next(event);
      else arrived.push(event);
    },
    next(timeoutMs = 5000): Promise<{ changed: string[] }> {
      const ready = arrived.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no reload within ${timeoutMs} ms`)), timeoutMs);
        waiting.push((event) => {
          clearTimeout(timer);
          resolve(event);
        });
      });
    },
  };
}

const vars = { userMessage: "Where is my refund?" };

describe("an application loading promptops.lock", () => {
  it("renders the version activate pointed production at, with neither git nor the prompt files", async () => {
    await repo.activateAll(["support@2", "production"], ["support@3", "staging"]);

    // Shipped alone, as a deploy would: a folder with nothing but the lockfile.
    const app = join(repo.dir, "app");
    await mkdir(app, { recursive: true });
    await copyFile(join(repo.root, LOCKFILE), join(app, LOCKFILE));

    registry = await runtime.loadPrompts({ lockfile: join(app, LOCKFILE), env: "production" });

    expect(registry.ids()).toEqual(["support"]);
    expect(registry.get("support")).toMatchObject({
      id: "support",
      version: 2,
      hash: await repo.tagHash("prompt/support/v2"),
      provider: "openai",
      model: "gpt-4o-mini",
    });
    expect(registry.messages("support", vars)).toEqual([
      { role: "system", content: expect.stringContaining(SUPPORT_TONE[2]) },
      { role: "user", content: "Where is my refund?" },
    ]);
    expect(registry.messages("support", vars)[0]!.content).not.toContain(SUPPORT_TONE[3]);
  });

  it("with watch, serves the rolled-back version as soon as rollback has run, without a restart", async () => {
    await repo.ok("activate", "support@2", "--env", "production");
    await repo.ok("activate", "support@3", "--env", "production");
    const events = reloads();
    const errors: Error[] = [];
    registry = await runtime.loadPrompts({
      lockfile: join(repo.root, LOCKFILE),
      env: "production",
      watch: true,
      onReload: events.onReload,
      onError: (error) => errors.push(error),
    });
    expect(registry.get("support").version).toBe(3);
    expect(registry.messages("support", vars)[0]!.content).toContain(SUPPORT_TONE[3]);

    const rollback = await repo.cli("rollback", "support", "--env", "production", "-m", "v3 is rude");
    expect(rollback.code).toBe(0);

    expect(await events.next()).toEqual({ changed: ["support"] });
    expect(registry.get("support").version).toBe(2);
    expect(registry.messages("support", vars)[0]!.content).toContain(SUPPORT_TONE[2]);
    expect(errors).toEqual([]);
  });
});
