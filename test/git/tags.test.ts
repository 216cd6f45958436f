import { execFile, execFileSync } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createAnnotatedTag,
  deleteTag,
  GitError,
  gitProcessCount,
  listTags,
  pushTags,
  resetGitProcessCount,
} from "../../src/git/index.js";
import { makeTempRepo, type TempRepo } from "../helpers/temp-repo.js";

const execFileAsync = promisify(execFile);
const hasSshKeygen = (() => {
  try {
    execFileSync("ssh-keygen", ["-?"], { stdio: "ignore" });
    return true;
  } catch (error) {
    // ssh-keygen exits non-zero on -?, but it ran.
    return (error as NodeJS.ErrnoException).code !== "ENOENT";
  }
})();

let repo: TempRepo;
let commit: string;
beforeEach(async () => {
  repo = await makeTempRepo();
  await repo.write("prompts/billing/refund.prompt.yaml", "messages: []\n");
  commit = await repo.commit("Add the refund prompt");
});
afterEach(async () => {
  await repo.cleanup();
});

const publishMessage = `Tighten the refund wording

Customers kept asking whether the window is 30 or 60 days.
# not a comment: verbatim keeps this line
  indented line, kept as is

Prompt-Id: billing/refund
Prompt-Version: 3
Prompt-Hash: sha256:9f2c0a
`;

describe("version tags", () => {
  it("round-trips an annotated tag's multi-line message, trailers, tagger and target", async () => {
    await createAnnotatedTag(repo.root, "prompt/billing/refund/v3", commit, publishMessage);

    const [tag, ...others] = await listTags(repo.root, "prompt/");
    expect(others).toEqual([]);
    expect(tag).toMatchObject({
      name: "prompt/billing/refund/v3",
      objectType: "tag",
      annotated: true,
      commit,
      message: publishMessage,
      tagger: { name: "Ada Tester", email: "ada@example.test" },
      trailers: [
        { key: "Prompt-Id", value: "billing/refund" },
        { key: "Prompt-Version", value: "3" },
        { key: "Prompt-Hash", value: "sha256:9f2c0a" },
      ],
    });
    expect(tag?.objectSha).toMatch(/^[0-9a-f]{40}$/);
    expect(tag?.objectSha).not.toBe(commit);
    expect(tag?.tagger?.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  });

  it("reports a lightweight tag as such: no tagger, no message", async () => {
    await repo.git("tag", "prompt/billing/refund/v1");

    expect(await listTags(repo.root, "prompt/")).toEqual([
      {
        name: "prompt/billing/refund/v1",
        objectType: "commit",
        annotated: false,
        objectSha: commit,
        commit,
        tagger: null,
        message: "",
        trailers: [],
      },
    ]);
  });

  it("lists only the tags under the prefix, even a prefix that is not a whole directory", async () => {
    for (const name of ["prompt/a/v1", "prompt-b/v1", "promptly/v1", "other/v1"]) {
      await repo.git("tag", name);
    }
    const names = async (prefix: string) => (await listTags(repo.root, prefix)).map((t) => t.name);

    expect(await names("prompt/")).toEqual(["prompt/a/v1"]);
    expect(await names("prompt-")).toEqual(["prompt-b/v1"]);
    expect(await names("prompt")).toEqual(["prompt-b/v1", "prompt/a/v1", "promptly/v1"]);
    expect(await names("nothing/")).toEqual([]);
  });

  it("lists 200 tags with any text in their messages using exactly one git process", async () => {
    const message = (i: number) =>
      `Release ${i}\n\nTabs\there, "%00" and %(refname) as text, é ✓, a \u0001 control char\n` +
      `refs/tags/not-a-record\n\nPrompt-Id: p${i}\nPrompt-Version: 1\n`;
    const stream: string[] = [];
    for (let i = 0; i < 150; i++) {
      const data = message(i);
      stream.push(
        `tag prompt/p${i}/v1\nfrom ${commit}\ntagger Ada Tester <ada@example.test> ${1_700_000_000 + i} +0100\n` +
          `data ${Buffer.byteLength(data)}\n${data}\n`,
      );
    }
    await repo.fastImport(stream.join(""));
    const lightweight = Array.from(
      { length: 50 },
      (_, i) => `create refs/tags/prompt/light${i}/v1 ${commit}\n`,
    );
    await repo.gitIn(repo.root, ["update-ref", "--stdin"], lightweight.join(""));

    resetGitProcessCount();
    const tags = await listTags(repo.root, "prompt/");

    expect(gitProcessCount()).toBe(1);
    expect(tags).toHaveLength(200);
    const annotated = tags.filter((t) => t.annotated);
    expect(annotated).toHaveLength(150);
    expect(tags.filter((t) => !t.annotated && t.commit === commit)).toHaveLength(50);
    const p42 = tags.find((t) => t.name === "prompt/p42/v1");
    expect(p42?.message).toBe(message(42));
    expect(p42?.commit).toBe(commit);
    expect(p42?.tagger).toEqual({
      name: "Ada Tester",
      email: "ada@example.test",
      date: "2023-11-14T23:14:02+01:00",
    });
    expect(p42?.trailers).toEqual([
      { key: "Prompt-Id", value: "p42" },
      { key: "Prompt-Version", value: "1" },
    ]);
  });

  it("refuses to create a tag that already exists, leaving it where it was", async () => {
    await createAnnotatedTag(repo.root, "prompt/billing/refund/v1", commit, publishMessage);
    const later = await repo.commit("later");

    const error = await createAnnotatedTag(repo.root, "prompt/billing/refund/v1", later, "moved\n").catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).stderr).toContain("already exists");
    const [tag] = await listTags(repo.root, "prompt/");
    expect(tag?.commit).toBe(commit);
    expect(tag?.message).toBe(publishMessage);
  });

  it("tags the commit, not the tree, and adds the final newline git expects", async () => {
    await createAnnotatedTag(repo.root, "prompt/x/v1", "HEAD", "no newline");
    const [tag] = await listTags(repo.root, "prompt/x/");
    expect(tag?.commit).toBe(commit);
    expect(tag?.message).toBe("no newline\n");
  });

  it.skipIf(!hasSshKeygen)(
    "honours the user's tag signing and reads the message without the signature",
    async () => {
      const key = join(repo.dir, "signing-key");
      await execFileAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", key]);
      await repo.git("config", "gpg.format", "ssh");
      await repo.git("config", "user.signingKey", `${key}.pub`);
      await repo.git("config", "tag.gpgSign", "true");

      await createAnnotatedTag(repo.root, "prompt/billing/refund/v3", commit, publishMessage);

      const raw = await repo.git("cat-file", "tag", "prompt/billing/refund/v3");
      expect(raw).toContain("-----BEGIN SSH SIGNATURE-----");
      const [tag] = await listTags(repo.root, "prompt/");
      expect(tag?.message).toBe(publishMessage);
      expect(tag?.trailers).toHaveLength(3);
    },
  );

  it("deletes a tag", async () => {
    await createAnnotatedTag(repo.root, "prompt/x/v1", commit, "x\n");
    await deleteTag(repo.root, "prompt/x/v1");
    expect(await listTags(repo.root, "prompt/")).toEqual([]);
  });
});

