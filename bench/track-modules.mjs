// Preloaded with NODE_OPTIONS=--import=<this file> to record every module a process loads, one URL per
// line, into the file named by PROMPTOPS_BENCH_MODULE_LOG. cold-start.mjs uses it to prove that
// `--help` and `validate` never load a provider SDK. Works on Node 20.19+ and 22+.
import { appendFileSync } from "node:fs";
import module, { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { isMainThread } from "node:worker_threads";

const log = process.env.PROMPTOPS_BENCH_MODULE_LOG;

// Module hooks run on their own thread, which loads this same file: only that copy uses this export,
// and a synchronous append keeps lines from a process that exits abruptly.
export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  if (log) appendFileSync(log, `${result.url}\n`);
  return result;
}

if (isMainThread && log) {
  // Node 22.15+ has in-thread synchronous hooks, and deprecates register() from Node 26 on (a
  // warning on stderr would be taken for the tracked process's own output).
  if (module.registerHooks) {
    module.registerHooks({
      resolve(specifier, context, nextResolve) {
        const result = nextResolve(specifier, context);
        appendFileSync(log, `${result.url}\n`);
        return result;
      },
    });
  } else module.register(import.meta.url);
  // require() calls inside CommonJS packages (nunjucks, yaml's CJS build…) bypass the ESM resolve hook
  // on Node 20, but every one of them lands in the CommonJS cache, read once at exit.
  const cjsCache = createRequire(import.meta.url)("node:module")._cache;
  process.on("exit", () => {
    const urls = Object.keys(cjsCache).map((file) => pathToFileURL(file).href);
    if (urls.length > 0) appendFileSync(log, `${urls.join("\n")}\n`);
  });
}
