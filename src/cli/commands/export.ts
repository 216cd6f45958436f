import { PromptOpsError } from "../../errors.js";
import type { GlobalOptions } from "../main.js";

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
    const { runExportPrompty } = await import("./export-prompty.js");
    return runExportPrompty(options);
  }
  throw new PromptOpsError("bad-flag", `cannot export to "${options.format}": promptops exports prompty`, {
    hint: "promptops export prompty <id> [--out file]",
  });
}
