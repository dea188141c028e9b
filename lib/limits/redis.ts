/**
 * The limiter shared by several instances: two Lua scripts on Redis, so a
 * decision and its reservation are one atomic step whichever instance makes
 * it (one round trip per request), and settling is one more, off the
 * response path. Time comes from Redis (TIME), so instances with skewed
 * clocks still share one window.
 *
 * Keys per scope (prefix THINKGATE_REDIS_PREFIX):
 *   <p>limit:rpm:<scope>            sorted set: request id → admission time (ms), the last 60 s
 *   <p>limit:spend:<scope>:<day>    hash: settled, reserved (micro-dollars), r:<id> → reserved amount,
 *                                   l:<id> → a lapsed reservation's amount, counted in settled,
 *                                   seeded → what the records counted when the day's state was built,
 *                                   u:<id> → a settlement that came while the state was missing
 *   <p>limit:resv:<scope>:<day>     sorted set: request id → reservation expiry (ms)
 * Day keys expire two days after their last write.
 *
 * Redis may lose a day's state: FLUSHALL, eviction under maxmemory, a restart
 * without persistence, a failover to an empty replica. Counting from zero
 * again would let every budget be spent twice, so a spend hash is live only
 * once it has been seeded from the records (recorded.ts spendOf: the
 * same budgetUsd a start without Redis reloads). A capped
 * request whose scope has no live hash (the day's first, or the state is
 * gone) is not admitted until it is: its instance sums the day's records and
 * SEED_LUA adds the sum and marks the hash in one step, only if no other
 * instance did it first (SET NX semantics: two instances never both add).
 * A hash with settled or reserved but no seed marker was written before the
 * marker existed and is live as it is.
 *
 * Why this neither counts twice nor loses spend (F: the state is lost,
 * R: the records are summed, A: the seed is applied; F < R < A):
 *  - Settled before F: lost with F; its record counts in the seed if it was
 *    stored by R. The recorder stores records in batches, off the response
 *    path, so what was settled within about one batch interval before R
 *    (more while the database is unreachable: the spool holds it) is not
 *    yet a row and is lost: the bound is the spend settled in the recorder's
 *    backlog at R.
 *  - Admitted between F and A: none. Admission waits for the seed, so
 *    nothing is reserved or counted live until the records are.
 *  - Reserved before F, settled between F and A: its reservation went with
 *    F. The settlement is kept aside as u:<id>, not in settled; the records
 *    are summed without those ids, and the seed adds the u: amounts. The
 *    seed applies only if the u: ids are exactly the ones left out of the sum
 *    (one more came meanwhile: sum again), so each is counted once, whether
 *    its record was stored by R or not.
 *  - Reserved before F, settled after A: counted live when it settles. Its
 *    record is queued for storage when it settles, after the settlement is
 *    sent, so it is not among the records summed at R; it counts twice only
 *    if the settlement reached Redis later than its record reached the
 *    database (a settle slower than a recorder batch; commands time out after
 *    THINKGATE_REDIS_TIMEOUT_MS): over, never under, by at most the spend of
 *    the requests in flight at F.
 *  - Reserved before F by an instance that then died: its reservation can no
 *    longer lapse into spend; its record (replayed by the next start with the
 *    reservation as its charge) counts if it is stored by R.
 *  - Admitted after A: counted live; its record is stored after R, so it is
 *    not in the seed. The next loss reseeds from records that include it.
 */
import type Redis from "ioredis";
import { DAY_KEEP_S, reservationTtlMs, WINDOW_MS, type AdmitInput, type AdmitResult, type Limiter, type Ticket } from "./limiter";

/* A spend hash is live once seeded, or when written before seeding existed (settled or reserved, no marker). */
const LIVE_LUA = `
local function live(sk)
  local v = redis.call('HMGET', sk, 'seeded', 'settled', 'reserved')
  return v[1] or v[2] or v[3]
end`;

