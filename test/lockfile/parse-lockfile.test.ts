import { describe, expect, it } from "vitest";
import { emptyLockfile, parseLockfile, readLockfile } from "../../src/lockfile/lockfile.js";
import { serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { expectPromptOpsError } from "../helpers/expect-error.js";
import { buildLockfile, makeTempDir } from "./lockfile-fixtures.js";

const FILE = "promptops.lock";
const good = serializeLockfile(
  buildLockfile({ production: { "support-agent": 3 }, staging: { "support-agent": 4 } }),
);

const parseError = (text: string) => expectPromptOpsError(() => parseLockfile(text, FILE));

/** The 1-based line and column of the first occurrence of `needle` (plus `shift` characters). */
function positionOf(text: string, needle: string, shift = 0): { line: number; col: number } {
  const offset = text.indexOf(needle) + shift;
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, col: before.at(-1)!.length + 1 };
}

describe("parseLockfile accepts what promptops writes", () => {
  it("a lockfile with environments and stored prompts", () => {
    expect(parseLockfile(good, FILE)).toEqual(JSON.parse(good));
  });
  it("the empty lockfile, and a byte-order mark some editors add", () => {
    expect(parseLockfile(serializeLockfile(emptyLockfile()), FILE)).toEqual(emptyLockfile());
    expect(parseLockfile(`\ufeff${good}`, FILE)).toEqual(JSON.parse(good));
  });
});

