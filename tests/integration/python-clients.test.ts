/**
 * The official Python SDKs through thinkgate, as teams run them: unchanged
 * but for base_url and the key. `anthropic` against /api (sync and async
 * clients, the key as api_key, sent as x-api-key, and as auth_token, sent as
 * Authorization: Bearer) and `openai` against the OpenAI-compatible /api/v1,
 * with the simulator upstream. The scripts in tests/python make every call
 * once, one Python process per SDK, and print what the SDK gave back; each
 * test checks one part of it, and what thinkgate recorded.
 *
 * LangChain's ChatOpenAI (langchain-openai, tests/python/langchain_client.py)
 * too, pointed at /api/v1: invoke, stream, bind_tools and a tool loop,
 * with_structured_output, reasoning_effort and model_kwargs, the async calls.
 * The script also keeps the request bodies LangChain sent, so each test checks
 * what LangChain asked for as well as what it got. What LangChain does that
 * thinkgate does not serve, or serves otherwise than OpenAI would:
 *  - with_structured_output(method="json_mode") sends response_format
 *    {"type": "json_object"}, "any JSON", which the Messages API has no
 *    counterpart for: a 400 saying to use json_schema, which is LangChain's
 *    default method for ChatOpenAI 1.x (method="function_calling" works too).
 *  - ChatOpenAI(reasoning={...}) (unlike reasoning_effort=) makes LangChain
 *    switch to the Responses API by itself: served, by /v1/responses.
 *  - In a stream with stream_usage=True, the usage is on the chunk of the
 *    wire's last event; LangChain then adds an empty chunk of its own, marked
 *    chunk_position="last", so the usage is on the chunk before the last one.
 *    Summing the chunks (AIMessageChunk's +) gives it, as LangChain documents.
 *  - langchain-core 1.6 requires langchain-protocol, which the test machines'
 *    wheel store lacks: a stand-in holding its type names takes its place
 *    (tests/python/stand-ins/langchain-protocol says why that is enough).
 *
 * The SDKs come pinned (tests/python/requirements.txt) in a virtual
 * environment made once and cached (tests/support/python.ts); LangChain in
 * one of its own (tests/python/requirements-langchain.txt). Without python3
 * on the machine these tests skip, and say so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryDb } from "../support/db";
import { basePython, pythonWithSdks, runClientScript } from "../support/python";
import { eventually, startServer, type TestServer } from "../support/server";

type Headers = Record<string, string>;
type Outcome<T> = { ok: T } | { error: string; traceback: string };
type Run = Record<string, Outcome<unknown>>;

interface Usage {
  input_tokens: number;
  output_tokens: number;
  output_tokens_details: { thinking_tokens: number } | null;
}
interface MessageSummary {
  id: string;
  type: string;
  role: string;
  model: string;
  stop_reason: string;
  blocks: string[];
  text: string;
  usage: Usage;
  request_id: string | null;
}
interface Call {
  headers: Headers;
  sent_auth: string[];
  message: MessageSummary;
}
interface SdkError {
  class: string;
  status: number;
  type: string | null;
  code: string | null;
  param: string | null;
  message: string;
  request_id: string | null;
  body: { type?: string; error?: { type: string; message: string; details?: { error_code?: string } }; message?: string } | null;
  headers: Headers;
}
interface StreamedCall {
  headers: Headers;
  message: MessageSummary;
  thinking_deltas: string;
  text_deltas: string;
  thinking: string | null;
  signature_length: number;
}
interface ChatSummary {
  id: string;
  object: string;
  model: string;
  finish_reason: string;
  content: string | null;
  tool_calls: { id: string; name: string; arguments: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number; completion_tokens_details: { reasoning_tokens: number } | null } | null;
  request_id: string | null;
}
interface ChatCall {
  headers: Headers;
  completion: ChatSummary;
}
interface ResponseUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
}
interface ResponseSummary {
  id: string;
  object: string;
  model: string;
  status: string;
  instructions: string | null;
  output_types: string[];
  output_text: string;
  function_calls: { id: string; call_id: string; name: string; arguments: string }[];
  usage: ResponseUsage | null;
  request_id: string | null;
}
interface ResponseCall {
  headers: Headers;
  response: ResponseSummary;
}

interface StoredRecord {
  id: string;
  keyId: string | null;
  status: string;
  httpStatus: number;
  errorType: string | null;
  stage: string;
  tier: string;
  via: string;
  client: string | null;
  stream: boolean;
  servedModel: string;
  thinkingConfig: Record<string, unknown> | null;
  thinkingText: string | null;
  system: string | null;
  prompt: string | null;
  answer: string | null;
  inputTokens: number;
  outputTokens: number;
  thinkingTokens: number;
  adjustments: string[];
}

const base = basePython();
if (!base.ok) console.warn(`python-clients.test.ts: the Python SDK tests are skipped: ${base.reason}. Install python3 with its venv module to run them.`);

let server: TestServer;
let anthropicRun: Run;
let openaiRun: Run;
let langchainRun: Run;

async function stored(id: string): Promise<StoredRecord> {
  return eventually(async () => {
    const res = await fetch(`${server.url}/api/requests/${id}`, { headers: { "x-api-key": server.adminKey } });
    return res.status === 200 ? ((await res.json()) as StoredRecord) : undefined;
  });
}

/** What one scenario returned; a scenario that raised fails its test with the Python traceback. */
function outcome<T>(run: Run, name: string): T {
  const o = run[name];
  if (!o) throw new Error(`the script ran no scenario named ${name}`);
  if ("error" in o) throw new Error(`${name} raised ${o.error}\n${o.traceback}`);
  return o.ok as T;
}

