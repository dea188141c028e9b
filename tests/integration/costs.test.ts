/**
 * The cost dashboard's API against a real server: traffic sent through the
 * official SDK, then the summary read back and checked against the stored
 * records, read one by one through /api/requests/:id. The totals, every
 * grouping and every bucket must add up to the records to the cent, unpriced
 * requests must be counted and never summed as $0, and the CSV must carry the
 * same numbers. Runs on SQLite and, with THINKGATE_TEST_DB=postgresql, on PostgreSQL.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startServer, type TestServer } from "../support/server";

let server: TestServer;
let client: Anthropic;
let records: StoredRecord[] = [];
let from = "";
let to = "";

interface StoredRecord {
  id: string;
  tier: string;
  status: string;
  routeId: string | null;
  servedModel: string;
  pricingStatus: string;
  costInput: number | null;
  costCacheWrite: number | null;
  costCacheRead: number | null;
  costOutput: number | null;
  costThinking: number | null;
  costTotal: number | null;
  counterfactualCost: number | null;
}

interface Stat {
  requests: number;
  reasoning: number;
  errors: number;
  priced: number;
  unpriced: number;
  costInput: number;
  costCache: number;
  costOutput: number;
  costThinking: number;
  costTotal: number;
  counterfactualCost: number;
  counterfactualActual: number;
}
interface Group extends Stat {
  key: string;
  label: string;
  avgCostPerRequest: number | null;
}
interface Summary {
  range: { from: string; to: string; granularity: string; groupBy: string; days: number };
  buckets: string[];
  series: (Group & { bucket: string })[];
  groups: Group[];
  routes: Group[];
  totals: Stat & { reasoningShare: number | null; avgCostPerRequest: number | null; savings: number };
  top: { id: string; costTotal: number }[];
  notServed: { keys: string[]; requests: number };
}

const cents = (usd: number) => Math.round(usd * 100);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function get<T>(path: string): Promise<{ status: number; body: T; res: Response }> {
  const res = await fetch(`${server.url}${path}`, { headers: { "x-api-key": server.adminKey } });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* CSV */
  }
  return { status: res.status, body: body as T, res };
}

