import type { Diagnostic } from "../diagnostics.js";
import { closeMatches } from "../schemas/did-you-mean.js";
import type { PathSegment } from "../yaml/yaml-source.js";
import { diagnosticAt, type LoadedPrompt } from "./load-prompt.js";
import { isPartialProblem, type PartialProblem, type PartialStore } from "./partials.js";
import { isPlaceholder, type PromptFile } from "./prompt-file.js";
import {
  analyseTemplate,
  looksLikeLiteralBraces,
  RAW_HINT,
  type TemplatePosition,
  TemplateSyntaxError,
} from "./template-analysis.js";
import type { TemplateViolation } from "./template-policy.js";
import { isMessagesVariable } from "./variables.js";

export interface TemplateUse {
  path: PathSegment[];
  position: TemplatePosition;
  /** Set when the variable is read inside this partial (reached through the include at `position`). */
  viaPartial?: string;
}

export interface TemplateCheck {
  diagnostics: Diagnostic[];
  /** Where each variable is first read (by a template, a partial or a placeholder). */
  used: Map<string, TemplateUse>;
  partials: Set<string>;
  placeholders: Array<{ name: string; path: PathSegment[] }>;
  /** Problems found inside partial files; reported once per partial by the caller. */
  partialDiagnostics: Diagnostic[];
}

/** Every template string of a prompt, with the path of its YAML node. */
export function templateStrings(prompt: PromptFile): Array<{ path: PathSegment[]; text: string }> {
  const strings: Array<{ path: PathSegment[]; text: string }> = [];
  prompt.messages.forEach((message, i) => {
    if (isPlaceholder(message)) return;
    if (typeof message.content === "string")
      strings.push({ path: ["messages", i, "content"], text: message.content });
    else
      message.content.forEach((part, j) => {
        if (part.type === "text")
          strings.push({ path: ["messages", i, "content", j, "text"], text: part.text });
        else
          strings.push({ path: ["messages", i, "content", j, "image_url", "url"], text: part.image_url.url });
      });
  });
  return strings;
}

export function checkTemplates(
  loaded: LoadedPrompt,
  prompt: PromptFile,
  store: PartialStore,
  knownPartials: () => string[],
): TemplateCheck {
  const { source } = loaded;
  const check: TemplateCheck = {
    diagnostics: [],
    used: new Map(),
    partials: new Set(),
    placeholders: [],
    partialDiagnostics: [],
  };
  const at = (path: PathSegment[], position: TemplatePosition) => {
    const { line, col } = source.locateInString(path, position.line0, position.col0);
    return { file: source.file, line, col };
  };

  for (const { path, text } of templateStrings(prompt)) {
    let analysis: ReturnType<typeof analyseTemplate>;
    try {
      analysis = analyseTemplate(text);
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      check.diagnostics.push({
        ...at(path, error.position),
        severity: "error",
        code: "template-syntax",
        message: `template syntax error: ${error.message}`,
        ...(looksLikeLiteralBraces(text, error.position) ? { hint: RAW_HINT } : {}),
      });
      continue;
    }
    for (const [name, position] of analysis.variables) {
      if (!check.used.has(name)) check.used.set(name, { path, position });
    }
    for (const violation of analysis.violations) {
      check.diagnostics.push({ ...at(path, violation), ...unsafeDiagnostic(violation) });
    }
    for (const tag of analysis.unsupportedTags) {
      check.diagnostics.push({
        ...at(path, tag),
        ...unsupportedTagDiagnostic(tag.tag),
        hint: 'share text with {% include "partials/name.njk" %} instead',
      });
    }
    for (const include of analysis.includes) {
      const location = at(path, include);
      if (include.name === undefined) {
        check.diagnostics.push({
          ...location,
          ...NOT_LITERAL_INCLUDE,
          hint: 'write {% include "partials/name.njk" %}: the versioned content inlines the partial',
        });
        continue;
      }
      followInclude(
        include.name,
        [],
        (problem) => check.diagnostics.push({ ...location, severity: "error", ...problem }),
        (name, partialPosition) => {
          check.partials.add(name);
          for (const [variable] of partialPosition) {
            if (!check.used.has(variable))
              check.used.set(variable, { path, position: include, viaPartial: name });
          }
        },
      );
    }
  }

  prompt.messages.forEach((message, i) => {
    if (isPlaceholder(message))
      check.placeholders.push({ name: message.placeholder, path: ["messages", i, "placeholder"] });
  });

  function followInclude(
    name: string,
    stack: string[],
    report: (problem: { code: string; message: string; hint?: string }) => void,
    reached: (name: string, variables: Map<string, TemplatePosition>) => void,
  ): void {
    if (stack.includes(name)) {
      report({
        code: "include-cycle",
        message: `include cycle: ${[...stack, name].join(" -> ")}`,
        hint: "a partial cannot include itself, directly or through others",
      });
      return;
    }
    const partial = store.get(name);
    if (isPartialProblem(partial)) {
      if (partial.kind === "outside") {
        report({
          code: "include-outside",
          message: `include "${name}" reaches outside promptsDir`,
          hint: "partials are named relative to promptsDir and must live inside it",
        });
      } else if (partial.kind === "missing") {
        const suggestions = closeMatches(name, knownPartials());
        report({
          code: "include-missing",
          message: `partial "${name}" not found${stack.length ? ` (included from ${stack.at(-1)})` : ""}`,
          hint: suggestions.length
            ? `did you mean ${suggestions.map((s) => `"${s}"`).join(", ")}?`
            : "partial names are paths relative to promptsDir",
        });
      } else {
        check.partialDiagnostics.push(partialSyntaxDiagnostic(partial));
        report({ code: "include-broken", message: `partial "${name}" has a template syntax error` });
      }
      return;
    }
    reached(name, partial.analysis.variables);
    const inPartial = (position: TemplatePosition) => ({
      file: partial.file,
      line: position.line0 + 1,
      col: position.col0 + 1,
    });
    for (const violation of partial.analysis.violations)
      check.partialDiagnostics.push({ ...inPartial(violation), ...unsafeDiagnostic(violation) });
    for (const tag of partial.analysis.unsupportedTags)
      check.partialDiagnostics.push({ ...inPartial(tag), ...unsupportedTagDiagnostic(tag.tag) });
    for (const inner of partial.analysis.includes) {
      if (inner.name === undefined) {
        check.partialDiagnostics.push({ ...inPartial(inner), ...NOT_LITERAL_INCLUDE });
        continue;
      }
      followInclude(inner.name, [...stack, name], report, reached);
    }
  }

  return check;
}

