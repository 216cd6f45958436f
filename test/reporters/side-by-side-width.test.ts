import { describe, expect, it } from "vitest";
import { compareWithBaseline } from "../../src/regression/baseline/compare-baseline.js";
import {
  draftCase,
  listPrice,
  prettyText,
  productionPlan,
  runWith,
  v3Case,
} from "../fixtures/baseline/compared-run.js";

const FAMILY = "👩‍👩‍👧"; // a ZWJ sequence: 5 code points, 2 columns
const FLAG = "🇯🇵"; // two regional indicators: 2 columns
const E_ACUTE = "e\u0301"; // e and a combining accent: 1 column

/** What the pretty reporter prints for a regression whose outputs are these, in `columns` columns. */
async function sideBySideRows(before: string, after: string, columns: number): Promise<string[]> {
  const failed = [{ type: "contains", pass: false, score: 0, message: "expected it" }];
  const { results, report } = compareWithBaseline({
    plan: productionPlan(),
    current: [draftCase("answers in Japanese", { status: "fail", output: after, assertions: failed })],
    baseline: [v3Case("answers in Japanese", { output: before })],
    price: listPrice,
  });
  const text = await prettyText(runWith(results, report), columns);
  const start = text.indexOf("    v3  ");
  return text.slice(start, text.indexOf("\n\n", start)).split("\n");
}

describe("a regression's outputs side by side, with text wider than it is long", () => {
  // 60 columns: 4 of indent, two columns of 26, and " │ " between them.
  it("pads each left cell to 26 terminal columns, so the divider lines up under CJK, emoji and accents", async () => {
    const before = ["日本語のテキスト", `${FAMILY} family`, `${FLAG} flag`, `caf${E_ACUTE} au lait`].join(
      "\n",
    );
    const after = ["日本語の文章", `${FAMILY} family!`, `${FLAG} flags`, `caf${E_ACUTE} noir`].join("\n");
    expect(await sideBySideRows(before, after, 60)).toEqual([
      `    v3${" ".repeat(24)} │ draft`,
      `    日本語のテキスト${" ".repeat(10)} │ 日本語の文章`, // 16 columns of text
      `    ${FAMILY} family${" ".repeat(17)} │ ${FAMILY} family!`, // 9 columns
      `    ${FLAG} flag${" ".repeat(19)} │ ${FLAG} flags`, // 7 columns
      `    caf${E_ACUTE} au lait${" ".repeat(14)} │ caf${E_ACUTE} noir`, // 12 columns
    ]);
  });

  it("wraps a long CJK line at 26 columns (13 characters), not at 26 characters", async () => {
    const line = "一二三四五六七八九十".repeat(2);
    const rows = await sideBySideRows(line, `${line}。`, 60);
    expect(rows.slice(1)).toEqual([
      `    一二三四五六七八九十一二三 │ 一二三四五六七八九十一二三`,
      `    四五六七八九十${" ".repeat(12)} │ 四五六七八九十。`,
    ]);
  });
});
