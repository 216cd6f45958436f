import type { ErrorObject } from "ajv";
import { closestMatch } from "./did-you-mean.js";

/** An anyOf error that kept the types its branches expected, for "must be a string or a list". */
export type ExplainingError = ErrorObject & { expected?: string[] };

/**
 * ajv reports every failed branch of an anyOf and every failed `if`: keep the errors that explain
 * the mistake, so a user reads one message per mistake. When a branch got deeper into the value
 * (it had the right shape for that branch and failed inside), the deeper errors explain it; when
 * none did, the anyOf alone stays, with the types its branches expected.
 */
export function explainingErrors(errors: readonly ErrorObject[]): ExplainingError[] {
  const dropped = new Set<ErrorObject>(errors.filter((e) => e.keyword === "if"));
  for (const [index, error] of errors.entries()) {
    if (error.keyword !== "anyOf") continue;
    const branchErrors = errors.slice(0, index).filter((e) => !dropped.has(e) && isBranchError(e, error));
    const deeper = branchErrors.filter((e) => e.instancePath.length > error.instancePath.length);
    const shaped = deeper.length > 0 ? undefined : branchOfTheValuesType(branchErrors, error);
    if (deeper.length > 0) {
      dropped.add(error);
      for (const e of branchErrors) if (e.instancePath === error.instancePath) dropped.add(e);
    } else if (shaped) {
      // `llm-judge: { rubrik: … }` is the map form with a misspelt key, not "a string, found a map".
      dropped.add(error);
      for (const e of branchErrors) if (!shaped.includes(e)) dropped.add(e);
    } else {
      for (const e of branchErrors) dropped.add(e);
      const types = branchErrors.filter((e) => e.keyword === "type").flatMap((e) => e.params.type);
      if (types.length > 0) (error as ExplainingError).expected = [...new Set(types.map(String))];
    }
  }
  const kept = errors.filter((e) => !dropped.has(e));
  return kept.filter((e) => !isMisspeltRequired(e, kept));
}

/**
 * The errors of the one branch whose type the value has (the others failed on `type` at the
 * anyOf's own value), or undefined when no single branch had it.
 */
function branchOfTheValuesType(
  branchErrors: readonly ErrorObject[],
  anyOf: ErrorObject,
): ErrorObject[] | undefined {
  const branches = new Map<string, ErrorObject[]>();
  for (const e of branchErrors) {
    const key = branchKey(e.schemaPath, anyOf.schemaPath);
    branches.set(key, [...(branches.get(key) ?? []), e]);
  }
  const shaped = [...branches.values()].filter(
    (group) => !group.some((e) => e.keyword === "type" && e.instancePath === anyOf.instancePath),
  );
  return shaped.length === 1 && branches.size > 1 ? shaped[0] : undefined;
}

/** `#/…/anyOf/1/required` is branch `#/…/anyOf/1`; a $ref'd branch's errors are under its `#/$defs/name`. */
function branchKey(schemaPath: string, anyOfPath: string): string {
  if (schemaPath.startsWith(`${anyOfPath}/`))
    return `${anyOfPath}/${schemaPath.slice(anyOfPath.length + 1).split("/")[0]}`;
  return schemaPath.split("/").slice(0, 3).join("/");
}

/** `rubric` is missing because it was written `rubrik`: the unknown key's "did you mean" says it all. */
function isMisspeltRequired(error: ErrorObject, errors: readonly ErrorObject[]): boolean {
  if (error.keyword !== "required") return false;
  const missing = String(error.params.missingProperty);
  return errors.some(
    (e) =>
      e.keyword === "additionalProperties" &&
      e.instancePath === error.instancePath &&
      closestMatch(String(e.params.additionalProperty), [missing]) !== undefined,
  );
}

/**
 * ajv reports a branch's errors just before its anyOf, at the anyOf's value or inside it. A branch
 * that is a $ref has its target's schemaPath (#/$defs/…), so the anyOf's own path cannot tell;
 * what rules an error out is coming from a sibling keyword of the anyOf (a `required` beside it).
 */
function isBranchError(candidate: ErrorObject, anyOf: ErrorObject): boolean {
  const at = anyOf.instancePath;
  if (candidate.instancePath !== at && !candidate.instancePath.startsWith(`${at}/`)) return false;
  if (candidate.schemaPath.startsWith(`${anyOf.schemaPath}/`)) return true;
  const ownSchema = anyOf.schemaPath.slice(0, -"anyOf".length);
  if (!candidate.schemaPath.startsWith(ownSchema)) return true;
  const keyword = candidate.schemaPath.slice(ownSchema.length).split("/")[0];
  return keyword === "$defs" || keyword === "definitions";
}
