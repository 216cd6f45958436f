import { join } from "node:path";
import type { ProjectConfig } from "../config/config.js";

export const LOCKFILE_NAME = "promptops.lock";

/** Anything that knows its project's config: a GitProject, or a plain `{ config }`. */
interface HasConfig {
  config: Pick<ProjectConfig, "root">;
}

export function lockfilePathOf(project: HasConfig): string {
  return join(project.config.root, LOCKFILE_NAME);
}
