import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** What `init` says when the project does not depend on promptops: why, and the command to run. */
export interface DependencyAdvice {
  message: string;
  command: string;
}

/**
 * The project's package.json (the nearest one up from cwd, as npm finds it) should pin promptops,
 * so that CI's `npx promptops` runs the version the team tested with, not whatever npx downloads.
 */
export function adviseDependency(cwd: string): DependencyAdvice | undefined {
  const manifest = nearest(cwd, "package.json");
  const root = manifest ? dirname(manifest) : cwd;
  const command = installCommand(root);
  if (!manifest)
    return {
      message: "no package.json here: add one that pins promptops' version",
      command: `npm init -y && ${command}`,
    };
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(readFileSync(manifest, "utf8"));
  } catch {
    return undefined; // npm itself will say what is wrong with it
  }
  const declared = ["dependencies", "devDependencies", "optionalDependencies"].some((field) => {
    const deps = pkg[field];
    return typeof deps === "object" && deps !== null && Object.hasOwn(deps, "promptops");
  });
  return declared ? undefined : { message: "package.json does not list promptops", command };
}

function installCommand(root: string): string {
  if (existsSync(join(root, "pnpm-lock.yaml"))) return "pnpm add -D promptops";
  if (existsSync(join(root, "yarn.lock"))) return "yarn add -D promptops";
  return "npm install -D promptops";
}

function nearest(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, name);
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) return undefined;
  }
}
