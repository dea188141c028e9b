import { describe, expect, it } from "vitest";
import { AppError } from "../api/errors";
import { DEFAULT_MAX_TOKENS, droppedParams, dropsParams, parseChatRequest, tierHint, toMessagesBody } from "./request";
import { finishReason, toChatChunks, toChatCompletion } from "./response";

const translate = async (raw: Record<string, unknown>) => toMessagesBody(await parseChatRequest({ model: "claude-sonnet-4-6", ...raw }));

async function paramError(fn: () => unknown): Promise<{ param: unknown; message: string }> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof AppError) return { param: err.details?.param, message: err.message };
    throw err;
  }
  throw new Error("expected an error");
}

describe("Chat Completions request → Messages request", () => {
  it("reads a top-level field sent as null as not sent, as OpenAI does (clients that serialise every field send them)", async () => {
    const plain = await translate({ messages: [{ role: "user", content: "hi" }] });
    const nulls = Object.fromEntries(
      ["user", "parallel_tool_calls", "prompt_cache_key", "top_logprobs", "modalities", "audio", "prediction", "tools", "tool_choice", "response_format", "stop", "n", "safety_identifier", "web_search_options"].map((k) => [k, null]),
    );
    expect(await translate({ messages: [{ role: "user", content: "hi" }], ...nulls })).toEqual(plain);
    // Bounds are reported on the field the client sent, not on the Messages API's max_tokens it becomes.
    expect(await paramError(() => translate({ messages: [{ role: "user", content: "hi" }], max_completion_tokens: 99_999_999 }))).toEqual({
      param: "max_completion_tokens",
      message: "max_completion_tokens: at most 1,000,000",
    });
    // A required field sent as null is still missing.
    expect(await paramError(() => parseChatRequest({ model: null, messages: [{ role: "user", content: "hi" }] }))).toMatchObject({ param: "model" });
    // A field thinkgate does not take, with a value, is still refused.
    expect(await paramError(() => translate({ messages: [{ role: "user", content: "hi" }], modalities: ["audio"] }))).toMatchObject({ param: "modalities" });
  });

  it("maps system and developer messages, turns, stop and max tokens", async () => {
    const body = await translate({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Use SI units." }] },
        { role: "user", content: "hi" },
        { role: "assistant", content: "hello" },
        { role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }] },
      ],
      stop: "END",
      user: "u-1",
    });
    expect(body.system).toBe("Be brief.\n\nUse SI units.");
    expect(body.max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(body.stop_sequences).toEqual(["END"]);
    expect(body.metadata).toEqual({ user_id: "u-1" });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "hi" }] },
      { role: "assistant", content: [{ type: "text", text: "hello" }] },
      {
        role: "user",
        content: [
          { type: "text", text: "what is this?" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
        ],
      },
    ]);
    expect((await translate({ messages: [{ role: "user", content: "x" }], max_tokens: 10, max_completion_tokens: 20 })).max_tokens).toBe(20);
  });

  it("maps a json_schema response format to output_config.format; refuses json_object with what to send instead", async () => {
    const schema = { type: "object", properties: { answer: { type: "number" } }, required: ["answer"], additionalProperties: false };
    const messages = [{ role: "user", content: "What is 2+2?" }];
    expect((await translate({ messages, response_format: { type: "json_schema", json_schema: { name: "sum", schema, strict: true } } })).output_config).toEqual({ format: { type: "json_schema", schema } });
    expect((await translate({ messages, response_format: { type: "text" } })).output_config).toBeUndefined();
    const err = await translate({ messages, response_format: { type: "json_object" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toMatch(/json_schema/);
    expect((err as AppError).details?.param).toBe("response_format.type");
  });

  it("maps tools, tool calls and tool results (several results in one user turn)", async () => {
    const body = await translate({
      messages: [
        { role: "user", content: "weather in Paris and Rome?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "c1", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' } },
            { id: "c2", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: "tool", tool_call_id: "c1", content: "18C" },
        { role: "tool", tool_call_id: "c2", content: "24C" },
      ],
      tools: [{ type: "function", function: { name: "weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
      tool_choice: { type: "function", function: { name: "weather" } },
      parallel_tool_calls: false,
    });
    expect(body.tools).toEqual([{ name: "weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }]);
    expect(body.tool_choice).toEqual({ type: "tool", name: "weather", disable_parallel_tool_use: true });
    expect(body.messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "tool_use", id: "c1", name: "weather", input: { city: "Paris" } },
        { type: "tool_use", id: "c2", name: "weather", input: { city: "Rome" } },
      ],
    });
    expect(body.messages[2]).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "c1", content: "18C" },
        { type: "tool_result", tool_use_id: "c2", content: "24C" },
      ],
    });
    expect((await translate({ messages: [{ role: "user", content: "x" }], tool_choice: "required" })).tool_choice).toEqual({ type: "any" });
  });

  it("reads parallel_tool_calls: false without tools as asking nothing, not as a tool_choice (which needs tools: the API's 400)", async () => {
    for (const tools of [undefined, []]) {
      const body = await translate({ messages: [{ role: "user", content: "x" }], parallel_tool_calls: false, ...(tools ? { tools } : {}) });
      expect(body.tool_choice).toBeUndefined();
      expect(body.tools).toBeUndefined();
    }
  });

  it("reads the defaults clients send, asking for nothing, as not sent: top_logprobs 0, modalities [text], tool_choice auto or none with no tools", async () => {
    const plain = await translate({ messages: [{ role: "user", content: "hi" }] });
    for (const extra of [{ top_logprobs: 0 }, { modalities: ["text"] }, { tool_choice: "auto" }, { tool_choice: "none" }, { tool_choice: "auto", tools: [] }]) {
      expect(await translate({ messages: [{ role: "user", content: "hi" }], ...extra }), JSON.stringify(extra)).toEqual(plain);
    }
    // What would change the answer is still refused, on its field.
    expect(await paramError(() => translate({ messages: [{ role: "user", content: "hi" }], top_logprobs: 3 }))).toMatchObject({ param: "top_logprobs" });
    expect(await paramError(() => translate({ messages: [{ role: "user", content: "hi" }], modalities: ["text", "audio"] }))).toMatchObject({ param: "modalities", message: 'modalities: only "text" is supported (audio output is not)' });
  });

  it("drops verbosity as it drops the sampling knobs, and refuses it when asked to be strict", async () => {
    const req = await parseChatRequest({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }], verbosity: "low" });
    expect(droppedParams(req, true).names).toEqual(["verbosity"]);
    expect(await paramError(() => droppedParams(req, false))).toMatchObject({ param: "verbosity" });
  });

  it("refuses a tool message that answers no call of the assistant message before it, and calls left unanswered, in OpenAI's wording", async () => {
    const asks = (...ids: string[]) => ({ role: "assistant", content: null, tool_calls: ids.map((id) => ({ id, type: "function", function: { name: "weather", arguments: "{}" } })) });
    const answer = (id: string) => ({ role: "tool", tool_call_id: id, content: "18C" });
    const user = { role: "user", content: "weather?" };
    expect((await translate({ messages: [user, asks("a", "b"), answer("b"), answer("a"), user] })).messages).toHaveLength(3);
    expect(await paramError(() => translate({ messages: [user, answer("zz")] }))).toEqual({
      param: "messages.[1].role",
      message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
    });
    // An answer after another message has come is no longer an answer.
    expect(await paramError(() => translate({ messages: [user, asks("a"), answer("a"), user, answer("a")] }))).toMatchObject({ param: "messages.[4].role" });
    const unanswered = {
      param: "messages.[1].role",
      message: "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: b",
    };
    expect(await paramError(() => translate({ messages: [user, asks("a", "b"), answer("a"), user] }))).toEqual(unanswered);
    expect(await paramError(() => translate({ messages: [user, asks("a", "b"), answer("a")] }))).toEqual(unanswered);
  });

  it("names a bad message by its place in the whole conversation, past the first slice checked", async () => {
    const messages = Array.from({ length: 2600 }, (_, i) => (i === 2345 ? { role: "user", content: [{ type: "audio", data: "x" }] } : { role: "user", content: `m${i}` }));
    expect(await paramError(() => translate({ messages }))).toMatchObject({ param: "messages.2345.content" });
    // And translates one that is fine, every message in order (consecutive user messages merge into one turn).
    const body = await translate({ messages: messages.map((m, i) => (i === 2345 ? { role: "assistant", content: "ok" } : m)) });
    expect(body.messages).toHaveLength(3);
    expect((body.messages[2]!.content as { text: string }[]).map((b) => b.text)).toEqual(Array.from({ length: 2600 - 2346 }, (_, k) => `m${2346 + k}`));
  });

  it("refuses a list longer than any client sends (content parts, tool calls, tools) with a 400 naming it", async () => {
    const parts = (n: number) => Array.from({ length: n }, (_, i) => ({ type: "text", text: `p${i}` }));
    expect(await paramError(() => translate({ messages: [{ role: "user", content: "x" }, { role: "user", content: parts(10_001) }] }))).toEqual({
      param: "messages.1.content",
      message: "messages.1.content: at most 10000 content parts",
    });
    const calls = Array.from({ length: 10_001 }, (_, i) => ({ id: `c${i}`, type: "function", function: { name: "f", arguments: "{}" } }));
    expect((await paramError(() => translate({ messages: [{ role: "assistant", tool_calls: calls }] }))).param).toBe("messages.0.tool_calls");
    const tools = Array.from({ length: 10_001 }, (_, i) => ({ type: "function", function: { name: `f${i}` } }));
    expect((await paramError(() => translate({ messages: [{ role: "user", content: "x" }], tools }))).param).toBe("tools");
    expect((await translate({ messages: [{ role: "user", content: parts(10_000) }] })).messages[0]!.content).toHaveLength(10_000);
  });

  it("a PDF file part (file_data as a data URL, as the SDKs and LangChain send it) is a document block; an OpenAI file id or another type is a 400 naming the field", async () => {
    const PDF = Buffer.from("%PDF-1.4\n%%EOF\n").toString("base64");
    const body = await translate({
      messages: [{ role: "user", content: [{ type: "text", text: "Summarize" }, { type: "file", file: { file_data: `data:application/pdf;base64,${PDF}`, filename: "q3.pdf" } }] }],
    });
    expect(body.messages[0]!.content).toEqual([
      { type: "text", text: "Summarize" },
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF }, title: "q3.pdf" },
    ]);
    // A file alone is a message.
    const alone = await translate({ messages: [{ role: "user", content: [{ type: "file", file: { file_data: `data:application/pdf;base64,${PDF}` } }] }] });
    expect(alone.messages[0]!.content).toEqual([{ type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF } }]);
    const file = (f: Record<string, string>) => translate({ messages: [{ role: "system", content: "s" }, { role: "user", content: [{ type: "file", file: f }] }] });
    expect(await paramError(() => file({ file_id: "file-abc" }))).toMatchObject({ param: "messages.1.content.0.file.file_id" });
    expect(await paramError(() => file({ file_data: "data:text/plain;base64,aGVsbG8=" }))).toMatchObject({ param: "messages.1.content.0.file.file_data", message: expect.stringContaining("must be PDFs") });
    expect(await paramError(() => file({ file_data: `data:application/pdf;base64,${PDF.slice(0, -1)}` }))).toMatchObject({ message: expect.stringContaining("not whole") });
    expect(await paramError(() => file({ file_data: "data:application/pdf;base64,aGVsbG8=" }))).toMatchObject({ message: expect.stringContaining("not a PDF") });
  });

  it("refuses what has no Messages counterpart with a 400 naming the field", async () => {
    expect(await paramError(() => translate({ messages: [{ role: "user", content: "x" }], top_logprobs: 2 }))).toMatchObject({ param: "top_logprobs" });
    expect((await paramError(() => translate({ messages: [{ role: "user", content: "x" }], n: 2 }))).message).toBe("n: only 1 choice is supported");
    expect((await paramError(() => translate({ messages: [{ role: "function", name: "f", content: "x" }] }))).message).toContain("role must be");
    expect(
      await paramError(() => translate({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x/y.png" } }] }] })),
    ).toMatchObject({ param: "messages.0.content.0.image_url.url" });
    expect(
      await paramError(() =>
        translate({ messages: [{ role: "assistant", tool_calls: [{ id: "a", type: "function", function: { name: "f", arguments: "{oops" } }] }] }),
      ),
    ).toMatchObject({ param: "messages.0.tool_calls.0.function.arguments" });
    for (const content of ["", [{ type: "text", text: "" }]]) {
      expect(await paramError(() => translate({ messages: [{ role: "user", content }] }))).toEqual({
        param: "messages.0.content",
        message: "messages.0.content: a user message needs text, an image or a file (the Messages API refuses empty text)",
      });
    }
    // An empty part beside others is left out.
    expect((await translate({ messages: [{ role: "user", content: [{ type: "text", text: "" }, { type: "text", text: "hi" }] }] })).messages).toEqual([
      { role: "user", content: [{ type: "text", text: "hi" }] },
    ]);
    expect((await paramError(() => translate({ messages: [{ role: "user", content: "x" }], stop: ["a", "b", "c", "d", "e"] }))).message).toMatch(/stop.*at most 4/);
    // "image/jpg", which browsers write, is the API's image/jpeg.
    const jpg = await translate({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/jpg;base64,/9j/4AAQ" } }] }] });
    expect(jpg.messages[0]!.content).toEqual([{ type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/4AAQ" } }]);
    for (const args of ["[1,2]", "7", "null", '"text"']) {
      expect(
        await paramError(() => translate({ messages: [{ role: "assistant", tool_calls: [{ id: "a", type: "function", function: { name: "f", arguments: args } }] }] })),
      ).toEqual({ param: "messages.0.tool_calls.0.function.arguments", message: "messages.0.tool_calls.0.function.arguments: the tool call's arguments must be a JSON object" });
    }
  });

  it("takes back an assistant message as the Python SDK's stream helper returns it; a real audio or function_call is a 400 naming it", async () => {
    // What openai (Python) 3.x sends for `stream.get_final_completion().choices[0].message`.
    const returned = {
      role: "assistant",
      content: "Let me check.",
      refusal: null,
      annotations: null,
      audio: null,
      function_call: null,
      parsed: null,
      tool_calls: [{ id: "c1", type: "function", index: 0, function: { name: "weather", arguments: '{"city":"Paris"}', parsed_arguments: null } }],
    };
    const body = await translate({ messages: [{ role: "user", content: "weather in Paris?" }, returned, { role: "tool", tool_call_id: "c1", content: "18C" }] });
    expect(body.messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "text", text: "Let me check." },
        { type: "tool_use", id: "c1", name: "weather", input: { city: "Paris" } },
      ],
    });
    const legacy = { role: "assistant", content: null, function_call: { name: "weather", arguments: "{}" } };
    expect(await paramError(() => translate({ messages: [{ role: "user", content: "x" }, legacy] }))).toEqual({
      param: "messages.1.function_call",
      message: "messages.1.function_call: this field is not supported by thinkgate's Chat Completions endpoint (use tool_calls)",
    });
    expect((await paramError(() => translate({ messages: [{ role: "user", content: "x" }, { role: "assistant", content: "hi", audio: { id: "audio_1" } }] }))).param).toBe(
      "messages.1.audio",
    );
  });

  it("takes back an assistant turn as the OpenAI Agents SDK sends it: the answer's other message fields on its text part, ignored (its calls come in the next message)", async () => {
    // What @openai/agents 0.14 sends on the turn after a tool call: the answer's text, with the rest of its message
    // (role, refusal, tool_calls) spread onto the part, then the calls as a message of their own.
    const call = { id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } };
    const body = await translate({
      messages: [
        { role: "system", content: "Use the tools you are given." },
        { role: "user", content: "Use get_weather for Paris." },
        { role: "assistant", content: [{ type: "text", text: "Let me call get_weather.", role: "assistant", refusal: null, tool_calls: [call], reasoning_content: "Paris, then.", reasoning: "Paris, then.", annotations: [] }] },
        // A reasoning item goes back as an assistant message of its own, before the one with the calls: passed over.
        { role: "assistant", content: null, reasoning: "Paris, then." },
        { role: "assistant", content: null, tool_calls: [call], reasoning: "Paris, then." },
        { role: "tool", tool_call_id: "toolu_1", content: "18°C, light rain" },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Use get_weather for Paris." }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Let me call get_weather." },
          { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
        ],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "18°C, light rain" }] },
    ]);
    // The fields of an assistant message only: a user's text part, or an unknown field, is still refused.
    expect(await paramError(() => translate({ messages: [{ role: "user", content: [{ type: "text", text: "hi", role: "user" }] }] }))).toMatchObject({ param: "messages.0.content.0.role" });
    expect(await paramError(() => translate({ messages: [{ role: "user", content: "hi" }, { role: "assistant", content: [{ type: "text", text: "hi", colour: "red" }] }] }))).toMatchObject({
      param: "messages.1.content.0.colour",
    });
    // An assistant message with neither text, calls nor reasoning is still a mistake.
    expect(await paramError(() => translate({ messages: [{ role: "user", content: "hi" }, { role: "assistant", content: null }] }))).toMatchObject({ param: "messages.1.content" });
  });

  it("takes prompt_cache_retention as the Responses endpoint does (the OpenAI Agents SDK sends its promptCacheRetention setting on both), changing nothing", async () => {
    const messages = [{ role: "user", content: "hi" }];
    expect(await translate({ messages, prompt_cache_retention: "24h" })).toEqual(await translate({ messages }));
    expect(await translate({ messages, prompt_cache_retention: "in_memory" })).toEqual(await translate({ messages }));
  });

  it("drops the sampling knobs the Messages API does not take, and names them; strict mode makes the first a 400", async () => {
    const req = await parseChatRequest({ model: "m", messages: [{ role: "user", content: "x" }], temperature: 0.3, top_p: 1, presence_penalty: 0, seed: 7, logprobs: false });
    const body = await toMessagesBody(req);
    for (const k of ["temperature", "top_p", "presence_penalty", "seed", "logprobs"]) expect(body).not.toHaveProperty(k);
    const dropped = droppedParams(req, true);
    expect(dropped.names).toEqual(["temperature", "top_p", "presence_penalty", "seed"]);
    expect(dropped.notes[0]).toBe("temperature dropped: removed from the Messages API in version 2026-10-21 (OpenAI-compatible endpoint)");
    expect(await paramError(() => droppedParams(req, false))).toEqual({
      param: "temperature",
      message: "temperature: Extra inputs are not permitted (removed from the Messages API in version 2026-10-21; thinkgate drops it unless thinkgate-drop-params: false)",
    });
    // null is OpenAI's "not set": nothing to drop.
    expect(droppedParams(await parseChatRequest({ model: "m", messages: [{ role: "user", content: "x" }], temperature: null }), false).names).toEqual([]);
    // A parameter that changes what comes back is never dropped.
    expect((await paramError(() => parseChatRequest({ model: "m", messages: [{ role: "user", content: "x" }], logprobs: true }))).param).toBe("logprobs");
  });

  it("reads thinkgate-drop-params: absent or true drops, false is strict, anything else is a 400", async () => {
    expect(dropsParams({})).toBe(true);
    expect(dropsParams({ "thinkgate-drop-params": "True" })).toBe(true);
    expect(dropsParams({ "thinkgate-drop-params": "false" })).toBe(false);
    expect((await paramError(() => dropsParams({ "thinkgate-drop-params": "no" }))).message).toBe("thinkgate-drop-params must be true or false");
  });

  it("turns reasoning_effort into a tier and a budget tier", async () => {
    expect(tierHint(undefined)).toBeNull();
    expect(tierHint("none")).toEqual({ tier: "standard" });
    expect(tierHint("minimal")).toEqual({ tier: "reasoning", budgetTier: "simple" });
    expect(tierHint("low")).toEqual({ tier: "reasoning", budgetTier: "simple" });
    expect(tierHint("medium")).toEqual({ tier: "reasoning", budgetTier: "complex" });
    expect(tierHint("high")).toEqual({ tier: "reasoning", budgetTier: "maximum" });
    expect(tierHint("xhigh")).toEqual({ tier: "reasoning", budgetTier: "maximum" });
  });
});

