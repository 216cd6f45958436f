import { PromptOpsError } from "../../errors.js";
import { extractPrompts } from "../../interop/extract/extract-prompts.js";
import type { ExtractedPrompt, NotExtracted, SourceSpan } from "../../interop/extract/extracted-prompt.js";
import { type RewriteOutcome, rewriteInProject } from "../../interop/rewrite/rewrite-call-sites.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, displayLocation, displayPath, printJson } from "../output.js";

export async function runExtract(
  options: GlobalOptions & {
    paths: string[];
    out: string | undefined;
    id: string[];
    force: boolean;
    json: boolean;
    write: boolean;
  },
): Promise<number> {
  const run = await extractPrompts({
    cwd: options.cwd,
    paths: options.paths,
    outDir: options.out,
    ids: parseIds(options.id),
    force: options.force,
  });
  // After the prompt files: a rewrite that is refused leaves the code as it was, the files to review.
  const rewrite = options.write ? await rewriteInProject(run, options.cwd) : undefined;
  // 1 when the check found a problem: a prompt file that does not render what the code sends, or
  // a source file that could not be read. Calls left alone (not extracted) are a normal outcome.
  const code = run.renderFailures > 0 || run.skippedFiles.length > 0 ? 1 : 0;
  if (options.json) {
    const span = (s: SourceSpan): SourceSpan => ({ ...s, file: displayPath(s.file) });
    printJson({
      prompts: run.prompts.map((p: ExtractedPrompt) => ({
        ...p,
        call: span(p.call),
        replacedProperties: p.replacedProperties.map((r) => ({ ...r, span: span(r.span) })),
      })),
      notExtracted: run.notExtracted.map((n: NotExtracted) => ({ ...n, call: span(n.call), at: span(n.at) })),
      written: run.written.map(displayPath),
      ...(rewrite ? { rewritten: rewrite.written.map(displayPath) } : {}),
      skippedFiles: run.skippedFiles.map((s) => ({ ...s, file: displayPath(s.file) })),
    });
    return code;
  }
  const c = colourFor(process.stdout);
  const lines: string[] = [];
  for (const [index, p] of run.prompts.entries()) {
    const n = p.variables.length;
    lines.push(
      `${c.bold(displayLocation(p.call))}  ${p.id}  (${p.shape}, ${n} variable${n === 1 ? "" : "s"})  → ${displayPath(run.written[index]!)}`,
    );
    for (const blocker of p.rewriteBlockers) lines.push(`  ${c.yellow("not safe to rewrite")}: ${blocker}`);
  }
  if (run.notExtracted.length > 0) lines.push("", "Not extracted (left as written):");
  for (const n of run.notExtracted)
    lines.push(`${c.bold(displayLocation(n.at))}  ${n.functionName ? `${n.functionName}: ` : ""}${n.reason}`);
  if (run.skippedFiles.length > 0) lines.push("", "Not read:");
  for (const s of run.skippedFiles) lines.push(`${c.bold(displayLocation(s))}  ${c.red(s.reason)}`);
  if (rewrite) lines.push("", ...rewriteSummary(rewrite));
  lines.push(
    "",
    run.prompts.length === 0
      ? run.notExtracted.length > 0
        ? "No prompt could be extracted."
        : "No inline prompt found."
      : `Wrote ${run.prompts.length} prompt file${run.prompts.length === 1 ? "" : "s"}. Next: review them (ids, variable names), then promptops validate; --id <file:line>=<id> renames one.`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
  return code;
}

function rewriteSummary(rewrite: RewriteOutcome): string[] {
  const sites = rewrite.rewritten.length;
  if (sites === 0)
    return [
      rewrite.leftAlone.length === 0
        ? "--write: no call site to rewrite."
        : `--write: no call site to rewrite (${rewrite.leftAlone.length} not safe to rewrite, left as written).`,
    ];
  return [
    `Rewrote ${sites} call site${sites === 1 ? "" : "s"} to render ${sites === 1 ? "its prompt" : "their prompts"} from the lockfile (${rewrite.leftAlone.length} left as written):`,
    ...rewrite.written.map((file) => `  ${displayPath(file)}`),
    "Publish and activate the prompts before the app runs: it loads them from promptops.lock at start-up.",
  ];
}

/** `--id src/support.ts:15=support/answer` → { "src/support.ts:15": "support/answer" }. */
function parseIds(flags: string[]): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const flag of flags) {
    const match = /^(.+:\d+)=(.+)$/.exec(flag);
    if (!match)
      throw new PromptOpsError("bad-flag", `--id ${flag}: expected <file>:<line>=<id>`, {
        hint: "e.g. --id src/support.ts:15=support/answer (file:line as the listing prints it)",
      });
    ids[match[1]!] = match[2]!;
  }
  return ids;
}
