import type { Diagnostic } from "../diagnostics.js";
import { diagnosticAt, type LoadedPrompt } from "./load-prompt.js";

// GitHub's own rules: a user name is alphanumerics and single inner hyphens (39 at most); a team is
// @org/slug. An e-mail is what CODEOWNERS matches against a user's verified address.
const USER = /^@[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const TEAM = /^@[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** Whether `owner` can stand in a CODEOWNERS line as written: `@user`, `@org/team` or an e-mail. */
export function isCodeownersEntry(owner: string): boolean {
  return USER.test(owner) || TEAM.test(owner) || EMAIL.test(owner);
}

/** What the owner was probably meant to be, for the hint. */
function suggestion(owner: string): string | undefined {
  const trimmed = owner.trim();
  if (trimmed !== owner && isCodeownersEntry(trimmed)) return trimmed;
  if (!trimmed.startsWith("@") && !trimmed.includes("@") && isCodeownersEntry(`@${trimmed}`))
    return `@${trimmed}`;
  return undefined;
}

/**
 * `owners:` entries that `promptops codeowners` could not write: GitHub ignores a CODEOWNERS line
 * with an invalid owner, so the prompt would silently have no required reviewer.
 */
export function checkOwners(loaded: LoadedPrompt): Diagnostic[] {
  const file = loaded.source.value as { owners?: unknown } | null;
  const owners = typeof file === "object" && file !== null ? file.owners : undefined;
  if (!Array.isArray(owners)) return [];
  const diagnostics: Diagnostic[] = [];
  owners.forEach((owner, i) => {
    if (typeof owner !== "string" || owner === "" || isCodeownersEntry(owner)) return;
    const near = suggestion(owner);
    diagnostics.push(
      diagnosticAt(
        loaded.source,
        ["owners", i],
        "owner-invalid",
        `owner ${JSON.stringify(owner)} is not a CODEOWNERS entry${near ? ` (did you mean "${near}"?)` : ""}`,
        { hint: "an owner is a GitHub @user, an @org/team or an e-mail address" },
      ),
    );
  });
  return diagnostics;
}
