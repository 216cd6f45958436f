import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NUMERIC_FLAG_MAXIMUMS } from "../../src/cli/commands/test.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";
import { runCli } from "../helpers/run-cli.js";

let project: ProjectDir;
afterEach(() => project?.cleanup());

const prompt = `messages:
  - role: user
    content: hi
tests:
  - name: says hi
    assert: [{ contains: hi }]
`;

describe("usage errors are exit 2 with one clear line", () => {
  it("--cwd to a folder that does not exist, for every command", async () => {
    project = makeProjectDir({ "prompts/a.prompt.yaml": prompt });
    const missing = join(project.root, "no-such-folder");
    for (const args of [
      ["validate"],
      ["status"],
      ["init"],
      ["test", "--providers", "echo"],
      ["render", "a"],
      ["lock", "--check"],
    ]) {
      const result = await runCli([...args, "--cwd", missing], { cwd: project.root });
      expect(result.code, args[0]).toBe(2);
      expect(result.stderr, args[0]).toContain(`error: --cwd ${missing}: no such folder`);
      expect(result.stdout, args[0]).not.toContain("prompts checked");
    }
    const aFile = await runCli(["--cwd", join(project.root, "prompts", "a.prompt.yaml"), "validate"], {
      cwd: project.root,
    });
    expect(aFile.code).toBe(2);
  });

  it("numeric flags out of their bounds", async () => {
    project = makeProjectDir({ "prompts/a.prompt.yaml": prompt });
    const cases: Array<[string, string, string]> = [
      ["--repeat", "1e9", "--repeat expects a number from 1 to 1000"],
      ["--timeout", "1e20", "--timeout expects a number from 1 to 86400000"],
      ["--concurrency", "100000", "--concurrency expects a number from 1 to 1000"],
      ["--retries", "1e6", "--retries expects a number from 0 to 100"],
      ["--repeat", "0", "--repeat expects a number from 1 to 1000"],
    ];
    for (const [flag, value, message] of cases) {
      const result = await runCli(["test", "--providers", "echo", flag, value], { cwd: project.root });
      expect(result.code, `${flag} ${value}`).toBe(2);
      expect(result.stderr, `${flag} ${value}`).toContain(`${message}, got "${value}"`);
    }
    expect(
      (await runCli(["test", "--providers", "echo", "--timeout", "60000"], { cwd: project.root })).code,
    ).toBe(0);
  });

  it("the config's test defaults have the flags' bounds", async () => {
    const schema = JSON.parse(
      readFileSync(new URL("../../schemas/config.schema.json", import.meta.url), "utf8"),
    );
    const props = schema.properties.test.properties;
    for (const key of ["concurrency", "retries", "timeoutMs"]) {
      expect(props[key].maximum, key).toBe(NUMERIC_FLAG_MAXIMUMS[key]);
    }
    project = makeProjectDir({ "prompts/a.prompt.yaml": prompt });
    writeFileSync(join(project.root, "promptops.config.yaml"), "test: { timeoutMs: 1e20 }\n");
    const result = await runCli(["test", "--providers", "echo"], { cwd: project.root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("promptops.config.yaml:1:20: test.timeoutMs must be <= 86400000");
  });
});
