import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { packageFile } from "./package-root.js";

let buildId: string | null | undefined;

/**
 * Which build of the CLI bundle is running: its entry chunk's content-hashed name, which changes
 * with any change to the bundle's code (scripts/bundle-cli.mjs). Undefined when running from src/
 * or tsc's dist/ (tests, the runtime library): state kept between runs by one build must not be
 * read by code that may differ from it.
 */
export function bundleBuildId(): string | undefined {
  if (buildId === undefined) {
    buildId = null;
    const bundleDir = packageFile("dist", "bundle");
    if (fileURLToPath(import.meta.url).startsWith(bundleDir)) {
      try {
        buildId = String(
          JSON.parse(readFileSync(packageFile("dist", "bundle", "manifest.json"), "utf8")).entry,
        );
      } catch {
        // No manifest: nothing is kept between runs.
      }
    }
  }
  return buildId ?? undefined;
}
