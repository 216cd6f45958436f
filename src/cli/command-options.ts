import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { PromptOpsError } from "../errors.js";

// What every command's registration shares: the common options and how they are read.

export interface GlobalOptions {
  cwd: string;
  debug: boolean;
}

export function globals(command: Command): GlobalOptions {
  const opts = command.optsWithGlobals();
  // optsWithGlobals lets the program's value win; the command's own --cwd is the later, more specific one.
  const own = command.opts();
  if (own.cwd !== undefined) opts.cwd = own.cwd;
  if (own.debug !== undefined) opts.debug = own.debug;
  const cwd = resolve(opts.cwd ?? ".");
  // Else a mistyped --cwd finds no config and no prompts, and `validate` says "0 prompts checked".
  if (!statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) {
    throw new PromptOpsError("cwd-not-found", `--cwd ${opts.cwd}: no such folder`, {
      exitCode: 2,
      hint: `${cwd} does not exist or is not a folder`,
    });
  }
  return { cwd, debug: Boolean(opts.debug) };
}

/** Options every command takes, before or after its name. */
export function withCommonOptions(command: Command): Command {
  return command
    .option("--cwd <dir>", "run as if started in <dir>")
    .option("--debug", "print stack traces for errors")
    .option("--no-color", "never colour output (also: NO_COLOR=1)");
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
