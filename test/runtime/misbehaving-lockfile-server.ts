import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** How the server answers the next requests: a lockfile as a good server would, or a fault. */
export type Behaviour =
  | { kind: "serve"; text: string }
  | { kind: "status"; status: number }
  | { kind: "truncate"; text: string }
  | { kind: "hang" }
  | { kind: "endless" }
  | { kind: "declare-huge" };

export interface MisbehavingServer {
  url: string;
  behave(next: Behaviour): void;
  /** Requests answered so far, and how many of them were 304s. */
  requests: { total: number; notModified: number };
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 that serves a lockfile with ETags, or misbehaves on purpose. */
export async function startMisbehavingServer(first: Behaviour): Promise<MisbehavingServer> {
  let behaviour = first;
  const requests = { total: 0, notModified: 0 };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests.total++;
    const now = behaviour;
    switch (now.kind) {
      case "serve": {
        const etag = `"${createHash("sha256").update(now.text).digest("hex")}"`;
        if (request.headers["if-none-match"] === etag) {
          requests.notModified++;
          response.writeHead(304, { etag });
          response.end();
          return;
        }
        response.writeHead(200, { etag, "content-type": "application/json" });
        response.end(now.text);
        return;
      }
      case "status":
        response.writeHead(now.status, { "content-type": "text/plain" });
        response.end("upstream failed");
        return;
      case "truncate": {
        response.writeHead(200, { "content-length": Buffer.byteLength(now.text) });
        response.write(now.text.slice(0, now.text.length / 2), () => response.socket?.destroy());
        return;
      }
      case "hang":
        return; // never answers; close() drops the connection
      case "endless": {
        // Chunked, no length: only counting the bytes as they arrive can stop it.
        response.writeHead(200, { "content-type": "application/json" });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (!response.destroyed && response.write(chunk));
          if (!response.destroyed) response.once("drain", pump);
        };
        response.on("error", () => {});
        pump();
        return;
      }
      case "declare-huge":
        response.writeHead(200, { "content-length": String(10 * 1024 * 1024 * 1024) });
        response.write("{");
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/lockfile?env=production`,
    behave(next) {
      behaviour = next;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
