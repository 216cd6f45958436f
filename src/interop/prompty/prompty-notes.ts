import type { YamlSource } from "../../yaml/yaml-source.js";
import { type NotCarried, NotCarriedList } from "../promptfoo/not-carried.js";

/** What a Prompty import leaves behind: in the front matter (by path) or in the body (by line). */
export class PromptyNotes extends NotCarriedList {
  constructor(private readonly frontMatter: YamlSource) {
    super(frontMatter);
  }

  at(line: number, col: number, message: string, kind: NotCarried["kind"] = "dropped"): void {
    this.items.push({ location: { file: this.frontMatter.file, line, col }, kind, message });
  }
}
