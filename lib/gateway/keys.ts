/**
 * Gateway API keys: generation, hashing and the lookup on every request.
 *
 * Keys are 192-bit random secrets, so a single SHA-256 is the right hash (a
 * slow password hash buys nothing against a secret that cannot be guessed),
 * and looking a key up by its hash means no secret is ever compared byte by
 * byte. Lookups are cached briefly so the request path does not read the
 * database; a revoked key stops working within the cache's lifetime.
 */
import crypto from "node:crypto";
import { LRUCache } from "lru-cache";
import { keysRepo, type KeyRow, type Role } from "../db/keys.repo";

export type { Role };

const ROLE_RANK: Record<Role, number> = { gateway: 0, viewer: 1, editor: 2, admin: 3 };
export const ROLES = Object.keys(ROLE_RANK) as Role[];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && value in ROLE_RANK;
}

/** True when `role` may do what `required` allows. Every role may call the gateway. */
export function hasRole(role: Role, required: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[required];
}

export function hashKey(secret: string): string {
  return crypto.createHash("sha256").update(secret).digest("hex");
}

export function generateSecret(): string {
  return `tg_${crypto.randomBytes(24).toString("base64url")}`;
}

export interface Principal {
  keyId: string;
  role: Role;
  name: string;
}

const CACHE_TTL_MS = Number(process.env.THINKGATE_KEY_CACHE_MS ?? 5_000);
const cache = new LRUCache<string, { principal: Principal | null }>({ max: 10_000, ttl: CACHE_TTL_MS });

/** The key named in x-api-key or Authorization: Bearer (SDK 1.x sends Bearer). */
export function presentedKey(headers: Record<string, string | undefined>): string | undefined {
  const x = headers["x-api-key"]?.trim();
  if (x) return x;
  const auth = headers["authorization"];
  if (auth && auth.length > 7 && auth.slice(0, 7).toLowerCase() === "bearer ") return auth.slice(7).trim() || undefined;
  return undefined;
}

export async function authenticate(secret: string | undefined): Promise<Principal | null> {
  if (!secret || secret.length > 512) return null;
  const hash = hashKey(secret);
  const hit = cache.get(hash);
  if (hit) return hit.principal;
  const row = await keysRepo.findByHash(hash);
  const principal = row && !row.revokedAt && isRole(row.role) ? { keyId: row.id, role: row.role, name: row.name } : null;
  cache.set(hash, { principal });
  return principal;
}

/** Forget cached lookups (after a key is revoked on this instance). */
export function clearKeyCache(): void {
  cache.clear();
}

export async function createKey(name: string, role: Role, secret = generateSecret()): Promise<{ secret: string; key: KeyRow }> {
  const key = await keysRepo.create({ name, role, prefix: secret.slice(0, 10), hash: hashKey(secret) });
  return { secret, key };
}
