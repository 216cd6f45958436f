import { type SafeRegExp, safeRegExp } from "../../schemas/safe-regexp.js";
import { truncate } from "../../text/truncate.js";
import type { AssertionContext, AssertionHandler, AssertionOutcome } from "./context.js";
import { badValue, describeMatch, describeOutput, quote, verdict } from "./messages.js";

// Patterns are compiled without flags, exactly as `promptops validate` checks them, so a pattern
// that validates is the pattern that runs. Case-insensitive parts can use character classes.
// They run on a linear-time engine: a model's output cannot make a pattern backtrack for minutes.
function compile(pattern: string): SafeRegExp | Error {
  try {
    return safeRegExp(pattern);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function shown(pattern: string): string {
  return `/${truncate(pattern, 60)}/`;
}

function regex(value: unknown, { output }: AssertionContext): AssertionOutcome {
  if (typeof value !== "string") return badValue("regex", "a string", value);
  const re = compile(value);
  if (re instanceof Error) return verdict(false, `regex: ${re.message}`);
  const match = re.exec(output);
  if (match)
    return verdict(
      true,
      `output matches ${shown(value)} with ${quote(match[0])} ${describeMatch(output, match.index, match[0].length)}`,
    );
  return verdict(false, `expected output to match ${shown(value)}; ${describeOutput(output)}`);
}

function notRegex(value: unknown, { output }: AssertionContext): AssertionOutcome {
  if (typeof value !== "string") return badValue("not-regex", "a string", value);
  const re = compile(value);
  if (re instanceof Error) return verdict(false, `not-regex: ${re.message}`);
  const match = re.exec(output);
  if (!match) return verdict(true, `output does not match ${shown(value)}`);
  return verdict(
    false,
    `expected output not to match ${shown(value)}; matched ${quote(match[0])} ${describeMatch(output, match.index, match[0].length)}`,
  );
}

export const regexAssertions: Record<string, AssertionHandler> = { regex, "not-regex": notRegex };
