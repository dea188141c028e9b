/**
 * Agent loops and drop-in safety, end to end: a real thinkgate process, the
 * official SDK as the client, the simulator upstream (which refuses a
 * tool_result continuation whose assistant turn lacks its thinking, and
 * modified thinking blocks, as the API does), and the decisions read back
 * from thinkgate's own records. Runs once on SQLite and once on PostgreSQL.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { ContentBlock, MessageParam, Tool } from "@anthropic-ai/sdk/resources/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startServer, type TestServer } from "../support/server";

let server: TestServer;
const keys: Record<"honour" | "decide" | "cap", string> = { honour: "", decide: "", cap: "" };

interface StoredRecord {
  id: string;
  status: string;
  httpStatus: number;
  stage: string;
  tier: string;
  reason: string;
  requestedModel: string;
  servedModel: string;
  thinkingConfig: { thinking: Record<string, unknown> | null; effort: string | null } | null;
  thinkingText: string | null;
  thinkingTokens: number;
  prompt: string | null;
  client: string | null;
  hops: { kind: string }[];
  adjustments: string[];
  errorMessage: string | null;
  maxTokensSent: number | null;
}

async function stored(id: string): Promise<StoredRecord> {
  return eventually(async () => {
    const res = await fetch(`${server.url}/api/requests/${id}`, { headers: { "x-api-key": server.adminKey } });
    return res.status === 200 ? ((await res.json()) as StoredRecord) : undefined;
  });
}

async function createKey(name: string, thinking?: { policy: string; cap?: string | null }): Promise<string> {
  const res = await fetch(`${server.url}/api/keys`, {
    method: "POST",
    headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
    body: JSON.stringify({ name, role: "gateway", ...(thinking ? { thinking } : {}) }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { secret: string }).secret;
}

const sdk = (key: string, headers: Record<string, string> = {}) => new Anthropic({ baseURL: server.baseURL, apiKey: key, maxRetries: 0, defaultHeaders: headers });

const weatherTool: Tool = { name: "get_weather", description: "Current weather for a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };

/** Every call of a tool loop, by request id; the loops' records are compared at the end of the file. */
const loops: { name: string; ids: string[] }[] = [];

beforeAll(async () => {
  server = await startServer();
  keys.honour = await createKey("plain app");
  keys.decide = await createKey("claude code", { policy: "decide" });
  keys.cap = await createKey("capped", { policy: "cap", cap: "low" });
});

afterAll(async () => {
  await server?.stop();
});

