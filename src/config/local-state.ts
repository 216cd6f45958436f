import { lstatSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { ProjectConfig } from "./config.js";

/** Something under the local-state folders that did not come from this machine. */
export interface LocalStateProblem {
  /** Absolute: a folder or file under `.promptops/` (or the configured cacheDir). */
  path: string;
  /** Relative to the project root, with `/`: how the user would name it to git. */
  name: string;
  message: string;
  hint: string;
}

export interface LocalState {
  /**
   * Whether a file under `.promptops/` may be read as this machine's own state: false when git
   * tracks it or a folder holding it (a tracked symlink), or when git could not say. Files
   * elsewhere are not local state and always pass.
   */
  trusts(file: string): boolean;
  problems: LocalStateProblem[];
}

const TRUST_ALL: LocalState = { trusts: () => true, problems: [] };

/**
 * Local state (response cache, parsed prompt files, run history) is what this machine wrote:
 * anything of it that git tracks came from a commit, where a pull request can put replies no
 * model gave or a parse of another text, and is ignored (DESIGN.md section 1). One `git ls-files`
 * answers for every file; none runs when there is no local state yet.
 */
export async function inspectLocalState(config: ProjectConfig): Promise<LocalState> {
  const root = config.root;
  const candidates = [...new Set([join(root, ".promptops"), resolve(root, config.test.cacheDir)])].filter(
    (place) => isInside(root, place) && exists(place),
  );
  // The default cacheDir is inside .promptops/: one place then, asked about and reported once.
  const places = candidates.filter((place) => !candidates.some((other) => place.startsWith(other + sep)));
  if (places.length === 0) return TRUST_ALL;
  const under = (file: string) => places.some((place) => file === place || file.startsWith(place + sep));
  const { trackedFiles } = await import("../git/tracked-files.js");
  let tracked: string[] | null;
  try {
    tracked = await trackedFiles(
      root,
      places.map((place) => relative(root, place)),
    );
  } catch (error) {
    // Git is there but would not say (e.g. "dubious ownership"): nothing there is known to be ours.
    const reason = (error as Error).message.split("\n")[0];
    return {
      trusts: (file) => !under(file),
      problems: places.map((place) => ({
        path: place,
        name: displayName(root, place),
        message: `cannot ask git whether ${displayName(root, place)} is tracked, so it is not used (${reason})`,
        hint: "make `git ls-files` work here, e.g. git config --global --add safe.directory <repo>",
      })),
    };
  }
  if (!tracked || tracked.length === 0) return TRUST_ALL;
  const trackedPaths = new Set(tracked.map((file) => resolve(root, file)));
  return {
    trusts(file) {
      if (!under(file)) return true;
      // The file, or a folder on its way that git tracks as a symlink to files of the repository.
      for (let path = file; isInside(root, path) && path !== root; path = dirname(path))
        if (trackedPaths.has(path)) return false;
      return true;
    },
    problems: groupProblems(root, places, [...trackedPaths]),
  };
}

/** One problem per folder (or file) directly under a local-state folder, not one per cache entry. */
function groupProblems(root: string, places: string[], tracked: string[]): LocalStateProblem[] {
  const groups = new Map<string, number>();
  for (const file of tracked) {
    // The place holding it, then one level down.
    const place = places.find((p) => file === p || file.startsWith(p + sep))!;
    const below = relative(place, file).split(sep)[0];
    const group = below ? join(place, below) : place;
    groups.set(group, (groups.get(group) ?? 0) + 1);
  }
  return [...groups].sort().map(([path, count]) => {
    const name = displayName(root, path);
    const files = count === 1 ? "" : ` (${count} files)`;
    return {
      path,
      name,
      message: `${name} is tracked by git${files}: ignored, local state never comes from the repository`,
      hint: `untrack it with: git rm -r --cached ${name}`,
    };
  });
}

const isInside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

const displayName = (root: string, path: string) => relative(root, path).split(sep).join("/");

/** lstat: a dangling symlink that git tracks is still something to report. */
function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
