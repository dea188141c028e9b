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
 *                                   l:<id> → a lapsed reservation's amount, counted in settled
 *   <p>limit:resv:<scope>:<day>     sorted set: request id → reservation expiry (ms)
 * Day keys expire two days after their last write.
 */
import type Redis from "ioredis";
import { DAY_KEEP_S, reservationTtlMs, WINDOW_MS, type AdmitInput, type AdmitResult, type Limiter, type Ticket } from "./limiter";

/*
 * KEYS: per scope i (1-based) rpm, spend, resv at 3i-2, 3i-1, 3i.
 * ARGV: id, n, estimate, fallback (-1: none), window ms, reservation ttl ms, day keep s,
 *       then per scope rpm (-1), cap (-1), downgrade (0|1) at 8+3(i-1) ...
 * Returns {1, downgraded, chosen, requestsLeft (-1), budgetLeft (-1)} or {0, i, kind (1 rpm, 2 budget), retryAfterMs}.
 */
export const ADMIT_LUA = `
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

/* KEYS: spend, resv per capped scope. ARGV: id, actual micro-dollars, day keep s. */
export const SETTLE_LUA = `
local id = ARGV[1]
local actual = tonumber(ARGV[2])
local keep = tonumber(ARGV[3])
for i = 1, #KEYS, 2 do
  local sk, rk = KEYS[i], KEYS[i + 1]
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
return 1`;

type Scripted = Redis & {
  tgLimitAdmit(...args: (string | number)[]): Promise<number[]>;
  tgLimitSettle(...args: (string | number)[]): Promise<number>;
};

export class RedisLimiter implements Limiter {
  private readonly redis: Scripted;

  constructor(redis: Redis, private readonly prefix: string, private readonly ttlMs = reservationTtlMs()) {
    // defineCommand sends EVALSHA and loads the script once when Redis does not know it yet.
    if (!("tgLimitAdmit" in redis)) {
      redis.defineCommand("tgLimitAdmit", { lua: ADMIT_LUA });
      redis.defineCommand("tgLimitSettle", { lua: SETTLE_LUA });
    }
    this.redis = redis as Scripted;
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
    const r = await this.redis.tgLimitAdmit(keys.length, ...keys, ...args);
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
