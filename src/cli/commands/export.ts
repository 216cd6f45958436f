import { PromptOpsError } from "../../errors.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, displayLocation, displayPath, printJson } from "../output.js";

export interface ExportCommandOptions extends GlobalOptions {
  format: string;
  id: string;
  out: string | undefined;
  force: boolean;
  json: boolean;
}

/** `export <format> <id>`: one branch per format, each calling its own module. */
export async function runExport(options: ExportCommandOptions): Promise<number> {
  if (options.format === "prompty") {
    const { exportPrompty } = await import("../../interop/prompty/export-prompty.js");
    const result = exportPrompty(options);
    if (options.json) {
      printJson({ written: displayPath(result.file), notCarried: result.notCarried });
      return 0;
    }
    const c = colourFor(process.stdout);
    const lines = [`wrote ${displayPath(result.file)}`];
    for (const note of result.notCarried) {
      const label = note.kind === "dropped" ? c.yellow("not carried over") : c.cyan("review");
      lines.push(
        `${c.bold(displayLocation(note.location))}: ${label}: ${note.message.replace(/^not carried over: /, "")}`,
      );
    }
    process.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  }
  throw new PromptOpsError("bad-flag", `cannot export to "${options.format}": promptops exports prompty`, {
    hint: "promptops export prompty <id> [--out file]",
  });
}
