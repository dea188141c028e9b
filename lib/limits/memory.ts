/** The limiter of a process that runs alone (no REDIS_URL): the same rules as the Redis scripts, in memory. */
import { chooseEstimate, reservationTtlMs, WINDOW_MS, type AdmitInput, type AdmitResult, type Limiter, type Ticket } from "./limiter";

interface DaySpend {
  settled: number;
  reserved: number;
  reservations: Map<string, { amount: number; expires: number }>;
  /** Reservations that lapsed unsettled, counted in `settled` until their settlement, if any, replaces them. */
  lapsed: Map<string, number>;
}

interface ScopeState {
  /** Admission times in the rpm window, oldest first. */
  window: number[];
  days: Map<string, DaySpend>;
}

export class MemoryLimiter implements Limiter {
  private readonly scopes = new Map<string, ScopeState>();
  /** The spend of earlier runs being loaded (preload), until it is counted. */
  private loading: { done: Promise<void>; until: number } | null = null;

  constructor(private readonly now: () => number = Date.now, private readonly ttlMs = reservationTtlMs()) {}

  /**
   * Counts spend settled before this process began, per scope, on `day`
   * (reload.ts): added to what this process counts itself. Budgets wait for it
   * at most `waitMs` from now; past that, a capped request is not checked
   * (admit throws: served, as when Redis is down) until it is counted.
   */
  preload(day: string, spend: Promise<Map<string, number>>, waitMs: number): void {
    const done = spend.then((m) => {
      for (const [scope, micro] of m) this.day(this.state(scope), day, this.now()).settled += micro;
      this.loading = null;
    });
    this.loading = { done, until: this.now() + waitMs };
  }

  private state(scope: string): ScopeState {
    let s = this.scopes.get(scope);
    if (!s) this.scopes.set(scope, (s = { window: [], days: new Map() }));
    return s;
  }

  private day(s: ScopeState, day: string, now: number): DaySpend {
    let d = s.days.get(day);
    if (!d) {
      s.days.set(day, (d = { settled: 0, reserved: 0, reservations: new Map(), lapsed: new Map() }));
      // Only today and yesterday can still be settled against.
      if (s.days.size > 2) for (const k of [...s.days.keys()].sort().slice(0, s.days.size - 2)) s.days.delete(k);
    }
    for (const [id, r] of d.reservations) {
      if (r.expires > now) continue;
      d.reserved -= r.amount;
      d.reservations.delete(id);
      d.settled += r.amount;
      d.lapsed.set(id, r.amount);
    }
    return d;
  }

  async admit(input: AdmitInput): Promise<AdmitResult> {
    if (this.loading && input.scopes.some((sc) => sc.capMicro !== null)) {
      const { done, until } = this.loading;
      const wait = until - this.now();
      let timer: NodeJS.Timeout | undefined;
      if (wait > 0) await Promise.race([done, new Promise((r) => (timer = setTimeout(r, wait)))]).finally(() => clearTimeout(timer));
      if (this.loading) throw new Error("the spend of earlier runs today is not loaded yet");
    }
    const now = this.now();
    let requestsLeft: number | null = null;
    for (const sc of input.scopes) {
      if (sc.rpm === null) continue;
      const w = this.state(sc.scope).window;
      let drop = 0;
      while (drop < w.length && w[drop]! <= now - WINDOW_MS) drop++;
      if (drop) w.splice(0, drop);
      if (w.length >= sc.rpm) {
        // The slot frees when enough of the oldest admissions leave the window.
        const frees = w[w.length - sc.rpm]! + WINDOW_MS;
        return { ok: false, scope: sc.scope, kind: "rpm", retryAfterMs: Math.max(1, frees - now) };
      }
      requestsLeft = Math.min(requestsLeft ?? Infinity, sc.rpm - w.length - 1);
    }
    const days = input.scopes.map((sc) => (sc.capMicro === null ? null : this.day(this.state(sc.scope), input.day, now)));
    const used = days.map((d) => (d ? d.settled + d.reserved : null));
    const choice = chooseEstimate(input.scopes, used, input.estimateMicro, input.fallbackMicro);
    if (!choice.ok) return { ok: false, scope: choice.scope, kind: "budget", retryAfterMs: -1 };

    let budgetLeftMicro: number | null = null;
    for (let i = 0; i < input.scopes.length; i++) {
      const sc = input.scopes[i]!;
      if (sc.rpm !== null) this.state(sc.scope).window.push(now);
      const d = days[i];
      if (!d || sc.capMicro === null) continue;
      d.reserved += choice.chosen;
      d.reservations.set(input.id, { amount: choice.chosen, expires: now + this.ttlMs });
      budgetLeftMicro = Math.min(budgetLeftMicro ?? Infinity, sc.capMicro - d.settled - d.reserved);
    }
    return { ok: true, downgraded: choice.downgraded, reservedMicro: choice.chosen, requestsLeft, budgetLeftMicro };
  }

  async settle(ticket: Ticket, actualMicro: number): Promise<void> {
    const now = this.now();
    for (const scope of ticket.capped) {
      const d = this.day(this.state(scope), ticket.day, now);
      const r = d.reservations.get(ticket.id);
      if (r) {
        d.reserved -= r.amount;
        d.reservations.delete(ticket.id);
      }
      const lapsed = d.lapsed.get(ticket.id);
      if (lapsed !== undefined) {
        d.settled -= lapsed;
        d.lapsed.delete(ticket.id);
      }
      d.settled += actualMicro;
    }
  }

  /** What a scope has used: requests in the window, and today's settled and reserved spend (micro-dollars). */
  usage(scope: string, day: string): { requests: number; settledMicro: number; reservedMicro: number } {
    const now = this.now();
    const s = this.state(scope);
    const requests = s.window.filter((t) => t > now - WINDOW_MS).length;
    const d = this.day(s, day, now);
    return { requests, settledMicro: d.settled, reservedMicro: d.reserved };
  }
}
