import { Worker } from "node:worker_threads";

/** A `javascript` check to run: compiled code (a function body) or a module's file URL. */
export type CheckJob =
  | { kind: "code"; body: string; output: string; vars: unknown; result: unknown }
  | { kind: "module"; url: string; output: string; vars: unknown; result: unknown };

export interface CheckDeadlines {
  /** How long the check may run before it returns (a value, or a promise). */
  syncMs: number;
  /** How long a returned promise may take to settle. */
  asyncMs: number;
}

export type CheckOutcome =
  | { kind: "returned"; value: unknown }
  /** What the check returned cannot be copied to the run (a function, say): as text. */
  | { kind: "unsendable"; shown: string }
  /** The module did not load or has no function to call: `message` says which. */
  | { kind: "unusable"; message: string }
  | { kind: "threw"; name: string; message: string }
  | { kind: "sync-timeout" }
  | { kind: "async-timeout" }
  /** The check's thread ended (process.exit, an uncaught error in a callback). */
  | { kind: "died"; message: string };

// The thread's program, as a string: the CLI is bundled into a few chunks, and a worker file of our
// own would be one more file to find next to them. It is plain CommonJS and uses nothing of ours.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const bodies = new Map();
const describe = (error) => error instanceof Error
  ? { name: error.name, message: error.message }
  : { name: "", message: String(error) };