describe("a hand-corrupted lockfile is refused with where and why (exit 1, lockfile-invalid)", () => {
  it("bad JSON points at the line and column V8 reports", () => {
    const text = good.replace('"version": 3\n', '"version": 3,\n');
    const error = parseError(text);
    expect(error).toMatchObject({ code: "lockfile-invalid", exitCode: 1 });
    expect(error.message).toMatch(/^lockfile is not valid JSON: Expected double-quoted property name/);
    // The error is at the "}" after the trailing comma.
    expect(error.location).toEqual({ file: FILE, ...positionOf(text, '"version": 3,\n', 20) });
  });

  it("bad JSON without a position from V8 (an unexpected token) still gets line:col", () => {
    const text = good.replace('"gpt-4o-mini"', "gpt-4o-mini");
    const error = parseError(text);
    expect(error.message).toBe("lockfile is not valid JSON: Unexpected token 'g'");
    expect(error.location).toEqual({ file: FILE, ...positionOf(text, "gpt-4o-mini") });
  });

  it("JSON nested past 128 levels is refused before it is parsed, at the bracket that goes too deep", () => {
    // Brackets inside strings do not count: a prompt may well say "[[[".
    const inString = good.replace('"gpt-4o-mini"', `"${"[".repeat(500)}"`);
    expect(parseError(inString).message).not.toContain("nests deeper");
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const error = parseError(deep);
    expect(error).toMatchObject({ code: "lockfile-invalid", exitCode: 1 });
    expect(error.message).toBe("lockfile nests deeper than 128 levels");
    expect(error.location).toEqual({ file: FILE, line: 1, col: 129 });
  });

  it("a truncated file points at its end", () => {
    const text = good.slice(0, 120);
    expect(parseError(text).location).toEqual({ file: FILE, ...positionOf(`${text}$`, "$") });
  });

  it("merge-conflict markers get a hint on resolving the conflict", () => {
    const text = good.replace('      "support-agent": {', '<<<<<<< HEAD\n      "support-agent": {');
    const error = parseError(text);
    expect(error.location).toMatchObject({ line: positionOf(text, "<<<<<<<").line, col: 1 });
    expect(error.hint).toMatch(/merge conflict/);
  });

  it("a schema violation names the entry and points at the value", () => {
    const text = good.replace('"version": 3', '"version": 0');
    const error = parseError(text);
    expect(error.message).toBe(
      'entry "support-agent" of environment "production": version must be >= 1 (found 0)',
    );
    expect(error.location).toEqual({ file: FILE, ...positionOf(text, '"version": 0', 11) });
  });

  it("an unknown key is named, with the key it was probably meant to be", () => {
    const text = good.replace('"commit"', '"comit"');
    const error = parseError(text);
    expect(error.message).toBe(
      'entry "support-agent" of environment "production": unknown key "comit" (did you mean "commit"?)',
    );
    expect(error.location).toEqual({ file: FILE, ...positionOf(text, '"comit"') });
  });

  it("a malformed commit, hash or date says what is expected", () => {
    expect(parseError(good.replace(/"commit": "0123/, '"commit": "XYZ0')).message).toMatch(
      /production": commit must be a full lowercase hex commit id \(40 characters, or 64 in a SHA-256 repository\) \(found "XYZ0/,
    );
    // A SHA-256 repository's 64 digits are a commit id too; 41 digits are neither.
    const withCommit = (digits: number) =>
      good.replace(/"commit": "[0-9a-f]{40}"/, `"commit": "${"a".repeat(digits)}"`);
    expect(() => parseLockfile(withCommit(64), FILE)).not.toThrow();
    expect(parseError(withCommit(41)).message).toMatch(/commit must be a full lowercase hex commit id/);
    expect(parseError(good.replace("2026-11-20T09:12:00Z", "20 Nov 2026")).message).toMatch(
      /activatedAt must be an RFC 3339 date-time such as 2026-11-20T09:12:00Z \(found "20 Nov 2026"\)/,
    );
    expect(parseError(good.replace("2026-11-20T09:12:00Z", "2026-13-20T09:12:00Z")).message).toMatch(
      /activatedAt "2026-13-20T09:12:00Z" is not a real date/,
    );
    expect(
      parseError(good.replace('"previous": ', "x").replace('"version": 3', '"previous": "3", "version": 3'))
        .message,
    ).toMatch(/previous must be a version number \(an integer >= 1\) or null \(found "3"\)/);
  });

  it("a violation inside stored content names the stored prompt", () => {
    const text = good.replace('"role": "user"', '"role": "usr"');
    const error = parseError(text);
    expect(error.message).toMatch(
      /^stored prompt sha256:[0-9a-f]{12}… \("support-agent" v\d\): messages\.2\.role must be equal to one of the allowed values \(found "usr"\)$/,
    );
    expect(error.location).toEqual({ file: FILE, ...positionOf(text, '"usr"') });
  });

  it("an invalid environment name or prompt id is named", () => {
    expect(parseError(good.replace('"production"', '"Prod"')).message).toMatch(
      /^environment name "Prod" is not valid/,
    );
    expect(
      parseError(good.replace(/"support-agent": \{\n {8}"activatedAt"/, '"agent/v2": {\n"activatedAt"'))
        .message,
    ).toMatch(/^environment "production": prompt id "agent\/v2" is not valid/);
  });

  it("a lockfile from a newer promptops asks for an upgrade", () => {
    const error = parseError(good.replace('"lockfileVersion": 1', '"lockfileVersion": 2'));
    expect(error.message).toBe("lockfileVersion 2 is newer than this promptops understands (1)");
    expect(error.hint).toMatch(/upgrade promptops/);
  });
});

describe("parseLockfile checks what the schema cannot", () => {
  it("content whose hash does not match its key is tampering", () => {
    const text = good.replace('"temperature": 0.2', '"temperature": 0.9');
    const error = parseError(text);
    expect(error.code).toBe("lockfile-invalid");
    expect(error.message).toMatch(
      /^stored prompt "support-agent" v\d was tampered with or edited by hand: it is stored under sha256:[0-9a-f]{12}… but its content hashes to sha256:[0-9a-f]{12}…$/,
    );
    expect(error.location?.line).toBeGreaterThan(positionOf(text, '"prompts"').line);
    expect(error.hint).toMatch(/promptops lock/);
  });

  it("an entry must point at stored content", () => {
    const lockfile = buildLockfile({ production: { "support-agent": 3 } });
    lockfile.prompts = {};
    expect(parseError(serializeLockfile(lockfile)).message).toMatch(
      /^entry "support-agent" of environment "production" points at sha256:[0-9a-f]{12}…, which is not stored under "prompts"$/,
    );
  });

  it("identical content serves several entries: a revert to an earlier version's text is valid", () => {
    const lockfile = buildLockfile({ production: { "support-agent": 3 } });
    const entry = lockfile.environments.production!["support-agent"]!;
    lockfile.environments.staging = {
      "support-agent": { ...entry, version: 5 },
      "support-copy": { ...entry },
    };
    expect(parseLockfile(serializeLockfile(lockfile), "promptops.lock").environments.staging).toEqual(
      lockfile.environments.staging,
    );
  });
});

describe("readLockfile", () => {
  it("reads and validates; a missing file is an environment error (exit 2)", async () => {
    const dir = makeTempDir();
    try {
      await expect(readLockfile(dir.path("promptops.lock"))).rejects.toMatchObject({
        code: "lockfile-not-found",
        exitCode: 2,
      });
    } finally {
      dir.cleanup();
    }
  });
});
