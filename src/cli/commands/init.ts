import { initProject } from "../../init/init-project.js";
import { adviseDependency } from "../../init/package-dependency.js";
import type { GlobalOptions } from "../main.js";
import { colourFor } from "../output.js";

export interface InitCommandOptions extends GlobalOptions {
  force: boolean;
  ci: "github" | undefined;
}

export async function runInit(options: InitCommandOptions): Promise<number> {
  const written = initProject({
    cwd: options.cwd,
    force: options.force,
    ...(options.ci ? { ci: options.ci } : {}),
  });
  const c = colourFor(process.stdout);
  for (const file of written) {
    const label = {
      create: c.green("created"),
      overwrite: c.yellow("overwrote"),
      update: c.cyan("updated"),
      unchanged: c.dim("unchanged"),
    }[file.action];
    process.stdout.write(`${label} ${file.path}\n`);
  }
  const advice = adviseDependency(options.cwd);
  if (advice) process.stdout.write(`\n${c.yellow(advice.message)}: run \`${advice.command}\`\n`);
  process.stdout.write(
    `\nNext: \`promptops validate\`, then \`promptops render order-help --var customerName=Ann --var question="Hi"\`\n`,
  );
  return 0;
}