describe(`agent loops and drop-in safety (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("a client that sent no thinking gets no thinking blocks in JSON; its tool_result turn is accepted and kept on the turn's configuration", async () => {
    const client = sdk(keys.honour);
    const messages: MessageParam[] = [{ role: "user", content: "Use get_weather for Lisbon, then review whether our retry policy handles the 503s it reported." }];
    const first = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 512, tools: [weatherTool], messages }, { headers: { "thinkgate-task": "code-review" } })
      .withResponse();
    expect(first.response.headers.get("thinkgate-tier")).toBe("reasoning");
    expect(first.response.headers.get("thinkgate-thinking")).toBe("hidden");
    expect(first.response.headers.get("thinkgate-client-thinking")).toBe("absent");
    expect(first.data.content.some((b) => b.type === "thinking" || b.type === "redacted_thinking")).toBe(false);
    expect(first.data.stop_reason).toBe("tool_use");
    const toolUse = first.data.content.find((b) => b.type === "tool_use")!;
    expect(toolUse).toBeDefined();
    // The record keeps what the client did not see, and max_tokens grew by the thinking allowance on top of the client's 512.
    const rec1 = await stored(first.response.headers.get("thinkgate-request-id")!);
    expect(rec1.thinkingTokens).toBeGreaterThan(0);
    expect(rec1.thinkingText?.length ?? 0).toBeGreaterThan(20);
    expect(rec1.maxTokensSent).toBeGreaterThanOrEqual(512 + 12_288);

    // The client echoes what it got (no thinking): thinkgate puts the held block back, so the stricter upstream accepts it.
    messages.push({ role: "assistant", content: first.data.content });
    messages.push({ role: "user", content: [{ type: "tool_result", tool_use_id: (toolUse as { id: string }).id, content: "Lisbon: 19°C, clear" }] });
    const second = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 512, tools: [weatherTool], messages }, { headers: { "thinkgate-task": "summarize" } }).withResponse();
    expect(second.response.status).toBe(200);
    expect(second.data.content[0]!.type).toBe("text");
    expect((second.data.content[0] as { text: string }).text.length).toBeGreaterThan(0);
    expect(second.data.content.some((b) => b.type === "thinking")).toBe(false);
    const rec2 = await stored(second.response.headers.get("thinkgate-request-id")!);
    expect(rec2.stage).toBe("pinned");
    expect(rec2.adjustments.join("\n")).toMatch(/put back into 1 earlier assistant message/);
    // The tool loop keeps the room for thinking its first call was given, not the client's 512.
    expect(rec2.maxTokensSent).toBe(rec1.maxTokensSent);
    loops.push({ name: "json drop-in", ids: [rec1.id, rec2.id] });
  });

  it("a forced first tool call on a reasoning route, then an auto continuation: the turn has no thinking block, so its loop runs with thinking off", async () => {
    const client = sdk(keys.honour);
    const messages: MessageParam[] = [{ role: "user", content: "Use get_weather for Oslo, then review whether our retry policy handles the 503s it reported." }];
    const first = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 512, tools: [weatherTool], tool_choice: { type: "any" }, messages }, { headers: { "thinkgate-tier": "reasoning" } })
      .withResponse();
    expect(first.data.stop_reason).toBe("tool_use");
    const toolUse = first.data.content.find((b) => b.type === "tool_use") as { id: string };
    messages.push({ role: "assistant", content: first.data.content });
    messages.push({ role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "Oslo: 4°C, rain" }] });
    // The API skips thinking on a forced call; with thinking still on, the auto continuation's assistant turn lacks its block: a 400.
    const second = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 512, tools: [weatherTool], tool_choice: { type: "auto" }, messages }).withResponse();
    expect(second.response.status).toBe(200);
    const rec1 = await stored(first.response.headers.get("thinkgate-request-id")!);
    const rec2 = await stored(second.response.headers.get("thinkgate-request-id")!);
    expect(rec2.stage).toBe("pinned");
    loops.push({ name: "forced first call", ids: [rec1.id, rec2.id] });
  });

  it("a continuation that names another model is still its tool call's turn: kept on the loop's configuration, in the loop's conversation", async () => {
    const client = sdk(keys.honour);
    const thinking = { type: "enabled" as const, budget_tokens: 2048 };
    const messages: MessageParam[] = [{ role: "user", content: "Get the weather in Porto with get_weather, then tell me what to wear." }];
    const first = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 4096, thinking, tools: [weatherTool], messages }).withResponse();
    expect(first.data.stop_reason).toBe("tool_use");
    const toolUse = first.data.content.find((b) => b.type === "tool_use") as { id: string };
    messages.push({ role: "assistant", content: first.data.content });
    messages.push({ role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "Porto: 14°C, showers" }] });
    // The client switches model in the middle of the turn (as `claude -c --model ...` does): the turn key, which holds the model, changes.
    const second = await client.messages.create({ model: "claude-opus-4-7", max_tokens: 4096, thinking, tools: [weatherTool], messages }).withResponse();
    expect(second.response.status).toBe(200);
    const rec2 = await stored(second.response.headers.get("thinkgate-request-id")!);
    expect(rec2).toMatchObject({ stage: "pinned", servedModel: "claude-sonnet-4-6" });
    expect(rec2.reason).toMatch(/continues a tool loop; kept/);
    const thread = await (await fetch(`${server.url}/api/traces/${rec2.id}/thread`, { headers: { "x-api-key": server.adminKey } })).json() as { calls: number };
    expect(thread.calls).toBe(2);
    loops.push({ name: "model switched mid-turn", ids: [first.response.headers.get("thinkgate-request-id")!, rec2.id] });
  });

  it("parallel tool calls on a reasoning route: all their results go back in one turn, kept on the loop's configuration, and the thread lists every call and result", async () => {
    const client = sdk(keys.honour);
    const clockTool: Tool = { name: "get_time", description: "Local time in a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };
    const messages: MessageParam[] = [{ role: "user", content: "Plan a walk in Porto and Lisbon: use get_weather and get_time for each city first. [[sim:parallel=4]]" }];
    const opts = { headers: { "thinkgate-tier": "reasoning" } };
    const first = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 4096, tools: [weatherTool, clockTool], messages }, opts).withResponse();
    expect(first.data.stop_reason).toBe("tool_use");
    const calls = first.data.content.filter((b) => b.type === "tool_use") as { id: string; name: string }[];
    expect(calls).toHaveLength(4);
    messages.push({ role: "assistant", content: first.data.content });
    messages.push({ role: "user", content: calls.map((c, i) => ({ type: "tool_result" as const, tool_use_id: c.id, content: `result ${i}` })) });
    const second = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 4096, tools: [weatherTool, clockTool], messages }).withResponse();
    expect(second.response.status).toBe(200);
    expect(second.data.stop_reason).toBe("end_turn");
    const [r1, r2] = await Promise.all([first, second].map((r) => stored(r.response.headers.get("thinkgate-request-id")!)));
    expect(r1!.tier).toBe("reasoning");
    expect(r2).toMatchObject({ stage: "pinned", servedModel: r1!.servedModel, thinkingConfig: r1!.thinkingConfig });
    const thread = (await (await fetch(`${server.url}/api/traces/${r2!.id}/thread`, { headers: { "x-api-key": server.adminKey } })).json()) as { calls: number; turns: unknown };
    expect(thread.calls).toBe(2);
    const shown = JSON.stringify(thread.turns);
    for (const c of calls) expect(shown).toContain(c.id);
    for (let i = 0; i < calls.length; i++) expect(shown).toContain(`result ${i}`);
    loops.push({ name: "parallel tool calls", ids: [r1!.id, r2!.id] });
  });

  it("two sessions that open with the same words each keep their own first call's configuration through their tool loop", async () => {
    const client = sdk(keys.honour);
    const opening: MessageParam[] = [{ role: "user", content: "Use get_weather for Porto and tell me whether to take an umbrella." }];
    const open = (tier: string) =>
      client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 400, tools: [weatherTool], messages: opening }, { headers: { "thinkgate-tier": tier } }).withResponse();
    // Session A reasons, then session B (same key, model and words) is answered standard, before A continues.
    const a1 = await open("reasoning");
    const b1 = await open("standard");
    const cont = (first: typeof a1) => {
      const toolUse = first.data.content.find((b) => b.type === "tool_use") as { id: string };
      expect(toolUse).toBeDefined();
      const messages: MessageParam[] = [
        ...opening,
        { role: "assistant", content: first.data.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "Porto: 14°C, light rain" }] },
      ];
      return client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 400, tools: [weatherTool], messages }).withResponse();
    };
    const a2 = await cont(a1);
    const b2 = await cont(b1);
    expect(a2.response.status).toBe(200);
    expect(b2.response.status).toBe(200);
    const [ra1, rb1, ra2, rb2] = (await Promise.all([a1, b1, a2, b2].map((r) => stored(r.response.headers.get("thinkgate-request-id")!)))) as [StoredRecord, StoredRecord, StoredRecord, StoredRecord];
    expect(ra1.tier).toBe("reasoning");
    expect(rb1.tier).toBe("standard");
    expect(ra2.stage).toBe("pinned");
    expect(rb2.stage).toBe("pinned");
    expect([ra2.servedModel, ra2.thinkingConfig]).toEqual([ra1.servedModel, ra1.thinkingConfig]);
    expect([rb2.servedModel, rb2.thinkingConfig]).toEqual([rb1.servedModel, rb1.thinkingConfig]);
    loops.push({ name: "session A", ids: [ra1.id, ra2.id] }, { name: "session B", ids: [rb1.id, rb2.id] });
  });

  it("a tool history the client wrote itself, after the same words were answered with thinking, goes as sent: not pinned onto thinking its turn has no block for (a 400)", async () => {
    const client = sdk(keys.honour);
    const opening: MessageParam[] = [{ role: "user", content: "Use get_weather for Bergen, then review whether our retry policy handles the 503s it reported." }];
    // An earlier call with these words reasoned: its turn is pinned with thinking on.
    const earlier = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 400, tools: [weatherTool], messages: opening }, { headers: { "thinkgate-tier": "reasoning" } }).withResponse();
    expect(earlier.response.headers.get("thinkgate-tier")).toBe("reasoning");
    // A few-shot history (or ids a framework rewrote): tool calls thinkgate never answered, and no thinking block to send back.
    const messages: MessageParam[] = [
      ...opening,
      { role: "assistant", content: [{ type: "text", text: "Checking the weather." }, { type: "tool_use", id: "toolu_01WrittenByTheClient", name: "get_weather", input: { city: "Bergen" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01WrittenByTheClient", content: "Bergen: 9°C, rain" }] },
    ];
    const res = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 400, tools: [weatherTool], messages }).withResponse();
    expect(res.response.status).toBe(200);
    expect(res.data.content.some((b) => b.type === "text")).toBe(true);
    const rec = await stored(res.response.headers.get("thinkgate-request-id")!);
    expect(rec).toMatchObject({ status: "ok", stage: "pinned", servedModel: "claude-sonnet-4-6" });
    expect(rec.reason).toMatch(/tool calls thinkgate did not answer.*forwarded as sent/);
  });

  it("a client that sent no thinking gets a valid stream without thinking events; its next tool_result turn is accepted", async () => {
    const client = sdk(keys.honour);
    const messages: MessageParam[] = [{ role: "user", content: "Call get_weather for Oslo and plan the architecture of a cache for its answers." }];
    const types: string[] = [];
    const s1 = client.messages.stream({ model: "claude-sonnet-4-6", max_tokens: 400, tools: [weatherTool], messages }, { headers: { "thinkgate-task": "architecture" } });
    s1.on("streamEvent", (ev) => types.push(ev.type === "content_block_start" ? `start:${ev.content_block.type}:${ev.index}` : ev.type));
    const m1 = await s1.finalMessage();
    const { response: r1 } = await s1.withResponse();
    expect(r1.headers.get("thinkgate-thinking")).toBe("hidden");
    expect(types.some((t) => t.startsWith("start:thinking") || t.startsWith("start:redacted"))).toBe(false);
    // Indexes start at 0 and follow each other, as the SDK's accumulator needs.
    const starts = types.filter((t) => t.startsWith("start:")).map((t) => Number(t.split(":")[2]));
    expect(starts).toEqual(starts.map((_, i) => i));
    expect(m1.content.every((b: ContentBlock) => b.type !== "thinking")).toBe(true);
    const tool = m1.content.find((b) => b.type === "tool_use") as { id: string } | undefined;
    expect(tool).toBeDefined();
    const rec1 = await stored(r1.headers.get("thinkgate-request-id")!);
    expect(rec1.thinkingText?.length ?? 0).toBeGreaterThan(20);

    messages.push({ role: "assistant", content: m1.content });
    messages.push({ role: "user", content: [{ type: "tool_result", tool_use_id: tool!.id, content: "Oslo: 4°C, rain" }] });
    const s2 = client.messages.stream({ model: "claude-sonnet-4-6", max_tokens: 400, tools: [weatherTool], messages });
    const m2 = await s2.finalMessage();
    const { response: r2 } = await s2.withResponse();
    expect(m2.content[0]!.type).toBe("text");
    const rec2 = await stored(r2.headers.get("thinkgate-request-id")!);
    expect(rec2.status).toBe("ok");
    expect(rec2.stage).toBe("pinned");
    loops.push({ name: "sse drop-in", ids: [rec1.id, rec2.id] });
  });

  it("thinkgate-thinking: show lets a client see the thinking thinkgate added", async () => {
    const { data, response } = await sdk(keys.honour)
      .messages.create({ model: "claude-sonnet-4-6", max_tokens: 512, messages: [{ role: "user", content: "Prove that the square root of 2 is irrational." }] }, { headers: { "thinkgate-task": "math", "thinkgate-thinking": "show" } })
      .withResponse();
    expect(response.headers.get("thinkgate-thinking")).toBeNull();
    expect(data.content[0]!.type).toBe("thinking");
  });

  describe("client-thinking policy", () => {
    const explicit = { model: "claude-sonnet-4-6", max_tokens: 4096, thinking: { type: "adaptive" as const }, output_config: { effort: "high" as const }, messages: [{ role: "user" as const, content: "Summarize: the launch moved to March." }] };

    it("honour (the default): the client's explicit thinking is kept even where thinkgate would not think", async () => {
      const { data, response } = await sdk(keys.honour).messages.create(explicit, { headers: { "thinkgate-task": "summarize" } }).withResponse();
      expect(response.headers.get("thinkgate-client-thinking")).toBe("kept");
      expect(response.headers.get("thinkgate-stage")).toBe("client");
      // The client asked for thinking, so it sees it.
      expect(data.content.some((b) => b.type === "thinking")).toBe(true);
      const rec = await stored(response.headers.get("thinkgate-request-id")!);
      expect(rec.servedModel).toBe("claude-sonnet-4-6");
      expect(rec.thinkingConfig).toEqual({ thinking: { type: "adaptive" }, effort: "high" });
    });

    it("honour: a request that leaves thinking open is decided by thinkgate", async () => {
      const { response } = await sdk(keys.honour)
        .messages.create({ model: "claude-sonnet-4-6", max_tokens: 300, messages: explicit.messages }, { headers: { "thinkgate-task": "summarize" } })
        .withResponse();
      expect(response.headers.get("thinkgate-stage")).toBe("rule");
      expect(response.headers.get("thinkgate-client-thinking")).toBe("absent");
    });

    it("decide: thinkgate replaces the client's thinking, up or down", async () => {
      const { data, response } = await sdk(keys.decide).messages.create(explicit, { headers: { "thinkgate-task": "summarize" } }).withResponse();
      expect(response.headers.get("thinkgate-stage")).toBe("rule");
      expect(response.headers.get("thinkgate-tier")).toBe("standard");
      expect(response.headers.get("thinkgate-client-thinking")).toBe("replaced");
      expect(data.content.some((b) => b.type === "thinking")).toBe(false);
      const rec = await stored(response.headers.get("thinkgate-request-id")!);
      expect(rec.thinkingConfig?.thinking).toEqual({ type: "disabled" });
    });

    it("decide: a Claude Code request thinkgate sends with thinking off loses its clear_thinking edit, which needs thinking on (it was the API's 400)", async () => {
      // As Claude Code 2.1 sends every call: adaptive thinking, and context management keeping all its thinking blocks.
      const { data, response } = await sdk(keys.decide, { "anthropic-beta": "context-management-2025-06-27" })
        .messages.create(
          { ...explicit, context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] } } as Anthropic.MessageCreateParamsNonStreaming,
          { headers: { "thinkgate-task": "summarize" } },
        )
        .withResponse();
      expect(response.status).toBe(200);
      expect(response.headers.get("thinkgate-tier")).toBe("standard");
      expect(data.content.some((b) => b.type === "text")).toBe(true);
      const rec = await stored(response.headers.get("thinkgate-request-id")!);
      expect(rec.thinkingConfig?.thinking).toEqual({ type: "disabled" });
      expect(rec.adjustments.join("\n")).toMatch(/clear_thinking_20251015 removed/);
    });

    it("decide: the client's display \"updates\" is kept on the model it named, so its UI still gets progress updates, not the reasoning summary", async () => {
      // As Claude Code sends on the 5.5 models. The reasoning route names claude-opus-4-7, an older model of
      // the same line, so the request stays on claude-opus-5-5, which the client knows takes "updates".
      const { data, response } = await sdk(keys.decide, { "anthropic-beta": "thinking-display-updates-2026-08-18" })
        .messages.create(
          { ...explicit, model: "claude-opus-5-5", thinking: { type: "adaptive", display: "updates" } } as unknown as Anthropic.MessageCreateParamsNonStreaming,
          { headers: { "thinkgate-task": "math" } },
        )
        .withResponse();
      expect(response.headers.get("thinkgate-tier")).toBe("reasoning");
      // What thinkgate decided is what the client sent.
      expect(response.headers.get("thinkgate-client-thinking")).toBe("kept");
      const rec = await stored(response.headers.get("thinkgate-request-id")!);
      expect(rec.servedModel).toBe("claude-opus-5-5");
      expect(rec.thinkingConfig?.thinking).toMatchObject({ type: "adaptive", display: "updates" });
      // With "updates" the reasoning blocks come back without text (reference §1.3), as the client asked.
      const thinking = data.content.filter((b) => b.type === "thinking");
      expect(thinking.length).toBeGreaterThan(0);
      expect(thinking.every((b) => b.type === "thinking" && b.thinking === "")).toBe(true);
    });

    it("cap: the client's thinking is kept but never above the cap", async () => {
      const { response } = await sdk(keys.cap).messages.create(explicit, { headers: { "thinkgate-task": "summarize" } }).withResponse();
      expect(response.headers.get("thinkgate-client-thinking")).toBe("capped");
      const rec = await stored(response.headers.get("thinkgate-request-id")!);
      expect(rec.adjustments.join("\n")).toMatch(/effort high capped to low/);
      const budget = await sdk(keys.cap)
        .messages.create({ model: "claude-sonnet-4-5", max_tokens: 20000, thinking: { type: "enabled", budget_tokens: 16000 }, messages: explicit.messages })
        .withResponse();
      const rec2 = await stored(budget.response.headers.get("thinkgate-request-id")!);
      expect(rec2.thinkingConfig?.thinking).toMatchObject({ type: "enabled", budget_tokens: 2048 });
    });

    it("an invalid explicit thinking configuration is the API's 400, never silently replaced", async () => {
      const client = sdk(keys.honour);
      const wrongType = await client.messages
        .create({ model: "claude-opus-4-7", max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 2048 }, messages: explicit.messages })
        .catch((e: unknown) => e);
      expect(wrongType).toBeInstanceOf(Anthropic.BadRequestError);
      const apiMessage = (e: unknown) => ((e as InstanceType<typeof Anthropic.BadRequestError>).error as { error: { message: string } }).error.message;
      expect(apiMessage(wrongType)).toMatch(/^"thinking.type.enabled" is not supported for this model/);
      const overBudget = await client.messages
        .create({ model: "claude-sonnet-4-5", max_tokens: 2000, thinking: { type: "enabled", budget_tokens: 4000 }, messages: explicit.messages })
        .catch((e: unknown) => e);
      expect(overBudget).toBeInstanceOf(Anthropic.BadRequestError);
      const e = overBudget as InstanceType<typeof Anthropic.BadRequestError>;
      expect(apiMessage(e)).toMatch(/^`max_tokens` must be greater than `thinking.budget_tokens`/);
      const rec = await stored(e.headers!.get("thinkgate-request-id")!);
      expect(rec.httpStatus).toBe(400);
      expect(rec.status).toBe("error");
    });
  });

  describe("Claude-Code-shaped requests", () => {
    const UA = "claude-cli/2.1.3 (external, cli)";
    const tools: Tool[] = [
      { name: "Read", description: "Reads a file from the local filesystem.", input_schema: { type: "object", properties: { file_path: { type: "string" } }, required: ["file_path"] } },
      ...Array.from({ length: 22 }, (_, i) => ({ name: `Tool${i}`, description: `tool number ${i}`, input_schema: { type: "object" as const, properties: {} } })),
    ];
    const reminder = (n: number) => ({ type: "text" as const, text: `<system-reminder>\nAs you answer the user's questions, you can use the following context: threat model, CVE audit #${n}. Todo list is empty.\n</system-reminder>` });
    const system = (n: number) => [
      { type: "text" as const, text: `x-anthropic-billing-header: cc_version=2.1.3.${n}; cc_entrypoint=cli;` },
      { type: "text" as const, text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: "ephemeral" as const } },
    ];
    const cc = () => new Anthropic({ baseURL: server.baseURL, apiKey: keys.decide, maxRetries: 0, defaultHeaders: { "user-agent": UA, "x-app": "cli" } });

    it("routes on the user's words across a multi-turn Read loop; every call of each loop is served by one model and one thinking configuration", async () => {
      const client = cc();
      const turns = ["Read notes.txt and tell me what it says", "Now Read todo.md and list what is left"];
      const messages: Record<string, unknown>[] = [];
      let call = 0;
      for (const [t, words] of turns.entries()) {
        if (t > 0) messages.push({ role: "system", content: "The user changed the permission mode." });
        messages.push({ role: "user", content: [reminder(call), { type: "text", text: words }] });
        const ids: string[] = [];
        for (;;) {
          call++;
          // Claude Code moves its cache marker to the newest message on every call.
          const last = messages[messages.length - 1] as { content: { cache_control?: unknown }[] };
          for (const m of messages) for (const b of (Array.isArray(m.content) ? m.content : []) as { cache_control?: unknown }[]) delete b.cache_control;
          if (Array.isArray(last.content)) last.content[last.content.length - 1]!.cache_control = { type: "ephemeral" };
          // Claude Code streams, through the beta surface (?beta=true).
          const stream = client.beta.messages.stream({
            model: "claude-opus-4-8",
            max_tokens: 32000,
            system: system(call),
            tools,
            thinking: { type: "adaptive" },
            output_config: { effort: "high" },
            messages: structuredClone(messages) as never,
          } as never);
          const data = await stream.finalMessage();
          const { response } = await stream.withResponse();
          ids.push(response.headers.get("thinkgate-request-id")!);
          const content = (data as { content: { type: string; id?: string; input?: unknown }[] }).content;
          messages.push({ role: "assistant", content });
          const tool = content.find((b) => b.type === "tool_use");
          if (!tool) break;
          expect((tool as { name?: string }).name).toBe("Read");
          // Claude Code sends the tool result with a fresh reminder, and without echoing thinking it could not see here (it can, but need not).
          messages[messages.length - 1] = { role: "assistant", content: content.filter((b) => b.type !== "thinking") };
          messages.push({ role: "user", content: [{ type: "tool_result", tool_use_id: tool.id, content: "line 1: ship the release" }, reminder(call + 100)] });
        }
        expect(ids.length).toBeGreaterThanOrEqual(2);
        const recs = await Promise.all(ids.map(stored));
        for (const r of recs) {
          expect(r.prompt).toBe(words);
          expect(r.client).toBe(UA);
          // Never downgraded: the requested claude-opus-4-8 stays, whatever the route names.
          expect(r.servedModel).toBe("claude-opus-4-8");
        }
        expect(recs.slice(1).every((r) => r.stage === "pinned")).toBe(true);
        loops.push({ name: `claude code turn ${t + 1}`, ids });
      }
    });

    it("background calls (no tools) go standard without a classifier call", async () => {
      const client = cc();
      const prompts = [
        "Please write a 5-10 word title for the following conversation: threat model the auth service and audit each CVE",
        "Analyze if this message indicates a new conversation topic. Prove the scheduler is deadlock-free.",
        "Summarize this coding session in two sentences: we refactored the parser and fixed a race condition.",
      ];
      const recs: StoredRecord[] = [];
      for (const p of prompts) {
        const { response } = await client.messages
          .create({ model: "claude-haiku-4-5", max_tokens: 512, system: system(0), messages: [{ role: "user", content: [reminder(0), { type: "text", text: p }] }] })
          .withResponse();
        recs.push(await stored(response.headers.get("thinkgate-request-id")!));
      }
      for (const r of recs) {
        expect(r.stage).toBe("background");
        expect(r.tier).toBe("standard");
        expect(r.hops.some((h) => h.kind === "classifier")).toBe(false);
      }
      const toReasoning = recs.filter((r) => r.tier === "reasoning").length;
      console.log(`background calls sent to reasoning: ${toReasoning} of ${recs.length} (${((100 * toReasoning) / recs.length).toFixed(0)} %)`);
    });

    it("Settings sees the client of each key", async () => {
      const res = await fetch(`${server.url}/api/keys`, { headers: { "x-api-key": server.adminKey } });
      const list = ((await res.json()) as { data: { name: string; thinking: { policy: string }; client: { userAgent: string } | null }[] }).data;
      const k = list.find((x) => x.name === "claude code")!;
      expect(k.thinking.policy).toBe("decide");
      expect(k.client?.userAgent).toBe(UA);
      expect(list.find((x) => x.name === "capped")!.thinking).toEqual({ policy: "cap", cap: "low" });
    });
  });

  it("a conversation API 2026-10-21 refuses by its roles (a cited text block in a user message, a document in an assistant message) is the API's 400 at the SDK, streamed or not", async () => {
    const client = sdk(keys.honour);
    const citation = { type: "char_location" as const, cited_text: "Rain in Lisbon.", document_index: 0, document_title: "Forecast", start_char_index: 0, end_char_index: 15 };
    const doc = { type: "document" as const, source: { type: "text" as const, media_type: "text/plain" as const, data: "Rain in Lisbon." }, title: "Forecast" };
    const citedEcho: MessageParam[] = [{ role: "user", content: [{ type: "text", text: "You said it will rain in Lisbon. Why?", citations: [citation] }] }];
    const docAnswer: MessageParam[] = [
      { role: "user", content: "Fetch the Lisbon forecast." },
      { role: "assistant", content: [doc] },
      { role: "user", content: "Summarise it." },
    ];
    const refused = async (messages: MessageParam[], stream: boolean): Promise<InstanceType<typeof Anthropic.BadRequestError>> => {
      const params = { model: "claude-sonnet-4-6", max_tokens: 256, messages };
      const error: unknown = await (stream ? client.messages.stream(params).finalMessage() : client.messages.create(params)).then(
        () => null,
        (e: unknown) => e,
      );
      return error as InstanceType<typeof Anthropic.BadRequestError>;
    };
    for (const stream of [false, true]) {
      const cited = await refused(citedEcho, stream);
      expect(cited).toBeInstanceOf(Anthropic.BadRequestError);
      expect(cited.status).toBe(400);
      expect(cited.error).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: "messages.0.content.0.citations: `text` blocks in `user` messages cannot have `citations`" } });
      const rec = await stored(cited.headers!.get("thinkgate-request-id")!);
      expect(rec.httpStatus).toBe(400);
      expect(rec.status).toBe("error");
      const document = await refused(docAnswer, stream);
      expect(document).toBeInstanceOf(Anthropic.BadRequestError);
      expect(document.error).toMatchObject({ type: "error", error: { type: "invalid_request_error", message: "messages.1.content.0: `document` blocks are not allowed in `assistant` messages" } });
    }
    // The same blocks where the API takes them: the user's document, the assistant's cited answer.
    const ok = await client.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 256,
      messages: [{ role: "user", content: [doc, { type: "text", text: "Will it rain?" }] }, { role: "assistant", content: [{ type: "text", text: "Yes.", citations: [citation] }] }, { role: "user", content: "Thanks. And tomorrow?" }],
    });
    expect(ok.stop_reason).toBe("end_turn");
  });

  it("no tool loop was served by more than one model or thinking configuration", async () => {
    expect(loops.length).toBeGreaterThanOrEqual(4);
    let mixed = 0;
    let calls = 0;
    for (const loop of loops) {
      const recs = await Promise.all(loop.ids.map(stored));
      calls += recs.length;
      const configs = new Set(recs.map((r) => `${r.servedModel} ${JSON.stringify(r.thinkingConfig)}`));
      expect(recs.every((r) => r.status === "ok")).toBe(true);
      if (configs.size > 1) mixed += recs.length;
    }
    console.log(`calls per tool loop served by more than one model or thinking configuration: ${mixed} of ${calls} calls in ${loops.length} loops`);
    expect(mixed).toBe(0);
  });
});
