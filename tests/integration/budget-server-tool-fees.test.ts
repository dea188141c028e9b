/**
 * A request that declares a server tool reserves, under a daily budget, the
 * tool's fee for every use it may make (its max_uses, or ten without one)
 * where the model's price sets the fee, not only its tokens' estimate.
 * Through the official SDK, the simulator (which searches once).
 */
import Anthropic from "@anthropic-ai/sdk";
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRICE_SEED } from "../../lib/pricing/seed";
import { adminApi } from "../support/budgets";
import { startServer, testDbKind, type TestServer } from "../support/server";

const MODEL = "claude-haiku-4-5";
const FEE = 0.02;

let server: TestServer;

const api = (method: string, p: string, body?: unknown) => adminApi(server, method, p, body);

const ask = (key: string, tools: Anthropic.Messages.ToolUnion[]) =>
  new Anthropic({ baseURL: server.baseURL, apiKey: key, maxRetries: 0 }).messages
    .create(
      { model: MODEL, max_tokens: 64, tools, messages: [{ role: "user", content: `What happened in Lisbon this week? Search the web. ${crypto.randomBytes(4).toString("hex")}` }] },
      { headers: { "thinkgate-tier": "standard" } },
    )
    .withResponse();

beforeAll(async () => {
  server = await startServer();
  const { model: _m, effectiveFrom: _e, ...rates } = PRICE_SEED.find((p) => p.model === MODEL)!;
  const res = await api("POST", "/api/prices", { ...rates, model: MODEL, effectiveFrom: new Date(Date.now() - 60_000).toISOString(), webSearchFee: FEE, webFetchFee: null, source: "test" });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
});

afterAll(async () => {
  await server?.stop();
});

describe(`a server tool's fee under a daily budget (${testDbKind()}, simulator)`, () => {
  it("is reserved for the tool's max_uses, and for ten uses when it sets none", async () => {
    const created = await api("POST", "/api/keys", { name: "searcher", role: "gateway", limits: { usdPerDay: 0.1 } });
    expect(created.status).toBe(201);
    const key = created.body.secret as string;

    // max_uses 2: the two fees ($0.04) are reserved on top of the tokens' estimate (well under a cent here).
    const first = await ask(key, [{ type: "web_search_20250305", name: "web_search", max_uses: 2 }]);
    expect(first.data.model).toBe(MODEL);
    expect(first.data.usage.server_tool_use).toEqual({ web_search_requests: 1, web_fetch_requests: 0 });
    const reserved = 0.1 - Number(first.response.headers.get("thinkgate-budget-remaining-usd"));
    expect(reserved).toBeGreaterThan(2 * FEE);
    expect(reserved).toBeLessThan(2 * FEE + 0.005);

    // Settled at one search ($0.02 and its tokens); no max_uses reserves ten searches ($0.20): past the budget.
    const err = await ask(key, [{ type: "web_search_20250305", name: "web_search" }]).then(
      () => null,
      (e: unknown) => e as InstanceType<typeof Anthropic.APIError>,
    );
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err!.status).toBe(429);
    expect(err!.headers?.get("thinkgate-limit")).toBe("rejected; scope=key; limit=usd_per_day");

    // Without the tool the same key is served: what refused it was the fees.
    const plain = await ask(key, []);
    expect(plain.response.headers.get("thinkgate-limit")).toBe("ok");
  });
});
