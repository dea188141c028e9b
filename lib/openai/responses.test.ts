import { describe, expect, it } from "vitest";
import { AppError } from "../api/errors";
import { encodeEvent } from "../gateway/sse";
import { callerScope } from "../api/wrap";
import { itemKey } from "./item-references";
import { DEFAULT_MAX_TOKENS, droppedParams } from "./request";
import { parseResponsesRequest, RESPONSES_DROPPED_FIELDS, toMessagesBodyFromResponses } from "./responses-request";
import { toResponse, toResponseEvents, type OutputItem, type ResponseContext } from "./responses-response";

const translate = async (raw: Record<string, unknown>) => toMessagesBodyFromResponses(await parseResponsesRequest({ model: "claude-sonnet-4-6", ...raw }));

async function paramError(fn: () => unknown): Promise<{ param: unknown; message: string }> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof AppError) return { param: err.details?.param, message: err.message };
    throw err;
  }
  throw new Error("expected an error");
}

describe("Responses request → Messages request", () => {
  it("reads a top-level field sent as null as not sent, as OpenAI does; a stateful field with a value is still refused", async () => {
    const plain = await translate({ input: "hi" });
    const nulls = Object.fromEntries(
      ["previous_response_id", "conversation", "prompt", "max_tool_calls", "user", "safety_identifier", "tools", "tool_choice", "text", "reasoning", "instructions", "top_logprobs"].map((k) => [k, null]),
    );
    expect(await translate({ input: "hi", ...nulls })).toEqual(plain);
    expect(await paramError(() => translate({ input: "hi", previous_response_id: "resp_1" }))).toMatchObject({ param: "previous_response_id" });
    expect(await paramError(() => translate({ input: "hi", max_output_tokens: 99_999_999 }))).toEqual({ param: "max_output_tokens", message: "max_output_tokens: at most 1,000,000" });
  });

  it("maps a string input, instructions and the default max_tokens", async () => {
    expect(await translate({ input: "hi", instructions: "Be brief." })).toEqual({
      model: "claude-sonnet-4-6",
      max_tokens: DEFAULT_MAX_TOKENS,
      system: "Be brief.",
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    });
  });

  it("joins an answer's items into one assistant turn and the tool outputs into one user turn; echoed reasoning items are skipped", async () => {
    const body = await translate({
      input: [
        { role: "developer", content: "Use SI units." },
        { role: "user", content: [{ type: "input_text", text: "weather in Paris and Rome?" }] },
        { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "thinking" }] },
        { type: "message", id: "msg_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Checking.", annotations: [] }] },
        { type: "function_call", id: "fc_1", call_id: "toolu_1", name: "w", arguments: '{"city":"Paris"}', status: "completed" },
        { type: "function_call", call_id: "toolu_2", name: "w", arguments: "" },
        { type: "function_call_output", call_id: "toolu_1", output: "18°C" },
        { type: "function_call_output", call_id: "toolu_2", output: [{ type: "input_text", text: "21°C" }] },
      ],
      max_output_tokens: 50,
      tools: [{ type: "function", name: "w", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: true }],
      tool_choice: { type: "function", name: "w" },
      parallel_tool_calls: false,
      user: "u-1",
    });
    expect(body).toEqual({
      model: "claude-sonnet-4-6",
      max_tokens: 50,
      system: "Use SI units.",
      metadata: { user_id: "u-1" },
      messages: [
        { role: "user", content: [{ type: "text", text: "weather in Paris and Rome?" }] },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "toolu_1", name: "w", input: { city: "Paris" } },
            { type: "tool_use", id: "toolu_2", name: "w", input: {} },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: "18°C" },
            { type: "tool_result", tool_use_id: "toolu_2", content: "21°C" },
          ],
        },
      ],
      tools: [{ name: "w", input_schema: { type: "object", properties: { city: { type: "string" } } }, strict: true }],
      tool_choice: { type: "tool", name: "w", disable_parallel_tool_use: true },
    });
  });

  it("reads tool_choice auto or none with no tools as asking nothing; a named tool with none given still goes on, to be refused", async () => {
    const plain = await translate({ input: "hi" });
    for (const extra of [{ tool_choice: "auto" }, { tool_choice: "none" }, { tool_choice: "auto", tools: [] }]) {
      expect(await translate({ input: "hi", ...extra }), JSON.stringify(extra)).toEqual(plain);
    }
    expect((await translate({ input: "hi", tool_choice: "required" })).tool_choice).toEqual({ type: "any" });
  });

  it("reads parallel_tool_calls: false without tools as asking nothing, not as a tool_choice (which needs tools: the API's 400)", async () => {
    for (const tools of [undefined, []]) {
      const body = await translate({ input: "hi", parallel_tool_calls: false, ...(tools ? { tools } : {}) });
      expect(body.tool_choice).toBeUndefined();
      expect(body.tools).toBeUndefined();
    }
  });

  it("refuses what needs stored state or is not supported, naming the field", async () => {
    expect(await paramError(() => translate({ input: "hi", previous_response_id: "resp_1" }))).toMatchObject({ param: "previous_response_id", message: expect.stringMatching(/send the full input/) });
    expect(await paramError(() => translate({ input: "hi", conversation: "conv_1" }))).toMatchObject({ param: "conversation" });
    expect(await paramError(() => translate({ input: "hi", tools: [{ type: "file_search", vector_store_ids: [] }] }))).toMatchObject({ param: "tools.0.type" });
    expect(await paramError(() => translate({ input: [{ role: "user", content: [{ type: "input_image", file_id: "file_1", detail: "auto" }] }] }))).toMatchObject({
      param: "input.0.content.0.image_url",
    });
    expect(await paramError(() => translate({ input: "hi", text: { format: { type: "json_object" } } }))).toMatchObject({ param: "text.format.type", message: expect.stringMatching(/json_schema/) });
    expect(await paramError(() => translate({ input: "hi", frequency_penalty: 0 }))).toMatchObject({ param: "frequency_penalty", message: expect.stringMatching(/Responses endpoint/) });
    expect(await paramError(() => translate({ input: [{ type: "function_call", call_id: "c", name: "w", arguments: "{" }] }))).toMatchObject({ param: "input.0.arguments" });
    // An item that is not an object is a 400 naming it, null included.
    for (const item of [null, 5, "text", true]) {
      expect(await paramError(() => translate({ input: [{ role: "user", content: "hi" }, item] as never }))).toMatchObject({ param: "input.1" });
    }
  });

  it("an input_file PDF given by file_data is a document block, its filename the title; a file id, a file URL, another type or a file in an assistant message is a 400 naming the field", async () => {
    const PDF = Buffer.from("%PDF-1.4\n%%EOF\n").toString("base64");
    const body = await translate({
      input: [{ role: "user", content: [{ type: "input_text", text: "Summarize" }, { type: "input_file", file_data: `data:application/pdf;base64,${PDF}`, filename: "q3.pdf" }] }],
    });
    expect(body.messages[0]!.content).toEqual([
      { type: "text", text: "Summarize" },
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF }, title: "q3.pdf" },
    ]);
    const file = (f: Record<string, unknown>, role = "user") => translate({ input: [{ role: "user", content: "hi" }, { role, content: [{ type: "input_file", ...f }] }] as never });
    expect(await paramError(() => file({ file_id: "file-abc" }))).toMatchObject({ param: "input.1.content.0.file_id" });
    expect(await paramError(() => file({ file_url: "https://example.com/a.pdf" }))).toMatchObject({ param: "input.1.content.0.file_url", message: expect.stringContaining("file_data") });
    expect(await paramError(() => file({ file_data: "data:text/plain;base64,aGVsbG8=" }))).toMatchObject({ param: "input.1.content.0.file_data", message: expect.stringContaining("must be PDFs") });
    expect(await paramError(() => file({ file_data: `data:application/pdf;base64,${PDF}` }, "assistant"))).toMatchObject({ param: "input.1.content.0" });
  });

  it("maps a json_schema text format to output_config.format (structured outputs), and plain text to nothing", async () => {
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false };
    expect((await translate({ input: "hi", text: { format: { type: "json_schema", name: "place", schema, strict: true } } })).output_config).toEqual({ format: { type: "json_schema", schema } });
    expect((await translate({ input: "hi", text: { format: { type: "text" } } })).output_config).toBeUndefined();
  });

  it("takes text.verbosity (where the OpenAI Agents SDK sends modelSettings.text) and drops it as Chat Completions' verbosity, named by its field; strict, a 400 naming it", async () => {
    const req = await parseResponsesRequest({ model: "claude-sonnet-4-6", input: "hi", text: { verbosity: "low" }, reasoning: { effort: "none" } });
    expect(await toMessagesBodyFromResponses(req)).toEqual(await translate({ input: "hi" }));
    expect(droppedParams(req, true, RESPONSES_DROPPED_FIELDS)).toEqual({
      names: ["text.verbosity"],
      notes: ["text.verbosity dropped: not a Messages API parameter (OpenAI-compatible endpoint)"],
    });
    expect(await paramError(() => droppedParams(req, false, RESPONSES_DROPPED_FIELDS))).toMatchObject({ param: "text.verbosity", message: expect.stringMatching(/^text\.verbosity: Extra inputs are not permitted/) });
    // With a format beside it, the format still applies.
    const schema = { type: "object", properties: { city: { type: "string" } } };
    expect((await translate({ input: "hi", text: { verbosity: "high", format: { type: "json_schema", name: "place", schema } } })).output_config).toEqual({ format: { type: "json_schema", schema } });
    expect(await paramError(() => translate({ input: "hi", text: { verbosity: "loud" } }))).toMatchObject({ param: "text.verbosity" });
  });

  it("refuses a function output that answers no earlier call, and a call left without its output, in OpenAI's wording", async () => {
    const call = (id: string) => ({ type: "function_call", call_id: id, name: "weather", arguments: "{}" });
    const output = (id: string) => ({ type: "function_call_output", call_id: id, output: "18C" });
    expect((await translate({ input: [{ role: "user", content: "hi" }, call("a"), call("b"), output("b"), output("a")] })).messages).toHaveLength(3);
    expect(await paramError(() => translate({ input: [{ role: "user", content: "hi" }, output("zz")] }))).toEqual({
      param: "input",
      message: "No tool call found for function call output with call_id zz.",
    });
    expect(await paramError(() => translate({ input: [{ role: "user", content: "hi" }, call("a"), call("b"), output("a")] }))).toEqual({
      param: "input",
      message: "No tool output found for function call b.",
    });
  });

  it("parses item_reference items, with or without their type; one not resolved is a 400 naming the item", async () => {
    const req = await parseResponsesRequest({ model: "m", input: [{ role: "user", content: "hi" }, { type: "item_reference", id: "msg_1" }, { id: "fc_2" }, { type: null, id: "rs_3" }] });
    expect(req.input).toEqual([{ role: "user", content: "hi" }, { type: "item_reference", id: "msg_1" }, { type: "item_reference", id: "fc_2" }, { type: "item_reference", id: "rs_3" }]);
    expect(await paramError(() => toMessagesBodyFromResponses(req))).toEqual({ param: "input.1", message: "input.1: item_reference msg_1 is not known to thinkgate: send the item itself, or store: false" });
    expect(await paramError(() => translate({ input: [{ type: "item_reference", id: "msg_1", extra: 1 }] }))).toMatchObject({ param: "input.0.extra" });
    expect(await paramError(() => translate({ input: [{ type: "item_reference" }] }))).toMatchObject({ param: "input.0.id" });
  });

  it("keys kept items by the caller: the same id under another key or user is another item", () => {
    const a = callerScope({ keyId: "key_a" });
    const b = callerScope({ keyId: "key_b" });
    expect(itemKey(a, "fc_req_1_0")).toBe(itemKey(callerScope({ keyId: "key_a", userId: "u" }), "fc_req_1_0"));
    expect(itemKey(a, "fc_req_1_0")).not.toBe(itemKey(b, "fc_req_1_0"));
    expect(itemKey(a, "fc_req_1_0")).not.toBe(itemKey(a, "fc_req_1_1"));
    // A browser session has no key: its user is the scope, never the empty key of another session.
    expect(callerScope({ keyId: "", userId: "u1" })).not.toBe(callerScope({ keyId: "", userId: "u2" }));
    expect(callerScope({ keyId: "u1" })).not.toBe(callerScope({ keyId: "", userId: "u1" }));
    expect(itemKey(a, "x")).toMatch(/^i:/);
  });
});

