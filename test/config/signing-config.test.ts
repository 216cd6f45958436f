import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import { signingKeyFor, trustedKeyFor } from "../../src/signing/signing-keys.js";
import { expectPromptOpsRejection } from "../helpers/expect-error.js";
import { newSigningKey } from "../lockfile/lockfile-fixtures.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function project(config: string, files: Record<string, string> = {}): string {
  dir = mkdtempSync(join(tmpdir(), "promptops-signing-config-"));
  writeFileSync(join(dir, "promptops.config.yaml"), config);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("config signing", () => {
  it("a private key pasted into signing.key is an error that does not quote it", () => {
    const { pem } = newSigningKey();
    const indented = pem
      .trim()
      .split("\n")
      .map((line) => `    ${line}`)
      .join("\n");
    const { diagnostics } = loadConfig(project(`signing:\n  key: |\n${indented}\n`));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 2, message: expect.stringContaining("signing.key") });
    expect(diagnostics[0]!.message).not.toContain(pem.split("\n")[1]!.slice(0, 8));
    expect(diagnostics[0]!.message).toContain("[redacted]");
  });

  it("reads the key from file:path relative to the config file, and checks it against signing.publicKey", async () => {
    const key = newSigningKey();
    const root = project("signing:\n  key: file:release.key\n  publicKey: release.pub\n", {
      "release.key": key.pem,
      "release.pub": key.publicPem,
    });
    const { config } = loadConfig(join(root));
    expect((await signingKeyFor(config, { cwd: tmpdir() }))?.keyId).toBe(key.keyId);
    expect((await trustedKeyFor(config))?.keyId).toBe(key.keyId);
  });

  it("takes a PEM kept on one line with literal \\n, as some secret stores keep it", async () => {
    const key = newSigningKey();
    const { config } = loadConfig(project("signing:\n  key: env:RELEASE_KEY\n"));
    const oneLine = key.pem.trim().replaceAll("\n", "\\n");
    const signer = await signingKeyFor(config, { cwd: tmpdir(), variables: { RELEASE_KEY: oneLine } });
    expect(signer?.keyId).toBe(key.keyId);
  });

  it("with no key asked for, signs nothing; a missing key file is an environment error", async () => {
    expect(await signingKeyFor(loadConfig(project("{}\n")).config, { cwd: tmpdir() })).toBeUndefined();
    await expectPromptOpsRejection(
      signingKeyFor(loadConfig(project("{}\n")).config, { cwd: tmpdir(), sign: "nowhere.key" }),
      { code: "signing-key-missing", exitCode: 2, message: "--sign nowhere.key: no such file" },
    );
  });
});
