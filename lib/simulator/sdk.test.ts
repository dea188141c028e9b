/**
 * The simulator behind a real socket, driven by the official SDK: what the
 * gateway (and any client) sees when it points baseURL at the simulator.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setSimulatorLatencyMode } from "./latency";
import { simulatorRoutes } from "./routes";
import { startTestServer, type TestServer } from "./test-server";

let server: TestServer;
let client: Anthropic;

beforeAll(async () => {
  setSimulatorLatencyMode("zero");
  server = await startTestServer(simulatorRoutes);
  client = new Anthropic({ baseURL: `${server.url}/api/simulator`, apiKey: "x", maxRetries: 0 });
});

afterAll(async () => {
  setSimulatorLatencyMode(undefined);
  await server.close();
});

describe("simulator via @anthropic-ai/sdk", () => {
  it("messages.create: adaptive thinking on claude-opus-4-7 with display summarized", async () => {
    const msg = await client.messages.create({
      model: "claude-opus-4-7",
      max_tokens: 16_000,
      thinking: { type: "adaptive", display: "summarized" },
      output_config: { effort: "high" },
      messages: [{ role: "user", content: "How should we roll out a schema change across three services?" }],
    });
    expect(msg._request_id).toMatch(/^req_/);
    expect(msg.content.map((b) => b.type)).toEqual(["thinking", "text"]);
    const thinking = msg.content[0]!;
    if (thinking.type !== "thinking") throw new Error("expected thinking");
    expect(thinking.thinking.length).toBeGreaterThan(200);
    expect(thinking.signature.length).toBeGreaterThan(0);
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.usage.output_tokens).toBeGreaterThanOrEqual(msg.usage.output_tokens_details!.thinking_tokens);
  });

  it("messages.stream() + finalMessage(): thinking and text intact, same as create", async () => {
    const params = {
      model: "claude-sonnet-4-5",
      max_tokens: 8_000,
      thinking: { type: "enabled" as const, budget_tokens: 4_000 },
      messages: [{ role: "user" as const, content: "What is 128 * 7, and how would you check it?" }],
    };
    const stream = client.messages.stream(params);
    let thinkingDeltas = "";
    let textDeltas = "";
    stream.on("thinking", (delta) => (thinkingDeltas += delta));
    stream.on("text", (delta) => (textDeltas += delta));
    const final = await stream.finalMessage();
    const [thinking, text] = final.content;
    if (thinking?.type !== "thinking" || text?.type !== "text") throw new Error(`unexpected blocks ${final.content.map((b) => b.type)}`);
    expect(thinking.thinking).toBe(thinkingDeltas);
    expect(thinking.thinking).toMatch(/128/);
    expect(thinking.signature.length).toBeGreaterThan(0);
    expect(text.text).toBe(textDeltas);
    const created = await client.messages.create(params);
    expect(final.usage).toEqual(created.usage);
    expect(final.content).toEqual(created.content);
  });

  it("server tools: a web search and a web fetch are used once and counted in usage, streamed as when not", async () => {
    const params = {
      model: "claude-sonnet-4-6",
      max_tokens: 800,
      tools: [{ type: "web_search_20250305" as const, name: "web_search" as const }, { type: "web_fetch_20250910" as const, name: "web_fetch" as const }],
      messages: [{ role: "user" as const, content: "What is new in the Lisbon city council this week?" }],
    };
    const msg = await client.messages.create(params);
    expect(msg.content.map((b) => b.type)).toEqual(["server_tool_use", "web_search_tool_result", "server_tool_use", "web_fetch_tool_result", "text"]);
    expect(msg.usage.server_tool_use).toEqual({ web_search_requests: 1, web_fetch_requests: 1 });
    const s = client.messages.stream(params);
    const starts: unknown[] = [];
    s.on("streamEvent", (e) => {
      if (e.type === "message_start") starts.push(e.message.usage.server_tool_use);
    });
    const streamed = await s.finalMessage();
    // Counted when the tools have run: message_start says 0, message_delta the total.
    expect(starts).toEqual([{ web_search_requests: 0, web_fetch_requests: 0 }]);
    expect(streamed.usage.server_tool_use).toEqual({ web_search_requests: 1, web_fetch_requests: 1 });
    expect(streamed.content.map((b) => b.type)).toEqual(msg.content.map((b) => b.type));
    // The fetched document says whether citations are on, as the tool asked: an object, never null.
    const citationsOf = (m: Anthropic.Message) => (m.content.find((b) => b.type === "web_fetch_tool_result") as { content: { content: { citations: unknown } } }).content.content.citations;
    expect(citationsOf(msg)).toEqual({ enabled: false });
    const cited = await client.messages.create({ ...params, tools: [{ type: "web_fetch_20250910", name: "web_fetch", citations: { enabled: true } }] });
    expect(citationsOf(cited)).toEqual({ enabled: true });
    // Without a server tool, none is used.
    const plain = await client.messages.create({ ...params, tools: undefined });
    expect(plain.usage.server_tool_use).toBeNull();
  });

  it("a 400 surfaces as BadRequestError with the API's message", async () => {
    const err = await client.messages
      .create({ model: "claude-opus-4-7", max_tokens: 4_000, thinking: { type: "enabled", budget_tokens: 2_000 }, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const body = (err as InstanceType<typeof Anthropic.BadRequestError>).error as { error: { type: string; message: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/^"thinking\.type\.enabled" is not supported/);
    expect((err as InstanceType<typeof Anthropic.BadRequestError>).requestID).toMatch(/^req_/);
  });

  it("models.retrieve('claude-sonnet-4-5') returns capabilities", async () => {
    const info = await client.models.retrieve("claude-sonnet-4-5");
    expect(info.id).toBe("claude-sonnet-4-5-20250929");
    expect(info.capabilities?.thinking.types.enabled.supported).toBe(true);
    expect(info.capabilities?.thinking.types.adaptive.supported).toBe(false);
    expect(info.capabilities?.effort.supported).toBe(false);
  });

  it("models.list pages through every model", async () => {
    const ids: string[] = [];
    for await (const m of client.models.list({ limit: 7 })) ids.push(m.id);
    expect(ids).toHaveLength(19);
  });

  it("a 429 fault surfaces as RateLimitError", async () => {
    const err = await client.messages
      .create({ model: "claude-opus-4-7", max_tokens: 100, messages: [{ role: "user", content: "hello [[sim:fault=429]]" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect((err as InstanceType<typeof Anthropic.RateLimitError>).headers.get("retry-after")).toBe("1");
  });

  it("a mid-stream error surfaces as an APIError from the stream", async () => {
    const stream = client.messages.stream({ model: "claude-opus-4-7", max_tokens: 2_000, messages: [{ role: "user", content: "Tell me about tides. [[sim:fault=midstream_error]]" }] });
    await expect(stream.finalMessage()).rejects.toMatchObject({ error: { type: "error", error: { type: "overloaded_error" } } });
  });

  it("a hang fault times out on the client side", async () => {
    const err = await client.messages
      .create({ model: "claude-opus-4-7", max_tokens: 100, messages: [{ role: "user", content: "hello [[sim:fault=hang]]" }] }, { timeout: 300 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });

  it("a cut stream fails finalMessage()", async () => {
    const stream = client.messages.stream({ model: "claude-opus-4-7", max_tokens: 2_000, messages: [{ role: "user", content: "Tell me about tides. [[sim:fault=cut]]" }] });
    await expect(stream.finalMessage()).rejects.toThrow();
  });

  it("count_tokens returns input_tokens", async () => {
    const r = await client.messages.countTokens({ model: "claude-opus-4-7", messages: [{ role: "user", content: "Count these tokens, please." }] });
    expect(r.input_tokens).toBeGreaterThan(0);
  });

  it("tool use round trip through the SDK's stream helper", async () => {
    const tools = [{ name: "get_weather", description: "Current weather", input_schema: { type: "object" as const, properties: { location: { type: "string" } }, required: ["location"] } }];
    const final = await client.messages
      .stream({ model: "claude-haiku-4-5", max_tokens: 1_000, tools, messages: [{ role: "user", content: "Use get_weather for Oslo." }] })
      .finalMessage();
    expect(final.stop_reason).toBe("tool_use");
    const use = final.content.find((b) => b.type === "tool_use");
    expect(use).toMatchObject({ name: "get_weather", input: { location: "Oslo" } });
  });
});
