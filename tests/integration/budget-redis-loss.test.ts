/**
 * A daily budget survives Redis losing its keys (FLUSHALL, eviction, a
 * restart without persistence, a failover to an empty replica). The limits
 * are shared in Redis (REDIS_URL); the day's spend of a key and of an app is
 * seeded again from the records once its state is gone, so what they spent
 * before the loss still counts after it. The loss is this test's prefix's
 * keys deleted (the Redis is shared with other tests: never a FLUSHALL). On
 * PostgreSQL a second instance on the same database and prefix answers after
 * the loss; on SQLite the same one does. The official SDK, the simulator.
 */
import Anthropic from "@anthropic-ai/sdk";
import crypto from "node:crypto";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDIS_URL } from "../support/pair";
import { adminApi as api, askAsApp as ask, refusal } from "../support/budgets";
import { eventually, startServer, testDbKind, type TestServer } from "../support/server";

const kind = testDbKind();
const prefix = `thinkgate-it-${crypto.randomBytes(5).toString("hex")}:`;
const env = { REDIS_URL, THINKGATE_REDIS_PREFIX: prefix };

const what = (e: InstanceType<typeof Anthropic.APIError>) => ({
  status: e.status,
  type: (e.error as { error?: { type?: string } }).error?.type,
  limit: e.headers?.get("thinkgate-limit"),
});

/** This prefix's keys, deleted as a flush would delete them. */
async function loseKeys(): Promise<number> {
  const r = new Redis(REDIS_URL);
  try {
    let cursor = "0";
    let deleted = 0;
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length) deleted += await r.del(...keys);
    } while (cursor !== "0");
    return deleted;
  } finally {
    await r.quit();
  }
}

describe(`a daily budget when Redis loses its keys (${kind}, simulator)`, () => {
  let A: TestServer;
  let B: TestServer;
  beforeAll(async () => {
    A = await startServer({ env });
    B = kind === "postgresql" ? { ...(await startServer({ databaseUrl: A.databaseUrl, env })), adminKey: A.adminKey } : A;
  });
  afterAll(async () => {
    if (B && B !== A) await B.stop();
    await A?.stop();
    await loseKeys();
  });

  it("a key and an app that spent their budget are still refused once their day's state is gone", async () => {
    const created = await api(A, "POST", "/api/keys", { name: "daily", role: "gateway", limits: { usdPerDay: 0.01 } });
    expect(created.status).toBe(201);
    const key = created.body.secret as string;
    const other = (await api(A, "POST", "/api/keys", { name: "other", role: "gateway" })).body.secret as string;
    expect((await api(A, "PUT", "/api/apps/reports", { tier: "auto", limits: { usdPerDay: 0.01 } })).status).toBe(200);

    // Spend up to the cap: served until the next request's estimate no longer fits.
    const served: string[] = [];
    let before: InstanceType<typeof Anthropic.APIError> | null = null;
    while (!before && served.length < 200) {
      before = await refusal(
        ask(A, key, "Reports").then((r) => {
          served.push(r.response.headers.get("thinkgate-request-id")!);
        }),
      );
    }
    expect(served.length).toBeGreaterThan(1);
    expect(before && what(before)).toEqual({ status: 429, type: "rate_limit_error", limit: "rejected; scope=key; limit=usd_per_day" });
    const appBefore = await refusal(ask(A, other, "reports"));
    expect(appBefore && what(appBefore)).toMatchObject({ status: 429, limit: "rejected; scope=app; limit=usd_per_day" });
    // Every served request's record is stored (with what it counted) before the loss.
    for (const id of served) await eventually(async () => ((await api(A, "GET", `/api/requests/${id}`)).status === 200 ? true : undefined));

    expect(await loseKeys()).toBeGreaterThan(0);

    const after = await refusal(ask(B, key, "Reports"));
    expect(after, "the key's next request was served after Redis lost its keys").not.toBeNull();
    expect(what(after!)).toEqual(what(before!));
    const appAfter = await refusal(ask(B, other, "reports"));
    expect(appAfter && what(appAfter), "the app's next request was served after Redis lost its keys").toEqual(what(appBefore!));

    // A key with room left is served: its day is seeded too, from records that hold nothing of it.
    const roomy = (await api(A, "POST", "/api/keys", { name: "roomy", role: "gateway", limits: { usdPerDay: 1 } })).body.secret as string;
    const ok = await ask(B, roomy, "elsewhere");
    expect(ok.response.headers.get("thinkgate-limit")).toBe("ok");
    expect(Number(ok.response.headers.get("thinkgate-budget-remaining-usd"))).toBeGreaterThan(0.99);
  });
});
