/**
 * The OpenAI Agents SDK for JavaScript (@openai/agents, pinned at 0.14.3: the
 * newest release on openai 6.x, which the repository uses; 0.15 and later need
 * openai 7) run as its users run it, against a real thinkgate process and the
 * simulator upstream: `new Agent({...})` and `run()`, the SDK's default client
 * pointed at thinkgate (setDefaultOpenAIClient(new OpenAI({ baseURL:
 * <server>/v1, apiKey: <gateway key> }))), tracing off (it would export to
 * OpenAI). Every scenario runs on the SDK's default Responses API and again
 * after setOpenAIAPI("chat_completions"), and checks what the SDK returned and
 * what thinkgate recorded for each model call (found by the response's id:
 * resp_<request id>, chatcmpl-<request id>).
 *
 * What the SDK can ask for that thinkgate deliberately refuses, each a 400
 * (or 404) the SDK throws as the OpenAI error it is:
 *  - run(..., { previousResponseId }) and run(..., { conversationId }) on the
 *    Responses API: thinkgate stores no responses or conversations. Pass
 *    result.history (or a Session, which does the same) instead. On Chat
 *    Completions the SDK itself does not send them.
 *  - An Agent without `model`: the SDK's default model (gpt-5.4-mini) is not a
 *    model thinkgate serves, a 404 naming it. Name a Claude model on the agent.
 * On Chat Completions the SDK reads an answer's thinking from a `reasoning`
 * field (thinkgate sends it under that name and as `reasoning_content`), and
 * sends it back on the assistant message of a tool loop as plain text, which
 * thinkgate ignores: the gateway puts the signed thinking blocks back itself.
 */
import OpenAI from "openai";
import { Agent, MemorySession, run, setDefaultOpenAIClient, setOpenAIAPI, setTracingDisabled, tool, type AgentInputItem } from "@openai/agents";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGatewayKey, eventually, startServer, type TestServer } from "../support/server";

let server: TestServer;
/** The bodies the SDK sent, in order (a pass-through fetch: the requests reach thinkgate unchanged). */
const sent: { path: string; body: Record<string, unknown> }[] = [];

interface StoredRecord {
  id: string;
  status: string;
  httpStatus: number;
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
  thinkingConfig: Record<string, unknown> | null;
  adjustments: string[];
}

/** The record of a model call, named by its response's id (resp_<request id> or chatcmpl-<request id>), or by the request id. */
async function stored(id: string | undefined): Promise<StoredRecord> {
  const requestId = String(id).replace(/^(resp_|chatcmpl-)/, "");
  return eventually(async () => {
    const res = await fetch(`${server.url}/api/requests/${requestId}`, { headers: { "x-api-key": server.adminKey } });
    return res.status === 200 ? ((await res.json()) as StoredRecord) : undefined;
  });
}

/** The records of every model call of a run, in order. */
const recordsOf = (result: { rawResponses: { responseId?: string }[] }) => Promise.all(result.rawResponses.map((r) => stored(r.responseId)));

/** The OpenAI error the SDK threw for a call thinkgate refused. */
async function refusal(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(OpenAI.APIError);
  return err as InstanceType<typeof OpenAI.APIError>;
}

beforeAll(async () => {
  server = await startServer();
  const key = await createGatewayKey(server, "agents sdk");
  setTracingDisabled(true);
  setDefaultOpenAIClient(
    new OpenAI({
      baseURL: `${server.baseURL}/v1`,
      apiKey: key,
      maxRetries: 0,
      fetch: async (url, init) => {
        if (typeof init?.body === "string") sent.push({ path: new URL(String(url)).pathname, body: JSON.parse(init.body) as Record<string, unknown> });
        return fetch(url, init);
      },
    }),
  );
});

afterAll(async () => {
  await server?.stop();
});

const MODEL = "claude-sonnet-4-6";

/** The weather tool the runs call; `calls` collects the arguments the SDK parsed with the zod schema. */
function weatherTool(calls: { city: string }[], forecast = "18°C, light rain") {
  return tool({
    name: "get_weather",
    description: "Current weather for a city",
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      calls.push({ city });
      return `${forecast} in ${city}`;
    },
  });
}

