/**
 * A circuit breaker per upstream model. After `failures` consecutive failed
 * calls (429, 5xx, connection errors, timeouts) the model's circuit opens and
 * the gateway stops calling it: requests go straight to their route's
 * fallback, or get a 529 with `retry-after` when no candidate is left. After
 * `cooldownMs` one call is let through as a probe (half-open): its success
 * closes the circuit, its failure opens it for another cool-down.
 *
 * The state lives in this process. That is enough for its purpose: each
 * instance learns within a handful of calls that a model is down, and a
 * wrongly closed circuit costs a few failed calls that are retried or fall
 * back anyway. Sharing it would put a network round trip on every request.
 */

export type CircuitState = "closed" | "open" | "half_open";

interface Entry {
  failures: number;
  /** When the circuit opened; null while closed. */
  openedAt: number | null;
  /** When the half-open probe was let through; null when none is out. */
  probeAt: number | null;
}

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failures: number;
  /** How long an open circuit stays open before a probe. */
  cooldownMs: number;
  now?: () => number;
}

export class CircuitBreaker {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly o: BreakerOptions) {
    this.now = o.now ?? Date.now;
  }

  /**
   * Whether a call to `key` may go out now. A closed circuit always allows;
   * an open one allows a single probe once the cool-down is over (another
   * one if that probe never reported back within a cool-down).
   */
  allow(key: string): boolean {
    const e = this.entries.get(key);
    if (e === undefined || e.openedAt === null) return true;
    const now = this.now();
    if (now - e.openedAt < this.o.cooldownMs) return false;
    if (e.probeAt !== null && now - e.probeAt < this.o.cooldownMs) return false;
    e.probeAt = now;
    return true;
  }

  /** The upstream answered: the circuit closes. */
  success(key: string): void {
    // The success path stays a single map lookup when all is well.
    if (this.entries.size !== 0) this.entries.delete(key);
  }

  failure(key: string): void {
    const e = this.entries.get(key) ?? { failures: 0, openedAt: null, probeAt: null };
    e.failures++;
    if (e.probeAt !== null || e.failures >= this.o.failures) {
      e.openedAt = this.now();
      e.probeAt = null;
    }
    this.entries.set(key, e);
  }

  /** A probe whose call ended without a verdict (the client left): let the next request probe. */
  release(key: string): void {
    const e = this.entries.get(key);
    if (e) e.probeAt = null;
  }

  state(key: string): CircuitState {
    const e = this.entries.get(key);
    if (e === undefined || e.openedAt === null) return "closed";
    return this.now() - e.openedAt < this.o.cooldownMs ? "open" : "half_open";
  }

  /** Milliseconds until an open circuit lets a probe through (0 when it would now). */
  retryInMs(key: string): number {
    const e = this.entries.get(key);
    if (e === undefined || e.openedAt === null) return 0;
    return Math.max(0, this.o.cooldownMs - (this.now() - e.openedAt));
  }
}

const g = globalThis as unknown as { __thinkgateBreaker?: CircuitBreaker };

/** The process's breaker, configured from THINKGATE_BREAKER_FAILURES and THINKGATE_BREAKER_COOLDOWN_MS. */
export function breaker(): CircuitBreaker {
  return (g.__thinkgateBreaker ??= new CircuitBreaker({
    failures: Math.max(1, Number(process.env.THINKGATE_BREAKER_FAILURES) || 5),
    cooldownMs: Math.max(0, Number(process.env.THINKGATE_BREAKER_COOLDOWN_MS) || 30_000),
  }));
}
