import { afterAll, beforeAll, beforeEach } from "vitest";
import { FakeProviderServer, type FakeProviderServerOptions } from "./fake-provider-server.js";

/**
 * The fake provider server of one test file: listening before its first test, reset before each
 * (counters, faults, reply and latency as started), closed after its last. A file's own
 * beforeEach, registered after this call, runs after the reset.
 */
export function fakeProviderServerPerFile(options: FakeProviderServerOptions = {}): FakeProviderServer {
  const server = FakeProviderServer.create(options);
  beforeAll(() => server.listen());
  beforeEach(() => server.resetForNextTest());
  afterAll(() => server.close());
  return server;
}
