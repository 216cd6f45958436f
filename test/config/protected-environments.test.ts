import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";

let dir: string | undefined;
function configFrom(yaml: string) {
  dir = mkdtempSync(join(tmpdir(), "promptops-config-"));
  writeFileSync(join(dir, "promptops.config.yaml"), yaml);
  return loadConfig(dir);
}
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("protected environments in the config", () => {
  it("names stay a plain list; protection and owner handles are kept beside it", () => {
    const { config, diagnostics } = configFrom(
      [
        "environments: [staging, { name: production, protected: { tests: true, approvals: 2 } }, { name: dev }]",
        'owners: { "@acme/support": [Ann@Acme.io] }',
      ].join("\n"),
    );
    expect(diagnostics).toEqual([]);
    expect(config.environments).toEqual(["staging", "production", "dev"]);
    expect(config.protectedEnvironments).toEqual({ production: { tests: true, approvals: 2 } });
    expect(config.owners).toEqual({ "@acme/support": ["ann@acme.io"] });
  });

  it("an environment listed twice is an error at the second entry", () => {
    const { diagnostics } = configFrom(
      "environments:\n  - production\n  - { name: production, protected: { approvals: 1 } }\n",
    );
    expect(diagnostics).toMatchObject([
      {
        line: 3,
        col: 5,
        code: "config-environment-duplicate",
        message: 'environment "production" is listed twice',
      },
    ]);
  });

  it("a misspelt protection key and an owner that is not an e-mail are errors", () => {
    const { diagnostics } = configFrom(
      "environments: [{ name: production, protected: { aprovals: 1 } }]\nowners: { '@acme/x': [not-an-email] }\n",
    );
    expect(diagnostics.map((d) => [d.line, d.col, d.message])).toEqual([
      [1, 49, 'unknown key "aprovals" in environments.0.protected (did you mean "approvals"?)'],
      [2, 23, expect.stringContaining('owners.@acme/x.0 "not-an-email" does not match the pattern')],
    ]);
  });
});
