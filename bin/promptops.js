#!/usr/bin/env node
import { readFileSync } from "node:fs";
import module, { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

// The CLI runs from a bundle of a few CommonJS chunks (scripts/bundle-cli.mjs), loaded with a code
// cache when one can be kept: Node 22.1+ has its own, Node 20 gets ours. `--debug` skips the cache
// and maps stack traces back through the bundle's source maps.
const bundleDir = new URL("../dist/bundle/", import.meta.url);
const { entry } = JSON.parse(readFileSync(new URL("manifest.json", bundleDir), "utf8"));
const entryFile = fileURLToPath(new URL(entry, bundleDir));
const debug = process.argv.includes("--debug");
const require = createRequire(import.meta.url);

let main;
if (debug) {
  process.setSourceMapsEnabled(true);
  ({ main } = require(entryFile));
} else if (module.enableCompileCache) {
  module.enableCompileCache();
  ({ main } = require(entryFile));
} else if (process.env.NODE_DISABLE_COMPILE_CACHE) {
  ({ main } = require(entryFile));
} else {
  const { requireWithCodeCache, codeCacheDir } = await import("../dist/lib/startup/code-cache-loader.js");
  ({ main } = requireWithCodeCache(entryFile, codeCacheDir(process.argv)));
}

// `promptops log x | head`: a reader that stops early is not an error, as with git.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv);
