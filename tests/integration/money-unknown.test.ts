/**
 * What the dashboard calls "not billed" against a real server on SQLite and
 * (with THINKGATE_TEST_DB=postgresql) PostgreSQL: only what failed before any
 * upstream call. A request the gateway stopped in the middle of (its usage
 * unknown) and a failed request billed for a hop on a model without a price
 * are unpriced, as the request list says (lib/pricing/billing.ts), never $0.
 * Fixture records go through the server's own spool and record thread. And a
 * call the upstream answered with a 200 whose body was then lost was billed:
 * the request's cost is unknown, not $0, nor the sum of the calls it read.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newRequestId } from "../../lib/api/ids";
import { INTERRUPTED, type RecordInput } from "../../lib/recorder/build";
import { eventually, startServer, testDbKind, type TestServer } from "../support/server";

let server: TestServer;
let spoolDir: string;

const DAY = 86_400_000;
const at = Math.floor(Date.now() / DAY) * DAY - DAY + 9 * 3_600_000;

function record(i: number, outcome: RecordInput["outcome"], hops: RecordInput["hops"] = []): RecordInput {
  return {
    requestId: newRequestId(at + i),
    via: "messages",
    createdAt: at + i,
    keyId: null,
    request: { model: "claude-haiku-4-5", maxTokens: 1000, messageCount: 1, stream: true },
    routable: { system: "", prompt: `fixture ${i}`, app: null, task: null, hasTools: false },
    decision: { stage: "rule", reason: "fixture", ruleId: null, score: null, threshold: null, tier: "standard", routeId: "standard", routeName: "Standard" },
    applied: { model: "claude-haiku-4-5", thinking: null, effort: null, maxTokens: 1000, adjustments: [] },
    hops,
    reasoning: { model: "claude-opus-4-7", budgetTier: "complex" },
    outcome,
  };
}

const failed = (errorType: string, httpStatus: number): RecordInput["outcome"] => ({
  status: "error", latencyMs: 100, httpStatus, errorType, errorMessage: "fixture failure", upstreamRequestId: null, ttftMs: null, observed: null,
});

beforeAll(async () => {
  spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-money-unknown-spool-"));
  const lines = [
    // Priced: 1,000 in, 200 out on Haiku 4.5 ($1 / $5 per MTok): $0.002.
    record(0, {
      status: "ok", latencyMs: 100, httpStatus: 200, errorType: null, errorMessage: null, upstreamRequestId: null, ttftMs: null,
      observed: { usage: { input_tokens: 1000, output_tokens: 200 }, stopReason: "end_turn", answer: "fixture answer", thinking: "", thinkingStatus: "none" },
    }),
    // The gateway stopped while it was in flight: upstream may have billed it, its cost is unknown.
    record(1, failed(INTERRUPTED, 502)),
    // Its classifier call (on a model without a price) was billed, then the answer failed.
    record(2, failed("overloaded_error", 529), [{ kind: "classifier", routeId: null, model: "claude-unpriced-x", usage: { input_tokens: 300, output_tokens: 20 } }]),
    // Failed before any upstream call: not billed, $0.
    record(3, failed("invalid_request_error", 400)),
  ];
  fs.writeFileSync(path.join(spoolDir, "000000000001.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  server = await startServer({ spoolDir, env: { THINKGATE_RETRY_BASE_MS: "20", THINKGATE_RETRY_MAX_BACKOFF_MS: "100" } });
  await eventually(async () => ((await summary()).totals.requests === lines.length ? true : undefined), 30_000);
}, 90_000);

afterAll(async () => {
  await server?.stop();
  fs.rmSync(spoolDir, { recursive: true, force: true });
});

interface Summary {
  totals: { requests: number; priced: number; unpriced: number; notBilled: number; costTotal: number };
  projection: { unpricedPerDay: number; groups: { key: string; unpriced: number }[] };
}

async function summary(): Promise<Summary> {
  const q = new URLSearchParams({ from: new Date(at - DAY).toISOString(), to: new Date().toISOString(), granularity: "day" });
  const res = await fetch(`${server.url}/api/costs/summary?${q}`, { headers: { "x-api-key": server.adminKey } });
  expect(res.status).toBe(200);
  return (await res.json()) as Summary;
}

describe(`what the dashboard calls not billed (${testDbKind()})`, () => {
  it("counts an interrupted request and a failed one billed on an unpriced model as unpriced, not as $0", async () => {
    const s = await summary();
    expect(s.totals).toMatchObject({ requests: 4, priced: 1, unpriced: 2, notBilled: 1 });
    expect(s.totals.costTotal).toBeCloseTo(0.002, 9);
    // The projection's basis says the same.
    expect(s.projection.groups.find((g) => g.key === "standard")).toMatchObject({ unpriced: 2 });
  });

  it("agrees with the request list", async () => {
    const res = await fetch(`${server.url}/api/requests?limit=10`, { headers: { "x-api-key": server.adminKey } });
    const { data } = (await res.json()) as { data: { pricingStatus: string }[] };
    const by = (s: string) => data.filter((r) => r.pricingStatus === s).length;
    expect({ priced: by("priced"), unpriced: by("unpriced"), notBilled: by("not_billed") }).toEqual({ priced: 1, unpriced: 2, notBilled: 1 });
  });
});

interface StoredRecord {
  status: string;
  pricingStatus: string;
  costTotal: number | null;
  counterfactualCost: number | null;
  adjustments: string[];
}

async function ask(content: string): Promise<{ status: number; record: StoredRecord }> {
  const res = await fetch(`${server.baseURL}/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": server.adminKey, "content-type": "application/json", "thinkgate-tier": "standard" },
    body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 200, messages: [{ role: "user", content }] }),
  });
  await res.text();
  const id = res.headers.get("thinkgate-request-id")!;
  const record = await eventually(async () => {
    const r = await fetch(`${server.url}/api/requests/${id}`, { headers: { "x-api-key": server.adminKey } });
    return r.status === 200 ? ((await r.json()) as StoredRecord) : undefined;
  });
  return { status: res.status, record };
}

const nonce = () => Math.random().toString(36).slice(2, 10);

// After the fixture's checks: these requests add records of today.
describe(`an upstream answer whose body was lost (${testDbKind()})`, () => {
  it("makes the request's cost unknown when every call's body was lost, not $0", async () => {
    const r = await ask(`Tell a story ${nonce()} [[sim:fault=cut]]`);
    expect(r.status).toBe(502);
    expect(r.record).toMatchObject({ status: "error", pricingStatus: "unpriced", costTotal: null });
    expect(r.record.adjustments.join("\n")).toMatch(/upstream answer\(s\) lost after a success status/);
  });

  it("makes it unknown when a retry answered: the lost answer was billed too", async () => {
    const r = await ask(`Tell a story ${nonce()} [[sim:fault=cut*1]]`);
    expect(r.status).toBe(200);
    expect(r.record).toMatchObject({ status: "ok", pricingStatus: "unpriced", costTotal: null, counterfactualCost: null });
  });
});
