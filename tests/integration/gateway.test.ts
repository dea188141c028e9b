/**
 * The gateway end to end: a real thinkgate process, the official SDK as the
 * client (baseURL = thinkgate), the simulator upstream, and the stored records
 * read back through the API. Runs once on SQLite and once on PostgreSQL.
 */
import Anthropic from "@anthropic-ai/sdk";
import { betaZodTool } from "@anthropic-ai/sdk/helpers/beta/zod";
import { zodOutputFormat } from "@anthropic-ai/sdk/helpers/zod";
import fs from "node:fs";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startServer, type TestServer } from "../support/server";

let server: TestServer;
let client: Anthropic;

interface StoredRecord {
  id: string;
  status: string;
  stage: string;
  tier: string;
  routeId: string | null;
  servedModel: string;
  requestedModel: string;
  inputTokens: number;
  outputTokens: number;
  thinkingTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  pricingStatus: string;
  costInput: number | null;
  costOutput: number | null;
  costThinking: number | null;
  costCacheRead: number | null;
  costCacheWrite: number | null;
  costTotal: number | null;
  counterfactualCost: number | null;
  thinkingStatus: string;
  thinkingText: string | null;
  answer: string | null;
  via: string;
  prompt: string | null;
  httpStatus: number;
  errorType: string | null;
  adjustments: string[];
  stream: boolean;
}

async function stored(id: string): Promise<StoredRecord> {
  return eventually(async () => {
    const res = await fetch(`${server.url}/api/requests/${id}`, { headers: { "x-api-key": server.adminKey } });
    return res.status === 200 ? ((await res.json()) as StoredRecord) : undefined;
  });
}

/** USD per million tokens of the seeded table, for independent cost checks. */
const PRICES: Record<string, { input: number; output: number }> = {
  "claude-opus-4-7": { input: 5, output: 25 },
  "claude-sonnet-4-6": { input: 3, output: 15 },
};

beforeAll(async () => {
  server = await startServer();
  client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
});

afterAll(async () => {
  await server?.stop();
});

