/**
 * SIGTERM in the default mode, where the gateway's upstream is the simulator
 * served by its own process: every request accepted before the signal is
 * answered. The drain closes the listening socket and the connections it
 * serves; a request whose standard answer is escalated after the signal then
 * needs a new connection to its upstream, the process itself. And a request
 * still running when the drain's time is up is cut off and recorded, not left
 * running while the records are flushed and the process exits.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { queryDb } from "../support/db";
import { startServer, type TestServer } from "../support/server";
import { startSimulator } from "../support/simulator";

let server: TestServer | undefined;
afterAll(() => server?.stop("SIGKILL"));

describe("drain with the built-in simulator as upstream", () => {
  it("answers every request accepted before SIGTERM, including ones not yet sent upstream", async () => {
    server = await startServer({ env: { THINKGATE_DRAIN_MS: "20000" } });
    const rules = await fetch(`${server.url}/api/rules`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
      body: JSON.stringify({ note: "FAQ escalated when unsure", rules: [{ id: "faq", name: "FAQ", when: { tasks: ["faq"] }, then: { routeId: "standard" }, escalate: { onLowConfidence: true } }] }),
    });
    expect(rules.status).toBe(201);
    const client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0, timeout: 60_000, defaultHeaders: { "thinkgate-task": "faq" } });
    const statuses: (number | string)[] = [];
    let stopped = false;
    const exited = new Promise<number | null>((r) => server!.proc.once("exit", (code) => r(code)));
    const worker = async (w: number) => {
      for (let i = 0; !stopped; i++) {
        try {
          const stream = i % 2 === 1;
          const params = { model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user" as const, content: `How do I reset my password? (${w}/${i}) [[sim:confidence=low]]` }] };
          if (stream) {
            for await (const _ of await client.messages.create({ ...params, stream: true })) void _;
          } else await client.messages.create(params);
          statuses.push(200);
        } catch (err) {
          // A connection error without a response: refused at connect once the
          // listening socket is closed, or a keep-alive connection the drain
          // closed just as the client wrote its next request on it (the SDK
          // retries both). Neither request was taken: the records show it below.
          statuses.push(err instanceof Anthropic.APIConnectionError ? "not taken" : err instanceof Anthropic.APIError && err.status ? err.status : String(err));
          return;
        }
      }
    };
    const workers = Array.from({ length: 12 }, (_, w) => worker(w));
    // The signal comes while the workers are busy: each request is a standard call, then an escalation's reasoning call.
    while (statuses.length < 100) await new Promise((r) => setTimeout(r, 5));
    server.proc.kill("SIGTERM");
    const code = await exited;
    stopped = true;
    await Promise.all(workers);
    const answered = statuses.filter((s) => s === 200).length;
    const failures = statuses.filter((s) => s !== 200 && s !== "not taken");
    console.log(`drain: ${answered} answered, ${statuses.length - answered - failures.length} not taken, failures ${JSON.stringify(failures)}`);
    expect(code).toBe(0);
    expect(failures).toEqual([]);
    // Every request the gateway took was answered in full: one record each, none failed or cut.
    const records = await queryDb<{ status: string; httpStatus: number | string; errorType: string | null; errorMessage: string | null; stream: unknown }>(server, 'SELECT "status", "httpStatus", "errorType", "errorMessage", "stream" FROM "RequestRecord"');
    expect(records.filter((r) => r.status !== "ok" || Number(r.httpStatus) !== 200)).toEqual([]);
    expect(records.length).toBe(answered);
  }, 90_000);
});

describe("a request still running when the drain's time is up", () => {
  it("is cut off and recorded as such, not lost", async () => {
    // The simulator in a process of its own, at its realistic pace: a reasoning answer streams for seconds, as the API's do.
    const upstream = await startSimulator({ latency: "realistic" });
    const s = await startServer({ env: { ANTHROPIC_BASE_URL: upstream.baseURL, THINKGATE_DRAIN_MS: "1000" } });
    try {
      const res = await fetch(`${s.baseURL}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": s.adminKey, "anthropic-version": "2023-06-01", "thinkgate-tier": "reasoning" },
        body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 16_000, stream: true, messages: [{ role: "user", content: "Prove that there are infinitely many primes." }] }),
      });
      expect(res.status).toBe(200);
      const id = res.headers.get("thinkgate-request-id")!;
      const reader = res.body!.getReader();
      await reader.read();
      const exited = new Promise<number | null>((r) => s.proc.once("exit", (code) => r(code)));
      s.proc.kill("SIGTERM");
      // The stream ends early, cut by the shutdown once its drain time is up, with an error event that says so (not a dropped connection).
      let text = "";
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      expect(await exited).toBe(0);
      expect(text).not.toContain("event: message_stop");
      expect(text.trimEnd().split("\n\n").at(-1)).toMatch(/^event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"cut off by the gateway's shutdown/);
      expect(s.output()).toMatch(/requests still running were cut off and recorded/);
      const rows = await queryDb<{ id: string; status: string; errorMessage: string | null }>(s, `SELECT "id", "status", "errorMessage" FROM "RequestRecord"`);
      console.log(`drain bound: ${JSON.stringify(rows)}`);
      // Left running, it had no record: the records were flushed and the process exited while it waited.
      expect(rows.map((r) => r.id)).toEqual([id]);
      expect(rows[0]!.status).not.toBe("ok");
      expect(rows[0]!.errorMessage).toMatch(/cut off by the gateway's shutdown/);
    } finally {
      await s.stop("SIGKILL");
      await upstream.stop();
    }
  }, 60_000);
});
