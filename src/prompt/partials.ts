import { realpathSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { isInside, readProjectFile, UnreadableFileError } from "../fs/project-file.js";
import { analyseTemplate, type TemplateAnalysis, TemplateSyntaxError } from "./template-analysis.js";

export type PartialProblem =
  | { kind: "outside"; name: string }
  | { kind: "missing"; name: string; file: string }
  | { kind: "syntax"; name: string; file: string; text: string; error: TemplateSyntaxError };

export interface Partial {
  name: string;
  file: string;
  text: string;
  analysis: TemplateAnalysis;
}

/**
 * Reads partials by their include name, confined to promptsDir, each file read and parsed once
 * per run however many prompts include it.
 */
export class PartialStore {
  private readonly cache = new Map<string, Partial | PartialProblem>();
  private readonly realPromptsDir: string;

  /** `readText` reads partials from elsewhere than the working tree (a commit). */
  constructor(
    readonly promptsDir: string,
    private readonly readText?: (file: string) => string,
  ) {
    this.realPromptsDir = safeRealpath(promptsDir) ?? promptsDir;
  }

  get(name: string): Partial | PartialProblem {
    let entry = this.cache.get(name);
    if (!entry) {
      entry = this.load(name);
      this.cache.set(name, entry);
    }
    return entry;
  }

  private load(name: string): Partial | PartialProblem {
    if (isAbsolute(name) || name.includes("\\")) return { kind: "outside", name };
    const file = resolve(this.promptsDir, name);
    if (!isInside(file, this.promptsDir)) return { kind: "outside", name };
    let text: string;
    try {
      text = this.readText ? this.readText(file) : readProjectFile(file, this.realPromptsDir, "promptsDir");
    } catch (error) {
      // A FIFO or device is "missing" as a partial: nothing readable has that name.
      if (error instanceof UnreadableFileError && error.reason === "outside")
        return { kind: "outside", name };
      return { kind: "missing", name, file };
    }
    // A symlink inside promptsDir must not smuggle in a file from elsewhere.
    const real = safeRealpath(file);
    if (real && !isInside(real, this.realPromptsDir)) return { kind: "outside", name };
    try {
      return { name, file, text, analysis: analyseTemplate(text) };
    } catch (error) {
      if (error instanceof TemplateSyntaxError) return { kind: "syntax", name, file, text, error };
      throw error;
    }
  }
}

export function isPartialProblem(entry: Partial | PartialProblem): entry is PartialProblem {
  return "kind" in entry;
}

function safeRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
