import type { Message, RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages/messages";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { bodyOf, isStream, type ApiRequest, type ApiResponse } from "../api/http";
import { resetPromptCache } from "./cache";
import { ANSWER_MODES, FAULTS, SIMULATOR_DIRECTIVES } from "./directives";
import { setSimulatorLatencyMode } from "./latency";
import { simulatorRoutes } from "./routes";
import { estimateTokens } from "./tokens";

const HEADERS = { "anthropic-version": "2026-10-21", authorization: "Bearer test" };

function route(method: string, path: string) {
  const r = simulatorRoutes.find((x) => x.method === method && new RegExp(`^${x.path.replace(/:\w+/g, "[^/]+")}$`).test(path));
  if (!r) throw new Error(`no route ${method} ${path}`);
  return r;
}

function call(method: string, path: string, body?: unknown, headers: Record<string, string> = HEADERS, signal = new AbortController().signal): Promise<ApiResponse> {
  const [p, q] = path.split("?");
  const req: ApiRequest = {
    method,
    path: p!,
    query: new URLSearchParams(q ?? ""),
    headers,
    params: { id: p!.split("/").pop()! },
    ...bodyOf(body === undefined ? "" : JSON.stringify(body)),
    signal,
  };
  return route(method, p!).handler(req);
}

async function text(res: ApiResponse): Promise<string> {
  if (!isStream(res)) return typeof res.body === "string" ? res.body : new TextDecoder().decode(res.body);
  let out = "";
  for await (const chunk of res.stream) out += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
  return out;
}

const create = async (body: Record<string, unknown>, headers?: Record<string, string>) => {
  const res = await call("POST", "/api/simulator/v1/messages", body, headers);
  return { res, json: JSON.parse(await text(res)) };
};
const message = async (body: Record<string, unknown>) => (await create(body)).json as Message;

interface Frame {
  event: string;
  data: Record<string, unknown>;
}

/** Parses SSE strictly: every frame is exactly `event: X\ndata: <json>\n\n`. */
function parseSse(raw: string): Frame[] {
  expect(raw.endsWith("\n\n")).toBe(true);
  return raw
    .slice(0, -2)
    .split("\n\n")
    .map((f) => {
      const m = f.match(/^event: ([a-z_]+)\ndata: (\{.*\})$/);
      expect(m, `bad frame: ${f.slice(0, 80)}`).not.toBeNull();
      const data = JSON.parse(m![2]!) as Record<string, unknown>;
      expect(JSON.stringify(data)).toBe(m![2]); // compact JSON
      expect(data.type).toBe(m![1]); // the event is named after its type
      return { event: m![1]!, data };
    });
}

const stream = async (body: Record<string, unknown>) => {
  const res = await call("POST", "/api/simulator/v1/messages", { ...body, stream: true });
  return { res, frames: parseSse(await text(res)) };
};

/** Rebuilds the message from stream events the way the SDK's MessageStream does. */
function accumulate(frames: Frame[]): Message {
  let msg: Message | undefined;
  for (const { data } of frames) {
    const e = data as unknown as RawMessageStreamEvent;
    if (e.type === "message_start") msg = structuredClone(e.message);
    else if (e.type === "content_block_start") msg!.content.push(structuredClone(e.content_block));
    else if (e.type === "content_block_delta") {
      const b = msg!.content[e.index] as unknown as Record<string, string>;
      if (e.delta.type === "text_delta") b.text += e.delta.text;
      if (e.delta.type === "thinking_delta") b.thinking += e.delta.thinking;
      if (e.delta.type === "signature_delta") b.signature = e.delta.signature;
      if (e.delta.type === "input_json_delta") b.__json = (b.__json ?? "") + e.delta.partial_json;
    } else if (e.type === "content_block_stop") {
      const b = msg!.content[e.index] as unknown as Record<string, unknown>;
      if ("__json" in b) {
        b.input = JSON.parse(b.__json as string);
        delete b.__json;
      }
    } else if (e.type === "message_delta") {
      Object.assign(msg!, { stop_reason: e.delta.stop_reason, stop_sequence: e.delta.stop_sequence, stop_details: e.delta.stop_details });
      for (const [k, v] of Object.entries(e.usage)) if (v !== null) (msg!.usage as unknown as Record<string, unknown>)[k] = v;
    }
  }
  return msg!;
}

/** A message with its ids blanked: ids are unique per answer, the rest is a function of the request. */
function sansIds(m: Message): Message {
  const c = structuredClone(m);
  c.id = "msg";
  for (const b of c.content) if (b.type === "tool_use") b.id = "toolu";
  return c;
}

const ask = (content: string, extra: Record<string, unknown> = {}) => ({
  model: "claude-opus-4-7",
  max_tokens: 16_000,
  thinking: { type: "adaptive", display: "summarized" },
  messages: [{ role: "user", content }],
  ...extra,
});

beforeEach(() => {
  setSimulatorLatencyMode("zero");
  resetPromptCache();
});
afterEach(() => {
  setSimulatorLatencyMode(undefined);
  vi.useRealTimers();
});

describe("simulator: determinism and content", () => {
  it("answers the same request the same way, and a different prompt differently", async () => {
    const a = await message(ask("How should we plan the database migration?"));
    const b = await message(ask("How should we plan the database migration?"));
    expect(sansIds(b)).toEqual(sansIds(a));
    expect(a.id).toMatch(/^msg_01[0-9A-Za-z]{22}$/);
    expect(b.id).not.toBe(a.id); // the API's message ids are unique, even for the same request
    const c = await message(ask("Why does my TypeScript function return undefined?"));
    expect(c.id).not.toBe(a.id);
    expect(c.content[0]).not.toEqual(a.content[0]);
  });

  it.each([
    ["math", "What is 17 * 23 + 4, and is the result prime?", /17 × 23 = 391|17 \+ 23 = 40/],
    ["code", "Why does my TypeScript function throw when the input array is empty?", /function|edge case|Edge cases/i],
    ["planning", "Help me plan the launch of our mobile app next quarter.", /phase|milestone|critical path|timeline/i],
    ["general", "What made the Roman aqueducts so durable over centuries?", /aqueducts|durable|centuries/],
  ])("writes a %s-flavoured trace with hedges, assumptions, corrections and alternatives", async (_topic, prompt, flavour) => {
    const m = await message(ask(prompt));
    const thinking = (m.content[0] as { type: string; thinking: string }).thinking;
    expect(m.content[0]!.type).toBe("thinking");
    expect(thinking).toMatch(flavour);
    expect(thinking).toMatch(/I think|probably|might|not sure/);
    expect(thinking).toMatch(/[Aa]ssum|[Pp]resumably/);
    expect(thinking).toMatch(/Wait|Actually|[Ll]et me reconsider/);
    expect(thinking).toMatch(/Alternatively/);
    expect(thinking.split("\n\n").length).toBeGreaterThan(1);
  });

  it("thinks longer with a bigger budget, and levels off", async () => {
    const tokens: number[] = [];
    for (const budget of [1024, 4096, 16_000, 32_000, 60_000]) {
      const m = await message({ model: "claude-sonnet-4-5", max_tokens: 64_000, thinking: { type: "enabled", budget_tokens: budget }, messages: [{ role: "user", content: "Prove that the sum of two odd numbers is even, and compute 37 + 45." }] });
      const thinkingTokens = m.usage.output_tokens_details!.thinking_tokens;
      expect(thinkingTokens).toBeLessThanOrEqual(budget);
      tokens.push(thinkingTokens);
    }
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]!).toBeGreaterThan(tokens[i - 1]!);
    // Plateau: the last doubling adds far less than the first steps did.
    expect(tokens[4]! - tokens[3]!).toBeLessThan((tokens[2]! - tokens[0]!) / 2);
  });

  it("thinks longer at higher effort on adaptive models", async () => {
    const tokens: number[] = [];
    for (const effort of ["low", "medium", "high", "xhigh", "max"]) {
      const m = await message(ask("Design a caching strategy for a read-heavy API with strict consistency needs.", { max_tokens: 100_000, output_config: { effort } }));
      tokens.push(m.usage.output_tokens_details!.thinking_tokens);
    }
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]!).toBeGreaterThan(tokens[i - 1]!);
  });

  it("omits thinking text by default on Opus 4.7 but still returns a signature and bills the tokens", async () => {
    const m = await message({ model: "claude-opus-4-7", max_tokens: 8000, thinking: { type: "adaptive" }, messages: [{ role: "user", content: "Explain how B-tree indexes speed up range queries." }] });
    const block = m.content[0] as { type: string; thinking: string; signature: string };
    expect(block).toMatchObject({ type: "thinking", thinking: "" });
    expect(Buffer.from(block.signature, "base64").toString("base64")).toBe(block.signature);
    expect(block.signature.length).toBeGreaterThan(100);
    expect(m.usage.output_tokens_details!.thinking_tokens).toBeGreaterThan(0);
  });

  it("skips adaptive thinking at low effort for a trivial prompt, not at high", async () => {
    const low = await message(ask("hi there", { output_config: { effort: "low" } }));
    expect(low.content.map((b) => b.type)).toEqual(["text"]);
    expect(low.usage.output_tokens_details!.thinking_tokens).toBe(0);
    const high = await message(ask("hi there", { output_config: { effort: "high" } }));
    expect(high.content[0]!.type).toBe("thinking");
  });

  it("does not think when thinking is off, including by default on Opus 4.7", async () => {
    const m = await message({ model: "claude-opus-4-7", max_tokens: 500, messages: [{ role: "user", content: "Summarise the plot of Hamlet." }] });
    expect(m.content.map((b) => b.type)).toEqual(["text"]);
    expect(m.usage.output_tokens_details).toEqual({ thinking_tokens: 0 });
  });

  it("pre-warms with max_tokens 0: no content", async () => {
    const m = await message({ model: "claude-opus-4-7", max_tokens: 0, messages: [{ role: "user", content: "warm" }] });
    expect(m.content).toEqual([]);
    expect(m.usage.output_tokens).toBe(0);
  });

  it("stops at max_tokens when the answer does not fit, with output_tokens equal to max_tokens", async () => {
    const m = await message({ model: "claude-opus-4-7", max_tokens: 20, messages: [{ role: "user", content: "Describe the water cycle in detail." }] });
    expect(m.stop_reason).toBe("max_tokens");
    expect(m.usage.output_tokens).toBe(20);
  });

  it("honours stop_sequences", async () => {
    const first = await message({ model: "claude-opus-4-7", max_tokens: 1000, messages: [{ role: "user", content: "Plan a product launch for our app." }] });
    const text = (first.content[0] as { text: string }).text;
    const seq = text.slice(20, 26);
    const m = await message({ model: "claude-opus-4-7", max_tokens: 1000, stop_sequences: [seq], messages: [{ role: "user", content: "Plan a product launch for our app." }] });
    expect(m).toMatchObject({ stop_reason: "stop_sequence", stop_sequence: seq });
    expect((m.content[0] as { text: string }).text).toBe(text.slice(0, text.indexOf(seq)));
  });
});

