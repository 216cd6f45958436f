import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { build as esbuild } from "esbuild";
import { rolldown } from "rolldown";
import { build as viteBuild } from "vite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lockfileToWrite } from "../../src/lockfile/lockfile-to-write.js";
import { serializeLockfile } from "../../src/lockfile/serialize-lockfile.js";
import { type NodeResult, runNode } from "../helpers/run-node.js";
import {
  buildLockfile,
  DIST,
  makeTempDir,
  newSigningKey,
  requireBuild,
  type TempDir,
} from "../lockfile/lockfile-fixtures.js";

// Serverless functions and Next.js server code ship as one bundled file, with no node_modules and no
// package.json beside it. The runtime must work there: nothing it needs may be found by path.

const APP = `import { existsSync, readFileSync } from "node:fs";
import { loadPrompts } from "promptops";
// With a public key beside it, the app accepts only lockfiles signed with that key.
const publicKey = existsSync("promptops.pub") ? readFileSync("promptops.pub", "utf8") : undefined;
loadPrompts({ lockfile: "promptops.lock", env: "production", publicKey }).then(
  (prompts) => {
    const messages = prompts.messages("support-agent", { userMessage: "Refund?", customer: { name: "Ann", plan: "pro" } });
    process.stdout.write(JSON.stringify({ ids: prompts.ids(), messages }));
  },
  (error) => {
    process.stdout.write(JSON.stringify({ error: { code: error.code, message: error.message } }));
  },
);
`;

let source: TempDir;
let deploy: TempDir;
beforeEach(() => {
  requireBuild();
  // The app's project: its own code and `promptops` installed (a link to this package's build).
  source = makeTempDir("promptops-app-src-");
  mkdirSync(source.path("node_modules"));
  symlinkSync(join(DIST, ".."), source.path("node_modules/promptops"), "dir");
  writeFileSync(source.path("app.js"), APP);
  // Where the bundle runs: the bundle and the lockfile, nothing else.
  deploy = makeTempDir("promptops-app-deploy-");
});
afterEach(() => {
  source.cleanup();
  deploy.cleanup();
});

const CREATE_REQUIRE =
  'import { createRequire as topLevelCreateRequire } from "node:module"; const require = topLevelCreateRequire(import.meta.url);';

type Bundler = (format: "esm" | "cjs", outfile: string) => Promise<void>;

const withEsbuild: Bundler = async (format, outfile) => {
  await esbuild({
    entryPoints: [source.path("app.js")],
    bundle: true,
    platform: "node",
    format,
    outfile,
    logLevel: "silent",
    // esbuild's ESM output cannot require() Node built-ins from CommonJS packages (nunjucks needs
    // "events"); this banner is esbuild's documented remedy, as every ESM server bundle uses it.
    banner: format === "esm" ? { js: CREATE_REQUIRE } : {},
  });
};

const withRolldown: Bundler = async (format, outfile) => {
  const bundle = await rolldown({ input: source.path("app.js"), platform: "node", logLevel: "silent" });
  await bundle.write({ file: outfile, format, codeSplitting: false });
  await bundle.close();
};

// Vite's server-side build, with every dependency bundled as serverless deployments do.
const withVite: Bundler = async (format, outfile) => {
  await viteBuild({
    root: source.root,
    configFile: false,
    logLevel: "silent",
    ssr: { noExternal: true, target: "node" },
    build: {
      ssr: source.path("app.js"),
      outDir: dirname(outfile),
      emptyOutDir: false,
      minify: false,
      rolldownOptions: {
        output: { format: format === "esm" ? "es" : "cjs", entryFileNames: basename(outfile) },
      },
    },
  });
};

function run(file: string): Promise<NodeResult> {
  return runNode([file], { cwd: deploy.root });
}

