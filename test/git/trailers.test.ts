import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTrailers, type Trailer, trailerValue } from "../../src/git/index.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

// Each message is parsed here and by `git interpret-trailers --parse`; they must agree.
const cases: Record<string, { message: string; expected: Trailer[] }> = {
  "the trailers promptops writes": {
    message: "Why it changed\n\nPrompt-Id: billing/refund\nPrompt-Version: 3\nPrompt-Hash: sha256:ab:cd\n",
    expected: [
      { key: "Prompt-Id", value: "billing/refund" },
      { key: "Prompt-Version", value: "3" },
      { key: "Prompt-Hash", value: "sha256:ab:cd" },
    ],
  },
  "a message that is only trailers has none: the first paragraph is the title": {
    message: "Prompt-Id: billing/refund\nPrompt-Version: 3\n",
    expected: [],
  },
  "prose in the last paragraph is not a trailer block": {
    message: "Title\n\nNote: this looks like one\nbut this line is prose\n",
    expected: [],
  },
  "one git-generated trailer lets a paragraph with 25% trailers count": {
    message: "Title\n\nSigned-off-by: Ada <ada@example.test>\nsome prose\nmore prose\nPrompt-Id: x\n",
    expected: [
      { key: "Signed-off-by", value: "Ada <ada@example.test>" },
      { key: "Prompt-Id", value: "x" },
    ],
  },
  "folded values are unfolded": {
    message: "Title\n\nPrompt-Id: x\nReason: a long\n   reason that\n\tcontinues\n",
    expected: [
      { key: "Prompt-Id", value: "x" },
      { key: "Reason", value: "a long reason that continues" },
    ],
  },
  "trailing blank and comment lines are ignored": {
    message: "Title\n\nPrompt-Id: x\n\n# a comment\n\n",
    expected: [{ key: "Prompt-Id", value: "x" }],
  },
  "a --- divider ends the message": {
    message: "Title\n\nPrompt-Id: x\n---\nPrompt-Id: not this one\n",
    expected: [{ key: "Prompt-Id", value: "x" }],
  },
  "spaces before the colon and none after it": {
    message: "Title\n\nPrompt-Id : x\nPrompt-Version:3\n",
    expected: [
      { key: "Prompt-Id", value: "x" },
      { key: "Prompt-Version", value: "3" },
    ],
  },
  "a key with a space in it is not a trailer": {
    message: "Title\n\nPrompt Id: x\n",
    expected: [],
  },
  "a URL line counts, as it does for git": {
    message: "Title\n\nhttps://example.test/x\nPrompt-Id: x\n",
    expected: [
      { key: "https", value: "//example.test/x" },
      { key: "Prompt-Id", value: "x" },
    ],
  },
  "CRLF line endings": {
    message: "Title\r\n\r\nPrompt-Id: x\r\nPrompt-Version: 2\r\n",
    expected: [
      { key: "Prompt-Id", value: "x" },
      { key: "Prompt-Version", value: "2" },
    ],
  },
  "no final newline": {
    message: "Title\n\nPrompt-Id: x",
    expected: [{ key: "Prompt-Id", value: "x" }],
  },
  "an empty message": { message: "", expected: [] },
  "empty values and unicode": {
    message: "Title\n\nReviewed-by:\nPrompt-Id: café ✓\n",
    expected: [
      { key: "Reviewed-by", value: "" },
      { key: "Prompt-Id", value: "café ✓" },
    ],
  },
  "a comment line inside the trailer block": {
    message: "Title\n\nPrompt-Id: x\n# note\nPrompt-Version: 1\n",
    expected: [
      { key: "Prompt-Id", value: "x" },
      { key: "Prompt-Version", value: "1" },
    ],
  },
};

describe("parseTrailers", () => {
  let repo: TempRepo;
  beforeAll(async () => {
    repo = await makeTempRepo();
  });
  afterAll(async () => {
    await repo.cleanup();
  });

  for (const [name, { message, expected }] of Object.entries(cases)) {
    it(`${name}, as git interpret-trailers sees it`, async () => {
      const gitSays = await repo.gitIn(repo.root, ["interpret-trailers", "--parse"], message);
      const fromGit = gitSays
        .split("\n")
        .filter(Boolean)
        .map((line) => {
          const colon = line.indexOf(":");
          return { key: line.slice(0, colon), value: line.slice(colon + 2) };
        });

      expect(parseTrailers(message)).toEqual(expected);
      expect(fromGit).toEqual(expected);
    });
  }

  it("looks up the last value of a key, ignoring case as git does", () => {
    const trailers = parseTrailers("T\n\nprompt-id: a\nPrompt-Id: b\n");
    expect(trailerValue(trailers, "PROMPT-ID")).toBe("b");
    expect(trailerValue(trailers, "Prompt-Hash")).toBeUndefined();
  });
});
