import { GitError } from "./git-error.js";
import { runGit } from "./run-git.js";
import { parseTrailers, type Trailer } from "./trailers.js";

export interface TagInfo {
  /** Without "refs/tags/", e.g. "prompt/billing/refund/v3". */
  name: string;
  /** "tag" for an annotated tag, "commit" for a lightweight one (anything else is unusual). */
  objectType: string;
  annotated: boolean;
  /** The tag object for an annotated tag; the tagged object itself for a lightweight one. */
  objectSha: string;
  /** The commit the tag finally points at, or null if that is not a commit. */
  commit: string | null;
  /** Null for lightweight tags, which record no tagger. */
  tagger: { name: string; email: string; date: string } | null;
  /** The full tag message (subject and body, without any signature); "" when lightweight. */
  message: string;
  trailers: Trailer[];
}

const FIELDS = {
  refname: "%(refname)",
  objectType: "%(objecttype)",
  objectSha: "%(objectname)",
  // "*" peels an annotated tag to what it tags.
  peeledType: "%(*objecttype)",
  peeledSha: "%(*objectname)",
  taggerName: "%(taggername)",
  taggerEmail: "%(taggeremail)",
  taggerDate: "%(taggerdate:iso-strict)",
  // %(contents) ends with the signature of a signed tag; we cut it off.
  contents: "%(contents)",
  signature: "%(contents:signature)",
};
type TagRecord = Record<keyof typeof FIELDS, string>;
const KEYS = Object.keys(FIELDS) as Array<keyof typeof FIELDS>;
// Every field ends in NUL, which git cannot put inside a ref name or a message (it stores
// them as C strings), so any text at all in a message parses unambiguously.
const FORMAT = Object.values(FIELDS)
  .map((field) => `${field}%00`)
  .join("");

/**
 * Every tag whose name starts with `prefix`, with everything promptops needs about it,
 * from one `git for-each-ref` however many tags there are. Sorted by name.
 */
export async function listTags(root: string, prefix: string): Promise<TagInfo[]> {
  const fullPrefix = `refs/tags/${prefix}`;
  // for-each-ref matches a pattern as a glob or up to a "/", so pass the prefix's
  // directory and filter the rest here: "prompt-" would otherwise match nothing.
  const pattern = fullPrefix.slice(0, fullPrefix.lastIndexOf("/") + 1);
  const args = ["for-each-ref", `--format=${FORMAT}`, "--sort=refname", pattern];
  const stdout = await runGit(root, args);
  return parseRecords(stdout, args, root)
    .filter((record) => record.refname.startsWith(fullPrefix))
    .map(toTagInfo);
}

function parseRecords(stdout: string, args: string[], cwd: string): TagRecord[] {
  if (stdout === "") return [];
  // for-each-ref ends each record with "\n" after our last NUL: that "\n" is the last
  // token, and begins the first field of every record after the first.
  const tokens = stdout.split("\0");
  if (tokens.length % KEYS.length !== 1 || tokens.at(-1) !== "\n") {
    throw new GitError({ args, cwd, stdout, exitCode: 0, message: "git for-each-ref: unexpected output" });
  }
  const records: TagRecord[] = [];
  for (let i = 0; i + KEYS.length < tokens.length; i += KEYS.length) {
    const record = Object.fromEntries(KEYS.map((key, k) => [key, tokens[i + k] ?? ""])) as TagRecord;
    record.refname = record.refname.replace(/^\n/, "");
    records.push(record);
  }
  return records;
}

