/**
 * The retention sweep of the conversation pins' table, on a real thinkgate
 * process: answers through the official SDKs write pins, held-back thinking
 * and kept output items; the test backdates one conversation's rows in the
 * database directly, as if they had not been written for two days, and the
 * sweep (1 day's retention, every 200 ms) must delete exactly those.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { Tool } from "@anthropic-ai/sdk/resources/messages";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backdate, withDb } from "../support/db";
import { eventually, freshDatabase, startServer, testDbKind, type TestServer } from "../support/server";

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { THINKGATE_PIN_RETENTION_DAYS: "1", THINKGATE_PIN_SWEEP_MS: "200" } });
});

afterAll(async () => {
  await server?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const storedKeys = () => withDb(server, async (q) => new Set((await q('SELECT "key" FROM "ConversationPin"')).map((r) => r.key as string)));

/** The keys stored once the pins' batches are written: waits until some are there and the count holds still past a batch period. */
async function settledKeys(atLeast: number): Promise<Set<string>> {
  let last = -1;
  return eventually(async () => {
    const keys = await storedKeys();
    const settled = keys.size >= atLeast && keys.size === last;
    last = keys.size;
    if (!settled) await sleep(250);
    return settled ? keys : undefined;
  }, 15_000);
}

/** As if the rows had last been written two days ago. */
const backdatePins = (keys: string[]) => backdate(server, "ConversationPin", "lastSeenAt", "key", keys, 2 * 86_400_000);

const weather: Tool = { name: "get_weather", description: "Current weather for a city", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };

/**
 * One conversation that writes every kind of row: a reasoning-tier tool-use
 * answer to a client that sent no thinking (its turn's, tool call's and
 * conversation's pins, and the thinking held back from it) and a Responses API
 * answer with a function call (its output items, kept for item_reference).
 */