describe("simulator: usage", () => {
  it("reports usage exactly as the API shapes it, output including thinking", async () => {
    const m = await message(ask("Compare optimistic and pessimistic locking for a booking system."));
    expect(Object.keys(m.usage)).toEqual([
      "input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "cache_creation", "output_tokens",
      "output_tokens_details", "server_tool_use", "service_tier", "inference_geo", "speed",
    ]);
    const thinkingText = (m.content[0] as { thinking: string }).thinking;
    const answer = (m.content[1] as { text: string }).text;
    const t = m.usage.output_tokens_details!.thinking_tokens;
    // Raw reasoning is longer than its summary; output covers thinking and the answer.
    expect(t).toBeGreaterThan(estimateTokens(thinkingText));
    expect(m.usage.output_tokens).toBe(t + estimateTokens(answer));
    expect(m.usage).toMatchObject({ service_tier: "standard", inference_geo: "global", speed: "standard", cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 } });
  });

  it("counts input tokens the same way in count_tokens and usage", async () => {
    const body = ask("Count me: how many tokens does this prompt take?", { system: "You are terse.", tools: [{ name: "lookup", input_schema: { type: "object" } }] });
    const m = await message(body);
    const { max_tokens: _, ...countBody } = body;
    const counted = JSON.parse(await text(await call("POST", "/api/simulator/v1/messages/count_tokens", countBody)));
    expect(counted).toEqual({ input_tokens: m.usage.input_tokens });
  });

  it("simulates prompt caching: first a write (5m or 1h), then a read", async () => {
    const long = "Reference material about distributed consensus. ".repeat(120); // > 1,024 tokens
    const body = ask("Summarise the reference.", { system: [{ type: "text", text: long, cache_control: { type: "ephemeral", ttl: "1h" } }] });
    const first = (await message(body)).usage;
    expect(first.cache_creation_input_tokens).toBeGreaterThan(1024);
    expect(first.cache_creation).toEqual({ ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: first.cache_creation_input_tokens });
    expect(first.cache_read_input_tokens).toBe(0);
    const second = (await message({ ...body, messages: [{ role: "user", content: "A different question about it." }] })).usage;
    expect(second.cache_read_input_tokens).toBe(first.cache_creation_input_tokens);
    expect(second.cache_creation_input_tokens).toBe(0);
    // A short prefix is below the minimum and is not cached.
    const short = (await message(ask("Hi", { system: [{ type: "text", text: "Short.", cache_control: { type: "ephemeral" } }] }))).usage;
    expect(short.cache_creation_input_tokens).toBe(0);
  });
});

