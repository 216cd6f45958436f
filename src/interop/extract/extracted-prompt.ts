/**
 * What `promptops extract` finds in application code, and what `--write` needs to rewrite a call site.
 * The finder (find-*.ts) produces these; the prompt-file writer and the call-site rewriter consume them.
 */

/** The SDK call a prompt was passed to; decides the runtime call a rewrite uses. */
export type CallShape =
  /** openai.chat.completions.create({ messages }) → prompts.messages(id, vars) */
  | "openai-chat"
  /** openai.responses.create({ instructions?, input }) → the same messages, as `input` */
  | "openai-responses"
  /** anthropic.messages.create({ system?, messages }) → prompts.anthropic(id, vars) */
  | "anthropic-messages";

/** A place in a source file: 1-based line and column as editors show them, plus the 0-based offsets. */
export interface SourceSpan {
  /** Absolute path of the source file. */
  file: string;
  line: number;
  col: number;
  start: number;
  end: number;
}

/** One template variable of an extracted prompt, and the code that produced its value. */
export interface ExtractedVariable {
  /** The declared variable name, e.g. `userMessage`, or a readable name for an expression (`customerName`). */
  name: string;
  /** The expression's source text at the call site, e.g. `customer.name`; what the rewrite passes as the value. */
  expression: string;
  /** JSON Schema type when the TypeScript type says so (string, number, boolean); otherwise absent. */
  type?: "string" | "number" | "boolean";
  /**
   * The value has no type to go by (`any`, JavaScript): the rewrite passes `String(expression)`, which
   * is exactly the text `${expression}` wrote (`"undefined"` included), and the variable is a string.
   */
  asText?: true;
}

/** A message as the prompt file will hold it: Nunjucks template text. */
export interface ExtractedMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** An inline prompt found at one SDK call, fully turned into a template. */
export interface ExtractedPrompt {
  /** Proposed prompt id (from the file and function name); unique within one extract run. */
  id: string;
  shape: CallShape;
  /** The SDK call expression, e.g. `openai.chat.completions.create(…)`. */
  call: SourceSpan;
  /** The enclosing function or method name, when there is one. */
  functionName?: string;
  /** The model named by a string literal at the call, when there is one. */
  model?: string;
  /** Literal params at the call (temperature, max_tokens, …) that go to the prompt file's model params. */
  params: Record<string, unknown>;
  /** Literal response_format at the call, if any. */
  responseFormat?: unknown;
  /** The messages, in the order the code sends them; for anthropic-messages the system prompt is the first, role system. */
  messages: ExtractedMessage[];
  variables: ExtractedVariable[];
  /**
   * The properties of the call's argument object that the rewrite replaces (`messages`, `system`,
   * `instructions`, `input`), in source order. Every other property is left as written.
   */
  replacedProperties: Array<{ name: string; span: SourceSpan }>;
  /**
   * Where the prompt could not be proven equal to what the code sends (see the render check), or why a
   * rewrite would not be safe at this call site; empty when the rewrite is safe.
   */
  rewriteBlockers: string[];
}

/** An SDK call with a prompt that could not be turned into a template: reported, left alone. */
export interface NotExtracted {
  call: SourceSpan;
  functionName?: string;
  /** Where the reason is (the loop, the call), for the report. */
  at: SourceSpan;
  /** One line, e.g. "the user message is built in a loop (line 12)". */
  reason: string;
}

export interface ExtractResult {
  prompts: ExtractedPrompt[];
  notExtracted: NotExtracted[];
}
