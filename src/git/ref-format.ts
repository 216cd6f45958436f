/**
 * git's ref name rules (check_refname_format in refs.c, as `git check-ref-format` applies
 * them), in TypeScript so that checking every tag name we are about to create costs no
 * process. test/git/ref-format.test.ts compares the answers with the real command.
 */

// Besides these: control characters, space and DEL.
const FORBIDDEN_PRINTABLE = ":?[\\^~*";

function hasForbiddenCharacter(refname: string): boolean {
  for (const ch of refname) {
    const code = ch.codePointAt(0)!;
    if (code <= 0x20 || code === 0x7f || FORBIDDEN_PRINTABLE.includes(ch)) return true;
  }
  return false;
}

/** Whether `refname` (a full name such as "refs/tags/prompt/a/v1") is a valid ref name. */
export function checkRefFormat(refname: string, opts: { allowOnelevel?: boolean } = {}): boolean {
  if (refname === "@") return false;
  if (hasForbiddenCharacter(refname) || refname.includes("..") || refname.includes("@{")) return false;
  if (refname.endsWith(".")) return false;
  const components = refname.split("/");
  if (components.length < 2 && !opts.allowOnelevel) return false;
  // An empty component also covers a leading, trailing or doubled slash.
  return components.every((c) => c !== "" && !c.startsWith(".") && !c.endsWith(".lock"));
}

/** Whether `git tag <name>` would accept `name` (it also refuses a leading "-"). */
export function isValidTagName(name: string): boolean {
  return !name.startsWith("-") && checkRefFormat(`refs/tags/${name}`);
}
