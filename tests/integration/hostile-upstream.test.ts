/**
 * An answer nested deeper than JavaScript's recursion goes: a model can be
 * steered into a tool input 50,000 levels deep, and neither the request
 * bodies' depth bound (json-body.ts) nor anything else bounds what the
 * upstream sends back. JSON.parse reads it; JSON.stringify, structured clone
 * and recursive validators overflow the stack on it. The gateway must pass
 * it on (Messages as it came, OpenAI's endpoints with the arguments as
 * text), record it, and keep serving. The upstream is a canned one that
 * answers every call with the same body.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringifyDeep } from "../../lib/api/json-text";
import { startCannedUpstream, type CannedUpstream } from "../support/canned-upstream";
import { queryDb } from "../support/db";
import { eventually, startServer, type TestServer } from "../support/server";

const DEPTH = 50_000;
const DEEP = "[".repeat(DEPTH) + "]".repeat(DEPTH);
const INPUT = `{"a":${DEEP}}`;
// A thinking block too: a client that did not ask for thinking gets the answer without it, re-encoded.
const ANSWER = `{"id":"msg_deep","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[{"type":"thinking","thinking":"Deep.","signature":"sig"},{"type":"tool_use","id":"toolu_deep","name":"t","input":${INPUT}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":7}}`;

let upstream: CannedUpstream;
let server: TestServer;

beforeAll(async () => {
  upstream = await startCannedUpstream("unused", { fixed: { status: 200, body: ANSWER } });
  server = await startServer({ env: { ANTHROPIC_BASE_URL: upstream.url, ANTHROPIC_API_KEY: "sk-ant-test-deep" } });
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await upstream?.stop();
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(server.url + path, { method: "POST", headers: { "x-api-key": server.adminKey, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

describe(`an answer nested 50,000 levels deep (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("is passed on whole by every endpoint, recorded with its tool call, and the gateway keeps serving", async () => {
    const tools = [{ name: "t", input_schema: { type: "object" as const } }];
    const messages = [{ role: "user" as const, content: "Call t." }];
    // Messages as the SDK reads them, on both tiers: the reasoning tier holds the thinking back and re-encodes the answer.
    const client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
    for (const tier of ["standard", "reasoning"]) {
      const msg = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 64, tools, messages }, { headers: { "thinkgate-tier": tier } });
      const call = msg.content.find((b) => b.type === "tool_use");
      expect(call?.id, tier).toBe("toolu_deep");
      expect(stringifyDeep(call!.input), tier).toBe(INPUT);
    }

    // OpenAI's endpoints give the input as text: the same text the upstream sent.
    const chat = await post("/api/v1/chat/completions", { model: "claude-sonnet-4-6", messages, tools: [{ type: "function", function: { name: "t", parameters: { type: "object" } } }] });
    expect(chat.status, chat.text.slice(0, 300)).toBe(200);
    expect((JSON.parse(chat.text) as { choices: { message: { tool_calls: { function: { arguments: string } }[] } }[] }).choices[0]!.message.tool_calls[0]!.function.arguments).toBe(INPUT);
    const responses = await post("/api/v1/responses", { model: "claude-sonnet-4-6", input: "Call t.", tools: [{ type: "function", name: "t", parameters: { type: "object" } }] });
    expect(responses.status, responses.text.slice(0, 300)).toBe(200);
    const items = (JSON.parse(responses.text) as { output: { type: string; arguments?: string }[] }).output;
    expect(items.find((i) => i.type === "function_call")?.arguments).toBe(INPUT);

    // Every answered request has its record, with its usage and its tool call (the start of its input: a trace shows 4,000 characters).
    const rows = await storedRecords<{ status: string; inputTokens: number; toolCalls: string | null }>(server, 4, ["status", "inputTokens", "toolCalls"]);
    for (const r of rows) {
      expect(r.status).toBe("ok");
      expect(Number(r.inputTokens)).toBe(5);
      expect(r.toolCalls).toContain('"id":"toolu_deep"');
      expect(r.toolCalls).toContain('"input":"{\\"a\\":[[[[');
    }
    expect(server.proc.exitCode).toBeNull();
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  }, 60_000);
});

describe(`usage nested 30,000 levels deep (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("is answered and recorded with the usage the record can keep (it was a 500 whose record had no usage)", async () => {
    const deep = "[".repeat(30_000) + "]".repeat(30_000);
    const answer = `{"id":"msg_usage","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[{"type":"text","text":"Hi."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":7,"server_tool_use":{"web_search_requests":0,"extra":${deep}}}}`;
    const up = await startCannedUpstream("unused", { fixed: { status: 200, body: answer } });
    const gateway = await startServer({ env: { ANTHROPIC_BASE_URL: up.url, ANTHROPIC_API_KEY: "sk-ant-test-usage" } });
    try {
      const headers = { "x-api-key": gateway.adminKey, "content-type": "application/json", "thinkgate-tier": "standard" };
      const messages = [{ role: "user", content: "Hi?" }];
      const bodies: [string, unknown][] = [
        ["/api/v1/messages", { model: "claude-sonnet-4-6", max_tokens: 64, messages }],
        ["/api/v1/chat/completions", { model: "claude-sonnet-4-6", messages }],
      ];
      for (const [path, body] of bodies) {
        const res = await fetch(gateway.url + path, { method: "POST", headers, body: JSON.stringify(body) });
        const text = await res.text();
        expect(res.status, `${path}: ${text.slice(0, 200)}`).toBe(200);
        expect(text).toContain("Hi.");
      }
      const rows = await storedRecords<{ status: string; inputTokens: number; outputTokens: number }>(gateway, 2, ["status", "inputTokens", "outputTokens"]);
      for (const r of rows) expect([r.status, Number(r.inputTokens), Number(r.outputTokens)]).toEqual(["ok", 5, 7]);
    } finally {
      await gateway.stop();
      await up.stop();
    }
  }, 60_000);
});

describe(`a model member nested 30,000 levels deep (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("is answered by the Chat Completions endpoint, its answer re-encoded whole (it was a 500)", async () => {
    const deep = "[".repeat(30_000) + "]".repeat(30_000);
    const answer = `{"id":"msg_model","type":"message","role":"assistant","model":${deep},"content":[{"type":"text","text":"Hi."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":7}}`;
    const up = await startCannedUpstream("unused", { fixed: { status: 200, body: answer } });
    const gateway = await startServer({ env: { ANTHROPIC_BASE_URL: up.url, ANTHROPIC_API_KEY: "sk-ant-test-model" } });
    try {
      const res = await fetch(`${gateway.url}/api/v1/chat/completions`, {
        method: "POST",
        headers: { "x-api-key": gateway.adminKey, "content-type": "application/json", "thinkgate-tier": "standard" },
        body: JSON.stringify({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Hi?" }] }),
      });
      const text = await res.text();
      expect(res.status, text.slice(0, 200)).toBe(200);
      expect(text).toContain("Hi.");
      expect((await fetch(`${gateway.url}/api/health`)).status).toBe(200);
    } finally {
      await gateway.stop();
      await up.stop();
    }
  }, 60_000);
});

describe(`an upstream error body nested 30,000 levels deep (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("is relayed with the upstream's status and a message that says so, in each API's shape, and recorded (it was a 500)", async () => {
    const deep = "[".repeat(30_000) + "]".repeat(30_000);
    const up = await startCannedUpstream("unused", { fixed: { status: 400, body: `{"type":"error","error":{"type":"invalid_request_error","message":${deep}}}` } });
    const gateway = await startServer({ env: { ANTHROPIC_BASE_URL: up.url, ANTHROPIC_API_KEY: "sk-ant-test-error" } });
    try {
      const headers = { "x-api-key": gateway.adminKey, "content-type": "application/json", "thinkgate-tier": "standard" };
      const messages = [{ role: "user", content: "Hi?" }];
      const said = /^the upstream answered 400 with an error body nested more than 64 levels deep/;
      const res = await fetch(`${gateway.url}/api/v1/messages`, { method: "POST", headers, body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 64, messages }) });
      const anthropic = (await res.json()) as { type: string; error: { type: string; message: string } };
      expect(res.status, JSON.stringify(anthropic)).toBe(400);
      expect(anthropic.type).toBe("error");
      expect(anthropic.error.type).toBe("invalid_request_error");
      expect(anthropic.error.message).toMatch(said);
      const chat = await fetch(`${gateway.url}/api/v1/chat/completions`, { method: "POST", headers, body: JSON.stringify({ model: "claude-sonnet-4-6", messages }) });
      const openai = (await chat.json()) as { error: { type: string; message: string } };
      expect(chat.status, JSON.stringify(openai)).toBe(400);
      expect(openai.error.message).toMatch(said);
      const rows = await storedRecords<{ status: string; httpStatus: number }>(gateway, 2, ["status", "httpStatus"]);
      for (const r of rows) expect([r.status, Number(r.httpStatus)]).toEqual(["error", 400]);
    } finally {
      await gateway.stop();
      await up.stop();
    }
  }, 60_000);
});


/** An upstream of the test's own: `handle` answers each call, given its body read whole. */
/** The gateway's request records, once there are `count` of them (its recorder writes off the response path). */
async function storedRecords<T>(server: TestServer, count: number, columns: string[]): Promise<T[]> {
  return eventually(async () => {
    const r = await queryDb<T>(server, `SELECT ${columns.map((c) => `"${c}"`).join(", ")} FROM "RequestRecord"`);
    return r.length === count ? r : undefined;
  });
}

