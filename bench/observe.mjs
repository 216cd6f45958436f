// What recording calls costs an application (DESIGN.md section 8): the same loop of
// prepare() + end() with and without `observe: { file }`, in turns, so the difference is what
// recording adds on the application's thread (serialising, queueing, and the writer's batching,
// which runs on the same thread; the appends themselves run on libuv's pool). Then how many records
// a second reach the disk. Usage: node bench/observe.mjs
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, printTable, repoRoot, reportFailures, round, writeResults } from "./lib.mjs";

const TRIALS = 5;
const CALLS_PER_TRIAL = 50_000;
const CHUNK = 500;
const THROUGHPUT_RECORDS = 400_000;
const TARGETS = { overheadMicrosPerCall: 5, recordsPerSecond: 200_000 };

if (!existsSync(join(repoRoot, "dist", "runtime", "index.js"))) {
  console.error("bench: the runtime is not built (no dist/runtime/index.js); run `npm run build` first");
  process.exit(2);
}
const { loadPrompts } = await import("../dist/runtime/index.js");
const { hashCompiledPrompt } = await import("../dist/prompt/hash.js");
const { serializeLockfile } = await import("../dist/lockfile/serialize-lockfile.js");
const { createJsonlWriter } = await import("../dist/observe/jsonl-writer.js");

const content = {
  model: { provider: "openai", name: "gpt-4o-mini", params: { temperature: 0.2, max_tokens: 400 } },
  variables: {
    userMessage: { type: "string", maxLength: 4000 },
    customer: { type: "object", properties: { name: { type: "string" }, email: { type: "string" } } },
  },
  messages: [
    {
      role: "system",
      content: "You are Ava, Acme Cloud's support assistant, talking to {{ customer.name }}.",
    },
    { role: "user", content: "{{ userMessage }}" },
  ],
};
const hash = hashCompiledPrompt(content);
const lockfileJson = {
  lockfileVersion: 1,
  environments: {
    production: {
      "support-agent": {
        version: 3,
        hash,
        commit: "0123456789abcdef0123456789abcdef01234567",
        activatedAt: "2026-11-20T09:12:00Z",
        activatedBy: "Bench <bench@acme.io>",
        previous: 2,
      },
    },
  },
  prompts: { [hash]: { ...content, id: "support-agent", version: 3 } },
};

const inputs = Array.from({ length: 8 }, (_, i) => ({
  userMessage: `My site returns 502 errors since ${i} minutes. Can you help?`,
  customer: { name: ["Ann", "Kenji", "Lucia", "Sam"][i % 4], email: `user${i}@example.com` },
}));
const reply = {
  output: "Sorry about that! Our status page shows an incident; it should clear in 20 minutes.",
  usage: { input: 180, output: 24 },
};

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

/** `calls` calls in chunks, yielding between chunks as a server between requests; µs per call. */
async function loop(prompts, calls) {
  const start = process.hrtime.bigint();
  for (let done = 0; done < calls; done += CHUNK) {
    for (let i = 0; i < CHUNK; i++) {
      const call = prompts.prepare("support-agent", inputs[(done + i) & 7]);
      call.end(reply);
    }
    await yieldToLoop();
  }
  return Number(process.hrtime.bigint() - start) / 1e3 / calls;
}