describe("pushing tags", () => {
  it("pushes new tags to a file:// remote and reports each one", async () => {
    const remote = await repo.makeBareRemote();
    await createAnnotatedTag(repo.root, "prompt/a/v1", commit, "a\n");
    await createAnnotatedTag(repo.root, "prompt/b/v1", commit, "b\n");

    expect(await pushTags(repo.root, "origin", ["prompt/a/v1", "prompt/b/v1"])).toEqual([
      { tag: "prompt/a/v1", status: "created", ok: true, summary: "[new tag]" },
      { tag: "prompt/b/v1", status: "created", ok: true, summary: "[new tag]" },
    ]);
    const remoteTags = await repo.gitIn(remote.path, ["for-each-ref", "--format=%(refname)", "refs/tags"]);
    expect(remoteTags).toBe("refs/tags/prompt/a/v1\nrefs/tags/prompt/b/v1\n");

    expect(await pushTags(repo.root, "origin", ["prompt/a/v1"])).toEqual([
      { tag: "prompt/a/v1", status: "up-to-date", ok: true, summary: "[up to date]" },
    ]);
  });

  it("reports a tag the remote already has with other content as rejected, and still pushes the rest", async () => {
    await repo.makeBareRemote();
    await createAnnotatedTag(repo.root, "prompt/a/v1", commit, "first\n");
    await pushTags(repo.root, "origin", ["prompt/a/v1"]);
    // Someone else published v1 first; ours differs.
    await deleteTag(repo.root, "prompt/a/v1");
    await createAnnotatedTag(repo.root, "prompt/a/v1", commit, "second\n");
    await createAnnotatedTag(repo.root, "prompt/b/v1", commit, "b\n");

    expect(await pushTags(repo.root, "origin", ["prompt/a/v1", "prompt/b/v1"])).toEqual([
      { tag: "prompt/a/v1", status: "rejected", ok: false, summary: "[rejected]", reason: "already exists" },
      { tag: "prompt/b/v1", status: "created", ok: true, summary: "[new tag]" },
    ]);
  });

  it("fails as a whole, with GitError, when the remote does not exist", async () => {
    await createAnnotatedTag(repo.root, "prompt/a/v1", commit, "a\n");
    const error = await pushTags(repo.root, "origin", ["prompt/a/v1"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).args).toContain("refs/tags/prompt/a/v1:refs/tags/prompt/a/v1");
  });

  it("starts no process when there is nothing to push", async () => {
    resetGitProcessCount();
    expect(await pushTags(repo.root, "origin", [])).toEqual([]);
    expect(gitProcessCount()).toBe(0);
  });
});
