/**
 * Popular client libraries through thinkgate, unchanged, next to the official
 * SDKs (gateway.test.ts, openai-compat.test.ts): the Vercel AI SDK
 * (`ai` + `@ai-sdk/anthropic`) and LangChain JS (`@langchain/anthropic`, and
 * `@langchain/openai` on the OpenAI-compatible endpoint), each pointed at a
 * thinkgate process whose upstream is the simulator. The
 * simulator enforces the API's rules on tool loops and thinking blocks, so a
 * tool loop that passes here sends back what the real API requires.
 */
import { createAnthropic } from "@ai-sdk/anthropic";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { ChatAnthropic } from "@langchain/anthropic";
import { ChatOpenAI } from "@langchain/openai";
import { generateObject, generateText, stepCountIs, streamText, tool } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { eventually, startServer, type TestServer } from "../support/server";

let server: TestServer;

interface StoredRecord {
  status: string;
  servedModel: string;
  thinkingConfig: unknown;
  prompt: string | null;
  stopReason: string | null;
}

const stored = (id: string) =>
  eventually(async () => {
    const res = await fetch(`${server.url}/api/requests/${id}`, { headers: { "x-api-key": server.adminKey } });
    return res.status === 200 ? ((await res.json()) as StoredRecord) : undefined;
  });

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

/** A weather tool whose answer the model must build on. */
const weather = tool({
  description: "Current weather for a city",
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, forecast: "18°C and light rain" }),
});

