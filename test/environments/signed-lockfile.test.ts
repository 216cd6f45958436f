import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PromptOpsError } from "../../src/errors.js";
import type { PromptRegistry } from "../../src/runtime/index.js";
import { type EnvRepo, LOCKFILE, makeEnvRepo, SUPPORT_TONE } from "../fixtures/environments/env-repo.js";
import { type CliResult, runCli } from "../helpers/run-cli.js";

// The story of issue 16 item 4: a release pipeline signs promptops.lock; whoever can write to the
// bucket, the CDN or a pull request but does not hold the key cannot change what applications serve.

const runtime = (await import(
  new URL("../../dist/runtime/index.js", import.meta.url).href
)) as typeof import("../../src/runtime/index.js");

const CONFIG = "promptops.config.yaml";
const vars = { userMessage: "Where is my refund?" };

let repo: EnvRepo;
let start: string;
let baseConfig: string;
let registry: PromptRegistry | undefined;
beforeAll(async () => {
  repo = await makeEnvRepo();
  start = (await repo.git("rev-parse", "HEAD")).trim();
  baseConfig = await repo.read(CONFIG);
});
afterEach(async () => {
  registry?.close();
  registry = undefined;
  await repo.resetTo(start);
});
afterAll(async () => {
  await repo.cleanup();
});

interface KeyPair {
  keyId: string;
  /** The private key, outside the repository, as a release job's secret would be. */
  keyFile: string;
  pem: string;
  /** The public key, committed in the repository. */
  publicKeyFile: string;
  publicPem: string;
}

let keyCount = 0;
/** `promptops keygen` outside the repository; the public half is copied to keys/<name>.pub in it. */
async function keygen(name = `release-${++keyCount}`): Promise<KeyPair> {
  const keys = join(repo.dir, "secrets");
  await mkdir(keys, { recursive: true });
  const made = await runCli(["keygen", name, "--json"], { cwd: keys });
  expect(made.code, made.stderr).toBe(0);
  const { keyId } = JSON.parse(made.stdout) as { keyId: string };
  const publicKeyFile = `keys/${name}.pub`;
  await mkdir(join(repo.root, "keys"), { recursive: true });
  await copyFile(join(keys, `${name}.pub`), join(repo.root, publicKeyFile));
  const keyFile = join(keys, `${name}.key`);
  return {
    keyId,
    keyFile,
    pem: await readFile(keyFile, "utf8"),
    publicKeyFile,
    publicPem: await readFile(join(repo.root, publicKeyFile), "utf8"),
  };
}

/** The project's config with a `signing:` section, committed. */
async function configureSigning(signing: { key?: string; publicKey?: string }): Promise<void> {
  const lines = ["signing:"];
  if (signing.key) lines.push(`  key: ${signing.key}`);
  if (signing.publicKey) lines.push(`  publicKey: ${signing.publicKey}`);
  await repo.write(CONFIG, `${baseConfig}${lines.join("\n")}\n`);
  await repo.commit("Sign promptops.lock");
}

/** The CLI as the release job runs it: the private key's PEM in PROMPTOPS_SIGNING_KEY. */
function releaseJob(key: KeyPair, ...args: string[]): Promise<CliResult> {
  return runCli(args, { cwd: repo.root, env: { PROMPTOPS_SIGNING_KEY: key.pem } });
}

async function signedRelease(): Promise<KeyPair> {
  const key = await keygen();
  await configureSigning({ key: "env:PROMPTOPS_SIGNING_KEY", publicKey: key.publicKeyFile });
  const activated = await releaseJob(key, "activate", "support@2", "--env", "production");
  expect(activated.code, activated.stderr).toBe(0);
  expect(activated.stdout).toContain(`signed promptops.lock with key ${key.keyId}`);
  return key;
}

/** One character of the lockfile changed, as a hand edit in a pull request or the bucket would. */
function handEdit(text: string): string {
  const edited = text.replace("Ada Tester", "Ada Testor");
  expect(edited).not.toBe(text);
  return edited;
}

