import { PromptOpsError } from "../errors.js";

/** A report's period: both ends inclusive, in milliseconds; null is open. */
export interface Period {
  from: number | null;
  to: number | null;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `--from 2026-11-01 --to 2026-11-30` means all of November (UTC): a date alone starts at midnight
 * for --from and covers the whole day for --to. A date and time is taken as written.
 */
export function parsePeriod(from: string | undefined, to: string | undefined): Period {
  const period = { from: parseEnd("--from", from, false), to: parseEnd("--to", to, true) };
  if (period.from !== null && period.to !== null && period.from > period.to) {
    throw new PromptOpsError("bad-time", `--from ${from} is after --to ${to}`, {
      exitCode: 2,
      hint: "the period runs from --from to --to",
    });
  }
  return period;
}

function parseEnd(flag: string, text: string | undefined, end: boolean): number | null {
  if (text === undefined) return null;
  const time = Date.parse(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(time)) {
    throw new PromptOpsError("bad-time", `${flag} "${text}" is not a date or a date and time`, {
      exitCode: 2,
      hint: "use ISO 8601, e.g. 2026-11-01 or 2026-11-20T03:00:00Z",
    });
  }
  return end && DATE_ONLY.test(text) ? time + DAY_MS - 1 : time;
}

export function inPeriod(period: Period, time: number): boolean {
  return (period.from === null || time >= period.from) && (period.to === null || time <= period.to);
}
