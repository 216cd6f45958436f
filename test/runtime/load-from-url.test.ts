import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PromptOpsError } from "../../src/errors.js";
import { lockfileToWrite } from "../../src/lockfile/lockfile-to-write.js";
import { serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { type LoadPromptsOptions, loadPrompts, type PromptRegistry } from "../../src/runtime/index.js";
import { runNode } from "../helpers/run-node.js";
import {
  buildLockfile,
  DIST,
  makeTempDir,
  newSigningKey,
  requireBuild,
  supportAgent,
  type TempDir,
} from "../lockfile/lockfile-fixtures.js";
import {
  type Behaviour,
  type MisbehavingServer,
  startMisbehavingServer,
} from "./misbehaving-lockfile-server.js";

const vars = { userMessage: "Hi", customer: { name: "Ann", plan: "pro" } };
const lockfileText = (version: number) =>
  serializeLockfile(buildLockfile({ production: { "support-agent": version } }));
/** The version a render says it came from: the fixture's system prompt names it. */
const renderedVersion = (prompts: PromptRegistry) =>
  Number(/prompt v(\d+)/.exec(String(prompts.messages("support-agent", vars)[0]!.content))![1]);

let server: MisbehavingServer | undefined;
let registry: PromptRegistry | undefined;
let dir: TempDir;
beforeEach(() => {
  dir = makeTempDir("promptops-url-");
});
afterEach(async () => {
  registry?.close();
  registry = undefined;
  await server?.close();
  server = undefined;
  dir.cleanup();
});

async function loadFrom(first: Behaviour, options: Partial<LoadPromptsOptions> = {}) {
  server = await startMisbehavingServer(first);
  const errors: Error[] = [];
  const reloads: { changed: string[]; from?: string }[] = [];
  registry = await loadPrompts({
    url: server.url,
    env: "production",
    pollMs: 50,
    timeoutMs: 500,
    onError: (error) => errors.push(error),
    onReload: (event) => reloads.push(event),
    ...options,
  });
  return { prompts: registry, errors, reloads, server };
}

/**
 * Renders every few milliseconds, counting renders that failed; stop() waits until a render of
 * `version` happened (the swap can land just before it is called), then reports.
 */
function keepRendering(prompts: PromptRegistry) {
  const seen = new Set<number>();
  let failures = 0;
  const timer = setInterval(() => {
    try {
      seen.add(renderedVersion(prompts));
    } catch {
      failures++;
    }
  }, 2);
  return {
    stop: async (version: number) => {
      await vi.waitFor(() => expect(seen.has(version)).toBe(true), { timeout: 5000 });
      clearInterval(timer);
      return { seen: [...seen].sort(), failures };
    },
  };
}

describe("loadPrompts from a URL", () => {
  it("serves the same API as from a file, and a rollback reaches it at the next poll with no failed render", async () => {
    const { prompts, errors, reloads, server } = await loadFrom({ kind: "serve", text: lockfileText(4) });
    expect(prompts.get("support-agent").version).toBe(4);
    expect(prompts.ids()).toEqual(["support-agent"]);
    expect(prompts.anthropic("support-agent", vars).system).toMatch(/prompt v4/);
    const rendering = keepRendering(prompts);
    // Unchanged: the server answers 304 and nothing is parsed again.
    await vi.waitFor(() => expect(server.requests.notModified).toBeGreaterThanOrEqual(2), { timeout: 5000 });

    server.behave({ kind: "serve", text: lockfileText(3) });
    await vi.waitFor(() => expect(prompts.get("support-agent").version).toBe(3), { timeout: 5000 });
    expect(reloads).toEqual([{ changed: ["support-agent"], from: "url" }]);
    expect(await rendering.stop(3)).toEqual({ seen: [3, 4], failures: 0 });
    expect(errors).toEqual([]);
  });

  const good = lockfileText(4);
  const tampered = lockfileText(5).replace("You are Ava (prompt v5)", "You are Eve (prompt v5)");
  const otherProject = serializeLockfile(buildLockfile({ production: { "invoice-summary": 1 } }));
  const unsafeContent = supportAgent(5);
  unsafeContent.messages = [{ role: "system", content: '{{ range.constructor("return process")() }}' }];
  const unsafe = serializeLockfile(
    buildLockfile({ production: { "support-agent": { version: 5, content: unsafeContent } } }),
  );
  const faults: [string, Behaviour, string, RegExp][] = [
    [
      "a body cut off mid-way",
      { kind: "truncate", text: lockfileText(5) },
      "lockfile-fetch-failed",
      /closed before the whole lockfile arrived/,
    ],
    [
      "a body that is not JSON",
      { kind: "serve", text: "<html>502 Bad Gateway</html>" },
      "lockfile-invalid",
      /not valid JSON/,
    ],
    [
      "JSON that is not a lockfile",
      { kind: "serve", text: '{"lockfileVersion": 1}' },
      "lockfile-invalid",
      /environments/,
    ],
    ["a 503", { kind: "status", status: 503 }, "lockfile-fetch-failed", /answered 503/],
    ["no answer at all", { kind: "hang" }, "lockfile-fetch-failed", /did not answer within 500 ms/],
    [
      "content that does not match its hash",
      { kind: "serve", text: tampered },
      "lockfile-invalid",
      /tampered with or edited by hand/,
    ],
    [
      "another project's lockfile",
      { kind: "serve", text: otherProject },
      "lockfile-wrong-project",
      /does not serve support-agent in environment "production": is it another project's\?/,
    ],
    [
      "a template that could run code",
      { kind: "serve", text: unsafe },
      "template-unsafe",
      /calling a function or method is not allowed/,
    ],
    [
      "a body larger than maxBytes",
      { kind: "endless" },
      "lockfile-too-large",
      /sent more than 1000000 bytes/,
    ],
    [
      "a declared length larger than maxBytes",
      { kind: "declare-huge" },
      "lockfile-too-large",
      /sent more than 1000000 bytes/,
    ],
  ];

  it.each(faults)(
    "keeps rendering the last good lockfile through %s, says why, and retries until a good one comes",
    async (_name, fault, code, message) => {
      const { prompts, errors, reloads, server } = await loadFrom(
        { kind: "serve", text: good },
        { maxBytes: 1_000_000 },
      );
      const rendering = keepRendering(prompts);
      server.behave(fault);
      await vi.waitFor(() => expect(errors).toHaveLength(1), { timeout: 5000 });
      expect(errors[0]).toBeInstanceOf(PromptOpsError);
      expect(errors[0]).toMatchObject({ code });
      expect(errors[0]!.message).toMatch(message);
      expect((errors[0] as PromptOpsError).hint).toBeTruthy();
      expect(prompts.get("support-agent").version).toBe(4);

      server.behave({ kind: "serve", text: lockfileText(3) });
      await vi.waitFor(() => expect(prompts.get("support-agent").version).toBe(3), { timeout: 10_000 });
      expect(await rendering.stop(3)).toEqual({ seen: [3, 4], failures: 0 });
      expect(errors).toHaveLength(1);
      expect(reloads).toEqual([{ changed: ["support-agent"], from: "url" }]);
    },
  );

  it("backs off while the server fails, reporting the outage once, and polls at pollMs again once it recovers", async () => {
    const { errors, server } = await loadFrom({ kind: "serve", text: good }, { pollMs: 20 });
    server.behave({ kind: "status", status: 500 });
    const before = server.requests.total;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // At 20 ms a poll, 1.5 s is 75 requests; doubling waits (20, 40, 80 … 1280 ms) make about 7.
    const during = server.requests.total - before;
    expect(during).toBeGreaterThanOrEqual(3);
    expect(during).toBeLessThanOrEqual(10);
    expect(errors.map((e) => e.message)).toEqual([
      `${server.url.replace(/\?.*/, "")} answered 500 Internal Server Error`,
    ]);

    server.behave({ kind: "serve", text: good });
    const recovered = server.requests.notModified;
    await vi.waitFor(() => expect(server.requests.notModified).toBeGreaterThan(recovered), { timeout: 5000 });
    const after = server.requests.total;
    // Back at 20 ms a poll: 50 in a second on an idle machine; still backing off, it would be 1 or 2.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(server.requests.total - after).toBeGreaterThanOrEqual(6);
  });

  it("starts on the fallback file while the URL is down, says so, and switches when the URL comes back", async () => {
    const fallback = dir.path("promptops.lock");
    writeFileSync(fallback, lockfileText(2));
    const { prompts, errors, reloads, server } = await loadFrom(
      { kind: "status", status: 503 },
      { fallback },
    );
    expect(prompts.get("support-agent").version).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "lockfile-fetch-failed" });
    expect(errors[0]!.message).toMatch(
      /answered 503 .*; serving the fallback .*promptops\.lock until the URL sends a good lockfile/,
    );

    server.behave({ kind: "serve", text: lockfileText(2) });
    // Same versions, but the switch from the fallback to the URL is news.
    await vi.waitFor(() => expect(reloads).toEqual([{ changed: [], from: "url" }]), { timeout: 10_000 });
    expect(prompts.get("support-agent").version).toBe(2);
  });

  it("when neither the URL nor the fallback can be used, the error names both", async () => {
    server = await startMisbehavingServer({ kind: "status", status: 502 });
    const fallback = dir.path("promptops.lock");
    writeFileSync(fallback, lockfileText(2).slice(0, 40));
    await expect(loadPrompts({ url: server.url, env: "production", fallback })).rejects.toMatchObject({
      code: "lockfile-invalid",
      message: expect.stringMatching(
        /answered 502 Bad Gateway, and the fallback cannot be used: lockfile is not valid JSON/,
      ),
      location: { file: fallback },
    });
  });

  it("without a fallback, a URL that cannot be used at start-up is a clear error, not a hang", async () => {
    server = await startMisbehavingServer({ kind: "hang" });
    const started = Date.now();
    await expect(loadPrompts({ url: server.url, env: "production", timeoutMs: 300 })).rejects.toMatchObject({
      code: "lockfile-fetch-failed",
      message: expect.stringMatching(/did not answer within 300 ms/),
    });
    expect(Date.now() - started).toBeLessThan(5000);
    // Nothing is kept at start-up: the hint says what would have helped, not that a last good one is served.
    const refused = await loadPrompts({ url: server.url, env: "production", timeoutMs: 300 }).catch((e) => e);
    expect(refused.hint).not.toContain("last good lockfile is kept");
    expect(refused.hint).toContain("`fallback`");
    server.behave({ kind: "serve", text: lockfileText(1) });
    await expect(loadPrompts({ url: server.url, env: "staging" })).rejects.toMatchObject({
      code: "unknown-environment",
    });
  });

  it("with expectedPrompts, a lockfile that lacks one of them is refused at start", async () => {
    server = await startMisbehavingServer({ kind: "serve", text: lockfileText(1) });
    await expect(
      loadPrompts({ url: server.url, env: "production", expectedPrompts: ["support-agent", "triage"] }),
    ).rejects.toMatchObject({
      code: "lockfile-wrong-project",
      message: expect.stringMatching(/does not serve triage/),
    });
  });

  it("close() stops polling: what the server sends afterwards is neither asked for nor served", async () => {
    const { prompts, server } = await loadFrom({ kind: "serve", text: lockfileText(4) });
    await vi.waitFor(() => expect(server.requests.notModified).toBeGreaterThanOrEqual(1), { timeout: 5000 });
    prompts.close();
    // A request may have been in flight at close(): let it land, then count.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const asked = server.requests.total;
    server.behave({ kind: "serve", text: lockfileText(3) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.requests.total).toBe(asked);
    expect(prompts.get("support-agent").version).toBe(4);
  });

  it("never keeps an application's process alive: one that loaded from a URL and finished exits by itself", async () => {
    requireBuild();
    server = await startMisbehavingServer({ kind: "serve", text: lockfileText(4) });
    const app = dir.path("app.mjs");
    writeFileSync(
      app,
      `const { loadPrompts } = await import(${JSON.stringify(join(DIST, "runtime", "index.js"))});
const prompts = await loadPrompts({ url: process.argv[2], env: "production", pollMs: 100 });
console.log(prompts.get("support-agent").version);`,
    );
    const result = await runNode([app, server.url], { cwd: dir.root, timeoutMs: 15_000 });
    expect(result).toMatchObject({ code: 0, stdout: "4\n" });
  });

  it("refuses options that do not fit together, before any request", async () => {
    const cases: [Partial<LoadPromptsOptions>, RegExp][] = [
      [{}, /needs `lockfile` or `url`/],
      [{ lockfile: "promptops.lock", url: "http://127.0.0.1:1/" }, /not both/],
      [{ lockfile: "promptops.lock", pollMs: 1000 }, /`pollMs` applies to `url`/],
      [{ url: "http://127.0.0.1:1/", watch: true }, /`watch` applies to `lockfile`/],
      [{ url: "file:///etc/passwd" }, /not an http\(s\) URL/],
      [{ url: "http://127.0.0.1:1/", pollMs: 0 }, /`pollMs` must be a whole number/],
    ];
    for (const [options, message] of cases) {
      await expect(
        loadPrompts({ env: "production", ...options } as LoadPromptsOptions),
      ).rejects.toMatchObject({
        code: "runtime-options-invalid",
        message: expect.stringMatching(message),
      });
    }
  });
});

