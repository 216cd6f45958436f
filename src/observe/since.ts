import { PromptOpsError } from "../errors.js";

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * `--since`: a duration back from now (`30m`, `24h`, `7d`, `2w`) or a date or date-time
 * (`2026-12-01`, `2026-12-01T09:00:00Z`). Returns epoch milliseconds.
 */
export function parseSince(value: string, now: number = Date.now()): number {
  const duration = /^(\d+)([mhdw])$/.exec(value.trim());
  if (duration) return now - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isFinite(at)) return at;
  throw new PromptOpsError("bad-time", `--since "${value}" is neither a duration nor a date`, {
    hint: "use e.g. --since 7d, --since 24h or --since 2026-12-01",
  });
}
