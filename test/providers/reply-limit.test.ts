import { afterEach, describe, expect, it } from "vitest";
import { createProvider } from "../../src/providers/create-provider.js";
import { createHttpFetch } from "../../src/providers/http-fetch.js";
import type { Provider } from "../../src/providers/provider.js";
import { ProviderError } from "../../src/providers/provider-errors.js";
import { parseProviderSpec } from "../../src/providers/provider-spec.js";
import { formatBytes, ReplyTooLargeError } from "../../src/providers/reply-limit.js";
import type { FakeFault } from "../fake-provider/fake-provider-server.js";
import { fakeProviderServerPerFile } from "../fake-provider/per-file.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";

const KEY = "sk-reply-limit-0123456789abcdef";
const server = fakeProviderServerPerFile({ apiKey: KEY });
const MiB = 1024 * 1024;
const LIMIT = MiB;

const bomb: FakeFault = { gzipBomb: { inflatedBytes: 600 * MiB } };
const endless: FakeFault = { hugeBody: { bytes: 2048 * MiB } };

// Both ways a request leaves: node:http, and Node's own fetch when it must honour HTTP(S)_PROXY.
const paths = [
  { name: "node:http", proxyEnv: false },
  { name: "Node's fetch (NODE_USE_ENV_PROXY=1)", proxyEnv: true },
];

afterEach(() => {
  delete process.env.NODE_USE_ENV_PROXY;
});

const callFailing = (provider: Provider) =>
  provider
    .call({
      messages: [{ role: "user", content: "hello" }],
      params: {},
      signal: new AbortController().signal,
    })
    .then(
      () => undefined,
      (e: unknown) => e,
    );

async function readReply(proxyEnv: boolean): Promise<unknown> {
  if (proxyEnv) process.env.NODE_USE_ENV_PROXY = "1";
  const fetch = createHttpFetch({ maxReplyBytes: LIMIT });
  const response = await fetch(`${server.openaiBaseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
  });
  return response.text().catch((error: unknown) => error);
}

describe.each(paths)(
  "the fetch the SDKs use stops reading at the reply limit, through $name",
  ({ proxyEnv }) => {
    it.each([
      ["a gzip bomb", bomb],
      ["an endless chunked body", endless],
    ])("%s: the body read rejects once past the limit and the connection is let go", async (_name, fault) => {
      server.enqueue(fault);
      const error = await readReply(proxyEnv);
      expect(error).toBeInstanceOf(ReplyTooLargeError);
      expect((error as Error).message).toBe(
        "the reply is larger than 1 MiB, the limit; raise test.maxReplyBytes in promptops.config.yaml if such replies are expected",
      );
      // The server stops producing: the client went away long before 600 MiB / 2 GiB.
      await server.whenIdle();
      expect(server.lastRequest?.cut).toBe(true);
    });

    it("a reply that announces a Content-Length over the limit is refused before it is read", async () => {
      server.reply = () => "x".repeat(2 * LIMIT);
      const error = await readReply(proxyEnv);
      expect(error).toBeInstanceOf(ReplyTooLargeError);
      expect((error as Error).message).toMatch(
        /^the reply is 2(\.0)? MiB, over the 1 MiB limit; raise test\.maxReplyBytes/,
      );
    });

    it("a reply just under the limit is read whole", async () => {
      server.reply = () => "y".repeat(LIMIT - 4096);
      const text = await readReply(proxyEnv);
      expect(typeof text).toBe("string");
      expect(JSON.parse(text as string).choices[0].message.content).toHaveLength(LIMIT - 4096);
    });
  },
);

describe.each([
  {
    name: "openai",
    ref: "openai:gpt-4o-mini",
    env: () => ({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.openaiBaseURL }),
  },
  {
    name: "anthropic",
    ref: "anthropic:claude-haiku-4-5",
    env: () => ({ ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.anthropicBaseURL }),
  },
])("the $name provider turns an over-limit reply into a case error", ({ ref, env }) => {
  it("not worth retrying, and saying the limit and how to raise it", async () => {
    server.enqueue(bomb);
    const provider = await createProvider(parseProviderSpec(ref), env(), { maxReplyBytes: LIMIT });
    const error = await callFailing(provider);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "too-large", transient: false });
    expect((error as Error).message).toBe(
      `${ref}: the reply is larger than 1 MiB, the limit; raise test.maxReplyBytes in promptops.config.yaml if such replies are expected`,
    );
  });
});

describe("the exec provider reads at most the limit of a command's stdout", () => {
  let project: ProjectDir | undefined;
  afterEach(() => project?.cleanup());

  it("kills a command that floods stdout and reports the case as too large", async () => {
    project = makeProjectDir({
      // Writes forever, as fast as it is read; only a kill ends it.
      "flood.mjs": `const chunk = "z".repeat(65536); const write = () => { while (process.stdout.write(chunk)); process.stdout.once("drain", write); }; write();`,
    });
    const spec = parseProviderSpec(`exec:${JSON.stringify(process.execPath)} flood.mjs`);
    const provider = await createProvider(spec, process.env, { cwd: project.root, maxReplyBytes: LIMIT });
    const error = await callFailing(provider);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "too-large", transient: false });
    expect((error as Error).message).toContain("the reply is larger than 1 MiB, the limit");
  });
});

it("sizes read as people read them", () => {
  expect([900, 4 * MiB, 1.5 * 1024 * MiB, 3 * MiB + 200].map(formatBytes)).toEqual([
    "900 bytes",
    "4 MiB",
    "1.5 GiB",
    "3 MiB",
  ]);
});
