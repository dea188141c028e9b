/**
 * The limiter's rules, checked the same way against both implementations:
 * the in-memory one and the Lua scripts on the real Redis (127.0.0.1:6379,
 * THINKGATE_TEST_REDIS_URL to change it), under a prefix of their own.
 */
import crypto from "node:crypto";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseEstimate, type AdmitInput, type Limiter, type ScopeLimit } from "./limiter";
import { MemoryLimiter } from "./memory";
import { RedisLimiter } from "./redis";

const REDIS_URL = process.env.THINKGATE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `thinkgate-unit:${crypto.randomBytes(5).toString("hex")}:`;
const DAY = "2026-11-26";
const TTL_MS = 300;

let redis: Redis;

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  await redis.ping();
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

let n = 0;
const id = () => `req_${++n}_${crypto.randomBytes(3).toString("hex")}`;
const scope = (over: Partial<ScopeLimit> = {}): ScopeLimit => ({ scope: `key:${crypto.randomBytes(4).toString("hex")}`, rpm: null, capMicro: null, downgrade: false, ...over });
const input = (scopes: ScopeLimit[], over: Partial<AdmitInput> = {}): AdmitInput => ({ id: id(), scopes, estimateMicro: 100, fallbackMicro: null, day: DAY, ...over });

const implementations: [string, () => Limiter & { usage(scope: string, day: string): unknown }][] = [
  ["in memory", () => new MemoryLimiter(Date.now, TTL_MS)],
  ["redis (Lua)", () => new RedisLimiter(redis, prefix, TTL_MS)],
];