describe("the Vercel AI SDK (ai + @ai-sdk/anthropic) through thinkgate", () => {
  // What a team changes: the provider's baseURL (its default ends in /v1) and the key.
  const anthropic = () => createAnthropic({ baseURL: `${server.baseURL}/v1`, apiKey: server.adminKey });
  // Records are found by thinkgate's request id, which the SDK exposes as a response header.
  const requestIdOf = (headers: Record<string, string> | undefined) => headers?.["thinkgate-request-id"];

  it("generateObject returns an object the schema parses", async () => {
    const Recipe = z.object({ name: z.string(), servings: z.number().int().min(1), ingredients: z.array(z.object({ item: z.string(), grams: z.number() })).min(2), vegetarian: z.boolean() });
    const { object, response: r2 } = await generateObject({ model: anthropic()("claude-sonnet-4-6"), schema: Recipe, prompt: "A simple lentil soup recipe for 4.", maxOutputTokens: 2000 });
    expect(Recipe.parse(object)).toEqual(object);
  });

  it("generateText answers (a non-streamed answer parses) and the call is recorded", async () => {
    const result = await generateText({ model: anthropic()("claude-sonnet-4-6"), prompt: "Give me a one-line tip for naming variables.", maxOutputTokens: 400 });
    expect(result.text.length).toBeGreaterThan(10);
    expect(result.finishReason).toBe("stop");
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    const rec = await stored(requestIdOf(result.response.headers)!);
    expect(rec).toMatchObject({ status: "ok", prompt: "Give me a one-line tip for naming variables." });
  });

  it("streamText streams the answer; the text equals the concatenated deltas", async () => {
    const result = streamText({ model: anthropic()("claude-sonnet-4-6"), prompt: "Name three uses of a message queue.", maxOutputTokens: 600 });
    let deltas = "";
    for await (const d of result.textStream) deltas += d;
    expect(deltas.length).toBeGreaterThan(20);
    expect(await result.text).toBe(deltas);
    expect(await result.finishReason).toBe("stop");
  });

  it("runs a tool loop: the tool is called with the city from the prompt, and the answer builds on its result", async () => {
    const calls: unknown[] = [];
    const result = await generateText({
      model: anthropic()("claude-sonnet-4-6"),
      tools: {
        get_weather: tool({
          description: "Current weather for a city",
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => (calls.push({ city }), { city, forecast: "18°C and light rain" }),
        }),
      },
      stopWhen: stepCountIs(3),
      prompt: "Use get_weather to check Lisbon before I pack.",
      maxOutputTokens: 1000,
    });
    expect(calls).toEqual([{ city: "Lisbon" }]);
    expect(result.steps.map((s) => s.finishReason)).toEqual(["tool-calls", "stop"]);
    expect(result.text).toMatch(/get_weather result/);
    expect(result.text).toContain("18°C and light rain");
  });

  it("the provider's web search and web fetch tools: their results parse (as the API sends them) and the call is recorded with its server-tool uses", async () => {
    const a = anthropic();
    const result = await generateText({
      model: a("claude-sonnet-4-6"),
      tools: { web_search: a.tools.webSearch_20250305({ maxUses: 1 }), web_fetch: a.tools.webFetch_20250910({ maxUses: 1 }) },
      prompt: "Look up the latest release notes of the project at https://example.com/simulated and summarise them.",
      maxOutputTokens: 600,
    });
    expect(result.finishReason).toBe("stop");
    expect(result.toolResults.map((r) => r.toolName).sort()).toEqual(["web_fetch", "web_search"]);
    expect(result.text.length).toBeGreaterThan(0);
    const rec = await stored(requestIdOf(result.response.headers)!);
    expect(rec).toMatchObject({ status: "ok" });
    // Streamed, the same results parse from their blocks' start events.
    const streamed = streamText({
      model: a("claude-sonnet-4-6"),
      tools: { web_search: a.tools.webSearch_20250305({ maxUses: 1 }), web_fetch: a.tools.webFetch_20250910({ maxUses: 1 }) },
      prompt: "Look up the latest release notes of the project at https://example.com/simulated and summarise them.",
      maxOutputTokens: 600,
    });
    expect(await streamed.finishReason).toBe("stop");
    expect((await streamed.toolResults).map((r) => r.toolName).sort()).toEqual(["web_fetch", "web_search"]);
  });

  it("reasoning: thinking comes back as reasoning, and a tool loop with thinking on is accepted (its thinking blocks go back intact)", async () => {
    const result = await generateText({
      model: anthropic()("claude-opus-4-7"),
      headers: { "thinkgate-tier": "reasoning" },
      providerOptions: { anthropic: { thinking: { type: "adaptive", display: "summarized" } } },
      tools: { get_weather: weather },
      stopWhen: stepCountIs(3),
      prompt: "Use get_weather for Oslo, then reason about whether an outdoor launch event on Friday is a good idea.",
      maxOutputTokens: 16_000,
    });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]!.reasoningText?.length ?? 0).toBeGreaterThan(20);
    expect(result.steps[1]!.finishReason).toBe("stop");
    // The second step carried the first step's signed thinking block back; the simulator would 400 a missing or edited one.
    const second = await stored(requestIdOf(result.steps[1]!.response.headers)!);
    const first = await stored(requestIdOf(result.steps[0]!.response.headers)!);
    expect(second).toMatchObject({ status: "ok", servedModel: first.servedModel, thinkingConfig: first.thinkingConfig });
  });
});

