/**
 * The API's rules on what a client sends back in a tool loop and a
 * conversation (reference §1.8–1.10), which the simulator enforces so that a
 * gateway breaking them fails here as it would upstream.
 */
import type { ContentBlock, Message } from "@anthropic-ai/sdk/resources/messages/messages";
import { beforeEach, describe, expect, it } from "vitest";
import { bodyOf, isStream, type ApiRequest } from "../api/http";
import { resetPromptCache } from "./cache";
import { setSimulatorLatencyMode } from "./latency";
import { simulatorRoutes } from "./routes";

type Body = Record<string, unknown>;
const HEADERS = { "anthropic-version": "2026-10-21", authorization: "Bearer test" };
const handler = simulatorRoutes.find((r) => r.method === "POST" && r.path.endsWith("/v1/messages"))!.handler;

async function post(body: Body, headers: Record<string, string> = HEADERS): Promise<{ status: number; json: Record<string, unknown>; raw: string }> {
  const req: ApiRequest = {
    method: "POST",
    path: "/api/simulator/v1/messages",
    query: new URLSearchParams(),
    headers,
    params: {},
    ...bodyOf(JSON.stringify(body)),
    signal: new AbortController().signal,
  };
  const res = await handler(req);
  let raw = "";
  if (isStream(res)) for await (const c of res.stream) raw += typeof c === "string" ? c : new TextDecoder().decode(c);
  else raw = typeof res.body === "string" ? res.body : new TextDecoder().decode(res.body);
  return { status: res.status, json: body.stream === true ? {} : (JSON.parse(raw) as Record<string, unknown>), raw };
}

const ok = async (body: Body, headers?: Record<string, string>) => {
  const r = await post(body, headers);
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return r.json as unknown as Message;
};
const error = async (body: Body, headers?: Record<string, string>) => {
  const r = await post(body, headers);
  expect(r.status).toBe(400);
  expect(r.json).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  return (r.json.error as { message: string }).message;
};

const tools = [
  { name: "Bash", description: "Run a shell command", input_schema: { type: "object", properties: { command: { type: "string" } }, required: ["command"] } },
  { name: "LS", description: "List a directory", input_schema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } },
  { name: "Read", description: "Read a file", input_schema: { type: "object", properties: { file_path: { type: "string" } }, required: ["file_path"] } },
];
const REMINDER = "<system-reminder>\nAs you answer, you can use Bash and LS; prefer Bash for anything.\n</system-reminder>";

/** Turn 1 of a tool loop on a model with thinking on, and the continuation built from its answer. */
const callId = (content: unknown[]): string | undefined =>
  (content.find((b) => (b as { type?: string }).type === "tool_use") as { id?: string } | undefined)?.id;

async function loop(model: string, extra: Body = {}) {
  const first: Body = {
    model,
    max_tokens: 4000,
    thinking: { type: "adaptive", display: "summarized" },
    tools,
    messages: [{ role: "user", content: [{ type: "text", text: REMINDER }, { type: "text", text: "Read /srv/app/notes.txt and tell me what it says." }] }],
    ...extra,
  };
  const call = await ok(first);
  const use = call.content.find((b) => b.type === "tool_use") as { id: string; name: string; input: Record<string, unknown> };
  const next = (assistant: unknown[], more: Body = {}): Body => ({
    ...first,
    messages: [
      ...(first.messages as unknown[]),
      { role: "assistant", content: assistant },
      // The call answered is the one in the assistant turn sent, which may be another loop's.
      { role: "user", content: [{ type: "tool_result", tool_use_id: callId(assistant) ?? use.id, content: "deploy on Friday" }] },
    ],
    ...more,
  });
  return { first, call, use, next };
}

beforeEach(() => {
  setSimulatorLatencyMode("zero");
  resetPromptCache();
});

