import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Diagnostic } from "../diagnostics.js";
import { PromptOpsError } from "../errors.js";
import { isInside, realRoot } from "../fs/project-file.js";
import { configValidator } from "../schemas/generated/config-validator.js";
import { schemaDiagnostics } from "../schemas/schema-diagnostics.js";
import { parseYamlSource } from "../yaml/yaml-source.js";
import { checkConfigProviders } from "./check-config-providers.js";
import { CONFIG_FILE_NAME, type ConfigFile, defaultConfig, type ProjectConfig } from "./config.js";
import { checkEnvironmentNames, environmentsOf, ownersOf } from "./protected-environments.js";

/** Walks up from `cwd` like git and npm do, so commands work from any subdirectory. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export interface LoadedConfig {
  config: ProjectConfig;
  diagnostics: Diagnostic[];
}

/** Reads and checks the config; problems come back as diagnostics and defaults fill the gaps. */
export function loadConfig(cwd: string): LoadedConfig {
  const configFile = findConfigFile(cwd);
  const root = configFile ? dirname(configFile) : resolve(cwd);
  let written: ConfigFile = {};
  const diagnostics: Diagnostic[] = [];
  if (configFile) {
    const source = parseYamlSource(configFile, readFileSync(configFile, "utf8"));
    diagnostics.push(...source.diagnostics);
    const value = source.value ?? {};
    if (source.value !== undefined && source.value !== null) {
      const validate = configValidator();
      if (validate(value)) {
        written = value as ConfigFile;
        diagnostics.push(...checkConfigProviders(source, written));
        diagnostics.push(...checkEnvironmentNames(source, written));
      } else diagnostics.push(...schemaDiagnostics(source, validate.errors, "config"));
    }
    if (written.promptsDir !== undefined && !insideProject(resolve(root, written.promptsDir), root)) {
      const { line, col } = source.locate(["promptsDir"]);
      diagnostics.push({
        file: configFile,
        line,
        col,
        severity: "error",
        code: "config-prompts-dir-outside",
        message: `promptsDir "${written.promptsDir}" is outside the project`,
        hint: "promptsDir is a folder inside the project (the folder of promptops.config.yaml); nothing outside it is read",
      });
      // Nothing outside is read, not even by validate, which goes on to report the rest.
      const { promptsDir: _outside, ...rest } = written;
      written = rest;
    }
  }
  return { config: resolveConfig(root, configFile, written), diagnostics };
}

/** Real paths, so that a promptsDir which is a link to elsewhere counts as elsewhere. */
function insideProject(dir: string, root: string): boolean {
  const realDir = realRoot(dir);
  const realProject = realRoot(root);
  return realDir === realProject || isInside(realDir, realProject);
}

/** For every command but validate: a broken config stops the command with its first problem. */
export function loadConfigOrThrow(cwd: string): ProjectConfig {
  const { config, diagnostics } = loadConfig(cwd);
  const first = diagnostics.find((d) => d.severity === "error");
  if (first) {
    throw new PromptOpsError("config-invalid", first.message, {
      location: first,
      hint: first.hint ?? "run `promptops validate` to see every problem",
      exitCode: 2,
    });
  }
  return config;
}

function resolveConfig(root: string, configFile: string | undefined, written: ConfigFile): ProjectConfig {
  return {
    root,
    configFile,
    promptsDir: resolve(root, written.promptsDir ?? defaultConfig.promptsDir),
    tagPrefix: written.tagPrefix ?? defaultConfig.tagPrefix,
    ...environmentsOf(written),
    owners: ownersOf(written.owners),
    providers: written.providers ?? [...defaultConfig.providers],
    judge: written.judge,
    embeddings: written.embeddings,
    test: { ...defaultConfig.test, ...written.test },
    pricing: written.pricing ?? {},
    types: written.types,
    judgePrompt: written.judgePrompt,
    pairwiseJudgePrompt: written.pairwiseJudgePrompt,
    signing: written.signing ?? {},
  };
}
