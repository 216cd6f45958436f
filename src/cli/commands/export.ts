import { PromptOpsError } from "../../errors.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, displayLocation, displayPath } from "../output.js";

export interface ExportCommandOptions extends GlobalOptions {
  format: string;
  id: string;
  out: string | undefined;
  force: boolean;
}

export async function runExport(options: ExportCommandOptions): Promise<number> {
  const { format } = options;
  if (format === "dotprompt") {
    const { exportDotprompt } = await import("../../interop/dotprompt/export-dotprompt.js");
    const result = await exportDotprompt(options);
    if (!result.written) process.stdout.write(result.text);
    const c = colourFor(process.stderr);
    const lines = result.notCarried.map(
      (n) =>
        `${c.bold(displayLocation(n.location))}: ${c.yellow("not carried over")}: ${n.message.replace(/^not carried over: /, "")}`,
    );
    if (result.written) lines.unshift(`wrote ${displayPath(result.written)}`);
    // Without --out the .prompt file is stdout, so what was left behind goes to stderr.
    if (lines.length > 0) (result.written ? process.stdout : process.stderr).write(`${lines.join("\n")}\n`);
    return 0;
  }
  throw new PromptOpsError("bad-flag", `cannot export to "${format}": promptops exports dotprompt`, {
    hint: "promptops export dotprompt <id> [--out file.prompt]",
  });
}