describe("simulator: tools chosen from the user's words", () => {
  it("picks the tool the user names, with the path they wrote, not one named in a system reminder", async () => {
    const { call, use } = await loop("claude-opus-4-7");
    expect(call.stop_reason).toBe("tool_use");
    expect(use.name).toBe("Read");
    expect(use.input).toEqual({ file_path: "/srv/app/notes.txt" });
  });

  it("calls no tool when only a reminder names one, and matches whole words only ('tells' is not LS)", async () => {
    const m = await ok({
      model: "claude-opus-4-7",
      max_tokens: 2000,
      tools,
      messages: [{ role: "user", content: [{ type: "text", text: REMINDER }, { type: "text", text: "What tells a good commit message from a bad one?" }] }],
    });
    expect(m.stop_reason).toBe("end_turn");
    expect(m.content.map((b) => b.type)).toEqual(["text"]);
  });
});

describe("simulator: a tool loop keeps its thinking block (§1.9)", () => {
  it("accepts the assistant turn echoed exactly, and 400s the continuation that drops its thinking block", async () => {
    const { call, next } = await loop("claude-opus-4-8");
    expect(call.content[0]!.type).toBe("thinking");
    expect((await ok(next(call.content))).stop_reason).toBe("end_turn");
    const message = await error(next(call.content.slice(1)));
    expect(message).toMatch(/^messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `text`\. When `thinking` is enabled, a final `assistant` message must start with a thinking block/);
  });

  it("400s a final assistant message carrying a thinking block while thinking is disabled, as the API does", async () => {
    const question = { role: "user", content: "Why is the sky blue?" };
    const first = await ok({ model: "claude-opus-4-7", max_tokens: 4000, thinking: { type: "adaptive", display: "summarized" }, messages: [question] });
    const continued = { role: "assistant", content: [first.content[0]!, { type: "text", text: "Because" }] };
    expect(first.content[0]!.type).toBe("thinking");
    await ok({ model: "claude-opus-4-7", max_tokens: 4000, thinking: { type: "adaptive", display: "summarized" }, messages: [question, continued] });
    const message = await error({ model: "claude-opus-4-7", max_tokens: 400, thinking: { type: "disabled" }, messages: [question, continued] });
    expect(message).toBe("messages.1.content.0: When thinking is disabled, an `assistant` message in the final position cannot contain `thinking`. To use thinking blocks, enable `thinking` in your request.");
    // Earlier turns' blocks are fine with thinking off: the API strips them.
    await ok({ model: "claude-opus-4-7", max_tokens: 400, thinking: { type: "disabled" }, messages: [question, { role: "assistant", content: first.content }, { role: "user", content: "And at sunset?" }] });
  });

  it("does not ask for a block when thinking is off for the continuation, or when the call was forced", async () => {
    const { call, next } = await loop("claude-opus-4-7");
    await ok(next(call.content.slice(1), { thinking: undefined }));
    await ok(next(call.content.slice(1), { tool_choice: { type: "tool", name: "Read" } }));
  });

  it("400s a thinking block whose text or signature was changed, and a block it never wrote", async () => {
    const { call, next } = await loop("claude-opus-4-6");
    const thinking = call.content[0] as { type: "thinking"; thinking: string; signature: string };
    expect(thinking.thinking.length).toBeGreaterThan(0);
    const rest = call.content.slice(1);
    const invalid = /^messages\.1\.content\.0: Invalid `signature` in `thinking` block\.$/;
    expect(await error(next([{ ...thinking, thinking: thinking.thinking + " (edited)" }, ...rest]))).toMatch(invalid);
    const sig = Buffer.from(thinking.signature, "base64");
    sig[sig.length - 20]! ^= 1;
    expect(await error(next([{ ...thinking, signature: sig.toString("base64") }, ...rest]))).toMatch(invalid);
    expect(await error(next([{ type: "thinking", thinking: "hmm", signature: "c2lnbmF0dXJl" }, ...rest]))).toMatch(invalid);
    expect(await error(next([{ type: "redacted_thinking", data: "EmwKAhgBEgy3va3pzix" }, ...rest]))).toMatch(invalid);
  });

  it("accepts omitted thinking (empty text) sent back as received", async () => {
    const { call, next } = await loop("claude-opus-4-7", { thinking: { type: "adaptive" } });
    expect(call.content[0]).toMatchObject({ type: "thinking", thinking: "" });
    await ok(next(call.content));
  });
});

