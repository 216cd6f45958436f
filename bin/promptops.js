#!/usr/bin/env node
import { main } from "../dist/cli/main.js";

// `promptops log x | head`: a reader that stops early is not an error, as with git.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv);