describe("simulator: SSE", () => {
  const body = ask("Walk me through debugging a memory leak in a Node.js service.");

  it("sends the exact event sequence with SSE headers", async () => {
    const { res, frames } = await stream(body);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.headers["request-id"]).toMatch(/^req_/);
    const seq = frames.map((f) => (f.event === "content_block_delta" ? `delta:${(f.data.delta as { type: string }).type}` : f.event));
    const compact = seq.filter((s, i) => s !== seq[i - 1]);
    expect(compact).toEqual([
      "message_start", "ping",
      "content_block_start", "delta:thinking_delta", "delta:signature_delta", "content_block_stop",
      "content_block_start", "delta:text_delta", "content_block_stop",
      "message_delta", "message_stop",
    ]);
    expect(frames[2]!.data.content_block).toEqual({ type: "thinking", thinking: "", signature: "" });
    expect(seq.filter((s) => s === "delta:signature_delta")).toHaveLength(1);
  });

  it("streams the same message as the JSON response, usage cumulative at the end", async () => {
    const json = await message(body);
    const { frames } = await stream(body);
    const start = frames[0]!.data.message as Message;
    expect(start.usage.output_tokens).toBeLessThanOrEqual(1);
    expect(start.stop_reason).toBeNull();
    const delta = frames.find((f) => f.event === "message_delta")!.data as { usage: Record<string, unknown> };
    expect(delta.usage.output_tokens).toBe(json.usage.output_tokens);
    expect(delta.usage.output_tokens_details).toEqual(json.usage.output_tokens_details);
    const rebuilt = accumulate(frames);
    expect(rebuilt.usage).toEqual(json.usage);
    expect(sansIds(rebuilt)).toEqual(sansIds(json));
  });

  it("streams tool input as input_json_delta chunks that rebuild the input", async () => {
    const tools = [{ name: "get_weather", input_schema: { type: "object", properties: { location: { type: "string" }, days: { type: "integer" } }, required: ["location", "days"] } }];
    const b = ask("Use get_weather to check Lisbon for the next 3 days.", { tools });
    const json = await message(b);
    expect(json.stop_reason).toBe("tool_use");
    const call = json.content.find((c) => c.type === "tool_use") as { input: unknown; name: string; id: string };
    expect(call).toMatchObject({ name: "get_weather", input: { location: "Lisbon", days: 3 } });
    expect(call.id).toMatch(/^toolu_01/);
    const { frames } = await stream(b);
    const rebuilt = accumulate(frames);
    expect(sansIds(rebuilt)).toEqual(sansIds(json));
    expect((rebuilt.content.find((c) => c.type === "tool_use") as { id: string }).id).not.toBe(call.id);
  });
});

