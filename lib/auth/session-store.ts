/**
 * Server-side session state, so a session can end before its cookie does.
 * Signing in opens a row keyed by the SHA-256 of a random session id; the
 * sealed cookie (lib/auth/session.ts) carries the id. Every cookie-
 * authenticated request checks that the row is still there and unexpired, so
 * ending a session (logout, a password or role change, an admin's "end
 * sessions") stops the cookie itself, wherever a copy of it went.
 *
 * The check is cached per instance for THINKGATE_SESSION_CACHE_MS (5 s), so a
 * page's burst of API calls costs one read. Ending a session here forgets the
 * cached answers at once; the other instances forget theirs when the change
 * is announced on the cluster bus (lib/cluster: milliseconds with Redis, the
 * bus's 1 s version check when a notice is lost). Whatever happens to Redis,
 * another instance accepts an ended session for at most
 * THINKGATE_SESSION_CACHE_MS, the life of a cached answer.
 *
 * A request waits at most THINKGATE_SESSION_LOOKUP_MS (2 s) for the row
 * (lib/db/bounded-lookup.ts says why), and the requests of one session share
 * one read. Past the wait, a session this instance found live within
 * THINKGATE_SESSION_STALE_MS (1 hour) counts as live on that last answer,
 * marked stale (lib/api/wrap.ts lets such a request read, within the same
 * bound, and change nothing); any other gets a 503 with retry-after. An
 * ended session is never one of them: ending one clears every cached answer,
 * stale ones too, here and, announced, on the other instances.
 */
import crypto from "node:crypto";
import { LRUCache } from "lru-cache";
import { announceChange } from "../cluster/bus";
import { boundedLookup, splitGenerationKey, waitSetting, type GenerationKey } from "../db/bounded-lookup";
import { sessionsRepo } from "../db/sessions.repo";
import { logger } from "../observability/logger";

/** 0 turns the cache off (a read per request). Not "forever": LRUCache reads a ttl of 0 as "never expires". */
const CACHE_MS = cacheMs(process.env.THINKGATE_SESSION_CACHE_MS);

export function cacheMs(raw: string | undefined): number {
  const v = Number(raw ?? 5_000);
  return Number.isFinite(v) && v >= 0 ? v : 5_000;
}
const LOOKUP_WAIT_MS = waitSetting(process.env.THINKGATE_SESSION_LOOKUP_MS, 2_000);
/** How long a cookie-authenticated request waits for the database before it goes on without it (or gets a 503). */
export const sessionLookupMs = (): number => LOOKUP_WAIT_MS;
/** How long after the database last said a session (or its user) was live this instance still goes on that answer while the database does not answer. */
export const SESSION_STALE_MS = waitSetting(process.env.THINKGATE_SESSION_STALE_MS, 3_600_000);

/** lastSeenAt is for people reading the list, not for security: a write a minute per session is plenty. */
const TOUCH_EVERY_MS = 60_000;

interface Cached {
  /** null: no such session (never was, or ended). */
  live: { userId: string; expiresAt: number } | null;
  /** When the database said so (Date.now()). */
  at: number;
}

interface StoreState {
  cache: LRUCache<string, Cached>;
  /**
   * Bumped after every end. A lookup that read the database before an end
   * committed would otherwise cache "live" after the end had cleared the
   * cache, and keep an ended session working for a cache lifetime.
   */
  generation: number;
}

// On globalThis: Next's bundle of the pages holds its own copy of this module in the same process.
const g = globalThis as unknown as { __thinkgateSessionStore?: StoreState };
const s = (g.__thinkgateSessionStore ??= {
  // Expired answers stay until evicted, for the lookup that finds the database not answering.
  cache: new LRUCache<string, Cached>({ max: 10_000, ttl: Math.max(CACHE_MS, 1), noDeleteOnStaleGet: true }),
  generation: 0,
});

export function newSessionId(): string {
  return crypto.randomBytes(32).toString("base64url");
}

export function hashSessionId(id: string): string {
  return crypto.createHash("sha256").update(id).digest("hex");
}

const clip = (v: string | undefined, max: number): string | null => (v ? v.slice(0, max) : null);

/** Opens a session for the user; returns its id, for the cookie. */
export async function openSession(userId: string, ttlSeconds: number, client: { userAgent?: string; ip?: string } = {}): Promise<string> {
  const id = newSessionId();
  const now = new Date();
  // Expired rows go at the next sign-in: no job to schedule, and the table stays about the size of the live sessions.
  await sessionsRepo.deleteExpired(now);
  await sessionsRepo.create({
    hash: hashSessionId(id),
    userId,
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
    userAgent: clip(client.userAgent, 256),
    ip: clip(client.ip, 64),
  });
  return id;
}

/** Whether a session is live, and whether that is the database's answer or this instance's last one (stale: the database did not answer). */
export interface SessionCheck {
  live: boolean;
  stale: boolean;
}

/**
 * By generation and hash: a request that comes after a session ended does not
 * join a read begun before, which may have seen it live. Every answer is kept
 * (the stale one is wanted even with the cache off); reads of fresh ones
 * honour THINKGATE_SESSION_CACHE_MS.
 */
const lookups = boundedLookup<GenerationKey, Cached & { stale?: true }>({
  what: "a session lookup",
  waitMs: LOOKUP_WAIT_MS,
  async load(key) {
    const [generation, hash] = splitGenerationKey(key);
    const row = await sessionsRepo.byHash(hash);
    const answer: Cached = { live: row ? { userId: row.userId, expiresAt: row.expiresAt.getTime() } : null, at: Date.now() };
    if (generation === s.generation) s.cache.set(hash, answer);
    if (row && Date.now() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      sessionsRepo.touch(hash, new Date()).catch((err: Error) => logger.warn({ err: err.message }, "could not note a session's last use"));
    }
    return answer;
  },
  stale(key) {
    const last = s.cache.get(splitGenerationKey(key)[1], { allowStale: true });
    return last?.live && Date.now() - last.at <= SESSION_STALE_MS ? { ...last, stale: true } : undefined;
  },
});

/** Whether `id` names a session of `userId` that has neither ended nor expired. */
export async function checkSession(id: string, userId: string): Promise<SessionCheck> {
  const hash = hashSessionId(id);
  const hit: (Cached & { stale?: true }) | undefined = CACHE_MS > 0 ? s.cache.get(hash) : undefined;
  const answer = hit ?? (await lookups.get(`${s.generation}:${hash}`));
  return { live: answer.live !== null && answer.live.userId === userId && answer.live.expiresAt > Date.now(), stale: answer.stale === true };
}

/** Ends one session (logout). */
export async function endSession(id: string): Promise<void> {
  await sessionsRepo.delete(hashSessionId(id));
  await forgetEnded();
}

/** Ends every session of a user; returns how many there were. */
export async function endUserSessions(userId: string): Promise<number> {
  const ended = await sessionsRepo.deleteForUser(userId);
  await forgetEnded();
  return ended;
}

/** Live sessions per user, for the admin's list. */
export function activeSessionCounts(): Promise<Map<string, number>> {
  return sessionsRepo.activeCounts(new Date());
}

/** Forgets every cached answer (a session ended here or on another instance). */
export function clearSessionCache(): void {
  s.generation++;
  s.cache.clear();
}

/** After the rows are gone (not before: a lookup in between would cache them as live). */
async function forgetEnded(): Promise<void> {
  clearSessionCache();
  await announceChange("sessions");
}
