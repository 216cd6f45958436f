// What `promptops extract` finds in the fixture apps (test/fixtures/extract/README.md), written by
// hand: the rewriter's input until the finder is merged. Spans are located in the copy under test.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "@typescript/typescript6";
import type {
  CallShape,
  ExtractedMessage,
  ExtractedPrompt,
  ExtractedVariable,
  ExtractResult,
  SourceSpan,
} from "../../../src/interop/extract/extracted-prompt.js";

interface FixturePrompt {
  id: string;
  file: string;
  functionName: string;
  shape: CallShape;
  model: string;
  params: Record<string, unknown>;
  responseFormat?: unknown;
  replaced: string[];
  messages: ExtractedMessage[];
  variables: ExtractedVariable[];
}

const system = (content: string): ExtractedMessage => ({ role: "system", content });
const user = (content: string): ExtractedMessage => ({ role: "user", content });
const assistant = (content: string): ExtractedMessage => ({ role: "assistant", content });
const string = (name: string, expression = name): ExtractedVariable => ({ name, expression, type: "string" });
const number = (name: string, expression = name): ExtractedVariable => ({ name, expression, type: "number" });

export const TS_APP_PROMPTS: FixturePrompt[] = [
  {
    id: "support/answer-support-question",
    file: "src/support.ts",
    functionName: "answerSupportQuestion",
    shape: "openai-chat",
    model: "gpt-4o-mini",
    params: { temperature: 0.2, max_tokens: 400 },
    replaced: ["messages"],
    messages: [
      system(
        "You are a support agent for Acme Corp. Be warm, concise and never promise what policy does not allow.\nRefunds follow a 30-day policy. Escalations go to help@acme.example.",
      ),
      user("Customer {{ customerName }} (plan: {{ customerPlan }}) asks: {{ userMessage }}"),
    ],
    variables: [
      string("customerName", "customer.name"),
      string("customerPlan", "customer.plan"),
      string("userMessage"),
    ],
  },
  {
    id: "support/explain-refund",
    file: "src/support.ts",
    functionName: "explainRefund",
    shape: "openai-chat",
    model: "gpt-4o",
    params: {},
    replaced: ["messages"],
    messages: [
      system("You explain refund decisions. Quote the order id exactly."),
      user("Order {{ orderId }} was bought {{ daysSincePurchase }} days ago. Can it be refunded?"),
    ],
    variables: [string("orderId"), number("daysSincePurchase")],
  },
  {
    id: "summarize/summarize-ticket",
    file: "src/summarize.ts",
    functionName: "summarizeTicket",
    shape: "anthropic-messages",
    model: "claude-haiku-4-5",
    params: { max_tokens: 300 },
    replaced: ["system", "messages"],
    messages: [
      system("You summarize customer support tickets for engineers. Be terse; keep error codes verbatim."),
      user("Summarize this ticket in at most {{ maxWords }} words:\n\n{{ ticketText }}"),
    ],
    variables: [number("maxWords"), string("ticketText")],
  },
  {
    id: "classify/classify-message",
    file: "src/classify.ts",
    functionName: "classifyMessage",
    shape: "openai-responses",
    model: "gpt-4o-mini",
    params: {},
    replaced: ["instructions", "input"],
    messages: [
      system(
        "Classify the customer's message as billing, technical, account or other. Answer with the category only.",
      ),
      user("Message: {{ trimmedText }}"),
    ],
    variables: [string("trimmedText", "text.trim()")],
  },
  {
    id: "few-shot/friendlier",
    file: "src/few-shot.ts",
    functionName: "friendlier",
    shape: "openai-chat",
    model: "gpt-4o-mini",
    params: {},
    replaced: ["messages"],
    messages: [
      system("Rewrite the reply in a friendlier tone. Keep every fact."),
      user("Your refund is denied."),
      assistant("I'm sorry, but this order isn't eligible for a refund. Here is what we can do instead."),
      user("{{ draft }}"),
    ],
    variables: [string("draft")],
  },
];

