/**
 * Gateway API keys: generation, hashing and the lookup on every request.
 *
 * Keys are 192-bit random secrets, so a single SHA-256 is the right hash (a
 * slow password hash buys nothing against a secret that cannot be guessed).
 * Lookups are cached briefly so the request path does not read the database;
 * a revoked key stops working within the cache's lifetime (at once on every
 * instance when the revocation is announced over Redis). While the database
 * is unreachable, keys accepted in the last hour keep working (authenticate).
 *
 * Why checking a key takes the same time whatever the caller guessed: the
 * presented secret is never compared with anything. It is hashed (SHA-256
 * takes the same time for every input of a given length), and only digests
 * are compared. The cache and the database find the row by the digest with
 * ordinary, early-exit comparisons; at most those reveal how many leading
 * bytes of SHA-256(guess) match a stored digest, and an attacker cannot steer
 * a digest byte by byte (that would be a preimage attack on SHA-256), so the
 * timing says nothing about the secret. The final check is
 * crypto.timingSafeEqual over the two 32-byte digests, so no byte-by-byte
 * comparison on the request path depends on how much of a secret was right.
 */
import crypto from "node:crypto";
import { LRUCache } from "lru-cache";
import { boundedLookup, waitSetting } from "../db/bounded-lookup";
import { keysRepo, type KeyRow, type Role } from "../db/keys.repo";
import { activeLimits, type LimitPolicy } from "../limits/policy";
import { noteKeyUsed } from "./key-usage";
import { DEFAULT_THINKING_POLICY, toThinkingPolicy, type ThinkingPolicy } from "../models/client-thinking";
import { MIN_SECRET_LENGTH } from "../runtime/env";
import { isRole } from "../auth/roles";
import { fromAppsColumn, type KeyApps } from "../keys/apps";

export type { Role };
export { hasRole, isRole, ROLES } from "../auth/roles";

export function hashKey(secret: string): string {
  return crypto.createHash("sha256").update(secret).digest("hex");
}

/** Constant-time equality of two hex SHA-256 digests (false for anything that is not one). */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === 32 && y.length === 32 && crypto.timingSafeEqual(x, y);
}

/** The characters shown in the UI to tell keys apart: never more than a third of the secret. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, Math.min(10, Math.floor(secret.length / 3)));
}

export function generateSecret(): string {
  return `tg_${crypto.randomBytes(24).toString("base64url")}`;
}

export interface Principal {
  keyId: string;
  role: Role;
  name: string;
  /** The key's rpm and daily budget (lib/limits), when it has any. */
  limits?: LimitPolicy | null;
  /** What the gateway does with thinking this key's clients send (lib/models/client-thinking.ts). */
  thinking?: ThinkingPolicy;
  /** The apps the key may be used for, the default first; null or absent: any (lib/keys/apps.ts). */
  apps?: KeyApps;
}

const CACHE_TTL_MS = Number(process.env.THINKGATE_KEY_CACHE_MS ?? 5_000);
const STALE_MS = Number(process.env.THINKGATE_KEY_STALE_MS ?? 3_600_000);
interface Cached {
  principal: Principal | null;
  /** When the database said so (Date.now()). */
  at: number;
}
// Expired entries stay until evicted, for the lookup that finds the database unreachable (authenticate).
const cache = new LRUCache<string, Cached>({ max: 10_000, ttl: CACHE_TTL_MS, noDeleteOnStaleGet: true });

/** The key named in x-api-key or Authorization: Bearer (SDK 1.x sends Bearer). */
export function presentedKey(headers: Record<string, string | undefined>): string | undefined {
  const x = headers["x-api-key"]?.trim();
  if (x) return x;
  const auth = headers["authorization"];
  if (auth && auth.length > 7 && auth.slice(0, 7).toLowerCase() === "bearer ") return auth.slice(7).trim() || undefined;
  return undefined;
}

/**
 * How long a request waits for its key's row before it treats the database
 * as unreachable (lib/db/bounded-lookup.ts says why a wait must end).
 */
const LOOKUP_WAIT_MS = waitSetting(process.env.THINKGATE_KEY_LOOKUP_MS, 2_000);

/** By digest: the requests of one key share one query, rather than each taking a pool slot while the database does not answer. */
const lookups = boundedLookup<string, Principal | null>({
  what: "a key lookup",
  waitMs: LOOKUP_WAIT_MS,
  async load(hash) {
    const row = await keysRepo.findByHash(hash);
    const principal = row && digestsEqual(row.hash, hash) && !row.revokedAt && isRole(row.role) ? { keyId: row.id, role: row.role, name: row.name, limits: activeLimits(row), thinking: toThinkingPolicy(row.thinkingPolicy, row.thinkingCap) ?? DEFAULT_THINKING_POLICY, apps: fromAppsColumn(row.apps) } : null;
    // A lookup that outlived its wait still refreshes the cache when the answer comes.
    cache.set(hash, { principal, at: Date.now() });
    return principal;
  },
  // The database is unreachable (an error, or no answer in time): a key
  // this process accepted within the last THINKGATE_KEY_STALE_MS (1 hour)
  // keeps working, so an outage longer than the cache's 5 s does not lock
  // out every caller. Records wait in the spool meanwhile. A key it never
  // saw, or saw refused, still fails; a revocation saved elsewhere reaches
  // this instance through the cluster notice, which clears this cache.
  stale(hash) {
    const stale = cache.get(hash, { allowStale: true });
    return stale?.principal && Date.now() - stale.at <= STALE_MS ? stale.principal : undefined;
  },
});

export async function authenticate(secret: string | undefined): Promise<Principal | null> {
  if (!secret || secret.length > 512) return null;
  const hash = hashKey(secret);
  const hit = cache.get(hash);
  const principal = hit ? hit.principal : await lookups.get(hash);
  if (principal) noteKeyUsed(principal.keyId);
  return principal;
}

/** Forget cached lookups (after a key is revoked on this instance). */
export function clearKeyCache(): void {
  cache.clear();
}

export async function createKey(name: string, role: Role, secret = generateSecret()): Promise<{ secret: string; key: KeyRow }> {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`a key must be at least ${MIN_SECRET_LENGTH} characters long`);
  const key = await keysRepo.create({ name, role, prefix: displayPrefix(secret), hash: hashKey(secret) });
  return { secret, key };
}
