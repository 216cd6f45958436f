import { readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { PromptOpsError } from "../errors.js";
import { REPORTER_NAMES } from "../reporters/reporter.js";
import { packageFile } from "../startup/package-root.js";
import { type CommandModules, commandModules } from "./command-modules.js";
import { handleError } from "./handle-error.js";

export interface GlobalOptions {
  cwd: string;
  debug: boolean;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(packageFile("package.json"), "utf8"));
  return String(pkg.version);
}

function globals(command: Command): GlobalOptions {
  const opts = command.optsWithGlobals();
  // optsWithGlobals lets the program's value win; the command's own --cwd is the later, more specific one.
  const own = command.opts();
  if (own.cwd !== undefined) opts.cwd = own.cwd;
  if (own.debug !== undefined) opts.debug = own.debug;
  const cwd = resolve(opts.cwd ?? ".");
  // Else a mistyped --cwd finds no config and no prompts, and `validate` says "0 prompts checked".
  if (!statSync(cwd, { throwIfNoEntry: false })?.isDirectory()) {
    throw new PromptOpsError("cwd-not-found", `--cwd ${opts.cwd}: no such folder`, {
      exitCode: 2,
      hint: `${cwd} does not exist or is not a folder`,
    });
  }
  return { cwd, debug: Boolean(opts.debug) };
}

/** Options every command takes, before or after its name. */
function withCommonOptions(command: Command): Command {
  return command
    .option("--cwd <dir>", "run as if started in <dir>")
    .option("--debug", "print stack traces for errors")
    .option("--no-color", "never colour output (also: NO_COLOR=1)");
}

const REPORTERS_HELP = `${REPORTER_NAMES.join(", ")} (repeatable)`;

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
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

  withCommonOptions(program.command("test"))
    .description("run the prompts' regression suites against every selected provider")
    .argument("[ids...]", "prompt ids (default: all)")
    .option(
      "--providers <list>",
      "comma-separated providers for this run, instead of each prompt's own model and the config's: config ids, kind:model, or a bare kind for each prompt's own model of that kind",
    )
    .addOption(
      new Option("--version <n>", "test published version N instead of the draft").conflicts([
        "env",
        "draft",
      ]),
    )
    .addOption(new Option("--env <env>", "test the versions active in this environment").conflicts("draft"))
    .option("--draft", "test the working-tree drafts (the default)")
    .option("--filter <text>", "only tests whose name contains this text")
    .option(
      "--since <ref>",
      "only prompts changed since this git ref (and prompts including changed partials)",
    )
    .option("--shard <i/n>", "run the i-th of n deterministic slices of the cases")
    .option("--repeat <n>", "run each case n times (with a test's pass-rate)")
    .option("--concurrency <n>", "requests in flight at once (default: config test.concurrency)")
    .option("--retries <n>", "retries of a transient failure (default: config test.retries)")
    .option("--timeout <ms>", "per-request timeout (default: config test.timeoutMs)")
    .option(
      "--max-duration <time>",
      "stop the run after this long, e.g. 600000 or 10m (config test.maxDurationMs)",
    )
    .option("--max-cost <usd>", "stop sending once the run has spent this much")
    .option("--no-cache", "ignore and do not fill the response cache")
    .option("--boundary", "add generated adversarial inputs for each string variable")
    .option("--baseline <ref>", "also run the tests on env:<E> or v<N> and compare")
    .option("--fail-on-regression", "fail when a test that passed on the baseline fails now")
    .option("--judge-pairwise", "with --baseline: a judge compares both outputs, in both orders")
    .option("--reporter <name>", REPORTERS_HELP, collect)
    .option("-o, --output <file>", "file for the one file-writing reporter (- for stdout)")
    .option("--output-dir <dir>", "folder for several reports")
    .option("--json", "print the JSON results on stdout (other output moves to stderr)")
    .option(
      "--no-progress",
      "no progress bar, and no line per passing case; failures and the summary still show",
    )
    .option("--junit-strict", "JUnit as the Jenkins and Surefire schemas accept it (location in properties)")
    .option("--pass-with-no-tests", "exit 0 when no prompt file or no test case is selected")
    .option(
      "--push",
      "with --version or --env: push the test records a passing run writes (refs/notes/promptops)",
    )
    .action(async (ids: string[], opts, command: Command) => {
      const { runTestCommand } = await modules.test();
      setExitCode(
        await runTestCommand({
          ...globals(command),
          ids,
          providers: opts.providers,
          version: opts.version,
          env: opts.env,
          filter: opts.filter,
          since: opts.since,
          shard: opts.shard,
          repeat: opts.repeat,
          concurrency: opts.concurrency,
          retries: opts.retries,
          timeout: opts.timeout,
          maxDuration: opts.maxDuration,
          maxCost: opts.maxCost,
          cache: opts.cache !== false,
          boundary: Boolean(opts.boundary),
          baseline: opts.baseline,
          failOnRegression: Boolean(opts.failOnRegression),
          judgePairwise: Boolean(opts.judgePairwise),
          reporter: opts.reporter ?? [],
          output: opts.output,
          outputDir: opts.outputDir,
          json: Boolean(opts.json),
          progress: opts.progress !== false,
          junitStrict: Boolean(opts.junitStrict),
          passWithNoTests: Boolean(opts.passWithNoTests),
          push: Boolean(opts.push),
        }),
      );
    });

  withCommonOptions(program.command("approve"))
    .description("approve a published version for protected environments (a git note on its tag commit)")
    .argument("<id@version>", "e.g. support-agent@3")
    .option("-m, --message <why>", "why, kept in the approval")
    .option("--push", "push the approval (refs/notes/promptops) to the remote")
    .option("--remote <name>", "remote to push to", "origin")
    .option("--json", "print as JSON")
    .action(async (target: string, opts, command: Command) => {
      const { runApprove } = await modules.approve();
      setExitCode(
        await runApprove({
          ...globals(command),
          target,
          message: opts.message,
          push: Boolean(opts.push),
          remote: opts.remote,
          json: Boolean(opts.json),
        }),
      );
    });

  withCommonOptions(program.command("serve"))
    .description("serve the lockfile over HTTP with ETags, reloading it when it changes (read-only)")
    .option("--port <n>", "port to listen on (0: any free port)", "7070")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--lockfile <path>", "lockfile to serve (default: promptops.lock beside the config)")
    .option("--token-env <var>", "require Authorization: Bearer <the value of this environment variable>")
    .action(async (opts, command: Command) => {
      const { runServe } = await modules.serve();
      setExitCode(
        await runServe({
          ...globals(command),
          port: opts.port,
          host: opts.host,
          lockfile: opts.lockfile,
          tokenEnv: opts.tokenEnv,
        }),
      );
    });

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

  withCommonOptions(program.command("import"))
    .description("turn another tool's project into promptops prompt files and config (promptfoo)")
    .argument("<tool>", "the tool the files come from: promptfoo")
    .argument("<file>", "its config, e.g. promptfooconfig.yaml")
    .option("--out <dir>", "where to write promptops.config.yaml and prompts/ (default: the current folder)")
    .option("--force", "replace files that already exist")
    .option("--json", "print as JSON")
    .action(async (tool: string, file: string, opts, command: Command) => {
      const { runImport } = await modules.import();
      setExitCode(
        await runImport({
          ...globals(command),
          tool,
          file,
          out: opts.out,
          force: Boolean(opts.force),
          json: Boolean(opts.json),
        }),
      );
    });

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