describe("simulator: tools", () => {
  const tools = [{ name: "search_docs", input_schema: { type: "object", properties: { query: { type: "string" } }, required: ["query"] } }];

  it("calls N tools in one turn with [[sim:parallel=N]], the named one first, streamed as it answers; one when parallel use is disabled", async () => {
    const two = [...tools, { name: "read_file", input_schema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } }];
    const b = ask("Use read_file on the notes, and search the docs too. [[sim:parallel=3]]", { tools: two });
    const json = await message(b);
    expect(json.stop_reason).toBe("tool_use");
    const calls = json.content.filter((c) => c.type === "tool_use") as { id: string; name: string }[];
    expect(calls.map((c) => c.name)).toEqual(["read_file", "search_docs", "read_file"]);
    expect(new Set(calls.map((c) => c.id)).size).toBe(3);
    expect(sansIds(accumulate((await stream(b)).frames))).toEqual(sansIds(json));
    const serial = await message({ ...b, tool_choice: { type: "auto", disable_parallel_tool_use: true } });
    expect(serial.content.filter((c) => c.type === "tool_use")).toHaveLength(1);
    expect((await create(ask("Use read_file. [[sim:parallel=9]]", { tools: two }))).res.status).toBe(400);
  });

  it("calls a tool when forced, without thinking first (§1.10)", async () => {
    const m = await message(ask("Anything about retention policies?", { tools, tool_choice: { type: "any" } }));
    expect(m.content.map((b) => b.type)).toEqual(["tool_use"]);
  });

  it("calls the forced tool after tool results too, where it would otherwise answer them in text", async () => {
    const done = [...tools, { name: "final_answer", input_schema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] } }];
    const loop = [
      { role: "user", content: "Use search_docs to find our retention policy." },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_01abc", name: "search_docs", input: { query: "retention" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01abc", content: "Logs are kept for 30 days." }] },
    ];
    const base = { model: "claude-sonnet-4-6", max_tokens: 2000, tools: done, messages: loop };
    expect((await message(base)).stop_reason).toBe("end_turn");
    const forced = await message({ ...base, tool_choice: { type: "tool", name: "final_answer" } });
    expect(forced.stop_reason).toBe("tool_use");
    expect(forced.content.map((b) => (b.type === "tool_use" ? b.name : b.type))).toEqual(["final_answer"]);
  });

  it("between_tools returns the progress note between tool calls as a thinking block (Sonnet 5.5)", async () => {
    const m = await message({
      model: "claude-sonnet-5-5",
      max_tokens: 2000,
      thinking: { type: "between_tools" },
      tools,
      messages: [
        { role: "user", content: "Use search_docs to find our retention policy." },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_01abc", name: "search_docs", input: { query: "retention" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01abc", content: "Logs are kept for 30 days." }] },
      ],
    });
    expect(m.content.map((b) => b.type)).toEqual(["thinking", "text"]);
    // Sonnet 5.5 defaults display to omitted: the note is billed, not shown.
    expect(m.content[0]).toMatchObject({ thinking: "" });
    expect(m.usage.output_tokens_details!.thinking_tokens).toBeGreaterThan(0);
  });

  it("answers in text when the prompt does not ask for a tool, and after a tool_result", async () => {
    expect((await message(ask("What is a retention policy?", { tools }))).stop_reason).toBe("end_turn");
    // A real loop: the assistant turn goes back exactly as received, thinking block first (§1.9).
    const first = ask("Use search_docs to find our retention policy.", { tools });
    const call = await message(first);
    expect(call.content.map((b) => b.type)).toEqual(["thinking", "text", "tool_use"]);
    const id = (call.content[2] as { id: string }).id;
    const m = await message({
      ...first,
      messages: [
        ...(first.messages as unknown[]),
        { role: "assistant", content: call.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: "Logs are kept for 30 days." }] },
      ],
    });
    expect(m.stop_reason).toBe("end_turn");
    expect((m.content.find((b) => b.type === "text") as { text: string }).text).toMatch(/search_docs result: Logs are kept for 30 days/);
  });
});

