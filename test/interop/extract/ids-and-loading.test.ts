import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadTypeScript } from "../../../src/interop/extract/load-typescript.js";
import { proposeId } from "../../../src/interop/extract/prompt-ids.js";
import { variableNameFor } from "../../../src/interop/extract/variable-names.js";
import { promptIdProblem } from "../../../src/prompt/prompt-id.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("extract's proposed ids", () => {
  it("come from the path under the common folder and the function or method name, kebab-case, valid and unique", () => {
    const taken = new Set<string>();
    const ids = [
      proposeId("/app/src", "/app/src/support.ts", "answerSupportQuestion", taken),
      proposeId("/app/src", "/app/src/support.ts", "RefundDesk.explainRefund", taken),
      proposeId("/app/src", "/app/src/api/v2/ChatBot.tsx", "replyNow", taken),
      proposeId("/app/src", "/app/src/legacy.cjs", undefined, taken),
      proposeId("/app/src", "/app/src/legacy.cjs", undefined, taken),
      proposeId("/app/src", "/app/src/HTTPClient.mts", "sendURLRequest", taken),
    ];
    expect(ids).toEqual([
      "support/answer-support-question",
      "support/explain-refund",
      "api/v-2/chat-bot/reply-now",
      "legacy/prompt",
      "legacy/prompt-2",
      "http-client/send-url-request",
    ]);
    for (const id of ids) expect(promptIdProblem(id), id).toBeUndefined();
  });
});

describe("loading the TypeScript compiler API", () => {
  it("falls back to the project's own typescript when it has the classic API, and passes over one that has not (TypeScript 7)", async () => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), "promptops-ts-api-")));
    mkdirSync(join(dir, "node_modules/typescript"), { recursive: true });
    writeFileSync(
      join(dir, "node_modules/typescript/package.json"),
      '{ "name": "typescript", "main": "index.js" }',
    );
    writeFileSync(
      join(dir, "node_modules/typescript/index.js"),
      'exports.version = "5.9.9-project"; exports.createProgram = () => undefined;\n',
    );
    // From promptops' own folder, `typescript` is TypeScript 7 (no createProgram): the project's one serves.
    const api = await loadTypeScript(dir, ["no-such-typescript-package", "typescript"]);
    expect(api.version).toBe("5.9.9-project");
  });
});

describe("extract's variable names", () => {
  it("are the camelCase of what the expression reads, a leading capital run as one word, never a Nunjucks word", async () => {
    const ts = await loadTypeScript(process.cwd());
    const nameOf = (code: string) => {
      const source = ts.createSourceFile("x.ts", `(${code});`, ts.ScriptTarget.ES2022, true);
      const statement = source.statements[0] as import("@typescript/typescript6").ExpressionStatement;
      return variableNameFor(
        ts,
        (statement.expression as import("@typescript/typescript6").ParenthesizedExpression).expression,
      );
    };
    expect(
      [
        "userMessage",
        "customer.name",
        "text.trim()",
        'ticket.tier ?? "standard"',
        "JSON.stringify(order)",
        "URLPath",
        "this.#secret",
        "loop",
        "items.length > 3",
        '"x"',
      ].map(nameOf),
    ).toEqual([
      "userMessage",
      "customerName",
      "textTrim",
      "ticketTier",
      "jsonStringifyOrder",
      "urlPath",
      "secret",
      "loopValue",
      "itemsLength",
      "value",
    ]);
  });
});
