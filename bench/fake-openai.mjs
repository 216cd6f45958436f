import { createServer } from "node:http";

/**
 * The OpenAI chat completions endpoint, as far as the SDK needs it: `replyText(body)` back, with
 * usage, after `latencyMs`. Counts requests and the most it ever had in flight at once. Listens
 * on 127.0.0.1 only. Faults for the fault benches: `hang(body)` true leaves that request
 * unanswered; `rateLimit: { perSecond, burst }` is a token bucket answering 429 with `retry-after`
 * in whole seconds (rounded up), as most APIs do, when it is empty.
 */
export function startFakeOpenAI({ apiKey, latencyMs, replyText, hang, rateLimit }) {
  const stats = { total: 0, active: 0, peakActive: 0, firstAt: 0, lastAt: 0, rateLimited: 0, hung: 0 };
  const bucket = rateLimit && { tokens: rateLimit.burst ?? rateLimit.perSecond, at: performance.now() };
  /** Undefined when a token was taken, else ms until the next one. */
  const takeToken = () => {
    if (!bucket) return undefined;
    const now = performance.now();
    const { perSecond, burst = perSecond } = rateLimit;
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * perSecond) / 1000);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return ((1 - bucket.tokens) * 1000) / perSecond;
  };
  const server = createServer((req, res) => {
    stats.total++;
    stats.active++;
    stats.peakActive = Math.max(stats.peakActive, stats.active);
    stats.firstAt ||= performance.now();
    res.once("close", () => {
      stats.active--;
      stats.lastAt = performance.now();
    });
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      if (req.headers.authorization !== `Bearer ${apiKey}`) {
        return send(res, 401, { error: { message: "bad key", type: "invalid_request_error", code: null } });
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      if (hang?.(body)) {
        stats.hung++;
        return;
      }
      const waitMs = takeToken();
      if (waitMs !== undefined) {
        stats.rateLimited++;
        const error = {
          message: "Rate limit reached for requests",
          type: "requests",
          code: "rate_limit_exceeded",
        };
        return send(res, 429, { error }, { "retry-after": String(Math.ceil(waitMs / 1000)) });
      }
      setTimeout(() => {
        send(res, 200, {
          id: `chatcmpl-bench-${stats.total}`,
          object: "chat.completion",
          created: 1_764_000_000,
          model: body.model,
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: replyText(body), refusal: null },
              logprobs: null,
              finish_reason: "stop",
            },
          ],
          usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
        });
      }, latencyMs);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        stats,
        baseURL: `http://127.0.0.1:${port}/v1`,
        reset() {
          Object.assign(stats, {
            total: 0,
            peakActive: stats.active,
            firstAt: 0,
            lastAt: 0,
            rateLimited: 0,
            hung: 0,
          });
          if (bucket)
            Object.assign(bucket, { tokens: rateLimit.burst ?? rateLimit.perSecond, at: performance.now() });
        },
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
