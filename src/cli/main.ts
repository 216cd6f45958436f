import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { handleError } from "./handle-error.js";

export interface GlobalOptions {
  cwd: string;
  debug: boolean;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return String(pkg.version);
}

function globals(command: Command): GlobalOptions {
  const opts = command.optsWithGlobals();
  return { cwd: resolve(opts.cwd ?? "."), debug: Boolean(opts.debug) };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Declares every command; each command's module is imported only when that command runs. */
export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command("promptops")
    .description("Git-native PromptOps: validate, version, test and activate prompts kept as YAML files")
    .version(packageVersion(), "-V, --version", "print the version")
    .option("--cwd <dir>", "run as if started in <dir>", ".")
    .option("--debug", "print stack traces for errors")
    .option("--no-color", "never colour output (also: NO_COLOR=1)")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .hook("preAction", (command) => {
      if (command.opts().color === false) process.env.NO_COLOR = "1";
    });
  program.configureOutput({ outputError: (text, write) => write(text) });

  program
    .command("init")
    .description("scaffold a config, an example prompt with tests, a partial, .gitignore and editor settings")
    .option("--force", "overwrite files that already exist")
    .action(async (opts, command: Command) => {
      const { runInit } = await import("./commands/init.js");
      setExitCode(await runInit({ ...globals(command), force: Boolean(opts.force) }));
    });

  program
    .command("validate")
    .description(
      "check every prompt file and the config: YAML, schema, templates, variables, partials, tests",
    )
    .argument("[paths...]", "prompt files or folders to check (default: all)")
    .option("--json", "print the diagnostics as JSON")
    .addOption(new Option("--format <format>", "output format").choices(["text", "github"]).default("text"))
    .action(async (paths: string[], opts, command: Command) => {
      const { runValidate } = await import("./commands/validate.js");
      setExitCode(
        await runValidate({ ...globals(command), paths, json: Boolean(opts.json), format: opts.format }),
      );
    });

  program
    .command("render")
    .description("print the rendered messages of a prompt (default: the working-tree draft)")
    .argument("<id>", "prompt id, e.g. billing/refund")
    .option("--vars <file>", "YAML or JSON file of variable values")
    .option("--var <name=value>", "a variable value (repeatable; dotted names set nested fields)", collect)
    .addOption(
      new Option("--format <format>", "output shape")
        .choices(["openai", "anthropic", "text"])
        .default("openai"),
    )
    .action(async (id: string, opts, command: Command) => {
      const { runRender } = await import("./commands/render.js");
      setExitCode(
        await runRender({
          ...globals(command),
          id,
          varsFile: opts.vars,
          vars: opts.var ?? [],
          format: opts.format,
        }),
      );
    });

  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit, so output is flushed. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return handleError(error, argv.includes("--debug"));
  }
}