// A value the structured clone cannot copy (a function, an object holding one) is sent as much as
// the run reads of it.
const sendable = (value) => {
  const picked = typeof value === "object" && value !== null && "pass" in value
    ? { pass: value.pass, score: value.score, reason: value.reason } : value;
  for (const candidate of [value, picked]) {
    try { structuredClone(candidate); return { kind: "returned", value: candidate }; } catch {}
  }
  let shown;
  try { shown = String(value); } catch { shown = typeof value; }
  return { kind: "unsendable", shown };
};
async function load(job) {
  if (job.kind === "code") {
    let fn = bodies.get(job.body);
    if (!fn) { fn = new Function("output", "vars", "result", job.body); bodies.set(job.body, fn); }
    return fn;
  }
  let mod;
  try { mod = await import(job.url); }
  catch (error) { return { unusable: "cannot load the module: " + describe(error).message }; }
  // A CommonJS \`module.exports = { assert }\` arrives as the default export's property.
  const found = [mod.default, mod.assert, mod.default && mod.default.assert].find((c) => typeof c === "function");
  return found || { unusable: "the module exports no default or named \`assert\` function" };
}
parentPort.on("message", async (job) => {
  parentPort.postMessage({ kind: "started" });
  const check = await load(job);
  if (typeof check !== "function") return parentPort.postMessage({ kind: "unusable", message: check.unusable });
  let returned;
  try {
    returned = job.kind === "module"
      ? check(job.output, { vars: job.vars, result: job.result })
      : check(job.output, job.vars, job.result);
    if (returned !== null && typeof returned === "object" || typeof returned === "function") {
      if (typeof returned.then === "function") {
        parentPort.postMessage({ kind: "pending" });
        returned = await returned;
      }
    }
  } catch (error) {
    return parentPort.postMessage({ kind: "threw", ...describe(error) });
  }
  parentPort.postMessage(sendable(returned));
});
`;

/**
 * At most this many threads run checks at once; more checks wait for one (their deadline starts
 * when they get it). Each thread is started once and reused while its checks end in time: starting
 * one per check would cost some 25 ms each.
 */
const MAX_THREADS = 8;
const idle: Worker[] = [];
const waiting: Array<(worker: Worker | undefined) => void> = [];
let threads = 0;

/**
 * How long a reused thread may take to start a check. Longer, and a timer a previous check left
 * behind is keeping it busy: that thread ends, and the check starts on a new one, its own deadline
 * untouched.
 */
const START_MS = 1000;

/**
 * Runs a check on a thread of its own, so that whatever it does — an endless loop, before or after
 * an `await`, a timer that never fires, `process.exit` — it ends by its deadline and the run goes on.
 * vm's timeout stops synchronous code only, and a check's promises and timers belong to the run's
 * own event loop. A thread is reused while its checks end in time (two messages each way, some tens
 * of microseconds); one that overruns is terminated.
 */
export async function runCheckInThread(job: CheckJob, deadlines: CheckDeadlines): Promise<CheckOutcome> {
  // Each stuck thread is ended, and a new one is never stuck: this ends.
  for (;;) {
    let worker = await acquire();
    const reused = worker !== undefined;
    try {
      worker ??= await startThread();
    } catch (error) {
      // The slot goes on to a waiting check (which tries to start its own thread): a check must
      // never wait for a slot no one will give back.
      giveBackSlot();
      return { kind: "died", message: `no thread to run it on: ${(error as Error).message}` };
    }
    const outcome = await runOn(worker, job, deadlines, reused);
    if (outcome !== STUCK) return outcome;
  }
}

/** An idle thread; undefined when the caller may start one; else waits for either. */
function acquire(): Promise<Worker | undefined> {
  const worker = idle.pop();
  if (worker) return Promise.resolve(worker);
  if (threads < MAX_THREADS) {
    threads++;
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => waiting.push(resolve));
}

/** A thread done with its check: to the next waiting check, else idle; or ended. */
function release(worker: Worker, reusable: boolean): void {
  if (!reusable) {
    void worker.terminate();
    giveBackSlot();
    return;
  }
  const next = waiting.shift();
  if (next) {
    next(worker);
    return;
  }
  // An idle thread must not keep the process alive.
  worker.unref();
  idle.push(worker);
}

/** A thread ended or never started: its slot to the next waiting check, to start one, else freed. */
function giveBackSlot(): void {
  const next = waiting.shift();
  if (next) next(undefined);
  else threads--;
}

const STUCK = Symbol("stuck");

function runOn(
  worker: Worker,
  job: CheckJob,
  deadlines: CheckDeadlines,
  reused: boolean,
): Promise<CheckOutcome | typeof STUCK> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (outcome: CheckOutcome | typeof STUCK, reusable: boolean) => {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      release(worker, reusable);
      resolve(outcome);
    };
    const deadline = (ms: number, outcome: CheckOutcome | typeof STUCK) => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(outcome, false), ms);
    };
    const onMessage = (message: CheckOutcome | { kind: "started" | "pending" }) => {
      if (message.kind === "started") deadline(deadlines.syncMs, { kind: "sync-timeout" });
      else if (message.kind === "pending") deadline(deadlines.asyncMs, { kind: "async-timeout" });
      else finish(message as CheckOutcome, true);
    };
    const onError = (error: unknown) =>
      finish({ kind: "died", message: error instanceof Error ? error.message : String(error) }, false);
    const onExit = (code: number) =>
      finish({ kind: "died", message: `the check ended its thread (exit code ${code})` }, false);
    worker.ref();
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    // A new thread is known to be free: its check's deadline starts now.
    if (reused) deadline(START_MS, STUCK);
    else deadline(deadlines.syncMs, { kind: "sync-timeout" });
    try {
      worker.postMessage(job);
    } catch (error) {
      // vars that the structured clone cannot copy (none from YAML or JSON can be such).
      finish({ kind: "threw", name: "DataCloneError", message: (error as Error).message }, true);
    }
  });
}

function startThread(): Promise<Worker> {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  // A check's stray timer may still throw, or exit, once the check has returned: that thread is
  // dropped, never an unhandled 'error' event in the run.
  const drop = () => {
    const at = idle.indexOf(worker);
    if (at < 0) return;
    idle.splice(at, 1);
    giveBackSlot();
  };
  worker.on("error", drop);
  worker.on("exit", drop);
  return new Promise((resolve, reject) => {
    worker.once("online", () => {
      worker.off("error", reject);
      resolve(worker);
    });
    worker.once("error", reject);
  });
}
