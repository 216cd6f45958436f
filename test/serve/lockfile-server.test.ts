import { writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseLockfile } from "../../src/lockfile/lockfile.js";
import { serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { loadPrompts } from "../../src/runtime/index.js";
import {
  type LockfileServer,
  type ServeEvent,
  startLockfileServer,
} from "../../src/serve/lockfile-server.js";
import {
  buildLockfile,
  makeTempDir,
  replaceAtomically,
  supportAgent,
  type TempDir,
} from "../lockfile/lockfile-fixtures.js";

const twoEnvs = (production: number, staging: number) =>
  serializeLockfile(
    buildLockfile({
      production: { "support-agent": production },
      staging: { "support-agent": staging, "billing/refund": 7 },
    }),
  );

let dir: TempDir;
let server: LockfileServer | undefined;
beforeEach(() => {
  dir = makeTempDir("promptops-serve-");
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  dir.cleanup();
});

async function serve(text: string, options: { token?: string } = {}) {
  const file = dir.path("promptops.lock");
  writeFileSync(file, text);
  const events: ServeEvent[] = [];
  server = await startLockfileServer({
    lockfile: file,
    host: "127.0.0.1",
    port: 0,
    token: options.token,
    onEvent: (event) => events.push(event),
  });
  return { file, events, url: server.url };
}

/** Polls until `check` passes: a reload is a file-system event away, later on a loaded machine. */
async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe("promptops serve", () => {
  it("serves the whole lockfile as written, with a strong ETag, and answers 304 to If-None-Match", async () => {
    const text = twoEnvs(3, 4);
    const { url } = await serve(text);
    const first = await fetch(`${url}/v1/lockfile`);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe(text);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first.headers.get("cache-control")).toBe("no-cache");
    expect(first.headers.get("content-type")).toMatch(/^application\/json/);

    const again = await fetch(`${url}/v1/lockfile`, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    // A list, a weak form of the same tag, and * all match; another tag does not.
    for (const header of [`"other", ${etag}`, `W/${etag}`, "*"]) {
      expect((await fetch(`${url}/v1/lockfile`, { headers: { "If-None-Match": header } })).status).toBe(304);
    }
    expect((await fetch(`${url}/v1/lockfile`, { headers: { "If-None-Match": '"other"' } })).status).toBe(200);
  });

  it("serves one environment with ?env=: only its entries and the prompts they use, a valid lockfile itself", async () => {
    const { url } = await serve(twoEnvs(3, 4));
    const production = await fetch(`${url}/v1/lockfile?env=production`);
    expect(production.status).toBe(200);
    const lockfile = parseLockfile(await production.text(), "served");
    expect(Object.keys(lockfile.environments)).toEqual(["production"]);
    expect(Object.values(lockfile.prompts).map((p) => `${p.id}@${p.version}`)).toEqual(["support-agent@3"]);
    const staging = await fetch(`${url}/v1/lockfile?env=staging`);
    expect(staging.headers.get("etag")).not.toBe(production.headers.get("etag"));
    expect(Object.keys(parseLockfile(await staging.text(), "served").prompts)).toHaveLength(2);
  });

  it("an unknown environment or path is a 404 with a JSON error, env twice a 400; other methods are refused", async () => {
    const { url } = await serve(twoEnvs(3, 4));
    const unknown = await fetch(`${url}/v1/lockfile?env=prod`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: {
        code: "unknown-environment",
        message: 'environment "prod" is not in the lockfile',
        hint: "environments in it: production, staging",
      },
    });
    const path = await fetch(`${url}/v2/lockfile`);
    expect(path.status).toBe(404);
    expect(((await path.json()) as { error: { code: string } }).error.code).toBe("not-found");
    // The parameter twice is no choice between them: a 400 that says so.
    const twice = await fetch(`${url}/v1/lockfile?env=production&env=staging`);
    expect(twice.status).toBe(400);
    expect(await twice.json()).toEqual({
      error: {
        code: "ambiguous-environment",
        message: 'env is given 2 times ("production", "staging"): a request asks for one environment',
        hint: "send ?env=E once, or no env for the whole lockfile",
      },
    });
    const post = await fetch(`${url}/v1/lockfile`, { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("answers HEAD with the headers of GET and no body, and /healthz", async () => {
    const text = twoEnvs(3, 4);
    const { url } = await serve(text);
    const head = await fetch(`${url}/v1/lockfile`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    expect(head.headers.get("etag")).toBe((await fetch(`${url}/v1/lockfile`)).headers.get("etag"));
    expect(await head.text()).toBe("");
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
  });

  it("with a token, the lockfile needs the right bearer token (health checks do not)", async () => {
    const { url } = await serve(twoEnvs(3, 4), { token: "s3cret-token" });
    const none = await fetch(`${url}/v1/lockfile`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    for (const authorization of [
      "Bearer s3cret-toke",
      "Bearer s3cret-tokenX",
      "Basic s3cret-token",
      "s3cret-token",
    ]) {
      expect((await fetch(`${url}/v1/lockfile`, { headers: { authorization } })).status).toBe(401);
    }
    const good = await fetch(`${url}/v1/lockfile`, { headers: { authorization: "Bearer s3cret-token" } });
    expect(good.status).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it("reloads a replaced lockfile, and never serves a broken one: it keeps the last good and says why", async () => {
    const { file, events, url } = await serve(twoEnvs(3, 4));
    const etagOf = async () => (await fetch(`${url}/v1/lockfile?env=production`)).headers.get("etag");
    const before = await etagOf();

    replaceAtomically(file, twoEnvs(2, 4));
    await eventually(async () => expect(await etagOf()).not.toBe(before));
    const rolledBack = parseLockfile(await (await fetch(`${url}/v1/lockfile?env=production`)).text(), "x");
    expect(rolledBack.environments.production!["support-agent"]!.version).toBe(2);
    expect(events).toContainEqual({ kind: "reloaded", environments: 2, prompts: 3 });
    const good = await etagOf();

    // Truncated mid-write, then content that does not match its hash: neither is served.
    const text = twoEnvs(5, 4);
    replaceAtomically(file, text.slice(0, text.length / 2));
    await eventually(async () => expect(events.filter((e) => e.kind === "rejected")).toHaveLength(1));
    const tampered = text.replace("You are Ava (prompt v5)", "You are Eve (prompt v5)");
    replaceAtomically(file, tampered);
    await eventually(async () => expect(events.filter((e) => e.kind === "rejected")).toHaveLength(2));
    expect(await etagOf()).toBe(good);
    const [truncated, edited] = events.filter((e) => e.kind === "rejected").map((e) => e.error.message);
    expect(truncated).toMatch(/not valid JSON/);
    expect(edited).toMatch(/tampered with or edited by hand/);
  });

  it("an application polling serve with ?env= renders the rolled-back version after the next poll", async () => {
    const { file, url } = await serve(twoEnvs(3, 4));
    const errors: Error[] = [];
    const prompts = await loadPrompts({
      url: `${url}/v1/lockfile?env=production`,
      env: "production",
      pollMs: 50,
      onError: (error) => errors.push(error),
    });
    try {
      expect(prompts.get("support-agent").version).toBe(3);
      replaceAtomically(file, twoEnvs(2, 4));
      await eventually(async () => expect(prompts.get("support-agent").version).toBe(2));
      expect(errors).toEqual([]);
    } finally {
      prompts.close();
    }
  });

  it("refuses to start on a lockfile an application would refuse (a template that could run code)", async () => {
    const unsafe = supportAgent(1);
    unsafe.messages = [{ role: "system", content: '{{ range.constructor("return process")() }}' }];
    const text = serializeLockfile(
      buildLockfile({ production: { "support-agent": { version: 1, content: unsafe } } }),
    );
    await expect(serve(text)).rejects.toMatchObject({ code: "template-unsafe" });
  });

  it("close() lets a request in flight finish, ends idle keep-alive connections, and stops listening", async () => {
    // Large enough that its body is still being written when close() is called.
    const many: Record<string, number> = {};
    for (let i = 0; i < 400; i++) many[`prompt-${i}`] = i + 1;
    const text = serializeLockfile(buildLockfile({ production: many }));
    const { url } = await serve(text);
    const agent = new Agent({ keepAlive: true });
    const idle = await fetchWith(agent, `${url}/healthz`);
    expect(idle.status).toBe(200);

    const body = await new Promise<string>((resolve, reject) => {
      httpRequest(`${url}/v1/lockfile`, (response) => {
        response.pause();
        const closing = server!.close();
        server = undefined;
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => closing.then(() => resolve(Buffer.concat(chunks).toString())));
        response.on("error", reject);
        setTimeout(() => response.resume(), 200);
      })
        .on("error", reject)
        .end();
    });
    expect(body).toBe(text);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    agent.destroy();
  });
});

function fetchWith(agent: Agent, url: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { agent }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode! }));
    })
      .on("error", reject)
      .end();
  });
}
