import { type Command, Option } from "commander";
import { REPORTER_NAMES } from "../reporters/reporter.js";
import type { CommandModules } from "./command-modules.js";
import { collect, globals, withCommonOptions } from "./command-options.js";

// `test` (the flag-heaviest command), and `approve` and `serve`, declared apart from main.ts;
// each module is imported only when its command runs.

type SetExitCode = (code: number) => void;

export const REPORTERS_HELP = `${REPORTER_NAMES.join(", ")} (repeatable)`;

/** `test [ids…]`: the regression suites. */
export function registerTestCommand(
  program: Command,
  setExitCode: SetExitCode,
  modules: CommandModules,
): void {
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
}

/** `approve <id>@<N>` (governance) and `serve` (fleet delivery). */
export function registerApproveAndServe(
  program: Command,
  setExitCode: SetExitCode,
  modules: CommandModules,
): void {
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
}
