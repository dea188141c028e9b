/**
 * Login throttling, in memory per process: after a few free failures for an
 * email (or from an address), each further failure locks that key for twice
 * as long as the last, up to a cap. A success clears the email's counter but
 * not the address's, so an attacker cannot reset their address by signing in
 * to an account of their own between guesses. Counters forget after a quiet
 * window. With several instances each keeps its own counts (Redis would share
 * them; see ARCHITECTURE "Scale-out").
 *
 * An attempt is counted as a failure as soon as it is let through, before
 * its password is checked (which takes a hash's time), and forgiven when it
 * checks out: counted only once it had failed, any number of guesses sent at
 * once all passed the check before the first of them was counted.
 */
import { LRUCache } from "lru-cache";

export interface LimiterPolicy {
  /** Failures allowed before the first lock. */
  free: number;
  /** First lock, doubled on each further failure. */
  baseLockMs: number;
  maxLockMs: number;
  /** A key with no failure for this long starts over. */
  forgetAfterMs: number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

export class LoginLimiter {
  private entries: LRUCache<string, Entry>;

  constructor(
    private readonly policy: LimiterPolicy,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new LRUCache({ max: 50_000 });
  }

  private entry(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e && this.now() - e.lastFailure > this.policy.forgetAfterMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfterMs(key: string): number {
    const e = this.entry(key);
    return e ? Math.max(0, e.lockedUntil - this.now()) : 0;
  }

  fail(key: string): void {
    const now = this.now();
    const e = this.entry(key) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
    e.failures++;
    e.lastFailure = now;
    const over = e.failures - this.policy.free;
    if (over > 0) e.lockedUntil = now + Math.min(this.policy.maxLockMs, this.policy.baseLockMs * 2 ** (over - 1));
    this.entries.set(key, e);
  }

  /** Takes back one failure counted for an attempt that turned out right; lifts the lock when the rest are within the free ones. */
  forgive(key: string): void {
    const e = this.entry(key);
    if (!e) return;
    e.failures = Math.max(0, e.failures - 1);
    if (e.failures <= this.policy.free) e.lockedUntil = 0;
  }

  reset(key: string): void {
    this.entries.delete(key);
  }
}

const MINUTE = 60_000;

const g = globalThis as unknown as { __thinkgateLoginLimiters?: { email: LoginLimiter; ip: LoginLimiter } };

/** The process's limiters: per email (5 free failures) and per client address (20). */
export function loginLimiters(): { email: LoginLimiter; ip: LoginLimiter } {
  return (g.__thinkgateLoginLimiters ??= {
    email: new LoginLimiter({ free: 5, baseLockMs: 1_000, maxLockMs: 15 * MINUTE, forgetAfterMs: 15 * MINUTE }),
    ip: new LoginLimiter({ free: 20, baseLockMs: 1_000, maxLockMs: 15 * MINUTE, forgetAfterMs: 15 * MINUTE }),
  });
}
