/**
 * git's ref name rules (check_refname_format in refs.c, as `git check-ref-format` applies
 * them), in TypeScript so that checking every tag name we are about to create costs no
 * process. test/git/ref-format.test.ts compares the answers with the real command.
 */

// Control characters, DEL, space and the characters with a meaning in revision syntax.
const FORBIDDEN = /[\x00-\x20\x7f:?[\\^~*]/;

/** Whether `refname` (a full name such as "refs/tags/prompt/a/v1") is a valid ref name. */
export function checkRefFormat(refname: string, opts: { allowOnelevel?: boolean } = {}): boolean {
  if (refname === "@") return false;
  if (FORBIDDEN.test(refname) || refname.includes("..") || refname.includes("@{")) return false;
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