describe("Messages answer → Chat Completions answer", () => {
  const ids = { id: "chatcmpl-req_1", created: 1_700_000_000 };

  it("keeps thinking out of the content, and reports reasoning tokens inside completion tokens", async () => {
    const c = toChatCompletion(
      {
        model: "claude-opus-4-7",
        content: [
          { type: "thinking", thinking: "Let me see." },
          { type: "text", text: "Paris." },
        ],
        stop_reason: "end_turn",
        usage: { input_tokens: 10, cache_read_input_tokens: 5, cache_creation_input_tokens: 2, output_tokens: 40, output_tokens_details: { thinking_tokens: 30 } },
      },
      ids,
    );
    // Under both names clients read the thinking by: reasoning_content (DeepSeek, vLLM) and reasoning (OpenRouter, the OpenAI Agents SDK).
    expect(c.choices[0]!.message).toMatchObject({ role: "assistant", content: "Paris.", reasoning_content: "Let me see.", reasoning: "Let me see." });
    expect(c.usage).toEqual({
      prompt_tokens: 17,
      completion_tokens: 40,
      total_tokens: 57,
      prompt_tokens_details: { cached_tokens: 5 },
      completion_tokens_details: { reasoning_tokens: 30 },
    });
    expect(["end_turn", "stop_sequence", "max_tokens", "tool_use", "refusal"].map(finishReason)).toEqual(["stop", "stop", "length", "tool_calls", "content_filter"]);
  });

  it("re-encodes a stream, split anywhere, as chunks ending in usage and [DONE]", async () => {
    const events = [
      { type: "message_start", message: { model: "claude-opus-4-7", usage: { input_tokens: 9, output_tokens: 1 } } },
      { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "hmm" } },
      { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Hel" } },
      { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "lo" } },
      { type: "message_delta", delta: { stop_reason: "max_tokens" }, usage: { output_tokens: 20, output_tokens_details: { thinking_tokens: 12 } } },
      { type: "message_stop" },
    ];
    const wire = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
    async function* pieces() {
      for (let i = 0; i < wire.length; i += 7) yield new TextEncoder().encode(wire.slice(i, i + 7));
    }
    let out = "";
    for await (const s of toChatChunks(pieces(), ids, { requestedModel: "x", includeUsage: true })) out += s;
    const frames = out.split("\n\n").filter(Boolean);
    expect(frames.at(-1)).toBe("data: [DONE]");
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.slice("data: ".length)));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Hello");
    expect(chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? "").join("")).toBe("hmm");
    expect(chunks.map((c) => c.choices[0]?.delta.reasoning ?? "").join("")).toBe("hmm");
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe("length");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 20, completion_tokens_details: { reasoning_tokens: 12 } } });
    expect(chunks.every((c) => c.model === "claude-opus-4-7" && c.id === "chatcmpl-req_1")).toBe(true);
  });
});