describe("LangChain JS (@langchain/anthropic) through thinkgate", () => {
  const chat = (opts: ConstructorParameters<typeof ChatAnthropic>[0] = {}) =>
    new ChatAnthropic({ model: "claude-sonnet-4-6", apiKey: server.adminKey, anthropicApiUrl: server.baseURL, maxTokens: 800, maxRetries: 0, ...opts });

  it("invoke answers and stream streams", async () => {
    const answer = await chat().invoke("What is a good default page size for a paginated API?");
    expect(typeof answer.content === "string" ? answer.content : JSON.stringify(answer.content)).toMatch(/\w{3,}/);
    let streamed = "";
    for await (const chunk of await chat().stream("List two benefits of code review.")) streamed += typeof chunk.content === "string" ? chunk.content : "";
    expect(streamed.length).toBeGreaterThan(20);
  });

  it("calls a bound tool and answers from the ToolMessage, with thinking on (its thinking blocks go back intact)", async () => {
    const model = chat({ model: "claude-opus-4-7", maxTokens: 16_000, thinking: { type: "adaptive", display: "summarized" } as never, clientOptions: { defaultHeaders: { "thinkgate-tier": "reasoning" } } }).bindTools([
      { name: "get_weather", description: "Current weather for a city", schema: z.object({ city: z.string() }) },
    ]);
    const question = new HumanMessage("Use get_weather for Madrid and tell me if I need an umbrella.");
    const first = (await model.invoke([question])) as AIMessage;
    expect(first.tool_calls?.[0]).toMatchObject({ name: "get_weather", args: { city: "Madrid" } });
    const blocks = first.content as { type: string }[];
    expect(blocks[0]!.type).toBe("thinking");
    const second = await model.invoke([question, first, new ToolMessage({ tool_call_id: first.tool_calls![0]!.id!, content: "22°C, clear skies" })]);
    const text = typeof second.content === "string" ? second.content : (second.content as { type: string; text?: string }[]).filter((b) => b.type === "text").map((b) => b.text).join("");
    expect(text).toContain("22°C, clear skies");
  });
});

describe("a route whose model thinks always and binds its thinking to the conversation (Opus 5.5)", () => {
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, { method, headers: { "x-api-key": server.adminKey, "content-type": "application/json" }, ...(body ? { body: JSON.stringify(body) } : {}) });
  // Requests of this task go to Opus 5.5, which cannot turn thinking off and refuses a forced tool_choice with thinking.
  const task = { "thinkgate-task": "extract" };
  const Steps = z.object({ steps: z.array(z.string()).min(1) });

  beforeAll(async () => {
    expect((await admin("PUT", "/api/routes/always-thinks", { name: "Always thinks", tier: "reasoning", model: "claude-opus-5-5", thinking: "on", budgetTokens: 8192 })).ok).toBe(true);
    const { rules } = (await (await admin("GET", "/api/rules")).json()) as { rules: unknown[] };
    const extraction = { id: "extraction", name: "extraction", when: { tasks: ["extract"] }, then: { routeId: "always-thinks" } };
    expect((await admin("POST", "/api/rules", { rules: [extraction, ...rules], note: "extraction thinks" })).ok).toBe(true);
  });

  it("LangChain's withStructuredOutput stays on the requested model, which can honour it, and the object comes (there the call could only be auto)", async () => {
    const prompt = "List the steps to prove that the square root of 2 is irrational.";
    const route = await fetch(`${server.baseURL}/v1/route`, { method: "POST", headers: { "x-api-key": server.adminKey, "content-type": "application/json", ...task }, body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 2000, messages: [{ role: "user", content: prompt }] }) });
    expect(((await route.json()) as { route: { id: string } }).route.id).toBe("always-thinks");
    const { raw, parsed } = await new ChatAnthropic({ model: "claude-sonnet-4-6", apiKey: server.adminKey, anthropicApiUrl: server.baseURL, maxTokens: 2000, maxRetries: 0, clientOptions: { defaultHeaders: task } })
      .withStructuredOutput(Steps, { includeRaw: true })
      .invoke(prompt);
    expect(Steps.parse(parsed)).toEqual(parsed);
    expect((raw as AIMessage).response_metadata.model).toBe("claude-sonnet-4-6");
  });

  it("a conversation answered there (its thinking bound to Opus 5.5) takes a forced tool call on a later turn: the AI SDK's toolChoice", async () => {
    const model = createAnthropic({ baseURL: `${server.baseURL}/v1`, apiKey: server.adminKey })("claude-sonnet-4-6");
    // The same tools on every turn, as an agent has them; the later turn forces one.
    const tools = { record_steps: tool({ description: "Record the steps of a proof", inputSchema: Steps }) };
    const question = { role: "user" as const, content: "Explain how to prove that the square root of 2 is irrational." };
    const first = await generateText({ model, headers: task, tools, messages: [question], maxOutputTokens: 2000 });
    expect(first.response.modelId).toBe("claude-opus-5-5");
    // The answer goes back as the SDK keeps it; thinkgate puts its held thinking back, which binds the conversation to Opus 5.5.
    const next = await generateText({
      model,
      headers: task,
      tools,
      toolChoice: { type: "tool", toolName: "record_steps" },
      messages: [question, ...first.response.messages, { role: "user", content: "Now record the steps." }],
      maxOutputTokens: 2000,
    });
    expect(next.toolCalls.map((c) => c.toolName)).toEqual(["record_steps"]);
    expect(Steps.parse(next.toolCalls[0]!.input)).toEqual(next.toolCalls[0]!.input);
  });

  it("a conversation whose system prompt changes every turn (it carries the time) goes on: the thinking thinkgate held back, bound to the old prompt, is dropped, not the API's 400", async () => {
    const model = createAnthropic({ baseURL: `${server.baseURL}/v1`, apiKey: server.adminKey })("claude-sonnet-4-6");
    const question = { role: "user" as const, content: "Explain how to prove that the square root of 3 is irrational." };
    const first = await generateText({ model, headers: task, system: "The time is 10:00.", messages: [question], maxOutputTokens: 2000 });
    expect(first.response.modelId).toBe("claude-opus-5-5");
    // The SDK sends back the answer it got (no thinking in it); thinkgate puts the held block back, bound to the 10:00 prompt.
    const next = await generateText({ model, headers: task, system: "The time is 10:05.", messages: [question, ...first.response.messages, { role: "user", content: "And the cube root of 2?" }], maxOutputTokens: 2000 });
    expect(next.response.modelId).toBe("claude-opus-5-5");
    expect(next.text.length).toBeGreaterThan(0);
  });
});

