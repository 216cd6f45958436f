/**
 * Runs one attempt with its own deadline: the attempt's signal aborts when `timeoutMs` pass or the
 * run is cancelled, and the returned promise settles then at the latest, with `expired(signal)`,
 * even if the attempt does not honour its signal.
 *
 * The timer is ours, held by the attempt, rather than `AbortSignal.any([run,
 * AbortSignal.timeout(ms)])`: Node holds the sources of `AbortSignal.any` weakly, so a timeout
 * signal nobody else references is garbage-collected at the first GC, its timer then aborts nothing
 * and the attempt never ends. A lone case seldom triggers a GC within its timeout; a run with many
 * requests in flight does, which is how one hung case of a busy run stayed pending forever.
 */
export function withDeadline<T>(
  timeoutMs: number,
  run: AbortSignal,
  attempt: (signal: AbortSignal) => Promise<T>,
  expired: (signal: AbortSignal) => unknown,
): Promise<T> {
  if (run.aborted) return Promise.reject(expired(run));
  const controller = new AbortController();
  const { signal } = controller;
  const timer = setTimeout(
    () => controller.abort(new DOMException("The operation timed out.", "TimeoutError")),
    timeoutMs,
  );
  const onRunAborted = () => controller.abort(run.reason);
  run.addEventListener("abort", onRunAborted, { once: true });
  return new Promise<T>((resolve, reject) => {
    signal.addEventListener("abort", () => reject(expired(signal)), { once: true });
    attempt(signal).then(resolve, reject);
  }).finally(() => {
    clearTimeout(timer);
    run.removeEventListener("abort", onRunAborted);
  });
}
