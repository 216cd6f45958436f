import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { packageFile } from "../startup/package-root.js";
import { type CommandModules, commandModules } from "./command-modules.js";
import { collect, globals, withCommonOptions } from "./command-options.js";
import {
  registerExportCommand,
  registerExtractCommand,
  registerImportCommand,
  registerObserveCommands,
} from "./observe-commands.js";
import { REPORTERS_HELP, registerApproveAndServe, registerTestCommand } from "./run-commands.js";

export type { GlobalOptions } from "./command-options.js";

import { handleError } from "./handle-error.js";

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(packageFile("package.json"), "utf8"));
  return String(pkg.version);
}

/** Declares every command; each command's module is imported only when that command runs. */
export function buildProgram(
  setExitCode: (code: number) => void,
  modules: CommandModules = commandModules,
): Command {
  const program = new Command("promptops")
    .description("Git-native PromptOps: validate, version, test and activate prompts kept as YAML files")
    .version(packageVersion(), "-V, --version", "print the version")
    // Positional: program options only before the command, so `render --version 3` reaches render.
    .enablePositionalOptions()
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .hook("preAction", (_program, actionCommand) => {
      if (actionCommand.opts().color === false) process.env.NO_COLOR = "1";
    });
  withCommonOptions(program);
  program.configureOutput({ outputError: (text, write) => write(text) });

  withCommonOptions(program.command("init"))
    .description("scaffold a config, an example prompt with tests, a partial, .gitignore and editor settings")
    .option("--force", "overwrite files that already exist")
    .addOption(new Option("--ci <system>", "also write a CI workflow").choices(["github"]))
    .action(async (opts, command: Command) => {
      const { runInit } = await modules.init();
      setExitCode(await runInit({ ...globals(command), force: Boolean(opts.force), ci: opts.ci }));
    });

  withCommonOptions(program.command("validate"))
    .description(
      "check every prompt file and the config: YAML, schema, templates, variables, partials, tests",
    )
    .argument("[paths...]", "prompt files or folders to check (default: all)")
    .option("--json", "print the diagnostics as JSON")
    .addOption(new Option("--format <format>", "output format").choices(["text", "github"]).default("text"))
    .action(async (paths: string[], opts, command: Command) => {
      const { runValidate } = await modules.validate();
      setExitCode(
        await runValidate({ ...globals(command), paths, json: Boolean(opts.json), format: opts.format }),
      );
    });

  withCommonOptions(program.command("render"))
    .description("print the rendered messages of a prompt (default: the working-tree draft)")
    .argument("<id>", "prompt id, e.g. billing/refund")
    .addOption(
      new Option("--version <n>", "render published version N (read from git at its tag)").conflicts("env"),
    )
    .option("--env <env>", "render the version active in this environment")
    .option("--vars <file>", "YAML or JSON file of variable values")
    .option("--var <name=value>", "a variable value (repeatable; dotted names set nested fields)", collect)
    .addOption(
      new Option("--format <format>", "output shape")
        .choices(["openai", "anthropic", "text"])
        .default("openai"),
    )
    .option("--json", "print the rendered prompt as JSON: id, version, hash, format and messages")
    .action(async (id: string, opts, command: Command) => {
      const { runRender } = await modules.render();
      setExitCode(
        await runRender({
          ...globals(command),
          id,
          varsFile: opts.vars,
          vars: opts.var ?? [],
          format: opts.format,
          version: opts.version,
          env: opts.env,
          json: Boolean(opts.json),
        }),
      );
    });

  withCommonOptions(program.command("status"))
    .description("each prompt: latest version and whether the draft changed since")
    .option("--json", "print as JSON")
    .action(async (opts, command: Command) => {
      const { runStatus } = await modules.status();
      setExitCode(await runStatus({ ...globals(command), json: Boolean(opts.json) }));
    });

  withCommonOptions(program.command("publish"))
    .description("tag a new version of each named prompt (default: every changed draft)")
    .argument("[ids...]", "prompt ids")
    .option("-m, --message <why>", "why (default: the last commit that touched the prompt)")
    .option("--push", "push the new tags to the remote")
    .option("--remote <name>", "remote to push to", "origin")
    .option("--dry-run", "print the plan, change nothing")
    .option("--allow-detached", "allow publishing from a detached HEAD")
    .option("--json", "print the result as JSON")
    .action(async (ids: string[], opts, command: Command) => {
      const { runPublish } = await modules.publish();
      setExitCode(
        await runPublish({
          ...globals(command),
          ids,
          message: opts.message,
          push: Boolean(opts.push),
          remote: opts.remote,
          dryRun: Boolean(opts.dryRun),
          allowDetached: Boolean(opts.allowDetached),
          json: Boolean(opts.json),
        }),
      );
    });

  withCommonOptions(program.command("log"))
    .description("versions of a prompt, newest first")
    .argument("<id>", "prompt id")
    .option("--json", "print as JSON")
    .action(async (id: string, opts, command: Command) => {
      const { runLog } = await modules.log();
      setExitCode(await runLog({ ...globals(command), id, json: Boolean(opts.json) }));
    });

  withCommonOptions(program.command("diff"))
    .description("unified diff of the versioned content, with the change in prompt tokens")
    .argument("<id>", "prompt id")
    .argument("[from]", "v3, 3 or draft (default: latest version)")
    .argument("[to]", "v3, 3 or draft (default: draft)")
    .option("--json", "print as JSON")
    .action(async (id: string, from: string | undefined, to: string | undefined, opts, command: Command) => {
      const { runDiff } = await modules.diff();
      setExitCode(await runDiff({ ...globals(command), id, from, to, json: Boolean(opts.json) }));
    });

  withCommonOptions(program.command("verify"))
    .description("check every version tag: made by promptops, trailers consistent, content matches its hash")
    .option("--json", "print as JSON")
    .action(async (opts, command: Command) => {
      const { runVerify } = await modules.verify();
      setExitCode(await runVerify({ ...globals(command), json: Boolean(opts.json) }));
    });

  withCommonOptions(program.command("activate"))
    .description("point an environment at a published version (edits promptops.lock)")
    .argument("<id@version>", "e.g. support-agent@3")
    .requiredOption("--env <env>", "environment, e.g. production")
    .option("-m, --message <why>", "why, kept in the lockfile")
    .option(
      "--sign <keyfile>",
      "sign promptops.lock with this Ed25519 private key (default: config signing.key)",
    )
    .option("--json", "print as JSON")
    .action(async (target: string, opts, command: Command) => {
      const { runActivate } = await modules.activation();
      setExitCode(
        await runActivate({
          ...globals(command),
          target,
          env: opts.env,
          message: opts.message,
          sign: opts.sign,
          json: Boolean(opts.json),
        }),
      );
    });

  withCommonOptions(program.command("rollback"))
    .description("point an environment back at the version active before the current one")
    .argument("<id>", "prompt id")
    .requiredOption("--env <env>", "environment")
    .option("-m, --message <why>", "why, kept in the lockfile")
    .option(
      "--sign <keyfile>",
      "sign promptops.lock with this Ed25519 private key (default: config signing.key)",
    )
    .option("--json", "print as JSON")
    .action(async (id: string, opts, command: Command) => {
      const { runRollback } = await modules.activation();
      setExitCode(
        await runRollback({
          ...globals(command),
          id,
          env: opts.env,
          message: opts.message,
          sign: opts.sign,
          json: Boolean(opts.json),
        }),
      );
    });

  withCommonOptions(program.command("promote"))
    .description("copy one environment's active versions to another")
    .argument("[ids...]", "prompt ids (or --all)")
    .option("--all", "every prompt active in --from")
    .requiredOption("--from <env>", "source environment")
    .requiredOption("--to <env>", "target environment")
    .option("-m, --message <why>", "why, kept in the lockfile")
    .option(
      "--sign <keyfile>",
      "sign promptops.lock with this Ed25519 private key (default: config signing.key)",
    )
    .option("--json", "print as JSON")
    .action(async (ids: string[], opts, command: Command) => {
      const { runPromote } = await modules.activation();
      setExitCode(
        await runPromote({
          ...globals(command),
          ids,
          all: Boolean(opts.all),
          from: opts.from,
          to: opts.to,
          message: opts.message,
          sign: opts.sign,
          json: Boolean(opts.json),
        }),
      );
    });

  withCommonOptions(program.command("lock"))
    .description(
      "recompile the lockfile's content from the tags; --check changes nothing and fails when stale",
    )
    .option("--check", "fail if the lockfile is stale, hand-edited or inconsistent with git")
    .option(
      "--sign <keyfile>",
      "sign promptops.lock with this Ed25519 private key (default: config signing.key)",
    )
    .option("--json", "print as JSON")
    .action(async (opts, command: Command) => {
      const { runLock } = await modules.lock();
      setExitCode(
        await runLock({
          ...globals(command),
          check: Boolean(opts.check),
          sign: opts.sign,
          json: Boolean(opts.json),
        }),
      );
    });

  withCommonOptions(program.command("keygen"))
    .description("write an Ed25519 key pair for signing promptops.lock: <name>.key (private) and <name>.pub")
    .argument("<name>", "file name without extension, e.g. keys/prod")
    .option("--force", "replace an existing key pair")
    .option("--json", "print as JSON")
    .action(async (name: string, opts, command: Command) => {
      const { runKeygen } = await modules.keygen();
      setExitCode(
        await runKeygen({ ...globals(command), name, force: Boolean(opts.force), json: Boolean(opts.json) }),
      );
    });

  withCommonOptions(program.command("audit"))
    .description(
      "which version was active in an environment, and which lockfile commit made it so; --report: everything that happened in a period",
    )
    .argument("[id]", "prompt id")
    .option("--env <env>", "environment (with --report: only this one's activations and state)")
    .addOption(new Option("--at <time>", "ISO 8601 time (default: the whole timeline)").conflicts("report"))
    .option("--report", "every publish, activation, rollback, approval and test record in a period")
    .option("--from <date>", "with --report: start of the period (a date is its midnight UTC)")
    .option("--to <date>", "with --report: end of the period (a date includes the whole day)")
    .addOption(new Option("--format <format>", "with --report: output format").choices(["md", "csv", "json"]))
    .option("--json", "print as JSON")
    .action(async (id: string | undefined, opts, command: Command) => {
      if (opts.report) {
        if (id !== undefined) command.error(`error: --report covers every prompt; leave out "${id}"`);
        if (opts.json && (opts.format ?? "json") !== "json")
          command.error(`error: --json prints JSON, --format ${opts.format} does not; give one of them`);
        const { runAuditReport } = await modules.auditReport();
        setExitCode(
          await runAuditReport({
            ...globals(command),
            from: opts.from,
            to: opts.to,
            env: opts.env,
            format: opts.format ?? (opts.json ? "json" : "md"),
          }),
        );
        return;
      }
      if (id === undefined) command.error("error: missing required argument 'id'");
      if (opts.env === undefined) command.error("error: required option '--env <env>' not specified");
      for (const flag of ["from", "to", "format"])
        if (opts[flag] !== undefined) command.error(`error: --${flag} needs --report`);
      const { runAudit } = await modules.lock();
      setExitCode(
        await runAudit({ ...globals(command), id, env: opts.env, at: opts.at, json: Boolean(opts.json) }),
      );
    });

  withCommonOptions(program.command("codeowners"))
    .description(
      "write the prompts' owners into a marked block of CODEOWNERS (prompt files and the partials they include)",
    )
    .option("--out <file>", "CODEOWNERS file (default: .github/CODEOWNERS at the repository root)")
    .option("--check", "change nothing; exit 1 and print the diff when the block is stale")
    .option("--json", "print as JSON")
    .action(async (opts, command: Command) => {
      const { runCodeowners } = await modules.codeowners();
      setExitCode(
        await runCodeowners({
          ...globals(command),
          out: opts.out,
          check: Boolean(opts.check),
          json: Boolean(opts.json),
        }),
      );
    });

  withCommonOptions(program.command("types"))
    .description("generate TypeScript declarations of each prompt's variables for the runtime library")
    .option("--out <file>", "where to write (default: config `types`, else promptops.d.ts)")
    .option("--drafts", "from the prompt drafts instead of promptops.lock")
    .option("--stdout", "print instead of writing a file")
    .action(async (opts, command: Command) => {
      const { runTypes } = await modules.types();
      setExitCode(
        await runTypes({
          ...globals(command),
          out: opts.out,
          drafts: Boolean(opts.drafts),
          stdout: Boolean(opts.stdout),
        }),
      );
    });

  const report = program.command("report").description("work with saved test results");
  withCommonOptions(report.command("merge"))
    .description("join the JSON results of several --shard runs into one report")
    .argument("<files...>", "results files written by --reporter json")
    .option("--reporter <name>", REPORTERS_HELP, collect)
    .option("-o, --output <file>", "file for the one file-writing reporter (- for stdout)")
    .option("--output-dir <dir>", "folder for several reports")
    .option("--json", "print the merged JSON results on stdout")
    .option("--junit-strict", "JUnit as the Jenkins and Surefire schemas accept it (location in properties)")
    .option("--allow-partial", "merge even when a shard is missing or repeated")
    .action(async (files: string[], opts, command: Command) => {
      const { runReportMerge } = await modules.report();
      setExitCode(
        await runReportMerge({
          ...globals(command),
          files,
          reporter: opts.reporter ?? [],
          output: opts.output,
          outputDir: opts.outputDir,
          json: Boolean(opts.json),
          junitStrict: Boolean(opts.junitStrict),
          allowPartial: Boolean(opts.allowPartial),
        }),
      );
    });

  registerTestCommand(program, setExitCode, modules);
  registerApproveAndServe(program, setExitCode, modules);
  registerObserveCommands(program, setExitCode, modules);
  registerImportCommand(program, setExitCode, modules);
  registerExportCommand(program, setExitCode, modules);
  registerExtractCommand(program, setExitCode, modules);

  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit, so output is flushed. */
export async function main(
  argv: readonly string[],
  modules: CommandModules = commandModules,
): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => {
    exitCode = code;
  }, modules);
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return handleError(error, argv.includes("--debug"));
  }
}
