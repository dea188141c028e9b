/**
 * A Redis that accepts connections and never answers (a hung server, a proxy
 * whose backend is gone) must not keep thinkgate from starting or serving:
 * limits fail open and changes converge once it answers again, as when Redis
 * is down. Before, the start waited forever for the change bus's SUBSCRIBE,
 * and the shutdown for QUIT until its own bound on closing connections.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../support/server";
import { startSilentServer, type SilentServer } from "../support/silent-server";

describe("a Redis that accepts connections and never answers", () => {
  let silent: SilentServer;
  let server: TestServer | undefined;

  beforeAll(async () => {
    silent = await startSilentServer();
  });

  afterAll(async () => {
    await server?.stop();
    await silent.close();
  });

  it("does not hold the start, and requests are served", async () => {
    const started = Date.now();
    server = await startServer({ env: { REDIS_URL: `redis://127.0.0.1:${silent.port}`, THINKGATE_REDIS_PREFIX: `tg-silent-${process.pid}:` } });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(silent.sockets.length).toBeGreaterThan(0);
    const health = await (await fetch(`${server.url}/api/health`)).json();
    expect(health.status).toBe("ok");
    const client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
    const msg = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 32, messages: [{ role: "user", content: "Say hi." }] });
    expect(msg.content.length).toBeGreaterThan(0);
  }, 90_000);

  it("does not hold the shutdown either", async () => {
    // The process's own exit is timed: stop() also drops the test's database, which on a busy
    // PostgreSQL took 7-10 s by itself and failed this test for what the gateway did not do.
    const proc = server!.proc;
    const exited = new Promise((r) => proc.once("exit", r));
    const stopping = Date.now();
    proc.kill("SIGTERM");
    await exited;
    const tookMs = Date.now() - stopping;
    await server!.stop();
    server = undefined;
    // Well inside the shutdown's own bound on closing connections (THINKGATE_SHUTDOWN_CLOSE_MS, 10 s).
    expect(tookMs).toBeLessThan(5_000);
  }, 30_000);
});
