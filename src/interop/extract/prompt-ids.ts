import { relative, sep } from "node:path";
import { promptIdProblem } from "../../prompt/prompt-id.js";

/**
 * The proposed id of a prompt: its file's path under the common root of the paths, without the
 * extension, and the function or method name, kebab-case — `support/answer-support-question`. A
 * segment that would read as a version (`v2`) becomes `v-2`; a taken id gets `-2`, `-3`….
 */
export function proposeId(
  root: string,
  file: string,
  functionName: string | undefined,
  taken: Set<string>,
): string {
  const path = relative(root, file)
    .split(sep)
    .join("/")
    .replace(/\.[cm]?[jt]sx?$/, "");
  const name = functionName?.split(".").pop() ?? "prompt";
  const segments = [...path.split("/"), name].map(kebabSegment).filter((s) => s !== "");
  const base = segments.join("/") || "prompt";
  let id = base;
  for (let n = 2; taken.has(id) || promptIdProblem(id) !== undefined; n++) {
    id = `${base}-${n}`;
    if (n > 10_000) throw new Error(`no free id for ${base}`);
  }
  taken.add(id);
  return id;
}

function kebabSegment(text: string): string {
  const kebab = text
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+|-+$/g, "");
  return /^v\d+$/.test(kebab) ? `v-${kebab.slice(1)}` : kebab;
}
