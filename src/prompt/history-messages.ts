import type { VariableSchema } from "./prompt-file.js";

/** Roles a chat message may have anywhere in a prompt. */
export const MESSAGE_ROLES = ["system", "user", "assistant"] as const;

/**
 * Roles a messages variable (a chat history, few-shot turns) accepts unless the prompt declares
 * `roles:` on it. A history usually comes from end users: a `system` turn in it would speak with
 * the prompt's own authority (and `anthropic()` merges system turns into the top-level system
 * prompt), so it needs the prompt's explicit opt-in.
 */
export const DEFAULT_HISTORY_ROLES: readonly string[] = ["user", "assistant"];

export function isMessagesVariable(schema: VariableSchema): boolean {
  if (schema.type === "messages") return true;
  const items = schema.items as Record<string, unknown> | undefined;
  return schema.type === "array" && typeof items?.$ref === "string" && items.$ref.endsWith("/message");
}

/** One chat message of a messages variable: data, never templated. */
function chatMessageSchema(roles: readonly string[]): Record<string, unknown> {
  return {
    type: "object",
    additionalProperties: false,
    required: ["role", "content"],
    properties: {
      role: { enum: [...roles] },
      name: { type: "string" },
      content: {
        anyOf: [
          { type: "string" },
          {
            type: "array",
            items: {
              type: "object",
              required: ["type"],
              properties: { type: { enum: ["text", "image_url"] } },
            },
          },
        ],
      },
    },
  };
}

/**
 * The JSON Schema ajv checks a variable's value against: `{ type: messages }` is shorthand for a
 * list of chat messages, `#/$defs/message` names one; `roles` and `default` are ours, not JSON Schema.
 */
export function expandVariableSchema(schema: VariableSchema): Record<string, unknown> {
  const { default: _default, roles, ...rest } = schema;
  const message = chatMessageSchema(Array.isArray(roles) ? (roles as string[]) : DEFAULT_HISTORY_ROLES);
  if (rest.type === "messages") return { ...rest, type: "array", items: message };
  return { $defs: { message }, ...rest };
}

/** `roles` says which messages a history takes: it means nothing on another variable. */
export function misplacedRoles(schema: VariableSchema): boolean {
  return "roles" in schema && !isMessagesVariable(schema);
}