describe.each([
  ["esbuild", withEsbuild],
  ["Rolldown (Rollup's API)", withRolldown],
  ["Vite (ssr.noExternal)", withVite],
] as const)(
  "an app bundled by %s, run from a folder with only the bundle and the lockfile",
  (_name, bundler) => {
    it.each([
      ["ESM", "esm", "app.mjs"],
      ["CommonJS", "cjs", "app.cjs"],
    ] as const)("loads the lockfile and renders (%s)", async (_format, format, name) => {
      await bundler(format, deploy.path(name));
      writeFileSync(
        deploy.path("promptops.lock"),
        serializeLockfile(buildLockfile({ production: { "support-agent": 3, "order-status": 1 } })),
      );
      expect(readdirSync(deploy.root).sort()).toEqual([name, "promptops.lock"].sort());

      const { code, stdout, stderr } = await run(deploy.path(name));
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({
        ids: ["order-status", "support-agent"],
        messages: [
          {
            role: "system",
            content: "You are Ava (prompt v3), talking to Ann.\nPoint to status.acme.cloud.",
          },
          { role: "user", content: "Refund?" },
        ],
      });
    });

    it("still checks the lockfile: a tampered one is refused with its error code", async () => {
      await bundler("esm", deploy.path("app.mjs"));
      const text = serializeLockfile(buildLockfile({ production: { "support-agent": 3 } }));
      writeFileSync(deploy.path("promptops.lock"), text.replace('"temperature": 0.2', '"temperature": 0.9'));

      const { code, stdout, stderr } = await run(deploy.path("app.mjs"));
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({
        error: { code: "lockfile-invalid", message: expect.stringMatching(/tampered with/) },
      });
    });

    it("checks a signed lockfile with node:crypto: signed loads, hand-edited is refused", async () => {
      await bundler("esm", deploy.path("app.mjs"));
      const signer = newSigningKey();
      writeFileSync(deploy.path("promptops.pub"), signer.publicPem);
      const content = buildLockfile({ production: { "support-agent": 3 } });
      const { text } = lockfileToWrite(content, undefined, signer);

      writeFileSync(deploy.path("promptops.lock"), text);
      const signed = await run(deploy.path("app.mjs"));
      expect(signed.stderr).toBe("");
      expect(JSON.parse(signed.stdout)).toMatchObject({ ids: ["support-agent"] });

      writeFileSync(deploy.path("promptops.lock"), text.replace("Ann <ann@acme.io>", "Bob <ann@acme.io>"));
      const edited = await run(deploy.path("app.mjs"));
      expect(edited.stderr).toBe("");
      expect(JSON.parse(edited.stdout)).toEqual({
        error: { code: "lockfile-signature-invalid", message: expect.stringMatching(/without the key/) },
      });
    });
  },
);

// @opentelemetry/api is an optional peer: an app that does not install it must still bundle, and
// only asking for observe.otel: true then fails, with a code and a hint, at start-up.
describe("an app bundled without @opentelemetry/api", () => {
  const OBSERVED_APP = (otel: boolean) => `import { loadPrompts } from "promptops";
loadPrompts({ lockfile: "promptops.lock", env: "production", observe: { otel: ${otel} } }).then(
  (prompts) => process.stdout.write(JSON.stringify({ traceId: prompts.prepare("support-agent", { userMessage: "Hi", customer: { name: "Ann", plan: "pro" } }).traceId })),
  (error) => process.stdout.write(JSON.stringify({ error: { code: error.code, message: error.message, hint: error.hint } })),
);
`;
  const bundleAndRun = async (otel: boolean) => {
    writeFileSync(source.path("app.js"), OBSERVED_APP(otel));
    await withEsbuild("esm", deploy.path("app.mjs"));
    writeFileSync(
      deploy.path("promptops.lock"),
      serializeLockfile(buildLockfile({ production: { "support-agent": 3 } })),
    );
    return run(deploy.path("app.mjs"));
  };

  it("gets otel-missing from observe.otel: true, and records without it", async () => {
    const missing = await bundleAndRun(true);
    expect(missing.stderr).toBe("");
    expect(JSON.parse(missing.stdout)).toEqual({
      error: {
        code: "otel-missing",
        message: "observe.otel is on but @opentelemetry/api cannot be loaded",
        hint: expect.stringContaining("npm install @opentelemetry/api"),
      },
    });

    const off = await bundleAndRun(false);
    expect(off.stderr).toBe("");
    expect(JSON.parse(off.stdout)).toEqual({ traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });
});
