import type { LockfileEntry } from "../lockfile/lockfile.js";
import { commonPrefix, renderMembers } from "./lockfile-bytes.js";

/** What `environments` holds in a committed lockfile (untrusted: any JSON may be there). */
export type Environments = Record<string, Record<string, LockfileEntry>>;

/** How one version of the lockfile differs from the last one read. */
export type LockfileStep =
  /** The same environments (the bytes may differ elsewhere, e.g. in `prompts`). */
  | { kind: "same" }
  /** Entries of one environment replaced: `before` holds the ones taken out, `after` those put in. */
  | {
      kind: "entries";
      env: string;
      before: Record<string, LockfileEntry>;
      after: Record<string, LockfileEntry>;
    }
  /** Read whole: `previous` is the environments before it, never changed again by the tracker. */
  | { kind: "whole"; previous: Environments };

/** Where things are in the last version read, when that version is in the canonical layout. */
interface Layout {
  content: Buffer;
  /** Offset of the "\n  }" that closes `environments`. */
  sectionEnd: number;
  /** Each environment's key line (the offset of its "\n    \""), in file order. */
  envs: Array<{ name: string; at: number }>;
}

const HEAD = Buffer.from('{\n  "environments": {\n');
const SECTION_CLOSE = Buffer.from("\n  }");
const ENV_START = Buffer.from('\n    "');
const ENTRY_START = Buffer.from('\n      "');
const ENTRY_END = Buffer.from("\n      }");
const MEMBER_START = ENV_START;
const MEMBER_END = Buffer.from("\n    }");
// How many entry ends either side are tried to line up the two versions: enough for an entry
// added or removed next to a changed one; any other change is read whole.
const CANDIDATES = 4;
// Runs of changed members outside `environments` before the version is read whole instead.
const MAX_RUNS = 16;

/**
 * The `environments` of each version of promptops.lock, in history order, from the version read
 * before it. Parsing 2,000 versions of a 1 MB lockfile whole is gigabytes of JSON; consecutive
 * versions differ in a few entries, so when the last version read is in the canonical layout (the
 * bytes JSON.stringify(parsed, null, 2) gives, which is what promptops writes) only the members
 * around the changed bytes are parsed: a run of whole entries of one environment, and a run of
 * whole members elsewhere (in `prompts`), each checked to parse and to be laid out canonically.
 * Replacing a run of whole members of a valid document by another run of whole members gives a
 * valid document again, so the result is always what parsing the whole file gives, including
 * skipping a version that is not JSON; anything else is parsed whole.
 *
 * `environments` is changed in place between versions (copied first when it came from a parse),
 * so a caller that keeps a version's environments must copy what a step changed.
 */
export class LockfileTracker {
  environments: Environments = {};
  #layout: Layout | null = null;
  /** Whether `environments` itself, and which of its environments, were made here (not parsed). */
  #ownsTop = false;
  #owned = new Set<string>();

  /** The content the tracker still refers to (the last version in the canonical layout), if any. */
  get retained(): Buffer | null {
    return this.#layout?.content ?? null;
  }

  /** The next version (null: the file is absent there); undefined when it is not JSON: skipped. */
  next(content: Buffer | null): LockfileStep | undefined {
    if (content === null) {
      this.#layout = null;
      return this.#replace({});
    }
    const layout = this.#layout;
    const step = layout ? this.#fromPrevious(layout, content) : undefined;
    return step ?? this.#whole(content);
  }

