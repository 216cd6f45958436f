import { describe, expect, it } from "vitest";
import { oneLine, truncate } from "../../src/text/truncate.js";

// Every message that quotes user text (a schema error's found value, a reply's excerpt, a provider's
// error page) cuts it here.
describe("truncate", () => {
  it("keeps text of at most `max` characters as it is", () => {
    expect(truncate("refund", 6)).toBe("refund");
  });

  it("keeps the first `max` characters and marks the cut", () => {
    expect(truncate("refund window", 6)).toBe("refund…");
  });

  it("counts an emoji as one character and never cuts it in half", () => {
    expect(truncate("👍👍👍", 3)).toBe("👍👍👍");
    expect(truncate("👍👍👍", 2)).toBe("👍👍…");
  });
});

describe("oneLine", () => {
  it("makes whitespace runs one space and stays within `limit` characters, the … included", () => {
    expect(oneLine("  rate\n limited\t", 12)).toBe("rate limited");
    expect(oneLine("rate limited, retry", 12)).toBe("rate limite…");
  });
});
