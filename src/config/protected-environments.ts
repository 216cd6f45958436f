import type { Diagnostic } from "../diagnostics.js";
import type { YamlSource } from "../yaml/yaml-source.js";
import { type ConfigFile, defaultConfig, type ProtectionRule } from "./config.js";

/**
 * `environments:` entries are names or `{ name, protected }`; everything but governance reads
 * only the names, so they stay a plain list and protection is kept beside it.
 */
export function environmentsOf(written: ConfigFile): {
  environments: string[];
  protectedEnvironments: Record<string, ProtectionRule>;
} {
  const entries = written.environments ?? [...defaultConfig.environments];
  const environments: string[] = [];
  const protectedEnvironments: Record<string, ProtectionRule> = {};
  for (const entry of entries) {
    if (typeof entry === "string") {
      environments.push(entry);
      continue;
    }
    environments.push(entry.name);
    const rule = { tests: entry.protected?.tests ?? false, approvals: entry.protected?.approvals ?? 0 };
    // `protected: {}` requires nothing, so it protects nothing.
    if (rule.tests || rule.approvals > 0) protectedEnvironments[entry.name] = rule;
  }
  return { environments, protectedEnvironments };
}

/** E-mails compare without case, as mail systems and git hosts do. */
export function ownersOf(owners: ConfigFile["owners"]): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(owners ?? {}).map(([handle, emails]) => [handle, emails.map((e) => e.toLowerCase())]),
  );
}

/** The schema checks each entry; two entries with the same name are caught here. */
export function checkEnvironmentNames(source: YamlSource, written: ConfigFile): Diagnostic[] {
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  (written.environments ?? []).forEach((entry, i) => {
    const name = typeof entry === "string" ? entry : entry.name;
    if (seen.has(name)) {
      const { line, col } = source.locate(["environments", i]);
      diagnostics.push({
        file: source.file,
        line,
        col,
        severity: "error",
        code: "config-environment-duplicate",
        message: `environment "${name}" is listed twice`,
        hint: "list each environment once, with its protection if it has one",
      });
    }
    seen.add(name);
  });
  return diagnostics;
}
