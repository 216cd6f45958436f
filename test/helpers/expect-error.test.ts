import { describe, expect, it } from "vitest";
import { PromptOpsError } from "../../src/errors.js";
import { expectPromptOpsError, expectPromptOpsRejection } from "./expect-error.js";

/** The helper must fail where a hand-written try/catch would have: it is an assertion too. */
const refused = () => {
  throw new PromptOpsError("bad-flag", "--repeat expects a number", {
    exitCode: 2,
    location: { file: "a.yaml", line: 3, col: 1 },
  });
};

describe("expecting a PromptOpsError", () => {
  it("returns the error when code, exit code, message and location are as stated", async () => {
    const error = expectPromptOpsError(refused, {
      code: "bad-flag",
      exitCode: 2,
      message: "expects a number",
      location: { file: "a.yaml", line: 3 },
    });
    expect(error.hint).toBeUndefined();
    const rejection = await expectPromptOpsRejection(async () => refused(), { message: /^--repeat/ });
    expect(rejection.code).toBe("bad-flag");
  });

  it("fails when nothing is thrown, or the promise resolves", async () => {
    expect(() => expectPromptOpsError(() => 1)).toThrow("nothing was thrown");
    await expect(expectPromptOpsRejection(Promise.resolve(1))).rejects.toThrow("the promise resolved");
    expect(() => expectPromptOpsError(async () => refused())).toThrow("use expectPromptOpsRejection");
  });

  it("fails when a bug is thrown instead of a user error", () => {
    expect(() =>
      expectPromptOpsError(() => {
        throw new TypeError("x is undefined");
      }),
    ).toThrow(/instance of PromptOpsError|toBeInstanceOf/);
  });

  it("fails on a different code, exit code, message or location", () => {
    expect(() => expectPromptOpsError(refused, { code: "bad-shard" })).toThrow();
    expect(() => expectPromptOpsError(refused, { exitCode: 1 })).toThrow();
    expect(() => expectPromptOpsError(refused, { message: "expects a duration" })).toThrow();
    expect(() => expectPromptOpsError(refused, { location: { line: 4 } })).toThrow();
  });
});
