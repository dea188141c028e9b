/**
 * The dashboard's savings for requests the LLM classifier routed. A record's
 * tokens sum every upstream call, the classifier's included; "saved vs always
 * reasoning" must price only the answer's tokens at the reasoning model's
 * rates and count the classifier's call at what it cost (paid whichever route
 * answered), as the stored per-request counterfactual does.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeCost, pickPrice } from "../../lib/pricing/cost";
import { DEFAULT_THINKING_TOKENS, type ThinkingTier } from "../../lib/pricing/counterfactual";
import type { PriceRow } from "../../lib/pricing/seed";
import { STANDARD_MODIFIERS, type TokenBuckets } from "../../lib/pricing/usage";
import { eventually, startServer, testDbKind, type TestServer } from "../support/server";

let server: TestServer;
let client: Anthropic;

interface Hop {
  kind: string;
  model: string;
  costUsd: number | null;
  tokens: TokenBuckets | null;
}

interface Stored {
  id: string;
  tier: string;
  status: string;
  stage: string;
  costTotal: number;
  hops: Hop[];
  cost: { counterfactualReasoning: number | null };
}

const admin = () => ({ "x-api-key": server.adminKey, "content-type": "application/json" });

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`, { headers: admin() });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

beforeAll(async () => {
  server = await startServer();
  client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
  // Every score is ambiguous around 0.5 with a margin of 0.5, so the LLM stage runs on every prompt;
  // no escalation, so a standard answer is the one served.
  const put = await fetch(`${server.url}/api/settings`, {
    method: "PUT",
    headers: admin(),
    body: JSON.stringify({
      classifierThreshold: 0.5,
      classifier: { enabled: true, ambiguousMargin: 0.5 },
      llmClassifier: { enabled: true, model: "claude-haiku-4-5", timeoutMs: 5000 },
      escalation: { enabled: false },
    }),
  });
  expect(put.status).toBe(200);
});

afterAll(async () => {
  await server?.stop();
});

describe(`savings of requests the LLM classifier routed (${testDbKind()})`, () => {
  it("prices the answer's tokens at the reasoning rate and the classifier's call at its own cost", async () => {
    const prompts = [
      "Translate to French: good morning, see you tomorrow.",
      "Suggest a name for a small bakery.",
      "What is the capital of Portugal?",
      "Write a haiku about autumn leaves.",
    ];
    const ids: string[] = [];
    for (const content of prompts) {
      const { response } = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 300, messages: [{ role: "user", content }] }).withResponse();
      ids.push(response.headers.get("thinkgate-request-id")!);
    }
    const records = await Promise.all(ids.map((id) => eventually(async () => {
      const res = await fetch(`${server.url}/api/requests/${id}`, { headers: admin() });
      return res.status === 200 ? ((await res.json()) as Stored) : undefined;
    })));
    const standard = records.filter((r) => r.tier === "standard" && r.status === "ok");
    expect(standard.length, "the simulator's classifier answered standard for some of these prompts").toBeGreaterThan(0);
    for (const r of records) expect(r.hops.map((h) => h.kind)).toEqual(["classifier", "answer"]);

    const summary = await get<{ savings: { savings: number; counterfactual: number; actual: number; compared: number; byBasis: Record<string, number>; reasoningModel: string; thinkingTier: ThinkingTier } }>(
      `/api/costs/summary?${new URLSearchParams({ from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString(), granularity: "hour" })}`,
    );
    const s = summary.savings;
    expect(s.compared).toBe(standard.length);
    // Fewer than 20 reasoning requests measured: the literature's typical thinking for the route's tier, with each answer's own output.
    expect(s.byBasis.literature).toBe(standard.length);

    const { data: prices } = await get<{ data: (Omit<PriceRow, "effectiveFrom"> & { effectiveFrom: string })[] }>("/api/prices");
    const price = pickPrice(prices.map((p) => ({ ...p, effectiveFrom: new Date(p.effectiveFrom) })), s.reasoningModel, new Date())!;
    expect(price).not.toBeNull();
    let counterfactual = 0;
    let actual = 0;
    for (const r of standard) {
      const [classifier, answer] = r.hops;
      const onReasoning = computeCost({ ...answer!.tokens!, thinking: DEFAULT_THINKING_TOKENS[s.thinkingTier] }, STANDARD_MODIFIERS, price).total!;
      counterfactual += onReasoning + classifier!.costUsd!;
      actual += r.costTotal;
      // The stored counterfactual of each request says the same.
      expect(r.cost.counterfactualReasoning).toBeCloseTo(onReasoning + classifier!.costUsd!, 8);
    }
    expect(s.actual).toBeCloseTo(actual, 8);
    expect(s.counterfactual).toBeCloseTo(counterfactual, 8);
    expect(s.savings).toBeCloseTo(counterfactual - actual, 8);
  });
});
