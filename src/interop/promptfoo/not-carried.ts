import type { SourceLocation } from "../../errors.js";
import type { PathSegment, YamlSource } from "../../yaml/yaml-source.js";

/** Something of the source project that the import could not carry over, and where it is. */
export interface NotCarried {
  location: Required<SourceLocation>;
  /** "dropped": not in the promptops project; "review": carried over, but read it before relying on it. */
  kind: "dropped" | "review";
  message: string;
}

/** Collects what an import leaves behind, each pointed at its place in the promptfoo config. */
export class NotCarriedList {
  readonly items: NotCarried[] = [];
  constructor(private readonly source: YamlSource) {}

  add(
    path: readonly PathSegment[],
    message: string,
    target: "key" | "value" = "value",
    kind: NotCarried["kind"] = "dropped",
  ): void {
    const at = this.source.locate(path, target);
    this.items.push({ location: { file: this.source.file, line: at.line, col: at.col }, kind, message });
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