/** An application's folder holding only the lockfile, as a deploy or a download leaves it. */
async function shipToApp(): Promise<string> {
  const app = join(repo.dir, "app");
  await mkdir(app, { recursive: true });
  const file = join(app, LOCKFILE);
  await copyFile(join(repo.root, LOCKFILE), file);
  return file;
}

async function replaceAtomically(file: string, text: string): Promise<void> {
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
}

async function rejection(promise: Promise<unknown>): Promise<PromptOpsError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "expected the promise to reject").toBeDefined();
  return error as PromptOpsError;
}

describe("promptops keygen", () => {
  it("writes a private key only its owner can read and a public key, prints the key id, never the key", async () => {
    const dir = join(repo.dir, "keygen");
    await mkdir(dir, { recursive: true });
    const made = await runCli(["keygen", "keys/prod"], { cwd: dir });
    expect(made.code, made.stderr).toBe(0);
    const key = await readFile(join(dir, "keys/prod.key"), "utf8");
    const pub = await readFile(join(dir, "keys/prod.pub"), "utf8");
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=]+\n-----END PRIVATE KEY-----\n$/);
    expect(pub).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=]+\n-----END PUBLIC KEY-----\n$/);
    expect((await stat(join(dir, "keys/prod.key"))).mode & 0o777).toBe(0o600);

    const keyId = /^key id: ([0-9a-f]{16})$/m.exec(made.stdout)?.[1];
    expect(keyId).toBeDefined();
    expect(made.stdout).toContain("key: env:PROMPTOPS_SIGNING_KEY");
    expect(made.stdout).toContain("publicKey: keys/prod.pub");
    expect(made.stdout + made.stderr).not.toContain(key.split("\n")[1]);

    const again = await runCli(["keygen", "keys/prod"], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exist");
    expect(await readFile(join(dir, "keys/prod.key"), "utf8")).toBe(key);

    const forced = await runCli(["keygen", "keys/prod", "--force", "--json"], { cwd: dir });
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout).keyId).not.toBe(keyId);
    expect(await readFile(join(dir, "keys/prod.key"), "utf8")).not.toBe(key);
    expect((await stat(join(dir, "keys/prod.key"))).mode & 0o777).toBe(0o600);
    expect(made.stderr + forced.stderr).toBe("");
  });

  it("warns when the private key lands in the repository where `git add` would take it", async () => {
    const inside = await runCli(["keygen", "keys/oops"], { cwd: repo.root });
    expect(inside.code).toBe(0);
    expect(inside.stderr).toContain(
      `warning: keys/oops.key is inside the git repository at ${repo.root} and not ignored: add it to .gitignore`,
    );
    await repo.write(".gitignore", "*.key\n");
    const ignored = await runCli(["keygen", "keys/fine"], { cwd: repo.root });
    expect(ignored.code).toBe(0);
    expect(ignored.stderr).toBe("");
    // git clean keeps ignored files: later tests must not find this key in the repository.
    await rm(join(repo.root, "keys"), { recursive: true, force: true });
  });
});

