// Bundles the CLI (tsc's dist/cli/main.js and every package it imports) into a few CommonJS chunks in
// dist/bundle/. A start-up of `promptops test` on Node 20 spent ~100 ms resolving, reading and
// compiling some 400 small files one by one (bench/baseline-throughput.mjs); a chunk per command
// and per provider SDK keeps what a command does not use unread, as before. CommonJS because that
// is what bin/promptops.js can load with V8's code cache on Node 20 (src/startup/code-cache-loader.ts).
// The runtime library (dist/runtime) is not bundled: applications import it with their own tools.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "dist", "bundle");
rmSync(outDir, { recursive: true, force: true });

const { output } = await build({
  input: { main: join(root, "dist", "cli", "main.js") },
  platform: "node",
  logLevel: "warn",
  // One copy of re2js in the bundle (its ES module build), whoever imports it how (264 KB each).
  resolve: { alias: { re2js: join(root, "node_modules", "re2js", "build", "index.js") } },
  // Optional peer dependencies, imported from the user's install: the Anthropic SDK for anthropic:
  // models, gpt-tokenizer for --max-cost (its vocabulary alone was 1 MB of the 2 MB package), the
  // TypeScript compiler API for extract (9 MB).
  external: [/^@anthropic-ai\/sdk(\/|$)/, /^gpt-tokenizer(\/|$)/, /^@typescript\/typescript6(\/|$)/],
  output: {
    dir: outDir,
    format: "cjs",
    // Content-hashed names: a chunk's name says which code it holds, so its code cache can be keyed
    // by name alone.
    entryFileNames: "[name]-[hash].cjs",
    chunkFileNames: "[name]-[hash].cjs",
    sourcemap: true,
    codeSplitting: {
      groups: [{ name: "openai-sdk", test: /[\\/]node_modules[\\/]openai[\\/]/ }],
    },
  },
});

// `--debug` maps stack traces back to src/ through the maps' mappings; the sources' text in them
// (sourcesContent) is read by debuggers only, and was two thirds of the installed package.
for (const chunk of output)
  if (chunk.type === "chunk" && chunk.sourcemapFileName) {
    const file = join(outDir, chunk.sourcemapFileName);
    const map = JSON.parse(readFileSync(file, "utf8"));
    delete map.sourcesContent;
    writeFileSync(file, JSON.stringify(map));
  }

const entry = output.find((chunk) => chunk.type === "chunk" && chunk.isEntry);
writeFileSync(join(outDir, "manifest.json"), `${JSON.stringify({ entry: entry.fileName }, null, 2)}\n`);
writeFileSync(join(outDir, "THIRD-PARTY-LICENSES.txt"), thirdPartyLicenses(output));

/** The license of every package whose code the bundle holds, as their licenses ask. */
function thirdPartyLicenses(chunks) {
  const packages = new Map();
  for (const chunk of chunks) {
    if (chunk.type !== "chunk") continue;
    for (const id of chunk.moduleIds) {
      const match = /^(.*[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+))[\\/]/.exec(id);
      if (match && !packages.has(match[2])) packages.set(match[2], match[1]);
    }
  }
  const sections = [...packages]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, dir]) => {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      const text = licenseText(dir);
      return `${name}@${pkg.version} (${pkg.license ?? "see package"})\n\n${text ?? "(no license file shipped)"}\n`;
    });
  return `promptops bundles the following packages.\n\n${sections.join(`\n${"-".repeat(72)}\n\n`)}`;
}

function licenseText(dir) {
  for (const name of ["LICENSE", "LICENSE.md", "LICENSE.txt", "license", "LICENCE", "license.md"]) {
    try {
      return readFileSync(join(dir, name), "utf8").trim();
    } catch {
      // next candidate
    }
  }
  return undefined;
}
