import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { CONFIG_FILE_NAME } from "../config/config.js";
import { PromptOpsError } from "../errors.js";
import { GITHUB_WORKFLOW, GITHUB_WORKFLOW_PATH } from "./ci-workflow.js";
import {
  CONFIG_TEMPLATE,
  EXAMPLE_PARTIAL_PATH,
  EXAMPLE_PROMPT_PATH,
  PARTIAL_TEMPLATE,
  PROMPT_TEMPLATE,
} from "./templates.js";

export interface InitOptions {
  cwd: string;
  force: boolean;
  /** Also write a CI workflow for this system. */
  ci?: "github";
}

export interface PlannedFile {
  /** Relative to cwd. */
  path: string;
  action: "create" | "overwrite" | "update" | "unchanged";
  content: string;
}

const STATE_DIR_LINE = ".promptops/";

/** Works out every file to write before writing any, so a refusal leaves the directory untouched. */
export function planInit(options: InitOptions): PlannedFile[] {
  const promptsDir = "prompts";
  const plan: PlannedFile[] = [];
  const owned: Array<[string, string]> = [
    [CONFIG_FILE_NAME, CONFIG_TEMPLATE],
    [`${promptsDir}/${EXAMPLE_PROMPT_PATH}`, PROMPT_TEMPLATE],
    [`${promptsDir}/${EXAMPLE_PARTIAL_PATH}`, PARTIAL_TEMPLATE],
    ...(options.ci === "github" ? [[GITHUB_WORKFLOW_PATH, GITHUB_WORKFLOW] as [string, string]] : []),
  ];
  const existing = owned.filter(([path]) => existsSync(join(options.cwd, path))).map(([path]) => path);
  if (existing.length > 0 && !options.force) {
    throw new PromptOpsError("init-would-overwrite", `refusing to overwrite ${existing.join(", ")}`, {
      exitCode: 2,
      hint: "run `promptops init --force` to replace them",
    });
  }
  for (const [path, content] of owned) {
    plan.push({ path, content, action: existing.includes(path) ? "overwrite" : "create" });
  }
  plan.push(planGitignore(options.cwd));
  plan.push(planEditorSettings(options.cwd, promptsDir));
  return plan;
}

function planGitignore(cwd: string): PlannedFile {
  const path = ".gitignore";
  const file = join(cwd, path);
  if (!existsSync(file)) return { path, action: "create", content: `${STATE_DIR_LINE}\n` };
  const current = readFileSync(file, "utf8");
  const lines = current.split(/\r?\n/).map((l) => l.trim());
  if (lines.includes(STATE_DIR_LINE) || lines.includes(".promptops") || lines.includes("/.promptops/")) {
    return { path, action: "unchanged", content: current };
  }
  const separator = current === "" || current.endsWith("\n") ? "" : "\n";
  return { path, action: "update", content: `${current}${separator}${STATE_DIR_LINE}\n` };
}

/** Maps prompt and config files to our JSON Schemas for the YAML extension (completion, hover help). */
function planEditorSettings(cwd: string, promptsDir: string): PlannedFile {
  const path = ".vscode/settings.json";
  const file = join(cwd, path);
  const schemas = {
    "./node_modules/promptops/schemas/prompt.schema.json": [`${promptsDir}/**/*.prompt.yaml`],
    "./node_modules/promptops/schemas/config.schema.json": [CONFIG_FILE_NAME],
  };
  let settings: Record<string, unknown> = {};
  let action: PlannedFile["action"] = "create";
  if (existsSync(file)) {
    action = "update";
    try {
      settings = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      throw new PromptOpsError(
        "init-settings-unreadable",
        `${path} is not plain JSON, so it cannot be merged safely`,
        {
          exitCode: 2,
          hint: `add "yaml.schemas": ${JSON.stringify(schemas)} to it by hand`,
        },
      );
    }
  }
  const existing = (settings["yaml.schemas"] as Record<string, unknown> | undefined) ?? {};
  settings["yaml.schemas"] = { ...existing, ...schemas };
  const content = `${JSON.stringify(settings, null, 2)}\n`;
  if (action === "update" && readFileSync(file, "utf8") === content) action = "unchanged";
  return { path, action, content };
}

export function applyInit(cwd: string, plan: readonly PlannedFile[]): void {
  for (const entry of plan) {
    if (entry.action === "unchanged") continue;
    const file = join(cwd, entry.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, entry.content);
  }
}

export function initProject(options: InitOptions): PlannedFile[] {
  const plan = planInit(options);
  applyInit(options.cwd, plan);
  return plan.map((entry) => ({ ...entry, path: relative(options.cwd, join(options.cwd, entry.path)) }));
}