describe("simulator: directives", () => {
  it("answer=truncated stops on max_tokens mid-sentence", async () => {
    const m = await message(ask("Explain photosynthesis. [[sim:answer=truncated]]"));
    expect(m.stop_reason).toBe("max_tokens");
  });

  it("answer=json is valid JSON, invalid_json is not", async () => {
    const ok = await message(ask("List risks of the rollout [[sim:answer=json]]"));
    const parsed = JSON.parse((ok.content.at(-1) as { text: string }).text);
    expect(parsed).toMatchObject({ confidence: "high", topic: "planning" });
    const bad = await message(ask("List risks of the rollout [[sim:answer=invalid_json]]"));
    const badText = (bad.content.at(-1) as { text: string }).text;
    expect(badText.startsWith("{")).toBe(true);
    expect(() => JSON.parse(badText)).toThrow();
  });

  it("answer=hedging hedges; confidence=low says so", async () => {
    const h = await message(ask("Is this contract enforceable? [[sim:answer=hedging]]"));
    const hedged = (h.content.at(-1) as { text: string }).text;
    expect(hedged.match(/I think|probably|might|not sure|possibly|perhaps/gi)!.length).toBeGreaterThanOrEqual(4);
    const low = await message(ask("Is this contract enforceable? [[sim:confidence=low]]"));
    expect((low.content.at(-1) as { text: string }).text).toMatch(/Confidence: low/);
    const lowJson = await message(ask("Is this contract enforceable? [[sim:confidence=low]] [[sim:answer=json]]"));
    expect(JSON.parse((lowJson.content.at(-1) as { text: string }).text).confidence).toBe("low");
  });

  it("answer=refusal returns stop_reason refusal with stop_details", async () => {
    const m = await message(ask("Do the thing [[sim:answer=refusal]]"));
    expect(m.stop_reason).toBe("refusal");
    expect(m.stop_details).toMatchObject({ type: "refusal" });
  });

  it("rejects an unknown directive or fault header with a 400", async () => {
    const { res, json } = await create(ask("[[sim:answer=poetry]]"));
    expect(res.status).toBe(400);
    expect(json.error.message).toMatch(/unknown answer mode "poetry"/);
    const header = await create(ask("hi"), { ...HEADERS, "x-thinkgate-sim-fault": "503" });
    expect(header.res.status).toBe(400);
    expect(header.json.error.message).toMatch(/unknown simulator fault "503"/);
  });

  it("documents every fault and answer mode in SIMULATOR_DIRECTIVES", () => {
    for (const name of [...FAULTS, ...ANSWER_MODES]) expect(SIMULATOR_DIRECTIVES).toContain(`| \`${name}\` |`);
    expect(SIMULATOR_DIRECTIVES).toContain("[[sim:confidence=low]]");
  });
});

