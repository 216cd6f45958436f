import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { loadConfigOrThrow } from "../../config/load-config.js";
import { PromptOpsError } from "../../errors.js";
import { writeFileAtomicSync } from "../../fs/write-file-atomic.js";
import { discoverPromptFiles } from "../../prompt/discover.js";
import { checkPrompts, refuseInvalidPrompts } from "../../prompt/prompt-project.js";
import { selectPrompt } from "../../prompt/select-prompt.js";
import { type NotCarried, NotCarriedList } from "../promptfoo/not-carried.js";
import { writePrompty } from "./prompty-writer.js";

export interface PromptyExportOptions {
  cwd: string;
  id: string;
  /** The .prompty file to write (relative to cwd); undefined: the text is returned only. */
  out: string | undefined;
  force: boolean;
}

export interface PromptyExportResult {
  /** The .prompty text. */
  text: string;
  /** The file written, absolute; undefined when no --out was given. */
  written: string | undefined;
  notCarried: NotCarried[];
}

/**
 * Writes the working-tree draft of a prompt as a .prompty file, partials inlined. Refuses, writing
 * nothing, when the file would make Prompty send other messages than promptops renders (a line
 * Prompty reads as a role, an empty message…); lists what Prompty has no place for.
 */
export function exportPrompty(options: PromptyExportOptions): PromptyExportResult {
  const config = loadConfigOrThrow(options.cwd);
  const ref = selectPrompt(discoverPromptFiles(config.promptsDir), options.id);
  const [checked] = checkPrompts(config, [ref]).prompts;
  if (!checked?.result || !checked.prompt) refuseInvalidPrompts(checked ? [checked] : [], "export");
  const { compiled } = checked!.result!;
  const { text, problems } = writePrompty(ref.id, compiled, checked!.prompt!);
  const notes = new NotCarriedList(checked!.source);
  const refusal = problems.find((p) => p.refuse);
  if (refusal) {
    const at = checked!.source.locate(refusal.path);
    throw new PromptOpsError("export-not-expressible", `cannot export to Prompty: ${refusal.message}`, {
      hint: "Prompty would send other messages than promptops renders: change the prompt, or keep it in promptops",
      location: { file: ref.file, line: at.line, col: at.col },
    });
  }
  for (const p of problems)
    notes.add(p.path, p.message, "value", p.message.startsWith("not carried over") ? "dropped" : "review");
  const written = options.out === undefined ? undefined : resolve(options.cwd, options.out);
  if (written) {
    if (existsSync(written) && !options.force) {
      throw new PromptOpsError("export-would-overwrite", "already exists: nothing written", {
        hint: "name another file with --out, or pass --force to replace it",
        location: { file: written },
      });
    }
    mkdirSync(dirname(written), { recursive: true });
    writeFileAtomicSync(written, text);
  }
  const notCarried = notes.items.sort(
    (a, b) => a.location.line - b.location.line || a.location.col - b.location.col,
  );
  return { text, written, notCarried };
}