describe(`gateway through the official SDK (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("routes a reasoning task, answers with thinking, and records usage and cost to the cent", async () => {
    const { data: msg, response } = await client.messages
      .create(
        {
          model: "claude-sonnet-4-6",
          max_tokens: 1024,
          messages: [{ role: "user", content: "Review this function for race conditions: let n = 0; async function inc() { const v = n; await tick(); n = v + 1; }" }],
        },
        { headers: { "thinkgate-task": "code-review" } },
      )
      .withResponse();

    expect(response.headers.get("thinkgate-tier")).toBe("reasoning");
    expect(response.headers.get("thinkgate-stage")).toBe("rule");
    expect(response.headers.get("thinkgate-route")).toBe("reasoning");
    const id = response.headers.get("thinkgate-request-id")!;
    expect(id).toMatch(/^req_/);
    expect(response.headers.get("request-id")).toBeTruthy();
    expect(msg.model).toBe("claude-opus-4-7");
    // The client sent no thinking: it gets the answer in the shape it asked for, the thinking only in the record.
    expect(response.headers.get("thinkgate-thinking")).toBe("hidden");
    expect(msg.content.some((b) => b.type === "thinking")).toBe(false);
    const text = msg.content[0];
    expect(text && text.type === "text" && text.text.length).toBeGreaterThan(0);
    const thinkingTokens = msg.usage.output_tokens_details?.thinking_tokens ?? 0;
    expect(thinkingTokens).toBeGreaterThan(0);
    expect(msg.usage.output_tokens).toBeGreaterThanOrEqual(thinkingTokens);

    const rec = await stored(id);
    expect(rec.status).toBe("ok");
    expect(rec.via).toBe("messages");
    expect(rec.tier).toBe("reasoning");
    expect(rec.requestedModel).toBe("claude-sonnet-4-6");
    expect(rec.servedModel).toBe("claude-opus-4-7");
    expect(rec.inputTokens).toBe(msg.usage.input_tokens);
    expect(rec.thinkingTokens).toBe(thinkingTokens);
    // Thinking is inside output_tokens: the buckets split it, never add it.
    expect(rec.outputTokens + rec.thinkingTokens).toBe(msg.usage.output_tokens);
    const p = PRICES["claude-opus-4-7"]!;
    const expected = (msg.usage.input_tokens * p.input + msg.usage.output_tokens * p.output) / 1e6;
    expect(rec.pricingStatus).toBe("priced");
    expect(rec.costTotal!).toBeCloseTo(expected, 6);
    expect(rec.costThinking!).toBeCloseTo((thinkingTokens * p.output) / 1e6, 6);
    expect(rec.thinkingStatus).toBe("text");
    expect(rec.thinkingText!.length).toBeGreaterThan(50);
    expect(rec.counterfactualCost).toBeCloseTo(rec.costTotal!, 9);
  });

  it("streams with messages.stream(): thinking, signature and text intact in finalMessage(), usage from the last message_delta", async () => {
    const stream = client.messages.stream(
      {
        model: "claude-sonnet-4-6",
        max_tokens: 2048,
        messages: [{ role: "user", content: "Plan a three-city trip under $2,000 with no flight before 9am and at least two nights per city." }],
      },
      // Shown on request: the relay must keep thinking, signature and text intact.
      { headers: { "thinkgate-tier": "reasoning", "thinkgate-thinking": "show" } },
    );
    let thinkingDeltas = "";
    let textDeltas = "";
    stream.on("thinking", (d) => (thinkingDeltas += d));
    stream.on("text", (d) => (textDeltas += d));
    const final = await stream.finalMessage();
    const { response } = await stream.withResponse();
    expect(response.headers.get("thinkgate-stage")).toBe("override");
    const thinking = final.content.find((b) => b.type === "thinking");
    const text = final.content.find((b) => b.type === "text");
    expect(thinking?.type).toBe("thinking");
    expect((thinking as { thinking: string }).thinking).toBe(thinkingDeltas);
    expect((thinking as { signature: string }).signature.length).toBeGreaterThan(10);
    expect((text as { text: string }).text).toBe(textDeltas);
    expect(final.stop_reason).toBe("end_turn");

    const rec = await stored(response.headers.get("thinkgate-request-id")!);
    expect(rec.stream).toBe(true);
    expect(rec.status).toBe("ok");
    expect(rec.thinkingTokens).toBe(final.usage.output_tokens_details?.thinking_tokens);
    expect(rec.outputTokens + rec.thinkingTokens).toBe(final.usage.output_tokens);
    expect(rec.inputTokens).toBe(final.usage.input_tokens);
    expect(rec.thinkingText).toBe(thinkingDeltas);
    expect(rec.answer).toBe(textDeltas);
  });

  it("structured outputs: messages.parse() with zodOutputFormat gets parsed_output the schema accepts, with thinking on and streamed", async () => {
    const Plan = z.object({ steps: z.array(z.object({ title: z.string(), hours: z.number().min(0.5).max(8) })).min(2), risk: z.enum(["low", "medium", "high"]), owner: z.string().nullable() });
    const params = {
      model: "claude-opus-4-7",
      max_tokens: 4000,
      thinking: { type: "adaptive" as const, display: "summarized" as const },
      messages: [{ role: "user" as const, content: "Plan the migration of our billing service to the new queue, step by step with hours." }],
      output_config: { format: zodOutputFormat(Plan) },
    };
    const msg = await client.messages.parse(params);
    expect(msg.content[0]!.type).toBe("thinking");
    expect(Plan.parse(msg.parsed_output)).toEqual(msg.parsed_output);
    const streamed = await client.messages.stream(params).finalMessage();
    expect(Plan.parse(streamed.parsed_output)).toEqual(streamed.parsed_output);
  });

  it("the SDK's own tool loop (beta toolRunner, a server-held thread) runs to a final answer; each continuation keeps the thread's configuration", async () => {
    // toolRunner starts a thread ({"type":"create"}) and sends each later step as only its tool results ({"type":"continue"}).
    const seen: { stage: string | null; tier: string | null; thread: unknown; id: string | null }[] = [];
    const traced = new Anthropic({
      baseURL: server.baseURL,
      apiKey: server.adminKey,
      maxRetries: 0,
      defaultHeaders: { "thinkgate-tier": "reasoning" },
      fetch: async (url, init) => {
        const res = await fetch(url, init);
        const h = res.headers;
        seen.push({ stage: h.get("thinkgate-stage"), tier: h.get("thinkgate-tier"), thread: (JSON.parse(String(init?.body)) as { thread?: unknown }).thread, id: h.get("thinkgate-request-id") });
        return res;
      },
    });
    const calls: string[] = [];
    const weather = betaZodTool({
      name: "get_weather",
      description: "Current weather for a city",
      inputSchema: z.object({ city: z.string() }),
      run: async ({ city }) => {
        calls.push(city);
        return `${city}: 14°C and windy`;
      },
    });
    const final = await traced.beta.messages
      .toolRunner({ model: "claude-sonnet-4-6", max_tokens: 4000, messages: [{ role: "user", content: "Use get_weather for Bergen and tell me whether to bring a jacket." }], tools: [weather], max_iterations: 4 })
      .runUntilDone();
    expect(calls).toEqual(["Bergen"]);
    expect(final.stop_reason).toBe("end_turn");
    expect(final.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("")).toContain("14°C and windy");
    expect(seen.map((s) => (s.thread as { type: string }).type)).toEqual(["create", "continue"]);
    // The first call was routed (forced to reasoning); the continuation, only tool results, kept that configuration.
    expect(seen.map((s) => [s.stage, s.tier])).toEqual([["override", "reasoning"], ["pinned", "reasoning"]]);
    const [first, second] = await Promise.all(seen.map((s) => eventually(async () => {
      const r = await fetch(`${server.url}/api/requests/${s.id}`, { headers: { "x-api-key": server.adminKey } });
      return r.status === 200 ? ((await r.json()) as { servedModel: string; thinkingConfig: unknown }) : undefined;
    })));
    expect(second).toMatchObject({ servedModel: first!.servedModel, thinkingConfig: first!.thinkingConfig });
    // The continuation carries nothing of the first turn; it is recorded in the thread's conversation all the same.
    const thread = await eventually(async () => {
      const r = await fetch(`${server.url}/api/traces/${seen[1]!.id}/thread`, { headers: { "x-api-key": server.adminKey } });
      const t = r.status === 200 ? ((await r.json()) as { calls: number; turns: { turn: number; calls: { id: string; userText: string | null; toolResults: unknown[] }[] }[] }) : undefined;
      return t && t.calls === 2 ? t : undefined;
    });
    expect(thread.turns).toHaveLength(1);
    expect(thread.turns[0]!.calls.map((c) => c.id)).toEqual(seen.map((s) => s.id));
    expect(thread.turns[0]!.calls[0]!.userText).toContain("Bergen");
    expect(thread.turns[0]!.calls[1]!.toolResults).toHaveLength(1);
  });

  it("keeps a standard task on the requested model with thinking off", async () => {
    const { data: msg, response } = await client.messages
      .create(
        { model: "claude-sonnet-4-6", max_tokens: 300, messages: [{ role: "user", content: "Summarize: the meeting moved to Tuesday." }] },
        { headers: { "thinkgate-task": "summarize" } },
      )
      .withResponse();
    expect(response.headers.get("thinkgate-tier")).toBe("standard");
    expect(msg.model).toBe("claude-sonnet-4-6");
    expect(msg.content.some((b) => b.type === "thinking")).toBe(false);
    const rec = await stored(response.headers.get("thinkgate-request-id")!);
    const p = PRICES["claude-sonnet-4-6"]!;
    expect(rec.costTotal!).toBeCloseTo((msg.usage.input_tokens * p.input + msg.usage.output_tokens * p.output) / 1e6, 6);
    // What the reasoning route would have cost is more than what standard cost.
    expect(rec.counterfactualCost!).toBeGreaterThan(rec.costTotal!);
  });

  it("answers a bad body with a 400 in the API's shape, and records it", async () => {
    const err = await client.messages
      .create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }] } as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const e = err as InstanceType<typeof Anthropic.BadRequestError>;
    expect(e.status).toBe(400);
    expect((e.error as { type: string; error: { type: string } }).type).toBe("error");
    expect((e.error as { error: { type: string; message: string } }).error.type).toBe("invalid_request_error");
    expect((e.error as { error: { message: string } }).error.message).toMatch(/max_tokens/);
    const id = e.headers?.get("thinkgate-request-id");
    expect(id).toBeTruthy();
    const rec = await stored(id!);
    expect(rec.status).toBe("error");
    expect(rec.httpStatus).toBe(400);
  });

  it("takes a large body (parsed on the JSON parser's thread) through messages, count_tokens and the router, and refuses a bad one with the same 400s", async () => {
    // Past LARGE_BODY_BYTES (1 MiB): decoded and parsed off the main thread, sent upstream as bytes made in turns.
    const long = `Summarise the following notes. ${"The deploy went out at noon and the error rate held steady. ".repeat(24_000)}`;
    const ok = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: long }] }).withResponse();
    expect(ok.response.status).toBe(200);
    expect(ok.data.content.length).toBeGreaterThan(0);
    // The whole prompt reached the upstream: the simulator counts its tokens from what it got.
    const counted = await client.messages.countTokens({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: long }] });
    expect(counted.input_tokens).toBeGreaterThan(long.length / 8);
    const routed = await fetch(`${server.baseURL}/v1/route`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
      body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: long }] }),
    });
    expect(routed.status).toBe(200);

    const pad = " ".repeat(1_200_000);
    const utf8 = Buffer.from(`{"model": "claude-sonnet-4-6", "max_tokens": 5, "messages": [{"role": "user", "content": "caf\u00e9${pad}"}]}`);
    utf8[utf8.indexOf("caf") + 3] = 0xff;
    const cases: [BodyInit, RegExp][] = [
      [new Uint8Array(utf8), /not valid UTF-8/],
      [`{"model": "claude-sonnet-4-6",${pad} "max_tokens": 5, "messages": ${"[".repeat(5_000)}${"]".repeat(5_000)}}`, /nested more than 64 levels/],
      [`{"__proto__": {"role": "admin"},${pad} "model": "claude-sonnet-4-6", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}`, /__proto__/],
      [`{"model": "claude-sonnet-4-6",${pad} "max_tokens": 5,`, /not valid JSON/],
      [`[1, 2, 3]${pad}`, /must be a JSON object/],
      // Millions of empty objects: parsed, they took more memory than the process had, and it died.
      [`{"model": "claude-sonnet-4-6", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}], "x": [${"{},".repeat(3_000_000)}{}]}`, /more than 1,000,000 JSON values/],
    ];
    for (const [body, message] of cases) {
      const res = await fetch(`${server.baseURL}/v1/messages`, { method: "POST", headers: { "x-api-key": server.adminKey, "content-type": "application/json" }, body });
      const e = (await res.json()) as { type: string; error: { type: string; message: string } };
      expect(res.status, e.error.message).toBe(400);
      expect(e.type).toBe("error");
      expect(e.error.type).toBe("invalid_request_error");
      expect(e.error.message).toMatch(message);
    }
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });

  it("rejects a bad key with a 401 in the API's shape, via x-api-key and via Bearer", async () => {
    const bearer = new Anthropic({ baseURL: server.baseURL, apiKey: "tg_wrong", maxRetries: 0 });
    const e1 = await bearer.messages.create({ model: "claude-sonnet-4-6", max_tokens: 10, messages: [{ role: "user", content: "x" }] }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(Anthropic.AuthenticationError);
    const res = await fetch(`${server.baseURL}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "tg_wrong", "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 10, messages: [{ role: "user", content: "x" }] }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
  });

  it("accepts the key as x-api-key too (older SDKs and curl)", async () => {
    const res = await fetch(`${server.baseURL}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 50, messages: [{ role: "user", content: "Hello" }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    expect((await res.json()).type).toBe("message");
  });

  it("forwards a field it does not know unchanged, so the API (here the simulator, as strict) answers for it", async () => {
    const res = await fetch(`${server.baseURL}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 50, messages: [{ role: "user", content: "Hello" }], some_future_field: { keep: true } }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: "some_future_field: Extra inputs are not permitted" } });
  });

  it("takes the toolsets, which have no name: browser and computer toolsets, and the beta MCP connector's mcp_toolset", async () => {
    const msg = await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 300,
      messages: [{ role: "user", content: "Open example.com and tell me its title." }],
      tools: [{ type: "browser_toolset_20260801" }, { type: "computer_toolset_20260801" }],
      tool_choice: { type: "auto" },
    });
    expect(msg.type).toBe("message");
    const beta = await client.beta.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 300,
      messages: [{ role: "user", content: "What do the docs say about retries?" }],
      mcp_servers: [{ type: "url", url: "https://mcp.example.com/sse", name: "docs" }],
      tools: [{ type: "mcp_toolset", mcp_server_name: "docs" }],
      betas: ["mcp-client-2025-11-20"],
    });
    expect(beta.type).toBe("message");
  });

  it("forwards a prompt-cache pre-warm (max_tokens 0) as sent: no reasoning route, nothing generated", async () => {
    const prompt = "Prove that the square root of 2 is irrational, step by step, with every lemma proved.";
    const { data: msg, response } = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 0, messages: [{ role: "user", content: prompt }] }, { headers: { "thinkgate-tier": "reasoning" } })
      .withResponse();
    expect(response.headers.get("thinkgate-stage")).toBe("client");
    expect(msg.model).toBe("claude-sonnet-4-6");
    expect(msg.content.filter((b) => b.type === "thinking")).toEqual([]);
    expect(msg.usage.output_tokens_details?.thinking_tokens ?? 0).toBe(0);
    const rec = await stored(response.headers.get("thinkgate-request-id")!);
    expect(rec).toMatchObject({ stage: "client", tier: "standard", servedModel: "claude-sonnet-4-6", thinkingTokens: 0 });
    expect(rec.adjustments.join("\n")).not.toMatch(/max_tokens raised/);
  });

  it("a reasoning route leaves thinking off for a request ending in an assistant prefill, which the API refuses with thinking on", async () => {
    const { data: msg, response } = await client.messages
      .create(
        {
          model: "claude-sonnet-4-6",
          max_tokens: 400,
          messages: [
            { role: "user", content: "Prove that the square root of 2 is irrational; answer as a JSON object with a proof field." },
            { role: "assistant", content: "{" },
          ],
        },
        { headers: { "thinkgate-tier": "reasoning" } },
      )
      .withResponse();
    expect(response.headers.get("thinkgate-tier")).toBe("reasoning");
    expect(msg.content.filter((b) => b.type === "thinking")).toEqual([]);
    expect(msg.usage.output_tokens_details?.thinking_tokens ?? 0).toBe(0);
    const rec = await stored(response.headers.get("thinkgate-request-id")!);
    expect(rec.adjustments.join("\n")).toMatch(/prefill/);
  });

  it("continues an answer whose final assistant message opens with its thinking block without turning thinking off", async () => {
    // Claude Sonnet 5 thinks when `thinking` is omitted: the continuation below, sent without it, is valid on the API.
    const question = { role: "user" as const, content: "Why is the sky blue? Answer in two sentences." };
    const first = await client.messages.create({ model: "claude-sonnet-5", max_tokens: 4000, thinking: { type: "adaptive", display: "summarized" }, messages: [question] });
    const thinking = first.content.find((b) => b.type === "thinking")!;
    expect(thinking).toBeDefined();
    const { data: msg, response } = await client.messages
      .create({ model: "claude-sonnet-5", max_tokens: 4000, messages: [question, { role: "assistant", content: [thinking, { type: "text", text: "Because" }] }] }, { headers: { "thinkgate-tier": "standard" } })
      .withResponse();
    expect(msg.content.some((b) => b.type === "text")).toBe(true);
    // The same turn as the first call: its configuration, not the forced tier's thinking off.
    expect(response.headers.get("thinkgate-stage")).toBe("pinned");
    const rec = await stored(response.headers.get("thinkgate-request-id")!);
    expect(rec).toMatchObject({ httpStatus: 200, servedModel: "claude-sonnet-5" });
  });

  it("rejects temperature on API version 2026-10-21 as the API does", async () => {
    const err = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 10, messages: [{ role: "user", content: "x" }], temperature: 0.2 } as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as Error).message).toMatch(/temperature: Extra inputs are not permitted/);
  });

  it("passes an upstream 429 through with its retry-after", async () => {
    const err = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 10, messages: [{ role: "user", content: "[[sim:fault=429]] hello" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect((err as InstanceType<typeof Anthropic.RateLimitError>).headers?.get("retry-after")).toBeTruthy();
  });

  it("serves count_tokens and the model list through the SDK", async () => {
    const count = await client.messages.countTokens({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "How many tokens is this?" }] });
    expect(count.input_tokens).toBeGreaterThan(0);
    // count_tokens has no max_tokens and no stream: the upstream refuses them as extra inputs.
    for (const extra of [{ max_tokens: 100 }, { stream: false }]) {
      const err = await client.messages.countTokens({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }], ...extra } as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      expect((err as InstanceType<typeof Anthropic.BadRequestError>).message).toMatch(`${Object.keys(extra)[0]}: Extra inputs are not permitted`);
    }
    const model = await client.models.retrieve("claude-opus-4-7");
    expect(model.id).toBe("claude-opus-4-7");
    const page = await client.models.list();
    expect(page.data.length).toBeGreaterThan(5);
  });

  it("explains the decision on /api/v1/route without calling upstream", async () => {
    const res = await fetch(`${server.baseURL}/v1/route`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.adminKey}`, "content-type": "application/json", "thinkgate-app": "legal-review" },
      body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 100, messages: [{ role: "user", content: "Is clause 4 enforceable?" }] }),
    });
    expect(res.status).toBe(200);
    const d = await res.json();
    expect(d).toMatchObject({ tier: "reasoning", stage: "context", route: { id: "reasoning", model: "claude-opus-4-7" } });
    expect(d.route.thinking).toBeTruthy();
    expect(typeof d.reason).toBe("string");
  });

  it("decides a new user turn anew where the API strips the earlier turn's thinking (not a preserved-thinking model)", async () => {
    const first = await client.messages
      .create(
        { model: "claude-sonnet-4-6", max_tokens: 1024, messages: [{ role: "user", content: "Design a rate limiter for a multi-region API." }] },
        { headers: { "thinkgate-task": "architecture", "thinkgate-thinking": "show" } },
      )
      .withResponse();
    expect(first.data.model).toBe("claude-opus-4-7");
    expect(first.data.content[0]!.type).toBe("thinking");
    // The next turn is a standard task; its history carries the first turn's thinking, which Opus 4.7 does not bind.
    const second = await client.messages
      .create(
        {
          model: "claude-sonnet-4-6",
          max_tokens: 1024,
          messages: [
            { role: "user", content: "Design a rate limiter for a multi-region API." },
            { role: "assistant", content: first.data.content as never },
            { role: "user", content: "Summarize that in two lines." },
          ],
        },
        { headers: { "thinkgate-task": "summarize" } },
      )
      .withResponse();
    expect(second.response.headers.get("thinkgate-stage")).toBe("rule");
    expect(second.data.model).toBe("claude-sonnet-4-6");
  });

  it("rejects an unsupported method and unknown API paths in the API's shape", async () => {
    const res = await fetch(`${server.baseURL}/v1/messages`, { headers: { "x-api-key": server.adminKey } });
    expect(res.status).toBe(405);
    expect((await res.json()).type).toBe("error");
  });

  it("reports health without auth; the records so far were built and written on the record thread", async () => {
    const res = await fetch(`${server.url}/api/health`);
    const health = (await res.json()) as { recorder: { written: number } };
    expect(health).toMatchObject({ status: "ok", mode: "simulator", db: server.db, recorder: { builtOn: "thread", dropped: 0 } });
    expect(health.recorder.written).toBeGreaterThan(0);
  });

  it.runIf(fs.existsSync("/proc/thread-self"))("runs the record thread and the simulator's thread below the serving thread's priority", async () => {
    // The record thread starts with the first record.
    await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 16, messages: [{ role: "user", content: "Say hi." }] });
    await eventually(async () => ((await (await fetch(`${server.url}/api/health`)).json()).recorder.written > 0 ? true : undefined));
    // /proc/<pid>/task/<tid>/stat: the 19th field is the thread's nice value (counted after the name's ")").
    const nice = (tid: string) => Number(fs.readFileSync(`/proc/${server.proc.pid}/task/${tid}/stat`, "utf8").split(") ")[1]!.split(" ")[16]);
    const threads = fs.readdirSync(`/proc/${server.proc.pid}/task`);
    expect(nice(String(server.proc.pid))).toBe(0);
    // The record thread and the simulator's (the JSON parser's serves requests and keeps 0).
    expect(threads.filter((tid) => nice(tid) === 10).length).toBeGreaterThanOrEqual(2);
  });
});

describe("keys and roles", () => {
  it("an admin creates a key shown once; a gateway key calls the API but cannot read records; a revoked key stops working", async () => {
    const admin = { "x-api-key": server.adminKey, "content-type": "application/json" };
    const created = await fetch(`${server.url}/api/keys`, { method: "POST", headers: admin, body: JSON.stringify({ name: "ci", role: "gateway" }) });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; secret: string; role: string };
    expect(key.secret).toMatch(/^tg_/);
    const listed = (await (await fetch(`${server.url}/api/keys`, { headers: admin })).json()) as { data: Record<string, unknown>[] };
    expect(listed.data.find((k) => k.id === key.id)).toBeTruthy();
    expect(JSON.stringify(listed)).not.toContain(key.secret);

    const gw = new Anthropic({ baseURL: server.baseURL, apiKey: key.secret, maxRetries: 0 });
    const msg = await gw.messages.create({ model: "claude-sonnet-4-6", max_tokens: 20, messages: [{ role: "user", content: "hi" }] });
    expect(msg.type).toBe("message");
    const denied = await fetch(`${server.url}/api/requests`, { headers: { "x-api-key": key.secret } });
    expect(denied.status).toBe(403);
    expect((await denied.json()).error.type).toBe("permission_error");

    expect((await fetch(`${server.url}/api/keys/${key.id}`, { method: "DELETE", headers: admin })).status).toBe(200);
    const after = await gw.messages.create({ model: "claude-sonnet-4-6", max_tokens: 20, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(after).toBeInstanceOf(Anthropic.AuthenticationError);
  });
});

describe("prices", () => {
  it("an admin adds a price from a date on, and requests after it are costed with it; an unknown model is unpriced, never $0", async () => {
    const admin = { "x-api-key": server.adminKey, "content-type": "application/json" };
    const unpriced = await client.messages
      .create({ model: "claude-mythos-preview", max_tokens: 2000, messages: [{ role: "user", content: "Classify: spam or not? 'You won!'" }] }, { headers: { "thinkgate-task": "classify" } })
      .withResponse();
    const unpricedRec = await stored(unpriced.response.headers.get("thinkgate-request-id")!);
    expect(unpricedRec.status).toBe("ok");
    expect(unpricedRec.pricingStatus).toBe("unpriced");
    expect(unpricedRec.costTotal).toBeNull();

    const bad = await fetch(`${server.url}/api/prices`, { method: "POST", headers: admin, body: JSON.stringify({ model: "x", input: -1 }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.type).toBe("invalid_request_error");

    const res = await fetch(`${server.url}/api/prices`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ model: "claude-sonnet-4-6", effectiveFrom: new Date(Date.now() - 1000).toISOString(), input: 30, cacheWrite5m: 37.5, cacheWrite1h: 60, cacheRead: 3, output: 150 }),
    });
    expect(res.status).toBe(201);
    const { data: msg, response } = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 100, messages: [{ role: "user", content: "Translate: hello" }] }, { headers: { "thinkgate-task": "translate" } })
      .withResponse();
    const rec = await stored(response.headers.get("thinkgate-request-id")!);
    expect(rec.costTotal!).toBeCloseTo((msg.usage.input_tokens * 30 + msg.usage.output_tokens * 150) / 1e6, 9);
  });
});