/*
 * KEYS: per scope i (1-based) rpm, spend, resv at 3i-2, 3i-1, 3i.
 * ARGV: id, n, estimate, fallback (-1: none), window ms, reservation ttl ms, day keep s,
 *       then per scope rpm (-1), cap (-1), downgrade (0|1) at 8+3(i-1) ...
 * Returns {1, downgraded, chosen, requestsLeft (-1), budgetLeft (-1)}, {0, i, kind (1 rpm, 2 budget), retryAfterMs},
 * or {2, i, j, ...}: the capped scopes whose day is not seeded yet (nothing was counted).
 */
export const ADMIT_LUA = `${LIVE_LUA}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id = ARGV[1]
local n = tonumber(ARGV[2])
local est = tonumber(ARGV[3])
local fb = tonumber(ARGV[4])
local window = tonumber(ARGV[5])
local ttl = tonumber(ARGV[6])
local keep = tonumber(ARGV[7])
local rpm, cap, down = {}, {}, {}
for i = 1, n do
  rpm[i] = tonumber(ARGV[8 + (i - 1) * 3])
  cap[i] = tonumber(ARGV[9 + (i - 1) * 3])
  down[i] = ARGV[10 + (i - 1) * 3] == '1'
end
local unseeded = {2}
for i = 1, n do
  if cap[i] >= 0 and not live(KEYS[3 * i - 1]) then unseeded[#unseeded + 1] = i end
end
if #unseeded > 1 then return unseeded end
local left = -1
for i = 1, n do
  if rpm[i] >= 0 then
    local k = KEYS[3 * i - 2]
    redis.call('ZREMRANGEBYSCORE', k, '-inf', now - window)
    local count = redis.call('ZCARD', k)
    if count >= rpm[i] then
      local frees = redis.call('ZRANGE', k, count - rpm[i], count - rpm[i], 'WITHSCORES')
      local retry = window
      if frees[2] then retry = tonumber(frees[2]) + window - now end
      if retry < 1 then retry = 1 end
      return {0, i, 1, retry}
    end
    local l = rpm[i] - count - 1
    if left < 0 or l < left then left = l end
  end
end
local used = {}
for i = 1, n do
  if cap[i] >= 0 then
    local sk, rk = KEYS[3 * i - 1], KEYS[3 * i]
    local lapsed = redis.call('ZRANGEBYSCORE', rk, '-inf', now, 'LIMIT', 0, 200)
    for _, rid in ipairs(lapsed) do
      local amt = redis.call('HGET', sk, 'r:' .. rid)
      if amt then
        redis.call('HINCRBY', sk, 'reserved', -tonumber(amt))
        redis.call('HDEL', sk, 'r:' .. rid)
        redis.call('HINCRBY', sk, 'settled', tonumber(amt))
        redis.call('HSET', sk, 'l:' .. rid, amt)
      end
      redis.call('ZREM', rk, rid)
    end
    local v = redis.call('HMGET', sk, 'settled', 'reserved')
    used[i] = (tonumber(v[1]) or 0) + (tonumber(v[2]) or 0)
  end
end
local chosen, downgraded = est, 0
for i = 1, n do
  if cap[i] >= 0 and used[i] + est > cap[i] then
    if (not down[i]) or fb < 0 then return {0, i, 2, -1} end
    downgraded = 1
  end
end
if downgraded == 1 then
  chosen = fb
  for i = 1, n do
    if cap[i] >= 0 and used[i] + fb > cap[i] then return {0, i, 2, -1} end
  end
end
local budget = -1
for i = 1, n do
  if rpm[i] >= 0 then
    local k = KEYS[3 * i - 2]
    redis.call('ZADD', k, now, id)
    redis.call('PEXPIRE', k, window)
  end
  if cap[i] >= 0 then
    local sk, rk = KEYS[3 * i - 1], KEYS[3 * i]
    redis.call('HINCRBY', sk, 'reserved', chosen)
    redis.call('HSET', sk, 'r:' .. id, chosen)
    redis.call('ZADD', rk, now + ttl, id)
    redis.call('EXPIRE', sk, keep)
    redis.call('EXPIRE', rk, keep)
    local b = cap[i] - used[i] - chosen
    if budget < 0 or b < budget then budget = b end
  end
end
return {1, downgraded, chosen, left, budget}`;

