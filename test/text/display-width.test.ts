import { describe, expect, it } from "vitest";
import { displayWidth, padEndToWidth, wrapToWidth } from "../../src/text/display-width.js";

// Widths a terminal gives these, counted by hand: CJK ideographs and kana 2 columns each, an
// emoji (a ZWJ family, a flag) 2, a combining accent 0 on top of its letter.
const FAMILY = "👩‍👩‍👧"; // 5 code points, one glyph
const FLAG = "🇯🇵"; // 2 regional indicators, one glyph
const E_ACUTE = "e\u0301"; // e + COMBINING ACUTE ACCENT

describe("display width: the columns text takes in a terminal", () => {
  it("counts wide characters twice and combining marks and joiners not at all", () => {
    expect(displayWidth("日本語")).toBe(6);
    expect(displayWidth(FAMILY)).toBe(2);
    expect(displayWidth(FLAG)).toBe(2);
    expect(displayWidth(`caf${E_ACUTE}`)).toBe(4);
    expect(displayWidth("plain")).toBe(5);
  });

  it("pads to a number of columns, not of UTF-16 units or code points", () => {
    expect(padEndToWidth("日本", 6)).toBe("日本  ");
    expect(padEndToWidth(`${FAMILY}!`, 6)).toBe(`${FAMILY}!   `);
    expect(padEndToWidth(`${FLAG}`, 4)).toBe(`${FLAG}  `);
    expect(padEndToWidth(`caf${E_ACUTE}`, 6)).toBe(`caf${E_ACUTE}  `);
    expect(padEndToWidth("too wide", 3)).toBe("too wide");
  });

  it("wraps CJK text at the column's width, two columns a character", () => {
    expect(wrapToWidth("一二三四五六七", 6)).toEqual(["一二三", "四五六", "七"]);
    // An odd width: a wide character that does not fit goes to the next line whole.
    expect(wrapToWidth("一二三四", 5)).toEqual(["一二", "三四"]);
  });

  it("never cuts a ZWJ sequence, a flag or a letter from its accent", () => {
    expect(wrapToWidth(`${FAMILY}${FAMILY}${FAMILY}`, 5)).toEqual([`${FAMILY}${FAMILY}`, FAMILY]);
    expect(wrapToWidth(`${FLAG}${FLAG}${FLAG}`, 3)).toEqual([FLAG, FLAG, FLAG]);
    expect(wrapToWidth(E_ACUTE.repeat(5), 3)).toEqual([E_ACUTE.repeat(3), E_ACUTE.repeat(2)]);
  });

  it("breaks at the last space that fits, dropping it, as before", () => {
    expect(wrapToWidth("new line that is longer than the column", 20)).toEqual([
      "new line that is",
      "longer than the",
      "column",
    ]);
    expect(wrapToWidth("日本 語のテキスト", 8)).toEqual(["日本", "語のテキ", "スト"]);
    expect(wrapToWidth("abcd efgh", 4)).toEqual(["abcd", "efgh"]);
    expect(wrapToWidth("", 4)).toEqual([""]);
  });

  it("gives a character wider than the column a line of its own", () => {
    expect(wrapToWidth("a日b", 1)).toEqual(["a", "日", "b"]);
  });
});
