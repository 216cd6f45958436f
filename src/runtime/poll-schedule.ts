export interface PollSchedule {
  close(): void;
}

/** The longest wait between two attempts after failures, unless pollMs itself is longer. */
const MAX_BACKOFF_MS = 30_000;

/**
 * Runs `attempt` every `pollMs`, one at a time. After a failed attempt the wait doubles (from pollMs up
 * to 30 s) with up to a tenth of jitter, so a fleet that lost its server does not return in step; the
 * first success goes back to pollMs. The timer is unref'd: polling never keeps a process alive.
 */
export function pollOnSchedule(
  pollMs: number,
  attempt: () => Promise<boolean>,
  startFailures = 0,
): PollSchedule {
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let failures = startFailures;

  const schedule = () => {
    if (closed) return;
    timer = setTimeout(run, delay(pollMs, failures)).unref();
  };
  const run = async () => {
    timer = undefined;
    const ok = await attempt().catch(() => false);
    failures = ok ? 0 : failures + 1;
    schedule();
  };
  schedule();
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}

function delay(pollMs: number, failures: number): number {
  if (failures === 0) return pollMs;
  const backoff = Math.min(pollMs * 2 ** (failures - 1), Math.max(MAX_BACKOFF_MS, pollMs));
  return Math.round(backoff * (1 + Math.random() / 10));
}