async function conversation(city: string): Promise<void> {
  const anthropic = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
  const { data, response } = await anthropic.messages
    .create(
      { model: "claude-sonnet-4-6", max_tokens: 512, tools: [weather], messages: [{ role: "user", content: `Use get_weather for ${city}, then review whether our retry policy handles the 503s it reported.` }] },
      { headers: { "thinkgate-tier": "reasoning" } },
    )
    .withResponse();
  expect(response.headers.get("thinkgate-thinking")).toBe("hidden");
  expect(data.stop_reason).toBe("tool_use");
  const openai = new OpenAI({ baseURL: `${server.baseURL}/v1`, apiKey: server.adminKey, maxRetries: 0 });
  const answer = await openai.responses.create({
    model: "claude-sonnet-4-6",
    input: `What is the weather in ${city}?`,
    tools: [{ type: "function", name: "get_weather", description: "Current weather for a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, strict: false }],
    tool_choice: "required",
    reasoning: { effort: "none" },
  });
  expect(answer.output.some((o) => o.type === "function_call")).toBe(true);
}

describe(`pin retention (${testDbKind()})`, () => {
  it("deletes the rows not written within the retention period and keeps the others", async () => {
    await conversation("Lisbon");
    // Pins of the turn, the tool call and the conversation, the held thinking, and at least the function_call item.
    const old = await settledKeys(5);
    await conversation("Oslo");
    const all = await settledKeys(old.size + 5);
    const fresh = [...all].filter((k) => !old.has(k));
    expect(fresh.length).toBeGreaterThanOrEqual(5);
    console.log(`pin retention: ${old.size} rows backdated, ${fresh.length} fresh`);

    await backdatePins([...old]);
    // The sweep every 200 ms deletes the backdated rows…
    await eventually(async () => {
      const keys = await storedKeys();
      return [...old].every((k) => !keys.has(k)) ? true : undefined;
    }, 10_000);
    // …and, several sweeps later, none of the fresh ones.
    await sleep(1_000);
    const left = await storedKeys();
    expect([...old].filter((k) => left.has(k))).toEqual([]);
    expect(fresh.filter((k) => !left.has(k))).toEqual([]);
    expect(server.output()).not.toMatch(/retention: sweep step failed/);
  });

  it("keeps the pin of a tool loop still in use: a pin read for a later turn is written again, so its age is its last use", async () => {
    const before = await storedKeys();
    const anthropic = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
    const ask = { role: "user" as const, content: "Use get_weather for Porto, then review whether our retry policy handles the 503s it reported." };
    const first = await anthropic.messages.create({ model: "claude-sonnet-4-6", max_tokens: 512, tools: [weather], messages: [ask] }, { headers: { "thinkgate-tier": "reasoning" } });
    expect(first.stop_reason).toBe("tool_use");
    const mine = [...(await settledKeys(before.size + 3))].filter((k) => !before.has(k));
    // The turn's pins (the loop reads them on its next call) and the thinking held back from the client.
    const loopPins = mine.filter((k) => k.startsWith("t:") || k.startsWith("u:"));
    expect(loopPins.length).toBeGreaterThan(0);
    expect(mine.some((k) => k.startsWith("h:"))).toBe(true);

    // Last written two days ago, as far as the database knows; the loop goes on now.
    await backdatePins(mine);
    const call = first.content.find((b) => b.type === "tool_use")!;
    const next = await anthropic.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 512,
      tools: [weather],
      messages: [ask, { role: "assistant", content: first.content }, { role: "user", content: [{ type: "tool_result", tool_use_id: call.id, content: "Porto: 17°C, 503s from the upstream twice an hour" }] }],
    });
    expect(next.type).toBe("message");

    // Several sweeps later: the pins the loop used are stored (written again), the ones nobody read are gone.
    await sleep(1_500);
    const left = await storedKeys();
    expect(loopPins.filter((k) => k.startsWith("u:") || k.startsWith("t:")).some((k) => left.has(k))).toBe(true);
    expect(mine.filter((k) => k.startsWith("h:")).every((k) => !left.has(k))).toBe(true);
  });

  it("serves held thinking from memory no longer than its row is kept: an instance that read the row caches it only for the time the row has left", async () => {
    const database = await freshDatabase(testDbKind());
    const env = { THINKGATE_PIN_RETENTION_DAYS: "1", THINKGATE_PIN_SWEEP_MS: "200" };
    const first = await startServer({ databaseUrl: database.url, env });
    const ask = { role: "user" as const, content: "Use get_weather for Bergen, then review whether our retry policy handles the 503s it reported." };
    let second: TestServer | null = null;
    try {
      const one = new Anthropic({ baseURL: first.baseURL, apiKey: first.adminKey, maxRetries: 0 });
      const { data: opening, response } = await one.messages
        .create({ model: "claude-sonnet-4-6", max_tokens: 512, tools: [weather], messages: [ask] }, { headers: { "thinkgate-tier": "reasoning" } })
        .withResponse();
      expect(opening.stop_reason).toBe("tool_use");
      // Reasoned for a client that asked for no thinking: its thinking is held back (the row this test follows).
      expect(response.headers.get("thinkgate-thinking")).toBe("hidden");
      // Stopped, its pins written; started again on the same database, so that the held thinking is read from its row, not from the cache of the instance that wrote it.
      await first.stop();
      const heldKeys = await withDb(first, async (q) => (await q(`SELECT "key" FROM "ConversationPin"`)).map((r) => r.key as string).filter((k) => k.startsWith("h:")));
      // The server's log says why when the row is missing (a shutdown that did not write its last pins).
      expect(heldKeys, first.output().slice(-4000)).toHaveLength(1);
      // Written a day less 8 seconds ago: the row has 8 seconds left before the sweep may take it.
      await backdate(first, "ConversationPin", "lastSeenAt", "key", heldKeys, 86_400_000 - 8_000);
      second = await startServer({ databaseUrl: database.url, env: { ...env, THINKGATE_BOOTSTRAP_KEY: first.adminKey } });
      const two = new Anthropic({ baseURL: second.baseURL, apiKey: first.adminKey, maxRetries: 0 });
      const call = opening.content.find((b) => b.type === "tool_use")!;
      const loop = {
        model: "claude-sonnet-4-6",
        max_tokens: 512,
        tools: [weather],
        messages: [ask, { role: "assistant" as const, content: opening.content }, { role: "user" as const, content: [{ type: "tool_result" as const, tool_use_id: call.id, content: "Bergen: 9°C, 503s twice an hour" }] }],
      };
      const srv = second;
      const adjustments = async (requestId: string) =>
        eventually(async () => {
          const res = await fetch(`${srv.url}/api/requests/${requestId}`, { headers: { "x-api-key": first.adminKey } });
          return res.status === 200 ? ((await res.json()) as { adjustments: string[] }).adjustments.join("\n") : undefined;
        });
      const served = await two.messages.create(loop).withResponse();
      expect(await adjustments(served.response.headers.get("thinkgate-request-id")!)).toMatch(/put back into 1 earlier assistant message/);
      // The sweep takes the row once it is a day old…
      await eventually(async () => (await withDb(srv, async (q) => (await q(`SELECT "key" FROM "ConversationPin" WHERE "key" = ?`, [heldKeys[0]])).length)) === 0 ? true : undefined, 15_000);
      // …and the instance that read it no longer puts it back from memory.
      const again = await two.messages.create(loop).withResponse().catch((e: unknown) => e as { headers: Headers });
      const requestId = "response" in again ? again.response.headers.get("thinkgate-request-id") : again.headers.get("thinkgate-request-id");
      expect(await adjustments(requestId!)).not.toMatch(/put back/);
    } finally {
      await second?.stop();
      await first.stop();
      await database.drop();
    }
  });
});