async function rawUpstream(handle: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const srv = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => handle(req, Buffer.concat(parts).toString("utf8"), res));
  });
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => srv.close(() => resolve())),
  };
}

const notFound = (res: http.ServerResponse) => res.writeHead(404, { "content-type": "application/json" }).end('{"type":"error","error":{"type":"not_found_error","message":"not found"}}');

describe(`a streamed tool input nested 50,000 levels deep (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("is relayed intact on both tiers, its events re-encoded where the thinking is held back (it was an error event mid-stream), and recorded", async () => {
    const frame = (data: string) => `event: ${(JSON.parse(data) as { type: string }).type}\ndata: ${data}\n\n`;
    const pieces: string[] = [];
    for (let i = 0; i < INPUT.length; i += 8_192) pieces.push(INPUT.slice(i, i + 8_192));
    // A thinking block (held back on the reasoning tier, so the later blocks are renumbered and re-encoded);
    // a tool input in input_json_delta pieces; and one that arrives whole in its block's start.
    const events = [
      '{"type":"message_start","message":{"id":"msg_stream_deep","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}',
      '{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}',
      '{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Deep."}}',
      '{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig"}}',
      '{"type":"content_block_stop","index":0}',
      '{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_pieces","name":"t","input":{}}}',
      '{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}',
      ...pieces.map((p) => JSON.stringify({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: p } })),
      '{"type":"content_block_stop","index":1}',
      `{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_whole","name":"t","input":${INPUT}}}`,
      '{"type":"content_block_stop","index":2}',
      '{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":7}}',
      '{"type":"message_stop"}',
    ].map(frame);
    const up = await rawUpstream((req, _body, res) => {
      if (req.method !== "POST" || req.url !== "/v1/messages") return notFound(res);
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "request-id": "req_stream_deep" });
      // In a few writes, so frames arrive split across chunks.
      for (const e of events) res.write(e);
      res.end();
    });
    const gateway = await startServer({ env: { ANTHROPIC_BASE_URL: up.url, ANTHROPIC_API_KEY: "sk-ant-test-stream" } });
    try {
      const tools = [{ name: "t", input_schema: { type: "object" as const } }];
      const messages = [{ role: "user" as const, content: "Call t." }];
      // The standard tier relays the upstream's bytes as they came.
      const raw = await fetch(`${gateway.url}/api/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": gateway.adminKey, "content-type": "application/json", "thinkgate-tier": "standard" },
        body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 64, tools, messages, stream: true }),
      });
      expect(raw.status).toBe(200);
      expect(await raw.text()).toBe(events.join(""));

      const client = new Anthropic({ baseURL: gateway.baseURL, apiKey: gateway.adminKey, maxRetries: 0 });
      for (const tier of ["standard", "reasoning"]) {
        const stream = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 64, tools, messages, stream: true }, { headers: { "thinkgate-tier": tier } });
        const blocks: { type: string; id?: string; input?: unknown; json: string }[] = [];
        let stopped = false;
        for await (const ev of stream) {
          if (ev.type === "content_block_start") blocks[ev.index] = { ...(ev.content_block as { type: string }), json: "" };
          else if (ev.type === "content_block_delta" && ev.delta.type === "input_json_delta") blocks[ev.index]!.json += ev.delta.partial_json;
          else if (ev.type === "message_stop") stopped = true;
        }
        expect(stopped, tier).toBe(true);
        // The client did not ask for thinking: on the reasoning tier it is held back, and the tool calls are blocks 0 and 1.
        expect(blocks.map((b) => b.type), tier).toEqual(tier === "standard" ? ["thinking", "tool_use", "tool_use"] : ["tool_use", "tool_use"]);
        const [pieced, whole] = blocks.slice(-2);
        expect([pieced!.id, whole!.id], tier).toEqual(["toolu_pieces", "toolu_whole"]);
        expect(pieced!.json, tier).toBe(INPUT);
        expect(stringifyDeep(whole!.input), tier).toBe(INPUT);
      }

      const rows = await storedRecords<{ status: string; inputTokens: number; outputTokens: number; toolCalls: string | null }>(gateway, 3, ["status", "inputTokens", "outputTokens", "toolCalls"]);
      for (const r of rows) {
        expect([r.status, Number(r.inputTokens), Number(r.outputTokens)]).toEqual(["ok", 5, 7]);
        for (const id of ["toolu_pieces", "toolu_whole"]) expect(r.toolCalls).toContain(`"id":"${id}"`);
        expect(r.toolCalls).toContain('"input":"{\\"a\\":[[[[');
      }
      expect(gateway.proc.exitCode).toBeNull();
      expect((await fetch(`${gateway.url}/api/health`)).status).toBe(200);
    } finally {
      await gateway.stop();
      await up.close();
    }
  }, 60_000);
});

describe(`a batch result nested 50,000 levels deep (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("is served with the results, its thinking held back, and every item recorded (it was a results download broken off)", async () => {
    const batch = (url: string) => ({
      id: "msgbatch_deep",
      type: "message_batch",
      processing_status: "ended",
      request_counts: { processing: 0, succeeded: 2, errored: 0, canceled: 0, expired: 0 },
      created_at: "2026-12-07T00:00:00Z",
      ended_at: "2026-12-07T00:01:00Z",
      expires_at: "2026-12-08T00:00:00Z",
      archived_at: null,
      cancel_initiated_at: null,
      results_url: `${url}/v1/messages/batches/msgbatch_deep/results`,
    });
    const after = '{"id":"msg_after","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[{"type":"thinking","thinking":"Easy.","signature":"sig"},{"type":"text","text":"Fine."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":2}}';
    // The deep answer's line comes first: the line after it must be served and recorded too.
    const results = `{"custom_id":"deep","result":{"type":"succeeded","message":${ANSWER}}}\n{"custom_id":"after","result":{"type":"succeeded","message":${after}}}\n`;
    let base = "";
    const up = await rawUpstream((req, _body, res) => {
      if (req.method === "POST" && req.url === "/v1/messages/batches") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(batch(base)));
      if (req.method === "GET" && req.url === "/v1/messages/batches/msgbatch_deep") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(batch(base)));
      if (req.method === "GET" && req.url === "/v1/messages/batches/msgbatch_deep/results") return res.writeHead(200, { "content-type": "application/binary" }).end(results);
      notFound(res);
    });
    base = up.url;
    const gateway = await startServer({ env: { ANTHROPIC_BASE_URL: up.url, ANTHROPIC_API_KEY: "sk-ant-test-batch" } });
    try {
      const client = new Anthropic({ baseURL: gateway.baseURL, apiKey: gateway.adminKey, maxRetries: 0 });
      const params = { model: "claude-sonnet-4-6", max_tokens: 64, tools: [{ name: "t", input_schema: { type: "object" as const } }], messages: [{ role: "user" as const, content: "Call t." }] };
      // The reasoning tier adds thinking the client did not ask for: the results go out without it, re-encoded.
      const created = await client.messages.batches.create({ requests: [{ custom_id: "deep", params }, { custom_id: "after", params }] }, { headers: { "thinkgate-tier": "reasoning" } });
      const lines: { custom_id: string; result: { type: string; message?: { content: { type: string; id?: string; input?: unknown; text?: string }[] } } }[] = [];
      for await (const line of await client.messages.batches.results(created.id)) lines.push(line as never);
      expect(lines.map((l) => l.custom_id)).toEqual(["deep", "after"]);
      const [deep, fine] = lines.map((l) => l.result.message!.content);
      expect(deep!.map((b) => b.type)).toEqual(["tool_use"]);
      expect(deep![0]!.id).toBe("toolu_deep");
      expect(stringifyDeep(deep![0]!.input)).toBe(INPUT);
      expect(fine).toEqual([{ type: "text", text: "Fine." }]);

      const rows = await eventually(async () => {
        const r = await queryDb<{ customId: string; status: string; inputTokens: number; toolCalls: string | null }>(
          gateway,
          `SELECT i."customId", r."status", r."inputTokens", r."toolCalls" FROM "MessageBatchItem" i JOIN "RequestRecord" r ON r."id" = i."requestId" ORDER BY i."customId"`,
        );
        return r.length === 2 ? r : undefined;
      });
      expect(rows.map((r) => [r.customId, r.status, Number(r.inputTokens)])).toEqual([["after", "ok", 3], ["deep", "ok", 5]]);
      expect(rows[1]!.toolCalls).toContain('"input":"{\\"a\\":[[[[');
      expect(gateway.proc.exitCode).toBeNull();
      expect((await fetch(`${gateway.url}/api/health`)).status).toBe(200);
    } finally {
      await gateway.stop();
      await up.close();
    }
  }, 60_000);
});

