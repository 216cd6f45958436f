import { describe, expect, it } from "vitest";
import { parseSince } from "../../src/observe/since.js";
import { expectPromptOpsError } from "../helpers/expect-error.js";

const NOW = Date.parse("2026-12-05T12:00:00Z");

describe("--since", () => {
  it.each([
    ["7d", "2026-11-28T12:00:00.000Z"],
    ["24h", "2026-12-04T12:00:00.000Z"],
    ["30m", "2026-12-05T11:30:00.000Z"],
    ["2w", "2026-11-21T12:00:00.000Z"],
    ["2026-12-01", "2026-12-01T00:00:00.000Z"],
    ["2026-12-01T09:30:00+01:00", "2026-12-01T08:30:00.000Z"],
  ])("%s means since %s", (value, iso) => {
    expect(new Date(parseSince(value, NOW)).toISOString()).toBe(iso);
  });

  it("refuses what is neither a duration nor a date, with an example", () => {
    expectPromptOpsError(() => parseSince("last week", NOW), { code: "bad-time", exitCode: 2 });
  });
});
