import type { Diagnostic } from "../diagnostics.js";
import type { YamlSource } from "../yaml/yaml-source.js";
import type { ConfigFile } from "./config.js";
import { paramNameProblems } from "./param-names.js";
import { type NameProblem, refProblem } from "./provider-names.js";

/**
 * The provider names of a config that matches its schema: the kinds in `providers:` strings, the
 * ids (each once), the params of provider objects, and what `judge:` and `embeddings:` name. A
 * typo here used to surface only when `test` got to it.
 */
export function checkConfigProviders(source: YamlSource, written: ConfigFile): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = (path: (string | number)[], code: string, problem: NameProblem, target?: "key") => {
    const { line, col } = source.locate(path, target);
    diagnostics.push({
      file: source.file,
      line,
      col,
      severity: "error",
      code,
      message: problem.message,
      hint: problem.hint,
    });
  };
  const ids: string[] = [];
  (written.providers ?? []).forEach((entry, i) => {
    const id = typeof entry === "string" ? entry.trim() : entry.id;
    if (typeof entry === "string") {
      const problem = refProblem(entry, []);
      if (problem) report(["providers", i], "config-provider", problem);
    } else if (entry.params) {
      for (const problem of paramNameProblems(entry.params, `providers.${i}.params`))
        report(["providers", i, "params", problem.name], "config-provider-param", problem, "key");
    }
    if (ids.includes(id))
      report(["providers", i], "config-provider-duplicate", {
        message: `two providers in the config have the id "${id}"`,
        hint: "give each provider a distinct id",
      });
    ids.push(id);
  });
  for (const key of ["judge", "embeddings"] as const) {
    const ref = written[key];
    const problem = ref === undefined ? undefined : refProblem(ref, ids);
    if (problem) report([key], `config-${key}`, problem);
  }
  return diagnostics;
}
