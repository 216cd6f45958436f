import { dirname, resolve } from "node:path";
import { findConfigFile } from "../../config/load-config.js";
import { PromptOpsError } from "../../errors.js";
import { LOCKFILE_NAME } from "../../lockfile/lockfile-path.js";
import { type ServeEvent, startLockfileServer } from "../../serve/lockfile-server.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, displayLocation, displayPath } from "../output.js";

export interface ServeCommandOptions extends GlobalOptions {
  port: string;
  host: string;
  lockfile: string | undefined;
  tokenEnv: string | undefined;
}

/** Serves the lockfile until SIGTERM or SIGINT, then stops cleanly and exits 0. */
export async function runServe(options: ServeCommandOptions): Promise<number> {
  const port = Number(options.port);
  if (!/^\d+$/.test(options.port) || port > 65535) {
    throw new PromptOpsError(
      "bad-flag",
      `--port expects a port number from 0 to 65535, got "${options.port}"`,
    );
  }
  const token = options.tokenEnv === undefined ? undefined : process.env[options.tokenEnv];
  if (options.tokenEnv !== undefined && !token) {
    throw new PromptOpsError(
      "bad-flag",
      `--token-env ${options.tokenEnv}: that environment variable is not set`,
      {
        hint: `set ${options.tokenEnv} to the bearer token clients will send, or leave out --token-env`,
      },
    );
  }
  const lockfile = options.lockfile
    ? resolve(options.cwd, options.lockfile)
    : resolve(dirname(findConfigFile(options.cwd) ?? resolve(options.cwd, "x")), LOCKFILE_NAME);

  const c = colourFor(process.stderr);
  const log = (event: ServeEvent) => {
    if (event.kind === "reloaded") {
      process.stderr.write(`reloaded ${displayPath(lockfile)}: ${describe(event)}\n`);
      return;
    }
    const { error } = event;
    const where =
      error instanceof PromptOpsError && error.location ? `${displayLocation(error.location)}: ` : "";
    const hint = error instanceof PromptOpsError && error.hint ? `\n  ${c.dim(`hint: ${error.hint}`)}` : "";
    process.stderr.write(
      `${c.yellow("warning")}: ${where}${error.message}; still serving the last good lockfile${hint}\n`,
    );
  };

  const server = await startLockfileServer({ lockfile, host: options.host, port, token, onEvent: log }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error instanceof PromptOpsError || typeof error.code !== "string") throw error;
      throw new PromptOpsError(
        "listen-failed",
        `cannot listen on ${options.host}:${port}: ${error.message}`,
        { hint: listenHint(error.code) },
      );
    },
  );
  process.stdout.write(
    `serving ${displayPath(lockfile)} (${describe(server)}) at ${server.url}/v1/lockfile${token ? " (bearer token required)" : ""}\n`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  process.stderr.write(`${signal}: finishing requests in flight, then stopping\n`);
  await server.close();
  return 0;
}

/** What to do about an address the server cannot listen on, by the system's error code. */
function listenHint(code: string): string | undefined {
  if (code === "EADDRINUSE") return "another process uses that port: pick one with --port";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NONAME")
    return "--host takes an IP address or a host name this machine resolves: 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)";
  if (code === "EADDRNOTAVAIL")
    return "that address is not one of this machine's: use 127.0.0.1, 0.0.0.0 (every interface) or an address of one of its interfaces";
  if (code === "EACCES") return "ports below 1024 need privileges: pick --port 1024 or above";
  return undefined;
}

function describe(served: { environments: number; prompts: number }): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(served.environments, "environment")}, ${plural(served.prompts, "prompt")}`;
}
