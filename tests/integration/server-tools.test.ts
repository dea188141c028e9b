/**
 * Server tools (web search and fetch) are billed per use, at a fee no shipped
 * price sets: through the official SDK, streamed and not, a request that used
 * one records its uses, and its cost is unpriced (never the tokens alone
 * passed off as the total) until the model's price sets the fee; then the
 * fees are in its cost and in the dashboard's rollup.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { Message } from "@anthropic-ai/sdk/resources/messages";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeCost, pickPrice } from "../../lib/pricing/cost";
import type { PriceRow } from "../../lib/pricing/seed";
import { STANDARD_MODIFIERS, type TokenBuckets } from "../../lib/pricing/usage";
import { eventually, startServer, testDbKind, type TestServer } from "../support/server";

let server: TestServer;
let client: Anthropic;

interface Stored {
  servedModel: string;
  pricingStatus: string;
  costTotal: number | null;
  costServerTools: number | null;
  adjustments: string[];
  hops: unknown[];
  usage: { inputTokens: number; cacheWrite5mTokens: number; cacheWrite1hTokens: number; cacheReadTokens: number; outputTokens: number; thinkingTokens: number; webSearchRequests: number; webFetchRequests: number };
  cost: { serverTools: number | null; total: number | null };
}

const admin = () => ({ "x-api-key": server.adminKey, "content-type": "application/json" });
const SEARCH = { type: "web_search_20250305", name: "web_search" } as const;
const FETCH = { type: "web_fetch_20250910", name: "web_fetch" } as const;
const FEE = 0.01;
const FETCH_FEE = 0.002;

async function stored(id: string): Promise<Stored> {
  return eventually(async () => {
    const res = await fetch(`${server.url}/api/requests/${id}`, { headers: admin() });
    return res.status === 200 ? ((await res.json()) as Stored) : undefined;
  });
}

/** One request that searches, through the SDK: `stream` uses the SDK's MessageStream, whose usage is message_delta's. */
async function ask(stream: boolean, tools: Anthropic.Messages.ToolUnion[] = [SEARCH]): Promise<{ message: Message; record: Stored }> {
  const params = { model: "claude-sonnet-4-6", max_tokens: 600, tools, messages: [{ role: "user" as const, content: "What happened in Lisbon this week? Search the web." }] };
  let message: Message;
  let id: string;
  if (stream) {
    const s = client.messages.stream(params);
    message = await s.finalMessage();
    id = (await s.withResponse()).response.headers.get("thinkgate-request-id")!;
  } else {
    const r = await client.messages.create(params).withResponse();
    message = r.data;
    id = r.response.headers.get("thinkgate-request-id")!;
  }
  return { message, record: await stored(id) };
}

async function prices(): Promise<PriceRow[]> {
  const res = await fetch(`${server.url}/api/prices`, { headers: admin() });
  const { data } = (await res.json()) as { data: (PriceRow & { effectiveFrom: string })[] };
  return data.map((p) => ({ ...p, effectiveFrom: new Date(p.effectiveFrom) }));
}

const bucketsOf = (u: Stored["usage"]): TokenBuckets => ({
  input: u.inputTokens, cacheWrite5m: u.cacheWrite5mTokens, cacheWrite1h: u.cacheWrite1hTokens, cacheRead: u.cacheReadTokens, output: u.outputTokens, thinking: u.thinkingTokens,
});

beforeAll(async () => {
  server = await startServer();
  client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
});

afterAll(async () => {
  await server?.stop();
});

describe(`server tools' fees (${testDbKind()})`, () => {
  const served = new Set<string>();

  for (const stream of [false, true]) {
    it(`records the uses and leaves the cost unpriced while no fee is set (${stream ? "stream" : "JSON"})`, async () => {
      const { message, record } = await ask(stream);
      // The SDK saw the search: its block and its count in usage.
      expect(message.content.some((b) => b.type === "server_tool_use" && b.name === "web_search")).toBe(true);
      expect(message.usage.server_tool_use).toEqual({ web_search_requests: 1, web_fetch_requests: 0 });
      expect(record.hops).toEqual([]);
      expect(record.usage).toMatchObject({ webSearchRequests: 1, webFetchRequests: 0 });
      expect(record.usage.outputTokens).toBeGreaterThan(0);
      expect(record).toMatchObject({ pricingStatus: "unpriced", costTotal: null, costServerTools: null });
      // What its tokens alone cost is said, as a floor, with the reason.
      const price = pickPrice(await prices(), record.servedModel, new Date())!;
      const tokens = computeCost(bucketsOf(record.usage), STANDARD_MODIFIERS, price).total!;
      expect(record.adjustments.join("\n")).toContain(`cost unknown: 1 web search(es) on ${record.servedModel}, and the price table sets no fee for them (webSearchFee, webFetchFee); its tokens alone cost $${tokens.toFixed(6)}`);
      served.add(record.servedModel);
    });
  }

  it("adds the fees to the cost and the dashboard once the model's price sets them", async () => {
    const rows = await prices();
    for (const model of served) {
      const { model: _m, effectiveFrom: _e, ...rates } = pickPrice(rows, model, new Date()) as PriceRow & { id?: string; createdAt?: string };
      const { id: _i, createdAt: _c, ...body } = rates as typeof rates & { id?: string; createdAt?: string };
      const res = await fetch(`${server.url}/api/prices`, {
        method: "POST",
        headers: admin(),
        body: JSON.stringify({ ...body, model, effectiveFrom: new Date(Date.now() - 60_000).toISOString(), webSearchFee: FEE, webFetchFee: FETCH_FEE, source: "test" }),
      });
      expect(res.status, await res.text()).toBe(201);
    }
    const before = await summaryTotals();
    let expected = 0;
    let fees = 0;
    for (const stream of [false, true]) {
      const { record } = await ask(stream, [SEARCH, FETCH]);
      expect(record.usage).toMatchObject({ webSearchRequests: 1, webFetchRequests: 1 });
      const price = pickPrice(await prices(), record.servedModel, new Date())!;
      const tokens = computeCost(bucketsOf(record.usage), STANDARD_MODIFIERS, price).total!;
      expect(record).toMatchObject({ pricingStatus: "priced", costServerTools: FEE + FETCH_FEE });
      expect(record.cost.serverTools).toBeCloseTo(FEE + FETCH_FEE, 9);
      expect(record.costTotal).toBeCloseTo(tokens + FEE + FETCH_FEE, 9);
      expected += record.costTotal!;
      fees += FEE + FETCH_FEE;
    }
    // The rollup carries the fees in their own bucket, and in the total.
    const after = await eventually(async () => {
      const t = await summaryTotals();
      return t.priced === before.priced + 2 ? t : undefined;
    });
    expect(after.costServerTools - before.costServerTools).toBeCloseTo(fees, 9);
    expect(after.costTotal - before.costTotal).toBeCloseTo(expected, 9);
    expect(after.costInput + after.costCache + after.costOutput + after.costThinking + after.costServerTools).toBeCloseTo(after.costTotal, 9);
  });
});

async function summaryTotals(): Promise<{ priced: number; costTotal: number; costServerTools: number; costInput: number; costCache: number; costOutput: number; costThinking: number }> {
  const q = new URLSearchParams({ from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString(), granularity: "hour" });
  const res = await fetch(`${server.url}/api/costs/summary?${q}`, { headers: admin() });
  expect(res.status).toBe(200);
  return ((await res.json()) as { totals: never }).totals;
}