const ctx = (extra: Record<string, unknown> = {}): ResponseContext => ({ requestId: "req_1", createdAt: 1, request: { model: "claude-sonnet-4-6", input: "hi", ...extra } });

describe("Messages answer → Responses answer", () => {
  it("makes one output item per block, with the request's settings echoed", () => {
    const r = toResponse(
      {
        model: "claude-opus-4-7",
        stop_reason: "tool_use",
        content: [
          { type: "thinking", thinking: "plan" },
          { type: "text", text: "Checking." },
          { type: "tool_use", id: "toolu_1", name: "w", input: { city: "Paris" } },
        ],
        usage: { input_tokens: 10, output_tokens: 7, cache_read_input_tokens: 4, cache_creation_input_tokens: 3 } as never,
      },
      ctx({ instructions: "Be brief." }),
    );
    expect(r).toMatchObject({ id: "resp_req_1", object: "response", status: "completed", model: "claude-opus-4-7", instructions: "Be brief.", error: null, incomplete_details: null });
    expect(r.output).toEqual([
      { type: "reasoning", id: "rs_req_1_0", summary: [{ type: "summary_text", text: "plan" }] },
      { type: "message", id: "msg_req_1_1", status: "completed", role: "assistant", content: [{ type: "output_text", text: "Checking.", annotations: [] }] },
      { type: "function_call", id: "fc_req_1_2", call_id: "toolu_1", name: "w", arguments: '{"city":"Paris"}', status: "completed" },
    ]);
    expect(r.usage).toEqual({ input_tokens: 17, input_tokens_details: { cached_tokens: 4, cache_write_tokens: 3 }, output_tokens: 7, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 24 });
    expect(toResponse({ stop_reason: "max_tokens", content: [{ type: "text", text: "Once" }] }, ctx())).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } });
    // The request's text format is echoed, as OpenAI does.
    const format = { type: "json_schema", name: "place", schema: { type: "object", properties: { city: { type: "string" } } }, strict: true };
    expect(toResponse({ stop_reason: "end_turn", content: [{ type: "text", text: "{}" }] }, ctx({ text: { format } })).text).toEqual({ format });
    expect(toResponse({ stop_reason: "end_turn", content: [{ type: "text", text: "x" }] }, ctx()).text).toEqual({ format: { type: "text" } });
  });

  it("hands a finished answer's output items to be kept, whole or streamed, before the client has them; a failed stream keeps nothing", async () => {
    const kept: [OutputItem[], string][] = [];
    const keeping: ResponseContext = { ...ctx(), keep: (output, model) => void kept.push([output, model]) };
    const r = toResponse({ model: "m", stop_reason: "end_turn", content: [{ type: "text", text: "Hi." }] }, keeping);
    expect(kept).toEqual([[r.output, "m"]]);

    kept.length = 0;
    const frames = (end: boolean) =>
      (async function* () {
        yield encodeEvent("message_start", { type: "message_start", message: { model: "m2" } });
        yield encodeEvent("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_1", name: "w", input: {} } });
        yield encodeEvent("content_block_stop", { type: "content_block_stop", index: 0 });
        if (end) yield encodeEvent("message_stop", { type: "message_stop" });
      })();
    let keptBeforeCompleted = false;
    for await (const s of toResponseEvents(frames(true), keeping)) if (s.startsWith("event: response.completed")) keptBeforeCompleted = kept.length === 1;
    expect(keptBeforeCompleted).toBe(true);
    expect(kept[0]).toEqual([[{ type: "function_call", id: "fc_req_1_0", call_id: "toolu_1", name: "w", arguments: "{}", status: "completed" }], "m2"]);

    kept.length = 0;
    for await (const _ of toResponseEvents(frames(false), keeping)) void _;
    expect(kept).toEqual([]);
  });

  it("streams named events with sequence numbers, and an upstream error as error and response.failed", async () => {
    const events = async (frames: [string, unknown][]) => {
      async function* source() {
        for (const [name, data] of frames) yield encodeEvent(name, data);
      }
      const out: { event: string; data: Record<string, unknown> }[] = [];
      let text = "";
      for await (const s of toResponseEvents(source(), ctx())) text += s;
      for (const f of text.split("\n\n").filter(Boolean)) {
        const [e, d] = f.split("\n");
        out.push({ event: e!.slice("event: ".length), data: JSON.parse(d!.slice("data: ".length)) });
      }
      return out;
    };
    const start: [string, unknown][] = [
      ["message_start", { type: "message_start", message: { model: "m", usage: { input_tokens: 3, output_tokens: 1 } } }],
      ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_1", name: "w", input: {} } }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"city":' } }],
      ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '"Paris"}' } }],
      ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ];
    const ok = await events([...start, ["message_delta", { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } }], ["message_stop", { type: "message_stop" }]]);
    expect(ok.map((e) => e.event)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(ok.map((e) => e.data.sequence_number)).toEqual(ok.map((_, i) => i));
    expect(ok.every((e) => e.data.type === e.event)).toBe(true);
    expect(ok[5]!.data).toMatchObject({ item_id: "fc_req_1_0", output_index: 0, name: "w", arguments: '{"city":"Paris"}' });
    expect(ok[7]!.data.response).toMatchObject({ status: "completed", model: "m", output: [{ type: "function_call", call_id: "toolu_1", arguments: '{"city":"Paris"}' }], usage: { input_tokens: 3, output_tokens: 9 } });

    const failed = await events([...start, ["error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }]]);
    expect(failed.slice(-2)).toMatchObject([
      { event: "error", data: { code: "overloaded", message: "Overloaded", error: { type: "server_error", code: "overloaded" } } },
      { event: "response.failed", data: { response: { status: "failed", error: { code: "server_error", message: "Overloaded" }, output: [{ type: "function_call" }] } } },
    ]);
    // A stream cut before its end fails too, rather than leaving the client waiting for response.completed.
    expect((await events(start)).at(-1)).toMatchObject({ event: "response.failed" });
  });
});
