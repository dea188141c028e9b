/**
 * The OpenAI-compatible endpoint end to end: a real thinkgate process, the
 * official `openai` npm client (baseURL = thinkgate), the simulator upstream,
 * and the stored records read back through the API. The same routing,
 * recording and costing as /api/v1/messages must apply.
 */
import OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startServer, type TestServer } from "../support/server";

let server: TestServer;
let client: OpenAI;

interface StoredRecord {
  id: string;
  status: string;
  stage: string;
  tier: string;
  via: string;
  routeId: string | null;
  servedModel: string;
  stream: boolean;
  system: string | null;
  prompt: string | null;
  answer: string | null;
  thinkingTokens: number;
  outputTokens: number;
  inputTokens: number;
  pricingStatus: string;
  costTotal: number | null;
  thinkingConfig: Record<string, unknown> | null;
  errorType: string | null;
  httpStatus: number;
  adjustments: string[];
}

/** The completion id is chatcmpl-<thinkgate request id>: the trace of that request. */
async function stored(completionId: string): Promise<StoredRecord> {
  const id = completionId.replace(/^chatcmpl-/, "");
  return eventually(async () => {
    const res = await fetch(`${server.url}/api/requests/${id}`, { headers: { "x-api-key": server.adminKey } });
    return res.status === 200 ? ((await res.json()) as StoredRecord) : undefined;
  });
}

beforeAll(async () => {
  server = await startServer();
  client = new OpenAI({ baseURL: `${server.baseURL}/v1`, apiKey: server.adminKey, maxRetries: 0 });
});

afterAll(async () => {
  await server?.stop();
});