function toTagInfo(record: TagRecord): TagInfo {
  const annotated = record.objectType === "tag";
  const message = annotated ? stripSuffix(record.contents, record.signature) : "";
  let commit: string | null = null;
  if (annotated && record.peeledType === "commit") commit = record.peeledSha;
  if (!annotated && record.objectType === "commit") commit = record.objectSha;
  return {
    name: record.refname.replace(/^refs\/tags\//, ""),
    objectType: record.objectType,
    annotated,
    objectSha: record.objectSha,
    commit,
    tagger: annotated
      ? {
          name: record.taggerName,
          email: record.taggerEmail.replace(/^<(.*)>$/, "$1"),
          date: record.taggerDate,
        }
      : null,
    message,
    trailers: parseTrailers(message),
  };
}

function stripSuffix(text: string, suffix: string): string {
  return suffix && text.endsWith(suffix) ? text.slice(0, -suffix.length) : text;
}

/**
 * Create the annotated tag `name` on `commit`, with `message` stored exactly as given
 * (a final newline is added if missing, as git would). Rejects with GitError if the tag
 * exists: a published version is never moved. The tagger is the repository's committer
 * identity; a user's tag.gpgSign setting is honoured, so tags are signed if they ask.
 */
export async function createAnnotatedTag(
  root: string,
  name: string,
  commit: string,
  message: string,
): Promise<void> {
  await runGit(
    root,
    [
      "tag",
      "--annotate",
      // verbatim: the default cleanup would strip "#" lines and reflow blank lines, and
      // the message (trailers included) must read back byte for byte.
      "--cleanup=verbatim",
      "--file=-",
      "--",
      name,
      // Tag the commit even when handed a tag or a branch name, never a tree or a blob.
      `${commit}^{commit}`,
    ],
    { input: message.endsWith("\n") ? message : `${message}\n` },
  );
}

export async function deleteTag(root: string, name: string): Promise<void> {
  await runGit(root, ["tag", "--delete", "--", name]);
}

export type TagPushStatus =
  | "created"
  | "up-to-date"
  | "updated"
  | "forced"
  | "deleted"
  | "rejected"
  | "unknown";

export interface TagPushOutcome {
  tag: string;
  status: TagPushStatus;
  ok: boolean;
  /** git's summary, e.g. "[new tag]", "[rejected]", "[remote rejected]". */
  summary: string;
  /** Why, when git says: "already exists", "hook declined", ... */
  reason?: string;
}

const STATUS_BY_FLAG: Record<string, TagPushStatus> = {
  "*": "created",
  "=": "up-to-date",
  " ": "updated",
  "+": "forced",
  "-": "deleted",
  "!": "rejected",
};

/**
 * Push the named tags to `remote` in one `git push`, each as an explicit
 * refs/tags/x:refs/tags/x refspec, and report what happened to each. A rejected tag is an
 * outcome, not an exception; a push that fails as a whole (no such remote, no network)
 * rejects with GitError. With `atomic`, the remote takes all tags or none.
 */
export async function pushTags(
  root: string,
  remote: string,
  tagNames: string[],
  opts: { atomic?: boolean } = {},
): Promise<TagPushOutcome[]> {
  if (tagNames.length === 0) return [];
  const refspecs = tagNames.map((tag) => `refs/tags/${tag}:refs/tags/${tag}`);
  // --porcelain: a stable, tab-separated line per ref on stdout, even when git fails.
  const args = ["push", "--porcelain", ...(opts.atomic ? ["--atomic"] : []), "--", remote, ...refspecs];
  let stdout: string;
  let failure: GitError | undefined;
  try {
    stdout = await runGit(root, args);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    stdout = error.stdout;
    failure = error;
  }
  const reported = parsePushPorcelain(stdout);
  if (failure && reported.size === 0) throw failure;
  return tagNames.map(
    (tag) =>
      reported.get(`refs/tags/${tag}`) ?? {
        tag,
        status: "unknown",
        ok: false,
        summary: "",
        reason: failure ? failure.message : "not reported by git push",
      },
  );
}

function parsePushPorcelain(stdout: string): Map<string, TagPushOutcome> {
  const outcomes = new Map<string, TagPushOutcome>();
  for (const line of stdout.split("\n")) {
    // <flag> TAB <from>:<to> TAB <summary> [(<reason>)]
    const match = /^(.)\t[^\t]*:([^\t]+)\t(.*)$/.exec(line);
    if (!match) continue;
    const [, flag = "", ref = "", rest = ""] = match;
    const status = STATUS_BY_FLAG[flag] ?? "unknown";
    const detail = /^(.*?)(?: \((.*)\))?$/.exec(rest);
    outcomes.set(ref, {
      tag: ref.replace(/^refs\/tags\//, ""),
      status,
      ok: status !== "rejected" && status !== "unknown",
      summary: detail?.[1] ?? rest,
      ...(detail?.[2] ? { reason: detail[2] } : {}),
    });
  }
  return outcomes;
}
