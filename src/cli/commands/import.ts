import { PromptOpsError } from "../../errors.js";
import { importPromptfoo } from "../../interop/promptfoo/import-promptfoo.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, displayLocation, displayPath, printJson } from "../output.js";

export async function runImport(
  options: GlobalOptions & {
    tool: string;
    file: string;
    files: string[];
    out: string | undefined;
    force: boolean;
    json: boolean;
  },
): Promise<number> {
  if (options.tool === "prompty") {
    const { runImportPrompty } = await import("./import-prompty.js");
    return runImportPrompty(options);
  }
  if (options.tool !== "promptfoo") {
    throw new PromptOpsError(
      "bad-flag",
      `cannot import from "${options.tool}": promptops imports promptfoo projects and Prompty files`,
      {
        hint: "promptops import promptfoo promptfooconfig.yaml [--out dir], or promptops import prompty <file.prompty…>",
      },
    );
  }
  if (options.files.length > 1)
    throw new PromptOpsError("bad-flag", "import promptfoo reads one promptfoo config", {
      hint: "promptops import promptfoo promptfooconfig.yaml [--out dir]",
    });
  const result = importPromptfoo({
    cwd: options.cwd,
    file: options.file,
    outDir: options.out ?? ".",
    force: options.force,
  });
  if (options.json) {
    printJson({
      written: result.written.map(displayPath),
      prompts: result.prompts.map((p) => ({ ...p, file: displayPath(p.file) })),
      notCarried: result.notCarried.map((n) => ({
        ...n,
        location: { ...n.location, file: displayPath(n.location.file) },
      })),
    });
    return 0;
  }
  const c = colourFor(process.stdout);
  const lines = result.prompts.map(
    (p) => `wrote ${displayPath(p.file)} (${p.tests} test${p.tests === 1 ? "" : "s"})`,
  );
  lines.push(`wrote ${displayPath(result.written[0]!)}`);
  for (const note of result.notCarried) {
    const label = note.kind === "dropped" ? c.yellow("not carried over") : c.cyan("review");
    lines.push(
      `${c.bold(displayLocation(note.location))}: ${label}: ${note.message.replace(/^not carried over: /, "")}`,
    );
  }
  const dropped = result.notCarried.filter((n) => n.kind === "dropped").length;
  lines.push(
    dropped === 0
      ? "Everything was carried over. Next: promptops validate, then promptops test."
      : `${dropped} thing${dropped === 1 ? "" : "s"} not carried over (listed above). Next: promptops validate, then promptops test.`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