const tmp = mkdtempSync(join(tmpdir(), "promptops-bench-observe-"));
const failures = [];
try {
  const lockfile = join(tmp, "promptops.lock");
  writeFileSync(lockfile, serializeLockfile(lockfileJson));
  const plain = await loadPrompts({ lockfile, env: "production" });
  const log = join(tmp, "calls.jsonl");
  const recorded = await loadPrompts({
    lockfile,
    env: "production",
    observe: { file: log, redact: ["customer.email"], maxFileBytes: 1024 ** 3 },
  });

  const trials = { baseline: [], recorded: [] };
  for (let round = 0; round <= TRIALS; round++) {
    const base = await loop(plain, CALLS_PER_TRIAL);
    const rec = await loop(recorded, CALLS_PER_TRIAL);
    if (round > 0) {
      trials.baseline.push(base);
      trials.recorded.push(rec);
    }
  }
  const baselineUs = median(trials.baseline);
  const recordedUs = median(trials.recorded);
  const overheadUs = recordedUs - baselineUs;
  const overheadMet = overheadUs <= TARGETS.overheadMicrosPerCall;
  if (!overheadMet)
    failures.push(
      `recording adds ${round(overheadUs)} µs a call, target <= ${TARGETS.overheadMicrosPerCall}`,
    );

  // Writing: real record lines (from the log just written) fed to the writer as fast as it takes
  // them, in chunks as calls arrive; the harness waits for a flush whenever 20,000 lines are queued
  // (an application would drop them instead), so nothing is dropped and the figure is what
  // reaches the disk per second.
  await recorded.close();
  const sample = readFileSync(log, "utf8").split("\n").slice(0, 1000).filter(Boolean);
  const recordBytes = Math.round(sample.reduce((sum, line) => sum + line.length + 1, 0) / sample.length);
  const burstLog = join(tmp, "burst.jsonl");
  const writer = createJsonlWriter({
    file: burstLog,
    maxFileBytes: 1024 ** 3,
    maxBufferBytes: 64 * 1024 * 1024,
    onError: (error) => failures.push(error.message),
  });
  const start = process.hrtime.bigint();
  for (let done = 0; done < THROUGHPUT_RECORDS; done += CHUNK) {
    for (let i = 0; i < CHUNK; i++) writer.write(sample[(done + i) % sample.length]);
    if (writer.stats().queued >= 20_000) await writer.flush();
    else await yieldToLoop();
  }
  await writer.close(60_000);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const { written, dropped } = writer.stats();
  const perSecond = Math.round(written / seconds);
  const throughputMet = perSecond >= TARGETS.recordsPerSecond && dropped === 0;
  if (!throughputMet)
    failures.push(
      `${perSecond} records/s written (${dropped} dropped), target >= ${TARGETS.recordsPerSecond} with none dropped`,
    );
  const lines = readFileSync(burstLog, "utf8").split("\n").length - 1;
  if (lines !== written) failures.push(`the log holds ${lines} lines, the writer says ${written}`);
  await plain.close();

  printTable(
    `prepare() + end(), ${CALLS_PER_TRIAL} calls a trial in chunks of ${CHUNK}, median of ${TRIALS} trials`,
    [
      { loop: "without observe (baseline)", "µs/call": round(baselineUs, 3), target: "" },
      { loop: "observe: { file, redact }", "µs/call": round(recordedUs, 3), target: "" },
      {
        loop: "added by recording",
        "µs/call": round(overheadUs, 3),
        target: `<= ${TARGETS.overheadMicrosPerCall} ${overheadMet ? "yes" : "MISSED"}`,
      },
    ],
  );
  printTable(
    `writing: ${THROUGHPUT_RECORDS} records of ~${recordBytes} bytes, in chunks of ${CHUNK}, then close()`,
    [
      {
        measure: "records written per second",
        value: perSecond,
        target: `>= ${TARGETS.recordsPerSecond} ${throughputMet ? "yes" : "MISSED"}`,
      },
      { measure: "dropped", value: dropped, target: "0" },
      { measure: "seconds", value: round(seconds, 2), target: "" },
    ],
  );
  writeResults("observe", {
    targets: TARGETS,
    overhead: {
      baselineMicrosPerCall: round(baselineUs, 3),
      recordedMicrosPerCall: round(recordedUs, 3),
      addedMicrosPerCall: round(overheadUs, 3),
      targetMet: overheadMet,
      trials: {
        baseline: trials.baseline.map((t) => round(t, 3)),
        recorded: trials.recorded.map((t) => round(t, 3)),
      },
    },
    throughput: {
      records: THROUGHPUT_RECORDS,
      written,
      dropped,
      seconds: round(seconds, 3),
      perSecond,
      recordBytes,
      targetMet: throughputMet,
    },
    failures,
  });
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

reportFailures(failures);
