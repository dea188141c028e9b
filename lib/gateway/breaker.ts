/**
 * A circuit breaker per upstream model, over the share of failed calls in a
 * sliding window. A model's circuit opens when, within the last `windowMs`,
 * at least `minCalls` calls reached a verdict and at least `failureRate` of
 * them failed (5xx, 529 included, 408, connection errors, timeouts: see
 * `classify` in retry.ts; 429s and the request's own faults are no verdict on
 * the model). A few failures among few calls are bad luck, not an outage, and
 * must not cut every client off a model.
 *
 * An open circuit is not called: requests go to their route's fallback, or get
 * a 529 with `retry-after` when no candidate is left. After `cooldownMs` it is
 * half-open: up to `halfOpenProbes` calls at a time go through as probes; that
 * many successes close it, one failure opens it for another cool-down.
 *
 * The state lives in this process. That is enough for its purpose: each
 * instance learns within a minute of traffic that a model is down, and a
 * wrongly closed circuit costs a few failed calls that are retried or fall
 * back anyway. Sharing it would put a network round trip on every request.
 */
import { logger } from "../observability/logger";

export type CircuitState = "closed" | "open" | "half_open";

export interface BreakerOptions {
  /** The sliding window over which the failure rate is measured. */
  windowMs: number;
  /** Calls with a verdict in the window before the circuit may open. */
  minCalls: number;
  /** Share of failed calls in the window (0–1] that opens the circuit. */
  failureRate: number;
  /** How long an open circuit stays open before it lets probes through. */
  cooldownMs: number;
  /** Probes let through at once while half-open; as many successes close the circuit. */
  halfOpenProbes: number;
  now?: () => number;
}

/**
 * What `allow` granted. A probe holds one of the half-open slots until
 * `release`; `epoch` names the open period it probes, so a probe that ends
 * after its circuit moved on gives back nothing it does not hold.
 */
export interface Permit {
  readonly probe: boolean;
  readonly epoch: number;
}

/** A call on a closed circuit: shared, so the success path allocates nothing. */
const CALL: Permit = Object.freeze({ probe: false, epoch: -1 });

/** Buckets of the window: it slides in steps of a tenth of its length. */
const BUCKETS = 10;
/**
 * Models tracked at most. Models are few, but the key is the model a request
 * names, which a client chooses; past the cap the longest-tracked one is
 * dropped (at worst its circuit has to learn again).
 */
const MAX_MODELS = 256;

class Entry {
  /** Bucket number (time / bucket length) each slot counts, -1 when unused. */
  readonly stamp = new Float64Array(BUCKETS).fill(-1);
  readonly calls = new Uint32Array(BUCKETS);
  readonly failures = new Uint32Array(BUCKETS);
  /** When the circuit opened; -1 while closed. */
  openedAt = -1;
  /** Counts the circuit's openings and closings: a permit is only good for the period it was given in. */
  epoch = 0;
  /** Probes out now, and probes that succeeded, in the current half-open period. */
  probing = 0;
  probeSuccesses = 0;
}

export class CircuitBreaker {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly bucketMs: number;

  constructor(private readonly o: BreakerOptions) {
    this.now = o.now ?? Date.now;
    this.bucketMs = o.windowMs / BUCKETS;
  }

  /**
   * Whether a call to `key` may go out now, and as what: any call on a closed
   * circuit; none while open; while half-open, a probe if a slot is free.
   * A granted permit goes back through `release` when the call is over.
   */
  allow(key: string): Permit | null {
    const e = this.entries.get(key);
    if (e === undefined || e.openedAt < 0) return CALL;
    if (this.now() - e.openedAt < this.o.cooldownMs || e.probing >= this.o.halfOpenProbes) return null;
    e.probing++;
    return { probe: true, epoch: e.epoch };
  }

  /**
   * Whether the call holding `permit` may try `key` again: not once the
   * circuit is open, and while half-open only as the probe it already is.
   */
  mayRetry(key: string, permit: Permit): boolean {
    const e = this.entries.get(key);
    if (e === undefined || e.openedAt < 0) return true;
    return permit.probe && permit.epoch === e.epoch && this.now() - e.openedAt >= this.o.cooldownMs;
  }

  /** The upstream answered. On a closed circuit: one more call in the current bucket. */
  success(key: string): void {
    const e = this.entries.get(key) ?? this.add(key);
    const now = this.now();
    if (e.openedAt < 0) {
      this.count(e, now, false);
      return;
    }
    // Half-open: enough good probes close the circuit on a clean window. Open: a late answer changes nothing.
    if (now - e.openedAt >= this.o.cooldownMs && ++e.probeSuccesses >= this.o.halfOpenProbes) this.close(e);
  }