describe("simulator: preserved thinking binds blocks to their prefix (§1.9)", () => {
  it("400s a block whose system prompt changed on Fable 5.1, unless drop_block is asked for with its beta", async () => {
    const { call, next } = await loop("claude-fable-5-1", { system: "You are a coding agent." });
    await ok(next(call.content));
    const changed = next(call.content, { system: "You are a coding agent. Be brief." });
    expect(await error(changed)).toMatch(/^messages\.1\.content\.0: Invalid `signature` in `thinking` block\. The block is bound to a different conversation\./);
    const drop = { ...changed, thinking: { type: "adaptive", display: "summarized", block_binding: { prefix_mismatch_behavior: "drop_block" } } };
    expect(await error(drop)).toMatch(/bound to a different conversation/); // the setting needs its beta
    await ok(drop, { ...HEADERS, "anthropic-beta": "thinking-binding-controls-2026-08-01" });
  });

  it("keeps a block valid when the client adds a tool loaded on demand (defer_loading), as Claude Code's ToolSearch does; not another tool", async () => {
    const deferred = { name: "WebFetch", description: "Fetch a page", defer_loading: true, input_schema: { type: "object", properties: { url: { type: "string" } }, required: ["url"] } };
    const { call, next } = await loop("claude-sonnet-5-5");
    await ok(next(call.content, { tools: [...tools, deferred] }));
    expect(await error(next(call.content, { tools: [...tools, { ...deferred, defer_loading: undefined }] }))).toMatch(/bound to a different conversation/);
  });

  it("ignores what a client may change between turns: moved cache_control breakpoints, citations: null, key order", async () => {
    const { first, call, next } = await loop("claude-sonnet-5-5");
    const user = (first.messages as { content: Body[] }[])[0]!.content;
    const echoed = next(
      call.content.map((b) => Object.fromEntries(Object.entries({ ...b, ...(b.type === "text" ? { citations: null } : {}) }).reverse())),
    );
    (echoed.messages as { content: unknown }[])[0]!.content = user.map((b, i) => (i === 1 ? { ...b, cache_control: { type: "ephemeral" } } : b));
    await ok(echoed);
  });

  it("a model with preserved thinking drops another model's blocks silently; older models take any block they signed", async () => {
    const { call } = await loop("claude-opus-4-7");
    const { next } = await loop("claude-opus-5-5");
    // The Opus 4.7 turn sent to Opus 5.5: its block is dropped, not a 400.
    await ok({ ...next(call.content), model: "claude-opus-5-5" });
    await ok({ ...next(call.content), model: "claude-opus-4-8" });
  });
});

describe("simulator: request and response shapes", () => {
  it("400s a content block of an unknown type", async () => {
    const message = await error({ model: "claude-opus-4-7", max_tokens: 100, messages: [{ role: "user", content: [{ type: "txt", text: "hi" }] }] });
    expect(message).toMatch(/^messages\.0\.content\.0: Input tag 'txt' found using 'type' does not match any of the expected tags: 'text', 'image'/);
  });

  it("sends text blocks without a citations field, in JSON and in SSE", async () => {
    const body = { model: "claude-opus-4-7", max_tokens: 500, messages: [{ role: "user", content: "Say hello to the team." }] };
    const m = await ok(body);
    const text = m.content.find((b) => b.type === "text") as ContentBlock & Record<string, unknown>;
    expect(text.text).toEqual(expect.any(String));
    expect("citations" in text).toBe(false);
    const { raw } = await post({ ...body, stream: true });
    expect(raw).toContain('"content_block":{"type":"text","text":""}');
    expect(raw).not.toContain("citations");
  });
});
