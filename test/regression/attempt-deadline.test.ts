import { describe, expect, it } from "vitest";
import { withDeadline } from "../../src/regression/attempt-deadline.js";

const timedOut = (signal: AbortSignal) => new Error(`ended: ${(signal.reason as Error).name}`);

describe("an attempt's deadline", () => {
  it("ends an attempt that ignores its signal, at the timeout", async () => {
    const started = performance.now();
    const never = new Promise<string>(() => undefined);
    await expect(withDeadline(100, new AbortController().signal, () => never, timedOut)).rejects.toThrow(
      "ended: TimeoutError",
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it("ends it at once when the run is cancelled, with the run's reason", async () => {
    const run = new AbortController();
    const pending = withDeadline(60_000, run.signal, () => new Promise<string>(() => undefined), timedOut);
    run.abort(new RangeError("stop"));
    await expect(pending).rejects.toThrow("ended: RangeError");
  });

  it("gives the attempt's own answer when it comes first", async () => {
    await expect(withDeadline(1_000, new AbortController().signal, async () => "ok", timedOut)).resolves.toBe(
      "ok",
    );
  });
});
