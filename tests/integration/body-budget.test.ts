/**
 * Large request bodies held at once are bounded per process
 * (THINKGATE_LARGE_BODY_BUDGET_BYTES): two dozen 30 MB requests at once took
 * more memory than the heap has, and the process died with every request in
 * it. Past the budget a request gets a 529 overloaded_error with retry-after;
 * the budget comes back when a request's answer is done, or its client gone.
 * Here the budget is 5 MiB and the bodies 2.4 MB, held in flight by the
 * simulator's `hang` fault.
 */
import Anthropic from "@anthropic-ai/sdk";
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../support/server";

const BUDGET = 5 * 1024 * 1024;
let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { THINKGATE_LARGE_BODY_BUDGET_BYTES: String(BUDGET) } });
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

const body = (tail: string) =>
  JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 32, messages: [{ role: "user", content: `${"A line of a long pasted log. ".repeat(80_000)}${tail}` }] });

describe("large bodies in flight", () => {
  it("refuses one past the budget with a 529 and retry-after, and takes it again once the earlier ones are done", async () => {
    const post = (text: string, signal?: AbortSignal) =>
      fetch(`${server.baseURL}/v1/messages`, { method: "POST", headers: { "x-api-key": server.adminKey, "content-type": "application/json" }, body: text, signal });
    const hung = new AbortController();
    // Two bodies the upstream never answers: 4.8 MB held.
    const held = [post(body("[[sim:fault=hang]] one"), hung.signal), post(body("[[sim:fault=hang]] two"), hung.signal)].map((p) => p.catch((e: Error) => e));
    await new Promise((r) => setTimeout(r, 1_500));

    const refused = await post(body("three"));
    expect(refused.status).toBe(529);
    expect(refused.headers.get("retry-after")).toBe("1");
    const e = (await refused.json()) as { type: string; error: { type: string; message: string } };
    expect(e.type).toBe("error");
    expect(e.error.type).toBe("overloaded_error");
    // Small bodies are not counted.
    const client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
    expect((await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 16, messages: [{ role: "user", content: "Hi." }] })).content.length).toBeGreaterThan(0);

    // The clients give up: their share comes back, and a large body is taken again.
    hung.abort();
    await Promise.all(held);
    await new Promise((r) => setTimeout(r, 300));
    const again = await post(body("four"));
    expect(again.status).toBe(200);
  }, 60_000);

  it("counts a body sent to the same endpoint by a path with dot segments (/./api/v1/messages) too", async () => {
    // fetch resolves dot segments before sending; a client that does not reached Next's copy of the handlers, which has no budget.
    const rawPost = (path: string, text: string) =>
      new Promise<number>((resolve, reject) => {
        const { port } = new URL(server.url);
        const req = http.request({ host: "127.0.0.1", port: Number(port), path, method: "POST", headers: { "x-api-key": server.adminKey, "content-type": "application/json", "content-length": Buffer.byteLength(text) } }, (res) => {
          res.resume().on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject).end(text);
      });
    const hung = new AbortController();
    const post = (text: string) =>
      fetch(`${server.baseURL}/v1/messages`, { method: "POST", headers: { "x-api-key": server.adminKey, "content-type": "application/json" }, body: text, signal: hung.signal }).catch((e: Error) => e);
    const held = [post(body("[[sim:fault=hang]] one")), post(body("[[sim:fault=hang]] two"))];
    await new Promise((r) => setTimeout(r, 1_500));
    try {
      expect(await rawPost("/./api/v1/messages", body("three"))).toBe(529);
      expect(await rawPost("/x/../api/v1/messages", body("four"))).toBe(529);
    } finally {
      hung.abort();
      await Promise.all(held);
    }
  }, 60_000);
});
