import { PromptOpsError } from "../../errors.js";
import { importDotprompt } from "../../interop/dotprompt/import-dotprompt.js";
import { importPromptfoo } from "../../interop/promptfoo/import-promptfoo.js";
import type { NotCarried } from "../../interop/promptfoo/not-carried.js";
import type { GlobalOptions } from "../main.js";
import { importNextStep, notCarriedJson, notCarriedLine } from "../not-carried-lines.js";
import { colourFor, displayPath, printJson } from "../output.js";

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
  if (options.tool === "dotprompt") return runImportDotprompt(options);
  if (options.tool !== "promptfoo") {
    throw new PromptOpsError(
      "bad-flag",
      `cannot import from "${options.tool}": promptops imports promptfoo projects, dotprompt files and Prompty files`,
      {
        hint: "promptops import promptfoo promptfooconfig.yaml [--out dir], or promptops import dotprompt|prompty <file…>",
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
  return printImport(result, options.json, () => [
    ...result.prompts.map((p) => `wrote ${displayPath(p.file)} (${p.tests} test${p.tests === 1 ? "" : "s"})`),
    `wrote ${displayPath(result.written[0]!)}`,
  ]);
}

async function runImportDotprompt(options: {
  cwd: string;
  files: string[];
  out: string | undefined;
  force: boolean;
  json: boolean;
}): Promise<number> {
  const result = await importDotprompt({
    cwd: options.cwd,
    files: options.files,
    outDir: options.out ?? ".",
    force: options.force,
  });
  return printImport(result, options.json, () =>
    result.prompts.map((p) => `wrote ${displayPath(p.file)} (from ${p.source})`),
  );
}

interface ImportResultShape {
  written: string[];
  prompts: Array<{ file: string }>;
  notCarried: NotCarried[];
}

/** --json prints the result; otherwise the files written (`wrote`), then what was left behind. */
function printImport(result: ImportResultShape, json: boolean, wrote: () => string[]): number {
  if (json) printResultJson(result);
  else printWithNotes(wrote(), result.notCarried);
  return 0;
}

function printResultJson(result: ImportResultShape): void {
  printJson({
    written: result.written.map(displayPath),
    prompts: result.prompts.map((p) => ({ ...p, file: displayPath(p.file) })),
    notCarried: notCarriedJson(result.notCarried),
  });
}

/** The files written, then each thing not carried over at its location, then what to do next. */
function printWithNotes(lines: string[], notCarried: NotCarried[]): void {
  const c = colourFor(process.stdout);
  for (const note of notCarried) lines.push(notCarriedLine(note, c));
  lines.push(importNextStep(notCarried, "promptops validate, then promptops test"));
  process.stdout.write(`${lines.join("\n")}\n`);
}
