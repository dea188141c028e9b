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
 */
import crypto from "node:crypto";
import { LRUCache } from "lru-cache";
import { announceChange } from "../cluster/bus";
import { sessionsRepo } from "../db/sessions.repo";
import { logger } from "../observability/logger";

/** 0 turns the cache off (a read per request). Not "forever": LRUCache reads a ttl of 0 as "never expires". */
const CACHE_MS = cacheMs(process.env.THINKGATE_SESSION_CACHE_MS);

export function cacheMs(raw: string | undefined): number {
  const v = Number(raw ?? 5_000);
  return Number.isFinite(v) && v >= 0 ? v : 5_000;
}
/** lastSeenAt is for people reading the list, not for security: a write a minute per session is plenty. */
const TOUCH_EVERY_MS = 60_000;

interface Cached {
  /** null: no such session (never was, or ended). */
  live: { userId: string; expiresAt: number } | null;
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
  cache: new LRUCache<string, Cached>({ max: 10_000, ttl: Math.max(CACHE_MS, 1) }),
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

/** Whether `id` names a session of `userId` that has neither ended nor expired. */
export async function isLiveSession(id: string, userId: string): Promise<boolean> {
  const hash = hashSessionId(id);
  let hit = s.cache.get(hash);
  if (!hit) {
    const generation = s.generation;
    const row = await sessionsRepo.byHash(hash);
    hit = { live: row ? { userId: row.userId, expiresAt: row.expiresAt.getTime() } : null };
    if (CACHE_MS > 0 && generation === s.generation) s.cache.set(hash, hit);
    if (row && Date.now() - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
      sessionsRepo.touch(hash, new Date()).catch((err: Error) => logger.warn({ err: err.message }, "could not note a session's last use"));
    }
  }
  return hit.live !== null && hit.live.userId === userId && hit.live.expiresAt > Date.now();
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
