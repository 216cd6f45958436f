import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { httpFetch } from "../../src/providers/http-fetch.js";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server | undefined;
let connections = 0;

async function serve(handler: Handler): Promise<string> {
  connections = 0;
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => handler(req, body, res));
  });
  server.on("connection", () => {
    connections++;
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
};

describe("the fetch the provider SDKs use", () => {
  it("sends the method, headers and body, and hands back status, headers and JSON", async () => {
    const url = await serve((req, body, res) =>
      json(
        res,
        201,
        { method: req.method, auth: req.headers.authorization, body: JSON.parse(body) },
        {
          "x-request-id": "req_1",
        },
      ),
    );
    const response = await httpFetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: new Headers({ Authorization: "Bearer k", "Content-Type": "application/json" }),
      body: JSON.stringify({ hello: "wörld" }),
    });
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.headers.get("x-request-id")).toBe("req_1");
    expect(await response.json()).toEqual({ method: "POST", auth: "Bearer k", body: { hello: "wörld" } });
  });

  it("keeps one connection alive across sequential requests", async () => {
    const url = await serve((_req, _body, res) => json(res, 200, { ok: true }));
    for (let i = 0; i < 5; i++) await (await httpFetch(url, { method: "POST", body: "{}" })).text();
    expect(connections).toBe(1);
  });

  it("rejects the body read with TypeError('terminated') when the body is cut off", async () => {
    const url = await serve((_req, _body, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"choices": [');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const response = await httpFetch(url, { method: "POST", body: "{}" });
    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toThrow(new TypeError("terminated"));
  });

  it("a body that is not JSON rejects json() with a SyntaxError, as fetch does", async () => {
    const url = await serve((_req, _body, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("<html>proxy error</html>");
    });
    const response = await httpFetch(url, { method: "POST", body: "{}" });
    await expect(response.json()).rejects.toBeInstanceOf(SyntaxError);
  });

  it("an abort while waiting for the reply rejects with the abort reason and closes the socket", async () => {
    // Abort only once the server holds the request, and wait for the close event itself:
    // a fixed delay or a polling window misses both on a loaded machine.
    let requestArrived!: () => void;
    const arrived = new Promise<void>((resolve) => {
      requestArrived = resolve;
    });
    let socketClosed!: () => void;
    const closed = new Promise<void>((resolve) => {
      socketClosed = resolve;
    });
    const url = await serve((req) => {
      req.socket.once("close", () => socketClosed());
      requestArrived();
    });
    const controller = new AbortController();
    const pending = httpFetch(url, { method: "POST", body: "{}", signal: controller.signal });
    await arrived;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    await closed;
  });

  it("a refused connection rejects with TypeError('fetch failed') and the socket error as cause", async () => {
    const url = await serve(() => {});
    server!.close();
    server = undefined;
    const error = await httpFetch(url, { method: "POST", body: "{}" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ message: "fetch failed", cause: { code: "ECONNREFUSED" } });
  });

  it("decodes a gzip body", async () => {
    const url = await serve((_req, _body, res) => {
      const zipped = gzipSync(JSON.stringify({ text: "squeezed" }));
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(zipped);
    });
    expect(await (await httpFetch(url, { method: "POST", body: "{}" })).json()).toEqual({ text: "squeezed" });
  });

  it("follows 307 with the same method and body, and hands a 302 back untouched", async () => {
    const url = await serve((req, body, res) => {
      if (req.url === "/old") return json(res, 307, {}, { location: "/new" });
      if (req.url === "/moved") return json(res, 302, { moved: true }, { location: "/new" });
      json(res, 200, { at: req.url, method: req.method, body });
    });
    const followed = await httpFetch(`${url}/old`, { method: "POST", body: "payload" });
    expect(await followed.json()).toEqual({ at: "/new", method: "POST", body: "payload" });
    const moved = await httpFetch(`${url}/moved`, { method: "POST", body: "payload" });
    expect(moved.status).toBe(302);
    expect(await moved.json()).toEqual({ moved: true });
  });

  it("leaves requests to Node's own fetch when Node is told to use the environment's proxy", async () => {
    const seen: Array<string | undefined> = [];
    const url = await serve((req, _body, res) => {
      // undici's fetch always says how it fetches; node:http says nothing of the sort.
      seen.push(req.headers["sec-fetch-mode"]);
      json(res, 200, {});
    });
    await (await httpFetch(url, { method: "POST", body: "{}" })).text();
    process.env.NODE_USE_ENV_PROXY = "1";
    try {
      await (await httpFetch(url, { method: "POST", body: "{}" })).text();
    } finally {
      delete process.env.NODE_USE_ENV_PROXY;
    }
    expect(seen).toEqual([undefined, "cors"]);
  });
});
