import { PromptOpsError } from "../../errors.js";
import { readProjectFile, UnreadableFileError } from "../../fs/project-file.js";
import { parseYamlSource, type YamlSource } from "../../yaml/yaml-source.js";
import { isRecord } from "../promptfoo/not-carried.js";

/** A .prompty file cut in two: its YAML front matter (parsed, with positions) and its template body. */
export interface PromptySource {
  /** The front matter, parsed as if the file ended there: its lines are the file's lines. */
  frontMatter: YamlSource;
  attributes: Record<string, unknown>;
  body: string;
  /** 1-based line of the file on which the body starts. */
  bodyLine: number;
}

const FENCE = /^\s*(?:---|\+\+\+)\s*$/;

/** Far above any real prompt; a bigger file is a mistake or an attack, and is not parsed. */
export const MAX_PROMPTY_BYTES = 1024 * 1024;

/**
 * Reads a .prompty file (untrusted: read from inside `root` only, size-capped) and splits it where
 * Prompty does: a `---` line, the front matter, the next `---` line, then the body.
 */
export function readPromptySource(file: string, displayName: string, root: string): PromptySource {
  let text: string;
  try {
    text = readProjectFile(file, root, "its folder");
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    throw new PromptOpsError("import-source-unreadable", `${displayName} ${error.message}`, {
      hint: "give the path of a .prompty file",
      location: { file: displayName },
    });
  }
  if (Buffer.byteLength(text) > MAX_PROMPTY_BYTES) {
    throw new PromptOpsError("import-source-invalid", "is over 1 MiB: not a Prompty file read by promptops", {
      hint: "a .prompty file holds one prompt; split it, or check that this is the file you meant",
      location: { file: displayName },
    });
  }
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const open = lines.findIndex((line) => line.trim() !== "");
  const close =
    open < 0 || !FENCE.test(lines[open]!) ? -1 : lines.findIndex((l, i) => i > open && FENCE.test(l));
  if (close < 0) {
    throw new PromptOpsError(
      "import-source-invalid",
      "is not a Prompty file: no front matter between --- lines",
      {
        hint: "a .prompty file starts with YAML front matter between two --- lines, then the prompt",
        location: { file: displayName, line: 1, col: 1 },
      },
    );
  }
  // Blank lines in place of the fences and whatever precedes the front matter keep its line numbers.
  const yamlText = `${"\n".repeat(open + 1)}${lines.slice(open + 1, close).join("\n")}\n`;
  const frontMatter = parseYamlSource(displayName, yamlText);
  const error = frontMatter.diagnostics.find((d) => d.severity === "error");
  const value = frontMatter.value ?? {};
  if (error || !isRecord(value)) {
    throw new PromptOpsError(
      "import-source-invalid",
      error ? error.message : "the front matter is not a YAML map",
      {
        hint: "fix the front matter, or check that Prompty itself loads the file",
        location: error
          ? { file: displayName, line: error.line, col: error.col }
          : { file: displayName, line: open + 2, col: 1 },
      },
    );
  }
  return { frontMatter, attributes: value, body: lines.slice(close + 1).join("\n"), bodyLine: close + 2 };
}
