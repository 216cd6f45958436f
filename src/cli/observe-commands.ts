import type { Command } from "commander";
import type { CommandModules } from "./command-modules.js";
import { collect, globals, withCommonOptions } from "./command-options.js";

// The commands that read what production did (DESIGN.md section 8) and bring other tools'
// projects in (section 10), declared apart from main.ts; each module is imported when it runs.

type SetExitCode = (code: number) => void;

/** `stats`, `logs` and `drift`. */
export function registerObserveCommands(
  program: Command,
  setExitCode: SetExitCode,
  modules: CommandModules,
): void {
  withCommonOptions(program.command("stats"))
    .description("calls, errors, tokens, cost, latency, test pass rate and feedback per prompt version")
    .argument("[ids...]", "prompt ids (default: all)")
    .option(
      "--logs <files...>",
      "call logs (JSONL; * and ? match rotated files; default .promptops/calls*.jsonl*)",
    )
    .option("--since <when>", "only calls and runs since a duration (7d, 24h) or a date")
    .option("--by <dimension>", "also group by model, env, owner or day (repeatable)", collect)
    .option("--json", "print as JSON")
    .action(async (ids: string[], opts, command: Command) => {
      const { runStats } = await modules.stats();
      setExitCode(
        await runStats({
          ...globals(command),
          ids,
          logs: opts.logs,
          since: opts.since,
          by: opts.by ?? [],
          json: Boolean(opts.json),
        }),
      );
    });

  withCommonOptions(program.command("logs"))
    .description("the logged calls of a prompt, newest first: version, inputs (as redacted) and output")
    .argument("<id>", "prompt id")
    .option("--version <n>", "only calls of version N")
    .option(
      "--logs <files...>",
      "call logs (JSONL; * and ? match rotated files; default .promptops/calls*.jsonl*)",
    )
    .option("--since <when>", "only calls since a duration (7d, 24h) or a date")
    .option("--trace <id>", "only the call with this trace id")
    .option("--limit <n>", "show at most n calls (default 20)")
    .option("--json", "print as JSON")
    .action(async (id: string, opts, command: Command) => {
      const { runCallLogs } = await modules.callLogs();
      setExitCode(
        await runCallLogs({
          ...globals(command),
          id,
          version: opts.version,
          logs: opts.logs,
          since: opts.since,
          trace: opts.trace,
          limit: opts.limit,
          json: Boolean(opts.json),
        }),
      );
    });

  withCommonOptions(program.command("drift"))
    .description("compare the newest test run with earlier runs of the same prompt hash, test and model")
    .argument("[ids...]", "prompt ids (default: all)")
    .option("--since <when>", "only runs since a duration (7d, 24h) or a date")
    .option("--min-similarity <0..1>", "an output moved below this similarity to every earlier one (0.8)")
    .option("--max-pass-rate-change <0..1>", "a pass rate moved by more than this (0.25)")
    .option("--json", "print as JSON")
    .action(async (ids: string[], opts, command: Command) => {
      const { runDrift } = await modules.drift();
      setExitCode(
        await runDrift({
          ...globals(command),
          ids,
          since: opts.since,
          minSimilarity: opts.minSimilarity,
          maxPassRateChange: opts.maxPassRateChange,
          json: Boolean(opts.json),
        }),
      );
    });
}

/** `import <tool> <file>`. */
export function registerImportCommand(
  program: Command,
  setExitCode: SetExitCode,
  modules: CommandModules,
): void {
  withCommonOptions(program.command("import"))
    .description(
      "turn another tool's project into promptops prompt files and config (promptfoo, dotprompt, prompty)",
    )
    .argument("<tool>", "the tool the files come from: promptfoo, dotprompt, prompty")
    .argument("<files...>", "its config, e.g. promptfooconfig.yaml; or .prompt / .prompty files")
    .option("--out <dir>", "where to write promptops.config.yaml and prompts/ (default: the current folder)")
    .option("--force", "replace files that already exist")
    .option("--json", "print as JSON")
    .action(async (tool: string, files: string[], opts, command: Command) => {
      const { runImport } = await modules.import();
      setExitCode(
        await runImport({
          ...globals(command),
          tool,
          file: files[0]!,
          files,
          out: opts.out,
          force: Boolean(opts.force),
          json: Boolean(opts.json),
        }),
      );
    });
}

/** `export <format> <id>`. */
export function registerExportCommand(
  program: Command,
  setExitCode: SetExitCode,
  modules: CommandModules,
): void {
  withCommonOptions(program.command("export"))
    .description(
      "write a prompt in another tool's format (dotprompt, prompty), for the subset it can express",
    )
    .argument("<format>", "the format to write: dotprompt, prompty")
    .argument("<id>", "prompt id, e.g. billing/refund")
    .option("--out <file>", "the file to write (default: print it)")
    .option("--force", "replace the file if it exists")
    .option("--json", "print as JSON")
    .action(async (format: string, id: string, opts, command: Command) => {
      const { runExport } = await modules.export();
      setExitCode(
        await runExport({
          ...globals(command),
          format,
          id,
          out: opts.out,
          force: Boolean(opts.force),
          json: Boolean(opts.json),
        }),
      );
    });
}

/** `extract <paths…>`: inline prompts in TypeScript and JavaScript to prompt files. */
export function registerExtractCommand(
  program: Command,
  setExitCode: SetExitCode,
  modules: CommandModules,
): void {
  withCommonOptions(program.command("extract"))
    .description(
      "find the prompts written inline in TypeScript/JavaScript SDK calls and write a prompt file for each",
    )
    .argument("<paths...>", "folders and files to look in (node_modules, dist and .d.ts are skipped)")
    .option("--out <dir>", "where to write the prompt files (default: promptsDir)")
    .option(
      "--id <file:line=id>",
      "the id of the prompt at file:line, as the listing prints it (repeatable)",
      collect,
    )
    .option("--force", "replace prompt files that already exist")
    .option("--write", "rewrite each call site proven safe to render its prompt from the lockfile")
    .option("--json", "print as JSON")
    .action(async (paths: string[], opts, command: Command) => {
      const { runExtract } = await modules.extract();
      setExitCode(
        await runExtract({
          ...globals(command),
          paths,
          out: opts.out,
          id: opts.id ?? [],
          force: Boolean(opts.force),
          json: Boolean(opts.json),
          write: Boolean(opts.write),
        }),
      );
    });
}