describe("a signed lockfile, from activation to the application", () => {
  it("activate signs it; verify and lock --check accept it; an application given the public key loads it", async () => {
    const key = await signedRelease();
    const lockfile = await repo.lockfile();
    expect(lockfile.signature).toMatchObject({ alg: "ed25519", keyId: key.keyId });
    await repo.commit("Activate support v2 in production");

    expect((await repo.cli("verify")).code).toBe(0);
    const check = await repo.cli("lock", "--check");
    expect(check.code, check.stdout).toBe(0);

    registry = await runtime.loadPrompts({
      lockfile: await shipToApp(),
      env: "production",
      publicKey: key.publicPem,
    });
    expect(registry.get("support").version).toBe(2);
    expect(registry.messages("support", vars)[0]!.content).toContain(SUPPORT_TONE[2]);
  });

  it("a one-character hand edit: verify and lock --check exit 1, the application refuses it, a watching one keeps the last good", async () => {
    const key = await signedRelease();
    await repo.commit("Activate support v2 in production");
    const good = (await repo.lockText())!;
    const app = await shipToApp();

    const errors: Error[] = [];
    registry = await runtime.loadPrompts({
      lockfile: app,
      env: "production",
      publicKey: key.publicPem,
      watch: true,
      onError: (error) => errors.push(error),
    });

    await repo.writeLock(handEdit(good));
    for (const args of [["verify"], ["lock", "--check"]]) {
      const result = await repo.cli(...args);
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stdout).toContain(
        `was changed by someone without the key: its signature (key ${key.keyId}) does not match its content`,
      );
    }

    const refused = await rejection(
      runtime.loadPrompts({
        lockfile: join(repo.root, LOCKFILE),
        env: "production",
        publicKey: key.publicPem,
      }),
    );
    expect(refused).toMatchObject({ code: "lockfile-signature-invalid", exitCode: 1 });

    // In the bucket, or in transit: the watching application keeps serving v2.
    await replaceAtomically(app, handEdit(good));
    await expect.poll(() => errors.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({
      code: "lockfile-signature-invalid",
      message: expect.stringContaining("changed by someone without the key"),
    });
    expect(registry.get("support").version).toBe(2);
    expect(registry.messages("support", vars)[0]!.content).toContain(SUPPORT_TONE[2]);

    // The next lockfile the release job signs is taken.
    await repo.writeLock(good);
    const next = await releaseJob(key, "activate", "support@3", "--env", "production");
    expect(next.code, next.stderr).toBe(0);
    await replaceAtomically(app, (await repo.lockText())!);
    await expect.poll(() => registry!.get("support").version, { timeout: 10_000 }).toBe(3);
  });

  it("an unsigned lockfile is refused by the application and by verify", async () => {
    const key = await keygen();
    await configureSigning({ publicKey: key.publicKeyFile });
    await repo.ok("activate", "support@2", "--env", "production");
    expect((await repo.lockfile()).signature).toBeUndefined();

    const verify = await repo.cli("verify");
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(
      `is not signed, and only lockfiles signed with key ${key.keyId} are accepted`,
    );
    const refused = await rejection(
      runtime.loadPrompts({ lockfile: await shipToApp(), env: "production", publicKey: key.publicPem }),
    );
    expect(refused).toMatchObject({ code: "lockfile-unsigned" });
    expect(refused.hint).toContain("promptops lock --sign");
  });
});