describe("an upstream answer not in the API's shape, translated for an OpenAI client", () => {
  const ids = { id: "chatcmpl-req_2", created: 1 };

  it("keeps the blocks that are objects and counts only whole numbers as tokens", () => {
    const completion = toChatCompletion(
      {
        content: [null, 5, "x", { type: "text", text: "hi" }] as never,
        stop_reason: "end_turn",
        usage: { input_tokens: "10", output_tokens: 7, cache_read_input_tokens: 1e308 * 10, cache_creation_input_tokens: -3 } as never,
      },
      ids,
    );
    expect(completion.choices[0]!.message.content).toBe("hi");
    expect(completion.usage).toEqual({ prompt_tokens: 0, completion_tokens: 7, total_tokens: 7, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } });
    expect(toChatCompletion({ content: "not blocks" as never }, ids).choices[0]!.message.content).toBe("");
  });

  it("skips stream events whose data is not an object, and still ends the stream", async () => {
    const sse = [
      'event: message_start\ndata: {"type":"message_start","message":{"model":"m","usage":{"input_tokens":4,"output_tokens":1}}}\n\n',
      "data: null\n\ndata: 5\n\ndata: []\n\n",
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":null}\n\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ok"}}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":"3"}}\n\n',
      'event: message_stop\ndata: {"type":"message_stop"}\n\n',
      "data: null",
    ];
    async function* pieces() {
      yield* sse;
    }
    let out = "";
    for await (const s of toChatChunks(pieces(), ids, { requestedModel: "x", includeUsage: true })) out += s;
    const frames = out.split("\n\n").filter(Boolean);
    expect(frames.at(-1)).toBe("data: [DONE]");
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.slice("data: ".length)));
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("ok");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 4, total_tokens: 4 } });
  });
});
