/**
 * Numbers a manager can trust, against a real server on SQLite and (with
 * THINKGATE_TEST_DB=postgresql) PostgreSQL: fixture records with known tokens
 * (tests/integration/money-fixtures.ts) go through the server's own spool and
 * record thread, then the dashboard API must show, to the cent, the spend, the
 * failed/unpriced split, the savings measured from the reasoning traffic (and
 * the literature default, labelled, where there is too little of it), and a
 * monthly projection that is the same whatever range is viewed. Also: keys
 * record when they were last used.
 */
import fs from "node:fs";
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startServer, testDbKind, type TestServer } from "../support/server";
import { writeMoneySpool, type MoneyExpected } from "./money-fixtures";

let server: TestServer;
let expected: MoneyExpected;
let spoolDir: string;

const cents = (usd: number) => Math.round(usd * 100);

interface Summary {
  range: { granularity: string; hourlyFirstDays: boolean };
  groups: { key: string; label: string; requests: number; priced: number; unpriced: number; costTotal: number }[];
  notServed: { keys: string[]; requests: number };
  totals: { requests: number; priced: number; unpriced: number; notBilled: number; errors: number; costTotal: number; savings: number };
  savings: {
    savings: number; low: number; high: number; counterfactual: number; actual: number; compared: number;
    byBasis: Record<"cell" | "size" | "all" | "literature", number>; measured: { requests: number; meanThinking: number | null }; method: string;
  };
  projection: { monthly: number; basis: { days: string[]; dayCount: number; includeOneOff: boolean; oneOff: { requests: number; cost: number } }; groups: { key: string; label: string }[] };
  top: { id: string; tier: string; reasoningWouldCost: number | null; reasoningBasis: string }[];
}

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, { headers: { "x-api-key": server.adminKey } });
  return { status: res.status, body: (await res.json()) as T };
}