/*
 * KEYS: spend, resv per capped scope. ARGV: id, actual micro-dollars, day keep s.
 * On a hash that is not live (the day's state was lost since the request was
 * admitted) the amount is kept aside as u:<id> for the seed to count.
 */
export const SETTLE_LUA = `${LIVE_LUA}
local id = ARGV[1]
local actual = tonumber(ARGV[2])
local keep = tonumber(ARGV[3])
for i = 1, #KEYS, 2 do
  local sk, rk = KEYS[i], KEYS[i + 1]
  if not live(sk) then
    redis.call('HINCRBY', sk, 'u:' .. id, actual)
    redis.call('EXPIRE', sk, keep)
  else
    local amt = redis.call('HGET', sk, 'r:' .. id)
    if amt then
      redis.call('HINCRBY', sk, 'reserved', -tonumber(amt))
      redis.call('HDEL', sk, 'r:' .. id)
      redis.call('ZREM', rk, id)
    end
    local lapsed = redis.call('HGET', sk, 'l:' .. id)
    if lapsed then
      redis.call('HINCRBY', sk, 'settled', -tonumber(lapsed))
      redis.call('HDEL', sk, 'l:' .. id)
    end
    redis.call('HINCRBY', sk, 'settled', actual)
    redis.call('EXPIRE', sk, keep)
  end
end
return 1`;

/*
 * KEYS: spend. ARGV: the records' sum (micro-dollars, without the u: ids), day keep s, then the u: ids left out of it.
 * Returns 1 when the hash is live (seeded now, or by another instance first), 0 when the u: ids are not the ones
 * given (a settlement came meanwhile: sum again).
 */
export const SEED_LUA = `${LIVE_LUA}
local sk = KEYS[1]
if live(sk) then return 1 end
local seed = tonumber(ARGV[1])
local keep = tonumber(ARGV[2])
local given = {}
for i = 3, #ARGV do given['u:' .. ARGV[i]] = true end
local fields = redis.call('HGETALL', sk)
local aside, count = 0, 0
for i = 1, #fields, 2 do
  local f = fields[i]
  if string.sub(f, 1, 2) == 'u:' then
    if not given[f] then return 0 end
    aside = aside + tonumber(fields[i + 1])
    count = count + 1
  end
end
if count ~= #ARGV - 2 then return 0 end
for i = 3, #ARGV do redis.call('HDEL', sk, 'u:' .. ARGV[i]) end
redis.call('HSET', sk, 'seeded', seed, 'reserved', 0)
redis.call('HINCRBY', sk, 'settled', seed + aside)
redis.call('EXPIRE', sk, keep)
return 1`;

/** What the records of a scope's day counted against its budget, in micro-dollars, leaving out the given request ids. */
export type SpendSource = (scope: string, day: string, exceptIds: string[]) => Promise<number>;

const SEED_ATTEMPTS = 5;

type Scripted = Redis & {
  tgLimitAdmit(...args: (string | number)[]): Promise<number[]>;
  tgLimitSettle(...args: (string | number)[]): Promise<number>;
  tgLimitSeed(...args: (string | number)[]): Promise<number>;
};

export class RedisLimiter implements Limiter {
  private readonly redis: Scripted;
  /** Seeds in progress in this process, per spend key: concurrent requests of a scope share one sum of the records. */
  private readonly seeding = new Map<string, Promise<void>>();