describe("simulator: faults and errors", () => {
  it("429 carries retry-after and retry-after-ms", async () => {
    const { res, json } = await create(ask("hello [[sim:fault=429]]"));
    expect(res.status).toBe(429);
    expect(res.headers).toMatchObject({ "retry-after": "1", "retry-after-ms": "1000", "content-type": "application/json" });
    expect(json).toMatchObject({ type: "error", error: { type: "rate_limit_error" }, request_id: res.headers["request-id"] });
  });

  it.each([
    ["529", 529, "overloaded_error"],
    ["500", 500, "api_error"],
  ])("fault %s by header → %i %s", async (name, status, type) => {
    const { res, json } = await create(ask("hello"), { ...HEADERS, "x-thinkgate-sim-fault": name });
    expect(res.status).toBe(status);
    expect(json.error.type).toBe(type);
  });

  it("hang never answers until aborted, and arms no timer", async () => {
    vi.useFakeTimers();
    const ac = new AbortController();
    let settled = false;
    const p = call("POST", "/api/simulator/v1/messages", ask("wait [[sim:fault=hang]]"), HEADERS, ac.signal).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(settled).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    ac.abort(new Error("client gone"));
    await expect(p).rejects.toThrow("client gone");
  });

  it("cut: a stream that ends without message_stop; a JSON body that breaks off", async () => {
    const { frames } = await stream(ask("Tell me about volcanoes in detail [[sim:fault=cut]]"));
    expect(frames[0]!.event).toBe("message_start");
    expect(frames.some((f) => f.event === "content_block_delta")).toBe(true);
    expect(frames.some((f) => f.event === "message_stop" || f.event === "message_delta")).toBe(false);
    const res = await call("POST", "/api/simulator/v1/messages", ask("Tell me about volcanoes [[sim:fault=cut]]"));
    expect(res.status).toBe(200);
    await expect(text(res)).rejects.toThrow(/connection cut/);
  });

  it("midstream_error: some deltas, then an error event", async () => {
    const { frames } = await stream(ask("Tell me about glaciers in detail [[sim:fault=midstream_error]]"));
    expect(frames.filter((f) => f.event === "content_block_delta").length).toBeGreaterThanOrEqual(2);
    expect(frames.at(-1)).toMatchObject({ event: "error", data: { type: "error", error: { type: "overloaded_error" } } });
    expect(frames.some((f) => f.event === "message_stop")).toBe(false);
  });

  it("echo_auth_stream: some deltas, then an error event quoting the credential, in two pieces split inside it", async () => {
    const res = await call("POST", "/api/simulator/v1/messages", { ...ask("Tell me about fjords in detail [[sim:fault=echo_auth_stream]]"), stream: true });
    if (!isStream(res)) throw new Error("not a stream");
    const chunks: string[] = [];
    for await (const c of res.stream) chunks.push(typeof c === "string" ? c : new TextDecoder().decode(c));
    const frames = parseSse(chunks.join(""));
    expect(frames.filter((f) => f.event === "content_block_delta").length).toBeGreaterThanOrEqual(2);
    expect(frames.at(-1)).toMatchObject({ event: "error", data: { type: "error", error: { type: "overloaded_error", message: "Overloaded (authorization: Bearer test)" } } });
    expect(chunks.length).toBe(2);
    expect(chunks[0]).toMatch(/Bearer te$/);
    expect(chunks[1]).toMatch(/^st\)"/);

    const json = await create(ask("Tell me about fjords [[sim:fault=echo_auth_stream]]"));
    expect(json.res.status).toBe(529);
    expect(json.json.error).toEqual({ type: "overloaded_error", message: "Overloaded (authorization: Bearer test)" });
  });

  it("requires credentials (401) and a version header (400)", async () => {
    const noAuth = await create(ask("hi"), { "anthropic-version": "2026-10-21" });
    expect(noAuth.res.status).toBe(401);
    expect(noAuth.json.error.type).toBe("authentication_error");
    expect((await create(ask("hi"), { "anthropic-version": "2026-10-21", "x-api-key": "k" })).res.status).toBe(200);
    const noVersion = await create(ask("hi"), { authorization: "Bearer k" });
    expect(noVersion.res.status).toBe(400);
  });

  it("answers invalid JSON bodies with a 400 in the API's shape", async () => {
    const res = await route("POST", "/api/simulator/v1/messages").handler({
      method: "POST", path: "/api/simulator/v1/messages", query: new URLSearchParams(), headers: HEADERS, params: {}, ...bodyOf("{nope"), signal: new AbortController().signal,
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(await text(res)).error.type).toBe("invalid_request_error");
  });
});

describe("simulator: latency", () => {
  it("paces a realistic stream and stops at once when the client aborts", async () => {
    setSimulatorLatencyMode("realistic");
    const ac = new AbortController();
    const res = await call("POST", "/api/simulator/v1/messages", { ...ask("Explain consensus algorithms."), stream: true }, HEADERS, ac.signal);
    if (!isStream(res)) throw new Error("expected a stream");
    const it = res.stream[Symbol.asyncIterator]();
    const first = await it.next(); // message_start goes out before the time to first token
    expect(String(first.value)).toMatch(/^event: message_start/);
    const t0 = Date.now();
    const pending = it.next();
    ac.abort();
    const next = await pending;
    expect(Date.now() - t0).toBeLessThan(200);
    // Either the ping (sent before the wait) or the end; never content after the abort.
    if (!next.done) expect(String(next.value)).toMatch(/^event: ping/);
    expect((await it.next()).done).toBe(true);
  });
});

describe("simulator: models", () => {
  it("lists models in the SDK page shape, with cursors", async () => {
    const page = JSON.parse(await text(await call("GET", "/api/simulator/v1/models?limit=5")));
    expect(page.data).toHaveLength(5);
    expect(page).toMatchObject({ has_more: true, first_id: "claude-fable-5-2", last_id: page.data[4].id });
    const next = JSON.parse(await text(await call("GET", `/api/simulator/v1/models?limit=100&after_id=${page.last_id}`)));
    expect(next.data).toHaveLength(14);
    expect(next.has_more).toBe(false);
  });

  it("retrieves a model by alias with its capabilities, 404 for unknown", async () => {
    const info = JSON.parse(await text(await call("GET", "/api/simulator/v1/models/claude-sonnet-5-5")));
    expect(info.capabilities.thinking.types.between_tools).toEqual({ supported: true });
    expect((await call("GET", "/api/simulator/v1/models/claude-nope")).status).toBe(404);
  });
});
