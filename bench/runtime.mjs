// The runtime library on an application's hot path: how long `loadPrompts` takes on a 500-prompt
// lockfile (start-up and every watch reload), and how many `messages()` renders a second it serves,
// against plain string concatenation of the same text in the same process.
// Usage: node bench/runtime.mjs [prompts=500]
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { countArgument, median, printTable, repoRoot, round, summarise, writeResults } from "./lib.mjs";

const LOAD_RUNS = 15;
const THROUGHPUT_TRIALS = 5;
const TRIAL_MS = 300;
const TARGETS = { loadMedianMs: 50, messagesPerSecond: 100_000 };
const count = countArgument("count", 500);

if (!existsSync(join(repoRoot, "dist", "runtime", "index.js"))) {
  console.error("bench: the runtime is not built (no dist/runtime/index.js); run `npm run build` first");
  process.exit(2);
}
const { loadPrompts } = await import("../dist/runtime/index.js");
const { generateLockfile } = await import("./gen-lockfile.mjs");

/** The same messages built by hand: the floor for what any templating could cost. */
function concatBaseline(vars) {
  const { customer, userMessage } = vars;
  const tier =
    customer.plan === "enterprise"
      ? "Offer to bring in their dedicated account manager."
      : "For outages, point to status.acme.cloud.";
  return [
    {
      role: "system",
      content:
        "You are Ava, the support assistant for Acme Cloud, a managed hosting and database platform.\n" +
        "You are talking to " +
        customer.name +
        ", who is on the " +
        customer.plan +
        " plan.\nBe concise and friendly. Refunds: 30-day policy, to the original payment method.\n" +
        tier +
        "\nIf you do not know the answer, say so and offer a human agent.",
    },
    { role: "user", content: `Ticket from ${customer.name}: ${userMessage}` },
  ];
}

/**
 * Calls per second of each function over fixed-length trials, taken in turns (so GC debt and JIT
 * state are shared fairly, not left to whichever runs first); the first round warms up and is
 * dropped, and the median trial is reported.
 */
function throughput(fns, inputs) {
  let sink = 0;
  const trials = Object.fromEntries(Object.keys(fns).map((name) => [name, []]));
  for (let round = 0; round <= THROUGHPUT_TRIALS; round++) {
    for (const [name, fn] of Object.entries(fns)) {
      const start = process.hrtime.bigint();
      const stop = start + BigInt(TRIAL_MS * 1e6);
      let calls = 0;
      while (process.hrtime.bigint() < stop) {
        for (let i = 0; i < 256; i++) sink += fn(inputs[(calls + i) & 7]).length;
        calls += 256;
      }
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (round > 0) trials[name].push(calls / seconds);
    }
  }
  if (sink === 0) throw new Error("nothing rendered");
  return Object.fromEntries(
    Object.entries(trials).map(([name, rates]) => [
      name,
      { perSecond: Math.round(median(rates)), trials: rates.map((r) => Math.round(r)) },
    ]),
  );
}

const tmp = mkdtempSync(join(tmpdir(), "promptops-bench-runtime-"));
const failures = [];
try {
  const lockfile = join(tmp, "promptops.lock");
  const text = generateLockfile(count);
  writeFileSync(lockfile, text);

  const samples = [];
  let prompts;
  for (let i = 0; i < LOAD_RUNS + 1; i++) {
    const start = process.hrtime.bigint();
    prompts = await loadPrompts({ lockfile, env: "production" });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const firstLoadMs = round(samples[0]);
  const load = summarise(samples.slice(1));
  if (prompts.ids().length !== count)
    failures.push(`loaded ${prompts.ids().length} prompts, expected ${count}`);

  const plans = ["free", "pro", "enterprise", "pro"];
  const inputs = Array.from({ length: 8 }, (_, i) => ({
    userMessage: `My site returns 502 errors since ${i} minutes. Can you help?`,
    customer: { name: ["Ann", "Kenji", "Lucia", "Sam"][i % 4], plan: plans[i % 4] },
  }));
  for (const vars of inputs) {
    const rendered = prompts.messages("support-agent", vars);
    if (!isDeepStrictEqual(rendered, concatBaseline(vars))) {
      failures.push(`messages() and the baseline disagree: ${JSON.stringify(rendered)}`);
      break;
    }
  }

  const { baseline, messages, anthropic } = throughput(
    {
      baseline: concatBaseline,
      messages: (vars) => prompts.messages("support-agent", vars),
      anthropic: (vars) => prompts.anthropic("support-agent", vars).messages,
    },
    inputs,
  );

  const loadMet = load.medianMs < TARGETS.loadMedianMs;
  const messagesMet = messages.perSecond >= TARGETS.messagesPerSecond;
  if (!loadMet) failures.push(`loadPrompts median ${load.medianMs} ms, target < ${TARGETS.loadMedianMs} ms`);
  if (!messagesMet)
    failures.push(`messages() ${messages.perSecond}/s, target >= ${TARGETS.messagesPerSecond}/s`);

  printTable(`loadPrompts, ${count} prompts (${round(text.length / 1024, 0)} KiB), ${LOAD_RUNS} runs`, [
    { measure: "first load in process", ms: firstLoadMs, target: "", met: "" },
    {
      measure: "median",
      ms: load.medianMs,
      target: `< ${TARGETS.loadMedianMs}`,
      met: loadMet ? "yes" : "MISSED",
    },
    { measure: "p90", ms: load.p90Ms, target: "", met: "" },
  ]);
  const row = (name, r, target) => ({
    render: name,
    "per second": r.perSecond,
    "µs/call": round(1e6 / r.perSecond, 2),
    "x slower than concat": round(baseline.perSecond / r.perSecond, 1),
    target,
  });
  printTable(
    `rendering support-agent (system with {% if %}, user with 2 variables), median of ${THROUGHPUT_TRIALS} trials`,
    [
      row("string concat baseline", baseline, ""),
      row(
        "messages() (OpenAI)",
        messages,
        `>= ${TARGETS.messagesPerSecond} ${messagesMet ? "yes" : "MISSED"}`,
      ),
      row("anthropic()", anthropic, ""),
    ],
  );

  writeResults("runtime", {
    prompts: count,
    lockfileBytes: text.length,
    targets: TARGETS,
    load: { firstLoadMs, ...load, targetMet: loadMet },
    throughput: {
      baselineConcatPerSecond: baseline.perSecond,
      messagesPerSecond: messages.perSecond,
      anthropicPerSecond: anthropic.perSecond,
      messagesSlowdownVsConcat: round(baseline.perSecond / messages.perSecond, 2),
      targetMet: messagesMet,
      trials: { baseline: baseline.trials, messages: messages.trials, anthropic: anthropic.trials },
    },
    failures,
  });
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\nFAIL\n- ${failures.join("\n- ")}`);
  process.exitCode = 1;
}
