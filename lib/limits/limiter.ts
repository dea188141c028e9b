/**
 * The limiter's contract, kept by the in-memory implementation (one process,
 * lib/limits/memory.ts) and the Redis one (several instances,
 * lib/limits/redis.ts). Money is counted in integer micro-dollars.
 *
 * admit() decides and reserves in one atomic step, for every scope of the
 * request at once (its key and its app):
 *   1. rpm: a sliding 60 s window of admitted requests; at the cap → rejected,
 *      retry when the oldest request in the window leaves it.
 *   2. budget: settled + reserved + this request's estimate must stay within
 *      the day's cap. Over it, a scope whose action is `downgrade` retries the
 *      check with the standard route's estimate (when the request was going to
 *      reason); otherwise → rejected until the UTC day ends.
 *   3. admitted: the request counts in every rpm window, and its estimate is
 *      reserved in every capped scope, for at most the reservation TTL.
 * settle() replaces the reservation by the real cost. A reservation that is
 * never settled (its instance died mid-request, which the API may have
 * billed) lapses after the TTL into spend: it counts as settled at its
 * estimate, never as $0; a settlement that still comes replaces it.
 *
 * Invariant: spend admitted in a scope's day never exceeds its cap as long as
 * each request's real cost is within its estimate; in general
 * settled(day) ≤ cap + Σ max(0, actual − estimate) over that day's requests.
 */
export interface ScopeLimit {
  /** e.g. "key:ck…" or "app:legal-review". */
  scope: string;
  rpm: number | null;
  capMicro: number | null;
  downgrade: boolean;
}

export interface AdmitInput {
  id: string;
  scopes: ScopeLimit[];
  /** The cost estimate of the request as routed. */
  estimateMicro: number;
  /** The estimate on the standard route, when a downgrade could serve the request; null otherwise. */
  fallbackMicro: number | null;
  /** UTC day the spend counts against, YYYY-MM-DD. */
  day: string;
}

export type AdmitResult =
  | {
      ok: true;
      downgraded: boolean;
      reservedMicro: number;
      /** Least requests left in any rpm window after this one (null: no rpm). */
      requestsLeft: number | null;
      /** Least budget left today in any capped scope after the reservation (null: no cap). */
      budgetLeftMicro: number | null;
    }
  | { ok: false; scope: string; kind: "rpm" | "budget"; retryAfterMs: number };

export interface Ticket {
  id: string;
  day: string;
  /** Scopes whose spend is counted (those with a cap). */
  capped: string[];
}

export interface Limiter {
  admit(input: AdmitInput): Promise<AdmitResult>;
  settle(ticket: Ticket, actualMicro: number): Promise<void>;
}

export const WINDOW_MS = 60_000;
export const DAY_KEEP_S = 2 * 86_400;

export function reservationTtlMs(): number {
  return Number(process.env.THINKGATE_LIMIT_RESERVATION_TTL_MS ?? 15 * 60_000);
}

export const toMicro = (usd: number) => Math.round(usd * 1e6);

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Milliseconds until the UTC day of `at` ends. */
export function msToDayEnd(at: Date): number {
  const next = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1);
  return next - at.getTime();
}

/** The budget rule shared by both implementations: which estimate (if any) fits every capped scope. */
export function chooseEstimate(
  scopes: ScopeLimit[],
  used: (number | null)[],
  estimate: number,
  fallback: number | null,
): { ok: true; chosen: number; downgraded: boolean } | { ok: false; scope: string } {
  let needsDowngrade = false;
  for (let i = 0; i < scopes.length; i++) {
    const s = scopes[i]!;
    if (s.capMicro === null || used[i]! + estimate <= s.capMicro) continue;
    if (!s.downgrade || fallback === null) return { ok: false, scope: s.scope };
    needsDowngrade = true;
  }
  if (!needsDowngrade) return { ok: true, chosen: estimate, downgraded: false };
  for (let i = 0; i < scopes.length; i++) {
    const s = scopes[i]!;
    if (s.capMicro !== null && used[i]! + fallback! > s.capMicro) return { ok: false, scope: s.scope };
  }
  return { ok: true, chosen: fallback!, downgraded: true };
}
