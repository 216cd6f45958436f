import { relative } from "node:path";
import { generateSigningKey } from "../../signing/keygen.js";
import type { GlobalOptions } from "../main.js";
import { colourFor, printJson } from "../output.js";

export async function runKeygen(
  options: GlobalOptions & { name: string; force: boolean; json: boolean },
): Promise<number> {
  const result = await generateSigningKey({ cwd: options.cwd, name: options.name, force: options.force });
  const key = relative(options.cwd, result.keyFile);
  const pub = relative(options.cwd, result.publicKeyFile);
  if (result.warning)
    process.stderr.write(`${colourFor(process.stderr).yellow("warning")}: ${result.warning}\n`);
  if (options.json) {
    printJson({ keyId: result.keyId, keyFile: key, publicKeyFile: pub });
    return 0;
  }
  process.stdout.write(
    [
      `key id: ${result.keyId}`,
      `wrote ${key} (private: keep it secret, never commit it) and ${pub} (public: commit it, ship it with applications)`,
      "",
      "To sign promptops.lock, store the text of the .key file as a secret where lockfiles are released",
      "(e.g. PROMPTOPS_SIGNING_KEY in CI) and add to promptops.config.yaml:",
      "",
      "  signing:",
      "    key: env:PROMPTOPS_SIGNING_KEY",
      `    publicKey: ${pub}`,
      "",
      "activate, rollback, promote and lock then sign it (or pass --sign <key file>); verify and",
      `lock --check refuse a lockfile not signed by key ${result.keyId}. Applications check it with`,
      `loadPrompts({ …, publicKey: fs.readFileSync("${pub}", "utf8") }).`,
      "",
    ].join("\n"),
  );
  return 0;
}
