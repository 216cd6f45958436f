import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { ProjectConfig } from "../config/config.js";
import { PromptOpsError } from "../errors.js";
import { keyIdOf, type SigningKey, type TrustedKey, trustedKey } from "../lockfile/lockfile-signature.js";
import { rememberSecrets } from "../redact-secrets.js";

// Where the CLI's keys come from. Messages name where a key was looked for, never what it holds.

export interface SigningSources {
  /** `--sign <keyfile>`, relative to the working directory: wins over config signing.key. */
  sign?: string | undefined;
  cwd: string;
  /** Where `env:NAME` is looked up; default process.env. */
  variables?: Readonly<Record<string, string | undefined>>;
}

/**
 * The key to sign the lockfile with, or undefined when neither `--sign` nor config signing.key asks
 * for one. Asked for but not available is an error: an unsigned write would be refused downstream.
 */
export async function signingKeyFor(
  config: ProjectConfig,
  sources: SigningSources,
): Promise<SigningKey | undefined> {
  const env = sources.variables ?? process.env;
  let pem: string;
  let where: string;
  if (sources.sign !== undefined) {
    where = `--sign ${sources.sign}`;
    pem = await readKeyFile(resolve(sources.cwd, sources.sign), where);
  } else if (config.signing.key !== undefined) {
    const ref = config.signing.key;
    where = `signing.key (${ref})`;
    if (ref.startsWith("env:")) {
      const name = ref.slice(4);
      const value = env[name];
      if (value === undefined || value.trim() === "") {
        throw new PromptOpsError("signing-key-missing", `signing.key says ${name}, which is not set`, {
          exitCode: 2,
          ...configLocation(config),
          hint: `set ${name} to the text of the .key file \`promptops keygen\` wrote (in CI: a secret), or sign elsewhere with --sign <key file>`,
        });
      }
      // Some secret stores keep a PEM on one line with literal \n.
      pem = value.includes("\\n") && !value.includes("\n") ? value.replaceAll("\\n", "\n") : value;
    } else {
      pem = await readKeyFile(resolve(config.root, ref.slice(5)), where);
    }
  } else return undefined;

  // Never to be shown, whole or by line (an error quoting part of it, a log of the environment).
  rememberSecrets([pem, ...pem.split(/\s+/).filter((line) => !line.includes("-----"))]);
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new PromptOpsError("signing-key-invalid", `${where} is not an unencrypted PEM private key`, {
      exitCode: 2,
      hint: "use the .key file `promptops keygen <name>` wrote (PEM, PKCS#8)",
    });
  }
  if (key.asymmetricKeyType !== "ed25519") {
    throw new PromptOpsError("signing-key-invalid", `${where} is not an Ed25519 key`, {
      exitCode: 2,
      hint: "make a key pair with `promptops keygen <name>`",
    });
  }
  const publicKey = createPublicKey(key);
  const signing = { key, publicKey, keyId: keyIdOf(publicKey) };
  const trusted = await trustedKeyFor(config);
  if (trusted && trusted.keyId !== signing.keyId) {
    throw new PromptOpsError(
      "signing-key-invalid",
      `${where} is key ${signing.keyId}, but signing.publicKey is key ${trusted.keyId}: applications would refuse what it signs`,
      {
        exitCode: 2,
        ...configLocation(config),
        hint: "sign with the private half of signing.publicKey, or, when rotating keys, change signing.publicKey to the new .pub file in the same change",
      },
    );
  }
  return signing;
}

/** The public key config signing.publicKey names, or undefined when signatures are not checked. */
export async function trustedKeyFor(config: ProjectConfig): Promise<TrustedKey | undefined> {
  const ref = config.signing.publicKey;
  if (ref === undefined) return undefined;
  if (ref.includes("-----BEGIN")) return trustedKey(ref, "signing.publicKey");
  const path = ref.startsWith("file:") ? ref.slice(5) : ref;
  const where = `signing.publicKey (${path})`;
  return trustedKey(await readKeyFile(resolve(config.root, path), where), where);
}

async function readKeyFile(file: string, where: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    throw new PromptOpsError(
      "signing-key-missing",
      `${where}: ${code === "ENOENT" ? "no such file" : `cannot read it (${code})`}`,
      { exitCode: 2, hint: "make a key pair with `promptops keygen <name>`" },
    );
  }
}

function configLocation(config: ProjectConfig): { location?: { file: string } } {
  return config.configFile ? { location: { file: config.configFile } } : {};
}
