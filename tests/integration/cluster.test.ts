/**
 * Several instances and their limits, end to end through the official SDK.
 *
 * On PostgreSQL: two server processes A and B on one database and one Redis
 * prefix (the production deployment): a rule saved on A routes B's next
 * request, a revoked key is refused by B, a change written behind the bus's
 * back still converges through the version check, and every limit is shared.
 * On SQLite: one embedded process without Redis (A and B are the same
 * server), so the limit tests run against the in-memory limiter; the
 * propagation tests are skipped there (two processes on one SQLite file are
 * not a supported deployment).
 */
import Anthropic from "@anthropic-ai/sdk";
import crypto from "node:crypto";
import Redis from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser } from "../support/browser";
import { REDIS_URL, startPair, twoInstances, type Pair } from "../support/pair";
import { eventually, startServer, type TestServer } from "../support/server";

let pair: Pair;
let A: TestServer;
let B: TestServer;
let adminKey: string;

async function api(s: TestServer, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { "x-api-key": adminKey, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

function sdk(s: TestServer, key: string) {
  return new Anthropic({ baseURL: s.baseURL, apiKey: key, maxRetries: 0 });
}

async function newKey(limits?: unknown): Promise<{ id: string; secret: string }> {
  const r = await api(A, "POST", "/api/keys", { name: `k-${crypto.randomBytes(3).toString("hex")}`, role: "gateway", ...(limits ? { limits } : {}) });
  expect(r.status).toBe(201);
  return { id: r.body.id, secret: r.body.secret };
}

const ask = (prompt: string, headers: Record<string, string> = {}) => ({
  body: { model: "claude-sonnet-4-6", max_tokens: 200, messages: [{ role: "user" as const, content: prompt }] },
  options: { headers: { "thinkgate-tier": "standard", ...headers } },
});

async function send(s: TestServer, key: string, prompt: string, headers: Record<string, string> = {}) {
  const q = ask(prompt, headers);
  return sdk(s, key).messages.create(q.body, q.options).withResponse();
}

async function rejected(p: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Anthropic.APIError);
  return err as InstanceType<typeof Anthropic.APIError>;
}

async function recordOf(id: string) {
  return eventually(async () => {
    const r = await api(A, "GET", `/api/requests/${id}`);
    return r.status === 200 ? r.body : undefined;
  });
}

/** What a request reserves (the budget left before it minus the budget left after it, on a fresh key), and what it then cost. */
async function probeCost(prompt: string, headers: Record<string, string>): Promise<{ estimate: number; actual: () => Promise<number> }> {
  const probe = await newKey({ usdPerDay: 1000, action: "reject" });
  const q = ask(prompt, headers);
  const { response } = await sdk(A, probe.secret).messages.create(q.body, q.options).withResponse();
  const estimate = 1000 - Number(response.headers.get("thinkgate-budget-remaining-usd"));
  return { estimate, actual: async () => (await recordOf(response.headers.get("thinkgate-request-id")!)).cost.total as number };
}

const reservationOf = async (prompt: string, headers: Record<string, string>) => (await probeCost(prompt, headers)).estimate;

beforeAll(async () => {
  pair = await startPair();
  ({ A, B } = pair);
  adminKey = A.adminKey;
}, 120_000);

afterAll(async () => {
  await pair?.stop();
});

describe(`several instances (${twoInstances ? "two processes, PostgreSQL + Redis" : "skipped on SQLite: one embedded process"})`, () => {
  it.skipIf(!twoInstances)("a rule saved on A routes the next request on B within a second", async () => {
    const prompt = `Summarize the quarterly ${crypto.randomBytes(4).toString("hex")} migration notes.`;
    const before = await api(B, "POST", "/api/v1/route", ask(prompt).body);
    expect(before.body.ruleId).not.toBe("cluster-probe");

    const current = await api(A, "GET", "/api/rules");
    const rule = { id: "cluster-probe", name: "Migration notes reason", description: "", enabled: true, when: { promptContains: ["migration notes"] }, then: { routeId: "reasoning" } };
    const saved = await api(A, "POST", "/api/rules", { rules: [rule, ...current.body.rules], note: "cluster test", baseVersion: current.body.version });
    expect(saved.status).toBe(201);
    const t0 = performance.now();
    let decision: { tier: string; ruleId?: string } = before.body;
    while (decision.ruleId !== "cluster-probe" && performance.now() - t0 < 2_000) {
      decision = (await api(B, "POST", "/api/v1/route", ask(prompt).body)).body;
    }
    const ms = performance.now() - t0;
    console.log(`cluster: rule change reached the other instance in ${ms.toFixed(1)} ms`);
    expect(decision).toMatchObject({ tier: "reasoning", ruleId: "cluster-probe" });
    expect(ms).toBeLessThan(1_000);

    // And a real request on B is served by it.
    const { response } = await sdk(B, adminKey).messages.create(ask(prompt).body).withResponse();
    expect(response.headers.get("thinkgate-tier")).toBe("reasoning");
  });

  it.skipIf(!twoInstances)("a key revoked on A is refused on B within a second", async () => {
    const k = await newKey();
    const ok = await send(B, k.secret, "Hello from a key that is about to go.");
    expect(ok.response.status).toBe(200); // B has the key in its lookup cache now
    expect((await api(A, "DELETE", `/api/keys/${k.id}`)).status).toBe(200);
    const t0 = performance.now();
    let status = 200;
    while (status !== 401 && performance.now() - t0 < 2_000) {
      status = await send(B, k.secret, "Still there?").then(
        (r) => r.response.status,
        (e: InstanceType<typeof Anthropic.APIError>) => e.status ?? 0,
      );
    }
    const ms = performance.now() - t0;
    console.log(`cluster: key revocation reached the other instance in ${ms.toFixed(1)} ms`);
    expect(status).toBe(401);
    expect(ms).toBeLessThan(1_000);
  });

  it.skipIf(!twoInstances)("a session signed in on A works on B, and a user disabled on A is signed out on B within a second", async () => {
    const email = `u-${crypto.randomBytes(3).toString("hex")}@example.com`;
    const created = await api(A, "POST", "/api/users", { email, password: "a-long-password-1", role: "viewer" });
    expect(created.status).toBe(201);
    const onA = new Browser(A.url);
    await onA.login(email, "a-long-password-1");
    const onB = new Browser(B.url);
    for (const [k, v] of onA.cookies) onB.cookies.set(k, v);
    expect((await onB.get("/api/settings")).status).toBe(200);
    expect((await api(A, "PATCH", `/api/users/${created.body.id}`, { disabled: true })).status).toBe(200);
    const t0 = performance.now();
    let status = 200;
    while (status === 200 && performance.now() - t0 < 2_000) status = (await onB.get("/api/settings")).status;
    expect(status).toBe(401);
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it.skipIf(!twoInstances)("a session logged out on A is refused on B within a second, not after B's 5 s session cache", async () => {
    const email = `l-${crypto.randomBytes(3).toString("hex")}@example.com`;
    expect((await api(A, "POST", "/api/users", { email, password: "a-long-password-1", role: "viewer" })).status).toBe(201);
    const onA = new Browser(A.url);
    await onA.login(email, "a-long-password-1");
    const onB = onA.copy(B.url);
    expect((await onB.get("/api/settings")).status).toBe(200); // B has the session in its cache now
    expect((await onA.post("/api/auth/logout")).status).toBe(200);
    const t0 = performance.now();
    let status = 200;
    while (status === 200 && performance.now() - t0 < 6_000) status = (await onB.get("/api/settings")).status;
    const ms = performance.now() - t0;
    console.log(`cluster: a logout reached the other instance in ${ms.toFixed(1)} ms`);
    expect(status).toBe(401);
    expect(ms).toBeLessThan(1_000);
  });

  it.skipIf(!twoInstances)("a change B was never told about still reaches it through the version check", async () => {
    const app = `quiet-${crypto.randomBytes(3).toString("hex")}`;
    expect((await api(A, "PUT", `/api/apps/${app}`, { tier: "standard" })).status).toBe(200);
    const route = () => api(B, "POST", "/api/v1/route", ask("Which tier am I on?").body, { "thinkgate-app": app });
    await eventually(async () => ((await route()).body.tier === "standard" ? true : undefined));
    // Written straight into the database and announced only by the version counter: no notice on the channel.
    const db = new pg.Client({ connectionString: A.databaseUrl });
    await db.connect();
    await db.query(`UPDATE "AppPolicy" SET tier = 'reasoning' WHERE name = $1`, [app]);
    await db.end();
    const r = new Redis(REDIS_URL);
    await r.incr(`${pair.prefix}config-version`);
    await r.quit();
    const t0 = performance.now();
    await eventually(async () => ((await route()).body.tier === "reasoning" ? true : undefined), 3_000);
    expect(performance.now() - t0).toBeLessThan(1_600);
  });
});

describe(`limits shared by ${twoInstances ? "A and B" : "the one instance"}`, () => {
  it("counts requests per minute across instances and rejects the next one with a 429 in the API's shape", async () => {
    const k = await newKey({ rpm: 4 });
    const remaining: string[] = [];
    for (const s of [A, B, A, B]) {
      const { response } = await send(s, k.secret, "Count me.");
      expect(response.headers.get("thinkgate-limit")).toBe("ok");
      expect(response.headers.get("x-ratelimit-limit-requests")).toBe("4");
      remaining.push(response.headers.get("x-ratelimit-remaining-requests")!);
    }
    expect(remaining).toEqual(["3", "2", "1", "0"]);
    const err = await rejected(send(B, k.secret, "One too many."));
    expect(err.status).toBe(429);
    expect(err.error).toMatchObject({ type: "error", error: { type: "rate_limit_error", message: expect.stringContaining("4 requests per minute") } });
    expect((err.error as { request_id?: string }).request_id).toMatch(/\S/);
    const retry = Number(err.headers?.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(err.headers?.get("thinkgate-limit")).toBe("rejected; scope=key; limit=rpm");
    expect(err.headers?.get("x-ratelimit-remaining-requests")).toBe("0");
    // The refusal is recorded, with the reason.
    const rec = await recordOf(err.headers!.get("request-id")!);
    expect(rec).toMatchObject({ httpStatus: 429, errorType: "rate_limit_error" });
    expect(rec.decision.reason).toContain("rejected: key");
  });

  it("never lets concurrent requests on both instances spend past a daily budget", async () => {
    const prompt = "Explain backpressure in two sentences.";
    const probe = await probeCost(prompt, {});
    const estimate = probe.estimate;
    const actual = await probe.actual();
    expect(actual).toBeGreaterThan(0);
    expect(actual).toBeLessThanOrEqual(estimate);
    const cap = Math.round(estimate * 5.5 * 1e6) / 1e6;
    const k = await newKey({ usdPerDay: cap, action: "reject" });
    // More requests than the cap pays for even at their real cost: some must be refused however they interleave.
    const n = Math.ceil(cap / actual) + 2;
    const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => send(i % 2 ? B : A, k.secret, prompt)));
    const admitted = results.filter((r) => r.status === "fulfilled").map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof send>>>).value);
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason as InstanceType<typeof Anthropic.APIError>);
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) {
      expect(e.status).toBe(429);
      expect(e.headers?.get("x-should-retry")).toBe("false");
    }
    // At most ⌊cap / estimate⌋ reservations fit at once; more only as earlier ones settle below their estimate.
    expect(admitted.length).toBeGreaterThanOrEqual(5);
    const costs = await Promise.all(admitted.map(async (r) => (await recordOf(r.response.headers.get("thinkgate-request-id")!)).cost.total as number));
    // The invariant: spend settled in the day ≤ cap + Σ max(0, actual − estimate). Every estimate is an
    // upper bound (checked here), so the second term is 0 and the spend stays within the cap, to the micro-dollar.
    for (const c of costs) expect(c).toBeLessThanOrEqual(estimate);
    const spent = costs.reduce((t, c) => t + c, 0);
    expect(spent).toBeLessThanOrEqual(cap + admitted.length * 1e-6);
  });

  it("downgrades a reasoning request to the standard route when the budget no longer fits reasoning", async () => {
    const reasoning = await reservationOf("Estimate me.", { "thinkgate-tier": "reasoning" });
    const standard = await reservationOf("Estimate me.", { "thinkgate-tier": "standard" });
    expect(reasoning).toBeGreaterThan(standard);
    const app = `budget-${crypto.randomBytes(3).toString("hex")}`;
    // Between the two reservations, in whole micro-dollars (a budget people type; the stored value reads back exactly).
    const budget = Math.round(((reasoning + standard) / 2) * 1e6) / 1e6;
    const put = await api(A, "PUT", `/api/apps/${app}`, { tier: "auto", limits: { usdPerDay: budget, action: "downgrade" } });
    expect(put.status).toBe(200);
    expect(put.body.limits).toEqual({ rpm: null, usdPerDay: budget, action: "downgrade" });
    const { response } = await eventually(async () => {
      const r = await send(B, adminKey, "Estimate me.", { "thinkgate-tier": "reasoning", "thinkgate-app": app });
      return r.response.headers.get("thinkgate-limit")?.startsWith("downgraded") ? r : undefined;
    });
    expect(response.headers.get("thinkgate-limit")).toBe("downgraded; scope=app; limit=usd_per_day");
    expect(response.headers.get("thinkgate-tier")).toBe("standard");
    expect(response.headers.get("thinkgate-route")).toBe("standard");
    const rec = await recordOf(response.headers.get("thinkgate-request-id")!);
    expect(rec.decision).toMatchObject({ tier: "standard", routeId: "standard" });
    expect(rec.decision.reason).toContain(`downgraded to standard: app "${app}" reached its daily budget`);
  });

  it("rejects at an exhausted budget, with retry-after until the day ends, whatever the action", async () => {
    const app = `spent-${crypto.randomBytes(3).toString("hex")}`;
    expect((await api(A, "PUT", `/api/apps/${app}`, { tier: "auto", limits: { usdPerDay: 0, action: "downgrade" } })).status).toBe(200);
    for (const tier of ["reasoning", "standard"]) {
      const err = await eventually(async () => {
        const e = await rejected(send(B, adminKey, "Anything left?", { "thinkgate-tier": tier, "thinkgate-app": app })).catch(() => undefined);
        return e?.status === 429 ? e : undefined;
      });
      expect(err.error).toMatchObject({ type: "error", error: { type: "rate_limit_error", message: expect.stringContaining("daily budget of $0.00") } });
      const now = new Date();
      const toMidnight = (Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000;
      expect(Math.abs(Number(err.headers?.get("retry-after")) - toMidnight)).toBeLessThan(5);
      expect(err.headers?.get("thinkgate-limit")).toBe("rejected; scope=app; limit=usd_per_day");
    }
  });

  it("changes a key's limits through the keys API, with validation", async () => {
    const k = await newKey();
    const bad = await api(A, "PATCH", `/api/keys/${k.id}`, { limits: { rpm: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ type: "invalid_request_error", message: expect.stringContaining("rpm") });
    expect((await api(A, "PUT", "/api/apps/x-bad", { tier: "auto", limits: { action: "explode" } })).status).toBe(400);
    const set = await api(A, "PATCH", `/api/keys/${k.id}`, { limits: { rpm: 1 } });
    expect(set.status).toBe(200);
    expect(set.body.limits).toEqual({ rpm: 1, usdPerDay: null, action: "reject" });
    await send(B, k.secret, "First.");
    expect((await rejected(send(A, k.secret, "Second."))).status).toBe(429);
    expect((await api(A, "PATCH", `/api/keys/${k.id}`, { limits: null })).body.limits).toEqual({ rpm: null, usdPerDay: null, action: "reject" });
    const { response } = await eventually(async () => send(B, k.secret, "Free again.").catch(() => undefined));
    expect(response.headers.get("thinkgate-limit")).toBeNull();
  });
});

