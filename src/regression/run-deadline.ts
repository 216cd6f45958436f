import { setMaxListeners } from "node:events";

/** What a case cut by --max-duration says. */
export const MAX_DURATION_REACHED = "not run: --max-duration reached";

/** The reason a run's signal carries once --max-duration is reached: unfinished cases say so. */
export class MaxDurationReached extends Error {
  constructor(readonly maxDurationMs: number) {
    super(MAX_DURATION_REACHED);
    this.name = "MaxDurationReached";
  }
}

export interface RunDeadline {
  /** Aborted when the caller cancels (Ctrl-C) or --max-duration is reached, whichever comes first. */
  signal: AbortSignal;
  /** Whether the run ended because --max-duration was reached. */
  reached(): boolean;
  /** Once the run is over: the timer no longer holds the process. */
  dispose(): void;
}

/**
 * The run's one signal: the caller's cancellation and, with `maxDurationMs`, the run-level deadline.
 * Both are linked by listener and timer held here (not AbortSignal.any, whose sources Node holds
 * weakly: see attempt-deadline.ts).
 */
export function startRunDeadline(cancel: AbortSignal, maxDurationMs: number | undefined): RunDeadline {
  const controller = new AbortController();
  // Every request in flight and every retry waiting listens to it: hundreds is normal, not a leak.
  setMaxListeners(0, controller.signal);
  const onCancel = () => controller.abort(cancel.reason);
  if (cancel.aborted) onCancel();
  else cancel.addEventListener("abort", onCancel, { once: true });
  const timer =
    maxDurationMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new MaxDurationReached(maxDurationMs)), maxDurationMs);
  // Requests in flight keep the process up while it matters; a run that threw must not wait for it.
  timer?.unref();
  return {
    signal: controller.signal,
    reached: () => controller.signal.reason instanceof MaxDurationReached,
    dispose: () => {
      clearTimeout(timer);
      cancel.removeEventListener("abort", onCancel);
    },
  };
}

/** The error of a case Ctrl-C stopped: the console counts these in one line instead of listing each. */
export const CANCELLED = "cancelled before it finished";

/** What a case the run could not finish says: cancelled, or cut by --max-duration. */
export function unfinishedReason(run: AbortSignal): string {
  return run.reason instanceof MaxDurationReached ? run.reason.message : CANCELLED;
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `90000`, `90s`, `10m`, `1.5h` → milliseconds; undefined when the text is none of those. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) return undefined;
  const ms = Math.round(Number(match[1]) * UNITS[match[2] ?? "ms"]!);
  return ms >= 1 ? ms : undefined;
}