async function summary(query: Record<string, string>): Promise<Summary> {
  const r = await get<Summary>(`/api/costs/summary?${new URLSearchParams({ from, to, ...query })}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function stored(id: string): Promise<StoredRecord> {
  return eventually(async () => {
    const r = await get<StoredRecord>(`/api/requests/${id}`);
    return r.status === 200 ? r.body : undefined;
  });
}

beforeAll(async () => {
  server = await startServer();
  client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
  from = new Date(Date.now() - 3_600_000).toISOString();
  const sent: string[] = [];
  const send = async (params: Anthropic.MessageCreateParamsNonStreaming, headers: Record<string, string> = {}) => {
    const { response } = await client.messages.create(params, { headers }).withResponse();
    sent.push(response.headers.get("thinkgate-request-id")!);
  };
  const prompts = [
    "Review this function for race conditions: let n = 0; async function inc() { const v = n; await tick(); n = v + 1; }",
    "Is there a bug in this retry loop? for (let i = 0; i <= retries; i++) { try { return await call(); } catch {} }",
  ];
  for (const p of prompts) await send({ model: "claude-sonnet-4-6", max_tokens: 1024, messages: [{ role: "user", content: p }] }, { "thinkgate-task": "code-review" });
  for (const p of ["What are your opening hours?", "How do I reset my password?", "Do you ship to Canada?"]) {
    await send({ model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: p }] }, { "thinkgate-app": "faq-bot" });
  }
  await send({ model: "claude-haiku-4-5", max_tokens: 256, messages: [{ role: "user", content: "Classify: 'charged twice'" }] }, { "thinkgate-tier": "standard" });
  const stream = client.messages.stream(
    { model: "claude-sonnet-4-6", max_tokens: 2048, messages: [{ role: "user", content: "Plan a three-city trip under $2,000." }] },
    { headers: { "thinkgate-tier": "reasoning" } },
  );
  sent.push((await stream.withResponse()).response.headers.get("thinkgate-request-id")!);
  await stream.finalMessage();
  // A model the gateway has no price for: counted as unpriced, never $0.
  await send({ model: "claude-mythos-preview", max_tokens: 200, messages: [{ role: "user", content: "Say hi." }] }, { "thinkgate-tier": "standard" });
  // An upstream failure: a request with no usage, counted as an error.
  const failed = await client.messages
    .create({ model: "claude-sonnet-4-6", max_tokens: 100, messages: [{ role: "user", content: "hello [[sim:fault=500]]" }] })
    .catch((e: unknown) => e as InstanceType<typeof Anthropic.APIError>);
  expect(failed).toBeInstanceOf(Anthropic.APIError);
  sent.push((failed as InstanceType<typeof Anthropic.APIError>).headers!.get("thinkgate-request-id")!);

  // Refused before routing: recorded with no route and no cost. Its group (route "") sorts first in the
  // projection's query, where SQLite once gave it an integer 0 that truncated every other group's cost.
  const refused = await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 10 } as never).catch((e: unknown) => e as InstanceType<typeof Anthropic.APIError>);
  expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
  sent.push((refused as InstanceType<typeof Anthropic.APIError>).headers!.get("thinkgate-request-id")!);

  records = [];
  for (const id of sent) records.push(await stored(id));
  to = new Date(Date.now() + 3_600_000).toISOString();
});

afterAll(async () => {
  await server?.stop();
});

describe(`cost summary (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("has the traffic it should: priced, unpriced and failed requests, both tiers", () => {
    expect(records).toHaveLength(10);
    expect(records.filter((r) => r.pricingStatus === "unpriced" && r.status !== "error")).toHaveLength(1);
    expect(records.filter((r) => r.status === "error")).toHaveLength(2);
    expect(records.filter((r) => r.tier === "reasoning").length).toBeGreaterThanOrEqual(3);
  });

  it("totals equal the sum of the stored records' costTotal to the cent", async () => {
    const s = await summary({ granularity: "hour", groupBy: "route" });
    const priced = records.filter((r) => r.costTotal !== null);
    const expected = sum(priced.map((r) => r.costTotal!));
    expect(expected).toBeGreaterThan(0.01);
    expect(cents(s.totals.costTotal)).toBe(cents(expected));
    expect(s.totals.costTotal).toBeCloseTo(expected, 9);
    expect(s.totals.requests).toBe(records.length);
    expect(s.totals.priced).toBe(priced.length);
    expect(s.totals.unpriced).toBe(1);
    expect(s.totals.errors).toBe(2);
    expect(s.totals.reasoning).toBe(records.filter((r) => r.tier === "reasoning").length);
    expect(s.totals.reasoningShare).toBeCloseTo(s.totals.reasoning / records.length, 12);
    expect(s.totals.avgCostPerRequest).toBeCloseTo(expected / priced.length, 12);
  });

  it("splits the cost into input, cache, output and thinking exactly as the records do", async () => {
    const s = await summary({ granularity: "day", groupBy: "model" });
    const priced = records.filter((r) => r.costTotal !== null);
    expect(s.totals.costInput).toBeCloseTo(sum(priced.map((r) => r.costInput ?? 0)), 9);
    expect(s.totals.costCache).toBeCloseTo(sum(priced.map((r) => (r.costCacheWrite ?? 0) + (r.costCacheRead ?? 0))), 9);
    expect(s.totals.costOutput).toBeCloseTo(sum(priced.map((r) => r.costOutput ?? 0)), 9);
    expect(s.totals.costThinking).toBeCloseTo(sum(priced.map((r) => r.costThinking ?? 0)), 9);
    expect(s.totals.costThinking).toBeGreaterThan(0);
    for (const g of s.groups) expect(cents(g.costInput + g.costCache + g.costOutput + g.costThinking)).toBe(cents(g.costTotal));
  });

  it("adds up the same by route, model and tier, and in every granularity", async () => {
    const expected = sum(records.map((r) => r.costTotal ?? 0));
    for (const groupBy of ["route", "model", "tier"]) {
      for (const granularity of ["hour", "day", "week"]) {
        const s = await summary({ granularity, groupBy });
        expect(cents(sum(s.groups.map((g) => g.costTotal))), `${groupBy}/${granularity} groups`).toBe(cents(expected));
        expect(cents(sum(s.series.map((p) => p.costTotal))), `${groupBy}/${granularity} series`).toBe(cents(expected));
        // By model, a model asked for and never served (the refused request's) is counted apart, not as a cost row.
        expect(sum(s.series.map((p) => p.requests)) + s.notServed.requests, `${groupBy}/${granularity} requests`).toBe(records.length);
        for (const p of s.series) expect(s.buckets).toContain(p.bucket);
      }
    }
  });

  it("gives each route its own spend and average cost per request", async () => {
    const s = await summary({ groupBy: "route" });
    for (const route of ["standard", "reasoning"]) {
      const mine = records.filter((r) => r.routeId === route);
      const priced = mine.filter((r) => r.costTotal !== null);
      const g = s.groups.find((x) => x.key === route)!;
      expect(g.requests).toBe(mine.length);
      expect(cents(g.costTotal)).toBe(cents(sum(priced.map((r) => r.costTotal!))));
      expect(g.avgCostPerRequest).toBeCloseTo(sum(priced.map((r) => r.costTotal!)) / priced.length, 12);
    }
    expect(s.groups.find((x) => x.key === "reasoning")!.label).toBe("Reasoning");
    const byModel = await summary({ groupBy: "model" });
    expect(byModel.routes.map((r) => r.key).sort()).toEqual(s.groups.map((g) => g.key).sort());
    const mythos = byModel.groups.find((g) => g.key === "claude-mythos-preview")!;
    expect(mythos).toMatchObject({ requests: 1, priced: 0, unpriced: 1, costTotal: 0, avgCostPerRequest: null });
  });

  it("projects the month from the records' real costs, a request without a route among them", async () => {
    expect(records.some((r) => r.routeId === null)).toBe(true);
    const s = (await summary({})) as Summary & { projection: { basis: { cost: number; requests: number }; groups: { key: string; costPerDay: number }[] } };
    expect(cents(s.projection.basis.cost)).toBe(cents(sum(records.map((r) => r.costTotal ?? 0))));
    for (const g of s.projection.groups) {
      const spent = sum(records.filter((r) => (r.routeId ?? "") === g.key).map((r) => r.costTotal ?? 0));
      if (spent > 0) expect(g.costPerDay, g.key).toBeGreaterThan(0);
    }
  });

  it("computes the savings against always reasoning over requests priced both ways", async () => {
    const s = await summary({});
    const both = records.filter((r) => r.costTotal !== null && r.counterfactualCost !== null);
    const savings = sum(both.map((r) => r.counterfactualCost!)) - sum(both.map((r) => r.costTotal!));
    expect(savings).toBeGreaterThan(0);
    expect(cents(s.totals.savings)).toBe(cents(savings));
    expect(s.totals.savings).toBeCloseTo(savings, 9);
  });

  it("lists the most expensive requests in order", async () => {
    const s = await summary({ top: "3" });
    const priced = records.filter((r) => r.costTotal !== null).sort((a, b) => b.costTotal! - a.costTotal!);
    expect(s.top.map((t) => t.id)).toEqual(priced.slice(0, 3).map((r) => r.id));
    expect(s.top[0]!.costTotal).toBe(priced[0]!.costTotal);
  });

  it("is empty, not wrong, outside the traffic's time range", async () => {
    const r = await get<Summary>(`/api/costs/summary?from=2020-01-01&to=2020-01-08`);
    expect(r.status).toBe(200);
    expect(r.body.totals).toMatchObject({ requests: 0, costTotal: 0, reasoningShare: null, avgCostPerRequest: null });
    expect(r.body.buckets).toHaveLength(7);
    expect(r.body.top).toEqual([]);
  });

  it("rejects bad ranges and granularities in the API's error shape", async () => {
    for (const q of ["granularity=month", "groupBy=app", "from=2026-11-02&to=2026-11-01", "from=2024-01-01&to=2026-01-01&granularity=hour", "from=yesterday"]) {
      const r = await get<{ type: string; error: { type: string } }>(`/api/costs/summary?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.type).toBe("invalid_request_error");
    }
  });

  it("rejects a start after the end with the automatic granularity too, instead of showing the hour before the end", async () => {
    // The traffic is minutes old, so "auto" draws hours from the first record: that must not turn a backwards range into one hour.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    for (const q of [`from=${to}&to=${from}&granularity=auto`, `from=${tomorrow}&granularity=auto`]) {
      const r = await get<{ type: string; error: { type: string; message: string } }>(`/api/costs/summary?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.type).toBe("invalid_request_error");
      expect(r.body.error.message).toMatch(/^from must be before/);
    }
    // A range before the first record is still valid, and empty.
    const before = await get<Summary>(`/api/costs/summary?from=2020-01-01&to=2020-01-08&granularity=auto`);
    expect(before.status).toBe(200);
    expect(before.body.totals.requests).toBe(0);
  });

  it("exports the same numbers as CSV", async () => {
    const r = await get<string>(`/api/costs/export.csv?${new URLSearchParams({ from, to, granularity: "hour", groupBy: "tier" })}`);
    expect(r.status).toBe(200);
    expect(r.res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(r.res.headers.get("content-disposition")).toMatch(/attachment; filename="thinkgate-costs_.*_hour_by-tier\.csv"/);
    const [header, ...rows] = r.body.trim().split("\r\n");
    const cols = header!.split(",");
    const at = (name: string) => cols.indexOf(name);
    const cells = rows.map((l) => l.split(","));
    expect(cells.every((c) => c[at("group_by")] === "tier")).toBe(true);
    expect(cents(sum(cells.map((c) => Number(c[at("total_usd")]))))).toBe(cents(sum(records.map((r) => r.costTotal ?? 0))));
    expect(sum(cells.map((c) => Number(c[at("requests")])))).toBe(records.length);
    expect(sum(cells.map((c) => Number(c[at("unpriced_requests")])))).toBe(1);
  });

  it("needs the viewer role", async () => {
    const res = await fetch(`${server.url}/api/costs/summary`);
    expect(res.status).toBe(401);
  });
});
