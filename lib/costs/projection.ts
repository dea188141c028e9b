/**
 * "What will this cost per month at today's traffic." Pure.
 *
 * The basis is the recent days that had traffic, not the range on screen: a
 * rate per day is spend divided by days with traffic, so the answer is the
 * same whether the dashboard shows 24 hours or 30 days, and a quiet weekend
 * or a gateway installed yesterday does not dilute it. Concretely: the last
 * BASIS_DAYS UTC days up to now; each past day with traffic counts as one
 * day; today, when it had traffic, counts as the part of it that has passed
 * (whole hours, at least one), so a morning is not taken for a whole day.
 *
 * One-off traffic (calibration experiments, the playground: records carry
 * `via`) is left out unless asked for, because it does not recur; what was
 * left out is reported with the basis.
 */
import type { DayGroupRow } from "../db/analytics/types";

export const BASIS_DAYS = 7;
export const MONTH_DAYS = 30;
export const ONE_OFF_VIAS = ["calibration", "playground"] as const;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export function isOneOff(via: string): boolean {
  return (ONE_OFF_VIAS as readonly string[]).includes(via);
}

/** Sums of one UTC day for one group and endpoint; `day` is the day's start, epoch ms. */
export type DayRow = DayGroupRow;

export interface ProjectionGroup {
  key: string;
  label: string;
  requestsPerDay: number;
  /** Priced spend per day; unpriced requests are not in it. */
  costPerDay: number;
  /** costTotal / priced over the basis; null when nothing is priced. */
  avgCostPerRequest: number | null;
  monthly: number | null;
  unpriced: number;
}

export interface ProjectionBasis {
  /** ISO dates (YYYY-MM-DD) of the days with traffic used, oldest first. */
  days: string[];
  /** Days counted: past days with traffic, plus the elapsed part of today. */
  dayCount: number;
  /** Hours of today counted, when today had traffic. */
  todayHours: number | null;
  /** The window looked at: [from, to). */
  from: string;
  to: string;
  requests: number;
  cost: number;
  includeOneOff: boolean;
  /** One-off traffic in the window, left out (or included, when includeOneOff). */
  oneOff: { requests: number; cost: number };
}

export interface MonthlyProjection {
  groups: ProjectionGroup[];
  perDay: number;
  monthly: number;
  /** Unpriced requests per day (cost unknown), not in `monthly`. */
  unpricedPerDay: number;
  basis: ProjectionBasis;
}

/** The window the projection reads: BASIS_DAYS whole UTC days ending with today. */
export function projectionWindow(now: number): { from: number; to: number } {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return { from: today - (BASIS_DAYS - 1) * DAY_MS, to: Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS };
}

export function projectMonth(rows: DayRow[], now: number, includeOneOff = false): MonthlyProjection {
  const win = projectionWindow(now);
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const inWindow = rows.filter((r) => r.day >= win.from && r.day < win.to && r.requests > 0);
  const oneOff = inWindow.filter((r) => isOneOff(r.via));
  const used = includeOneOff ? inWindow : inWindow.filter((r) => !isOneOff(r.via));
  const days = [...new Set(used.map((r) => r.day))].sort((a, b) => a - b);
  const todayHours = days.includes(today) ? Math.max(1, Math.ceil((now - today) / HOUR_MS)) : null;
  const dayCount = days.filter((d) => d !== today).length + (todayHours === null ? 0 : todayHours / 24);

  const byKey = new Map<string, { key: string; label: string; requests: number; priced: number; unpriced: number; cost: number }>();
  for (const r of used) {
    const g = byKey.get(r.key) ?? { key: r.key, label: r.label, requests: 0, priced: 0, unpriced: 0, cost: 0 };
    g.requests += r.requests;
    g.priced += r.priced;
    g.unpriced += r.unpriced;
    g.cost += r.cost;
    byKey.set(r.key, g);
  }
  const groups = [...byKey.values()]
    .map((g): ProjectionGroup => {
      const perDay = dayCount > 0 ? 1 / dayCount : 0;
      const avg = g.priced > 0 ? g.cost / g.priced : null;
      // Unpriced requests are left out of the money (never counted as $0) and reported beside it.
      const monthly = avg === null ? null : g.cost * perDay * MONTH_DAYS;
      return { key: g.key, label: g.label, requestsPerDay: g.requests * perDay, costPerDay: g.cost * perDay, avgCostPerRequest: avg, monthly, unpriced: g.unpriced };
    })
    .sort((a, b) => (b.monthly ?? 0) - (a.monthly ?? 0) || b.requestsPerDay - a.requestsPerDay);
  const monthly = groups.reduce((a, g) => a + (g.monthly ?? 0), 0);
  return {
    groups,
    perDay: monthly / MONTH_DAYS,
    monthly,
    unpricedPerDay: dayCount > 0 ? groups.reduce((a, g) => a + g.unpriced, 0) / dayCount : 0,
    basis: {
      days: days.map((d) => new Date(d).toISOString().slice(0, 10)),
      dayCount,
      todayHours,
      from: new Date(win.from).toISOString(),
      to: new Date(win.to).toISOString(),
      requests: used.reduce((a, r) => a + r.requests, 0),
      cost: used.reduce((a, r) => a + r.cost, 0),
      includeOneOff,
      oneOff: { requests: oneOff.reduce((a, r) => a + r.requests, 0), cost: oneOff.reduce((a, r) => a + r.cost, 0) },
    },
  };
}