describe("writing a lockfile when signing is configured", () => {
  it("an edit without the key drops the signature and says so; lock --sign signs it again", async () => {
    const key = await keygen();
    await configureSigning({ publicKey: key.publicKeyFile });
    const signed = await repo.cli("activate", "support@2", "--env", "production", "--sign", key.keyFile);
    expect(signed.code, signed.stderr).toBe(0);
    expect(signed.stdout).toContain(`signed promptops.lock with key ${key.keyId}`);
    expect((await repo.cli("verify")).code).toBe(0);

    // A developer activates staging on their machine, without the key.
    const local = await repo.cli("activate", "support@3", "--env", "staging");
    expect(local.code, local.stderr).toBe(0);
    expect(local.stdout).toContain(`removed the signature of key ${key.keyId} from promptops.lock`);
    expect(await repo.lockText()).not.toContain('"signature"');
    expect((await repo.cli("lock", "--check")).code).toBe(1);

    // An activation that changes nothing leaves the signature as it is.
    const relocked = await repo.cli("lock", "--sign", key.keyFile);
    expect(relocked.code, relocked.stderr).toBe(0);
    expect(relocked.stdout).toContain(`signed promptops.lock with key ${key.keyId}`);
    const resigned = await repo.lockText();
    const noop = await repo.cli("activate", "support@3", "--env", "staging");
    expect(noop.stdout).not.toContain("removed the signature");
    expect(await repo.lockText()).toBe(resigned);
    expect((await repo.cli("verify")).code).toBe(0);
  });

  it("a formatter's rewrite keeps the signature valid, and lock without the key restores the layout and keeps it", async () => {
    const key = await signedRelease();
    await repo.commit("Activate support v2 in production");
    const signed = (await repo.lockText())!;
    const reordered = (value: unknown): unknown =>
      value === null || typeof value !== "object" || Array.isArray(value)
        ? value
        : Object.fromEntries(
            Object.entries(value)
              .reverse()
              .map(([k, v]) => [k, reordered(v)]),
          );
    await repo.writeLock(`${JSON.stringify(reordered(JSON.parse(signed)), null, 4)}\n`);

    const check = await repo.cli("lock", "--check");
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("is stale or was edited by hand");
    expect(check.stdout).not.toContain("without the key");
    const relock = await runCli(["lock"], { cwd: repo.root, env: { PROMPTOPS_SIGNING_KEY: undefined } });
    // The config names a key, so every write needs it: nothing is written without it.
    expect(relock.code).toBe(2);
    await configureSigning({ publicKey: key.publicKeyFile });
    const reformatted = await repo.cli("lock");
    expect(reformatted.code, reformatted.stderr).toBe(0);
    expect(reformatted.stdout).not.toContain("signature");
    expect(await repo.lockText()).toBe(signed);
  });

  it("a configured key that is not there fails the command before anything is written", async () => {
    const key = await keygen();
    await configureSigning({ key: "env:PROMPTOPS_SIGNING_KEY", publicKey: key.publicKeyFile });
    const missing = await runCli(["activate", "support@2", "--env", "production"], {
      cwd: repo.root,
      env: { PROMPTOPS_SIGNING_KEY: undefined },
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("signing.key says PROMPTOPS_SIGNING_KEY, which is not set");
    expect(await repo.lockText()).toBeUndefined();

    // Not a key at all (a truncated secret): said without quoting what the variable holds.
    const broken = key.pem.slice(0, 60);
    const bad = await runCli(["activate", "support@2", "--env", "production"], {
      cwd: repo.root,
      env: { PROMPTOPS_SIGNING_KEY: broken },
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "signing.key (env:PROMPTOPS_SIGNING_KEY) is not an unencrypted PEM private key",
    );
    expect(bad.stderr).not.toContain(broken.split("\n")[1]);
    expect(await repo.lockText()).toBeUndefined();
  });

  it("a signing key that is not the configured public key is refused: applications would refuse what it signs", async () => {
    const trusted = await keygen();
    const other = await keygen();
    await configureSigning({ publicKey: trusted.publicKeyFile });
    const result = await repo.cli("activate", "support@2", "--env", "production", "--sign", other.keyFile);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`is key ${other.keyId}, but signing.publicKey is key ${trusted.keyId}`);
    expect(await repo.lockText()).toBeUndefined();
  });

  it("activate refuses to sign over a lockfile someone changed without the key; lock checks it against git and signs", async () => {
    const key = await signedRelease();
    await repo.commit("Activate support v2 in production");
    const edited = handEdit((await repo.lockText())!);
    await repo.writeLock(edited);

    const laundered = await releaseJob(key, "activate", "support@3", "--env", "staging");
    expect(laundered.code).toBe(1);
    expect(laundered.stderr).toContain("changed by someone without the key");
    expect(laundered.stderr).toContain("nothing was written");
    expect(await repo.lockText()).toBe(edited);

    // lock rebuilds every entry from the tags and the lockfile's history, then signs what it wrote.
    const relock = await releaseJob(key, "lock");
    expect(relock.code, relock.stderr + relock.stdout).toBe(0);
    expect(relock.stdout).toContain(`signed promptops.lock with key ${key.keyId}`);
    expect(await repo.lockText()).toContain("Ada Tester");
    expect((await repo.cli("verify")).code).toBe(0);
  });
});

describe("a merge of two signed activations", () => {
  it("leaves a signature over neither side; lock without the key drops it, the release job's lock --sign signs the merge", async () => {
    const key = await keygen();
    await configureSigning({ publicKey: key.publicKeyFile });
    const sign = ["--sign", key.keyFile];
    expect((await repo.cli("activate", "support@2", "--env", "production", ...sign)).code).toBe(0);
    await repo.commit("Activate support v2 in production");

    await repo.git("checkout", "--quiet", "-b", "staging-work");
    expect((await repo.cli("activate", "support@3", "--env", "staging", ...sign)).code).toBe(0);
    await repo.commit("Activate support v3 in staging");
    await repo.git("checkout", "--quiet", "main");
    expect((await repo.cli("activate", "billing/refund@2", "--env", "production", ...sign)).code).toBe(0);
    await repo.commit("Activate refund v2 in production");

    const merge = await repo.git("merge", "--quiet", "staging-work").then(
      () => "merged",
      (error: Error) => error.message,
    );
    expect(merge).toContain("exited 1");
    // Resolved as people do: each conflict block keeps our side.
    const conflicted = (await repo.lockText())!;
    expect(conflicted).toMatch(/^<{7} HEAD\n {4}"value": /m);
    const resolved = conflicted.replace(/^<{7}.*\n([\s\S]*?)^={7}\n[\s\S]*?^>{7}.*\n/gm, "$1");
    expect(resolved).not.toMatch(/^[<=>]{7}/m);
    await repo.writeLock(resolved);

    const local = await repo.cli("lock");
    expect(local.code, local.stdout + local.stderr).toBe(0);
    expect(local.stdout).toContain(`removed the signature of key ${key.keyId}`);
    const lockfile = await repo.lockfile();
    expect(lockfile.signature).toBeUndefined();
    expect(lockfile.environments.staging?.support?.version).toBe(3);
    expect(lockfile.environments.production?.["billing/refund"]?.version).toBe(2);
    await repo.commit("Merge staging-work");
    expect((await repo.cli("verify")).code).toBe(1);

    const release = await repo.cli("lock", ...sign);
    expect(release.code, release.stderr).toBe(0);
    expect(release.stdout).toContain(`signed promptops.lock with key ${key.keyId}`);
    await repo.commit("Sign the merged lockfile");
    const verify = await repo.cli("verify");
    expect(verify.code, verify.stdout).toBe(0);
  });
});

describe("rotating the signing key", () => {
  it("names both key ids wherever the old key's signature meets the new key, until lock re-signs", async () => {
    const old = await signedRelease();
    await repo.commit("Activate support v2 in production");
    const app = await shipToApp();
    const current = await keygen();
    await configureSigning({ key: "env:PROMPTOPS_SIGNING_KEY", publicKey: current.publicKeyFile });

    const check = await repo.cli("lock", "--check");
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(
      `is signed with key ${old.keyId}, but the trusted key is ${current.keyId}`,
    );

    const activate = await releaseJob(current, "activate", "support@3", "--env", "production");
    expect(activate.code).toBe(1);
    expect(activate.stderr).toContain(
      `is signed with key ${old.keyId}, not with the signing key ${current.keyId}: nothing was written`,
    );
    expect(activate.stderr).toContain("promptops lock --sign <new key file>");

    const resign = await releaseJob(current, "lock");
    expect(resign.code, resign.stderr).toBe(0);
    expect(resign.stdout).toContain(`signed promptops.lock with key ${current.keyId}`);
    expect((await repo.lockfile()).signature?.keyId).toBe(current.keyId);
    expect((await repo.cli("lock", "--check")).code).toBe(0);

    // An application still trusting the old key says which key signed and which it trusts.
    await replaceAtomically(app, (await repo.lockText())!);
    const refused = await rejection(
      runtime.loadPrompts({ lockfile: app, env: "production", publicKey: old.publicPem }),
    );
    expect(refused).toMatchObject({
      code: "lockfile-wrong-key",
      message: expect.stringContaining(
        `signed with key ${current.keyId}, but the trusted key is ${old.keyId}`,
      ),
    });
    registry = await runtime.loadPrompts({ lockfile: app, env: "production", publicKey: current.publicPem });
    expect(registry.get("support").version).toBe(2);
  });
});