  /** The upstream failed in a way that says the model is in trouble. */
  failure(key: string): void {
    const e = this.entries.get(key) ?? this.add(key);
    const now = this.now();
    if (e.openedAt >= 0) {
      // A failed probe reopens the circuit for another cool-down; while open, a late failure adds nothing.
      if (now - e.openedAt >= this.o.cooldownMs) this.open(e, now);
      return;
    }
    this.count(e, now, true);
    // Summed only here, on the failure path: a success costs one bucket increment.
    const oldest = Math.floor(now / this.bucketMs) - BUCKETS;
    let calls = 0;
    let failures = 0;
    for (let i = 0; i < BUCKETS; i++) {
      if (e.stamp[i]! > oldest) {
        calls += e.calls[i]!;
        failures += e.failures[i]!;
      }
    }
    if (calls >= this.o.minCalls && failures >= this.o.failureRate * calls) this.open(e, now);
  }

  /** The call holding `permit` is over, with or without a verdict (the client left, a 429): a probe gives its slot back. */
  release(key: string, permit: Permit): void {
    if (!permit.probe) return;
    const e = this.entries.get(key);
    if (e !== undefined && e.epoch === permit.epoch && e.probing > 0) e.probing--;
  }

  state(key: string): CircuitState {
    const e = this.entries.get(key);
    if (e === undefined || e.openedAt < 0) return "closed";
    return this.now() - e.openedAt < this.o.cooldownMs ? "open" : "half_open";
  }

  /** Milliseconds until an open circuit lets a probe through (0 when it would now). */
  retryInMs(key: string): number {
    const e = this.entries.get(key);
    if (e === undefined || e.openedAt < 0) return 0;
    return Math.max(0, this.o.cooldownMs - (this.now() - e.openedAt));
  }

  /** Every tracked model's state, for the metrics. */
  states(): [model: string, state: CircuitState][] {
    return [...this.entries.keys()].map((k) => [k, this.state(k)]);
  }

  private add(key: string): Entry {
    if (this.entries.size >= MAX_MODELS) this.entries.delete(this.entries.keys().next().value!);
    const e = new Entry();
    this.entries.set(key, e);
    return e;
  }

  private count(e: Entry, now: number, failed: boolean): void {
    const n = Math.floor(now / this.bucketMs);
    const i = n % BUCKETS;
    if (e.stamp[i] !== n) {
      e.stamp[i] = n;
      e.calls[i] = 0;
      e.failures[i] = 0;
    }
    e.calls[i]!++;
    if (failed) e.failures[i]!++;
  }

  private open(e: Entry, now: number): void {
    e.openedAt = now;
    e.epoch++;
    e.probing = 0;
    e.probeSuccesses = 0;
  }

  /** Closed again with an empty window: the failures that opened it must not open it again at once. */
  private close(e: Entry): void {
    e.openedAt = -1;
    e.epoch++;
    e.probing = 0;
    e.probeSuccesses = 0;
    e.stamp.fill(-1);
  }
}

const num = (v: string | undefined, ok: (n: number) => boolean, fallback: number) => {
  const n = Number(v);
  return v !== undefined && v.trim() !== "" && Number.isFinite(n) && ok(n) ? n : fallback;
};

/** The breaker's settings from the environment; a value out of range falls back to its default. */
export function readBreakerOptions(env: Record<string, string | undefined> = process.env): BreakerOptions {
  return {
    windowMs: num(env.THINKGATE_BREAKER_WINDOW_MS, (n) => n >= 1_000, 60_000),
    minCalls: Math.floor(num(env.THINKGATE_BREAKER_MIN_CALLS, (n) => n >= 1, 20)),
    failureRate: num(env.THINKGATE_BREAKER_FAILURE_RATE, (n) => n > 0 && n <= 1, 0.5),
    cooldownMs: num(env.THINKGATE_BREAKER_COOLDOWN_MS, (n) => n >= 0, 30_000),
    halfOpenProbes: Math.floor(num(env.THINKGATE_BREAKER_HALF_OPEN_PROBES, (n) => n >= 1, 3)),
  };
}

const g = globalThis as unknown as { __thinkgateBreaker?: CircuitBreaker };

/** The process's breaker, configured from the THINKGATE_BREAKER_* variables. */
export function breaker(): CircuitBreaker {
  if (!g.__thinkgateBreaker && process.env.THINKGATE_BREAKER_FAILURES) {
    // Consecutive failures no longer open a circuit; say so rather than ignore a setting silently.
    logger.warn("THINKGATE_BREAKER_FAILURES is no longer read: a circuit opens on a failure rate (THINKGATE_BREAKER_MIN_CALLS, THINKGATE_BREAKER_FAILURE_RATE, THINKGATE_BREAKER_WINDOW_MS)");
  }
  return (g.__thinkgateBreaker ??= new CircuitBreaker(readBreakerOptions()));
}