beforeAll(async () => {
  if (!base.ok) return;
  // The environment is made (once, ~15 s) while the server starts.
  const [python, langchainPython, started] = await Promise.allSettled([
    pythonWithSdks(base),
    pythonWithSdks(base, "requirements-langchain.txt"),
    // Upstream faults reach the client at once: the gateway's retries are faults.test.ts's subject,
    // and here their waits (a second each on a 429) would only slow the file, by about 5 s.
    startServer({ env: { THINKGATE_RETRY_MAX: "0" } }),
  ]);
  if (started.status === "fulfilled") server = started.value;
  if (python.status === "rejected") throw python.reason;
  if (langchainPython.status === "rejected") throw langchainPython.reason;
  if (started.status === "rejected") throw started.reason;
  const env = { THINKGATE_BASE_URL: server.baseURL, THINKGATE_KEY: server.adminKey };
  [anthropicRun, openaiRun, langchainRun] = await Promise.all([
    runClientScript<Run>(python.value, "anthropic_client.py", env),
    runClientScript<Run>(python.value, "openai_client.py", env),
    runClientScript<Run>(langchainPython.value, "langchain_client.py", env),
  ]);
});

afterAll(async () => {
  await server?.stop();
});

describe.skipIf(!base.ok)(`the anthropic Python SDK through thinkgate (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  const result = <T>(name: string) => outcome<T>(anthropicRun, name);

  it("messages.create answers with the decision headers, the SDK reads the relayed request-id, and the call is recorded with its prompt", async () => {
    const { headers, sent_auth, message } = result<Call>("create");
    expect(sent_auth).toEqual(["x-api-key"]);
    expect(message).toMatchObject({ type: "message", role: "assistant", stop_reason: "end_turn", blocks: ["text"] });
    expect(message.text.length).toBeGreaterThan(10);
    expect(message.request_id).toBe(headers["request-id"]);
    expect(headers["thinkgate-request-id"]).toMatch(/^req_/);
    const rec = await stored(headers["thinkgate-request-id"]!);
    expect(rec).toMatchObject({
      status: "ok",
      via: "messages",
      stream: false,
      tier: headers["thinkgate-tier"],
      stage: headers["thinkgate-stage"],
      servedModel: message.model,
      prompt: "Give me a one-line tip for naming variables.",
      answer: message.text,
      inputTokens: message.usage.input_tokens,
    });
    expect(rec.client).toMatch(/^Anthropic\/Python \d/);
  });

  it("messages.parse with a pydantic model: the answer validates as the model", async () => {
    const out = result<{ type: string; parsed: { severity: number; steps: string[] }; text: string }>("structured_output");
    expect(out.type).toBe("Ticket");
    expect(JSON.parse(out.text)).toEqual(out.parsed);
    expect(out.parsed.steps.length).toBeGreaterThanOrEqual(2);
  });

  it("a system prompt reaches the route and the record", async () => {
    const { headers, message } = result<Call>("system_prompt");
    expect(headers).toMatchObject({ "thinkgate-tier": "standard", "thinkgate-stage": "rule" });
    expect(message.text.length).toBeGreaterThan(0);
    const rec = await stored(headers["thinkgate-request-id"]!);
    expect(rec.system).toBe("You answer in one short paragraph.");
    expect(rec.prompt).toBe("Summarize: the release moved from Monday to Wednesday.");
  });

  it("thinking the client asks for is kept and shown: a signed thinking block, recorded with its configuration", async () => {
    const { headers, message, thinking, signature_length } = result<Call & { thinking: string; signature_length: number }>("client_thinking");
    expect(headers).toMatchObject({ "thinkgate-stage": "client", "thinkgate-client-thinking": "kept" });
    expect(message.blocks).toEqual(["thinking", "text"]);
    expect(thinking.length).toBeGreaterThan(50);
    expect(signature_length).toBeGreaterThan(10);
    const rec = await stored(headers["thinkgate-request-id"]!);
    expect(rec.servedModel).toBe("claude-sonnet-4-6");
    expect(rec.thinkingConfig).toEqual({ thinking: { type: "adaptive", display: "summarized" }, effort: "medium" });
    expect(rec.thinkingText).toBe(thinking);
    expect(rec.thinkingTokens).toBe(message.usage.output_tokens_details!.thinking_tokens);
  });

  it("a tool loop: the SDK's own content goes back with the tool_result, and both turns are served by one model and one thinking configuration", async () => {
    const { calls, tool_inputs, expected_result } = result<{ calls: Call[]; tool_inputs: unknown[]; expected_result: string }>("tool_loop");
    expect(calls.map((c) => c.message.stop_reason)).toEqual(["tool_use", "end_turn"]);
    expect(tool_inputs).toEqual([{ city: "Lisbon" }]);
    // thinkgate chose to reason; the client did not ask for thinking, so it sees none.
    expect(calls[0]!.headers).toMatchObject({ "thinkgate-tier": "reasoning", "thinkgate-thinking": "hidden" });
    expect(calls[0]!.message.blocks).toEqual(["text", "tool_use"]);
    expect(calls[1]!.message.text).toContain(expected_result);
    const [first, second] = await Promise.all(calls.map((c) => stored(c.headers["thinkgate-request-id"]!)));
    expect(first!.thinkingTokens).toBeGreaterThan(0);
    expect(second!.stage).toBe("pinned");
    expect([second!.servedModel, second!.thinkingConfig]).toEqual([first!.servedModel, first!.thinkingConfig]);
    // The API needs the turn's thinking block back, which the client never saw: thinkgate put it back.
    expect(second!.adjustments.join("\n")).toMatch(/put back into 1 earlier assistant message/);
  });

  it("the SDK's tool runner (beta.messages.tool_runner with a @beta_tool): the tool runs, and every step is served by the first step's model and thinking", async () => {
    const { steps, headers, expected_result } = result<{ steps: { stop_reason: string; blocks: string[]; text: string }[]; headers: Headers[]; expected_result: string }>(
      "tool_runner",
    );
    expect(steps.map((s) => s.stop_reason)).toEqual(["tool_use", "end_turn"]);
    expect(steps[1]!.text).toContain(expected_result);
    expect(headers).toHaveLength(2);
    expect(headers[0]).toMatchObject({ "thinkgate-tier": "reasoning", "thinkgate-thinking": "hidden" });
    const [first, second] = await Promise.all(headers.map((h) => stored(h["thinkgate-request-id"]!)));
    expect(first!.thinkingTokens).toBeGreaterThan(0);
    expect(second!.stage).toBe("pinned");
    expect([second!.servedModel, second!.thinkingConfig]).toEqual([first!.servedModel, first!.thinkingConfig]);
  });

  it("messages.stream: text_stream concatenates to get_final_message()'s text, and the record matches the stream", async () => {
    const { headers, deltas, text_stream, final } = result<{ headers: Headers; deltas: number; text_stream: string; final: MessageSummary }>("stream");
    expect(deltas).toBeGreaterThan(1);
    expect(text_stream.length).toBeGreaterThan(20);
    expect(final.text).toBe(text_stream);
    expect(final.stop_reason).toBe("end_turn");
    const rec = await stored(headers["thinkgate-request-id"]!);
    expect(rec).toMatchObject({ status: "ok", stream: true, answer: text_stream, inputTokens: final.usage.input_tokens });
    expect(rec.outputTokens + rec.thinkingTokens).toBe(final.usage.output_tokens);
  });

  it("a streamed tool loop with thinking: thinking, signature and tool input rebuilt from the deltas are accepted back, on the turn's configuration", async () => {
    const { calls, expected_result } = result<{ calls: StreamedCall[]; expected_result: string }>("stream_tool_loop_with_thinking");
    expect(calls.map((c) => c.message.stop_reason)).toEqual(["tool_use", "end_turn"]);
    const first = calls[0]!;
    expect(first.message.blocks).toEqual(["thinking", "text", "tool_use"]);
    expect(first.thinking).toBe(first.thinking_deltas);
    expect(first.thinking_deltas.length).toBeGreaterThan(50);
    expect(first.signature_length).toBeGreaterThan(10);
    expect(first.message.text).toBe(first.text_deltas);
    expect(calls[1]!.message.text).toContain(expected_result);
    const [r1, r2] = await Promise.all(calls.map((c) => stored(c.headers["thinkgate-request-id"]!)));
    expect(r1!.stage).toBe("client");
    expect(r1!.thinkingText).toBe(first.thinking_deltas);
    expect(r2!.stage).toBe("pinned");
    expect([r2!.servedModel, r2!.thinkingConfig]).toEqual([r1!.servedModel, r1!.thinkingConfig]);
  });

  it("count_tokens counts, and counts the system prompt and tools too", () => {
    const { plain, with_system_and_tools } = result<{ plain: number; with_system_and_tools: number }>("count_tokens");
    expect(plain).toBeGreaterThan(0);
    expect(with_system_and_tools).toBeGreaterThan(plain);
  });

  it("models.list pages through every model with the SDK's auto-pagination; models.retrieve finds one and raises NotFoundError for an unknown id", () => {
    const { paged_ids, all_ids, first_page, one, missing } = result<{
      paged_ids: string[];
      all_ids: string[];
      first_page: { ids: string[]; has_more: boolean; first_id: string; last_id: string };
      one: { id: string; type: string; display_name: string; created_at: string };
      missing: SdkError;
    }>("models");
    expect(all_ids.length).toBeGreaterThan(5);
    expect(paged_ids).toEqual(all_ids);
    expect(first_page).toEqual({ ids: all_ids.slice(0, 3), has_more: true, first_id: all_ids[0], last_id: all_ids[2] });
    expect(one).toEqual({ id: "claude-opus-4-7", type: "model", display_name: "Claude Opus 4.7", created_at: "2026-04-16T00:00:00+00:00" });
    expect(missing).toMatchObject({ class: "NotFoundError", status: 404, type: "not_found_error" });
  });

  it("messages.batches: created, polled to its end, results iterated as the SDK decodes them, each item routed as a Messages request would be and recorded once", async () => {
    const b = result<{
      id: string;
      created_status: string;
      status: string;
      counts: Record<string, number>;
      results_url: string | null;
      results: Record<string, { type: string; model?: string; blocks?: string[]; text?: string }>;
      listed: boolean;
      missing: SdkError;
    }>("batches");
    expect(b.id).toMatch(/^msgbatch_/);
    expect(b.created_status).toBe("in_progress");
    expect(b.status).toBe("ended");
    expect(b.counts).toEqual({ processing: 0, succeeded: 2, errored: 0, canceled: 0, expired: 0 });
    // The SDK reads the results where the batch says they are: through thinkgate, not the upstream.
    expect(b.results_url).toBe(`${server.baseURL}/v1/messages/batches/${b.id}/results`);
    // The proof goes to the reasoning route (thinking on, another model), the greeting stays as asked.
    // The client sent no thinking: the answer comes in the shape it asked for, as from the Messages endpoint.
    expect(b.results.hard).toMatchObject({ type: "succeeded", model: "claude-opus-4-7", blocks: ["text"] });
    expect(b.results.easy).toMatchObject({ type: "succeeded", model: "claude-sonnet-4-6", blocks: ["text"] });
    expect(b.results.easy!.text!.length).toBeGreaterThan(0);
    expect(b.listed).toBe(true);
    expect(b.missing).toMatchObject({ class: "NotFoundError", status: 404, type: "not_found_error" });
    const rows = await eventually(async () => {
      const r = await queryDb<{ customId: string; via: string; tier: string; servedModel: string }>(
        server,
        `SELECT i."customId", r."via", r."tier", r."servedModel" FROM "MessageBatchItem" i JOIN "MessageBatch" b ON b."id" = i."batchId" JOIN "RequestRecord" r ON r."id" = i."requestId" WHERE b."upstreamId" = '${b.id}' ORDER BY i."customId"`,
      );
      return r.length === 2 ? r : undefined;
    });
    expect(rows).toEqual([
      { customId: "easy", via: "batch", tier: "standard", servedModel: "claude-sonnet-4-6" },
      { customId: "hard", via: "batch", tier: "reasoning", servedModel: "claude-opus-4-7" },
    ]);
  });

  it("files: uploaded, paged, named by ids, used in a document block, refused a download with the API's error_code, and deleted", () => {
    const f = result<{
      uploaded: { id: string; filename: string; mime_type: string; size_bytes: number; downloadable: boolean }[];
      paged: string[];
      named: string[];
      meta: { id: string; filename: string };
      answer_blocks: string[];
      download: SdkError;
      deleted: { id: string; type: string }[];
      missing: SdkError;
    }>("files");
    const ids = f.uploaded.map((u) => u.id);
    expect(f.uploaded.map((u) => [u.filename, u.mime_type, u.downloadable])).toEqual([0, 1, 2].map((i) => [`note-${i}.txt`, "text/plain", false]));
    // The admin key's list is the upstream's: other scenarios' files may be in it, newest first.
    expect(f.paged.filter((id) => ids.includes(id))).toEqual([ids[2], ids[1], ids[0]]);
    expect(f.named).toEqual([ids[2], ids[0]]);
    expect(f.meta).toMatchObject({ id: ids[1], filename: "note-1.txt" });
    expect(f.answer_blocks).toContain("text");
    // This SDK has no class of its own for it: a BadRequestError whose body keeps the API's error_code.
    expect(f.download).toMatchObject({ class: "BadRequestError", status: 400, type: "invalid_request_error" });
    expect(f.download.body?.error?.details?.error_code).toBe("file_not_downloadable");
    expect(f.deleted).toEqual(ids.map((id) => ({ id, type: "file_deleted" })));
    expect(f.missing).toMatchObject({ class: "NotFoundError", status: 404 });
  });

  it("errors raise the SDK's classes with the API's error type: thinkgate's own 400, the API's 400 relayed, 401 by either key header, 429 with retry-after, 529", async () => {
    const e = result<Record<string, SdkError>>("errors");
    expect(e.empty_messages).toMatchObject({ class: "BadRequestError", status: 400, type: "invalid_request_error" });
    expect(e.empty_messages!.body?.error?.message).toBe("messages: at least one message is required");
    expect(e.empty_messages!.request_id).toBe(e.empty_messages!.headers["thinkgate-request-id"]);
    const rec = await stored(e.empty_messages!.request_id!);
    expect(rec).toMatchObject({ status: "error", httpStatus: 400 });

    expect(e.upstream_bad_request).toMatchObject({ class: "BadRequestError", status: 400, type: "invalid_request_error" });
    expect(e.upstream_bad_request!.body?.error?.message).toMatch(/^"thinking.type.enabled" is not supported for this model/);

    for (const wrong of [e.wrong_api_key, e.wrong_auth_token]) expect(wrong).toMatchObject({ class: "AuthenticationError", status: 401, type: "authentication_error" });
    expect(e.rate_limited).toMatchObject({ class: "RateLimitError", status: 429, type: "rate_limit_error" });
    expect(e.rate_limited!.headers["retry-after"]).toBeTruthy();
    expect(e.overloaded).toMatchObject({ class: "OverloadedError", status: 529, type: "overloaded_error" });
  });

  it("auth_token: the key as Authorization: Bearer works for create, stream and count_tokens, as the same key", async () => {
    const out = result<Call & { stream_headers: Headers; stream_text: string; count: number }>("auth_token");
    expect(out.sent_auth).toEqual(["authorization"]);
    expect(out.message.stop_reason).toBe("end_turn");
    expect(out.stream_text.length).toBeGreaterThan(0);
    expect(out.count).toBeGreaterThan(0);
    const [bearer, streamed, byApiKey] = await Promise.all(
      [out.headers, out.stream_headers, result<Call>("create").headers].map((h) => stored(h["thinkgate-request-id"]!)),
    );
    expect(bearer!.status).toBe("ok");
    expect(streamed!.stream).toBe(true);
    expect(bearer!.keyId).toBe(byApiKey!.keyId);
  });

  it("the async client: create and stream side by side", async () => {
    const { create, stream } = result<{ create: { headers: Headers; message: MessageSummary }; stream: { headers: Headers; text_stream: string; final: MessageSummary } }>(
      "async_client",
    );
    expect(create.message.stop_reason).toBe("end_turn");
    expect(create.message.text.length).toBeGreaterThan(0);
    expect(stream.text_stream.length).toBeGreaterThan(0);
    expect(stream.final.text).toBe(stream.text_stream);
    const [created, streamed] = await Promise.all([create.headers, stream.headers].map((h) => stored(h["thinkgate-request-id"]!)));
    expect(created).toMatchObject({ status: "ok", stream: false, answer: create.message.text });
    expect(streamed).toMatchObject({ status: "ok", stream: true, answer: stream.text_stream });
  });
});

describe.skipIf(!base.ok)(`the openai Python SDK through thinkgate's OpenAI-compatible endpoint (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  const result = <T>(name: string) => outcome<T>(openaiRun, name);
  /** The completion id is chatcmpl-<thinkgate request id>. */
  const recordOf = (completionId: string) => stored(completionId.replace(/^chatcmpl-/, ""));

  it("chat.completions.parse and responses.parse with a pydantic model: answers that validate as the model", async () => {
    const out = result<{ chat: { type: string; parsed: { total: number }; finish_reason: string }; responses: { type: string; parsed: { total: number }; status: string } }>("structured_output");
    expect(out.chat).toMatchObject({ type: "Invoice", finish_reason: "stop" });
    expect(out.responses).toMatchObject({ type: "Invoice", status: "completed" });
    expect(out.chat.parsed.total).toBeGreaterThan(0);
  });

  it("chat.completions.create answers, with the system message mapped and the call recorded", async () => {
    const { headers, completion } = result<ChatCall>("create");
    expect(completion).toMatchObject({ object: "chat.completion", model: "claude-sonnet-4-6", finish_reason: "stop" });
    expect(completion.id).toBe(`chatcmpl-${headers["thinkgate-request-id"]}`);
    // The SDK's request id (x-request-id) is thinkgate's, as in the completion id.
    expect(completion.request_id).toBe(headers["thinkgate-request-id"]);
    expect(completion.content!.length).toBeGreaterThan(0);
    const usage = completion.usage!;
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    const rec = await recordOf(completion.id);
    expect(rec).toMatchObject({
      status: "ok",
      via: "openai",
      stream: false,
      system: "You answer in one short paragraph.",
      prompt: "Summarize: the meeting moved from Tuesday to Thursday at 10am.",
      answer: completion.content,
      outputTokens: usage.completion_tokens,
    });
    expect(rec.client).toMatch(/^OpenAI\/Python \d/);
  });

  it("a streamed completion: chunks of one id concatenate to the answer and end with finish_reason and usage", async () => {
    const { request_id, chunks, ids, text, finish_reason, usage } = result<{
      request_id: string;
      chunks: number;
      ids: string[];
      text: string;
      finish_reason: string;
      usage: ChatSummary["usage"];
    }>("stream");
    expect(chunks).toBeGreaterThan(2);
    expect(ids).toEqual([`chatcmpl-${request_id}`]);
    expect(finish_reason).toBe("stop");
    expect(text.length).toBeGreaterThan(20);
    expect(usage!.total_tokens).toBe(usage!.prompt_tokens + usage!.completion_tokens);
    const rec = await recordOf(ids[0]!);
    expect(rec).toMatchObject({ status: "ok", stream: true, answer: text });
  });

  it("a tool call round trip: the SDK's assistant message goes back with the tool's result", async () => {
    const { calls, expected_result } = result<{ calls: ChatCall[]; expected_result: string }>("tool_round_trip");
    const [first, second] = calls as [ChatCall, ChatCall];
    expect(first.completion.finish_reason).toBe("tool_calls");
    expect(first.completion.tool_calls).toHaveLength(1);
    expect(first.completion.tool_calls[0]!.name).toBe("get_weather");
    expect(JSON.parse(first.completion.tool_calls[0]!.arguments)).toEqual({ city: "Paris" });
    expect(second.completion.finish_reason).toBe("stop");
    expect(second.completion.content).toContain(expected_result);
    expect((await recordOf(second.completion.id)).stage).toBe("pinned");
  });

  it("a reasoning tool loop whose first call went through the stream helper: its final message is taken back as the SDK returns it", async () => {
    const { first, second, expected_result } = result<{ first: ChatSummary; second: ChatCall; expected_result: string }>("streamed_tool_loop_with_reasoning");
    expect(first.finish_reason).toBe("tool_calls");
    expect(second.headers).toMatchObject({ "thinkgate-tier": "reasoning", "thinkgate-stage": "pinned" });
    expect(second.completion.finish_reason).toBe("stop");
    expect(second.completion.content).toContain(expected_result);
    const [r1, r2] = await Promise.all([recordOf(first.id), recordOf(second.completion.id)]);
    expect(r1!.stream).toBe(true);
    expect([r2!.servedModel, r2!.thinkingConfig]).toEqual([r1!.servedModel, r1!.thinkingConfig]);
    expect(r2!.adjustments.join("\n")).toMatch(/put back into 1 earlier assistant message/);
  });

  /** The Responses API's response id is resp_<thinkgate request id>. */
  const recordOfResponse = (responseId: string) => stored(responseId.replace(/^resp_/, ""));

  it("responses.create answers with output_text, instructions as the system prompt, and the call recorded", async () => {
    const { headers, response } = result<ResponseCall>("responses_create");
    expect(response).toMatchObject({ object: "response", model: "claude-sonnet-4-6", status: "completed", output_types: ["message"] });
    expect(response.id).toBe(`resp_${headers["thinkgate-request-id"]}`);
    expect(response.request_id).toBe(headers["thinkgate-request-id"]);
    expect(response.instructions).toBe("You answer in one short paragraph.");
    expect(response.output_text.length).toBeGreaterThan(0);
    const usage = response.usage!;
    expect(usage.output_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    const rec = await recordOfResponse(response.id);
    expect(rec).toMatchObject({
      status: "ok",
      via: "openai-responses",
      stream: false,
      system: "You answer in one short paragraph.",
      prompt: "Summarize: the deploy moved from Friday to Monday at 9am.",
      answer: response.output_text,
      outputTokens: usage.output_tokens,
    });
    expect(rec.client).toMatch(/^OpenAI\/Python \d/);
  });

  it("responses.stream: the output_text deltas concatenate to get_final_response()'s output_text, and the events end with response.completed carrying usage", async () => {
    const { types, deltas, completed_usage, final } = result<{ types: string[]; deltas: string; completed_usage: ResponseUsage | null; final: ResponseSummary }>(
      "responses_stream",
    );
    expect(types.filter((t) => t === "response.output_text.delta").length).toBeGreaterThan(1);
    expect(types.at(-1)).toBe("response.completed");
    expect(deltas.length).toBeGreaterThan(20);
    expect(final.output_text).toBe(deltas);
    expect(final.status).toBe("completed");
    expect(completed_usage!.output_tokens).toBeGreaterThan(0);
    expect(completed_usage!.total_tokens).toBe(completed_usage!.input_tokens + completed_usage!.output_tokens);
    const rec = await recordOfResponse(final.id);
    expect(rec).toMatchObject({ status: "ok", via: "openai-responses", stream: true, answer: deltas, outputTokens: completed_usage!.output_tokens });
  });

  it("a Responses API function tool round trip: the response's output items go back with a function_call_output", async () => {
    const { calls, expected_result } = result<{ calls: ResponseCall[]; expected_result: string }>("responses_tool_round_trip");
    const [first, second] = calls as [ResponseCall, ResponseCall];
    expect(first.response.status).toBe("completed");
    expect(first.response.output_types).toContain("function_call");
    expect(first.response.function_calls).toHaveLength(1);
    const call = first.response.function_calls[0]!;
    expect(call).toMatchObject({ name: "get_weather", id: expect.stringMatching(/^fc_/), call_id: expect.stringMatching(/^toolu_/) });
    expect(JSON.parse(call.arguments)).toEqual({ city: "Paris" });
    expect(second.response.status).toBe("completed");
    expect(second.response.output_types).toEqual(["message"]);
    expect(second.response.output_text).toContain(expected_result);
    expect((await recordOfResponse(second.response.id)).stage).toBe("pinned");
  });

  it("errors raise the SDK's classes in OpenAI's shape: an unsupported field, a wrong key, an upstream 529 (recorded)", async () => {
    const e = result<Record<string, SdkError>>("errors");
    expect(e.unsupported_field).toMatchObject({ class: "BadRequestError", status: 400, type: "invalid_request_error", param: "logprobs" });
    expect(e.wrong_key).toMatchObject({ class: "AuthenticationError", status: 401, code: "invalid_api_key" });
    expect(e.wrong_key!.message).not.toContain("x-api-key");
    expect(e.upstream_overloaded).toMatchObject({ class: "InternalServerError", status: 529, type: "server_error", code: "overloaded" });
    expect(e.upstream_overloaded!.request_id).toBe(e.upstream_overloaded!.headers["thinkgate-request-id"]);
    const rec = await stored(e.upstream_overloaded!.request_id!);
    expect(rec).toMatchObject({ status: "error", httpStatus: 529, errorType: "overloaded_error", via: "openai" });
  });

  it("models.list and models.retrieve answer in OpenAI's shape", () => {
    const { ids, one, missing } = result<{ ids: string[]; one: Record<string, unknown>; missing: SdkError }>("models");
    expect(ids).toContain("claude-opus-4-7");
    expect(one).toMatchObject({ id: "claude-opus-4-7", object: "model", owned_by: "anthropic", created: Math.floor(Date.parse("2026-04-16T00:00:00Z") / 1000) });
    expect(missing).toMatchObject({ class: "NotFoundError", status: 404 });
  });
});

