/**
 * OpenAI's Responses API end to end: a real thinkgate process, the official
 * `openai` npm client's `responses` resource (baseURL = thinkgate), the
 * simulator upstream, and the stored records read back through the API. The
 * same routing, recording and costing as /api/v1/messages must apply.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { generateObject, generateText, stepCountIs, streamText, tool } from "ai";
import OpenAI from "openai";
import { zodTextFormat } from "openai/helpers/zod";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, freshDatabase, startServer, testDbKind, type TestServer } from "../support/server";

let server: TestServer;
let client: OpenAI;

interface StoredRecord {
  id: string;
  status: string;
  stage: string;
  tier: string;
  via: string;
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
  adjustments: string[];
}

/** The response id is resp_<thinkgate request id>: the trace of that request. */
async function stored(responseId: string): Promise<StoredRecord> {
  const id = responseId.replace(/^resp_/, "");
  return eventually(async () => {
    const res = await fetch(`${server.url}/api/requests/${id}`, { headers: { "x-api-key": server.adminKey } });
    return res.status === 200 ? ((await res.json()) as StoredRecord) : undefined;
  });
}

const weather: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Current weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};

beforeAll(async () => {
  server = await startServer();
  client = new OpenAI({ baseURL: `${server.baseURL}/v1`, apiKey: server.adminKey, maxRetries: 0 });
});

afterAll(async () => {
  await server?.stop();
});

