/**
 * The files `promptops init` writes: a small, valid project whose tests are what a real model
 * would pass; `--providers echo` checks its composition offline.
 */

export const CONFIG_TEMPLATE = `# yaml-language-server: $schema=node_modules/promptops/schemas/config.schema.json
# promptops project config. Every key is optional; these are the defaults, spelled out.
promptsDir: prompts
tagPrefix: prompt/
environments: [staging, production]   # promotion order
# \`promptops test\` runs each prompt's tests on the prompt's own \`model:\` (what production calls),
# plus the models listed here, e.g. [anthropic:claude-haiku-4-5] (needs ANTHROPIC_API_KEY).
# A prompt's own \`providers:\` key replaces this list for that prompt.
providers: []
# Offline, with no API key: \`promptops test --providers echo\` replies with the rendered prompt, which
# checks composition (partials, variables) only; keep echo out of this list, where it passes nothing real.
test: { concurrency: 8, retries: 3, timeoutMs: 60000 }
`;

export const PARTIAL_TEMPLATE = `Tone: friendly, concise and concrete. Use the customer's name once.
Never promise what the policy does not allow; say what happens next.
`;

export const PROMPT_TEMPLATE = `# yaml-language-server: $schema=../node_modules/promptops/schemas/prompt.schema.json
description: Answers a customer's question about their order
owners: ["@your-team"]
model: { provider: openai, name: gpt-4o-mini, params: { temperature: 0.2, max_tokens: 300 } }
variables:
  customerName: { type: string, minLength: 1 }
  question: { type: string, minLength: 1, maxLength: 2000 }
messages:
  - role: system
    content: |
      You are the support assistant of an online shop.
      Orders ship within 2 business days; returns are accepted for 30 days.
      {% include "partials/tone.njk" %}
  - role: user
    content: "{{ customerName }} asks: {{ question }}"
tests:
  - name: states the return window
    vars: { customerName: Ann, question: "Can I still return my shoes?" }
    assert:
      - contains: "30 days"
      - contains: "{{ customerName }}"
  - name: answers without promising what the policy does not allow
    vars: { customerName: Bo, question: "Where is my parcel?" }
    assert:
      - icontains-any: ["ship", "parcel", "order"]
      - not-contains: "guarantee"
`;

export const EXAMPLE_PROMPT_PATH = "order-help.prompt.yaml";
export const EXAMPLE_PARTIAL_PATH = "partials/tone.njk";