// The behaviour does not depend on the database: checked once, on the SQLite pass.
describe(`with Redis unreachable${twoInstances ? " (runs on the SQLite pass)" : ""}`, () => {
  it.skipIf(twoInstances)("starts, serves, and lets requests through without their limits (fail open), saying so in a header", async () => {
    // Port 1: nothing listens there, so every Redis command fails at once.
    const lone = await startServer({ env: { REDIS_URL: "redis://127.0.0.1:1", THINKGATE_REDIS_PREFIX: pair.prefix } });
    try {
      const created = await fetch(`${lone.url}/api/keys`, {
        method: "POST",
        headers: { "x-api-key": lone.adminKey, "content-type": "application/json" },
        body: JSON.stringify({ name: "capped", role: "gateway", limits: { rpm: 1, usdPerDay: 0 } }),
      }).then((r) => r.json() as Promise<{ secret: string }>);
      for (let i = 0; i < 2; i++) {
        const q = ask("Are limits on?");
        const { response } = await sdk(lone, created.secret).messages.create(q.body, q.options).withResponse();
        expect(response.status).toBe(200);
        expect(response.headers.get("thinkgate-limit")).toBe("unavailable");
      }
      expect(lone.output()).toContain("limits could not be checked");
    } finally {
      await lone.stop();
    }
  });
});
