import { describe, expect, it } from "vitest";
import { toResponsesInput } from "../../src/prompt/provider-formats.js";

describe("the Responses API input a rendered prompt becomes", () => {
  it("sends an assistant turn written as text parts as plain text, since input_text parts are for user turns", () => {
    const input = toResponsesInput([
      { role: "user", content: [{ type: "text", text: "Is this refundable?" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "It is within 30 days," },
          { type: "text", text: "so yes." },
        ],
      },
      { role: "user", content: "Thanks" },
    ]);
    expect(input).toStrictEqual({
      input: [
        { role: "user", content: [{ type: "input_text", text: "Is this refundable?" }] },
        { role: "assistant", content: "It is within 30 days,\nso yes." },
        { role: "user", content: "Thanks" },
      ],
    });
  });
});
