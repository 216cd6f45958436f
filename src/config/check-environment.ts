import { PromptOpsError } from "../errors.js";
import { closeMatches } from "../schemas/did-you-mean.js";
import type { ProjectConfig } from "./config.js";

/** Anything that knows its project's config: a GitProject, or a plain `{ config }`. */
interface HasConfig {
  config: Pick<ProjectConfig, "environments">;
}

export function checkEnvironment(project: HasConfig, env: string): void {
  if (project.config.environments.includes(env)) return;
  const similar = closeMatches(env, project.config.environments, 1)[0];
  throw new PromptOpsError(
    "unknown-environment",
    `unknown environment "${env}"${similar ? ` (did you mean "${similar}"?)` : ""}`,
    {
      exitCode: 2,
      hint: `configured environments: ${project.config.environments.join(", ")} (config key \`environments\`)`,
    },
  );
}
