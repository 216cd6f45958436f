import { generateKeyPairSync } from "node:crypto";
import { chmod, lstat, mkdir, realpath, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { PromptOpsError } from "../errors.js";
import { findRepoRoot, statusOfPaths } from "../git/index.js";
import { keyIdOf } from "../lockfile/lockfile-signature.js";

export interface KeygenOptions {
  cwd: string;
  /** `<name>.key` and `<name>.pub` are written, relative to cwd. */
  name: string;
  force: boolean;
}

export interface KeygenResult {
  keyFile: string;
  publicKeyFile: string;
  keyId: string;
  /** Said when the private key is in a git working tree where `git add` would take it. */
  warning?: string;
}

/**
 * Writes a new Ed25519 key pair for signing lockfiles: `<name>.key` (PKCS#8 PEM, mode 0600) and
 * `<name>.pub` (SPKI PEM). Both are checked before either is written.
 */
export async function generateSigningKey(options: KeygenOptions): Promise<KeygenResult> {
  const base = resolve(options.cwd, options.name);
  const keyFile = `${base}.key`;
  const publicKeyFile = `${base}.pub`;
  if (!options.force) {
    const existing = [];
    for (const file of [keyFile, publicKeyFile]) if (await exists(file)) existing.push(file);
    if (existing.length > 0) {
      throw new PromptOpsError(
        "keygen-would-overwrite",
        `${existing.join(" and ")} already exist${existing.length === 1 ? "s" : ""}`,
        {
          exitCode: 2,
          hint: "choose another name, or pass --force to replace the key (whatever it signed then needs re-signing: promptops lock --sign <new key>)",
        },
      );
    }
  }
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  await mkdir(dirname(base), { recursive: true });
  // Created afresh with mode 0600, never written into an existing file that others may read.
  await unlink(keyFile).catch(() => {});
  await writeFile(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
  await chmod(keyFile, 0o600);
  await writeFile(publicKeyFile, publicKey.export({ type: "spki", format: "pem" }));
  const warning = await unignoredInRepo(keyFile);
  return { keyFile, publicKeyFile, keyId: keyIdOf(publicKey), ...(warning ? { warning } : {}) };
}

/** A private key written inside a repository must be ignored there: one `git add -A` would commit it. */
async function unignoredInRepo(keyFile: string): Promise<string | undefined> {
  try {
    const root = await findRepoRoot(dirname(keyFile));
    if (!root) return undefined;
    // git reports the root with symlinks resolved; the key's folder is resolved the same way.
    const file = join(await realpath(dirname(keyFile)), basename(keyFile));
    const path = relative(root, file).split("\\").join("/");
    const [status] = await statusOfPaths(root, [path]);
    if (status?.ignored) return undefined;
    return `${path} is inside the git repository at ${root} and not ignored: add it to .gitignore, or keep the key outside the repository; never commit a private key`;
  } catch {
    return undefined; // no git here: nothing to warn about
  }
}

async function exists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
}
