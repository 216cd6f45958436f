import { expect } from "vitest";
import { type ErrorCode, type ExitCode, PromptOpsError, type SourceLocation } from "../../src/errors.js";

/** What a test states about a user error; each field left out is not checked. */
export interface ExpectedError {
  code?: ErrorCode;
  exitCode?: ExitCode;
  /** A substring of the message, or a pattern it matches. */
  message?: string | RegExp;
  /** The fields given must equal the error's location's. */
  location?: Partial<SourceLocation>;
}

/**
 * Runs `run`, which must throw a PromptOpsError as `expected` describes; returns the error for
 * checks of its own. Fails when `run` returns, or throws anything else (a bug, not a user error).
 */
export function expectPromptOpsError(run: () => unknown, expected: ExpectedError = {}): PromptOpsError {
  let returned: unknown;
  try {
    returned = run();
  } catch (error) {
    return checkError(error, expected);
  }
  if (returned instanceof Promise) {
    returned.catch(() => {}); // its rejection is this failure, not an unhandled one
    throw new Error("run returned a promise: use expectPromptOpsRejection");
  }
  throw new Error("expected a PromptOpsError, but nothing was thrown");
}

/** expectPromptOpsError for work that rejects. */
export async function expectPromptOpsRejection(
  run: Promise<unknown> | (() => Promise<unknown>),
  expected: ExpectedError = {},
): Promise<PromptOpsError> {
  try {
    await (typeof run === "function" ? run() : run);
  } catch (error) {
    return checkError(error, expected);
  }
  throw new Error("expected a PromptOpsError, but the promise resolved");
}

function checkError(error: unknown, expected: ExpectedError): PromptOpsError {
  expect(error).toBeInstanceOf(PromptOpsError);
  const found = error as PromptOpsError;
  if (expected.code !== undefined) expect(found.code).toBe(expected.code);
  if (expected.exitCode !== undefined) expect(found.exitCode).toBe(expected.exitCode);
  if (typeof expected.message === "string") expect(found.message).toContain(expected.message);
  else if (expected.message) expect(found.message).toMatch(expected.message);
  if (expected.location) expect(found.location).toMatchObject(expected.location);
  return found;
}
