import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRefFormat, isValidTagName } from "../../src/git/index.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

const names = [
  "refs/tags/prompt/billing/refund/v1",
  "refs/tags/prompt/a.b_c-d/v10",
  "refs/tags/prompt/ünïcode/v1",
  "refs/tags/with space",
  "refs/tags/tab\there",
  "refs/tags/ctrl\u0001",
  "refs/tags/del\u007f",
  "refs/tags/a..b",
  "refs/tags/a.lock",
  "refs/tags/a.lock/b",
  "refs/tags/.hidden",
  "refs/tags/a/.hidden",
  "refs/tags/ends-with-dot.",
  "refs/tags/ends/",
  "refs/tags//double",
  "/refs/tags/leading",
  "refs/tags/a@{b",
  "refs/tags/a@b",
  "refs/tags/@",
  "@",
  "refs/tags/a:b",
  "refs/tags/a?b",
  "refs/tags/a*b",
  "refs/tags/a[b",
  "refs/tags/a\\b",
  "refs/tags/a^b",
  "refs/tags/a~b",
  "onelevel",
  "refs/tags/-leading-dash",
  "refs/tags/x.lockx",
  "refs/tags/a.",
];

describe("checkRefFormat", () => {
  let repo: TempRepo;
  beforeAll(async () => {
    repo = await makeTempRepo();
  });
  afterAll(async () => {
    await repo.cleanup();
  });

  it("agrees with git check-ref-format on valid and invalid names", async () => {
    const gitSays = await Promise.all(
      names.map((name) =>
        repo.gitIn(repo.root, ["check-ref-format", name]).then(
          () => true,
          () => false,
        ),
      ),
    );
    expect(names.map((name) => checkRefFormat(name))).toEqual(gitSays);
    // A sanity check that the list exercises both answers.
    expect(gitSays.filter(Boolean).length).toBeGreaterThan(4);
    expect(gitSays.filter((ok) => !ok).length).toBeGreaterThan(20);
  });

  it("accepts one-level names only when asked to", () => {
    expect(checkRefFormat("main")).toBe(false);
    expect(checkRefFormat("main", { allowOnelevel: true })).toBe(true);
  });

  it("validates tag names as git tag does, which also refuses a leading dash", () => {
    expect(isValidTagName("prompt/billing/refund/v3")).toBe(true);
    expect(isValidTagName("-f")).toBe(false);
    expect(isValidTagName("prompt/bad name/v1")).toBe(false);
  });
});
