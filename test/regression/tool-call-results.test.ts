import { describe, expect, it } from "vitest";
import { nestedDeeperThan } from "../../src/json-depth.js";
import { toolCallResults } from "../../src/regression/tool-call-results.js";

describe("a reply's tool calls as reports see them", () => {
  it("parses each call's arguments, and keeps arguments that do not parse as written, saying why", () => {
    expect(
      toolCallResults([
        { name: "lookup_order", arguments: '{"order_id":"A-17"}' },
        { name: "list_orders", arguments: '{"open": tru' },
        { name: "ping", arguments: "" },
      ]),
    ).toEqual([
      { name: "lookup_order", args: { order_id: "A-17" } },
      { name: "list_orders", args: '{"open": tru', argsError: expect.stringContaining("JSON") },
      { name: "ping", args: "", argsError: "they are empty" },
    ]);
  });

  it("keeps arguments nested deeper than any tool's parameters as text, so no report has to walk them", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const [call] = toolCallResults([{ name: "lookup_order", arguments: deep }]);
    expect(call).toEqual({
      name: "lookup_order",
      args: deep,
      argsError: "they nest more than 64 levels deep",
    });
    const fine = `{"a":${"[".repeat(63)}${"]".repeat(63)}}`;
    expect(toolCallResults([{ name: "x", arguments: fine }])[0]!.argsError).toBeUndefined();
  });

  it("counts nesting without recursion: {} is 1 deep, [{}] is 2, a scalar 0", () => {
    expect(nestedDeeperThan(7, 0)).toBe(false);
    expect(nestedDeeperThan({}, 0)).toBe(true);
    expect(nestedDeeperThan({}, 1)).toBe(false);
    expect(nestedDeeperThan([{}], 1)).toBe(true);
    expect(nestedDeeperThan({ a: [1, { b: null }] }, 3)).toBe(false);
    expect(nestedDeeperThan({ a: [1, { b: [] }] }, 3)).toBe(true);
    expect(nestedDeeperThan(JSON.parse(`${"[".repeat(200_000)}${"]".repeat(200_000)}`), 64)).toBe(true);
  });
});