async function summary(query: Record<string, string>): Promise<Summary> {
  const r = await get<Summary>(`/api/costs/summary?${new URLSearchParams(query)}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const lastDays = (days: number) => ({ from: new Date(Date.now() - days * 86_400_000).toISOString(), to: new Date().toISOString() });

beforeAll(async () => {
  ({ dir: spoolDir, expected } = writeMoneySpool());
  server = await startServer({ spoolDir, env: { THINKGATE_KEY_USAGE_FLUSH_MS: "200" } });
  // Every fixture record is in the database (the spool is replayed at start, off the request path).
  await eventually(async () => {
    const s = await summary({ ...lastDays(90), granularity: "week" });
    return s.totals.requests === expected.requests + 15 ? true : undefined;
  }, 30_000);
}, 90_000);

afterAll(async () => {
  await server?.stop();
  fs.rmSync(spoolDir, { recursive: true, force: true });
});

describe(`the cost dashboard's money (${testDbKind()})`, () => {
  it("shows the spend to the cent and splits failed (not billed) from unpriced requests", async () => {
    const s = await summary({ ...lastDays(30), granularity: "day", groupBy: "route" });
    expect(cents(s.totals.costTotal)).toBe(cents(expected.spend));
    expect(s.totals.costTotal).toBeCloseTo(expected.spend, 9);
    expect(s.totals).toMatchObject({ requests: expected.requests, priced: expected.priced, unpriced: expected.unpriced, notBilled: expected.notBilled });
  });

  it("does not make cost rows of model ids that were never served", async () => {
    const s = await summary({ ...lastDays(30), granularity: "day", groupBy: "model" });
    expect(s.groups.map((g) => g.key)).not.toContain("claude-nonexistent-9");
    expect(s.notServed).toEqual({ keys: ["claude-nonexistent-9"], requests: 2 });
    // The priced model rows still add up to the spend, and the unpriced model is a row, its cost unknown.
    expect(cents(s.groups.reduce((a, g) => a + g.costTotal, 0))).toBe(cents(expected.spend));
    expect(s.groups.find((g) => g.key === "claude-unpriced-x")).toMatchObject({ requests: 1, priced: 0, unpriced: 1, costTotal: 0 });
  });

  it("labels a calibration experiment's route as the experiment, not as its last configuration", async () => {
    const s = await summary({ ...lastDays(30), groupBy: "route" });
    const row = s.groups.find((g) => g.key === "calibration:exp1")!;
    expect(row.label).toBe("Calibration experiment exp1");
  });

  it("measures the savings from the deployment's reasoning traffic, with its interval", async () => {
    const s = await summary({ ...lastDays(30) });
    const m = expected.measured;
    expect(s.savings.byBasis).toEqual({ cell: 40, size: 0, all: 0, literature: 0 });
    expect(s.savings.compared).toBe(m.compared);
    expect(cents(s.savings.savings)).toBe(cents(m.savings));
    expect(s.savings.savings).toBeCloseTo(m.savings, 9);
    expect(s.savings.low).toBeCloseTo(m.low, 9);
    expect(s.savings.high).toBeCloseTo(m.high, 9);
    expect(s.savings.counterfactual).toBeCloseTo(m.counterfactual, 9);
    expect(s.savings.actual).toBeCloseTo(m.actual, 9);
    expect(s.totals.savings).toBe(s.savings.savings);
    expect(s.savings.measured).toMatchObject({ requests: 20, meanThinking: 4000 });
    expect(s.savings.method).toContain("measured on the same prompt size, task and app");
  });

  it("falls back to the literature default, labelled so, where too little reasoning was measured", async () => {
    const s = await summary({ from: expected.oldFrom, to: expected.oldTo, granularity: "week" });
    const l = expected.literature;
    expect(s.savings.byBasis).toEqual({ cell: 0, size: 0, all: 0, literature: 10 });
    expect(cents(s.savings.savings)).toBe(cents(l.savings));
    expect(s.savings.low).toBeCloseTo(l.low, 9);
    expect(s.savings.high).toBeCloseTo(l.high, 9);
    expect(s.savings.method).toContain("literature default");
  });

  it("projects the same month for the last 24 hours, 7 days and 30 days, from the days with traffic", async () => {
    const [day, week, month] = await Promise.all([summary(lastDays(1)), summary(lastDays(7)), summary(lastDays(30))]);
    expect(week.projection).toEqual(day.projection);
    expect(month.projection).toEqual(day.projection);
    expect(cents(day.projection.monthly)).toBe(cents(expected.monthly));
    expect(day.projection.monthly).toBeCloseTo(expected.monthly, 9);
    expect(day.projection.basis.dayCount).toBe(2);
    expect(day.projection.basis.oneOff.requests).toBe(expected.oneOffRequests);
    expect(day.projection.groups.map((g) => g.key)).not.toContain("calibration:exp1");
  });

  it("includes one-off traffic in the projection only when asked", async () => {
    const s = await summary({ ...lastDays(7), oneOff: "true" });
    expect(s.projection.basis.includeOneOff).toBe(true);
    expect(cents(s.projection.monthly)).toBe(cents(expected.monthlyWithOneOff));
  });

  it("fills 'reasoning would cost' for every top request: actual when it reasoned, the estimate otherwise", async () => {
    const s = await summary({ ...lastDays(30), top: "100" });
    expect(s.top.length).toBe(expected.priced);
    for (const t of s.top) expect(t.reasoningWouldCost, t.id).not.toBeNull();
    expect(new Set(s.top.filter((t) => t.tier === "reasoning").map((t) => t.reasoningBasis))).toEqual(new Set(["actual"]));
    expect(s.top.some((t) => t.reasoningBasis === "not compared")).toBe(true); // the cut stream
    expect(s.top.filter((t) => t.reasoningBasis === "cell").length).toBe(40);
  });

  it("draws daily buckets once there are more than two days of records", async () => {
    const s = await summary({ ...lastDays(30), granularity: "auto" });
    expect(s.range).toMatchObject({ granularity: "day", hourlyFirstDays: false });
  });

  it("records when a key was last used, off the request path", async () => {
    const keys = await eventually(async () => {
      const r = await get<{ data: { name: string; lastUsedAt: string | null }[] }>("/api/keys");
      return r.body.data.every((k) => k.lastUsedAt) ? r.body.data : undefined;
    });
    expect(Date.now() - Date.parse(keys[0]!.lastUsedAt!)).toBeLessThan(60_000);
  });

  it("shows a failed-before-upstream request as not billed in the request list", async () => {
    const r = await get<{ data: { servedModel: string; pricingStatus: string }[] }>("/api/requests?limit=200");
    const failed = r.body.data.filter((x) => x.servedModel === "claude-nonexistent-9");
    expect(failed).toHaveLength(2);
    for (const f of failed) expect(f.pricingStatus).toBe("not_billed");
    expect(r.body.data.find((x) => x.servedModel === "claude-unpriced-x")!.pricingStatus).toBe("unpriced");
  });

  // Last: it adds a request today.
  it("reads a day's records again when they changed: a new standard answer counts in the savings at once", async () => {
    const before = await summary(lastDays(30));
    expect(before.savings.compared).toBe(expected.measured.compared);
    const client = new Anthropic({ baseURL: server.baseURL, apiKey: server.adminKey, maxRetries: 0 });
    await client.messages.create(
      { model: "claude-haiku-4-5", max_tokens: 256, messages: [{ role: "user", content: "What are your opening hours?" }] },
      { headers: { "thinkgate-tier": "standard", "thinkgate-task": "qa" } },
    );
    const after = await eventually(async () => {
      const s = await summary(lastDays(30));
      return s.savings.compared === expected.measured.compared + 1 ? s : undefined;
    });
    expect(after.savings.byBasis, JSON.stringify(after.savings.byBasis)).toMatchObject({ literature: 0 });
    expect(after.savings.savings).toBeGreaterThan(before.savings.savings);
  });
});
