import { describe, expect, it, vi } from "vitest";
import { importDotprompt } from "../../src/interop/dotprompt/import-dotprompt.js";
import { makeProjectDir } from "../helpers/project-dir.js";

// The Handlebars parser is a dependency of `import dotprompt` and `export dotprompt` only: the
// import command's module (which also serves promptfoo) does not load it until a .prompt is read.
const loaded = vi.hoisted(() => ({ parser: 0 }));
vi.mock("@handlebars/parser", async (importOriginal) => {
  loaded.parser++;
  return importOriginal();
});

describe("the Handlebars parser", () => {
  it("loads only when a dotprompt file is imported", async () => {
    await import("../../src/cli/commands/import.js");
    expect(loaded.parser).toBe(0);
    const dir = makeProjectDir({ "a.prompt": "Hi {{name}}" });
    try {
      const result = await importDotprompt({
        cwd: dir.root,
        files: ["a.prompt"],
        outDir: "out",
        force: false,
      });
      expect(result.prompts.map((p) => p.id)).toEqual(["a"]);
      expect(loaded.parser).toBe(1);
    } finally {
      dir.cleanup();
    }
  });
});
