// The physical reference for the throughput benches: the same requests from a bare loop over the
// same provider (the official openai SDK, through promptops' provider) with p-limit, in a process of
// its own: no prompts to check, nothing to render, assert or report. What is left of a run's time
// and CPU beyond this loop is the runner's.
import { repoRoot } from "./lib.mjs";
import { GNU_TIME, runAgainstServer } from "./run-against-server.mjs";

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
  const run = (n) =>
    runAgainstServer(server, ["--input-type=module", "-e", loop(n, concurrency)], { cwd: repoRoot, apiKey });
  const full = await run(requests);
  const empty = GNU_TIME ? await run(0) : undefined;
  return {
    code: full.code,
    stderr: full.stderr,
    requests: full.requests,
    requestsMs: full.phases?.requestsMs ?? Number.NaN,
    cpuMsPerRequest:
      full.cpuMs === null || empty?.cpuMs == null ? null : (full.cpuMs - empty.cpuMs) / requests,
    startupCpuMs: empty?.cpuMs ?? null,
  };
}
