#!/usr/bin/env node
import module from "node:module";

// Node 22.1+ can cache compiled code between runs (a faster start for every command); Node 20
// has no such API, and the CLI starts without it.
module.enableCompileCache?.();

const { main } = await import("../dist/cli/main.js");

// `promptops log x | head`: a reader that stops early is not an error, as with git.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv);
