/**
 * Prompt-cache simulation: a prefix that carries a `cache_control` breakpoint
 * is written the first time it is seen and read while its TTL lasts, like the
 * API. Process-local state; deterministic for a given sequence of requests.
 */
import { hash53 } from "./random";
import { promptSegments } from "./tokens";

/**
 * Prefixes shorter than this are not cached. The API's minimum depends on the
 * model (1,024 tokens is the smallest); one value keeps the rule predictable.
 */
export const MIN_CACHEABLE_TOKENS = 1_024;
const TTL_MS = { "5m": 5 * 60_000, "1h": 60 * 60_000 } as const;
const MAX_ENTRIES = 10_000;

/** Prefix key → expiry time (ms). Map order doubles as the eviction order. */
const store = new Map<string, number>();

interface CacheSplit {
  input: number;
  write5m: number;
  write1h: number;
  read: number;
}

/** Forget every cached prefix (tests). */
export function resetPromptCache(): void {
  store.clear();
}

function remember(key: string, expires: number): void {
  store.delete(key);
  store.set(key, expires);
  if (store.size > MAX_ENTRIES) store.delete(store.keys().next().value as string);
}

/** Whether any object in the request has a cache_control member: only then is the cache simulated. */
export function mentionsCacheControl(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some(mentionsCacheControl);
  if (Object.hasOwn(value, "cache_control")) return true;
  for (const k in value) if (mentionsCacheControl((value as Record<string, unknown>)[k])) return true;
  return false;
}

/**
 * Splits `total` input tokens into uncached input, cache writes (by TTL) and
 * cache reads. Call only when the request mentions cache_control.
 */
export function simulateCache(body: Record<string, unknown>, model: string, total: number, now = Date.now()): CacheSplit {
  const segments = promptSegments(body);
  // A top-level cache_control is an automatic breakpoint on the last block.
  const last = segments[segments.length - 1];
  if (body.cache_control && last && !last.cacheTtl) {
    const ttl = (body.cache_control as { ttl?: string }).ttl === "1h" ? "1h" : "5m";
    last.cacheTtl = ttl;
  }

  const toolCount = Array.isArray(body.tools) ? body.tools.length : 0;
  const systemCount = typeof body.system === "string" ? 1 : Array.isArray(body.system) ? body.system.length : 0;
  const breakpoints: { key: string; tokens: number; ttl: "5m" | "1h" }[] = [];
  let h = hash53(model);
  let tokens = 0;
  segments.forEach((seg, i) => {
    // Changing thinking parameters invalidates cached message prefixes, not system or tools (§1.10).
    if (i === toolCount + systemCount) h = hash53(JSON.stringify(body.thinking ?? null), h % 4294967296);
    h = hash53(JSON.stringify(seg.node) ?? "", h % 4294967296);
    tokens += seg.tokens;
    if (seg.cacheTtl) breakpoints.push({ key: `${h.toString(36)}:${tokens}`, tokens, ttl: seg.cacheTtl });
  });

  const split: CacheSplit = { input: total, write5m: 0, write1h: 0, read: 0 };
  if (breakpoints.length === 0) return split;

  // The API looks back for the longest cached prefix; a hit refreshes its TTL.
  let hit = -1;
  for (let i = breakpoints.length - 1; i >= 0; i--) {
    const bp = breakpoints[i]!;
    const expires = store.get(bp.key);
    if (expires !== undefined && expires > now) {
      hit = i;
      split.read = bp.tokens;
      remember(bp.key, now + TTL_MS[bp.ttl]);
      break;
    }
  }
  let covered = split.read;
  for (const bp of breakpoints.slice(hit + 1)) {
    if (bp.tokens < MIN_CACHEABLE_TOKENS) continue;
    if (bp.ttl === "1h") split.write1h += bp.tokens - covered;
    else split.write5m += bp.tokens - covered;
    covered = bp.tokens;
    remember(bp.key, now + TTL_MS[bp.ttl]);
  }
  split.input = total - split.read - split.write5m - split.write1h;
  return split;
}
