import { CommanderError } from "commander";
import { PromptOpsError } from "../errors.js";
import { colourFor, displayLocation } from "./output.js";

/** The one place errors become output and exit codes: user errors as one line, bugs with a stack. */
export function handleError(error: unknown, debug: boolean): number {
  const c = colourFor(process.stderr);
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof PromptOpsError) {
    const where = error.location ? `${displayLocation(error.location)}: ` : "";
    let text = `${c.red("error")}: ${where}${error.message}\n`;
    if (error.hint) text += `  ${c.dim(`hint: ${error.hint}`)}\n`;
    if (debug && error.stack) text += `${error.stack}\n`;
    process.stderr.write(text);
    return error.exitCode;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(
    `${c.red("internal error")}: this is a bug in promptops; please report it with the output below.\n${stack}\n`,
  );
  return 2;
}