describe.each(implementations)("limiter %s", (_name, make) => {
  it("admits up to rpm requests in the window, then rejects with the time until a slot frees", async () => {
    const l = make();
    const s = scope({ rpm: 3 });
    const left: (number | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await l.admit(input([s]));
      expect(r.ok).toBe(true);
      if (r.ok) left.push(r.requestsLeft);
    }
    expect(left).toEqual([2, 1, 0]);
    const no = await l.admit(input([s]));
    expect(no).toMatchObject({ ok: false, scope: s.scope, kind: "rpm" });
    if (!no.ok) {
      expect(no.retryAfterMs).toBeGreaterThan(59_000);
      expect(no.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
  });

  it("reserves the estimate and refuses what would pass the cap", async () => {
    const l = make();
    const s = scope({ capMicro: 250 });
    expect(await l.admit(input([s]))).toMatchObject({ ok: true, downgraded: false, reservedMicro: 100, budgetLeftMicro: 150, requestsLeft: null });
    expect(await l.admit(input([s]))).toMatchObject({ ok: true, budgetLeftMicro: 50 });
    expect(await l.admit(input([s]))).toMatchObject({ ok: false, kind: "budget", scope: s.scope });
    expect(await l.usage(s.scope, DAY)).toMatchObject({ settledMicro: 0, reservedMicro: 200 });
  });

  it("settles a reservation by its request id: settled + reserved never passes the cap", async () => {
    const l = make();
    const s = scope({ capMicro: 250 });
    const first = input([s]);
    const second = input([s]);
    expect((await l.admit(first)).ok).toBe(true);
    expect((await l.admit(second)).ok).toBe(true);
    expect((await l.admit(input([s]))).ok).toBe(false);
    await l.settle({ id: first.id, day: DAY, capped: [s.scope] }, 30);
    // used = 30 settled + 100 reserved: another 100 fits (230 ≤ 250), then nothing.
    expect(await l.admit(input([s]))).toMatchObject({ ok: true, budgetLeftMicro: 20 });
    expect((await l.admit(input([s]))).ok).toBe(false);
    expect(await l.usage(s.scope, DAY)).toMatchObject({ settledMicro: 30, reservedMicro: 200 });
  });

  it("counts a reservation never settled (its instance died) as spent once it lapses, never as $0", async () => {
    const l = make();
    const s = scope({ capMicro: 250 });
    expect((await l.admit(input([s]))).ok).toBe(true);
    await new Promise((r) => setTimeout(r, TTL_MS + 50));
    // The lapsed 100 is spend now: one more request fits (200 ≤ 250), not two.
    expect(await l.admit(input([s]))).toMatchObject({ ok: true, budgetLeftMicro: 50 });
    expect((await l.admit(input([s]))).ok).toBe(false);
    expect(await l.usage(s.scope, DAY)).toMatchObject({ settledMicro: 100, reservedMicro: 100 });
  });

  it("replaces a lapsed reservation by its settlement when that comes after all (a request longer than the TTL)", async () => {
    const l = make();
    const s = scope({ capMicro: 250 });
    const slow = input([s]);
    expect((await l.admit(slow)).ok).toBe(true);
    await new Promise((r) => setTimeout(r, TTL_MS + 50));
    expect((await l.admit(input([s]))).ok).toBe(true);
    await l.settle({ id: slow.id, day: DAY, capped: [s.scope] }, 30);
    expect(await l.usage(s.scope, DAY)).toMatchObject({ settledMicro: 30, reservedMicro: 100 });
  });

  it("downgrades to the fallback estimate when a downgrade scope is over, and rejects when even that does not fit", async () => {
    const l = make();
    const s = scope({ capMicro: 150, downgrade: true });
    expect(await l.admit(input([s], { estimateMicro: 200, fallbackMicro: 100 }))).toMatchObject({ ok: true, downgraded: true, reservedMicro: 100 });
    expect(await l.admit(input([s], { estimateMicro: 200, fallbackMicro: 100 }))).toMatchObject({ ok: false, kind: "budget" });
    // No fallback (already standard): rejected.
    const t = scope({ capMicro: 150, downgrade: true });
    expect(await l.admit(input([t], { estimateMicro: 200, fallbackMicro: null }))).toMatchObject({ ok: false, kind: "budget" });
  });

  it("checks the key and the app together: a refusal by one counts in neither", async () => {
    const l = make();
    const key = scope({ rpm: 10 });
    const app = scope({ rpm: 1 });
    expect((await l.admit(input([key, app]))).ok).toBe(true);
    expect(await l.admit(input([key, app]))).toMatchObject({ ok: false, scope: app.scope, kind: "rpm" });
    expect(await l.usage(key.scope, DAY)).toMatchObject({ requests: 1 });
    // A reject scope over its cap wins over a downgrade scope.
    const k2 = scope({ capMicro: 50, downgrade: false });
    const a2 = scope({ capMicro: 50, downgrade: true });
    expect(await l.admit(input([k2, a2], { estimateMicro: 100, fallbackMicro: 10 }))).toMatchObject({ ok: false, scope: k2.scope });
  });

  it("admits exactly ⌊cap / estimate⌋ of many concurrent requests", async () => {
    const l = make();
    const s = scope({ capMicro: 1_000 });
    const results = await Promise.all(Array.from({ length: 40 }, () => l.admit(input([s], { estimateMicro: 70 }))));
    expect(results.filter((r) => r.ok).length).toBe(14);
  });
});

describe("the budget rule", () => {
  it("chooses the estimate, the fallback, or the scope that refuses", () => {
    const r = scope({ capMicro: 100 });
    const d = scope({ capMicro: 100, downgrade: true });
    expect(chooseEstimate([r], [0], 100, null)).toEqual({ ok: true, chosen: 100, downgraded: false });
    expect(chooseEstimate([r], [1], 100, 10)).toEqual({ ok: false, scope: r.scope });
    expect(chooseEstimate([d], [50], 100, 10)).toEqual({ ok: true, chosen: 10, downgraded: true });
    expect(chooseEstimate([d, r], [50, 95], 100, 10)).toEqual({ ok: false, scope: r.scope });
  });
});

describe("in memory: spend loaded from earlier runs (preload)", () => {
  it("counts the loaded spend with its own, waits for it, and past the wait refuses to decide until it is loaded", async () => {
    const l = new MemoryLimiter(Date.now, 60_000);
    const cap = scope({ capMicro: 1_000 });
    let load!: (m: Map<string, number>) => void;
    l.preload(DAY, new Promise((r) => (load = r)), 50);
    // Admitted while loading: counted live, the loaded spend added when it comes.
    const waiting = l.admit(input([cap], { estimateMicro: 300 }));
    load(new Map([[cap.scope, 600]]));
    expect(await waiting).toMatchObject({ ok: true, budgetLeftMicro: 100 });
    expect(await l.admit(input([cap], { estimateMicro: 200 }))).toMatchObject({ ok: false, kind: "budget" });

    const late = new MemoryLimiter(Date.now, 60_000);
    late.preload(DAY, new Promise(() => {}), 20);
    await expect(late.admit(input([scope({ capMicro: 1_000 })]))).rejects.toThrow(/not loaded/);
    // A scope without a budget does not wait.
    expect(await late.admit(input([scope({ rpm: 5 })]))).toMatchObject({ ok: true });
  });
});

describe("redis: a day's state lost (flush, eviction, restart) is seeded again from the records", () => {
  /** Deletes a scope's day keys, as FLUSHALL or an eviction would (this prefix only: the Redis is shared). */
  const lose = async (l: RedisLimiter, s: string) => {
    const k = l.keys(s, DAY);
    await redis.del(k.spend, k.resv);
  };

  it("seeds once across instances: two limiters on their own connections, one sum added", async () => {
    const other = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const s = scope({ capMicro: 1_000 });
      const calls: string[][] = [];
      // The records hold 600 of the day's spend; the sum is slow, so both instances are inside it at once.
      const source = async (sc: string, _day: string, except: string[]) => {
        calls.push(except);
        await new Promise((r) => setTimeout(r, 50));
        return sc === s.scope ? 600 : 0;
      };
      const a = new RedisLimiter(redis, prefix, 60_000, source);
      const b = new RedisLimiter(other, prefix, 60_000, source);
      const [ra, rb] = await Promise.all([a.admit(input([s], { estimateMicro: 100 })), b.admit(input([s], { estimateMicro: 100 }))]);
      expect([ra.ok, rb.ok]).toEqual([true, true]);
      expect(await a.usage(s.scope, DAY)).toMatchObject({ settledMicro: 600, reservedMicro: 200 });
      // Both instances summed the records; one added them.
      expect(calls.length).toBe(2);

      // Lost: seeded again from the records, and what they do not cover is refused.
      await lose(a, s.scope);
      expect(await b.admit(input([s], { estimateMicro: 300 }))).toMatchObject({ ok: true, budgetLeftMicro: 100 });
      expect(await a.admit(input([s], { estimateMicro: 200 }))).toMatchObject({ ok: false, kind: "budget" });
    } finally {
      await other.quit();
    }
  });

  /** The records as the database holds them: request id → what each counted; summed without the ids left out. */
  const records = () => {
    const rows = new Map<string, number>();
    const seen: string[][] = [];
    const sum = async (_scope: string, _day: string, except: string[]) => {
      seen.push(except);
      return [...rows].filter(([id]) => !except.includes(id)).reduce((t, [, v]) => t + v, 0);
    };
    return { rows, seen, sum };
  };

  it("counts a settlement that comes while the state is lost once: kept aside, left out of the records' sum", async () => {
    const s = scope({ capMicro: 1_000 });
    const db = records();
    const l = new RedisLimiter(redis, prefix, 60_000, db.sum);
    const inflight = input([s], { estimateMicro: 300 });
    expect((await l.admit(inflight)).ok).toBe(true);
    db.rows.set("earlier", 500);
    await lose(l, s.scope);
    // Settled after the loss (its reservation went with it), and its record stored before the seed.
    await l.settle({ id: inflight.id, day: DAY, capped: [s.scope] }, 250);
    db.rows.set(inflight.id, 250);
    expect(await l.admit(input([s], { estimateMicro: 250 }))).toMatchObject({ ok: true, budgetLeftMicro: 0 });
    expect(db.seen.at(-1)).toEqual([inflight.id]);
    expect(await l.usage(s.scope, DAY)).toMatchObject({ settledMicro: 750, reservedMicro: 250 });
  });

  it("sums again when a settlement came between the sum and the seed", async () => {
    const s = scope({ capMicro: 10_000 });
    const late = input([s], { estimateMicro: 100 });
    const db = records();
    let settleDuringSum = false;
    const l = new RedisLimiter(redis, prefix, 60_000, async (sc, day, except) => {
      const sum = await db.sum(sc, day, except);
      if (settleDuringSum) {
        // The in-flight request settles, and its record is stored, after the records were summed.
        settleDuringSum = false;
        await l.settle({ id: late.id, day: DAY, capped: [s.scope] }, 40);
        db.rows.set(late.id, 40);
      }
      return sum;
    });
    expect((await l.admit(late)).ok).toBe(true);
    db.rows.set("earlier", 1_000);
    await lose(l, s.scope);
    settleDuringSum = true;
    expect((await l.admit(input([s], { estimateMicro: 100 }))).ok).toBe(true);
    expect(db.seen.slice(-2)).toEqual([[], [late.id]]);
    expect(await l.usage(s.scope, DAY)).toMatchObject({ settledMicro: 1_040, reservedMicro: 100 });
  });

  it("keeps a day written before seeding existed as it is (settled, no marker): nothing added", async () => {
    const s = scope({ capMicro: 1_000 });
    const l = new RedisLimiter(redis, prefix, 60_000, async () => 900);
    await redis.hset(l.keys(s.scope, DAY).spend, "settled", 300, "reserved", 0);
    expect(await l.admit(input([s], { estimateMicro: 100 }))).toMatchObject({ ok: true, budgetLeftMicro: 600 });
  });
});
