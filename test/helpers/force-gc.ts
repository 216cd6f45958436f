import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * A full garbage collection, now: what a busy run triggers at some point by itself. Tests use it to
 * make "something held only weakly is lost" bugs deterministic instead of load-dependent.
 */
export function forceGc(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}