describe(`the router's classifier call answered with usage nested 30,000 levels deep (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("leaves the request answered and recorded, that call on its record with the usage the record can keep (it was a 500 with no record)", async () => {
    const deep = "[".repeat(30_000) + "]".repeat(30_000);
    const verdict = JSON.stringify('{"reasoning": false, "confidence": 0.9}');
    const up = await rawUpstream((req, body, res) => {
      if (req.method !== "POST" || req.url !== "/v1/messages") return notFound(res);
      const classifier = (JSON.parse(body) as { model: string }).model === "claude-haiku-4-5";
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        classifier
          ? `{"id":"msg_verdict","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"text","text":${verdict}}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":30,"output_tokens":4,"server_tool_use":{"web_search_requests":0,"extra":${deep}}}}`
          : '{"id":"msg_answer","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[{"type":"text","text":"Hi."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":7}}',
      );
    });
    const gateway = await startServer({ env: { ANTHROPIC_BASE_URL: up.url, ANTHROPIC_API_KEY: "sk-ant-test-classifier" } });
    try {
      const put = await fetch(`${gateway.url}/api/settings`, {
        method: "PUT",
        headers: { "x-api-key": gateway.adminKey, "content-type": "application/json" },
        // Every score ambiguous, so the LLM stage runs.
        body: JSON.stringify({ classifierThreshold: 0.5, classifier: { enabled: true, ambiguousMargin: 0.5 }, llmClassifier: { enabled: true, model: "claude-haiku-4-5", timeoutMs: 10_000 } }),
      });
      expect(put.status).toBe(200);
      const client = new Anthropic({ baseURL: gateway.baseURL, apiKey: gateway.adminKey, maxRetries: 0 });
      const msg = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "Name a bakery." }] });
      expect(msg.content).toEqual([{ type: "text", text: "Hi." }]);
      const [row] = await storedRecords<{ status: string; inputTokens: number; hops: string }>(gateway, 1, ["status", "inputTokens", "hops"]);
      // The record counts both calls' tokens: the classifier's 30 and the answer's 5.
      expect([row!.status, Number(row!.inputTokens)]).toEqual(["ok", 35]);
      const hops = JSON.parse(row!.hops) as { kind: string; model: string; tokens: { input: number } | null }[];
      expect(hops[0]).toMatchObject({ kind: "classifier", model: "claude-haiku-4-5", tokens: { input: 30 } });
      expect(gateway.proc.exitCode).toBeNull();
      expect((await fetch(`${gateway.url}/api/health`)).status).toBe(200);
    } finally {
      await gateway.stop();
      await up.close();
    }
  }, 60_000);
});