/** Declared vs used: undeclared reads are errors; declared-but-unused are warnings. */
export function checkVariableUse(
  loaded: LoadedPrompt,
  prompt: PromptFile,
  check: TemplateCheck,
): Diagnostic[] {
  const { source } = loaded;
  const declared = prompt.variables ?? {};
  const diagnostics: Diagnostic[] = [];
  for (const [name, use] of check.used) {
    const schema = Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (schema && !isMessagesVariable(schema)) continue;
    // Where the use is, only for a problem: mapping a position inside a block of text back to the
    // file splits the whole file into lines, a cost every use of every variable would pay.
    const { line, col } = source.locateInString(use.path, use.position.line0, use.position.col0);
    const base = { file: source.file, line, col, severity: "error" as const };
    if (!schema) {
      const similar = closeMatches(name, Object.keys(declared), 1)[0];
      diagnostics.push({
        ...base,
        code: "variable-undeclared",
        message: use.viaPartial
          ? `variable "${name}" is used by partial "${use.viaPartial}" but not declared`
          : `variable "${name}" is used but not declared`,
        hint: similar
          ? `did you mean "${similar}"?`
          : `declare it under variables: (e.g. ${name}: { type: string }); ${RAW_HINT}`,
      });
    } else {
      diagnostics.push({
        ...base,
        code: "variable-messages-in-template",
        message: `variable "${name}" holds messages: insert it with \`- placeholder: ${name}\`, not in a template`,
      });
    }
  }
  for (const { name, path } of check.placeholders) {
    const schema = Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (schema && isMessagesVariable(schema)) continue;
    diagnostics.push(
      schema
        ? diagnosticAt(
            source,
            path,
            "placeholder-type",
            `placeholder "${name}" must be declared as { type: messages }`,
          )
        : diagnosticAt(
            source,
            path,
            "placeholder-undeclared",
            `placeholder "${name}" is not declared under variables`,
            {
              hint: `declare it: ${name}: { type: messages }`,
            },
          ),
    );
  }
  // A template that does not parse says nothing of the variables it reads: no "unused" guesses then.
  const unreadable = check.diagnostics.some((d) => d.code === "template-syntax");
  for (const name of unreadable ? [] : Object.keys(declared)) {
    if (!check.used.has(name) && !check.placeholders.some((p) => p.name === name)) {
      diagnostics.push(
        diagnosticAt(
          source,
          ["variables", name],
          "variable-unused",
          `variable "${name}" is declared but never used`,
          {
            severity: "warning",
            target: "key",
            hint: "remove it, or use it in a message",
          },
        ),
      );
    }
  }
  return diagnostics;
}

/** extends, import and from … import: prompts share text through include only. */
function unsupportedTagDiagnostic(tag: string) {
  return {
    severity: "error" as const,
    code: "template-unsupported",
    message: `{% ${tag} %} is not supported in prompts`,
  };
}

const NOT_LITERAL_INCLUDE = {
  severity: "error" as const,
  code: "include-not-literal",
  message: "include must name its partial with a quoted string",
};

/** A use of something templates may not reach: "templates are data, never code". */
export function unsafeDiagnostic(violation: TemplateViolation) {
  return {
    severity: "error" as const,
    code: "template-unsafe",
    message: `not allowed in a template: ${violation.message}`,
    hint: violation.hint,
  };
}

export function partialSyntaxDiagnostic(partial: Extract<PartialProblem, { kind: "syntax" }>): Diagnostic {
  return {
    file: partial.file,
    line: partial.error.position.line0 + 1,
    col: partial.error.position.col0 + 1,
    severity: "error",
    code: "template-syntax",
    message: `template syntax error: ${partial.error.message}`,
    ...(looksLikeLiteralBraces(partial.text, partial.error.position) ? { hint: RAW_HINT } : {}),
  };
}
