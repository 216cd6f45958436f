// A lockfile of n support-agent-like prompts, active in production and staging: the input of the
// benchmarks that load or serve a large lockfile (bench/runtime.mjs, bench/serve-throughput.mjs).
// Uses the build in dist/, so the hashes are promptops' own.
const { hashCompiledPrompt } = await import("../dist/prompt/hash.js");
const { serializeLockfile } = await import("../dist/lockfile/serialize-lockfile.js");

const SYSTEM = [
  "You are Ava, the support assistant for Acme Cloud, a managed hosting and database platform.",
  "You are talking to {{ customer.name }}, who is on the {{ customer.plan }} plan.",
  "Be concise and friendly. Refunds: 30-day policy, to the original payment method.",
  '{% if customer.plan == "enterprise" %}Offer to bring in their dedicated account manager.{% else %}For outages, point to status.acme.cloud.{% endif %}',
  "If you do not know the answer, say so and offer a human agent.",
].join("\n");
const USER = "Ticket from {{ customer.name }}: {{ userMessage }}";

function supportAgent(n) {
  return {
    model: { provider: "openai", name: "gpt-4o-mini", params: { temperature: 0.2, max_tokens: 400 } },
    variables: {
      userMessage: { type: "string", minLength: 1, maxLength: 4000 },
      customer: {
        type: "object",
        properties: { name: { type: "string" }, plan: { enum: ["free", "pro", "enterprise"] } },
        required: ["name", "plan"],
      },
    },
    messages: [
      { role: "system", content: n === 0 ? SYSTEM : `${SYSTEM}\nVariant ${n}.` },
      { role: "user", content: USER },
    ],
  };
}

export function generateLockfile(n) {
  const lockfile = { lockfileVersion: 1, environments: { production: {}, staging: {} }, prompts: {} };
  for (let i = 0; i < n; i++) {
    const id = i === 0 ? "support-agent" : `team-${i % 20}/prompt-${i}`;
    const content = supportAgent(i);
    const hash = hashCompiledPrompt(content);
    lockfile.prompts[hash] = { ...content, id, version: 1 + (i % 7) };
    const entry = {
      version: 1 + (i % 7),
      hash,
      commit: "0123456789abcdef0123456789abcdef01234567",
      activatedAt: "2026-11-20T09:12:00Z",
      activatedBy: "Bench <bench@acme.io>",
      previous: i % 7 === 0 ? null : i % 7,
    };
    lockfile.environments.production[id] = entry;
    lockfile.environments.staging[id] = entry;
  }
  return serializeLockfile(lockfile);
}
