// The physical reference for the throughput benches: the same requests from a bare loop over the
// same provider (the official openai SDK, through promptops' provider) with p-limit, in a process of
// its own: no prompts to check, nothing to render, assert or report. What is left of a run's time
// and CPU beyond this loop is the runner's.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./lib.mjs";

// GNU time reports the child's own CPU; without it that is left unmeasured.
export const GNU_TIME = ["/usr/bin/time", "/bin/time"].find((path) => existsSync(path));

const loop = (requests, concurrency) => `
import pLimit from "p-limit";
import { createProvider } from "./dist/providers/create-provider.js";
import { parseProviderSpec } from "./dist/providers/provider-spec.js";
const provider = await createProvider(parseProviderSpec("openai:gpt-4o-mini"), process.env);
const limit = pLimit(${concurrency});
await Promise.all(Array.from({ length: ${requests} }, (_, i) => limit(() => provider.call({
  messages: [{ role: "user", content: "Where is my order " + i + "?" }],
  params: { temperature: 0 },
  signal: AbortSignal.timeout(30000),
}))));
`;

/**
 * Runs the loop once for `requests` requests and once for none (start-up only), and returns the
 * requests' wall time as the server saw it and, with GNU time, the CPU each request cost beyond
 * start-up.
 */
export async function runBareSdkLoop({ server, apiKey, requests, concurrency }) {
  const full = await runOnce(server, apiKey, requests, concurrency);
  const empty = GNU_TIME ? await runOnce(server, apiKey, 0, concurrency) : undefined;
  return {
    ...full,
    cpuMsPerRequest:
      full.cpuMs === null || empty?.cpuMs == null ? null : (full.cpuMs - empty.cpuMs) / requests,
    startupCpuMs: empty?.cpuMs ?? null,
  };
}

function runOnce(server, apiKey, requests, concurrency) {
  server.reset();
  const dir = mkdtempSync(join(tmpdir(), "promptops-bench-bare-"));
  const timeFile = join(dir, "time.txt");
  const args = ["--input-type=module", "-e", loop(requests, concurrency)];
  const [command, commandArgs] = GNU_TIME
    ? [GNU_TIME, ["-f", "%U %S", "-o", timeFile, process.execPath, ...args]]
    : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      cwd: repoRoot,
      env: { ...process.env, OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: apiKey },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      let cpuMs = null;
      if (GNU_TIME && existsSync(timeFile)) {
        const [user, sys] = readFileSync(timeFile, "utf8").trim().split(/\s+/).map(Number);
        cpuMs = (user + sys) * 1000;
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({
        code,
        stderr,
        requests: server.stats.total,
        requestsMs: server.stats.lastAt - server.stats.firstAt,
        cpuMs,
      });
    });
  });
}