  #whole(content: Buffer): LockfileStep | undefined {
    let parsed: unknown;
    let environments: Environments;
    try {
      parsed = JSON.parse(content.toString("utf8"));
      environments = (parsed as { environments?: Environments }).environments ?? {};
    } catch {
      return undefined;
    }
    this.#layout = canonicalLayout(content, parsed, environments);
    return this.#replace(environments);
  }

  #replace(environments: Environments): LockfileStep {
    const previous = this.environments;
    this.environments = environments;
    this.#ownsTop = false;
    this.#owned.clear();
    return { kind: "whole", previous };
  }

  #fromPrevious(layout: Layout, content: Buffer): LockfileStep | undefined {
    const before = layout.content;
    const first = commonPrefix(before, 0, content, 0);
    if (first === before.length && first === content.length) return { kind: "same" };
    let span: EntrySpan | undefined;
    if (first < layout.sectionEnd) {
      span = this.#entrySpan(layout, content, first);
      if (!span) return undefined;
    }
    const shift = span ? span.endAfter - span.endBefore : 0;
    if (!restIntact(before, layout.sectionEnd, content, layout.sectionEnd + shift)) return undefined;
    layout.content = content;
    if (!span) return { kind: "same" };
    layout.sectionEnd += shift;
    for (const env of layout.envs) if (env.at > span.start) env.at += shift;
    const entries = this.#own(span.env);
    for (const id of Object.keys(span.removed)) if (!Object.hasOwn(span.added, id)) delete entries[id];
    Object.assign(entries, span.added);
    return { kind: "entries", env: span.env, before: span.removed, after: span.added };
  }

  /**
   * The run of whole entries of one environment that holds the first changed byte, in both
   * versions, lined up so that everything after it up to the end of `environments` is the same.
   */
  #entrySpan(layout: Layout, content: Buffer, first: number): EntrySpan | undefined {
    const before = layout.content;
    let k = layout.envs.length - 1;
    while (k >= 0 && layout.envs[k]!.at > first) k--;
    if (k < 0) return undefined;
    const env = layout.envs[k]!;
    const envEnd = k + 1 < layout.envs.length ? layout.envs[k + 1]!.at : layout.sectionEnd;
    const start = before.lastIndexOf(ENTRY_START, first);
    if (start <= env.at) return undefined;
    const endsBefore = entryEnds(before, Math.max(first, start + 1), envEnd);
    const endsAfter = entryEnds(content, Math.max(first, start + 1), content.length);
    for (const [endBefore, endAfter] of candidatePairs(endsBefore, endsAfter)) {
      const tail = layout.sectionEnd - endBefore;
      if (endAfter + tail > content.length) continue;
      if (before.compare(content, endAfter, endAfter + tail, endBefore, layout.sectionEnd) !== 0) continue;
      return this.#checkEntries(env.name, before, content, start, endBefore, endAfter);
    }
    return undefined;
  }

  #checkEntries(
    env: string,
    before: Buffer,
    content: Buffer,
    start: number,
    endBefore: number,
    endAfter: number,
  ): EntrySpan | undefined {
    const current = this.environments[env];
    if (!isRecord(current)) return undefined;
    const old = parseMembers(before, start, endBefore);
    const added = parseMembers(content, start, endAfter, ENTRY_START.length - 2);
    if (!old || !added) return undefined;
    const removed: Record<string, LockfileEntry> = {};
    for (const id of Object.keys(old)) {
      if (!Object.hasOwn(current, id)) return undefined;
      removed[id] = current[id]!;
    }
    for (const [id, entry] of Object.entries(added)) {
      if (!isRecord(entry)) return undefined;
      // A second entry of the same id elsewhere: only a whole parse says which one wins.
      if (!Object.hasOwn(removed, id) && Object.hasOwn(current, id)) return undefined;
    }
    return { env, start, endBefore, endAfter, removed, added: added as Record<string, LockfileEntry> };
  }

  /** The environment's entries, copied first unless this tracker made them. */
  #own(env: string): Record<string, LockfileEntry> {
    if (!this.#ownsTop) {
      this.environments = { ...this.environments };
      this.#ownsTop = true;
    }
    if (!this.#owned.has(env)) {
      this.environments[env] = { ...this.environments[env] };
      this.#owned.add(env);
    }
    return this.environments[env]!;
  }
}

interface EntrySpan {
  env: string;
  /** Offset of the "\n" before the span's first key, the same in both versions. */
  start: number;
  /** Offsets just after the span's last closing brace, before and after. */
  endBefore: number;
  endAfter: number;
  removed: Record<string, LockfileEntry>;
  added: Record<string, LockfileEntry>;
}

/**
 * The layout of a version that was parsed whole, when its bytes are exactly what
 * JSON.stringify(parsed, null, 2) gives: then every "\n" + 2k spaces + '"' starts a key (or a
 * string in an array) at depth k+1, which is what the next version's comparison relies on.
 */
function canonicalLayout(content: Buffer, parsed: unknown, environments: Environments): Layout | null {
  if (content.compare(HEAD, 0, HEAD.length, 0, HEAD.length) !== 0) return null;
  if (!isRecord(environments)) return null;
  const text = `${JSON.stringify(parsed, null, 2)}\n`;
  if (text.length > content.length || !content.equals(Buffer.from(text))) return null;
  const sectionEnd = content.indexOf(SECTION_CLOSE, HEAD.length - 1);
  const names = Object.keys(environments);
  const envs: Layout["envs"] = [];
  let at = HEAD.length - 1;
  for (const name of names) {
    at = content.indexOf(ENV_START, at);
    if (at < 0 || at > sectionEnd) return null;
    envs.push({ name, at });
    at += 1;
  }
  return { content, sectionEnd, envs };
}

