import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";

// A machine that cannot start another thread (out of memory, a resource limit): every Worker fails
// before it comes online.
vi.mock("node:worker_threads", () => ({
  Worker: class extends EventEmitter {
    constructor() {
      super();
      setImmediate(() => this.emit("error", new Error("ERR_WORKER_OUT_OF_MEMORY")));
    }
    ref() {}
    unref() {}
    postMessage() {}
    terminate() {
      return Promise.resolve(0);
    }
  },
}));

const { runCheckInThread } = await import("../../src/regression/assertions/check-thread.js");

describe("javascript checks when no thread can be started", () => {
  it("ends every check with a 'died' outcome, also those that queued for a thread", async () => {
    const job = { kind: "code" as const, body: "return true;", output: "", vars: {}, result: {} };
    // More checks than the pool runs at once: some wait for a slot the failed starts give back.
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, () => runCheckInThread(job, { syncMs: 1000, asyncMs: 1000 })),
    );
    expect(outcomes).toHaveLength(12);
    for (const outcome of outcomes) {
      expect(outcome).toEqual({
        kind: "died",
        message: "no thread to run it on: ERR_WORKER_OUT_OF_MEMORY",
      });
    }
  }, 10_000);
});