for (const api of ["responses", "chat_completions"] as const) {
  const via = api === "responses" ? "openai-responses" : "openai";
  const path = api === "responses" ? "/api/v1/responses" : "/api/v1/chat/completions";

  describe(`the OpenAI Agents SDK on the ${api} API through thinkgate (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
    beforeAll(() => setOpenAIAPI(api));

    it("a plain run: finalOutput is the answer, recorded as one priced call on the standard tier", async () => {
      const agent = new Agent({ name: "Assistant", instructions: "You answer in one short paragraph.", model: MODEL });
      const result = await run(agent, "Summarize: the release moved from Tuesday to Thursday at 10am.");
      expect(typeof result.finalOutput).toBe("string");
      expect(result.finalOutput!.length).toBeGreaterThan(0);
      expect(result.rawResponses).toHaveLength(1);
      const raw = result.rawResponses[0]!;
      expect(raw.usage.outputTokens).toBeGreaterThan(0);
      expect(sent.at(-1)!.path).toBe(path);

      const rec = await stored(raw.responseId);
      expect(rec).toMatchObject({ status: "ok", httpStatus: 200, via, tier: "standard", stream: false, system: "You answer in one short paragraph." });
      expect(rec.prompt).toContain("the release moved");
      expect(rec.answer).toBe(result.finalOutput);
      expect(rec.outputTokens).toBe(raw.usage.outputTokens);
    });

    it("a function tool (zod parameters): the agent calls it and answers with its result", async () => {
      const calls: { city: string }[] = [];
      const agent = new Agent({ name: "Weather", instructions: "Use the tools you are given.", model: MODEL, tools: [weatherTool(calls)] });
      const result = await run(agent, "Use get_weather for Paris before I pack.");
      expect(calls).toEqual([{ city: expect.any(String) }]);
      expect(result.newItems.map((i) => i.type)).toEqual(["message_output_item", "tool_call_item", "tool_call_output_item", "message_output_item"]);
      expect(result.finalOutput).toContain(`18°C, light rain in ${calls[0]!.city}`);

      const [first, second] = await recordsOf(result);
      expect(first).toMatchObject({ status: "ok", via, tier: "standard", prompt: "Use get_weather for Paris before I pack." });
      expect(second).toMatchObject({ status: "ok", via, tier: "standard", answer: result.finalOutput });
      if (api === "chat_completions") {
        // The SDK sends the answer's text back with the rest of its message (role, refusal, tool_calls) on the part,
        // then the calls as a message of their own: taken as the one assistant turn it was.
        const messages = sent.at(-1)!.body.messages as { role: string; content: unknown }[];
        expect(messages[2]).toMatchObject({ role: "assistant", content: [{ type: "text", role: "assistant", refusal: null, tool_calls: [expect.any(Object)] }] });
        expect(messages[3]).toMatchObject({ role: "assistant", content: null, tool_calls: [expect.any(Object)] });
      }
    });

    it("structured output: outputType's zod schema parses the final output", async () => {
      const Trip = z.object({ city: z.string(), nights: z.number().int(), budget: z.enum(["low", "mid", "high"]) });
      const agent = new Agent({ name: "Planner", instructions: "Plan trips.", model: MODEL, outputType: Trip });
      const result = await run(agent, "Plan 3 nights in Lisbon on a mid budget.");
      expect(Trip.parse(result.finalOutput)).toEqual(result.finalOutput);
      // A strict json_schema, as the SDK sends it on each API.
      expect(sent.at(-1)!.body).toMatchObject(api === "responses" ? { text: { format: { type: "json_schema", strict: true } } } : { response_format: { type: "json_schema" } });
      const rec = await stored(result.rawResponses[0]!.responseId);
      expect(rec).toMatchObject({ status: "ok", via });
      expect(JSON.parse(rec.answer!)).toEqual(result.finalOutput);
    });

    it("a handoff: the triage agent transfers to the specialist, which gives the final answer", async () => {
      const billing = new Agent({ name: "billing_agent", handoffDescription: "Handles invoices and charges", instructions: "You resolve billing questions.", model: MODEL });
      const triage = new Agent({ name: "triage_agent", instructions: "Route the user to the right agent.", model: MODEL, handoffs: [billing] });
      const result = await run(triage, "Please transfer to billing agent: I was charged twice for my March invoice.");
      expect(result.lastAgent?.name).toBe("billing_agent");
      expect(result.newItems.map((i) => i.type)).toEqual(["message_output_item", "handoff_call_item", "handoff_output_item", "message_output_item"]);
      expect(result.finalOutput).toContain("transfer_to_billing_agent");
      const [first, second] = await recordsOf(result);
      expect(first).toMatchObject({ status: "ok", via, system: "Route the user to the right agent." });
      expect(second).toMatchObject({ status: "ok", via, system: "You resolve billing questions.", answer: result.finalOutput });
    });

    it("a streamed run: text deltas make the final output, completed resolves, the call is recorded as a stream", async () => {
      const agent = new Agent({ name: "Streamer", instructions: "Be concise.", model: MODEL });
      const result = await run(agent, "Describe a good code review in three sentences.", { stream: true });
      const deltas: string[] = [];
      const types = new Set<string>();
      for await (const ev of result) {
        types.add(ev.type);
        if (ev.type === "raw_model_stream_event" && ev.data.type === "output_text_delta") deltas.push(ev.data.delta);
      }
      await result.completed;
      expect(result.error).toBeNull();
      expect(types).toEqual(new Set(["raw_model_stream_event", "run_item_stream_event"]));
      expect(deltas.length).toBeGreaterThan(1);
      expect(result.finalOutput).toBe(deltas.join(""));
      const rec = await stored(result.rawResponses[0]!.responseId);
      expect(rec).toMatchObject({ status: "ok", via, stream: true, answer: deltas.join("") });
      expect(rec.outputTokens).toBe(result.rawResponses[0]!.usage.outputTokens);
    });

    it("a streamed tool loop: toTextStream carries both turns' text, each call recorded as a stream", async () => {
      const calls: { city: string }[] = [];
      const agent = new Agent({ name: "Weather", model: MODEL, tools: [weatherTool(calls, "sunny, 24°C")] });
      const result = await run(agent, "Use get_weather for Lisbon.", { stream: true });
      let text = "";
      for await (const t of result.toTextStream()) text += t;
      await result.completed;
      expect(calls).toHaveLength(1);
      expect(result.finalOutput).toContain("sunny, 24°C");
      expect(text.endsWith(result.finalOutput!)).toBe(true);
      const records = await recordsOf(result);
      expect(records.map((r) => [r.status, r.stream])).toEqual([
        ["ok", true],
        ["ok", true],
      ]);
    });

    it("modelSettings.reasoning.effort high routes to the reasoning tier at the maximum budget", async () => {
      const agent = new Agent({ name: "Thinker", instructions: "Think it through.", model: MODEL, modelSettings: { reasoning: { effort: "high" } } });
      const result = await run(agent, "What is the capital of France?");
      expect(result.finalOutput!.length).toBeGreaterThan(0);
      expect(sent.at(-1)!.body).toMatchObject(api === "responses" ? { reasoning: { effort: "high" } } : { reasoning_effort: "high" });
      const raw = result.rawResponses[0]!;
      expect(raw.usage.outputTokensDetails[0]?.reasoning_tokens).toBeGreaterThan(0);
      // The thinking comes as a reasoning item before the message: from the Responses API's reasoning item, and from Chat Completions' `reasoning` field.
      expect(result.newItems.map((i) => i.type)).toEqual(["reasoning_item", "message_output_item"]);

      const rec = await stored(raw.responseId);
      expect(rec).toMatchObject({ status: "ok", via, tier: "reasoning", stage: "override", servedModel: "claude-opus-4-7", answer: result.finalOutput });
      expect(rec.thinkingConfig).toMatchObject({ thinking: { type: "adaptive" }, effort: "xhigh" });
      expect(rec.thinkingTokens).toBe(raw.usage.outputTokensDetails[0]?.reasoning_tokens);
    });

    it("a tool loop on the reasoning tier, whole and streamed: the SDK never sends the signed thinking back (at most its text), the gateway does", async () => {
      const calls: { city: string }[] = [];
      const agent = new Agent({ name: "Planner", model: MODEL, tools: [weatherTool(calls)], modelSettings: { reasoning: { effort: "high" } } });
      const whole = await run(agent, "Use get_weather for Paris, then plan a picnic.");
      const streamed = await run(agent, "Use get_weather for Rome, then plan a picnic.", { stream: true });
      await streamed.completed;
      expect(calls).toHaveLength(2);
      for (const result of [whole, streamed]) {
        expect(result.finalOutput).toContain("18°C, light rain");
        const records = await recordsOf(result);
        expect(records.map((r) => [r.status, r.tier])).toEqual([
          ["ok", "reasoning"],
          ["ok", "reasoning"],
        ]);
      }
      // On Chat Completions the SDK sent the first call's thinking text back, as an assistant message of its own before the
      // one with the calls: accepted and passed over (it was a 400: "an assistant message needs content or tool_calls").
      if (api === "chat_completions") {
        const messages = sent.at(-1)!.body.messages as { role: string; content?: unknown; tool_calls?: unknown; reasoning?: string }[];
        expect(messages.some((m) => m.role === "assistant" && !m.content && !m.tool_calls && (m.reasoning?.length ?? 0) > 0)).toBe(true);
      }
    });

    it("a multi-turn run: result.history sent back with the next question, and the same through a Session", async () => {
      const agent = new Agent({ name: "Chat", instructions: "Be brief.", model: MODEL });
      const first = await run(agent, "My name is Ada. Give me a tip for naming variables.");
      const input: AgentInputItem[] = [...first.history, { role: "user", content: "Now a tip for naming functions." }];
      const second = await run(agent, input);
      expect(second.finalOutput!.length).toBeGreaterThan(0);
      expect(second.history.map((i) => (i.type === "message" || !i.type ? i.role : i.type))).toEqual(["user", "assistant", "user", "assistant"]);
      const rec = await stored(second.rawResponses[0]!.responseId);
      expect(rec).toMatchObject({ status: "ok", via, prompt: "Now a tip for naming functions.", answer: second.finalOutput });
      if (api === "chat_completions") {
        // The first answer went back with its message's other fields on its text part.
        expect((sent.at(-1)!.body.messages as unknown[])[2]).toMatchObject({ role: "assistant", content: [{ type: "text", text: first.finalOutput, role: "assistant" }] });
      }

      // A Session keeps the items between runs and sends them back itself, tool calls included.
      const session = new MemorySession();
      const calls: { city: string }[] = [];
      const withTools = new Agent({ name: "Weather", model: MODEL, tools: [weatherTool(calls)] });
      await run(withTools, "Use get_weather for Oslo.", { session });
      const next = await run(withTools, "And a packing tip for that weather?", { session });
      expect(calls).toHaveLength(1);
      expect(next.finalOutput!.length).toBeGreaterThan(0);
      expect(await stored(next.rawResponses[0]!.responseId)).toMatchObject({ status: "ok", via, prompt: "And a packing tip for that weather?" });
    });

    it("the model settings an agent sets are taken: sampling and verbosity dropped and said on the record, the rest applied or accepted", async () => {
      const calls: { city: string }[] = [];
      const agent = new Agent({
        name: "Tuned",
        model: MODEL,
        tools: [weatherTool(calls)],
        modelSettings: { temperature: 0.3, topP: 0.9, maxTokens: 600, parallelToolCalls: false, toolChoice: "required", text: { verbosity: "low" }, promptCacheRetention: "24h" },
        toolUseBehavior: "stop_on_first_tool",
      });
      const result = await run(agent, "What is the weather in Paris?");
      expect(calls).toHaveLength(1);
      expect(result.finalOutput).toBe(`18°C, light rain in ${calls[0]!.city}`);
      expect(sent.at(-1)!.body).toMatchObject(
        api === "responses" ? { text: { verbosity: "low" }, prompt_cache_retention: "24h", max_output_tokens: 600 } : { verbosity: "low", prompt_cache_retention: "24h", max_tokens: 600 },
      );
      const rec = await stored(result.rawResponses[0]!.responseId);
      expect(rec.status).toBe("ok");
      const verbosity = api === "responses" ? "text.verbosity" : "verbosity";
      expect(rec.adjustments).toEqual(
        expect.arrayContaining([
          "temperature dropped: removed from the Messages API in version 2026-10-21 (OpenAI-compatible endpoint)",
          "top_p dropped: removed from the Messages API in version 2026-10-21 (OpenAI-compatible endpoint)",
          `${verbosity} dropped: not a Messages API parameter (OpenAI-compatible endpoint)`,
        ]),
      );
    });

    it("an agent without a model gets the SDK's default model, which thinkgate does not serve: a 404 naming it", async () => {
      const err = await refusal(run(new Agent({ name: "Default" }), "Say hi."));
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect(err.message).toMatch(/gpt-5\.4-mini/);
      expect(sent.at(-1)!.body.model).toBe("gpt-5.4-mini");
    });

    if (api === "responses") {
      it("previousResponseId and conversationId need stored state thinkgate does not keep: a 400 naming the field, recorded", async () => {
        const agent = new Agent({ name: "Chat", model: MODEL });
        const first = await run(agent, "Hello.");
        const cases = [
          ["previous_response_id", () => run(agent, "Again.", { previousResponseId: first.lastResponseId }), /^400 previous_response_id: thinkgate does not store responses; send the full input/],
          ["conversation", () => run(agent, "Again.", { conversationId: "conv_123" }), /^400 conversation: thinkgate does not store conversations; send the full input instead/],
        ] as const;
        for (const [param, call, message] of cases) {
          const err = await refusal(call());
          expect(err, param).toBeInstanceOf(OpenAI.BadRequestError);
          expect(err.param, param).toBe(param);
          expect(err.type, param).toBe("invalid_request_error");
          expect(err.message, param).toMatch(message);
          expect(await stored(err.requestID!)).toMatchObject({ status: "error", httpStatus: 400, via });
        }
      });
    }
  });
}