export const JS_APP_PROMPTS: FixturePrompt[] = [
  {
    id: "triage/triage-ticket",
    file: "src/triage.js",
    functionName: "triageTicket",
    shape: "openai-chat",
    model: "gpt-4o-mini",
    params: { temperature: 0 },
    responseFormat: { type: "json_object" },
    replaced: ["messages"],
    messages: [
      system(
        'Reply with JSON only, shaped like {{ "{{" }}"priority": "p1" | "p2" | "p3"}}.\nNever use {{ "{%" }} raw %} blocks or template syntax in the answer.',
      ),
      user("Subject: {{ subject }}\nBody: {{ body }}\nCustomer tier: {{ tier }}"),
    ],
    variables: [
      string("subject", "ticket.subject"),
      string("body", "ticket.body"),
      string("tier", 'ticket.tier ?? "standard"'),
    ],
  },
  {
    id: "triage/draft-reply",
    file: "src/triage.js",
    functionName: "draftReply",
    shape: "anthropic-messages",
    model: "claude-sonnet-4-5",
    params: { max_tokens: 500, temperature: 0.3 },
    replaced: ["system", "messages"],
    messages: [
      system("You draft first replies to support tickets. Sign as the Acme support team."),
      user("Write the reply in {{ language }}."),
      assistant("Understood. Please share the ticket."),
      user("{{ body }}"),
    ],
    variables: [string("language"), string("body", "ticket.body")],
  },
  {
    id: "legacy/detect-language",
    file: "src/legacy.cjs",
    functionName: "detectLanguage",
    shape: "openai-chat",
    model: "gpt-4o-mini",
    params: {},
    replaced: ["messages"],
    messages: [
      system("Answer with the ISO 639-1 code of the text's language, nothing else."),
      user("{{ text }}"),
    ],
    variables: [string("text")],
  },
];

/** The ExtractResult for the app copied to `root`: spans found in its files as they are now. */
export function fixtureExtractResult(root: string, prompts: readonly FixturePrompt[]): ExtractResult {
  return {
    prompts: prompts.map((prompt): ExtractedPrompt => {
      const file = join(root, prompt.file);
      const { source, call } = sdkCallIn(file, prompt.functionName);
      const argument = call.arguments[0] as ts.ObjectLiteralExpression;
      return {
        id: prompt.id,
        shape: prompt.shape,
        call: span(source, file, call),
        functionName: prompt.functionName,
        model: prompt.model,
        params: prompt.params,
        ...(prompt.responseFormat ? { responseFormat: prompt.responseFormat } : {}),
        messages: prompt.messages,
        variables: prompt.variables,
        replacedProperties: prompt.replaced.map((name) => {
          const property = argument.properties.find(
            (p) => p.name && ts.isIdentifier(p.name) && p.name.text === name,
          );
          if (!property)
            throw new Error(`${prompt.file}: no property ${name} at the call in ${prompt.functionName}`);
          return { name, span: span(source, file, property) };
        }),
        rewriteBlockers: [],
      };
    }),
    notExtracted: [],
  };
}

/** The `….create({…})` call inside the named function or method. */
export function sdkCallIn(
  file: string,
  functionName: string,
): { source: ts.SourceFile; call: ts.CallExpression } {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  let found: ts.CallExpression | undefined;
  const visit = (node: ts.Node, inside: string | undefined): void => {
    let name = inside;
    if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) && node.name)
      name = node.name.getText(source);
    if (
      !found &&
      name === functionName &&
      ts.isCallExpression(node) &&
      node.expression.getText(source).endsWith(".create")
    ) {
      found = node;
    }
    ts.forEachChild(node, (child) => visit(child, name));
  };
  visit(source, undefined);
  if (!found) throw new Error(`${file}: no SDK call in ${functionName}`);
  return { source, call: found };
}

function span(source: ts.SourceFile, file: string, node: ts.Node): SourceSpan {
  const start = node.getStart(source);
  const { line, character } = source.getLineAndCharacterOfPosition(start);
  return { file, line: line + 1, col: character + 1, start, end: node.getEnd() };
}