interface LcUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_token_details?: Record<string, number>;
  output_token_details?: { reasoning?: number };
}
interface LcMessage {
  type: string;
  content: string | Record<string, unknown>[];
  tool_calls: { name: string; args: Record<string, unknown>; id: string }[];
  invalid_tool_calls: unknown[];
  usage_metadata: LcUsage | null;
  response_metadata: { id?: string; model_name?: string; finish_reason?: string; token_usage?: Record<string, unknown> };
  headers: Headers | null;
}
interface Sent {
  path: string;
  body: Record<string, unknown> & { messages?: Record<string, unknown>[] };
}

describe.skipIf(!base.ok)(`LangChain's ChatOpenAI through thinkgate's OpenAI-compatible endpoint (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  const result = <T>(name: string) => outcome<T>(langchainRun, name);
  /** The record of the call an AIMessage answers: its headers name it, and so does its id (chatcmpl-<thinkgate request id>). */
  const recordOf = (m: LcMessage) => {
    const id = m.headers?.["thinkgate-request-id"] ?? m.response_metadata.id?.replace(/^chatcmpl-/, "");
    if (!id) throw new Error(`no thinkgate request id on ${JSON.stringify(m).slice(0, 300)}`);
    return stored(id);
  };

  it("invoke on LangChain's default client: an AIMessage with content, usage_metadata and the response's metadata, the system message recorded as the system prompt", async () => {
    const m = result<LcMessage>("invoke");
    expect(m.type).toBe("AIMessage");
    expect(typeof m.content === "string" && m.content.length).toBeGreaterThan(10);
    expect(m.response_metadata).toMatchObject({ model_name: "claude-sonnet-4-6", finish_reason: "stop", id: `chatcmpl-${m.headers!["thinkgate-request-id"]}` });
    const usage = m.usage_metadata!;
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    const rec = await recordOf(m);
    expect(rec).toMatchObject({
      status: "ok",
      via: "openai",
      stream: false,
      tier: m.headers!["thinkgate-tier"],
      stage: m.headers!["thinkgate-stage"],
      servedModel: "claude-sonnet-4-6",
      system: "You answer in one short paragraph.",
      prompt: "Summarize: the review moved from Monday to Friday.",
      answer: m.content,
      inputTokens: usage.input_tokens,
      outputTokens: usage.output_tokens,
    });
    // LangChain calls through the openai SDK, whose user agent names it.
    expect(rec.client).toMatch(/^OpenAI\/Python \d/);
  });

  it("stream with stream_usage: chunks concatenate to the answer, one chunk carries the usage, and the request asked for it (stream_options.include_usage)", async () => {
    const s = result<{
      chunks: number;
      text: string;
      with_usage: number[];
      last_position: string | null;
      last_content: string;
      first_headers: Headers;
      full: LcMessage;
      sent: Sent[];
    }>("stream");
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(s.chunks).toBeGreaterThan(3);
    expect(s.text.length).toBeGreaterThan(20);
    expect(s.full.content).toBe(s.text);
    // The wire's last chunk has the usage; LangChain's own closing chunk, empty, follows it.
    expect(s.with_usage).toEqual([s.chunks - 2]);
    expect([s.last_position, s.last_content]).toEqual(["last", ""]);
    expect(s.full.response_metadata).toMatchObject({ finish_reason: "stop", model_name: "claude-sonnet-4-6" });
    const usage = s.full.usage_metadata!;
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    const rec = await stored(s.first_headers["thinkgate-request-id"]!);
    expect(rec).toMatchObject({ status: "ok", via: "openai", stream: true, answer: s.text, tier: s.first_headers["thinkgate-tier"], inputTokens: usage.input_tokens });
    expect(rec.outputTokens + rec.thinkingTokens).toBe(usage.output_tokens);
  });

  it("bind_tools with a pydantic tool and the tool loop: AIMessage.tool_calls parsed, the ToolMessage sent back with LangChain's own AIMessage, a final answer from the tool's result", async () => {
    const { first, final, sent, expected_result } = result<{ first: LcMessage; final: LcMessage; sent: Sent[]; expected_result: string }>("tool_loop");
    expect(sent[0]!.body.tools).toEqual([
      {
        type: "function",
        function: {
          name: "GetWeather",
          description: "Current weather for a city.",
          parameters: { type: "object", properties: { city: { type: "string", description: "The city" } }, required: ["city"] },
        },
      },
    ]);
    expect(first.response_metadata.finish_reason).toBe("tool_calls");
    expect(first.tool_calls).toEqual([{ name: "GetWeather", args: { city: "Paris" }, id: expect.stringMatching(/^toolu_/) }]);
    expect(first.invalid_tool_calls).toEqual([]);
    // What LangChain made of its AIMessage and the ToolMessage.
    expect(sent[1]!.body.messages!.slice(1)).toEqual([
      {
        role: "assistant",
        content: first.content,
        tool_calls: [{ type: "function", id: first.tool_calls[0]!.id, function: { name: "GetWeather", arguments: '{"city": "Paris"}' } }],
      },
      { role: "tool", content: expected_result, tool_call_id: first.tool_calls[0]!.id },
    ]);
    expect(final.response_metadata.finish_reason).toBe("stop");
    expect(final.content).toContain(expected_result);
    const [r1, r2] = await Promise.all([recordOf(first), recordOf(final)]);
    expect(r1).toMatchObject({ status: "ok", via: "openai", tier: first.headers!["thinkgate-tier"] });
    expect(r2).toMatchObject({ status: "ok", stage: "pinned", tier: r1.tier, servedModel: r1.servedModel });
  });

  it("a tool loop streamed on the reasoning tier (reasoning_effort='high'): the aggregated AIMessageChunk goes back, and the turn's thinking is put back on the same model and configuration", async () => {
    const { first, final, sent, tool_results } = result<{ first: LcMessage; final: LcMessage; sent: Sent[]; tool_results: string[] }>("streamed_tool_loop_with_reasoning");
    expect(sent.map((s) => [s.body.stream, s.body.reasoning_effort])).toEqual([
      [true, "high"],
      [false, "high"],
    ]);
    expect(first.type).toBe("AIMessageChunk");
    expect(first.tool_calls).toHaveLength(1);
    expect(first.tool_calls[0]!.name).toBe("GetWeather");
    expect(first.response_metadata.finish_reason).toBe("tool_calls");
    expect(first.usage_metadata!.output_token_details!.reasoning).toBeGreaterThan(0);
    expect(first.headers).toMatchObject({ "thinkgate-tier": "reasoning", "thinkgate-stage": "override" });
    expect(final.headers).toMatchObject({ "thinkgate-tier": "reasoning", "thinkgate-stage": "pinned" });
    expect(final.content).toContain(tool_results[0]);
    const [r1, r2] = await Promise.all([recordOf(first), recordOf(final)]);
    expect(r1).toMatchObject({ stream: true, tier: "reasoning", servedModel: "claude-opus-4-7" });
    expect(r1.thinkingTokens).toBe(first.usage_metadata!.output_token_details!.reasoning);
    expect([r2.servedModel, r2.thinkingConfig]).toEqual([r1.servedModel, r1.thinkingConfig]);
    expect(r2.adjustments.join("\n")).toMatch(/put back into 1 earlier assistant message/);
  });

  it("with_structured_output(pydantic) by LangChain's default method: a strict json_schema response_format, the answer parsed as the model", async () => {
    const d = result<Record<string, { type: string; parsed: Record<string, unknown> | null; parsing_error: string | null; raw: LcMessage; sent: Sent[] }>>("structured_output").default!;
    expect(d.sent[0]!.body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "Invoice", strict: true, schema: { type: "object", additionalProperties: false, required: ["customer", "total", "currency", "lines", "paid", "note"] } },
    });
    expect(d.parsing_error).toBeNull();
    expect(d.type).toBe("Invoice");
    expect(JSON.parse(d.raw.content as string)).toEqual(d.parsed);
    expect(d.parsed!.total as number).toBeGreaterThan(0);
    expect(["USD", "EUR"]).toContain(d.parsed!.currency);
    expect(await recordOf(d.raw)).toMatchObject({ status: "ok", via: "openai", answer: d.raw.content });
  });

  it("with_structured_output(method='function_calling'): the schema as a forced tool, parsed from the tool call; on the reasoning tier too", async () => {
    const out = result<Record<string, { type: string; parsed: Record<string, unknown> | null; parsing_error: string | null; raw: LcMessage; sent: Sent[] }>>(
      "structured_output",
    );
    for (const name of ["function_calling", "function_calling_reasoning"]) {
      const f = out[name]!;
      expect(f.sent[0]!.body, name).toMatchObject({ tool_choice: { type: "function", function: { name: "Invoice" } }, parallel_tool_calls: false });
      expect(f.parsing_error, name).toBeNull();
      expect(f.type, name).toBe("Invoice");
      expect(f.raw.tool_calls.map((c) => c.name), name).toEqual(["Invoice"]);
      expect({ note: null, ...f.raw.tool_calls[0]!.args }, name).toEqual(f.parsed);
    }
    const [standard, reasoning] = await Promise.all([recordOf(out.function_calling!.raw), recordOf(out.function_calling_reasoning!.raw)]);
    expect(standard).toMatchObject({ status: "ok", tier: out.function_calling!.raw.headers!["thinkgate-tier"] });
    expect(reasoning).toMatchObject({ status: "ok", tier: "reasoning", stage: "override", servedModel: "claude-opus-4-7" });
  });

  it("with_structured_output(method='json_mode') is refused with a 400 naming response_format.type (json_object has no Messages counterpart), raised as the openai SDK's BadRequestError", async () => {
    const { error, sent } = result<{ error: SdkError; sent: Sent[] }>("structured_output_json_mode");
    expect(sent[0]!.body.response_format).toEqual({ type: "json_object" });
    expect(error).toMatchObject({ status: 400, type: "invalid_request_error", param: "response_format.type" });
    expect(error.message).toContain("json_schema");
    expect(await stored(error.request_id!)).toMatchObject({ status: "error", httpStatus: 400, via: "openai" });
  });

  it("reasoning_effort steers the tier (high: reasoning, its thinking counted in usage_metadata); model_kwargs pass fields through as sent (reasoning_effort 'none': standard; user)", async () => {
    const { effort, model_kwargs, sent } = result<{ effort: LcMessage; model_kwargs: LcMessage; sent: Sent[] }>("reasoning");
    expect(sent[0]!.body).toMatchObject({ model: "claude-opus-4-7", reasoning_effort: "high" });
    expect(sent[1]!.body).toMatchObject({ model: "claude-sonnet-4-6", reasoning_effort: "none", user: "user-42", max_completion_tokens: 300 });
    expect(effort.headers).toMatchObject({ "thinkgate-tier": "reasoning", "thinkgate-stage": "override" });
    const thinking = effort.usage_metadata!.output_token_details!.reasoning!;
    expect(thinking).toBeGreaterThan(0);
    expect(model_kwargs.headers).toMatchObject({ "thinkgate-tier": "standard", "thinkgate-stage": "override" });
    expect(model_kwargs.usage_metadata!.output_token_details!.reasoning).toBe(0);
    const [r1, r2] = await Promise.all([recordOf(effort), recordOf(model_kwargs)]);
    expect(r1).toMatchObject({ status: "ok", tier: "reasoning", servedModel: "claude-opus-4-7", thinkingTokens: thinking, outputTokens: effort.usage_metadata!.output_tokens - thinking });
    expect(r2).toMatchObject({ status: "ok", tier: "standard", servedModel: "claude-sonnet-4-6", thinkingTokens: 0, thinkingConfig: { thinking: { type: "disabled" } } });
  });

  it("ChatOpenAI(reasoning={'effort': 'low'}) sends LangChain to the Responses API: served there, on the reasoning tier, the answer as LangChain's content blocks", async () => {
    const { message, text, sent } = result<{ message: LcMessage; text: string; sent: Sent[] }>("reasoning_dict_uses_responses_api");
    expect(sent.map((s) => s.path)).toEqual(["/api/v1/responses"]);
    expect(sent[0]!.body).toMatchObject({ model: "claude-opus-4-7", reasoning: { effort: "low" } });
    expect(message.headers).toMatchObject({ "thinkgate-tier": "reasoning" });
    expect((message.content as { type: string }[]).map((b) => b.type)).toEqual(["reasoning", "text"]);
    expect(text.length).toBeGreaterThan(10);
    const rec = await stored(message.headers!["thinkgate-request-id"]!);
    expect(rec).toMatchObject({ status: "ok", via: "openai-responses", tier: "reasoning", servedModel: "claude-opus-4-7", answer: text });
    expect(rec.thinkingTokens).toBe(message.usage_metadata!.output_token_details!.reasoning);
  });

  it("a PDF as LangChain's standard file block (an OpenAI file part with a data URL) is read as a document", async () => {
    const { message, sent } = result<{ message: LcMessage; sent: Sent[] }>("pdf_file_block");
    expect(sent[0]!.body.messages![0]!.content).toEqual([
      { type: "text", text: "Summarize this report." },
      { type: "file", file: { file_data: expect.stringMatching(/^data:application\/pdf;base64,JVBER/), filename: "report.pdf" } },
    ]);
    expect(message.response_metadata.finish_reason).toBe("stop");
    expect(await recordOf(message)).toMatchObject({ status: "ok", via: "openai", tier: "standard", prompt: expect.stringContaining("Summarize this report.") });
  });

  it("ainvoke, astream and abatch side by side, each call recorded once", async () => {
    const a = result<{ invoked: LcMessage; stream_text: string; stream_headers: Headers; batch: LcMessage[] }>("async_calls");
    expect(a.invoked.response_metadata.finish_reason).toBe("stop");
    expect(a.stream_text.length).toBeGreaterThan(20);
    expect(a.batch).toHaveLength(2);
    const ids = [a.invoked.headers!, a.stream_headers, ...a.batch.map((m) => m.headers!)].map((h) => h["thinkgate-request-id"]!);
    expect(new Set(ids).size).toBe(4);
    const [invoked, streamed, ...batch] = await Promise.all(ids.map((id) => stored(id)));
    expect(invoked).toMatchObject({ status: "ok", stream: false, answer: a.invoked.content });
    expect(streamed).toMatchObject({ status: "ok", stream: true, answer: a.stream_text });
    expect(batch.map((r) => r!.answer)).toEqual(a.batch.map((m) => m.content));
  });

  it("nothing LangChain did counted tokens with tiktoken (it would download its encodings)", () => {
    expect(result<{ calls: string[] }>("tiktoken_untouched").calls).toEqual([]);
  });
});
