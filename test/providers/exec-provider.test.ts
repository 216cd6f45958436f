import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProvider } from "../../src/providers/create-provider.js";
import type { ProviderCall } from "../../src/providers/provider.js";
import { ProviderError } from "../../src/providers/provider-errors.js";
import { parseProviderSpec } from "../../src/providers/provider-spec.js";
import { makeProjectDir, type ProjectDir } from "../helpers/project-dir.js";

const scripts = {
  // Answers in JSON with its own token counts, from what it read on stdin.
  "json-reply.mjs": `
    let input = "";
    process.stdin.on("data", (c) => (input += c));
    process.stdin.on("end", () => {
      const request = JSON.parse(input);
      const last = request.messages.at(-1).content;
      const output = "you said: " + last + " (temperature " + request.params.temperature + ", tools " + request.tools + ")";
      process.stdout.write(JSON.stringify({ output, tokens: { input: 11, output: 22 } }));
    });`,
  // Plain text: the whole stdout is the reply.
  "plain-reply.mjs": `
    let input = "";
    process.stdin.on("data", (c) => (input += c));
    process.stdin.on("end", () => console.log(JSON.parse(input).messages.at(-1).content.toUpperCase()));`,
  "fails.mjs": `
    console.error("loading model…");
    console.error("warming up");
    console.error("boom: model file not found");
    process.exit(3);`,
  // Connects to the test's socket and never answers: the socket closing tells the test it died.
  "hangs.mjs": `
    import { connect } from "node:net";
    connect(Number(process.argv[2]), "127.0.0.1");
    setInterval(() => {}, 1000);`,
  "cwd.mjs": `process.stdout.write(process.cwd());`,
  // A command's own idea of tool calls: arguments as text, as a value, and entries that are not calls.
  "tool-calls.mjs": `process.stdout.write(JSON.stringify({ output: "", toolCalls: [
    { name: "lookup_order", arguments: '{"id":"A-17"}' },
    { name: "list_orders", arguments: { open: true } },
    { name: "ping" },
    { arguments: "{}" },
    "lookup_order",
    null,
  ] }));`,
};

let project: ProjectDir;
beforeAll(() => {
  project = makeProjectDir(scripts);
});
afterAll(() => project.cleanup());

const node = JSON.stringify(process.execPath);

function request(overrides: Partial<ProviderCall> = {}): ProviderCall {
  return {
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "where is my parcel?" },
    ],
    params: { temperature: 0.3 },
    signal: new AbortController().signal,
    ...overrides,
  };
}

const exec = (command: string) =>
  createProvider(parseProviderSpec(`exec:${command}`), process.env, { cwd: project.root });

describe("the exec provider runs the user's command", () => {
  it("sends the request JSON on stdin and takes a JSON reply with its token counts", async () => {
    const provider = await exec(`${node} json-reply.mjs`);
    const reply = await provider.call(request());
    expect(provider).toMatchObject({ id: `exec:${node} json-reply.mjs`, kind: "exec" });
    expect(reply).toEqual({
      output: "you said: where is my parcel? (temperature 0.3, tools null)",
      tokens: { input: 11, output: 22, estimated: false },
    });
  });

  it("takes plain stdout as the reply, without its final newline, and estimates tokens", async () => {
    const reply = await (await exec(`${node} plain-reply.mjs`)).call(request());
    expect(reply.output).toBe("WHERE IS MY PARCEL?");
    expect(reply.tokens.estimated).toBe(true);
    expect(reply.tokens.input).toBeGreaterThan(0);
  });

  it("takes the tool calls of a JSON reply, arguments as JSON text, and drops what is not a call", async () => {
    const reply = await (await exec(`${node} tool-calls.mjs`)).call(request());
    expect(reply.toolCalls).toEqual([
      { name: "lookup_order", arguments: '{"id":"A-17"}' },
      { name: "list_orders", arguments: '{"open":true}' },
      { name: "ping", arguments: "{}" },
    ]);
  });

  it("gives a reply with only tool calls the calls as its output, as the openai and anthropic providers do", async () => {
    const reply = await (await exec(`${node} tool-calls.mjs`)).call(request());
    expect(JSON.parse(reply.output)).toEqual(reply.toolCalls);
  });

  it("runs in the project root, so ./script paths in the config work", async () => {
    const reply = await (await exec(`${node} ./cwd.mjs`)).call(request());
    expect(reply.output).toBe(project.root);
  });

  it("a non-zero exit is a non-transient error with the last lines of stderr", async () => {
    const error = await (await exec(`${node} fails.mjs`)).call(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "other", transient: false });
    expect((error as Error).message).toContain("exited with code 3");
    expect((error as Error).message).toContain("warming up | boom: model file not found");
  });

  it("a command that does not exist says so", async () => {
    const error = await (await exec("promptops-no-such-command-xyz"))
      .call(request())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "other", transient: false });
    expect((error as Error).message).toMatch(/exited with code 127.*not found/);
  });

  describe("on abort", () => {
    let listener: Server;
    let connected: Promise<Socket>;
    beforeAll(async () => {
      let onConnection!: (socket: Socket) => void;
      connected = new Promise((resolve) => (onConnection = resolve));
      listener = createServer(onConnection);
      await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    });
    afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

    it("stops promptly and kills the command (and what its shell started)", async () => {
      const { port } = listener.address() as { port: number };
      const controller = new AbortController();
      // "&& echo" keeps the shell alive as the parent: node is its child, not the shell itself.
      const provider = await exec(`${node} hangs.mjs ${port} && echo done`);
      const pending = provider.call(request({ signal: controller.signal })).catch((e: unknown) => e);
      const socket = await connected;
      const gone = new Promise((resolve) => socket.on("close", resolve));
      socket.on("error", () => {});
      const abortedAt = performance.now();
      controller.abort();
      expect(await pending).toMatchObject({ kind: "aborted", transient: false });
      // Guards against waiting for the command (it never ends) or for a kill grace period; wide
      // enough for a loaded 2-core machine.
      expect(performance.now() - abortedAt).toBeLessThan(5_000);
      await gone;
    });
  });
});
