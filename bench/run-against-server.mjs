// One child process run against a bench's fake provider server, timed: what the throughput benches
// and the bare SDK loop share.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// GNU time reports the child's own CPU and peak RSS; without it those two are left unmeasured.
export const GNU_TIME = ["/usr/bin/time", "/bin/time"].find((path) => existsSync(path));

/**
 * Runs `node <nodeArgs>` in the background (the fake server lives in this process and must keep
 * serving), with OPENAI_BASE_URL pointing at it. Wall time is ours, measured from the spawn; CPU and
 * peak RSS are the child's own, from GNU time; `phases` says where the time went: before the first
 * request (start-up), while requests were in flight, and after the last reply (reports, exit).
 */
export function runAgainstServer(server, nodeArgs, { cwd, apiKey, env = {}, killAfterMs }) {
  const dir = mkdtempSync(join(tmpdir(), "promptops-bench-run-"));
  const timeFile = join(dir, "time.txt");
  const [command, args] = GNU_TIME
    ? [GNU_TIME, ["-f", "%U %S %M", "-o", timeFile, process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  server.reset();
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: "1", OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: apiKey, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a kill reaches node under GNU time too.
      detached: Boolean(killAfterMs),
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.stdout.resume();
    child.on("error", reject);
    // A run that does not end by itself (the defect a fault bench looks for) is killed, and says so.
    let killed = false;
    const killer =
      killAfterMs &&
      setTimeout(() => {
        killed = true;
        process.kill(-child.pid, "SIGKILL");
      }, killAfterMs);
    child.on("close", (code) => {
      const ended = performance.now();
      if (killer) clearTimeout(killer);
      const { firstAt, lastAt, total, peakActive } = server.stats;
      let cpuMs = null;
      let peakRssMb = null;
      if (GNU_TIME && existsSync(timeFile)) {
        const [user, sys, maxKb] = readFileSync(timeFile, "utf8").trim().split(/\s+/).map(Number);
        cpuMs = (user + sys) * 1000;
        peakRssMb = maxKb / 1024;
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({
        code,
        stderr,
        wallMs: ended - started,
        cpuMs,
        peakRssMb,
        phases: firstAt
          ? { startupMs: firstAt - started, requestsMs: lastAt - firstAt, tailMs: ended - lastAt }
          : undefined,
        requests: total,
        peakActive,
        killed,
      });
    });
  });
}
