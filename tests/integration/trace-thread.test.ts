/**
 * An agent loop through the official SDK, read back as one thread: a tool
 * call on the reasoning route, its tool_result continuation (pinned to the
 * same configuration), and a new user turn, grouped by the conversation key
 * each record stores, with the tool calls, results and thinking per call.
 * Runs on SQLite and, with THINKGATE_TEST_DB=postgresql, on PostgreSQL.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TraceDetail, TraceThread } from "../../lib/traces/wire";
import { longConversation } from "../support/long-loop";
import { eventually, startServer, type TestServer } from "../support/server";

let server: TestServer;
let client: Anthropic;

const tools: Anthropic.Tool[] = [
  { name: "get_weather", description: "Current weather for a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
];

async function api<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, { headers: { "x-api-key": server.adminKey } });
  return { status: res.status, body: (await res.json()) as T };
}

async function stored(id: string): Promise<TraceDetail> {
  return eventually(async () => {
    const r = await api<TraceDetail>(`/api/traces/${id}`);
    return r.status === 200 ? r.body : undefined;
  });
}

beforeAll(async () => {
  server = await startServer();
  client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
});

afterAll(async () => {
  await server?.stop();
});

describe(`thread view of a tool loop (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("groups the loop's calls into turns, with tool calls, tool results, thinking and pinning", async () => {
    const headers = { "thinkgate-tier": "reasoning" };
    const first: Anthropic.MessageParam = { role: "user", content: "Use get_weather: what is the weather in Paris right now?" };
    const one = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 2048, tools, messages: [first] }, { headers }).withResponse();
    const toolUse = one.data.content.find((b): b is Anthropic.ToolUseBlock => b.type === "tool_use");
    expect(toolUse).toBeDefined();
    const loop: Anthropic.MessageParam[] = [
      first,
      { role: "assistant", content: one.data.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse!.id, content: "Paris: 18°C, light rain" }] },
    ];
    const two = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 2048, tools, messages: loop }).withResponse();
    const three = await client.messages
      .create({
        model: "claude-sonnet-4-6",
        max_tokens: 2048,
        tools,
        messages: [...loop, { role: "assistant", content: two.data.content }, { role: "user", content: "Thanks. Should I take an umbrella?" }],
      })
      .withResponse();
    const ids = [one, two, three].map((r) => r.response.headers.get("thinkgate-request-id")!);
    expect(two.response.headers.get("thinkgate-stage")).toBe("pinned");

    // The third call's record first: the second's detail counts the conversation's calls stored when it is read.
    await stored(ids[2]!);
    const detail = await stored(ids[1]!);
    expect(detail.conversationCalls).toBe(3);
    const { status, body: t } = await api<TraceThread>(`/api/traces/${ids[1]}/thread`);
    expect(status).toBe(200);
    expect(t.calls).toBe(3);
    expect(t.turns.map((x) => [x.turn, x.calls.map((c) => c.id)])).toEqual([
      [1, [ids[0], ids[1]]],
      [2, [ids[2]]],
    ]);
    const [c1, c2] = t.turns[0]!.calls;
    expect(c1!.userText).toMatch(/weather in Paris/);
    expect(c1!.toolCalls).toHaveLength(1);
    expect(c1!.toolCalls[0]).toMatchObject({ id: toolUse!.id, name: "get_weather" });
    expect(JSON.parse(c1!.toolCalls[0]!.input)).toEqual(toolUse!.input);
    expect(c1!.thinking?.length ?? 0).toBeGreaterThan(0);
    expect(c1!.pinned).toBe(false);
    expect(c2!.pinned).toBe(true);
    expect(c2!.userText).toBeNull();
    expect(c2!.toolResults).toEqual([{ toolUseId: toolUse!.id, content: "Paris: 18°C, light rain", isError: false }]);
    expect(c2!.model).toBe(c1!.model);
    expect(t.turns[1]!.calls[0]!.userText).toMatch(/umbrella/);

    // A request outside any loop is a thread of one.
    const alone = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: "Name a prime." }] }).withResponse();
    const aloneId = alone.response.headers.get("thinkgate-request-id")!;
    expect((await stored(aloneId)).conversationCalls).toBe(1);
    expect((await api<TraceThread>(`/api/traces/${aloneId}/thread`)).body.calls).toBe(1);
    expect((await api<unknown>("/api/traces/req_nope/thread")).status).toBe(404);
  });

  it("keeps a conversation whose user switched models between turns in one thread, each call on the model it asked for", async () => {
    // What Claude Code sends after --model or /model: the same conversation, the next turn naming another model.
    const first: Anthropic.MessageParam = { role: "user", content: "Use get_weather: is it raining in Lyon?" };
    const one = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 1024, tools, messages: [first] }).withResponse();
    const toolUse = one.data.content.find((b): b is Anthropic.ToolUseBlock => b.type === "tool_use")!;
    const loop: Anthropic.MessageParam[] = [
      first,
      { role: "assistant", content: one.data.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "Lyon: 12°C, rain" }] },
    ];
    const two = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 1024, tools, messages: loop }).withResponse();
    const three = await client.messages
      .create({ model: "claude-haiku-4-5", max_tokens: 1024, tools, messages: [...loop, { role: "assistant", content: two.data.content }, { role: "user", content: "And in Nice?" }] })
      .withResponse();
    const ids = [one, two, three].map((r) => r.response.headers.get("thinkgate-request-id")!);
    await stored(ids[0]!);
    await stored(ids[1]!);
    expect((await stored(ids[2]!)).conversationCalls).toBe(3);
    const { body: t } = await api<TraceThread>(`/api/traces/${ids[2]}/thread`);
    // It was two threads: the requested model is part of the conversation's key (pins stay per model).
    expect(t.turns.map((x) => [x.turn, x.calls.map((c) => c.id)])).toEqual([
      [1, [ids[0], ids[1]]],
      [2, [ids[2]]],
    ]);
    expect(t.turns.map((x) => x.calls.map((c) => c.model))).toEqual([["claude-sonnet-4-6", "claude-sonnet-4-6"], ["claude-haiku-4-5"]]);
    expect(t.models).toEqual(["claude-sonnet-4-6", "claude-haiku-4-5"]);
  });

  it("shows a loop longer than the limit around the call opened, and says how many calls it leaves out", async () => {
    const ids = await longConversation(async (messages) => {
      const res = await fetch(`${server.baseURL}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": server.adminKey, "content-type": "application/json", "anthropic-version": "2023-06-01" },
        body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 64, messages }),
      });
      expect(res.status).toBe(200);
      return res.headers.get("thinkgate-request-id")!;
    });
    await eventually(async () => ((await api<TraceDetail>(`/api/traces/${ids[0]}`)).body.conversationCalls === 210 ? true : undefined));

    const window = async (opened: number) => {
      const { status, body } = await api<TraceThread>(`/api/traces/${ids[opened]}/thread`);
      expect(status).toBe(200);
      return { ...body, ids: body.turns.flatMap((x) => x.calls.map((c) => c.id)).sort() };
    };
    // Near the end of the loop: the latest 200, the opened one among them (the oldest 200 left it out).
    const late = await window(204);
    expect(late).toMatchObject({ limit: 200, truncated: true, calls: 200, earlier: 10, later: 0 });
    expect(late.ids).toEqual(ids.slice(10));
    // In the middle: as many calls before it as after it.
    const middle = await window(105);
    expect(middle).toMatchObject({ truncated: true, calls: 200, earlier: 6, later: 4 });
    expect(middle.ids).toEqual(ids.slice(6, 206));
    const early = await window(0);
    expect(early).toMatchObject({ truncated: true, calls: 200, earlier: 0, later: 10 });
    expect(early.ids).toEqual(ids.slice(0, 200));
  }, 120_000);
});