describe(`Responses API through the official openai client (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("answers a string input with a message item, usage, and a priced record", async () => {
    const { data, response, request_id } = await client.responses
      .create({ model: "claude-sonnet-4-6", input: "Summarize: the meeting moved from Tuesday to Thursday at 10am.", max_output_tokens: 300 })
      .withResponse();

    expect(response.status).toBe(200);
    expect(data.object).toBe("response");
    expect(data.id).toBe(`resp_${request_id}`);
    expect(data.status).toBe("completed");
    expect(data.model).toBe("claude-sonnet-4-6");
    expect(data.max_output_tokens).toBe(300);
    expect(data.output).toHaveLength(1);
    const item = data.output[0]!;
    if (item.type !== "message") throw new Error(`expected a message item, got ${item.type}`);
    expect(item.id).toMatch(/^msg_/);
    expect(item.role).toBe("assistant");
    expect(item.status).toBe("completed");
    expect(item.content[0]!.type).toBe("output_text");
    // output_text is the SDK's sum of the output_text parts.
    expect(data.output_text.length).toBeGreaterThan(0);
    expect(data.usage!.input_tokens).toBeGreaterThan(0);
    expect(data.usage!.output_tokens).toBeGreaterThan(0);
    expect(data.usage!.total_tokens).toBe(data.usage!.input_tokens + data.usage!.output_tokens);
    expect(data.usage!.output_tokens_details.reasoning_tokens).toBe(0);
    expect(data.usage!.input_tokens_details.cached_tokens).toBe(0);
    expect(response.headers.get("thinkgate-tier")).toBe("standard");

    const rec = await stored(data.id);
    expect(rec.id).toBe(request_id);
    expect(rec.status).toBe("ok");
    expect(rec.via).toBe("openai-responses");
    expect(rec.stream).toBe(false);
    expect(rec.prompt).toContain("the meeting moved");
    expect(rec.answer).toBe(data.output_text);
    expect(rec.outputTokens).toBe(data.usage!.output_tokens);
    expect(rec.pricingStatus).toBe("priced");
    expect(rec.costTotal).toBeGreaterThan(0);
  });

  it("answers an agent without tools that sets parallel_tool_calls: false on every call (as the OpenAI Agents SDK does); it was a 400 about a tool_choice never sent", async () => {
    const data = await client.responses.create({ model: "claude-sonnet-4-6", input: "Name one prime number.", max_output_tokens: 100, parallel_tool_calls: false });
    expect(data.status).toBe("completed");
    expect(data.output_text.length).toBeGreaterThan(0);
    expect((await stored(data.id)).status).toBe("ok");
  });

  it("a PDF sent as an input_file part (file_data, a base64 data URL) reaches the model as a document and is answered", async () => {
    const PDF = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").toString("base64");
    const data = await client.responses.create({
      model: "claude-sonnet-4-6",
      input: [{ role: "user", content: [{ type: "input_text", text: "Summarize this report." }, { type: "input_file", file_data: `data:application/pdf;base64,${PDF}`, filename: "report.pdf" }] }],
      reasoning: { effort: "none" },
      max_output_tokens: 200,
    });
    expect(data.status).toBe("completed");
    expect(data.output_text.length).toBeGreaterThan(0);
    expect(await stored(data.id)).toMatchObject({ status: "ok", tier: "standard", prompt: expect.stringContaining("Summarize this report.") });
  });

  it("maps instructions and system/developer input messages to the system prompt, and input_text parts to the turn", async () => {
    const data = await client.responses.create({
      model: "claude-sonnet-4-6",
      instructions: "You answer in one short paragraph.",
      input: [
        { role: "developer", content: "Never mention competitors." },
        { role: "user", content: [{ type: "input_text", text: "Say hello to the release team." }] },
      ],
      reasoning: { effort: "none" },
      metadata: { app: "tests" },
      store: false,
      truncation: "disabled",
      text: { format: { type: "text" } },
    });
    expect(data.instructions).toBe("You answer in one short paragraph.");
    expect(data.metadata).toEqual({ app: "tests" });
    const rec = await stored(data.id);
    expect(rec.system).toBe("You answer in one short paragraph.\n\nNever mention competitors.");
    expect(rec.prompt).toContain("Say hello to the release team.");
    expect(rec.answer).toBe(data.output_text);
  });

  it("streams named events in sequence whose deltas make the final output_text; response.completed carries usage", async () => {
    const { data: stream, request_id } = await client.responses
      .create({ model: "claude-sonnet-4-6", input: "Describe a good code review in three sentences.", reasoning: { effort: "none" }, stream: true })
      .withResponse();
    const types: string[] = [];
    const seqs: number[] = [];
    let deltas = "";
    let doneText = "";
    let completed: OpenAI.Responses.Response | undefined;
    for await (const ev of stream) {
      types.push(ev.type);
      seqs.push(ev.sequence_number);
      if (ev.type === "response.output_text.delta") deltas += ev.delta;
      if (ev.type === "response.output_text.done") doneText = ev.text;
      if (ev.type === "response.completed") completed = ev.response;
    }
    expect(seqs).toEqual(seqs.map((_, i) => i));
    expect(types.slice(0, 4)).toEqual(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"]);
    expect(types.slice(-4)).toEqual(["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"]);
    expect(types.filter((t) => t === "response.output_text.delta").length).toBeGreaterThan(1);
    expect(deltas.length).toBeGreaterThan(0);
    expect(doneText).toBe(deltas);
    expect(completed).toBeDefined();
    expect(completed!.id).toBe(`resp_${request_id}`);
    expect(completed!.status).toBe("completed");
    const item = completed!.output[0]!;
    if (item.type !== "message") throw new Error("expected a message item");
    expect(item.content[0]).toMatchObject({ type: "output_text", text: deltas });
    expect(completed!.usage!.output_tokens).toBeGreaterThan(0);
    expect(completed!.usage!.total_tokens).toBe(completed!.usage!.input_tokens + completed!.usage!.output_tokens);

    const rec = await stored(completed!.id);
    expect(rec.stream).toBe(true);
    expect(rec.answer).toBe(deltas);
    expect(rec.outputTokens).toBe(completed!.usage!.output_tokens);

    // The SDK's own stream helper assembles the same response.
    const final = await client.responses.stream({ model: "claude-sonnet-4-6", input: "Say hi.", reasoning: { effort: "none" } }).finalResponse();
    expect(final.status).toBe("completed");
    expect(final.output_text.length).toBeGreaterThan(0);
  });

  it("a function tool round trip: function_call item out, function_call_output item back, final answer", async () => {
    const input: OpenAI.Responses.ResponseInput = [{ role: "user", content: "What is the weather in Paris?" }];
    const first = await client.responses.create({ model: "claude-sonnet-4-6", input, tools: [weather], tool_choice: "required", reasoning: { effort: "none" } });
    const call = first.output.find((o) => o.type === "function_call");
    if (call?.type !== "function_call") throw new Error("expected a function_call item");
    expect(call.id).toMatch(/^fc_/);
    expect(call.call_id).toMatch(/^toolu_/);
    expect(call.name).toBe("get_weather");
    expect(call.status).toBe("completed");
    expect(() => JSON.parse(call.arguments)).not.toThrow();
    expect(first.tools).toMatchObject([{ type: "function", name: "get_weather" }]);

    // The client sends the whole output back, as the SDKs' own loops do.
    const second = await client.responses.create({
      model: "claude-sonnet-4-6",
      input: [...input, ...(first.output as OpenAI.Responses.ResponseInputItem[]), { type: "function_call_output", call_id: call.call_id, output: "18°C, light rain" }],
      tools: [weather],
      reasoning: { effort: "none" },
    });
    expect(second.status).toBe("completed");
    expect(second.output.every((o) => o.type === "message")).toBe(true);
    expect(second.output_text.length).toBeGreaterThan(0);
    expect(second.output_text).toContain("18°C, light rain");

    // Streamed, the call's arguments arrive as deltas and end in the same JSON.
    let args = "";
    let doneArgs = "";
    const streamed = await client.responses.create({ model: "claude-sonnet-4-6", input, tools: [weather], tool_choice: { type: "function", name: "get_weather" }, reasoning: { effort: "none" }, stream: true });
    let final: OpenAI.Responses.Response | undefined;
    for await (const ev of streamed) {
      if (ev.type === "response.function_call_arguments.delta") args += ev.delta;
      if (ev.type === "response.function_call_arguments.done") doneArgs = ev.arguments;
      if (ev.type === "response.completed") final = ev.response;
    }
    expect(args).toBe(doneArgs);
    expect(JSON.parse(doneArgs)).toEqual(expect.any(Object));
    const streamedCall = final!.output.find((o) => o.type === "function_call");
    expect(streamedCall).toMatchObject({ type: "function_call", name: "get_weather", arguments: doneArgs });
  });

  it("reasoning.effort forces the reasoning tier; the thinking comes as a reasoning item and reasoning tokens", async () => {
    const { data, response } = await client.responses
      .create({ model: "claude-sonnet-4-6", input: "What is the capital of France?", reasoning: { effort: "low" } })
      .withResponse();
    expect(response.headers.get("thinkgate-tier")).toBe("reasoning");
    expect(response.headers.get("thinkgate-stage")).toBe("override");
    expect(data.output.map((o) => o.type)).toEqual(["reasoning", "message"]);
    expect(data.output[0]!.id).toMatch(/^rs_/);
    expect(data.usage!.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(data.usage!.output_tokens).toBeGreaterThan(data.usage!.output_tokens_details.reasoning_tokens);
    expect(data.output_text.length).toBeGreaterThan(0);

    const rec = await stored(data.id);
    expect(rec.tier).toBe("reasoning");
    expect(rec.stage).toBe("override");
    expect(rec.answer).toBe(data.output_text);
    expect(rec.thinkingTokens).toBe(data.usage!.output_tokens_details.reasoning_tokens);
    // "low" is the simple budget tier, as chat's reasoning_effort: on the seeded Opus 4.7 route, adaptive thinking at effort medium.
    expect(rec.servedModel).toBe("claude-opus-4-7");
    expect(rec.thinkingConfig).toMatchObject({ thinking: { type: "adaptive" }, effort: "medium" });

    // Streamed, the reasoning item streams its summary before the message.
    const types: string[] = [];
    for await (const ev of await client.responses.create({ model: "claude-sonnet-4-6", input: "Name a prime number.", reasoning: { effort: "low" }, stream: true })) types.push(ev.type);
    expect(types).toContain("response.reasoning_summary_text.delta");
    expect(types.indexOf("response.reasoning_summary_text.done")).toBeLessThan(types.indexOf("response.output_text.delta"));
    expect(types.at(-1)).toBe("response.completed");
  });

  it("a tool loop on the reasoning tier works although the client cannot send thinking blocks back", async () => {
    const question: OpenAI.Responses.ResponseInputItem = { role: "user", content: "Use get_weather for Paris, then plan an outdoor event around it." };
    const first = await client.responses.create({ model: "claude-opus-4-7", input: [question], tools: [weather], reasoning: { effort: "high" } });
    const call = first.output.find((o) => o.type === "function_call");
    if (call?.type !== "function_call") throw new Error("expected a function_call item");
    // The continuation: the API needs the turn's thinking block, which the reasoning item echoed back does not carry.
    const second = await client.responses.create({
      model: "claude-opus-4-7",
      input: [question, ...(first.output as OpenAI.Responses.ResponseInputItem[]), { type: "function_call_output", call_id: call.call_id, output: "18°C, light rain" }],
      tools: [weather],
      reasoning: { effort: "high" },
    });
    expect(second.status).toBe("completed");
    expect(second.output_text).toContain("18°C, light rain");

    // The same loop with the first call streamed, and only the call sent back (no reasoning item).
    const streamed = await client.responses.stream({ model: "claude-opus-4-7", input: [question], tools: [weather], reasoning: { effort: "high" } }).finalResponse();
    const streamedCall = streamed.output.find((o) => o.type === "function_call");
    if (streamedCall?.type !== "function_call") throw new Error("expected a function_call item");
    const after = await client.responses.create({
      model: "claude-opus-4-7",
      input: [question, streamedCall, { type: "function_call_output", call_id: streamedCall.call_id, output: "12°C, sunny" }],
      tools: [weather],
      reasoning: { effort: "high" },
    });
    expect(after.output_text).toContain("12°C, sunny");
  });

  it("resolves item_reference input items to the caller's earlier output items, whole or streamed; an unknown id, another key's or a store: false answer's is a 400 naming the item", async () => {
    const question: OpenAI.Responses.ResponseInputItem = { role: "user", content: "What is the weather in Paris?" };
    const first = await client.responses.create({ model: "claude-sonnet-4-6", input: [question], tools: [weather], tool_choice: "required", reasoning: { effort: "none" } });
    // The SDK's Response type lacks `store`; thinkgate echoes whether it kept the items.
    expect((first as unknown as { store: boolean }).store).toBe(true);
    const call = first.output.find((o) => o.type === "function_call");
    if (call?.type !== "function_call") throw new Error("expected a function_call item");
    // Sent at once: the item is found in the answering instance's cache before its batch is written.
    const byReference = (items: OpenAI.Responses.ResponseInputItem[], output: string, key = client) =>
      key.responses.create({ model: "claude-sonnet-4-6", input: [question, ...items, { type: "function_call_output", call_id: call.call_id, output }], tools: [weather], reasoning: { effort: "none" } });
    const second = await byReference([{ type: "item_reference", id: call.id! }], "18°C, light rain");
    expect(second.status).toBe("completed");
    expect(second.output_text).toContain("18°C, light rain");
    // The translated request carried the call itself: the record's tool loop is the first answer's.
    expect((await stored(second.id)).prompt).toBe("What is the weather in Paris?");

    // Every item of a streamed answer is kept before response.completed reaches the client.
    const streamed = await client.responses.stream({ model: "claude-sonnet-4-6", input: [question], tools: [weather], tool_choice: "required", reasoning: { effort: "none" } }).finalResponse();
    const streamedCall = streamed.output.find((o) => o.type === "function_call");
    if (streamedCall?.type !== "function_call") throw new Error("expected a function_call item");
    const refs = streamed.output.map((o) => ({ type: "item_reference" as const, id: o.id! }));
    const after = await client.responses.create({
      model: "claude-sonnet-4-6",
      input: [question, ...refs, { type: "function_call_output", call_id: streamedCall.call_id, output: "12°C, sunny" }],
      tools: [weather],
      reasoning: { effort: "none" },
    });
    expect(after.output_text).toContain("12°C, sunny");

    const refused = async (p: Promise<unknown>, id: string) => {
      const err = await p.catch((e: unknown) => e);
      expect(err, id).toBeInstanceOf(OpenAI.BadRequestError);
      const e = err as InstanceType<typeof OpenAI.BadRequestError>;
      expect(e.status).toBe(400);
      expect(e.type).toBe("invalid_request_error");
      expect(e.param).toBe("input.1");
      expect(e.message).toBe(`400 input.1: item_reference ${id} is not known to thinkgate: send the item itself, or store: false`);
    };
    await refused(byReference([{ type: "item_reference", id: "fc_never_issued_0" }], "18°C"), "fc_never_issued_0");

    // Another gateway key cannot name this key's items, even right after they were answered.
    const created = await fetch(`${server.url}/api/keys`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "content-type": "application/json" },
      body: JSON.stringify({ name: "item references elsewhere", role: "gateway" }),
    });
    expect(created.status).toBe(201);
    const other = new OpenAI({ baseURL: `${server.baseURL}/v1`, apiKey: ((await created.json()) as { secret: string }).secret, maxRetries: 0 });
    await refused(byReference([{ type: "item_reference", id: call.id! }], "18°C", other), call.id!);

    // An answer given with store: false keeps nothing.
    const unstored = await client.responses.create({ model: "claude-sonnet-4-6", input: [question], tools: [weather], tool_choice: "required", reasoning: { effort: "none" }, store: false });
    expect((unstored as unknown as { store: boolean }).store).toBe(false);
    const unstoredCall = unstored.output.find((o) => o.type === "function_call")!;
    await refused(byReference([{ type: "item_reference", id: unstoredCall.id! }], "18°C"), unstoredCall.id!);
  });

  it("an item reference resolves after a restart: kept items are in the database", async () => {
    const database = await freshDatabase(testDbKind());
    const first = await startServer({ databaseUrl: database.url });
    let second: TestServer | undefined;
    try {
      const before = new OpenAI({ baseURL: `${first.baseURL}/v1`, apiKey: first.adminKey, maxRetries: 0 });
      const question: OpenAI.Responses.ResponseInputItem = { role: "user", content: "What is the weather in Oslo?" };
      const answer = await before.responses.create({ model: "claude-sonnet-4-6", input: [question], tools: [weather], tool_choice: "required", reasoning: { effort: "none" } });
      const call = answer.output.find((o) => o.type === "function_call");
      if (call?.type !== "function_call") throw new Error("expected a function_call item");
      await first.stop();
      second = await startServer({ databaseUrl: database.url, env: { THINKGATE_BOOTSTRAP_KEY: first.adminKey } });
      const after = new OpenAI({ baseURL: `${second.baseURL}/v1`, apiKey: first.adminKey, maxRetries: 0 });
      const next = await after.responses.create({
        model: "claude-sonnet-4-6",
        input: [question, { type: "item_reference", id: call.id! }, { type: "function_call_output", call_id: call.call_id, output: "-3°C, snow" }],
        tools: [weather],
        reasoning: { effort: "none" },
      });
      expect(next.output_text).toContain("-3°C, snow");
    } finally {
      await second?.stop();
      await first.stop();
      await database.drop();
    }
  });

  it("structured outputs: responses.parse() with zodTextFormat gets an output the schema parses", async () => {
    const Trip = z.object({ city: z.string(), nights: z.number().int().min(1), budget: z.enum(["low", "mid", "high"]), stops: z.array(z.object({ name: z.string(), day: z.number().int() })).min(1) });
    const res = await client.responses.parse({ model: "claude-sonnet-4-6", input: "Plan 3 nights in Lisbon on a mid budget, with the stops by day.", text: { format: zodTextFormat(Trip, "trip") } });
    expect(res.status).toBe("completed");
    expect(Trip.parse(res.output_parsed)).toEqual(res.output_parsed);
  });

  it("refuses what it cannot honour with a 400 in OpenAI's error shape naming the field", async () => {
    const cases: [string, OpenAI.Responses.ResponseCreateParamsNonStreaming, RegExp][] = [
      ["previous_response_id", { model: "claude-sonnet-4-6", input: "hi", previous_response_id: "resp_abc" }, /does not store responses; send the full input/],
      ["tools.0.type", { model: "claude-sonnet-4-6", input: "hi", tools: [{ type: "web_search" }] }, /only function tools are supported/],
      ["input.0.content.0.type", { model: "claude-sonnet-4-6", input: [{ role: "user", content: [{ type: "input_audio", input_audio: { data: "", format: "wav" } }] as never }] }, /"input_audio" parts are not supported/],
      ["input.0.content.0.file_id", { model: "claude-sonnet-4-6", input: [{ role: "user", content: [{ type: "input_file", file_id: "file_1" }] }] }, /an OpenAI file id names a file thinkgate cannot read/],
      ["text.format.type", { model: "claude-sonnet-4-6", input: "hi", text: { format: { type: "json_object" } } }, /"json_object" has no counterpart in the Messages API/],
      ["background", { model: "claude-sonnet-4-6", input: "hi", background: true }, /stored state/],
      ["input.0", { model: "claude-sonnet-4-6", input: [{ type: "item_reference", id: "msg_1" }] }, /item_reference msg_1 is not known to thinkgate/],
      // An image whose data is not of its type: named by the client's field, not by the translated message's (the instructions took no turn here).
      [
        "input.1.content.0.image_url",
        {
          model: "claude-sonnet-4-6",
          input: [
            { role: "developer", content: "Describe images." },
            { role: "user", content: [{ type: "input_image", image_url: "data:image/png;base64,R0lGODlhAQABAAAAACw=", detail: "auto" }] },
          ],
        },
        /the image's data is not a image\/png image/,
      ],
      // Arguments are JSON in a string: held to the body's nesting limit (their input overflowed the stack upstream, a 500).
      [
        "input.1.arguments",
        {
          model: "claude-sonnet-4-6",
          input: [
            { role: "user", content: "hi" },
            { type: "function_call", call_id: "c1", name: "f", arguments: '{"a":'.repeat(100_000) + "1" + "}".repeat(100_000) },
            { type: "function_call_output", call_id: "c1", output: "done" },
          ],
        },
        /the tool call's arguments nest more than 64 levels deep/,
      ],
    ];
    for (const [param, body, message] of cases) {
      const err = await client.responses.create(body).catch((e: unknown) => e);
      expect(err, param).toBeInstanceOf(OpenAI.BadRequestError);
      const e = err as InstanceType<typeof OpenAI.BadRequestError>;
      expect(e.status, param).toBe(400);
      expect(e.type, param).toBe("invalid_request_error");
      expect(e.param, param).toBe(param);
      expect(e.message, param).toMatch(message);
      expect(e.requestID, param).toMatch(/^req_/);
    }
  });

  it("drops temperature and top_p as chat completions does, and says so", async () => {
    const { data, response } = await client.responses.create({ model: "claude-sonnet-4-6", input: "Say hi.", temperature: 0.2, top_p: 0.9, reasoning: { effort: "none" } }).withResponse();
    expect(data.output_text.length).toBeGreaterThan(0);
    expect(response.headers.get("thinkgate-dropped-params")).toBe("temperature, top_p");
    expect((await stored(data.id)).adjustments).toContain("temperature dropped: removed from the Messages API in version 2026-10-21 (OpenAI-compatible endpoint)");
  });

  it("answers a bad key with a 401 in OpenAI's error shape", async () => {
    const bad = new OpenAI({ baseURL: `${server.baseURL}/v1`, apiKey: "tg_not_a_key", maxRetries: 0 });
    const err = await bad.responses.create({ model: "claude-sonnet-4-6", input: "hi" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    const e = err as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(e.status).toBe(401);
    expect(e.code).toBe("invalid_api_key");
    expect(e.error).toMatchObject({ type: "invalid_request_error", param: null });
  });

  it("relays an upstream failure as an OpenAI error, and a failure mid-stream as an error event the SDK throws", async () => {
    const err = await client.responses.create({ model: "claude-sonnet-4-6", input: "hello [[sim:fault=529]]", reasoning: { effort: "none" } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(529);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe("overloaded");

    // Mid-stream: the deltas already sent arrive, then the SDK throws on the error event.
    const types: string[] = [];
    const stream = await client.responses.create({ model: "claude-sonnet-4-6", input: "hello [[sim:fault=midstream_error]]", reasoning: { effort: "none" }, stream: true });
    const thrown = await (async () => {
      for await (const ev of stream) types.push(ev.type);
    })().catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    expect((thrown as Error).message).toMatch(/overloaded|Overloaded/);
    expect(types).toContain("response.output_text.delta");
    expect(types).not.toContain("response.completed");
  });

  it("an answer cut at max_output_tokens is incomplete, whole or streamed", async () => {
    const whole = await client.responses.create({ model: "claude-sonnet-4-6", input: "Tell a story [[sim:answer=truncated]]", reasoning: { effort: "none" } });
    expect(whole.status).toBe("incomplete");
    expect(whole.incomplete_details).toEqual({ reason: "max_output_tokens" });
    const last: string[] = [];
    for await (const ev of await client.responses.create({ model: "claude-sonnet-4-6", input: "Tell a story [[sim:answer=truncated]]", reasoning: { effort: "none" }, stream: true })) {
      last.push(ev.type);
      if (ev.type === "response.incomplete") expect(ev.response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    }
    expect(last.at(-1)).toBe("response.incomplete");
  });
});

describe("the Vercel AI SDK's OpenAI provider (Responses API by default) through thinkgate", () => {
  const openai = () => createOpenAI({ baseURL: `${server.baseURL}/v1`, apiKey: server.adminKey });
  const recordOf = (headers: Record<string, string> | undefined) => stored(headers?.["x-request-id"] ?? "");

  it("generateObject returns an object the schema parses (a json_schema text format)", async () => {
    const Recipe = z.object({ name: z.string(), servings: z.number().int().min(1), ingredients: z.array(z.object({ item: z.string(), grams: z.number() })).min(2), vegetarian: z.boolean() });
    const { object } = await generateObject({ model: openai()("claude-sonnet-4-6"), schema: Recipe, prompt: "A simple lentil soup recipe for 4." });
    expect(Recipe.parse(object)).toEqual(object);
  });

  it("generateText answers and the call is recorded as a priced request", async () => {
    const result = await generateText({ model: openai()("claude-sonnet-4-6"), system: "Be brief.", prompt: "Give me a one-line tip for naming variables.", maxOutputTokens: 400 });
    expect(result.text.length).toBeGreaterThan(10);
    expect(result.finishReason).toBe("stop");
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    const rec = await recordOf(result.response.headers);
    expect(rec).toMatchObject({ status: "ok", via: "openai-responses", system: "Be brief.", answer: result.text, pricingStatus: "priced" });
  });

  it("streamText streams the answer; the text equals the concatenated deltas", async () => {
    const result = streamText({ model: openai()("claude-sonnet-4-6"), prompt: "Name three uses of a message queue.", maxOutputTokens: 600 });
    let deltas = "";
    for await (const d of result.textStream) deltas += d;
    expect(deltas.length).toBeGreaterThan(20);
    expect(await result.text).toBe(deltas);
    expect(await result.finishReason).toBe("stop");
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });

  /** The AI SDK tool the loops call: it records each call in `calls` and answers `forecast`. */
  const weatherTool = (calls: unknown[], forecast: string) =>
    tool({
      description: "Current weather for a city",
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => (calls.push({ city }), { city, forecast }),
    });

  it("runs a tool loop on the reasoning tier (reasoning effort high)", async () => {
    const calls: unknown[] = [];
    const result = await generateText({
      model: openai()("claude-opus-4-7"),
      // The provider sends earlier items by reference unless told not to store, and takes a model it does not know
      // (claude-*) for one that does not reason unless forced.
      providerOptions: { openai: { store: false, forceReasoning: true, reasoningEffort: "high", reasoningSummary: "auto" } },
      tools: { get_weather: weatherTool(calls, "18°C and light rain") },
      stopWhen: stepCountIs(3),
      prompt: "Use get_weather to check Lisbon before I pack.",
      maxOutputTokens: 4000,
    });
    expect(calls).toEqual([{ city: "Lisbon" }]);
    expect(result.steps.map((s) => s.finishReason)).toEqual(["tool-calls", "stop"]);
    expect(result.text).toContain("18°C and light rain");
    expect(result.steps[0]!.reasoningText?.length ?? 0).toBeGreaterThan(0);
    expect((await recordOf(result.steps[1]!.response.headers)).tier).toBe("reasoning");
  });

  /** What the provider sent for a step, as a string (the request body it logs). */
  const sentBody = (step: { request: { body?: unknown } }) => (typeof step.request.body === "string" ? step.request.body : JSON.stringify(step.request.body));

  it("runs a tool loop with the provider's default settings: later steps name earlier items by item_reference, which thinkgate resolves", async () => {
    const calls: unknown[] = [];
    const result = await generateText({
      model: openai()("claude-sonnet-4-6"),
      tools: { get_weather: weatherTool(calls, "sunny and 24°C") },
      stopWhen: stepCountIs(3),
      prompt: "Use get_weather to check Lisbon before I pack.",
      include: { requestBody: true },
    });
    expect(calls).toEqual([{ city: "Lisbon" }]);
    expect(result.steps.map((s) => s.finishReason)).toEqual(["tool-calls", "stop"]);
    expect(sentBody(result.steps[1]!)).toContain('"item_reference"');
    expect(result.text).toContain("sunny and 24°C");
  });

  it("runs a tool loop on the reasoning tier with the provider's default settings (reasoning items and text by reference)", async () => {
    const calls: unknown[] = [];
    const result = await generateText({
      model: openai()("claude-opus-4-7"),
      providerOptions: { openai: { forceReasoning: true, reasoningEffort: "high", reasoningSummary: "auto" } },
      tools: { get_weather: weatherTool(calls, "18°C and light rain") },
      stopWhen: stepCountIs(3),
      prompt: "Use get_weather to check Lisbon before I pack.",
      maxOutputTokens: 4000,
      include: { requestBody: true },
    });
    expect(calls).toEqual([{ city: "Lisbon" }]);
    expect(result.steps.map((s) => s.finishReason)).toEqual(["tool-calls", "stop"]);
    const second = JSON.parse(sentBody(result.steps[1]!)) as { input: { type?: string; id?: string }[] };
    expect(second.input.filter((i) => i.type === "item_reference").map((i) => i.id?.slice(0, 3))).toContain("rs_");
    expect(result.text).toContain("18°C and light rain");
    expect((await recordOf(result.steps[1]!.response.headers)).tier).toBe("reasoning");
  });
});