describe(`OpenAI-compatible endpoint through the official openai client (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("answers a chat completion with the system message mapped, usage, and a priced record", async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: "claude-sonnet-4-6",
        messages: [
          { role: "system", content: "You answer in one short paragraph." },
          { role: "developer", content: "Never mention competitors." },
          { role: "user", content: "Summarize: the meeting moved from Tuesday to Thursday at 10am." },
        ],
        max_completion_tokens: 300,
      })
      .withResponse();

    expect(response.status).toBe(200);
    expect(data.object).toBe("chat.completion");
    expect(data.id).toMatch(/^chatcmpl-req_/);
    expect(data.model).toBe("claude-sonnet-4-6");
    const choice = data.choices[0]!;
    expect(choice.message.role).toBe("assistant");
    expect(typeof choice.message.content).toBe("string");
    expect(choice.message.content!.length).toBeGreaterThan(0);
    expect(choice.finish_reason).toBe("stop");
    expect(data.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
    expect(data.usage!.completion_tokens_details!.reasoning_tokens).toBe(0);
    expect(response.headers.get("thinkgate-tier")).toBe("standard");

    const rec = await stored(data.id);
    expect(rec.status).toBe("ok");
    expect(rec.via).toBe("openai");
    expect(rec.stream).toBe(false);
    expect(rec.system).toBe("You answer in one short paragraph.\n\nNever mention competitors.");
    expect(rec.prompt).toContain("the meeting moved");
    expect(rec.answer).toBe(choice.message.content);
    expect(rec.outputTokens).toBe(data.usage!.completion_tokens);
    expect(rec.pricingStatus).toBe("priced");
    expect(rec.costTotal).toBeGreaterThan(0);
  });

  it("takes a large chat completion (parsed on the parser's thread, handed on as a value) through to a priced answer", async () => {
    const notes = "The deploy went out at noon and the error rate held steady. ".repeat(24_000);
    const { data, response } = await client.chat.completions
      .create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: `Summarize these notes in one line: ${notes}` }], max_completion_tokens: 100 })
      .withResponse();
    expect(response.status).toBe(200);
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0);
    // The whole prompt reached the upstream: the simulator counts its tokens from what it got.
    expect(data.usage!.prompt_tokens).toBeGreaterThan(notes.length / 8);
  });

  it("reasoning_effort forces the reasoning tier; the stream concatenates to the answer and ends with usage and reasoning tokens", async () => {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: "claude-sonnet-4-6",
        messages: [{ role: "user", content: "What is the capital of France?" }],
        reasoning_effort: "low",
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    expect(response.headers.get("thinkgate-tier")).toBe("reasoning");
    expect(response.headers.get("thinkgate-stage")).toBe("override");

    let text = "";
    let id = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      id = chunk.id;
      expect(chunk.object).toBe("chat.completion.chunk");
      if (chunk.usage) usage = chunk.usage;
      const c = chunk.choices[0];
      if (!c) continue;
      text += c.delta.content ?? "";
      if (c.finish_reason) finish = c.finish_reason;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(finish).toBe("stop");
    expect(text.length).toBeGreaterThan(0);
    expect(usage).toBeDefined();
    expect(usage!.completion_tokens_details!.reasoning_tokens).toBeGreaterThan(0);
    expect(usage!.completion_tokens).toBeGreaterThan(usage!.completion_tokens_details!.reasoning_tokens!);

    const rec = await stored(id);
    expect(rec.stream).toBe(true);
    expect(rec.tier).toBe("reasoning");
    expect(rec.stage).toBe("override");
    expect(rec.answer).toBe(text);
    expect(rec.thinkingTokens).toBe(usage!.completion_tokens_details!.reasoning_tokens);
    expect(rec.costTotal).toBeGreaterThan(0);
    // "low" is the simple budget tier: on the seeded Opus 4.7 route, adaptive thinking at effort medium.
    expect(rec.servedModel).toBe("claude-opus-4-7");
    expect(rec.thinkingConfig).toMatchObject({ thinking: { type: "adaptive" }, effort: "medium" });
  });

  it('reasoning_effort "high" thinks more deeply than "low", and "none" forces the standard tier', async () => {
    const high = await client.chat.completions
      .create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Name a prime number." }], reasoning_effort: "high" })
      .withResponse();
    expect(high.response.headers.get("thinkgate-tier")).toBe("reasoning");
    expect((await stored(high.data.id)).thinkingConfig).toMatchObject({ effort: "xhigh" });

    const none = await client.chat.completions
      .create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Review this code for race conditions: x++" }], reasoning_effort: "none" })
      .withResponse();
    expect(none.response.headers.get("thinkgate-tier")).toBe("standard");
    expect(none.data.usage!.completion_tokens_details!.reasoning_tokens).toBe(0);
  });

  it("maps tools and tool_calls both ways", async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Current weather for a city",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      },
    ];
    const first = await client.chat.completions.create({
      model: "claude-sonnet-4-6",
      messages: [{ role: "user", content: "What is the weather in Paris?" }],
      tools,
      tool_choice: "required",
      reasoning_effort: "none",
    });
    const call = first.choices[0]!.message.tool_calls?.[0];
    expect(first.choices[0]!.finish_reason).toBe("tool_calls");
    expect(call?.type).toBe("function");
    if (call?.type !== "function") throw new Error("expected a function call");
    expect(call.function.name).toBe("get_weather");
    expect(() => JSON.parse(call.function.arguments)).not.toThrow();

    const second = await client.chat.completions.create({
      model: "claude-sonnet-4-6",
      messages: [
        { role: "user", content: "What is the weather in Paris?" },
        first.choices[0]!.message,
        { role: "tool", tool_call_id: call.id, content: "18°C, light rain" },
      ],
      tools,
    });
    expect(second.choices[0]!.finish_reason).toBe("stop");
    expect(second.choices[0]!.message.content!.length).toBeGreaterThan(0);
  });

  it("a tool loop on the reasoning tier works although an OpenAI client cannot send thinking blocks back", async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: "function", function: { name: "get_weather", description: "Current weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
    ];
    const question: OpenAI.ChatCompletionMessageParam = { role: "user", content: "Use get_weather for Paris, then plan an outdoor event around it." };
    const first = await client.chat.completions.create({ model: "claude-opus-4-7", messages: [question], tools, reasoning_effort: "high" });
    const call = first.choices[0]!.message.tool_calls?.[0];
    expect(first.choices[0]!.finish_reason).toBe("tool_calls");
    if (call?.type !== "function") throw new Error("expected a function call");
    // The continuation: the API needs the turn's thinking block, which the OpenAI message never carried.
    const second = await client.chat.completions.create({
      model: "claude-opus-4-7",
      messages: [question, first.choices[0]!.message, { role: "tool", tool_call_id: call.id, content: "18°C, light rain" }],
      tools,
      reasoning_effort: "high",
    });
    expect(second.choices[0]!.finish_reason).toBe("stop");
    expect(second.choices[0]!.message.content).toContain("18°C, light rain");

    // The same loop with the first call streamed: the stream's thinking is kept too.
    const streamed = await client.chat.completions.stream({ model: "claude-opus-4-7", messages: [question], tools, reasoning_effort: "high" }).finalChatCompletion();
    const streamedCall = streamed.choices[0]!.message.tool_calls?.[0];
    if (streamedCall?.type !== "function") throw new Error("expected a function call");
    const after = await client.chat.completions.create({
      model: "claude-opus-4-7",
      messages: [question, streamed.choices[0]!.message as OpenAI.ChatCompletionMessageParam, { role: "tool", tool_call_id: streamedCall.id, content: "12°C, sunny" }],
      tools,
      reasoning_effort: "high",
    });
    expect(after.choices[0]!.message.content).toContain("12°C, sunny");
  });

  it("structured outputs: chat.completions.parse() with zodResponseFormat gets a message the schema parses, streamed too", async () => {
    const Invoice = z.object({ customer: z.string(), total: z.number().positive(), currency: z.enum(["USD", "EUR"]), lines: z.array(z.object({ item: z.string(), quantity: z.number().int() })).min(1), paidOn: z.string().nullable() });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Extract the invoice: Acme Corp, 12 widgets, total 54 USD, not paid yet." }];
    const done = await client.chat.completions.parse({ model: "claude-sonnet-4-6", messages, response_format: zodResponseFormat(Invoice, "invoice") });
    expect(done.choices[0]!.finish_reason).toBe("stop");
    expect(Invoice.parse(done.choices[0]!.message.parsed)).toEqual(done.choices[0]!.message.parsed);
    const stream = client.chat.completions.stream({ model: "claude-sonnet-4-6", messages, response_format: zodResponseFormat(Invoice, "invoice") });
    const final = await stream.finalChatCompletion();
    expect(Invoice.parse(final.choices[0]!.message.parsed)).toEqual(final.choices[0]!.message.parsed);
  });

  it("rejects an unsupported field with a 400 in OpenAI's error shape, naming the field", async () => {
    const err = await client.chat.completions
      .create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }], logprobs: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.status).toBe(400);
    expect(e.type).toBe("invalid_request_error");
    expect(e.param).toBe("logprobs");
    expect(e.message).toContain("logprobs");
    // Refused before it became a Messages request, and recorded all the same: every request with a valid key is.
    expect(e.requestID).toBeTruthy();
    expect(await stored(e.requestID!)).toMatchObject({ id: e.requestID, status: "error", httpStatus: 400, via: "openai" });
  });

  it("refuses stream_options without stream as OpenAI does: a 400 naming stream_options, recorded", async () => {
    for (const stream of [undefined, false] as const) {
      const err = await client.chat.completions
        .create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }], ...(stream === undefined ? {} : { stream }), stream_options: { include_usage: true } })
        .catch((e: unknown) => e);
      expect(err, `stream: ${stream}`).toBeInstanceOf(OpenAI.BadRequestError);
      const e = err as InstanceType<typeof OpenAI.BadRequestError>;
      expect(e.type).toBe("invalid_request_error");
      expect(e.param).toBe("stream_options");
      expect((e.error as { message: string }).message).toBe("The 'stream_options' parameter is only allowed when 'stream' is enabled.");
      expect(await stored(e.requestID!)).toMatchObject({ id: e.requestID, status: "error", httpStatus: 400, via: "openai" });
    }
  });

  it("refuses tool call arguments nested deeper than a body may be with a 400 naming them, and records it (their input overflowed the stack upstream: a 500)", async () => {
    const deep = '{"a":'.repeat(100_000) + "1" + "}".repeat(100_000);
    const proto = '{"__proto__":{"polluted":true}}';
    for (const [args, message] of [
      [deep, "messages.1.tool_calls.0.function.arguments: the tool call's arguments nest more than 64 levels deep"],
      [proto, 'messages.1.tool_calls.0.function.arguments: "__proto__" is not allowed as a key'],
    ] as const) {
      const err = await client.chat.completions
        .create({
          model: "claude-sonnet-4-6",
          messages: [
            { role: "user", content: "Look it up." },
            { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: args } }] },
            { role: "tool", tool_call_id: "call_1", content: "found" },
          ],
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      const e = err as InstanceType<typeof OpenAI.BadRequestError>;
      expect(e.error).toEqual({ message, type: "invalid_request_error", param: "messages.1.tool_calls.0.function.arguments", code: null });
      expect(await stored(e.requestID!)).toMatchObject({ status: "error", httpStatus: 400, via: "openai" });
    }
  });

  it("refuses an image whose data URL is cut short or not of its type with a 400 naming the client's own message, not the translated one", async () => {
    const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    for (const [url, message] of [
      [`data:image/png;base64,${PNG.slice(0, -3)}`, "the image's base64 data is not whole"],
      [`data:image/gif;base64,${PNG}`, "the image's data is not a image/gif image"],
      [`data:image/png;base64,data:image/png;base64,${PNG}`, "the image's data is not a image/png image"],
    ] as const) {
      // The system message is not a Messages turn: the image is the Messages API's messages.2, the client's messages.3.
      const err = await client.chat.completions
        .create({
          model: "claude-sonnet-4-6",
          messages: [
            { role: "system", content: "Describe images." },
            { role: "user", content: "Hello." },
            { role: "assistant", content: "Hi." },
            { role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url } }] },
          ],
        })
        .catch((e: unknown) => e);
      expect(err, url.slice(0, 40)).toBeInstanceOf(OpenAI.BadRequestError);
      const e = err as InstanceType<typeof OpenAI.BadRequestError>;
      expect(e.param, url.slice(0, 40)).toBe("messages.3.content.1.image_url.url");
      expect(e.message, url.slice(0, 40)).toContain(message);
      expect(await stored(e.requestID!)).toMatchObject({ status: "error", httpStatus: 400, via: "openai" });
    }
    // A whole image of its type goes through.
    const ok = await client.chat.completions.create({
      model: "claude-sonnet-4-6",
      messages: [{ role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] }],
    });
    expect(ok.choices[0]!.message.content!.length).toBeGreaterThan(0);
  });

  it("a PDF sent as a file part (file_data, a base64 data URL) reaches the model as a document; an OpenAI file id is a 400 naming it", async () => {
    const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").toString("base64");
    const { data, response } = await client.chat.completions
      .create({
        model: "claude-sonnet-4-6",
        messages: [{ role: "user", content: [{ type: "text", text: "Summarize this report." }, { type: "file", file: { file_data: `data:application/pdf;base64,${PDF}`, filename: "report.pdf" } }] }],
        reasoning_effort: "none",
      })
      .withResponse();
    expect(data.choices[0]!.finish_reason).toBe("stop");
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(await stored(data.id)).toMatchObject({ status: "ok", via: "openai", tier: "standard", prompt: expect.stringContaining("Summarize this report.") });
    expect(response.headers.get("thinkgate-tier")).toBe("standard");
    const err = await client.chat.completions
      .create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: [{ type: "text", text: "Summarize." }, { type: "file", file: { file_id: "file-abc123" } }] }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("messages.0.content.1.file.file_id");
  });

  it("a tool call id holding a NUL or a lone surrogate is looked up as the unknown id it is, not a 500 (the database refused it as a pin's key)", async () => {
    for (const id of ["call_\ud800x", "call_\u0000x"]) {
      const { data, response } = await client.chat.completions
        .create({
          model: "claude-sonnet-4-6",
          messages: [
            { role: "user", content: "Look it up." },
            { role: "assistant", content: null, tool_calls: [{ id, type: "function", function: { name: "lookup", arguments: "{}" } }] },
            { role: "tool", tool_call_id: id, content: "found" },
          ],
        })
        .withResponse();
      expect(response.status, JSON.stringify(id)).toBe(200);
      expect(await stored(data.id)).toMatchObject({ status: "ok", httpStatus: 200, via: "openai" });
      // The same continuation on the Messages API.
      const res = await fetch(`${server.baseURL}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": server.adminKey, "anthropic-version": "2023-06-01", "content-type": "application/json" },
        body: JSON.stringify({
          model: "claude-sonnet-4-6",
          max_tokens: 64,
          tools: [{ name: "lookup", input_schema: { type: "object" } }],
          messages: [
            { role: "user", content: "Look it up." },
            { role: "assistant", content: [{ type: "tool_use", id, name: "lookup", input: {} }] },
            { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: "found" }] },
          ],
        }),
      });
      expect(res.status, JSON.stringify(id)).toBe(200);
    }
  });

  it("drops temperature and top_p (most OpenAI-SDK apps send them), says so in a header and on the record; thinkgate-drop-params: false gets the 400", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Say hi to the team." }], temperature: 0.2, top_p: 0.9, frequency_penalty: 0, reasoning_effort: "none" })
      .withResponse();
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(response.headers.get("thinkgate-dropped-params")).toBe("temperature, top_p, frequency_penalty");
    const rec = await stored(data.id);
    expect(rec.adjustments.filter((a) => a.endsWith("(OpenAI-compatible endpoint)"))).toEqual([
      "temperature dropped: removed from the Messages API in version 2026-10-21 (OpenAI-compatible endpoint)",
      "top_p dropped: removed from the Messages API in version 2026-10-21 (OpenAI-compatible endpoint)",
      "frequency_penalty dropped: not a Messages API parameter (OpenAI-compatible endpoint)",
    ]);
    const plain = await client.chat.completions.create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Say hi." }], reasoning_effort: "none" }).withResponse();
    expect(plain.response.headers.get("thinkgate-dropped-params")).toBeNull();

    const strict = new OpenAI({ baseURL: `${server.baseURL}/v1`, apiKey: server.adminKey, maxRetries: 0, defaultHeaders: { "thinkgate-drop-params": "false" } });
    const err = await strict.chat.completions.create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }], temperature: 0.2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.param).toBe("temperature");
    expect(e.message).toMatch(/^400 temperature: Extra inputs are not permitted \(removed from the Messages API in version 2026-10-21/);
  });

  it("lists and retrieves models in OpenAI's shape for OpenAI clients, in the API's shape for Anthropic clients", async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) {
      expect(m).toEqual({ id: expect.any(String), object: "model", created: expect.any(Number), owned_by: "anthropic" });
      ids.push(m.id);
    }
    expect(ids).toContain("claude-opus-4-7");
    // Every model of the upstream's list (20 to a page there), unpaged.
    const all = await fetch(`${server.baseURL}/v1/models?limit=1000`, { headers: { "x-api-key": server.adminKey, "anthropic-version": "2023-06-01" } });
    expect(ids).toEqual(((await all.json()) as { data: { id: string }[] }).data.map((m) => m.id));
    const one = await client.models.retrieve("claude-opus-4-7");
    expect(one).toMatchObject({ id: "claude-opus-4-7", object: "model", owned_by: "anthropic" });
    expect(one.created).toBe(Math.floor(Date.parse("2026-04-16T00:00:00Z") / 1000));
    const missing = await client.models.retrieve("claude-nope").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);

    const anthropic = await fetch(`${server.baseURL}/v1/models?limit=3`, { headers: { "x-api-key": server.adminKey, "anthropic-version": "2023-06-01" } });
    expect(await anthropic.json()).toMatchObject({ data: expect.any(Array), has_more: true, first_id: expect.any(String) });
  });

  it("tells a Bearer client its key is wrong without talking of x-api-key, and errors name their field once", async () => {
    const bad = new OpenAI({ baseURL: `${server.baseURL}/v1`, apiKey: "tg_not_a_key", maxRetries: 0 });
    const err = (await bad.models.list().catch((e: unknown) => e)) as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.message).not.toContain("x-api-key");
    expect(err.message).toMatch(/Authorization header/);

    const res = await fetch(`${server.baseURL}/v1/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.adminKey}`, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 10, messages: [] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("messages: at least one message is required");
  });

  it("answers a bad key with a 401 in OpenAI's error shape", async () => {
    const bad = new OpenAI({ baseURL: `${server.baseURL}/v1`, apiKey: "tg_not_a_key", maxRetries: 0 });
    const err = await bad.chat.completions.create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    const e = err as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(e.status).toBe(401);
    expect(e.code).toBe("invalid_api_key");
    expect(e.error).toMatchObject({ type: "invalid_request_error", param: null });
  });

  it("names thinkgate's request id in x-request-id, where the OpenAI SDK reads it, on every answer: success or error, before the gateway or after", async () => {
    const REQUEST_ID = /^req_[0-9a-z]{9}[0-9a-f]{16}$/;
    // A completion, whole and streamed: the id of its record, which the completion's id names too.
    const whole = await client.chat.completions.create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Say hi." }], reasoning_effort: "none" }).withResponse();
    expect(whole.request_id).toMatch(REQUEST_ID);
    expect(whole.data.id).toBe(`chatcmpl-${whole.request_id}`);
    expect((await stored(whole.data.id)).id).toBe(whole.request_id);
    const streamed = await client.chat.completions.create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Say hi." }], reasoning_effort: "none", stream: true }).withResponse();
    const ids = new Set<string>();
    for await (const chunk of streamed.data) ids.add(chunk.id);
    expect([...ids]).toEqual([`chatcmpl-${streamed.request_id}`]);

    // Errors thinkgate answers before the request reaches the gateway: an unsupported field, a bad key.
    const errors: [string, unknown][] = [
      ["unsupported field", await client.chat.completions.create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }], logprobs: true }).catch((e: unknown) => e)],
      [
        "bad key",
        await new OpenAI({ baseURL: `${server.baseURL}/v1`, apiKey: "tg_not_a_key", maxRetries: 0 }).chat.completions
          .create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }] })
          .catch((e: unknown) => e),
      ],
      ["bad key, models", await new OpenAI({ baseURL: `${server.baseURL}/v1`, apiKey: "tg_not_a_key", maxRetries: 0 }).models.list().catch((e: unknown) => e)],
      ["missing model", await client.models.retrieve("claude-nope").catch((e: unknown) => e)],
    ];
    for (const [what, err] of errors) {
      expect(err, what).toBeInstanceOf(OpenAI.APIError);
      const e = err as InstanceType<typeof OpenAI.APIError>;
      expect(e.requestID ?? "(none)", what).toMatch(REQUEST_ID);
      // The Anthropic header too, as on the other /api/v1 routes.
      expect(e.headers?.get("request-id"), what).toBe(e.requestID);
    }
    // An upstream failure the gateway relays: the id of its record.
    const failed = (await client.chat.completions
      .create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hello again [[sim:fault=500]]" }], reasoning_effort: "none" })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(failed.status).toBe(500);
    expect(failed.requestID).toMatch(REQUEST_ID);
    expect((await stored(failed.requestID!)).id).toBe(failed.requestID);

    // The model endpoints' answers for OpenAI clients.
    expect((await client.models.retrieve("claude-opus-4-7").withResponse()).request_id).toMatch(REQUEST_ID);
    expect((await client.models.list().withResponse()).response.headers.get("x-request-id")).toMatch(REQUEST_ID);
  });

  it("relays an upstream failure as an OpenAI error and records it", async () => {
    const err = await client.chat.completions
      .create({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hello [[sim:fault=529]]" }], reasoning_effort: "none" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    const e = err as InstanceType<typeof OpenAI.APIError>;
    expect(e.status).toBe(529);
    expect(e.type).toBe("server_error");
    expect(e.code).toBe("overloaded");
    const rec = await stored(`chatcmpl-${e.headers?.get("thinkgate-request-id")}`);
    expect(rec).toMatchObject({ status: "error", httpStatus: 529, errorType: "overloaded_error" });
  });
});
