import type { ErrorObject } from "ajv";
import { PromptOpsError, type SourceLocation } from "../errors.js";
import { closestMatch } from "../schemas/did-you-mean.js";
import { type ExplainingError, explainingErrors } from "../schemas/explaining-errors.js";
import { escapePointerSegment, pointerSegments } from "../schemas/json-pointer.js";
import { truncate } from "../text/truncate.js";

// How lockfile problems read: one line naming the entry at fault, in the user's words.

export function lockfileInvalid(
  message: string,
  location: SourceLocation,
  options: { hint?: string } = {},
): PromptOpsError {
  return new PromptOpsError("lockfile-invalid", message, { exitCode: 1, location, ...options });
}

export function shortHash(hash: string): string {
  return truncate(hash, 19);
}

type AjvError = ErrorObject & { propertyName?: string };

/** What a failed pattern or anyOf means, by the name of the field, in the user's words. */
const MEANING: Record<string, string> = {
  hash: 'must be "sha256:" followed by 64 lowercase hex digits',
  commit: "must be a full lowercase hex commit id (40 characters, or 64 in a SHA-256 repository)",
  activatedAt: "must be an RFC 3339 date-time such as 2026-11-20T09:12:00Z",
  previous: "must be a version number (an integer >= 1) or null",
  id: 'must be a prompt id (lowercase letters, digits, ".", "_" and "-", with "/" between folders)',
};

const ENVIRONMENT_NAME = 'lowercase letters, digits, "-" and "_"';
const PROMPT_ID =
  'lowercase letters, digits, ".", "_" and "-", with "/" between folders, and no "v<N>" segment';

export type Locate = (pointer: string, part?: "key" | "value") => SourceLocation;

/** One message for the first problem, naming the entry it is in, as an editor would point at it. */
export function schemaError(
  data: unknown,
  errors: ErrorObject[],
  locate: Locate,
  supportedVersion: number,
): PromptOpsError {
  // A bad key is reported by the pattern error ajv gives its propertyName, not by propertyNames.
  const relevant: AjvError[] = explainingErrors(errors.filter((e) => e.keyword !== "propertyNames"));
  // A misspelt key also makes the real one missing: the spelling is the mistake to report.
  const misspelt = relevant.find(
    (e) => e.keyword === "additionalProperties" && e.instancePath === relevant[0]?.instancePath,
  );
  const first = misspelt ?? relevant[0] ?? errors[0]!;
  const more = new Set(relevant.map((e) => e.instancePath + (e.propertyName ?? ""))).size - 1;
  const suffix = more > 0 ? ` (and ${more} more problem${more > 1 ? "s" : ""})` : "";
  const segments = pointerSegments(first.instancePath);
  const hint = { hint: "the lockfile is written by promptops; restore it from git or run `promptops lock`" };
  const root = data as Record<string, unknown>;

  if (first.keyword === "const" && segments[0] === "lockfileVersion") {
    const found = root.lockfileVersion;
    const newer = typeof found === "number" && found > supportedVersion;
    return lockfileInvalid(
      newer
        ? `lockfileVersion ${found} is newer than this promptops understands (${supportedVersion})`
        : `lockfileVersion must be ${supportedVersion} (found ${describe(found)})`,
      locate(first.instancePath),
      newer ? { hint: "upgrade promptops to read this lockfile" } : hint,
    );
  }

  let subject = "lockfile";
  let field = segments;
  if (segments[0] === "environments" && segments.length >= 2) {
    subject =
      segments.length >= 3
        ? `entry "${segments[2]}" of environment "${segments[1]}"`
        : `environment "${segments[1]}"`;
    field = segments.slice(3);
  } else if (segments[0] === "prompts" && segments.length >= 2) {
    const prompt = (root.prompts as Record<string, Record<string, unknown>>)[segments[1]!];
    const known = typeof prompt?.id === "string" ? ` ("${prompt.id}" v${String(prompt.version)})` : "";
    subject = `stored prompt ${shortHash(segments[1]!)}${known}`;
    field = segments.slice(2);
  }

  if (first.propertyName !== undefined) {
    const key = first.propertyName;
    const at = locate(`${first.instancePath}/${escapePointerSegment(key)}`, "key");
    if (segments.length === 1 && segments[0] === "environments")
      return lockfileInvalid(
        `environment name "${key}" is not valid: use ${ENVIRONMENT_NAME}${suffix}`,
        at,
        hint,
      );
    if (segments.length === 2 && segments[0] === "environments")
      return lockfileInvalid(
        `${subject}: prompt id "${key}" is not valid: use ${PROMPT_ID}${suffix}`,
        at,
        hint,
      );
    if (segments.length === 1 && segments[0] === "prompts")
      return lockfileInvalid(`stored prompt key "${key}" ${MEANING.hash}${suffix}`, at, hint);
    return lockfileInvalid(
      `${subject}: ${field.join(".")}: key "${key}" is not a valid name${suffix}`,
      at,
      hint,
    );
  }

  let problem: string;
  let at = first.instancePath;
  let part: "key" | "value" = "value";
  if (first.keyword === "additionalProperties") {
    const key = String(first.params.additionalProperty);
    const guess = closestMatch(
      key,
      Object.keys((first.parentSchema?.properties as object | undefined) ?? {}),
    );
    problem = `unknown key "${key}"${guess ? ` (did you mean "${guess}"?)` : ""}`;
    at += `/${escapePointerSegment(key)}`;
    part = "key";
  } else if (first.keyword === "required") {
    problem = `missing "${String(first.params.missingProperty)}"`;
    part = "key";
  } else {
    const meaning =
      first.keyword === "pattern" || first.keyword === "anyOf" ? MEANING[field.at(-1) ?? ""] : undefined;
    const expected = (first as ExplainingError).expected;
    const text = meaning ?? (expected ? `must be ${expected.join(" or ")}` : (first.message ?? "is invalid"));
    problem = `${text} (found ${describe(first.data)})`;
  }
  const where = field.length > 0 ? `${field.join(".")} ` : "";
  return lockfileInvalid(`${subject}: ${where}${problem}${suffix}`, locate(at, part), hint);
}

function describe(value: unknown): string {
  return truncate(JSON.stringify(value) ?? String(value), 40);
}