/** Offsets just after each of the next few "\n      }" from `from`, up to `limit`. */
function entryEnds(content: Buffer, from: number, limit: number): number[] {
  return patternEnds(content, ENTRY_END, from, limit);
}

function patternEnds(content: Buffer, pattern: Buffer, from: number, limit: number): number[] {
  const ends: number[] = [];
  let at = from;
  while (ends.length < CANDIDATES) {
    const found = content.indexOf(pattern, at);
    if (found < 0 || found + pattern.length > limit) break;
    ends.push(found + pattern.length);
    at = found + 1;
  }
  return ends;
}

/**
 * Whether what follows `environments` in `content` (from `restAfter`) is still valid JSON in the
 * canonical layout, given that it is in `before` (from `restBefore`): the same bytes but for a few
 * runs of whole members of top-level objects (an activation adds a version to `prompts` at one
 * place and prunes another elsewhere). Each run is found from the first differing byte, then the
 * two versions are lined up again at a member end that both continue from alike.
 */
function restIntact(before: Buffer, restBefore: number, content: Buffer, restAfter: number): boolean {
  let at = restBefore;
  let atAfter = restAfter;
  for (let run = 0; run < MAX_RUNS; run++) {
    const same = commonPrefix(before, at, content, atAfter);
    if (at + same === before.length && atAfter + same === content.length) return true;
    const first = at + same;
    const start = before.lastIndexOf(MEMBER_START, first);
    if (start < at) return false;
    const startAfter = start - at + atAfter;
    const from = Math.max(start + 1, first - MEMBER_END.length);
    const aligned = lineUp(
      before,
      memberEnds(before, from, before.length),
      content,
      memberEnds(content, from - at + atAfter, content.length),
      (end, endAfter) =>
        parseMembers(before, start, end) !== undefined &&
        parseMembers(content, startAfter, endAfter, MEMBER_START.length - 2) !== undefined,
    );
    if (!aligned) return false;
    [at, atAfter] = aligned;
  }
  return false;
}

/**
 * The first pair of candidate ends (fewest members first) after which both versions continue with
 * the same next member (or the same last bytes), and whose runs `accept`s.
 */
function lineUp(
  before: Buffer,
  endsBefore: number[],
  content: Buffer,
  endsAfter: number[],
  accept: (end: number, endAfter: number) => boolean,
): [number, number] | undefined {
  for (const [end, endAfter] of candidatePairs(endsBefore, endsAfter)) {
    const next = before.indexOf(MEMBER_END, end + 1);
    const length = next < 0 ? before.length - end : next + MEMBER_END.length - end;
    if (next < 0 && content.length - endAfter !== length) continue;
    if (endAfter + length > content.length) continue;
    if (before.compare(content, endAfter, endAfter + length, end, end + length) !== 0) continue;
    if (accept(end, endAfter)) return [end, endAfter];
  }
  return undefined;
}

/** Each pair of a candidate end before and one after, fewest members in the two runs together first. */
function* candidatePairs(endsBefore: number[], endsAfter: number[]): Generator<[number, number]> {
  for (let sum = 0; sum <= 2 * (CANDIDATES - 1); sum++) {
    for (let i = 0; i <= sum; i++) {
      const end = endsBefore[i];
      const endAfter = endsAfter[sum - i];
      if (end !== undefined && endAfter !== undefined) yield [end, endAfter];
    }
  }
}

/** Offsets just after each of the next few "\n    }" from `from`, up to `limit`. */
function memberEnds(content: Buffer, from: number, limit: number): number[] {
  return patternEnds(content, MEMBER_END, from, limit);
}

/**
 * The members in `content` from `start` (a "\n" before a key) to `end` (after a value), as an
 * object; undefined unless they parse, are at least one, hold no "__proto__" key, and (when
 * `indent` is given) are laid out canonically at that indent.
 */
function parseMembers(
  content: Buffer,
  start: number,
  end: number,
  indent?: number,
): Record<string, unknown> | undefined {
  const text = content.toString("utf8", start, end);
  let members: Record<string, unknown>;
  try {
    members = JSON.parse(`{${text}}`) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const keys = Object.keys(members);
  if (keys.length === 0 || Object.hasOwn(members, "__proto__")) return undefined;
  if (indent !== undefined && renderMembers(members, indent) !== text) return undefined;
  return members;
}

function isRecord(value: unknown): value is Record<string, never> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
