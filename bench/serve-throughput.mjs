// `promptops serve` under load: conditional GETs (If-None-Match, answered 304) per second with a
// 500-prompt lockfile, against a bare node:http server that answers the same 304 from a constant
// (the floor any Node server stands on), then the memory of `serve` over a long load run.
// Load from autocannon in this process; each server is a child process of its own.
// Usage: node bench/serve-throughput.mjs [seconds=10]   (the memory run lasts 6x as long: 60 s)
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { cliBin, countArgument, printTable, requireBuiltCli, round, writeResults } from "./lib.mjs";

const TARGETS = { conditionalPerSecond: 5000, rssGrowth: 1.25 };
const CONNECTIONS = 50;
const seconds = countArgument("seconds", 10);
requireBuiltCli();
const { generateLockfile } = await import("./gen-lockfile.mjs");

const dir = mkdtempSync(join(tmpdir(), "promptops-bench-serve-"));
const lockfile = join(dir, "promptops.lock");
writeFileSync(lockfile, generateLockfile(500));

const BARE = `
const { createServer } = require("node:http");
const etag = '"bare"';
createServer((request, response) => {
  if (request.headers["if-none-match"] === etag) { response.writeHead(304, { etag, "cache-control": "no-cache" }); response.end(); return; }
  response.writeHead(200, { etag, "content-type": "application/json" }); response.end("{}");
}).listen(0, "127.0.0.1", function () { console.log("listening at http://127.0.0.1:" + this.address().port + "/v1/lockfile"); });
`;

/** Starts a server child and resolves with its base URL, from the line it prints. */
function startChild(args) {
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = / at (http:\/\/\S+)\/v1\/lockfile/.exec(out);
      if (match) resolve({ child, url: match[1] });
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

async function load(url, etag, duration) {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    headers: { "if-none-match": etag },
  });
  const notModified = result.statusCodeStats?.["304"]?.count ?? 0;
  return {
    perSecond: Math.round(result.requests.average),
    p99Ms: result.latency.p99,
    total: result.requests.total,
    notModified,
    errors: result.errors + result.timeouts,
  };
}

const envUrl = (base) => `${base}/v1/lockfile?env=production`;
const bare = await startChild(["-e", BARE]);
const serve = await startChild([cliBin, "serve", "--port", "0", "--lockfile", lockfile]);
const etag = (await fetch(envUrl(serve.url))).headers.get("etag");
const rows = [];
try {
  // Warm both up, then measure them in turns.
  await load(envUrl(bare.url), '"bare"', 2);
  await load(envUrl(serve.url), etag, 2);
  const floor = await load(envUrl(bare.url), '"bare"', seconds);
  const served = await load(envUrl(serve.url), etag, seconds);
  rows.push({ server: "bare node:http (304 from a constant)", ...floor });
  rows.push({
    server: "promptops serve, 500 prompts",
    ...served,
    ratio: round(served.perSecond / floor.perSecond),
  });

  const rssStart = rssMiB(serve.child.pid);
  const long = await load(envUrl(serve.url), etag, seconds * 6);
  const rssEnd = rssMiB(serve.child.pid);
  rows.push({ server: `promptops serve, ${seconds * 6} s memory run`, ...long });
  printTable(`serve: conditional GETs per second (${CONNECTIONS} connections)`, rows);
  const memory = {
    rssStartMiB: round(rssStart, 1),
    rssEndMiB: round(rssEnd, 1),
    growth: round(rssEnd / rssStart),
  };
  console.log(
    `\nRSS of serve: ${memory.rssStartMiB} MiB at the start of the memory run, ${memory.rssEndMiB} MiB at its end`,
  );
  const pass = {
    conditionalPerSecond:
      served.perSecond >= TARGETS.conditionalPerSecond && served.notModified === served.total,
    rssFlat: memory.growth <= TARGETS.rssGrowth,
    noErrors: served.errors === 0 && long.errors === 0,
  };
  console.log(
    `bars: >= ${TARGETS.conditionalPerSecond}/s all 304: ${pass.conditionalPerSecond}; RSS end/start <= ${TARGETS.rssGrowth}: ${pass.rssFlat}; no errors: ${pass.noErrors}`,
  );
  writeResults("serve-throughput", {
    seconds,
    connections: CONNECTIONS,
    targets: TARGETS,
    rows,
    memory,
    pass,
  });
  process.exitCode = Object.values(pass).every(Boolean) ? 0 : 1;
} finally {
  bare.child.kill("SIGTERM");
  serve.child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