describe("loadPrompts from a URL with publicKey", () => {
  const release = newSigningKey();
  const signed = (version: number) =>
    lockfileToWrite(buildLockfile({ production: { "support-agent": version } }), undefined, release).text;

  it("takes a signed rollback from the bucket, and keeps the last good lockfile when someone without the key changes it", async () => {
    const { prompts, errors, reloads } = await loadFrom(
      { kind: "serve", text: signed(4) },
      { publicKey: release.publicPem },
    );
    expect(prompts.get("support-agent").version).toBe(4);
    const rendering = keepRendering(prompts);

    // Someone with write access to the bucket, but not the key, points production at v5.
    const forged = JSON.parse(signed(4));
    forged.environments.production["support-agent"] = JSON.parse(signed(5)).environments.production[
      "support-agent"
    ];
    forged.prompts = { ...forged.prompts, ...JSON.parse(signed(5)).prompts };
    server!.behave({ kind: "serve", text: `${JSON.stringify(forged, null, 2)}\n` });
    await vi.waitFor(
      () => expect(errors.map((e) => (e as PromptOpsError).code)).toContain("lockfile-signature-invalid"),
      {
        timeout: 5000,
      },
    );
    expect(prompts.get("support-agent").version).toBe(4);

    // The release job's signed rollback gets in at the next poll.
    server!.behave({ kind: "serve", text: signed(3) });
    await vi.waitFor(() => expect(prompts.get("support-agent").version).toBe(3), { timeout: 5000 });
    expect(reloads.at(-1)).toEqual({ changed: ["support-agent"], from: "url" });
    expect(await rendering.stop(3)).toEqual({ seen: [3, 4], failures: 0 });
  });

  it("refuses an unsigned lockfile from the URL at start-up and serves the signed fallback instead", async () => {
    const fallback = dir.path("promptops.lock");
    writeFileSync(fallback, signed(2));
    const { prompts, errors } = await loadFrom(
      { kind: "serve", text: lockfileText(4) },
      { publicKey: release.publicPem, fallback },
    );
    expect(prompts.get("support-agent").version).toBe(2);
    expect(errors.map((e) => (e as PromptOpsError).code)).toContain("lockfile-unsigned");
  });

  it("with publicKey, a URL asking for one environment (?env=) is told to fetch the whole, signed file", async () => {
    const fallback = dir.path("promptops.lock");
    writeFileSync(fallback, signed(2));
    // What `promptops serve` sends for ?env=: that environment's part, which no signature covers.
    server = await startMisbehavingServer({ kind: "serve", text: lockfileText(4) });
    const errors: Error[] = [];
    registry = await loadPrompts({
      url: `${server.url}?env=production`,
      env: "production",
      fallback,
      publicKey: release.publicPem,
      timeoutMs: 500,
      onError: (error) => errors.push(error),
    });
    expect(registry.get("support-agent").version).toBe(2);
    const refused = errors[0] as PromptOpsError;
    expect(refused.code).toBe("lockfile-unsigned");
    expect(refused.hint).not.toContain("promptops lock --sign");
    expect(refused.hint).toContain("without ?env=");
  });
});