  /** `spendOf` sums the records (recorded.ts); without it a day starts from zero (tests of the scripts alone). */
  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs = reservationTtlMs(),
    private readonly spendOf: SpendSource = async () => 0,
  ) {
    // defineCommand sends EVALSHA and loads the script once when Redis does not know it yet.
    if (!("tgLimitSeed" in redis)) {
      redis.defineCommand("tgLimitAdmit", { lua: ADMIT_LUA });
      redis.defineCommand("tgLimitSettle", { lua: SETTLE_LUA });
      redis.defineCommand("tgLimitSeed", { lua: SEED_LUA });
    }
    this.redis = redis as Scripted;
  }

  /** Builds a scope's day from the records once (SEED_LUA), unless another instance has. */
  private seed(scope: string, day: string): Promise<void> {
    const sk = this.keys(scope, day).spend;
    let p = this.seeding.get(sk);
    if (!p) {
      p = (async () => {
        for (let attempt = 0; attempt < SEED_ATTEMPTS; attempt++) {
          const aside = (await this.redis.hkeys(sk)).filter((f) => f.startsWith("u:")).map((f) => f.slice(2));
          const sum = await this.spendOf(scope, day, aside);
          if ((await this.redis.tgLimitSeed(1, sk, Math.max(0, Math.round(sum)), DAY_KEEP_S, ...aside)) === 1) return;
        }
        throw new Error(`the spend of ${scope} on ${day} could not be seeded: settlements kept arriving`);
      })().finally(() => this.seeding.delete(sk));
      this.seeding.set(sk, p);
    }
    return p;
  }

  keys(scope: string, day: string): { rpm: string; spend: string; resv: string } {
    return { rpm: `${this.prefix}limit:rpm:${scope}`, spend: `${this.prefix}limit:spend:${scope}:${day}`, resv: `${this.prefix}limit:resv:${scope}:${day}` };
  }

  async admit(input: AdmitInput): Promise<AdmitResult> {
    const keys: string[] = [];
    const args: (string | number)[] = [input.id, input.scopes.length, input.estimateMicro, input.fallbackMicro ?? -1, WINDOW_MS, this.ttlMs, DAY_KEEP_S];
    for (const sc of input.scopes) {
      const k = this.keys(sc.scope, input.day);
      keys.push(k.rpm, k.spend, k.resv);
      args.push(sc.rpm ?? -1, sc.capMicro ?? -1, sc.downgrade ? 1 : 0);
    }
    let r = await this.redis.tgLimitAdmit(keys.length, ...keys, ...args);
    // Not seeded yet: seed, then decide. Twice at most (the state lost again in between is not waited out).
    for (let round = 0; r[0] === 2 && round < 2; round++) {
      await Promise.all(r.slice(1).map((i) => this.seed(input.scopes[i - 1]!.scope, input.day)));
      r = await this.redis.tgLimitAdmit(keys.length, ...keys, ...args);
    }
    if (r[0] === 2) throw new Error("the day's spend in redis was lost again while it was being seeded");
    if (r[0] === 1) {
      return { ok: true, downgraded: r[1] === 1, reservedMicro: r[2]!, requestsLeft: r[3]! < 0 ? null : r[3]!, budgetLeftMicro: r[4]! < 0 ? null : r[4]! };
    }
    return { ok: false, scope: input.scopes[r[1]! - 1]!.scope, kind: r[2] === 1 ? "rpm" : "budget", retryAfterMs: r[3]! };
  }

  async settle(ticket: Ticket, actualMicro: number): Promise<void> {
    if (!ticket.capped.length) return;
    const keys = ticket.capped.flatMap((scope) => {
      const k = this.keys(scope, ticket.day);
      return [k.spend, k.resv];
    });
    await this.redis.tgLimitSettle(keys.length, ...keys, ticket.id, actualMicro, DAY_KEEP_S);
  }

  /** What a scope has used: requests in the window, and the day's settled and reserved spend (micro-dollars). */
  async usage(scope: string, day: string): Promise<{ requests: number; settledMicro: number; reservedMicro: number }> {
    const k = this.keys(scope, day);
    const [[, count], [, spend]] = (await this.redis
      .multi()
      .zcount(k.rpm, `(${Date.now() - WINDOW_MS}`, "+inf")
      .hmget(k.spend, "settled", "reserved")
      .exec()) as [[unknown, number], [unknown, (string | null)[]]];
    return { requests: count, settledMicro: Number(spend[0] ?? 0), reservedMicro: Number(spend[1] ?? 0) };
  }
}
