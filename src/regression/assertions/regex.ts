import { isRegexProblem, type RegexSpec, regexSpec } from "../../prompt/regex-value.js";
import { type SafeRegExp, safeRegExp } from "../../schemas/safe-regexp.js";
import { truncate } from "../../text/truncate.js";
import type { AssertionContext, AssertionHandler, AssertionOutcome } from "./context.js";
import { describeMatch, describeOutput, quote, verdict } from "./messages.js";

// Patterns are compiled with the flags written beside them (`{ pattern, flags }`), exactly as
// `promptops validate` checks them, so a pattern that validates is the pattern that runs.
// They run on a linear-time engine: a model's output cannot make a pattern backtrack for minutes.
function compile(type: string, value: unknown): { re: SafeRegExp; shown: string } | AssertionOutcome {
  const spec = regexSpec(type, value);
  if (isRegexProblem(spec)) return verdict(false, spec.hint ? `${spec.message}; ${spec.hint}` : spec.message);
  try {
    return { re: safeRegExp(spec.pattern, spec.flags), shown: shown(spec) };
  } catch (error) {
    return verdict(false, `${type}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function shown({ pattern, flags }: RegexSpec): string {
  return `/${truncate(pattern, 60)}/${flags}`;
}

function regex(value: unknown, { output }: AssertionContext): AssertionOutcome {
  const compiled = compile("regex", value);
  if (!("re" in compiled)) return compiled;
  const match = compiled.re.exec(output);
  if (match)
    return verdict(
      true,
      `output matches ${compiled.shown} with ${quote(match[0])} ${describeMatch(output, match.index, match[0].length)}`,
    );
  return verdict(false, `expected output to match ${compiled.shown}; ${describeOutput(output)}`);
}

function notRegex(value: unknown, { output }: AssertionContext): AssertionOutcome {
  const compiled = compile("not-regex", value);
  if (!("re" in compiled)) return compiled;
  const match = compiled.re.exec(output);
  if (!match) return verdict(true, `output does not match ${compiled.shown}`);
  return verdict(
    false,
    `expected output not to match ${compiled.shown}; matched ${quote(match[0])} ${describeMatch(output, match.index, match[0].length)}`,
  );
}

export const regexAssertions: Record<string, AssertionHandler> = { regex, "not-regex": notRegex };
