/**
 * The patterns page's view of GET /api/traces/patterns: per route and app the
 * traces analysed, how often they hedge and how likely their answers are
 * wrong; the recurring assumptions with their prompt suggestions; and the
 * failure-prone ones (assumptions whose traces score clearly worse than their
 * route's average). Pure, so it is tested without a browser.
 */
import type { AssumptionPattern, RateRow } from "./patterns";
import type { Filters } from "./url";

export interface PatternsResponse {
  window: { from: string; to: string; routeId: string | null; app: string | null };
  analysed: { traces: number; limit: number; truncated: boolean };
  rates: RateRow[];
  assumptions: AssumptionPattern[];
}

export interface ScopeSummary {
  routeId: string | null;
  routeName: string | null;
  app: string | null;
  traces: number;
  hedgeRate: number;
  meanFailureScore: number | null;
}

export interface AssumptionView extends AssumptionPattern {
  /** The route's mean failure score, for comparison. */
  routeFailureScore: number | null;
  /** Its traces score at least FAILURE_PRONE_MARGIN above the route's mean. */
  failureProne: boolean;
}

export interface PatternsView {
  scopes: ScopeSummary[];
  assumptions: AssumptionView[];
  failureProne: AssumptionView[];
}

/** How far above its route's mean failure score an assumption's traces must be to be called failure-prone. */
export const FAILURE_PRONE_MARGIN = 0.05;

/** Days merged: one summary per (route, app), weighted by traces; most traces first. */
export function summariseScopes(rates: readonly RateRow[]): ScopeSummary[] {
  const acc = new Map<string, ScopeSummary & { hedged: number; failureSum: number; scoredTraces: number }>();
  for (const r of rates) {
    const k = JSON.stringify([r.routeId, r.app]);
    let a = acc.get(k);
    if (!a) acc.set(k, (a = { routeId: r.routeId, routeName: r.routeName, app: r.app, traces: 0, hedgeRate: 0, meanFailureScore: null, hedged: 0, failureSum: 0, scoredTraces: 0 }));
    a.traces += r.traces;
    a.hedged += r.hedgeRate * r.traces;
    if (r.meanFailureScore !== null) {
      a.failureSum += r.meanFailureScore * r.traces;
      a.scoredTraces += r.traces;
    }
  }
  return [...acc.values()]
    .map(({ hedged, failureSum, scoredTraces, ...s }) => ({
      ...s,
      hedgeRate: s.traces ? hedged / s.traces : 0,
      meanFailureScore: scoredTraces ? failureSum / scoredTraces : null,
    }))
    .sort((a, b) => b.traces - a.traces);
}

export function patternsView(res: PatternsResponse): PatternsView {
  const scopes = summariseScopes(res.rates);
  // A route's mean over all its apps, for comparing its assumptions.
  const routeMean = new Map<string | null, number | null>();
  for (const route of new Set(scopes.map((s) => s.routeId))) {
    const own = scopes.filter((s) => s.routeId === route && s.meanFailureScore !== null);
    const n = own.reduce((a, s) => a + s.traces, 0);
    routeMean.set(route, n ? own.reduce((a, s) => a + s.meanFailureScore! * s.traces, 0) / n : null);
  }
  const assumptions = res.assumptions.map((a) => {
    const routeFailureScore = routeMean.get(a.routeId) ?? null;
    const failureProne = a.meanFailureScore !== null && routeFailureScore !== null && a.meanFailureScore >= routeFailureScore + FAILURE_PRONE_MARGIN;
    return { ...a, routeFailureScore, failureProne };
  });
  const failureProne = assumptions.filter((a) => a.failureProne).sort((a, b) => b.meanFailureScore! - a.meanFailureScore! || b.traces - a.traces);
  return { scopes, assumptions, failureProne };
}

/**
 * The trace explorer's filters for a scope row's own traces, the ones the row
 * counts: the window the API answered for, its end included (without it the
 * list grew with every trace recorded since), the route and the app, or "-"
 * for none (without it the row of 12 traces opened the route's traces of every
 * app), and traces with thinking only (without it, sorted newest first, the
 * list held the route's errors and thinking-off requests too). Most likely
 * wrong first.
 */
export function scopeTraceFilters(window: PatternsResponse["window"], s: Pick<ScopeSummary, "routeId" | "app">): Filters {
  return { from: window.from, to: window.to, route: s.routeId ?? "-", app: s.app ?? "-", thinking: "true", sort: "failure" };
}

export const pct = (x: number | null): string => (x === null ? "—" : `${Math.round(x * 100)}%`);
