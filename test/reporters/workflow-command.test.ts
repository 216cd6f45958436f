import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatGithubAnnotation } from "../../src/cli/output.js";
import { workflowCommand } from "../../src/reporters/workflow-command.js";

// `validate --format github` and the github reporter write the same workflow commands: a message or
// a file name must never end the command early or split it into two.
describe("workflowCommand", () => {
  it("escapes %, CR and LF in the message, and also : and , in properties", () => {
    expect(
      workflowCommand("error", { file: "a,b:c.yaml", line: 3, title: "50% off" }, "one\r\ntwo 100%"),
    ).toBe("::error file=a%2Cb%3Ac.yaml,line=3,title=50%25 off::one%0D%0Atwo 100%25");
  });

  it("leaves out properties that are not known", () => {
    expect(workflowCommand("warning", { file: "x", line: undefined, title: "t" }, "m")).toBe(
      "::warning file=x,title=t::m",
    );
  });
});

describe("validate --format github", () => {
  it("annotates a diagnostic at its line and column, with its hint in the message", () => {
    const file = join(process.cwd(), "prompts", "a.prompt.yaml");
    const line = formatGithubAnnotation({
      file,
      line: 4,
      col: 3,
      severity: "warning",
      code: "prompt-schema",
      message: 'unknown key "temprature"',
      hint: "allowed keys: a, b\nsee the docs",
    });
    expect(line).toBe(
      '::warning file=prompts/a.prompt.yaml,line=4,col=3,title=promptops prompt-schema::unknown key "temprature" (hint: allowed keys: a, b%0Asee the docs)',
    );
  });
});
