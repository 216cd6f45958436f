import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { CLI, runCli } from "../helpers/run-cli.js";
import {
  buildLockfile,
  makeTempDir,
  replaceAtomically,
  requireBuild,
  type TempDir,
} from "../lockfile/lockfile-fixtures.js";

let dir: TempDir;
beforeEach(() => {
  requireBuild();
  dir = makeTempDir("promptops-serve-cli-");
  writeFileSync(
    dir.path("promptops.lock"),
    serializeLockfile(buildLockfile({ production: { "support-agent": 3 } })),
  );
});
afterEach(() => dir.cleanup());

/** Starts `promptops serve` and resolves with the URL it prints; the test sends the signal that stops it. */
function startServe(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", ...args], {
    cwd: dir.root,
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve printed no URL; stderr: ${stderr}`)), 10_000);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const match = / at (http:\/\/\S+)\/v1\/lockfile/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.on("exit", () => reject(new Error(`serve exited early; stderr: ${stderr}`)));
  });
  return { child, url, exited, output: () => ({ stdout, stderr }) };
}

describe("promptops serve (the built CLI)", () => {
  it("prints where it listens, serves the lockfile, and stops cleanly with exit 0 on SIGTERM", async () => {
    const serve = startServe([]);
    const url = await serve.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(serve.output().stdout).toMatch(/^serving promptops\.lock \(1 environment, 1 prompt\) at /);
    const response = await fetch(`${url}/v1/lockfile?env=production`);
    expect(response.status).toBe(200);
    // A lockfile cut off mid-write is refused, and the log says why and what is served instead.
    replaceAtomically(dir.path("promptops.lock"), '{"lockfileVersion": 1, "environ');
    await vi.waitFor(() => expect(serve.output().stderr).toMatch(/still serving the last good lockfile/), {
      timeout: 10_000,
    });
    expect(serve.output().stderr).toMatch(/^warning: promptops\.lock:1:\d+: lockfile is not valid JSON/m);
    expect((await fetch(`${url}/v1/lockfile?env=production`)).headers.get("etag")).toBe(
      response.headers.get("etag"),
    );
    serve.child.kill("SIGTERM");
    expect(await serve.exited).toBe(0);
    expect(serve.output().stderr).toMatch(/SIGTERM: finishing requests in flight, then stopping/);
  });

  it("with --token-env, needs the token; SIGINT stops it too", async () => {
    const serve = startServe(["--token-env", "LOCKFILE_TOKEN"], { LOCKFILE_TOKEN: "t0ken" });
    const url = await serve.url;
    expect(serve.output().stdout).toMatch(/\(bearer token required\)/);
    expect((await fetch(`${url}/v1/lockfile`)).status).toBe(401);
    expect((await fetch(`${url}/v1/lockfile`, { headers: { authorization: "Bearer t0ken" } })).status).toBe(
      200,
    );
    serve.child.kill("SIGINT");
    expect(await serve.exited).toBe(0);
  });

  it("refuses an unset token variable, a bad port and a missing lockfile, each with exit 2 and a hint", async () => {
    const env = { LOCKFILE_TOKEN: undefined };
    const token = await runCli(["serve", "--token-env", "LOCKFILE_TOKEN"], { cwd: dir.root, env });
    expect(token.code).toBe(2);
    expect(token.stderr).toMatch(/--token-env LOCKFILE_TOKEN: that environment variable is not set/);
    const port = await runCli(["serve", "--port", "http"], { cwd: dir.root });
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port expects a port number/);
    const missing = await runCli(["serve", "--lockfile", "elsewhere.lock"], { cwd: dir.root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no lockfile at .*elsewhere\.lock/);
  });

  it("refuses a --host it cannot listen on with exit 2 and a hint naming the addresses that work", async () => {
    const result = await runCli(["serve", "--host", "999.1.1.1", "--port", "0"], { cwd: dir.root });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: cannot listen on 999\.1\.1\.1:0: /);
    expect(result.stderr).toMatch(
      /hint: --host takes an IP address or a host name this machine resolves: 127\.0\.0\.1/,
    );
  });
});