describe("LangChain JS (@langchain/openai) through thinkgate's OpenAI-compatible endpoint", () => {
  const chat = () => new ChatOpenAI({ model: "claude-sonnet-4-6", apiKey: server.adminKey, configuration: { baseURL: `${server.baseURL}/v1` }, maxRetries: 0 });

  it("invoke answers with usage, and stream streams", async () => {
    const answer = await chat().invoke("What is a good default page size for a paginated API?");
    expect(String(answer.content)).toMatch(/\w{3,}/);
    expect(answer.usage_metadata?.output_tokens).toBeGreaterThan(0);
    let streamed = "";
    for await (const chunk of await chat().stream("List two benefits of code review.")) streamed += String(chunk.content);
    expect(streamed.length).toBeGreaterThan(20);
  });

  it("calls a bound tool and answers from the ToolMessage", async () => {
    const model = chat().bindTools([{ name: "get_weather", description: "Current weather for a city", schema: z.object({ city: z.string() }) }]);
    const question = new HumanMessage("Use get_weather for Madrid and tell me if I need an umbrella.");
    const first = (await model.invoke([question])) as AIMessage;
    expect(first.tool_calls?.[0]).toMatchObject({ name: "get_weather", args: { city: "Madrid" } });
    const second = await model.invoke([question, first, new ToolMessage({ tool_call_id: first.tool_calls![0]!.id!, content: "22°C, clear skies" })]);
    expect(String(second.content)).toContain("22°C, clear skies");
  });

  it("withStructuredOutput returns an object the schema parses", async () => {
    const Contact = z.object({ name: z.string(), email: z.string(), company: z.string().nullable() });
    const contact = await chat().withStructuredOutput(Contact, { name: "contact" }).invoke("Extract the contact: Ada Lovelace <ada@example.com> of Analytical Engines Ltd.");
    expect(Contact.parse(contact)).toEqual(contact);
  });
});
