import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { PromptOpsError } from "../../errors.js";
import { toAnthropicMessages, toOpenAIMessages, toText } from "../../prompt/provider-formats.js";
import { renderDraft } from "../../prompt/render-draft.js";
import { renderVersion } from "../../versions/render-version.js";
import { parseYamlSource } from "../../yaml/yaml-source.js";
import type { GlobalOptions } from "../main.js";
import { printJson } from "../output.js";
import { versionFromFlags } from "../version-flags.js";

export interface RenderCommandOptions extends GlobalOptions {
  id: string;
  varsFile: string | undefined;
  vars: string[];
  format: "openai" | "anthropic" | "text";
  /** `--version`: `3`, `v3`, `draft` or `env:E`. */
  version: string | undefined;
  /** `--env`: the version active in that environment. */
  env: string | undefined;
  /** --json: the rendering with what was rendered (id, version, hash), for scripts. */
  json: boolean;
}

export async function runRender(options: RenderCommandOptions): Promise<number> {
  const version = versionFromFlags(options);
  const vars = options.varsFile ? readVarsFile(resolve(options.cwd, options.varsFile)) : {};
  const rendered = version
    ? await renderVersion({
        cwd: options.cwd,
        id: options.id,
        version,
        vars,
        assignments: options.vars,
      })
    : renderDraft({ cwd: options.cwd, id: options.id, vars, assignments: options.vars });
  if (options.json) {
    const label = "label" in rendered ? rendered.label : rendered.version;
    const shaped =
      options.format === "text"
        ? { text: toText(rendered.messages) }
        : options.format === "anthropic"
          ? toAnthropicMessages(rendered.messages)
          : { messages: toOpenAIMessages(rendered.messages) };
    printJson({ id: options.id, version: label, hash: rendered.hash, format: options.format, ...shaped });
  } else if (options.format === "text") process.stdout.write(toText(rendered.messages));
  else if (options.format === "anthropic") printJson(toAnthropicMessages(rendered.messages));
  else printJson(toOpenAIMessages(rendered.messages));
  return 0;
}

function readVarsFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new PromptOpsError("vars-file-missing", `cannot read variables file ${file}`, { exitCode: 2 });
  }
  // The prompt files' parser: every YAML problem (syntax, an alias bomb) is one located line.
  const { value, diagnostics } = parseYamlSource(file, text);
  const error = diagnostics.find((d) => d.severity === "error");
  if (error) {
    throw new PromptOpsError("vars-file-invalid", error.message, {
      exitCode: 1,
      location: error,
      hint: error.hint ?? "the variables file must be YAML or JSON: a map of variable names to values",
    });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new PromptOpsError("vars-file-invalid", `${file} must hold a map of variable names to values`, {
      exitCode: 1,
    });
  }
  return value as Record<string, unknown>;
}
